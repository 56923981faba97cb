"""Keras core layers in PyTorch (runtime/LAYERS.md).

Classes: Dense, Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax, Identity,
Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise,
GaussianDropout, AlphaDropout, ActivityRegularization, Embedding, Masking.

Layouts: everything takes Keras's layout (features last) except the spatial
dropouts, which take channels-first tensors (N, C, L), (N, C, H, W),
(N, C, D, H, W) like the convolutions.  The element-wise layers (activations,
Dropout without noise_shape, the Gaussian layers, AlphaDropout without
noise_shape, ActivityRegularization, Identity) do not care about the layout;
`Activation` takes `dim=` (the torch dimension of Keras's last axis, for the
activations that reduce an axis: softmax, log_softmax, sparsemax).

Not supported (NotImplementedError at construction, the argument named):
Embedding(lora_rank=...) and Embedding(quantization_config=...) (LoRA and
quantized embeddings are other layers' worth of code), Dense(activity_regularizer=...)
(use ActivityRegularization).  Random draws (dropout masks, noise) follow
Keras's distributions, never its random numbers: `seed=` is accepted and ignored.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, Layer, activation, initialize_, penalty

__all__ = [
    "Dense",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Softmax",
    "Identity",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Embedding",
    "Masking",
    "take_activity_loss",
]


def keras_fans(shape) -> tuple:
    """keras.src.initializers.random_initializers.compute_fans for a Keras weight shape."""
    shape = tuple(int(d) for d in shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _same(a):
    return a


class Dense(KerasLayer, nn.Linear):
    """keras.layers.Dense on the last axis.  `in_features`: the input's last axis.

    Keras's kernel is (in, units), torch's weight (units, in): load_keras transposes."""

    keras_weights_spec = (("weight", lambda a: a.T, lambda t: t.T),)
    regularized = {"kernel_regularizer": ("weight", None), "bias_regularizer": ("bias", None)}
    # Keras's constraints norm the kernel over axis 0 (the inputs): torch's dimension 1
    constrained = {"kernel_constraint": ("weight", 1), "bias_constraint": ("bias", 0)}

    def __init__(
        self,
        in_features,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        *,
        name=None,
    ):
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        nn.Linear.__init__(self, in_features, units, bias=use_bias)
        self._keras_init(
            name,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        if use_bias:
            self.keras_weights_spec = Dense.keras_weights_spec + (("bias", lambda a: a, lambda t: t),)
        self.activation_name = activation
        self._activation = _act(activation)
        if activity_regularizer is not None:
            raise NotImplementedError("Dense(activity_regularizer=...) is not supported yet")

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):  # nn.Linear.__init__ calls it before ours is set
            return
        initialize_(self.weight, self.kernel_initializer, self.in_features, self.out_features)
        if self.bias is not None:
            initialize_(self.bias, self.bias_initializer, self.in_features, self.out_features)

    def forward(self, x):
        return self._activation(nn.Linear.forward(self, x), -1)

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return f"{nn.Linear.extra_repr(self)}{act}, name={self.name!r}"


def _act(name):
    return activation(name)


# ------------------------------------------------------------------ activations
class Activation(Layer):
    """keras.layers.Activation(activation).  `dim` (keyword): the torch dimension
    of Keras's last axis, used by softmax, log_softmax and sparsemax (default -1,
    Keras's layout)."""

    def __init__(self, activation, *, dim=-1, name=None):
        super().__init__(name=name)
        self.activation_name = activation
        self.dim = dim
        self._fn = _act(activation)

    def forward(self, x):
        return self._fn(x, self.dim)

    def extra_repr(self):
        return f"{self.activation_name!r}, dim={self.dim}, name={self.name!r}"


def _non_negative(layer, arg, value):
    if value is None or value < 0:
        raise ValueError(f"{layer}({arg}=...) must be a float >= 0, got {value!r}")


