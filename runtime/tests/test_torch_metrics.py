"""graphc_runtime.torch.metrics against keras.metrics (TensorFlow backend).

Each metric sees the same three batches of random labels and predictions (with
and without sample weights); its result after every batch, and after a reset
and one more batch, must equal Keras's.

Tolerance: states are float32 sums over at most 3 * 8 * 5 = 120 values whose
summation order differs between TensorFlow and PyTorch, each sum off by at
most log2(120) * 2**-24 ~ 4e-7 relative; results are a few float32 operations
on those sums (AUC: up to 200 trapezoids whose terms are ratios of sums, so
the errors add over the curve: 200 * 2 ulp ~ 2.4e-5 of a value at most 1).
Counts (confusion matrices, IoU) are exact.  So: 2e-6 relative + 2e-6
absolute, and 3e-5 absolute for the curve metrics.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")
M = pytest.importorskip("graphc_runtime.torch.metrics")
Lo = pytest.importorskip("graphc_runtime.torch.losses")

pytestmark = pytest.mark.slow

RTOL, ATOL, CURVE_ATOL = 2e-6, 2e-6, 3e-5
CURVES = {
    "AUC",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "PrecisionAtRecall",
    "RecallAtPrecision",
}


def _probs(rng, shape):
    z = rng.normal(size=shape).astype("float32") * 2
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def _batches(kind, seed):
    """Three batches (y_true, y_pred) of 8 samples of one kind of data."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        if kind == "binary":  # one sigmoid unit
            y = rng.integers(0, 2, size=(8, 1)).astype("float32")
            p = rng.uniform(0, 1, size=(8, 1)).astype("float32")
            p[0, 0] = 0.5  # on a threshold
        elif kind == "multilabel":
            y = rng.integers(0, 2, size=(8, 5)).astype("float32")
            p = rng.uniform(0, 1, size=(8, 5)).astype("float32")
            p[1] = [0.0, 1.0, 0.5, 0.25, 0.75]
        elif kind == "onehot":
            y = np.eye(5, dtype="float32")[rng.integers(0, 5, size=8)]
            p = _probs(rng, (8, 5))
        elif kind == "sparse":
            y = rng.integers(0, 5, size=(8,)).astype("int32")
            p = _probs(rng, (8, 5))
        elif kind == "sparse1":
            y = rng.integers(0, 5, size=(8, 1)).astype("int32")
            p = _probs(rng, (8, 5))
        elif kind == "seq_sparse":
            y = rng.integers(0, 5, size=(8, 3)).astype("int32")
            p = _probs(rng, (8, 3, 5))
        elif kind == "regression":
            y = rng.normal(size=(8, 4)).astype("float32")
            p = (y + rng.normal(size=(8, 4)) * 0.5).astype("float32")
        elif kind == "positive":
            y = rng.uniform(0.1, 2, size=(8, 4)).astype("float32")
            p = rng.uniform(0.1, 2, size=(8, 4)).astype("float32")
        elif kind == "segmentation":  # class ids and predicted ids
            y = rng.integers(0, 4, size=(8, 3, 3)).astype("int32")
            p = rng.integers(0, 4, size=(8, 3, 3)).astype("int32")
            y[0, 0, 0] = 7  # out of range: ignored
        elif kind == "seg_probs":
            y = np.eye(4, dtype="float32")[rng.integers(0, 4, size=(8, 3))]
            p = _probs(rng, (8, 3, 4))
        else:
            raise AssertionError(kind)
        out.append((y, p))
    return out


METRICS = [
    ("Mean", {}, "regression"),
    ("Sum", {}, "regression"),
    ("Accuracy", {}, "sparse1"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "multilabel"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse1"),
    ("SparseCategoricalAccuracy", {}, "seq_sparse"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "seq_sparse"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("RootMeanSquaredError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 2}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {}, "regression"),
    ("KLDivergence", {}, "onehot"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "multilabel"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "multilabel"),
    ("CategoricalHinge", {}, "onehot"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.9]}, "multilabel"),
    ("TrueNegatives", {}, "multilabel"),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "multilabel"),
    ("Precision", {"top_k": 2}, "onehot"),
    ("Precision", {"class_id": 2}, "onehot"),
    ("Recall", {}, "multilabel"),
    ("Recall", {"top_k": 1, "class_id": 1}, "onehot"),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 50}, "multilabel"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("RecallAtPrecision", {"precision": 0.5, "class_id": 1}, "onehot"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "multilabel"),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 17}, "multilabel"),
    ("AUC", {"curve": "PRGAIN"}, "multilabel"),
    ("AUC", {"multi_label": True}, "multilabel"),
    ("AUC", {"multi_label": True, "curve": "PR", "label_weights": [1, 2, 0, 1, 1]}, "multilabel"),
    ("AUC", {"label_weights": [0.5, 1, 2, 1, 1]}, "multilabel"),
    ("AUC", {"thresholds": [0.1, 0.4, 0.45, 0.8]}, "multilabel"),
    ("AUC", {"from_logits": True}, "binary"),
    ("MeanIoU", {"num_classes": 4}, "segmentation"),
    ("MeanIoU", {"num_classes": 4, "ignore_class": 0}, "segmentation"),
    ("IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, "segmentation"),
    ("BinaryIoU", {}, "binary"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "multilabel"),
    ("OneHotIoU", {"num_classes": 4, "target_class_ids": [1, 3]}, "seg_probs"),
    ("OneHotMeanIoU", {"num_classes": 4}, "seg_probs"),
    ("MeanIoU", {"num_classes": 4, "sparse_y_true": False, "sparse_y_pred": False}, "seg_probs"),
    ("F1Score", {}, "multilabel"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "multilabel"),
    ("F1Score", {"average": "macro"}, "onehot"),
    ("FBetaScore", {"beta": 2.0, "average": "weighted", "threshold": 0.4}, "multilabel"),
]


