"""Keras 3's built-in losses in PyTorch, with Keras's names, arguments and results.

Every class takes the arguments of its `keras.losses` namesake and computes
what Keras on TensorFlow computes: per-sample values reduced over the last
axis, then `reduction` ("sum_over_batch_size" by default: the sum divided by
the number of remaining elements), sample weights and masks applied as
`keras.losses.Loss.__call__` applies them.

Logits.  Keras on TensorFlow recovers the logits of a tensor made by a
sigmoid or softmax (the `_keras_logits` it attaches, or the op's input) and
then computes the crossentropies from them, fused and unclipped, whatever
`from_logits` says; on other tensors it clips probabilities to
[1e-7, 1 - 1e-7].  Here `sigmoid(z)` and `softmax(z, axis)` (or
`with_logits(p, z)`) attach the logits the same way, and the trainer passes
such tensors for a module's LOGIT_OUTPUTS, so both paths give Keras's values.

`get("mse")` returns what `compile(loss="mse")` uses: the class for class
names (`"MeanSquaredError"`), and for function names and aliases the
function wrapped in a `LossFunctionWrapper` named after the string.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings

import numpy as np
import torch
import torch.nn.functional as F

EPSILON = 1e-7  # keras.backend.epsilon()

__all__ = [
    "Loss",
    "LossFunctionWrapper",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "CosineSimilarity",
    "Huber",
    "LogCosh",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "KLDivergence",
    "Poisson",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "SparseCategoricalCrossentropy",
    "CTC",
    "Dice",
    "Tversky",
    "Circle",
    "CategoricalGeneralizedCrossEntropy",
    "get",
    "resolve",
    "sigmoid",
    "softmax",
    "with_logits",
]


# --------------------------------------------------------------------------
# tensors, logits and masks


def _dtype(dtype):
    if dtype is None:
        return torch.float32
    if isinstance(dtype, torch.dtype):
        return dtype
    return getattr(torch, str(dtype))


def _tensor(x, dtype=None, device=None):
    """`ops.convert_to_tensor`: the same tensor object when nothing changes
    (so the logits attached to it stay), else a converted copy."""
    if isinstance(x, torch.Tensor):
        if dtype is not None and x.dtype != dtype:
            return x.to(dtype)
        return x
    array = np.asarray(x)
    t = torch.as_tensor(array, device=device)
    if dtype is not None:
        t = t.to(dtype)
    elif t.is_floating_point():
        t = t.float()
    return t


def with_logits(probs, logits):
    """Mark `probs` as the sigmoid/softmax of `logits`, as Keras marks its
    activations' results: crossentropies then use `logits`."""
    probs._keras_logits = logits
    return probs


def sigmoid(x):
    """`keras.activations.sigmoid`: the result remembers its logits."""
    return with_logits(torch.sigmoid(x), x)


def softmax(x, axis=-1):
    """`keras.activations.softmax`: the result remembers its logits."""
    return with_logits(torch.softmax(x, dim=axis), x)


def logits_of(x):
    """The logits `x` was made from, or None."""
    return getattr(x, "_keras_logits", None)


def set_mask(x, mask):
    x._keras_mask = mask
    return x


def get_mask(x):
    return getattr(x, "_keras_mask", None)


def _get_logits(output, from_logits):
    """backend.tensorflow.nn._get_logits: the recovered logits win."""
    logits = logits_of(output)
    if logits is not None:
        if from_logits:
            warnings.warn(
                "a loss received from_logits=True, but its input was produced by a sigmoid or "
                "softmax and thus does not represent logits (Keras computes it from the logits "
                "of that activation, and so does graphc_runtime)",
                stacklevel=4,
            )
        return logits, True
    return output, from_logits


def _canonical_axis(axis, ndim):
    return axis % ndim if ndim else 0


# --------------------------------------------------------------------------
# backend crossentropies (keras.src.backend.tensorflow.nn)


def _backend_binary_crossentropy(target, output, from_logits=False):
    if target.ndim != output.ndim:
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    output, from_logits = _get_logits(output, from_logits)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target.to(output.dtype), reduction="none")
    output = output.clamp(EPSILON, 1.0 - EPSILON)
    bce = target * torch.log(output)
    bce = bce + (1 - target) * torch.log(1 - output)
    return -bce


def _backend_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    output, from_logits = _get_logits(output, from_logits)
    if from_logits:
        return -(target * F.log_softmax(output, dim=axis)).sum(axis)
    output = output / output.sum(axis, keepdim=True)
    output = output.clamp(EPSILON, 1.0 - EPSILON)
    return -(target * torch.log(output)).sum(axis)