class ReLU(KerasLayer, nn.ReLU):
    """keras.layers.ReLU(max_value=None, negative_slope=0.0, threshold=0.0), as
    keras.activations.relu computes it (threshold first, then the clip, then the
    negative part)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, *, name=None):
        nn.ReLU.__init__(self)
        self._keras_init(name)
        if max_value is not None:
            _non_negative("ReLU", "max_value", max_value)
        _non_negative("ReLU", "negative_slope", negative_slope)
        _non_negative("ReLU", "threshold", threshold)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def forward(self, x):
        slope, max_value, threshold = self.negative_slope, self.max_value, self.threshold
        if slope != 0.0:
            if max_value is None and threshold == 0:
                return F.leaky_relu(x, slope)
            negative = F.relu(-x + threshold) if threshold != 0 else F.relu(-x)
        clip = max_value is not None
        if threshold != 0:
            y = torch.where(x > threshold, x, torch.zeros((), dtype=x.dtype, device=x.device))
        elif max_value == 6:
            y, clip = F.relu6(x), False
        else:
            y = F.relu(x)
        if clip:
            y = y.clamp(0.0, float(max_value))
        if slope != 0.0:
            y = y - slope * negative
        return y

    def extra_repr(self):
        return (
            f"max_value={self.max_value}, negative_slope={self.negative_slope}, "
            f"threshold={self.threshold}, name={self.name!r}"
        )


class LeakyReLU(KerasLayer, nn.LeakyReLU):
    """keras.layers.LeakyReLU(negative_slope=0.3) (Keras 2's `alpha=` is accepted, as Keras does)."""

    def __init__(self, negative_slope=0.3, *, alpha=None, name=None):
        if alpha is not None:
            negative_slope = alpha
        _non_negative("LeakyReLU", "negative_slope", negative_slope)
        nn.LeakyReLU.__init__(self, float(negative_slope))
        self._keras_init(name)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}, name={self.name!r}"


class PReLU(KerasLayer, nn.PReLU):
    """keras.layers.PReLU on Keras's layout (channels last).  `input_shape`: the
    input's shape without the batch axis (Keras's alpha has that shape, with 1 on
    `shared_axes`, Keras's axis numbers: 1 = the first axis after the batch).

    `weight` is Keras's alpha, same shape (not torch's one value per channel)."""

    keras_weights_spec = (("weight", _same, _same),)
    regularized = {"alpha_regularizer": ("weight", None)}
    constrained = {"alpha_constraint": ("weight", 0)}  # Keras's constraints norm axis 0

    def __init__(
        self,
        input_shape,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        *,
        name=None,
    ):
        shape = [int(d) for d in input_shape]
        if shared_axes is not None:
            shared_axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)
            for ax in shared_axes:
                if not 1 <= ax <= len(shape):
                    raise ValueError(
                        f"PReLU: shared axis {ax} is out of range for input shape {tuple(shape)}"
                    )
                shape[ax - 1] = 1
        self.alpha_initializer = alpha_initializer
        self.shared_axes = shared_axes
        nn.PReLU.__init__(self, num_parameters=max(1, math.prod(shape)), init=0.0)
        self.weight = nn.Parameter(torch.zeros(shape))
        self._keras_init(name, alpha_regularizer=alpha_regularizer, alpha_constraint=alpha_constraint)
        self.reset_parameters()

    def reset_parameters(self):
        if not hasattr(self, "alpha_initializer"):  # nn.PReLU.__init__ calls it first
            return
        initialize_(self.weight, self.alpha_initializer, *keras_fans(self.weight.shape))

    def forward(self, x):
        return F.relu(x) - self.weight * F.relu(-x)

    def extra_repr(self):
        return f"alpha={tuple(self.weight.shape)}, shared_axes={self.shared_axes}, name={self.name!r}"


class ELU(KerasLayer, nn.ELU):
    """keras.layers.ELU(alpha=1.0): tf.nn.elu, then alpha times its negative part."""

    def __init__(self, alpha=1.0, *, name=None):
        nn.ELU.__init__(self, alpha=float(alpha))
        self._keras_init(name)

    def forward(self, x):
        y = F.elu(x)
        if self.alpha == 1:
            return y
        return torch.where(x > 0, y, self.alpha * y)

    def extra_repr(self):
        return f"alpha={self.alpha}, name={self.name!r}"


