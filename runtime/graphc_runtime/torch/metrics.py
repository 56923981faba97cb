"""Keras 3's metrics in PyTorch: Keras's names, arguments, state and results.

A metric accumulates state over batches (`update_state`), gives its value
(`result`) and starts over (`reset_state`); the trainer resets them at each
epoch, as Keras's fit does, so logged values are running values over the
epoch.  State lives in float32 (int64 for the IoU confusion matrices) tensors
on the predictions' device, as Keras keeps it in float32 variables; every
state variable is a sum, so DistributedDataParallel runs add them across
processes (`sync`).

Predictions that carry logits (`losses.sigmoid(z)`, `losses.softmax(z)`, the
trainer's view of LOGIT_OUTPUTS) make the crossentropy metrics use the logits,
as Keras on TensorFlow does; the other metrics use the probabilities.

`get(name)` and `resolve(name, y_true, y_pred)` look metrics up by Keras's
names; `resolve` also turns "accuracy"/"acc" into binary, sparse categorical or
categorical accuracy from the shapes, as `compile(metrics=["accuracy"])` does.
"""

from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np
import torch

from . import losses as L
from .losses import EPSILON, _tensor, apply_mask, auto_name, get_mask, squeeze_or_expand_to_same_rank

NEG_INF = -10000000000.0

__all__ = [
    "Metric",
    "Mean",
    "Sum",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "CosineSimilarity",
    "LogCoshError",
    "R2Score",
    "KLDivergence",
    "Poisson",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "Precision",
    "Recall",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "AUC",
    "IoU",
    "BinaryIoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "FBetaScore",
    "F1Score",
    "PearsonCorrelation",
    "ConcordanceCorrelation",
    "get",
    "resolve",
]


def _float(x, device=None):
    return _tensor(x, torch.float32, device)


def _divide_no_nan(a, b):
    return L._divide_no_nan(a, b)


# --------------------------------------------------------------------------
# base classes


class Metric:
    """keras.metrics.Metric: state in tensors registered with `add_variable`."""

    _direction = None  # "up" or "down": which way is better (for callbacks' mode="auto")

    def __init__(self, name=None, dtype=None):
        self.name = name or auto_name(self.__class__.__name__)
        self._dtype = L._dtype(dtype)
        self._variables: dict[str, torch.Tensor] = {}

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, name, dtype=None):
        value = torch.zeros(tuple(shape), dtype=dtype or torch.float32, device=self._device())
        self._variables[name] = value
        return value

    def _device(self):
        for v in self._variables.values():
            return v.device
        return torch.device("cpu")

    def _to(self, device):
        """Move the state next to the predictions (done on each update)."""
        if self._variables and self._device() != device:
            for k, v in self._variables.items():
                self._variables[k] = v.to(device)

    def __getattr__(self, name):
        variables = self.__dict__.get("_variables")
        if variables is not None and name in variables:
            return variables[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _assign(self, name, value):
        self._variables[name] = value.detach().to(self._variables[name].dtype)

    def _add(self, name, value):
        self._assign(name, self._variables[name] + value)

    @property
    def variables(self):
        return list(self._variables.values())

    def reset_state(self):
        for k, v in self._variables.items():
            self._variables[k] = torch.zeros_like(v)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    # -- state: checkpoints and DistributedDataParallel

    def state_dict(self):
        return {k: v.detach().cpu().clone() for k, v in self._variables.items()}

    def load_state_dict(self, state):
        device = self._device()
        for k, v in state.items():
            self._variables[k] = v.to(device)
        self._after_load()

    def _after_load(self):
        pass

    def sync(self, all_reduce, all_gather_object):
        """Add the state of every process (all variables are sums).

        `all_reduce(tensor)` sums a tensor in place over processes and
        `all_gather_object(obj)` returns the list of every process's object;
        metrics built lazily (on their first batch) are built from the shapes
        of the processes that saw data."""
        shapes = {
            k: (tuple(v.shape), str(v.dtype).removeprefix("torch.")) for k, v in self._variables.items()
        }
        everyone = all_gather_object(shapes)
        union = {}
        for s in everyone:
            union.update(s)
        missing = {k: s for k, s in union.items() if k not in self._variables}
        if missing:
            device = self._device()
            for k, (shape, dtype) in missing.items():
                self._variables[k] = torch.zeros(shape, dtype=getattr(torch, dtype), device=device)
            self._after_load()
        for k in sorted(self._variables):
            all_reduce(self._variables[k])

    def get_config(self):
        return {"name": self.name, "dtype": str(self.dtype).removeprefix("torch.")}

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}>"

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        for k, v in self.__dict__.items():
            setattr(new, k, copy.deepcopy(v, memo))
        return new


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    mask = get_mask(values)
    values = values.to(dtype)
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, dtype, values.device)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.ndim
        values_ndim = values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, tuple(range(weight_ndim, values_ndim)))
        sample_weight = torch.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, tuple(range(1, values.ndim)))
    return values, sample_weight