def _backend_sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if axis != -1 and axis != output.ndim - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = _get_logits(output, from_logits)
    target = _tensor(target).long()
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if target.ndim != output.ndim - 1:
        raise ValueError(
            "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if not from_logits:
        output = torch.log(output.clamp(EPSILON, 1 - EPSILON))
    classes = output.shape[-1]
    flat = F.cross_entropy(output.reshape(-1, classes), target.reshape(-1), reduction="none")
    return flat.reshape(target.shape)


# --------------------------------------------------------------------------
# reduction (keras.src.losses.loss)

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {set(REDUCTIONS)}. "
            f"Received: reduction={reduction}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeeze/expand the last dimension when the ranks differ by exactly one."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def _divide_no_nan(a, b):
    return torch.where(b == 0, torch.zeros_like(a), a / torch.where(b == 0, torch.ones_like(b), b))


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    if reduction is None or reduction == "none" or values.ndim == 0 or tuple(values.shape) == (0,):
        return values
    loss = values.sum()
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = sample_weight.sum().to(loss.dtype)
        else:
            divisor = torch.tensor(float(values.numel()), dtype=loss.dtype, device=loss.device)
        loss = _divide_no_nan(loss, divisor)
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merge a mask into the sample weights, as Keras does."""
    if mask is not None:
        if reduction in ("mean", "sum_over_batch_size"):
            total = torch.tensor(float(mask.numel()), dtype=dtype, device=mask.device)
            valid = mask.to(dtype).sum()
            mask_weight = _divide_no_nan(total, valid)
            float_mask = torch.where(
                mask.bool(), mask_weight, torch.zeros((), dtype=dtype, device=mask.device)
            )
        else:
            float_mask = mask.to(dtype)
        if sample_weight is not None:
            sample_weight = sample_weight.to(dtype)
            float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
            sample_weight = sample_weight * float_mask
        else:
            sample_weight = float_mask
    return sample_weight


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    reduction = standardize_reduction(reduction)
    dtype = dtype or values.dtype
    values = values.to(dtype)
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, dtype, values.device)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


# --------------------------------------------------------------------------
# base classes

_NAME_UIDS: dict[str, int] = {}


def _snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def auto_name(prefix):
    """keras.src.utils.naming.auto_name: "name", then "name_1", "name_2", ..."""
    prefix = _snake(prefix)
    count = _NAME_UIDS.get(prefix, 0)
    _NAME_UIDS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


class Loss:
    """keras.losses.Loss: subclasses implement `call(y_true, y_pred)` returning
    per-sample values; `__call__` applies weights, masks and the reduction."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = _dtype(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_mask(y_pred)
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else None
        y_pred = _tensor(y_pred, self.dtype, device)
        y_true = _tensor(y_true, self.dtype, y_pred.device)
        losses = self.call(y_true, y_pred)
        out_mask = get_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=self.dtype
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class LossFunctionWrapper(Loss):
    """A loss function as a Loss (what Keras's compile does with a function)."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"fn": getattr(self.fn, "__name__", repr(self.fn)), **self._fn_kwargs})
        return config

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


# --------------------------------------------------------------------------
# loss functions (keras.src.losses.losses)


def convert_binary_labels_to_hinge(y_true):
    is_binary = torch.all((y_true == 0) | (y_true == 1))
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true = convert_binary_labels_to_hinge(y_true)
    return torch.clamp_min(1.0 - y_true * y_pred, 0.0).mean(-1)


def squared_hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true = convert_binary_labels_to_hinge(y_true)
    return torch.square(torch.clamp_min(1.0 - y_true * y_pred, 0.0)).mean(-1)


def categorical_hinge(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    pos = (y_true * y_pred).sum(-1)
    neg = ((1.0 - y_true) * y_pred).amax(-1)
    return torch.clamp_min(neg - pos + 1.0, 0.0)


def mean_squared_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return torch.square(y_true - y_pred).mean(-1)


def mean_absolute_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return torch.abs(y_true - y_pred).mean(-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.clamp_min(torch.abs(y_true), EPSILON))
    return 100.0 * diff.mean(-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    first_log = torch.log(torch.clamp_min(y_pred, EPSILON) + 1.0)
    second_log = torch.log(torch.clamp_min(y_true, EPSILON) + 1.0)
    return torch.square(first_log - second_log).mean(-1)


def l2_normalize(x, axis=-1):
    """keras.ops.normalize(x, axis, order=2): x * min(rsqrt(sum(x^2)), 1/epsilon)."""
    if x.ndim == 0:
        x = x.unsqueeze(0)
    inv_norm = torch.rsqrt(torch.square(x).sum(axis, keepdim=True))
    inv_norm = torch.clamp_max(inv_norm, 1.0 / EPSILON)
    return x * inv_norm


def cosine_similarity(y_true, y_pred, axis=-1):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = l2_normalize(y_pred, axis)
    y_true = l2_normalize(y_true, axis)
    return -(y_true * y_pred).sum(axis)


def huber(y_true, y_pred, delta=1.0):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    delta = torch.tensor(delta, dtype=y_pred.dtype, device=y_pred.device)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    half = 0.5
    return torch.where(
        abs_error <= delta, half * torch.square(error), delta * abs_error - half * torch.square(delta)
    ).mean(-1)


def log_cosh(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    log2 = torch.tensor(math.log(2.0), dtype=torch.float32).to(y_pred.dtype)
    x = y_pred - y_true
    return (x + F.softplus(x * -2.0) - log2).mean(-1)


def kl_divergence(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    y_true = y_true.clamp(EPSILON, 1)
    y_pred = y_pred.clamp(EPSILON, 1)
    return (y_true * torch.log(y_true / y_pred)).sum(-1)


def poisson(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    return (y_pred - y_true * torch.log(y_pred + EPSILON)).mean(-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    if label_smoothing:
        num_classes = float(y_true.shape[-1])
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return _backend_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    if label_smoothing:
        num_classes = float(y_true.shape[-1])
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        y_pred = softmax(y_pred, axis=axis)
    output = y_pred / y_pred.sum(axis, keepdim=True)
    output = output.clamp(EPSILON, 1.0 - EPSILON)
    cce = -y_true * torch.log(output)
    modulating_factor = torch.pow(1.0 - output, gamma)
    weighting_factor = modulating_factor * _alpha(alpha, output)
    return (weighting_factor * cce).sum(axis)


def _alpha(alpha, like):
    if isinstance(alpha, (list, tuple, np.ndarray, torch.Tensor)):
        return _tensor(alpha, like.dtype, like.device)
    return alpha


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, device=y_pred.device)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = y_true.squeeze(axis)
    if ignore_class is not None:
        class_axis = _canonical_axis(axis, y_pred.ndim)
        res_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
        valid_mask = y_true != ignore_class
        y_true = torch.where(valid_mask, y_true, torch.zeros_like(y_true))
        # a new tensor: as in Keras, the crossentropy then uses the clipped probabilities
        y_pred = torch.where(valid_mask.unsqueeze(axis), y_pred, torch.zeros_like(y_pred))
    res = _backend_sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if ignore_class is not None:
        valid_mask = valid_mask.reshape(res_shape)
        res = torch.where(valid_mask, res, torch.zeros_like(res))
        set_mask(res, valid_mask)
    return res


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _backend_binary_crossentropy(y_true, y_pred, from_logits=from_logits).mean(axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = sigmoid(y_pred)
    bce = _backend_binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_factor = torch.pow(1.0 - p_t, gamma)
    focal_bce = focal_factor * bce
    if apply_class_balancing:
        weight = y_true * alpha + (1 - y_true) * (1 - alpha)
        focal_bce = weight * focal_bce
    return focal_bce.mean(axis)


def ctc(y_true, y_pred):
    """CTC loss of `y_pred` logits (batch, time, classes); labels (batch, max_length),
    0 is the blank and the padding."""
    y_true = _tensor(y_true, device=y_pred.device)
    if y_true.ndim != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
            f"integer format. Received: y_true.shape={tuple(y_true.shape)}"
        )
    if y_pred.ndim != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
            f"num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    y_true = y_true.long()
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    input_length = torch.full((batch,), steps, dtype=torch.long, device=y_pred.device)
    label_length = (y_true != 0).sum(-1).long()
    log_probs = F.log_softmax(y_pred.float(), dim=-1).transpose(0, 1)
    loss = F.ctc_loss(log_probs, y_true, input_length, label_length, blank=0, reduction="none")
    return loss.to(y_pred.dtype)


def _sum(x, axis):
    if axis is None:
        return x.sum()
    return x.sum(dim=tuple(axis) if isinstance(axis, (list, tuple)) else axis)


def dice(y_true, y_pred, axis=None):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    intersection = _sum(y_true * y_pred, axis)
    d = (2.0 * intersection) / (_sum(y_true, axis) + _sum(y_pred, axis) + EPSILON)
    return 1 - d


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype, y_pred.device)
    intersection = _sum(y_true * y_pred, axis)
    fp = _sum((1 - y_pred) * y_true, axis)
    fn = _sum(y_pred * (1 - y_true), axis)
    t = intersection / (intersection + fp * alpha + fn * beta + EPSILON)
    return 1 - t


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, device=y_pred.device).long()
    ref_embeddings = (
        y_pred if ref_embeddings is None else _tensor(ref_embeddings, y_pred.dtype, y_pred.device)
    )
    ref_labels = y_true if ref_labels is None else _tensor(ref_labels, device=y_pred.device).long()
    optim_pos, optim_neg = margin, 1 + margin
    delta_pos, delta_neg = margin, 1 - margin
    dist = torch.clamp_min(1 - y_pred @ ref_embeddings.T, 0.0)
    q = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    k = ref_labels.reshape(-1, 1) if ref_labels.ndim == 1 else ref_labels
    positive = q == k.T
    negative = ~positive
    if remove_diagonal:
        eye = torch.eye(q.numel(), k.numel(), dtype=torch.bool, device=positive.device)
        positive = positive & ~eye
    pos_mask = positive.to(dist.dtype)
    neg_mask = negative.to(dist.dtype)
    pos_weights = torch.clamp_min((optim_pos + dist) * pos_mask, 0.0)
    neg_weights = torch.clamp_min((optim_neg - dist) * neg_mask, 0.0)
    pos_wdists = -1 * gamma * pos_weights * (delta_pos - dist)
    neg_wdists = gamma * neg_weights * (delta_neg - dist)
    inf = torch.tensor(float("-inf"), dtype=dist.dtype, device=dist.device)
    p_loss = torch.logsumexp(torch.where(pos_mask.bool(), pos_wdists, inf), dim=1)
    n_loss = torch.logsumexp(torch.where(neg_mask.bool(), neg_wdists, inf), dim=1)
    loss = F.softplus(p_loss + n_loss)
    return set_mask(loss, loss > 0)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    y_pred = _tensor(y_pred)
    ids = _tensor(y_true, device=y_pred.device).long()
    one_hot = F.one_hot(ids, y_pred.shape[-1]).to(y_pred.dtype)
    p = (y_pred * one_hot).sum(-1)
    return (1 - torch.pow(p, q)) / q


# --------------------------------------------------------------------------
# loss classes


class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)

    def get_config(self):
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self):
        return Loss.get_config(self)


class LogCosh(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Hinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class KLDivergence(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis)
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            apply_class_balancing=self.apply_class_balancing,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis)
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return config


class CTC(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Dice(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(axis=self.axis)
        return config


class Tversky(LossFunctionWrapper):
    def __init__(
        self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None
    ):
        super().__init__(
            tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return config


class Circle(LossFunctionWrapper):
    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self):
        config = Loss.get_config(self)
        config.update(gamma=self.gamma, margin=self.margin, remove_diagonal=self.remove_diagonal)
        return config


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    def __init__(
        self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy", dtype=None
    ):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(
            categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q
        )
        self.q = q

    def get_config(self):
        config = Loss.get_config(self)
        config.update(q=self.q)
        return config


# --------------------------------------------------------------------------
# lookup by Keras's names

_CLASSES = [
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
]
_FUNCTIONS = [
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
]
ALL_OBJECTS_DICT: dict = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS_DICT.update({f.__name__: f for f in _FUNCTIONS})
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
    }
)


def _wrap(obj, identifier):
    if isinstance(obj, Loss):
        return obj
    if inspect.isclass(obj):
        return obj()
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
    return LossFunctionWrapper(obj, name=name)


def get(identifier):
    """The loss `compile(loss=identifier)` would use: a Loss object.

    Strings are Keras's names (class names, function names, aliases such as
    "mse"); Loss objects are returned as they are; functions are wrapped.
    "crossentropy"/"ce" depend on the shapes: use `resolve`."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            if identifier.lower() in ("crossentropy", "ce"):
                raise ValueError(f"loss {identifier!r} depends on the labels' shape: use losses.resolve()")
            raise ValueError(
                f"unknown loss {identifier!r}: expected one of {', '.join(sorted(ALL_OBJECTS_DICT))}"
            )
        return _wrap(obj, identifier)
    if isinstance(identifier, Loss) or callable(identifier):
        return _wrap(identifier, identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


def is_binary_or_sparse_categorical(y_true, y_pred):
    y_t_rank, y_p_rank = len(y_true.shape), len(y_pred.shape)
    y_t_last, y_p_last = y_true.shape[-1], y_pred.shape[-1]
    is_binary = y_p_last == 1
    is_sparse = y_t_rank < y_p_rank or (y_t_last == 1 and y_p_last > 1)
    return is_binary, is_sparse


def resolve(identifier, y_true, y_pred):
    """keras.src.trainers.compile_utils.get_loss: like `get`, and "crossentropy"
    or "ce" chosen from the shapes of the labels and predictions."""
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            fn = binary_crossentropy
        elif is_sparse:
            fn = sparse_categorical_crossentropy
        else:
            fn = categorical_crossentropy
        return LossFunctionWrapper(fn, name=identifier)
    return get(identifier)