def _update(metric, y, p, sw, ours):
    if metric.__class__.__name__ in ("Mean", "Sum"):
        args = (p - y,)
    else:
        args = (y, p)
    if ours:
        args = tuple(torch.as_tensor(a) for a in args)
        sw = None if sw is None else torch.as_tensor(sw)
    if sw is None:
        metric.update_state(*args)
    else:
        metric.update_state(*args, sample_weight=sw)
    return np.asarray(metric.result(), dtype="float64")


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("index", range(len(METRICS)), ids=[f"{m[0]}{m[1] or ''}-{m[2]}" for m in METRICS])
def test_metric_matches_keras(index, weighted):
    name, kwargs, kind = METRICS[index]
    km = getattr(keras.metrics, name)(**kwargs)
    tm = getattr(M, name)(**kwargs)
    batches = _batches(kind, seed=index)
    rng = np.random.default_rng(100 + index)
    tol = CURVE_ATOL if name in CURVES else ATOL
    iou = "IoU" in name
    for i, batch in enumerate([*batches, None, batches[0]]):
        if batch is None:
            km.reset_state()
            tm.reset_state()
            continue
        y, p = batch
        sw = None
        if weighted:
            # IoU's confusion matrix is integer: Keras truncates float weights, so use integers
            sw = (
                rng.integers(0, 3, size=(8,)).astype("float32")
                if iou
                else rng.uniform(0, 2, size=(8,)).astype("float32")
            )
            if name == "BinaryIoU" and kind == "multilabel":
                sw = np.repeat(sw[:, None], 5, 1)  # IoU flattens labels and weights
            if kind in ("segmentation",):
                sw = np.repeat(sw[:, None, None], 3, 1).repeat(3, 2)
            if kind in ("seg_probs",):
                sw = np.repeat(sw[:, None], 3, 1)
        with np.errstate(all="ignore"):
            expected = _update(km, y, p, sw, ours=False)
        got = _update(tm, y, p, sw, ours=True)
        assert got.shape == expected.shape, (name, got, expected)
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=tol, err_msg=f"{name} {kwargs} batch {i}")


def test_names_and_directions_like_keras():
    for name in ["AUC", "Precision", "MeanIoU", "BinaryAccuracy", "RootMeanSquaredError", "F1Score"]:
        kw = {"num_classes": 3} if name == "MeanIoU" else {}
        km = getattr(keras.metrics, name)(**kw)
        tm = getattr(M, name)(**kw)
        base = km.name.rsplit("_", 1)[0] if km.name[-1].isdigit() else km.name
        assert tm.name.startswith(base), (tm.name, km.name)
        assert getattr(tm, "_direction", None) == getattr(km, "_direction", None), name
    for s in ["mse", "mae", "auc", "precision", "categorical_accuracy", "top_k_categorical_accuracy"]:
        km = keras.metrics.get(s)
        tm = M.get(s)
        assert type(tm).__name__ == type(km).__name__, s
    # compile()'s resolution of "accuracy" from the shapes
    cases = [((8, 1), (8, 1), "BinaryAccuracy"), ((8,), (8, 5), "SparseCategoricalAccuracy")]
    cases += [((8, 1), (8, 5), "SparseCategoricalAccuracy"), ((8, 5), (8, 5), "CategoricalAccuracy")]
    from keras.src.trainers.compile_utils import get_metric

    for yt, yp, cls in cases:
        km = get_metric("acc", np.zeros(yt, "float32"), np.zeros(yp, "float32"))
        tm = M.resolve("acc", torch.zeros(yt), torch.zeros(yp))
        assert type(km).__name__ == type(tm).__name__ == cls
        assert km.name == tm.name == "acc"


def test_crossentropy_metrics_use_logits_like_keras_tensorflow():
    """A metric on a sigmoid/softmax result uses the logits, as in Keras-TF."""
    rng = np.random.default_rng(0)
    z = (rng.normal(size=(6, 4)) * 40).astype("float32")
    y = np.eye(4, dtype="float32")[rng.integers(0, 4, size=6)]
    km = keras.metrics.CategoricalCrossentropy()
    km.update_state(y, keras.activations.softmax(z))
    tm = M.CategoricalCrossentropy()
    tm.update_state(torch.as_tensor(y), Lo.softmax(torch.as_tensor(z)))
    assert float(tm.result()) == pytest.approx(float(km.result()), rel=RTOL, abs=4e-6)
    clipped = M.CategoricalCrossentropy()
    clipped.update_state(torch.as_tensor(y), torch.softmax(torch.as_tensor(z), -1))
    assert abs(float(clipped.result()) - float(km.result())) > 1.0  # the paths really differ here


def test_state_dict_roundtrip_and_sync():
    tm = M.AUC(multi_label=True)
    y, p = _batches("multilabel", 0)[0]
    tm.update_state(torch.as_tensor(y), torch.as_tensor(p))
    state = tm.state_dict()
    fresh = M.AUC(multi_label=True)
    fresh.load_state_dict(state)
    assert float(fresh.result()) == float(tm.result())
    # a process that saw no batch gets the shapes of the others, then sums
    empty = M.AUC(multi_label=True)
    empty.sync(
        lambda t: t.mul_(1), lambda obj: [obj, {k: (tuple(v.shape), "float32") for k, v in state.items()}]
    )
    assert empty.true_positives.shape == tm.true_positives.shape