def _sum(x, dims):
    return x.sum(dim=dims)


def _mean(x, dims):
    return x.mean(dim=dims)


class Sum(Metric):
    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.add_variable((), "total")

    def update_state(self, values, sample_weight=None):
        values = _float(values)
        self._to(values.device)
        values, _ = reduce_to_samplewise_values(values, sample_weight, _sum, self.dtype)
        self._add("total", values.sum())

    def result(self):
        return self.total.clone()


class Mean(Metric):
    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.add_variable((), "total")
        self.add_variable((), "count")

    def update_state(self, values, sample_weight=None):
        values = _float(values) if not isinstance(values, torch.Tensor) else values
        self._to(values.device)
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, _mean, self.dtype)
        self._add("total", values.sum())
        if sample_weight is not None:
            num = sample_weight.sum()
        elif values.ndim >= 1:
            num = torch.tensor(float(values.shape[0]))
        else:
            num = torch.tensor(1.0)
        self._add("count", num.to(self.total.device, self.dtype))

    def result(self):
        return _divide_no_nan(self.total, self.count.to(self.dtype))


class MeanMetricWrapper(Mean):
    """A function of (y_true, y_pred) averaged over the samples."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in L._FUNCTIONS or isinstance(fn, L.Loss):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = y_pred if isinstance(y_pred, torch.Tensor) else _float(y_pred)
        y_true = _tensor(y_true, device=y_pred.device)
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if sample_weight is not None:
            sample_weight = _tensor(sample_weight, self.dtype, y_pred.device)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# --------------------------------------------------------------------------
# accuracy


def accuracy(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).float()


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, device=y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = (y_pred > threshold).to(y_true.dtype)
    return (y_true == y_pred).float()


def categorical_accuracy(y_true, y_pred):
    y_true = torch.argmax(_tensor(y_true), dim=-1)
    y_pred = _tensor(y_pred)
    y_true = y_true.to(y_pred.dtype).to(y_pred.device)
    org_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim:
        y_true = y_true.squeeze(-1)
        reshape = True
    y_pred = torch.argmax(y_pred, dim=-1).to(y_true.dtype)
    matches = (y_true == y_pred).float()
    if reshape:
        matches = matches.reshape(org_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    org_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
        reshape = True
    y_pred = torch.argmax(y_pred, dim=-1).to(y_true.dtype)
    matches = (y_true == y_pred).float()
    if reshape:
        matches = matches.reshape(org_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches.squeeze(-1)
    return matches


def in_top_k(targets, predictions, k):
    """tf.math.in_top_k: the target's score is among the k largest (ties at the
    boundary count as in); rows with non-finite scores are False."""
    targets = targets.long()
    score = predictions.gather(-1, targets.unsqueeze(-1))
    above = (predictions > score).sum(-1)
    finite = torch.isfinite(predictions).all(-1)
    return (above < k) & finite


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_pred = _tensor(y_pred)
    y_true = torch.argmax(_tensor(y_true, y_pred.dtype, y_pred.device), dim=-1)
    org_shape = y_true.shape
    reshape = False
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.ndim > 1:
        reshape = True
        y_true = y_true.reshape(-1)
    matches = in_top_k(y_true, y_pred, k).float()
    if reshape:
        matches = matches.reshape(org_shape)
    return matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype if from_sorted_ids else torch.int64, y_pred.device)
    org_shape = y_true.shape
    reshape = False
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.ndim > 1:
        reshape = True
        y_true = y_true.reshape(-1)
    if from_sorted_ids:
        matches = (y_true.unsqueeze(1) == y_pred[:, :k]).any(1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    matches = matches.float()
    if reshape:
        matches = matches.reshape(org_shape)
    return matches


class Accuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(
            sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids


# --------------------------------------------------------------------------
# regression, probabilistic, hinge


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(L.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(L.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(L.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(L.mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        y_true = _float(y_true, y_pred.device)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return torch.sqrt(super().result())


def _cosine_similarity(y_true, y_pred, axis=-1):
    return -L.cosine_similarity(y_true, y_pred, axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(_cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    def __init__(self, name="logcosh", dtype=None):
        super().__init__(L.log_cosh, name=name, dtype=dtype)


class R2Score(Metric):
    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.add_variable((), "num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={tuple(y_pred_shape)} and y_true.shape={tuple(y_true_shape)}."
            )
        n = y_pred_shape[-1]
        for name in ("squared_sum", "sum", "total_mse", "count"):
            self.add_variable((n,), name)
        self._built = True

    def _after_load(self):
        self._built = "sum" in self._variables

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        y_true = _float(y_true, y_pred.device)
        self._to(y_pred.device)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
            self._to(y_pred.device)
        if sample_weight is None:
            sample_weight = 1
        sample_weight = _float(sample_weight, y_pred.device)
        if sample_weight.ndim == 1:
            sample_weight = sample_weight.unsqueeze(1)
        sample_weight = torch.broadcast_to(sample_weight, y_true.shape)
        weighted = y_true * sample_weight
        self._add("sum", weighted.sum(0))
        self._add("squared_sum", (y_true * weighted).sum(0))
        self._add("total_mse", ((y_true - y_pred) ** 2 * sample_weight).sum(0))
        self._add("count", sample_weight.sum(0))
        self._add("num_samples", torch.tensor(float(y_true.numel()), device=y_pred.device))

    def result(self):
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1 - self.total_mse / total
        raw = torch.where(torch.isinf(raw), torch.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            r2 = (total * raw).sum() / total.sum()
        else:
            r2 = raw
        if self.num_regressors != 0:
            n = float(self.num_samples)
            if self.num_regressors > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.", stacklevel=2
                )
            else:
                p = float(self.num_regressors)
                r2 = 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0)
        return r2


class KLDivergence(MeanMetricWrapper):
    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(L.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    def __init__(self, name="poisson", dtype=None):
        super().__init__(L.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(
            L.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    _direction = "down"

    def __init__(
        self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1
    ):
        super().__init__(
            L.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    _direction = "down"

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            L.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis


class Hinge(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(L.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(L.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(L.categorical_hinge, name=name, dtype=dtype)


def pearson_correlation(y_true, y_pred, axis=-1):
    y_pred = _float(y_pred)
    y_true = _float(y_true, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    t = y_true - y_true.mean(axis, keepdim=True)
    p = y_pred - y_pred.mean(axis, keepdim=True)
    t = t / t.std(axis, keepdim=True, correction=0)
    p = p / p.std(axis, keepdim=True, correction=0)
    return (t * p).mean(axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    y_pred = _float(y_pred)
    y_true = _float(y_true, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    t_mean = y_true.mean(axis, keepdim=True)
    p_mean = y_pred.mean(axis, keepdim=True)
    t_var = (y_true - t_mean).var(axis, keepdim=True, correction=0)
    p_var = (y_pred - p_mean).var(axis, keepdim=True, correction=0)
    covar = (y_true - p_mean) * (y_pred - p_mean)
    norm = t_var + p_var + torch.square(t_mean - p_mean)
    return (2 * covar / (norm + EPSILON)).mean(axis)


class PearsonCorrelation(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


# --------------------------------------------------------------------------
# confusion-matrix metrics (keras.src.metrics.metrics_utils)

TP, FP, TN, FN = "tp", "fp", "tn", "fn"


def _to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        bad = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return _to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def _filter_top_k(x, k):
    _, idx = torch.topk(x, k, dim=-1)
    mask = torch.zeros_like(x).scatter_(-1, idx, 1.0)
    return x * mask + NEG_INF * (1 - mask)


def _update_optimized(
    update, y_true, y_pred, num_thresholds, multi_label, sample_weights, label_weights, with_eps
):
    if sample_weights is None:
        sample_weights = torch.ones((), dtype=y_pred.dtype, device=y_pred.device)
    else:
        sample_weights = torch.broadcast_to(sample_weights.to(y_pred.dtype), y_pred.shape)
        if not multi_label:
            sample_weights = sample_weights.reshape(-1)
    if label_weights is None:
        label_weights = torch.ones((), dtype=y_pred.dtype, device=y_pred.device)
    else:
        label_weights = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape)
        if not multi_label:
            label_weights = label_weights.reshape(-1)
    weights = (sample_weights * label_weights).to(y_true.dtype)
    y_pred = y_pred.clamp(0.0, 1.0)
    y_true = y_true.bool().to(y_true.dtype)
    if not multi_label:
        y_true = y_true.reshape(-1)
        y_pred = y_pred.reshape(-1)
    true_labels = torch.broadcast_to(y_true * weights, y_pred.shape)
    false_labels = torch.broadcast_to((1.0 - y_true) * weights, y_pred.shape)
    total_true = true_labels.sum(0) if multi_label else true_labels.sum()
    total_false = false_labels.sum(0) if multi_label else false_labels.sum()
    buckets = torch.ceil(y_pred * float(num_thresholds - 1)) - 1
    if with_eps:
        buckets = torch.relu(buckets)
    buckets = buckets.long()
    # segment_sum drops negative segment ids (predictions of exactly 0 without the epsilon thresholds)
    # (no data-dependent branch: no device synchronisation per batch)
    dropped = buckets < 0
    true_labels = torch.where(dropped, torch.zeros_like(true_labels), true_labels)
    false_labels = torch.where(dropped, torch.zeros_like(false_labels), false_labels)
    buckets = buckets.clamp_min(0)
    if multi_label:
        labels_count = y_pred.shape[1]
        tp_b = torch.zeros(labels_count, num_thresholds, dtype=y_true.dtype, device=y_pred.device)
        fp_b = torch.zeros_like(tp_b)
        tp_b.scatter_add_(1, buckets.T, true_labels.T)
        fp_b.scatter_add_(1, buckets.T, false_labels.T)
        tp = tp_b.flip(1).cumsum(1).flip(1).T
        fp = fp_b.flip(1).cumsum(1).flip(1).T
    else:
        tp_b = torch.zeros(num_thresholds, dtype=y_true.dtype, device=y_pred.device)
        fp_b = torch.zeros_like(tp_b)
        tp_b.index_add_(0, buckets, true_labels)
        fp_b.index_add_(0, buckets, false_labels)
        tp = tp_b.flip(0).cumsum(0).flip(0)
        fp = fp_b.flip(0).cumsum(0).flip(0)
    if TP in update:
        update[TP](tp)
    if FP in update:
        update[FP](fp)
    if TN in update:
        update[TN](total_false - fp)
    if FN in update:
        update[FN](total_true - tp)


def update_confusion_matrix_variables(
    update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """metrics_utils.update_confusion_matrix_variables; `update` maps "tp",
    "fp", "tn", "fn" to functions that add a tensor to that variable."""
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multilabel data should be handled outside.")
    y_pred = _float(y_pred)
    y_true = _float(y_true, y_pred.device)
    thresholds = [float(t) for t in thresholds]
    with_eps = thresholds_distributed_evenly and (thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = _float(sample_weight, y_pred.device).unsqueeze(-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape (num_samples, num_classes), "
                f"found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if label_weights is not None:
        label_weights = _float(label_weights, y_pred.device)
    if thresholds_distributed_evenly:
        return _update_optimized(
            update, y_true, y_pred, len(thresholds), multi_label, sample_weight, label_weights, with_eps
        )
    thresh = torch.tensor(thresholds, dtype=torch.float32, device=y_pred.device)
    num_predictions = y_pred.shape[0]
    if multi_label:
        preds = y_pred.unsqueeze(0)  # (1, N, L)
        labels = y_true.bool().unsqueeze(0)
        thresh_b = thresh.reshape(-1, 1, 1)
    else:
        preds = y_pred.reshape(1, -1)
        labels = y_true.bool().reshape(1, -1)
        thresh_b = thresh.reshape(-1, 1)
    pred_is_pos = preds > thresh_b
    label_is_pos = torch.broadcast_to(labels, pred_is_pos.shape)
    weights = None
    if sample_weight is not None:
        sw = torch.broadcast_to(sample_weight.to(y_pred.dtype), y_pred.shape)
        weights = sw.reshape(preds.shape[1:]) if multi_label else sw.reshape(1, -1)
    if label_weights is not None and not multi_label:
        lw = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape).reshape(1, -1)
        weights = lw if weights is None else weights * lw
    del num_predictions

    def count(label, pred):
        both = label & pred
        if weights is not None:
            result = torch.where(
                both, torch.broadcast_to(weights, both.shape), torch.zeros((), device=both.device)
            )
        else:
            result = both.float()
        return result.sum(1)

    if TP in update:
        update[TP](count(label_is_pos, pred_is_pos))
    if FN in update or TN in update:
        pred_is_neg = ~pred_is_pos
        if FN in update:
            update[FN](count(label_is_pos, pred_is_neg))
    if FP in update or TN in update:
        label_is_neg = ~label_is_pos
        if FP in update:
            update[FP](count(label_is_neg, pred_is_pos))
        if TN in update:
            update[TN](count(label_is_neg, pred_is_neg))


class _ConfusionMetric(Metric):
    def _adder(self, name):
        return lambda value: self._add(name, value.to(self._variables[name].device))


class _ConfusionMatrixConditionCount(_ConfusionMetric):
    _cond = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=0.5)
        self._evenly = is_evenly_distributed_thresholds(self.thresholds)
        self.add_variable((len(self.thresholds),), "accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        self._to(y_pred.device)
        update_confusion_matrix_variables(
            {self._cond: self._adder("accumulator")},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        return self.accumulator[0].clone() if len(self.thresholds) == 1 else self.accumulator.clone()


class FalsePositives(_ConfusionMatrixConditionCount):
    _cond = FP


class FalseNegatives(_ConfusionMatrixConditionCount):
    _cond = FN


class TrueNegatives(_ConfusionMatrixConditionCount):
    _cond = TN


class TruePositives(_ConfusionMatrixConditionCount):
    _cond = TP


class _PrecisionRecall(_ConfusionMetric):
    _direction = "up"
    _other = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=default)
        self._evenly = is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.add_variable((n,), "true_positives")
        self.add_variable((n,), self._other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        self._to(y_pred.device)
        update_confusion_matrix_variables(
            {TP: self._adder("true_positives"), self._other: self._adder(self._other_name)},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives
        r = _divide_no_nan(tp, tp + self._variables[self._other_name])
        return r[0] if len(self.thresholds) == 1 else r


class Precision(_PrecisionRecall):
    _other, _other_name = FP, "false_positives"


class Recall(_PrecisionRecall):
    _other, _other_name = FN, "false_negatives"


class _SensitivitySpecificityBase(_ConfusionMetric):
    _direction = "up"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._evenly = True
        for name_ in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            self.add_variable((len(self.thresholds),), name_)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        self._to(y_pred.device)
        update_confusion_matrix_variables(
            {
                TP: self._adder("true_positives"),
                TN: self._adder("true_negatives"),
                FP: self._adder("false_positives"),
                FN: self._adder("false_negatives"),
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _find_max_under_constraint(self, constrained, dependent):
        feasible = constrained >= self.value
        return torch.clamp_min(torch.where(feasible, dependent, torch.zeros_like(dependent)).max(), 0.0)

    def _rates(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        return {
            "sensitivity": _divide_no_nan(tp, tp + fn),
            "specificity": _divide_no_nan(tn, tn + fp),
            "recall": _divide_no_nan(tp, tp + fn),
            "precision": _divide_no_nan(tp, tp + fp),
        }


def _check_unit(name, value):
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(
            specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        r = self._rates()
        return self._find_max_under_constraint(r["specificity"], r["sensitivity"])


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(
            sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        r = self._rates()
        return self._find_max_under_constraint(r["sensitivity"], r["specificity"])


class PrecisionAtRecall(_SensitivitySpecificityBase):
    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        r = self._rates()
        return self._find_max_under_constraint(r["recall"], r["precision"])


class RecallAtPrecision(_SensitivitySpecificityBase):
    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        r = self._rates()
        return self._find_max_under_constraint(r["precision"], r["recall"])


class AUC(_ConfusionMetric):
    """keras.metrics.AUC: ROC, PR or PRGAIN curves over `num_thresholds`
    thresholds, Riemann sums ("interpolation", "minoring", "majoring"), and for
    PR with interpolation Davis & Goadrich's interpolation, as Keras."""

    _direction = "up"

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        curves = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
        if str(curve).lower() not in curves:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
            )
        methods = ("interpolation", "majoring", "minoring")
        if str(summation_method).lower() not in methods:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". '
                'Expected values are ["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._evenly = is_evenly_distributed_thresholds(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON] + thresholds + [1.0 + EPSILON])
        self.curve = curves[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else torch.as_tensor(label_weights, dtype=torch.float32)
        )
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            vshape = (self.num_thresholds, self._num_labels)
        else:
            vshape = (self.num_thresholds,)
        for n in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            self.add_variable(vshape, n)
        self._built = True

    def _after_load(self):
        self._built = "true_positives" in self._variables
        if self._built and self.multi_label:
            self._num_labels = self.true_positives.shape[1]

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        if not self._built:
            self._build(y_pred.shape)
        self._to(y_pred.device)
        label_weights = None if self.multi_label else self.label_weights
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred)
        update_confusion_matrix_variables(
            {
                TP: self._adder("true_positives"),
                TN: self._adder("true_negatives"),
                FP: self._adder("false_positives"),
                FN: self._adder("false_negatives"),
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
        )

    def _by_label(self, values):
        if self.multi_label:
            by_label = values.sum(0)
            if self.label_weights is None:
                return by_label.mean()
            lw = self.label_weights.to(by_label.device)
            return _divide_no_nan((by_label * lw).sum(), lw.sum())
        return values.sum()

    def interpolate_pr_auc(self):
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = _divide_no_nan(dtp, torch.clamp_min(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = torch.where(
            (p[: n - 1] > 0) & (p[1:] > 0),
            _divide_no_nan(p[: n - 1], torch.clamp_min(p[1:], 0)),
            torch.ones_like(p[1:]),
        )
        increment = _divide_no_nan(
            prec_slope * (dtp + intercept * torch.log(safe_p_ratio)),
            torch.clamp_min(tp[1:] + fn[1:], 0),
        )
        return self._by_label(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x = _divide_no_nan(fp, fp + tn)
            y = recall
        elif self.curve == "PR":
            x = recall
            y = _divide_no_nan(tp, tp + fp)
        else:
            scaling = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * _divide_no_nan(fp, tp)
            recall_gain = torch.where(tp == 0, torch.zeros_like(recall_gain), recall_gain)
            precision_gain = torch.where(tp == 0, torch.ones_like(precision_gain), precision_gain)
            x = torch.clamp_min(recall_gain, 0.0)
            y = precision_gain
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[: n - 1], y[1:])
        else:
            heights = torch.maximum(y[: n - 1], y[1:])
        return self._by_label((x[: n - 1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()


# --------------------------------------------------------------------------
# IoU


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype=torch.int64):
    labels = labels.to(dtype).reshape(-1)
    predictions = predictions.to(dtype).reshape(-1)
    values = torch.ones_like(predictions) if weights is None else weights.to(dtype).reshape(-1)
    cm = torch.zeros(num_classes * num_classes, dtype=dtype, device=labels.device)
    cm.index_add_(0, (labels * num_classes + predictions).long(), values)
    return cm.reshape(num_classes, num_classes)


def _int_dtype(dtype):
    if dtype is None:
        return torch.int64
    return L._dtype(dtype)


class _IoUBase(Metric):
    _direction = "up"

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=None)
        self._dtype = _int_dtype(dtype)
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.add_variable((num_classes, num_classes), "total_cm", dtype=self._dtype)

    def _cast(self, x):
        x = _tensor(x)
        if x.is_floating_point() and not self._dtype.is_floating_point:
            return x.trunc().to(self._dtype)  # TensorFlow's float -> int cast truncates
        return x.to(self._dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensor(y_pred)
        y_true = _tensor(y_true, device=y_pred.device)
        self._to(y_pred.device)
        if not self.sparse_y_true:
            y_true = torch.argmax(y_true, dim=self.axis)
        if not self.sparse_y_pred:
            y_pred = torch.argmax(y_pred, dim=self.axis)
        y_true = self._cast(y_true).reshape(-1)
        y_pred = self._cast(y_pred).reshape(-1)
        if sample_weight is None:
            sample_weight = torch.ones((), dtype=self._dtype, device=y_pred.device)
        else:
            sample_weight = _tensor(sample_weight, device=y_pred.device)
            if sample_weight.is_floating_point() and not self._dtype.is_floating_point:
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result in an incorrect "
                    "weight due to type casting Consider using integer weights.",
                    stacklevel=2,
                )
            sample_weight = self._cast(sample_weight)
            if sample_weight.ndim > 1:
                sample_weight = sample_weight.reshape(-1)
        sample_weight = torch.broadcast_to(sample_weight, y_true.shape)
        n = self.num_classes
        bounds = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            bounds = bounds & (y_true != self.ignore_class)
        zero = torch.zeros((), dtype=self._dtype, device=y_pred.device)
        y_true = torch.where(bounds, y_true, zero)
        y_pred = torch.where(bounds, y_pred, zero)
        sample_weight = torch.where(bounds, sample_weight, zero)
        self._add("total_cm", confusion_matrix(y_true, y_pred, n, weights=sample_weight, dtype=self._dtype))

    def result(self):
        cm = self.total_cm
        sum_over_row = cm.sum(0).to(self._dtype)
        sum_over_col = cm.sum(1).to(self._dtype)
        tp = torch.diag(cm).to(self._dtype)
        denominator = sum_over_row + sum_over_col - tp
        ids = torch.as_tensor(self.target_class_ids, device=cm.device)
        tp = tp[ids].float()
        denominator = denominator[ids].float()
        valid = (denominator > 1e-9).float()
        num_valid = valid.sum()
        iou = tp / (denominator + EPSILON)
        iou = torch.where(valid.bool(), iou, torch.zeros_like(iou))
        return iou.sum(self.axis) / (num_valid + EPSILON)


class IoU(_IoUBase):
    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is [0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)


class BinaryIoU(IoU):
    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        y_pred = (y_pred >= self.threshold).to(self._dtype)
        return super().update_state(y_true, y_pred, sample_weight)


class MeanIoU(IoU):
    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


class OneHotIoU(IoU):
    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


class OneHotMeanIoU(MeanIoU):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


# --------------------------------------------------------------------------
# F-scores


class FBetaScore(Metric):
    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta}"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    f"Invalid `threshold` argument value. It should be a Python float. Received: {threshold}"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    f"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: {threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                f"y_pred.shape={tuple(y_pred_shape)} and y_true.shape={tuple(y_true_shape)}."
            )
        shape = (y_pred_shape[-1],) if self.average != "micro" else ()
        for n in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            self.add_variable(shape, n)
        self._built = True

    def _after_load(self):
        self._built = "true_positives" in self._variables

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _float(y_pred)
        y_true = _float(y_true, y_pred.device)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        self._to(y_pred.device)
        if self.threshold is None:
            threshold = y_pred.amax(-1, keepdim=True)
            y_pred = (y_pred >= threshold) & (torch.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.float()
        if sample_weight is not None:
            sample_weight = _float(sample_weight, y_pred.device)

        def weighted_sum(val):
            if sample_weight is not None:
                val = val * sample_weight.unsqueeze(1)
            return val.sum() if self.axis is None else val.sum(self.axis)

        self._add("true_positives", weighted_sum(y_pred * y_true))
        self._add("false_positives", weighted_sum(y_pred * (1 - y_true)))
        self._add("false_negatives", weighted_sum((1 - y_pred) * y_true))
        self._add("intermediate_weights", weighted_sum(y_true))

    def result(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        mean = (precision * recall) / (self.beta**2 * precision + recall + EPSILON)
        f = mean * (1 + self.beta**2)
        if self.average == "weighted":
            w = self.intermediate_weights
            f = (f * (w / (w.sum() + EPSILON))).sum()
        elif self.average is not None:
            f = f.mean()
        return f


class F1Score(FBetaScore):
    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)


# --------------------------------------------------------------------------
# lookup by Keras's names

_CLASSES = [
    Mean,
    Sum,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    ConcordanceCorrelation,
    PearsonCorrelation,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
]
ALL_OBJECTS_DICT: dict = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({L._snake(c.__name__): c for c in _CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)


def get(identifier):
    """keras.metrics.get: a metric object from a Keras name, a Metric, a class
    or a function (wrapped in MeanMetricWrapper).  "accuracy" depends on the
    shapes: use `resolve`."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            if identifier.lower() in ("accuracy", "acc"):
                raise ValueError(f"metric {identifier!r} depends on the labels' shape: use metrics.resolve()")
            raise ValueError(
                f"unknown metric {identifier!r}: expected one of {', '.join(sorted(ALL_OBJECTS_DICT))}"
            )
    else:
        obj = identifier
    if isinstance(obj, Metric):
        return obj
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return MeanMetricWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


def resolve(identifier, y_true, y_pred):
    """keras.src.trainers.compile_utils.get_metric: the metric compile() makes
    of `identifier` for these labels and predictions, named as Keras names it
    (a string keeps its spelling: "acc" logs as "acc")."""
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = L.is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            obj = BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            obj = SparseCategoricalAccuracy(name=str(identifier))
        else:
            obj = CategoricalAccuracy(name=str(identifier))
    else:
        obj = get(identifier)
    if isinstance(identifier, str):
        obj.name = identifier
    return obj


def direction(metric):
    """ "up", "down" or None: whether larger values of this metric are better."""
    return getattr(metric, "_direction", None)