class Softmax(KerasLayer, nn.Softmax):
    """keras.layers.Softmax.  `dim` (in Keras's place of `axis`): a torch
    dimension, or a list of them (Keras's several axes: exp(x - logsumexp(x))).

    forward(x, mask=None): Keras's mask is broadcastable to x (True/nonzero =
    keep): masked logits become -1e9 (-3e4 in float16) and masked outputs 0."""

    def __init__(self, dim=-1, *, name=None):
        dims = tuple(int(d) for d in dim) if isinstance(dim, (list, tuple)) else None
        if dims is not None and len(dims) == 1:
            dim, dims = dims[0], None
        nn.Softmax.__init__(self, dim=None if dims else int(dim))
        self.dims = dims  # several dimensions (None: one, `dim`)
        self._keras_init(name)

    def forward(self, x, mask=None):
        if mask is not None:
            if mask.ndim > x.ndim:
                raise ValueError(f"Softmax: the mask {tuple(mask.shape)} has more dimensions than the input")
            if mask.dtype != torch.bool:
                mask = mask > 0.5
            big = -3e4 if x.dtype == torch.float16 else -1e9
            x = torch.where(mask, x, torch.tensor(big, dtype=x.dtype, device=x.device))
        if self.dims:
            y = torch.exp(x - torch.logsumexp(x, dim=self.dims, keepdim=True))
        else:
            y = F.softmax(x, dim=self.dim)
        if mask is not None:
            y = torch.where(mask, y, torch.zeros((), dtype=y.dtype, device=y.device))
        return y

    def extra_repr(self):
        return f"dim={self.dims or self.dim}, name={self.name!r}"


class Identity(KerasLayer, nn.Identity):
    """keras.layers.Identity."""

    def __init__(self, *, name=None):
        nn.Identity.__init__(self)
        self._keras_init(name)


# ------------------------------------------------------------------ dropout and noise
def _check_rate(layer, rate):
    if not 0 <= rate <= 1:
        raise ValueError(f"{layer}(rate=...) must be between 0 and 1, got {rate!r}")


def _noise_shape(x, noise_shape, channels_first=False):
    """Keras's concrete noise shape: None entries take the input's size.
    `channels_first`: `noise_shape` is in Keras's channels-last order and `x`
    channels-first (its last entry goes to position 1)."""
    if len(noise_shape) != x.ndim:
        raise ValueError(f"noise_shape {tuple(noise_shape)} does not match the input's rank {x.ndim}")
    if channels_first and x.ndim > 2:
        noise_shape = (noise_shape[0], noise_shape[-1], *noise_shape[1:-1])
    return [x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape)]


def _dropout(x, rate, shape):
    """TensorFlow's stateless_dropout: x * (1 / (1 - rate)) where a uniform draw >= rate."""
    keep = torch.rand(shape, device=x.device) >= rate
    return x * (1.0 / (1.0 - rate)) * keep.to(x.dtype)


class Dropout(KerasLayer, nn.Dropout):
    """keras.layers.Dropout(rate, noise_shape=None, seed=None); `noise_shape`
    includes the batch axis, None entries take the input's size. It is in
    Keras's (channels-last) order; `channels_first=True` says the input is
    channels-first, as a convolution left it."""

    def __init__(self, rate, noise_shape=None, seed=None, *, channels_first=False, name=None):
        _check_rate("Dropout", rate)
        nn.Dropout.__init__(self, p=float(rate))
        self._keras_init(name)
        self.rate, self.seed = float(rate), seed
        if noise_shape is not None:
            noise_shape = tuple(noise_shape)
            for d in noise_shape:
                if d is not None and (not isinstance(d, int) or d <= 0):
                    raise ValueError(
                        f"Dropout(noise_shape=...) sizes must be positive ints or None, got {d!r}"
                    )
        self.noise_shape = noise_shape
        self.channels_first = channels_first

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        if self.rate == 1:
            return torch.zeros_like(x)
        if self.noise_shape is None:
            return F.dropout(x, self.rate, True)
        return _dropout(x, self.rate, _noise_shape(x, self.noise_shape, self.channels_first))

    def extra_repr(self):
        return f"rate={self.rate}, noise_shape={self.noise_shape}, name={self.name!r}"


class _SpatialDropout(KerasLayer):
    rank = 0

    def _init(self, rate, seed, name):
        _check_rate(type(self).__name__, rate)
        self._keras_init(name)
        self.rate, self.seed = float(rate), seed

    def forward(self, x):
        if x.ndim != self.rank:
            raise ValueError(f"{type(self).__name__} expects a {self.rank}D input, got {tuple(x.shape)}")
        if not self.training or self.rate == 0:
            return x
        if self.rate == 1:
            return torch.zeros_like(x)
        return _dropout(x, self.rate, list(x.shape[:2]) + [1] * (x.ndim - 2))

    def extra_repr(self):
        return f"rate={self.rate}, name={self.name!r}"


