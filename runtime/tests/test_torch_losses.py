"""graphc_runtime.torch.losses against keras.losses (TensorFlow backend) on the same arrays.

Tolerance: every loss is a handful of float32 operations per element (each
rounding by at most 2**-24 relative) followed by a sum over at most 5 * 7 * 4
elements whose order differs between TensorFlow and PyTorch; the accumulated
relative error is bounded by (ops + log2(n)) * 2**-24 ~ 16 * 6e-8 = 1e-6, and
the divisions by small denominators (MAPE, Tversky, cosine normalisation) at
most double it.  Values below 1 get an absolute floor of the same size.  The
fused crossentropies (TensorFlow's softmax/sigmoid_cross_entropy_with_logits
against PyTorch's log_softmax/binary_cross_entropy_with_logits) differ in
log1p/exp evaluation: parity.md measured 1.9e-6 absolute on logits of size 60,
so those cases use 4e-6.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")
L = pytest.importorskip("graphc_runtime.torch.losses")

pytestmark = pytest.mark.slow

RTOL = 2e-6
ATOL = 2e-6
FUSED_ATOL = 4e-6


def _rng(seed=0):
    return np.random.default_rng(seed)


def _probs(rng, shape):
    z = rng.normal(size=shape).astype("float32")
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def _onehot(rng, shape):
    ids = rng.integers(0, shape[-1], size=shape[:-1])
    return np.eye(shape[-1], dtype="float32")[ids]


def _keras(cls_name, kwargs, y_true, y_pred, sw):
    loss = getattr(keras.losses, cls_name)(**kwargs)
    return float(np.asarray(loss(y_true, y_pred, sample_weight=sw)))


def _ours(cls_name, kwargs, y_true, y_pred, sw):
    loss = getattr(L, cls_name)(**kwargs)
    sw = None if sw is None else torch.as_tensor(sw)
    return float(loss(torch.as_tensor(y_true), torch.as_tensor(y_pred), sample_weight=sw))


def _cases():
    rng = _rng(1)
    shape = (5, 4)
    pos = rng.uniform(0.05, 2.0, size=shape).astype("float32")
    reg_t = rng.normal(size=shape).astype("float32")
    reg_p = rng.normal(size=shape).astype("float32")
    bin_t = rng.integers(0, 2, size=shape).astype("float32")
    bin_p = rng.uniform(0.01, 0.99, size=shape).astype("float32")
    oh = _onehot(rng, shape)
    pr = _probs(rng, shape)
    ids = rng.integers(0, 4, size=(5,)).astype("int32")
    seq_t = rng.normal(size=(5, 7, 4)).astype("float32")
    seq_p = rng.normal(size=(5, 7, 4)).astype("float32")
    seq_ids = rng.integers(0, 4, size=(5, 7)).astype("int32")
    seq_pr = _probs(rng, (5, 7, 4))
    ids_ignored = ids.copy()
    ids_ignored[[1, 3]] = 2
    return [
        ("MeanSquaredError", {}, reg_t, reg_p),
        ("MeanSquaredError", {}, seq_t, seq_p),
        ("MeanSquaredError", {"reduction": "sum"}, reg_t, reg_p),
        ("MeanSquaredError", {"reduction": "mean_with_sample_weight"}, reg_t, reg_p),
        ("MeanAbsoluteError", {}, reg_t, reg_p),
        ("MeanAbsolutePercentageError", {}, reg_t, reg_p),
        ("MeanSquaredLogarithmicError", {}, pos, reg_p),
        ("CosineSimilarity", {}, reg_t, reg_p),
        ("CosineSimilarity", {"axis": 1}, seq_t, seq_p),
        ("Huber", {}, reg_t, 2 * reg_p),
        ("Huber", {"delta": 0.3}, reg_t, reg_p),
        ("LogCosh", {}, reg_t, 3 * reg_p),
        ("Hinge", {}, bin_t, reg_p),
        ("Hinge", {}, 2 * bin_t - 1, reg_p),
        ("SquaredHinge", {}, bin_t, reg_p),
        ("CategoricalHinge", {}, oh, reg_p),
        ("KLDivergence", {}, pr, _probs(rng, shape)),
        ("Poisson", {}, pos, pos[::-1].copy()),
        ("BinaryCrossentropy", {}, bin_t, bin_p),
        ("BinaryCrossentropy", {"label_smoothing": 0.1}, bin_t, bin_p),
        ("BinaryCrossentropy", {"from_logits": True}, bin_t, 4 * reg_p),
        ("BinaryFocalCrossentropy", {}, bin_t, bin_p),
        (
            "BinaryFocalCrossentropy",
            {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "label_smoothing": 0.2},
            bin_t,
            bin_p,
        ),
        ("BinaryFocalCrossentropy", {"from_logits": True}, bin_t, 4 * reg_p),
        ("CategoricalCrossentropy", {}, oh, pr),
        ("CategoricalCrossentropy", {"label_smoothing": 0.1}, oh, pr),
        ("CategoricalCrossentropy", {"from_logits": True}, oh, 5 * reg_p),
        ("CategoricalCrossentropy", {"from_logits": True, "axis": 1}, seq_t.clip(0, 1), seq_p),
        ("CategoricalFocalCrossentropy", {}, oh, pr),
        ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 1.0}, oh, pr),
        ("CategoricalFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, oh, 3 * reg_p),
        ("SparseCategoricalCrossentropy", {}, ids, pr),
        ("SparseCategoricalCrossentropy", {}, ids[:, None], pr),
        ("SparseCategoricalCrossentropy", {"from_logits": True}, ids, 5 * reg_p),
        ("SparseCategoricalCrossentropy", {}, seq_ids, seq_pr),
        ("SparseCategoricalCrossentropy", {"ignore_class": 2}, ids_ignored, pr),
        ("SparseCategoricalCrossentropy", {"ignore_class": 2, "from_logits": True}, ids_ignored, reg_p),
        ("Dice", {}, bin_t, bin_p),
        ("Dice", {"axis": (1,)}, bin_t, bin_p),
        ("Tversky", {"alpha": 0.7, "beta": 0.3}, bin_t, bin_p),
        ("Tversky", {"axis": (1,)}, bin_t, bin_p),
        ("Circle", {}, ids, reg_p / np.linalg.norm(reg_p, axis=-1, keepdims=True)),
        ("CategoricalGeneralizedCrossEntropy", {"q": 0.7}, ids, pr),
    ]


CASES = _cases()


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}{c[1] or ''}" for c in CASES])
def test_loss_matches_keras(case, weighted):
    name, kwargs, y_true, y_pred = CASES[case]
    if name == "CategoricalGeneralizedCrossEntropy" and not hasattr(keras.losses, name):
        pytest.skip("not in this Keras")
    sw = None
    if weighted:
        if kwargs.get("axis") is None and name in ("Dice", "Tversky"):
            sw = None  # scalar per batch: Keras broadcasts weights of shape (1,) only
        else:
            sw = _rng(7).uniform(0.0, 2.0, size=(y_true.shape[0],)).astype("float32")
            if np.ndim(y_pred) == 3:  # per-sample loss values are (batch, steps)
                sw = sw[:, None]
    kw = dict(kwargs)
    expected = _keras(name, kw, y_true, y_pred, sw)
    got = _ours(name, kw, y_true, y_pred, sw)
    assert got == pytest.approx(expected, rel=RTOL, abs=ATOL), (name, kwargs, got, expected)


def test_ctc_matches_keras():
    rng = _rng(3)
    logits = rng.normal(size=(3, 12, 6)).astype("float32")
    labels = np.array([[1, 2, 3, 0], [4, 4, 0, 0], [5, 1, 2, 3]], dtype="int32")
    expected = float(np.asarray(keras.losses.CTC()(labels, logits)))
    got = float(L.CTC()(torch.as_tensor(labels), torch.as_tensor(logits)))
    # CTC's forward recursion sums 12 steps of log-sum-exp in float32: 12 * 4 ops * 6e-8 ~ 3e-6 relative
    assert got == pytest.approx(expected, rel=5e-6)


def _saturated():
    rng = _rng(5)
    z = (rng.normal(size=(6, 4)) * 30).astype("float32")
    return rng, z


@pytest.mark.parametrize(
    "name,kwargs,act,labels",
    [
        ("BinaryCrossentropy", {}, "sigmoid", "binary"),
        ("BinaryCrossentropy", {"label_smoothing": 0.1}, "sigmoid", "binary"),
        ("BinaryCrossentropy", {"from_logits": True}, "sigmoid", "binary"),
        ("BinaryCrossentropy", {}, "softmax", "binary"),
        ("BinaryFocalCrossentropy", {"gamma": 1.0}, "sigmoid", "binary"),
        ("CategoricalCrossentropy", {}, "softmax", "onehot"),
        ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "softmax", "onehot"),
        ("CategoricalFocalCrossentropy", {}, "softmax", "onehot"),
        ("SparseCategoricalCrossentropy", {}, "softmax", "sparse"),
        ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "softmax", "sparse"),
        ("KLDivergence", {}, "softmax", "onehot"),
    ],
)
def test_saturated_activations_use_keras_tensorflow_path(name, kwargs, act, labels, recwarn):
    """Keras-TF computes crossentropies of sigmoid/softmax results from their
    logits (unclipped); other losses see the probabilities.  Saturated logits
    make the two paths differ by whole units, so the right path is checked."""
    rng, z = _saturated()
    if labels == "binary":
        y = rng.integers(0, 2, size=z.shape).astype("float32")
    elif labels == "onehot":
        y = _onehot(rng, z.shape)
    else:
        y = rng.integers(0, z.shape[-1], size=z.shape[:-1]).astype("int32")
    kact = getattr(keras.activations, act)
    expected = float(np.asarray(getattr(keras.losses, name)(**kwargs)(y, kact(z))))
    tact = getattr(L, act)
    got = float(getattr(L, name)(**kwargs)(torch.as_tensor(y), tact(torch.as_tensor(z))))
    assert got == pytest.approx(expected, rel=RTOL, abs=FUSED_ATOL), (got, expected)
    # the probabilities alone (no logits attached) give Keras's clipped value
    plain = tact(torch.as_tensor(z)).detach().clone()
    expected_plain = float(np.asarray(getattr(keras.losses, name)(**kwargs)(y, np.asarray(kact(z)))))
    got_plain = float(getattr(L, name)(**kwargs)(torch.as_tensor(y), plain))
    assert got_plain == pytest.approx(expected_plain, rel=RTOL, abs=FUSED_ATOL)


def test_get_names_like_keras():
    for name in [
        "mse",
        "MSE",
        "mae",
        "mape",
        "msle",
        "kld",
        "bce",
        "mean_squared_error",
        "huber",
        "log_cosh",
    ]:
        loss = L.get(name)
        assert isinstance(loss, L.Loss)
        assert loss.name == name
    assert isinstance(L.get("CategoricalCrossentropy"), L.CategoricalCrossentropy)
    assert L.get("Huber").name == "huber_loss"
    with pytest.raises(ValueError, match="unknown loss 'msqe'"):
        L.get("msqe")
    y2 = torch.zeros(4, 1)
    assert L.resolve("crossentropy", y2, torch.zeros(4, 1)).fn is L.binary_crossentropy
    assert L.resolve("ce", torch.zeros(4), torch.zeros(4, 3)).fn is L.sparse_categorical_crossentropy
    assert L.resolve("ce", torch.zeros(4, 3), torch.zeros(4, 3)).fn is L.categorical_crossentropy