class SpatialDropout1D(_SpatialDropout, nn.Dropout1d):
    """keras.layers.SpatialDropout1D(rate) on channels-first (N, C, L): one mask
    value per sample and channel."""

    rank = 3

    def __init__(self, rate, seed=None, *, name=None):
        nn.Dropout1d.__init__(self, p=float(rate))
        self._init(rate, seed, name)


class SpatialDropout2D(_SpatialDropout, nn.Dropout2d):
    """keras.layers.SpatialDropout2D(rate) on channels-first (N, C, H, W);
    `data_format` is accepted for Keras's signature (the layout is always channels-first)."""

    rank = 4

    def __init__(self, rate, data_format=None, seed=None, *, name=None):
        nn.Dropout2d.__init__(self, p=float(rate))
        self._init(rate, seed, name)


class SpatialDropout3D(_SpatialDropout, nn.Dropout3d):
    """keras.layers.SpatialDropout3D(rate) on channels-first (N, C, D, H, W);
    `data_format` as SpatialDropout2D."""

    rank = 5

    def __init__(self, rate, data_format=None, seed=None, *, name=None):
        nn.Dropout3d.__init__(self, p=float(rate))
        self._init(rate, seed, name)


class GaussianNoise(Layer):
    """keras.layers.GaussianNoise(stddev): training adds N(0, stddev) noise."""

    def __init__(self, stddev, seed=None, *, name=None):
        if not 0 <= stddev <= 1:
            raise ValueError(f"GaussianNoise(stddev=...) must be between 0 and 1, got {stddev!r}")
        super().__init__(name=name)
        self.stddev, self.seed = float(stddev), seed

    def forward(self, x):
        if not self.training or self.stddev == 0:
            return x
        return x + torch.randn_like(x) * self.stddev

    def extra_repr(self):
        return f"stddev={self.stddev}, name={self.name!r}"


class GaussianDropout(Layer):
    """keras.layers.GaussianDropout(rate): training multiplies by N(1, sqrt(rate / (1 - rate)))."""

    def __init__(self, rate, seed=None, *, name=None):
        _check_rate("GaussianDropout", rate)
        super().__init__(name=name)
        self.rate, self.seed = float(rate), seed

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return x * (torch.randn_like(x) * stddev + 1.0)

    def extra_repr(self):
        return f"rate={self.rate}, name={self.name!r}"


class AlphaDropout(KerasLayer, nn.AlphaDropout):
    """keras.layers.AlphaDropout(rate, noise_shape=None): Keras's formula
    a * (x * kept + alpha_p * (1 - kept)) + b, kept where a uniform draw >= rate.
    `noise_shape` and `channels_first` as for Dropout."""

    ALPHA = 1.6732632423543772848170429916717
    SCALE = 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, *, channels_first=False, name=None):
        _check_rate("AlphaDropout", rate)
        nn.AlphaDropout.__init__(self, p=float(rate))
        self._keras_init(name)
        self.rate, self.seed = float(rate), seed
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.channels_first = channels_first

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        rate = self.rate
        shape = (
            list(x.shape)
            if self.noise_shape is None
            else _noise_shape(x, self.noise_shape, self.channels_first)
        )
        alpha_p = -self.ALPHA * self.SCALE
        kept = (torch.rand(shape, device=x.device) >= rate).to(x.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        y = x * kept + alpha_p * (1 - kept)
        return a * y + b

    def extra_repr(self):
        return f"rate={self.rate}, noise_shape={self.noise_shape}, name={self.name!r}"


def take_activity_loss(model):
    """The sum of the `activity_loss` the layers of `model` accumulated since the
    last call (a scalar tensor, or None when none did), resetting them: the
    trainer adds it to the loss of each step, as Keras adds the activity
    penalties to its layer losses."""
    total = None
    for module in model.modules():
        loss = getattr(module, "activity_loss", None)
        if isinstance(loss, torch.Tensor):
            total = loss if total is None else total + loss
            module.activity_loss = None
    return total


class ActivityRegularization(Layer):
    """keras.layers.ActivityRegularization(l1=0.0, l2=0.0): the identity; each
    call adds (l1 * sum|x| + l2 * sum x**2) / batch size (Keras divides activity
    penalties by the batch size) to `self.activity_loss`, which
    take_activity_loss(model) sums and resets once per step."""

    def __init__(self, l1=0.0, l2=0.0, *, name=None):
        super().__init__(name=name)
        self.l1, self.l2 = float(l1), float(l2)
        self.activity_loss = None

    def forward(self, x):
        loss = penalty(x, {"class_name": "L1L2", "config": {"l1": self.l1, "l2": self.l2}})
        if x.ndim > 0:
            loss = loss / x.shape[0] if x.shape[0] else torch.zeros_like(loss)  # divide_no_nan
        self.activity_loss = loss if self.activity_loss is None else self.activity_loss + loss
        return x

    def extra_repr(self):
        return f"l1={self.l1}, l2={self.l2}, name={self.name!r}"


# ------------------------------------------------------------------ Embedding, Masking
class Embedding(KerasLayer, nn.Embedding):
    """keras.layers.Embedding(input_dim, output_dim, ...): integer ids (any shape)
    -> vectors on a new last axis.  Float ids are truncated to integers, as Keras
    casts them.  `weight` is Keras's embeddings, same layout.

    `sparse_square=True` (keyword): for graphc_runtime's Keras optimizers, a
    backward hook accumulates in `weight.keras_sq_grad` the squared gradient
    summed per token occurrence (TensorFlow's sparse embedding gradients square
    each occurrence's row before summing; a dense gradient would square the sum).
    The optimizer reads and clears it.

    `mask_zero=True`: compute_mask(ids) is ids != 0 (the output is unchanged,
    row 0 is an ordinary, trained row)."""

    keras_weights_spec = (("weight", _same, _same),)
    regularized = {"embeddings_regularizer": ("weight", None)}
    constrained = {"embeddings_constraint": ("weight", 0)}  # Keras's constraints norm axis 0

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        *,
        input_length=None,
        sparse_square=False,
        name=None,
    ):
        for arg, v in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"Embedding({arg}=...) must be a positive integer, got {v!r}")
        if lora_rank:
            raise NotImplementedError("Embedding(lora_rank=...) is not supported by graphc_runtime")
        if quantization_config is not None:
            raise NotImplementedError("Embedding(quantization_config=...) is not supported by graphc_runtime")
        self.embeddings_initializer = embeddings_initializer
        nn.Embedding.__init__(self, input_dim, output_dim)
        self._keras_init(
            name, embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint
        )
        self.input_dim, self.output_dim = input_dim, output_dim
        self.mask_zero = bool(mask_zero)
        self.sparse_square = bool(sparse_square)
        if weights is not None:
            self.load_keras(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    def reset_parameters(self):
        if not hasattr(self, "embeddings_initializer"):  # nn.Embedding.__init__ calls it first
            return
        initialize_(self.weight, self.embeddings_initializer, self.num_embeddings, self.embedding_dim)

    def forward(self, ids):
        if ids.dtype not in (torch.int32, torch.int64):
            ids = ids.to(torch.int32)  # Keras: ops.cast(inputs, "int32")
        out = F.embedding(ids, self.weight)
        if self.sparse_square and out.requires_grad:
            weight = self.weight

            def record(grad):
                rows = (grad * grad).reshape(-1, grad.shape[-1]).to(weight.dtype)
                sq = torch.zeros_like(weight).index_add_(0, ids.reshape(-1), rows)
                prev = getattr(weight, "keras_sq_grad", None)
                weight.keras_sq_grad = sq if prev is None else prev + sq

            out.register_hook(record)
        return out

    def compute_mask(self, ids, mask=None):
        if not self.mask_zero:
            return None
        return ids != 0

    def extra_repr(self):
        extra = ", mask_zero=True" if self.mask_zero else ""
        extra += ", sparse_square=True" if self.sparse_square else ""
        return f"{self.num_embeddings}, {self.embedding_dim}{extra}, name={self.name!r}"


class Masking(Layer):
    """keras.layers.Masking(mask_value=0.0) on Keras's layout (N, T, ..., F):
    a step is masked when all its last-axis features equal mask_value; masked
    steps are zeroed; compute_mask(x) is the (N, T, ...) bool keep-mask."""

    def __init__(self, mask_value=0.0, *, name=None):
        super().__init__(name=name)
        self.mask_value = mask_value

    def compute_mask(self, x, mask=None):
        return (x != self.mask_value).any(dim=-1)

    def forward(self, x):
        keep = (x != self.mask_value).any(dim=-1, keepdim=True)
        return torch.where(keep, x, torch.zeros((), dtype=x.dtype, device=x.device))

    def extra_repr(self):
        return f"mask_value={self.mask_value}, name={self.name!r}"
