"""Keras convolutions in PyTorch (runtime/LAYERS.md).

Classes (tensors channels-first: (N, C, L), (N, C, H, W), (N, C, D, H, W)):

- Conv1D, Conv2D, Conv3D (nn.Conv1d/2d/3d): padding "valid", "same" (TensorFlow's
  split, the odd pixel at the end, computed from the input size at forward time;
  the module's own symmetric `padding` is used when the split is symmetric for
  every input size, i.e. stride 1 with an odd dilated kernel, torch's `padding`
  argument when it is symmetric for the input's size, e.g. a 3x3 kernel at stride
  2 on an odd size, and F.pad, a copy, only when it is not) and, for Conv1D,
  "causal"; strides, dilation_rate, groups, activation.
- Conv1DTranspose, Conv2DTranspose, Conv3DTranspose (nn.ConvTranspose1d/2d/3d):
  Keras's output size (output_padding, "same"/"valid") and TensorFlow's crop of the
  full transposed convolution (one value more at the end when the crop is odd).
- DepthwiseConv1D, DepthwiseConv2D (nn.Conv1d/2d with groups=in_channels): torch
  channel c * depth_multiplier + j is Keras's (c, j).
- SeparableConv1D, SeparableConv2D (K.Layer holding `depthwise`, an nn.Conv with
  groups=in_channels and no bias, and `pointwise`, a 1x1 nn.Conv).

Constructors take the input's channel count first (`in_channels`), then Keras's
arguments with Keras's names, order and defaults, then `name=`.  `data_format` is
accepted and ignored: these layers always take channels-first tensors, whatever
Keras's data_format (the compiler converts layouts).  Initializers draw in Keras's
kernel layout with Keras's fans (receptive field included), then convert;
constraints are applied in Keras's layout too (so a MaxNorm `axis` means Keras's
kernel axis).  `activity_regularizer` sets `self.activity_loss` to Keras's penalty of
the output divided by the batch size, at each forward (the value of the last call).

Not supported (NotImplementedError at construction): `lora_rank` (LoRA).
Depthwise and separable convolutions exist in 1-D and 2-D only, as in Keras.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, Layer, _spec, constrain_, initialize_, penalty
from graphc_runtime.torch.layers.base import activation as keras_activation

__all__ = [
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
]


# ------------------------------------------------------------------ argument helpers
def keras_tuple(value, n: int, what: str, allow_zero: bool = False) -> tuple:
    """Keras's standardize_tuple: an int repeated n times, or n ints."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int or a tuple of {n} ints, got {value!r}")
    if isinstance(value, int):
        t = (value,) * n
    else:
        t = tuple(value)
        if len(t) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in t):
            raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {value!r}")
    low = 0 if allow_zero else 1
    if any(v < low for v in t):
        raise ValueError(f"{what} must be {'>= 0' if allow_zero else 'positive'}, got {value!r}")
    return t


def keras_padding(padding, allowed=("valid", "same")) -> str:
    p = str(padding).lower()
    if p not in allowed:
        raise ValueError(f"padding must be one of {allowed}, got {padding!r}")
    return p


def same_pads(n: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's padding="same" on one axis of size n: (before, after)."""
    ke = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + ke - n, 0)
    return total // 2, total - total // 2


def always_symmetric(k: int, s: int, d: int = 1) -> bool:
    """Whether TF's 'same' split is symmetric for every input size (stride 1 and an
    odd dilated kernel, or a kernel of 1)."""
    ke = (k - 1) * d + 1
    return ke == 1 or (s == 1 and (ke - 1) % 2 == 0)


def pad_arg(pairs) -> list:
    """F.pad's argument for per-axis (before, after) pairs given in axis order."""
    out = []
    for before, after in reversed(list(pairs)):
        out += [before, after]
    return out


def same_pad(x, kernel, strides, dilation=None, value=0.0):
    """Pad the spatial axes (2, 3, ...) of x as TensorFlow's padding="same" does."""
    dilation = dilation or (1,) * len(kernel)
    pairs = [same_pads(n, k, s, d) for n, k, s, d in zip(x.shape[2:], kernel, strides, dilation)]
    if not any(b or a for b, a in pairs):
        return x
    return F.pad(x, pad_arg(pairs), value=value)


def same_padding(x, kernel, strides, dilation=None, value=0.0):
    """TensorFlow's padding="same" on the spatial axes of x, for this input size:
    (x, torch's symmetric `padding`) where TF's split is symmetric on every axis
    (stride s on a size whose total padding is even: no copy, the torch op pads),
    else (x padded with F.pad, zeros).  Shapes are Python ints: under torch.compile
    the choice is made once per input size."""
    dilation = dilation or (1,) * len(kernel)
    pairs = [same_pads(n, k, s, d) for n, k, s, d in zip(x.shape[2:], kernel, strides, dilation)]
    if all(b == a for b, a in pairs):
        return x, tuple(b for b, _ in pairs)
    return F.pad(x, pad_arg(pairs), value=value), (0,) * len(pairs)


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


# ------------------------------------------------------------------ Keras weights in torch layouts
def _permute(x, perm):
    return x.permute(*perm) if torch.is_tensor(x) else x.transpose(perm)


class Permute:
    """A layout conversion by axis permutation (numpy arrays or torch tensors); a
    class rather than a closure so that modules stay picklable."""

    def __init__(self, perm):
        self.perm = tuple(perm)

    def __call__(self, a):
        return _permute(a, self.perm)


def kernel_to_torch(n: int) -> Permute:
    """Keras conv kernel (k1..kn, in, out) -> torch (out, in, k1..kn); also the
    transposed conv's (k.., out, in) -> (in, out, k..)."""
    return Permute((n + 1, n) + tuple(range(n)))


def kernel_to_keras(n: int) -> Permute:
    return Permute(tuple(range(2, n + 2)) + (1, 0))


class DepthwiseToTorch:
    """Keras depthwise kernel (k.., in, m) -> torch (in*m, 1, k..): channel c*m+j."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, a):
        n = self.n
        k = tuple(a.shape[:n])
        flat = _permute(a.reshape(k + (-1,)), (n,) + tuple(range(n)))
        return flat.reshape((flat.shape[0], 1) + k)


class DepthwiseToKeras:
    """torch depthwise weight (in*m, 1, k..) -> Keras's (k.., in, m)."""

    def __init__(self, n: int, in_channels: int):
        self.n, self.in_channels = n, in_channels

    def __call__(self, t):
        n = self.n
        k = tuple(t.shape[2:])
        flat = _permute(t.reshape((t.shape[0],) + k), tuple(range(1, n + 1)) + (0,))
        return flat.reshape(k + (self.in_channels, -1))


def depthwise_to_torch(n: int) -> DepthwiseToTorch:
    return DepthwiseToTorch(n)


def depthwise_to_keras(n: int, in_channels: int) -> DepthwiseToKeras:
    return DepthwiseToKeras(n, in_channels)


def _same(a):
    return a


def _bias(size: int, path: str = "bias") -> KerasWeight:
    """A convolution's bias: the same layout in both frameworks, Keras's bias_* arguments."""
    return KerasWeight(path, (size,), _same, _same, "bias_initializer", "bias_regularizer", "bias_constraint")


def keras_fans(shape) -> tuple[int, int]:
    """Keras's compute_fans (keras/src/initializers/random_initializers.py)."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


def draw_keras(shape, spec) -> torch.Tensor:
    """A float32 tensor of Keras's layout `shape` drawn like Keras's initializer."""
    fan_in, fan_out = keras_fans(shape)
    # a graphc_runtime.torch.initializers object (`initializers.Orthogonal()`) or a spec
    name = type(spec).__name__.lower() if hasattr(spec, "initialize_") else _spec(spec)[0]
    if name == "orthogonal" and len(shape) > 2:
        # Keras flattens to (prod(shape[:-1]), shape[-1]) before its QR
        flat = torch.empty(math.prod(shape[:-1]), shape[-1])
        initialize_(flat, spec, fan_in, fan_out)
        return flat.reshape(shape)
    t = torch.empty(tuple(shape))
    initialize_(t, spec, fan_in, fan_out)
    return t


class KerasWeight:
    """One of Keras's get_weights() arrays: where it lives in torch, its Keras
    shape, conversions both ways, and the Keras arguments that configure it."""

    def __init__(self, path, keras_shape, to_torch, to_keras, initializer, regularizer=None, constraint=None):
        self.path = path
        self.keras_shape = tuple(keras_shape)
        self.to_torch, self.to_keras = to_torch, to_keras
        self.initializer, self.regularizer, self.constraint = initializer, regularizer, constraint


class KerasWeightsMixin(KerasLayer):
    """KerasLayer whose weights are described by KerasWeight records (`self._keras_weights`)."""

    _keras_weights: tuple = ()

    def _set_keras_weights(self, weights):
        self._keras_weights = tuple(weights)
        self.keras_weights_spec = tuple((w.path, w.to_torch, w.to_keras) for w in weights)
        self.regularized = {w.regularizer: (w.path, None) for w in weights if w.regularizer}
        self.constrained = {w.constraint: (w.path, None) for w in weights if w.constraint}

    def reset_parameters(self):
        if not self._keras_weights:  # torch's __init__ calls it before ours has run
            return
        with torch.no_grad():
            for w in self._keras_weights:
                tensor = self._attr(w.path)
                spec = self.keras_config.get(w.initializer)
                tensor.copy_(w.to_torch(draw_keras(w.keras_shape, spec)).to(tensor.dtype))

    def apply_constraints(self):
        with torch.no_grad():
            for w in self._keras_weights:
                spec = self.keras_config.get(w.constraint) if w.constraint else None
                if spec is None:
                    continue
                tensor = self._attr(w.path)
                kernel = w.to_keras(tensor.detach()).contiguous().clone()
                # a graphc_runtime.torch.constraints object (`constraints.MaxNorm(3)`) or a spec
                axis = getattr(spec, "axis", 0) if hasattr(spec, "apply_") else _spec(spec)[1].get("axis", 0)
                axes = [axis] if isinstance(axis, int) else list(axis)
                axes = [a % kernel.dim() for a in axes]
                constrain_(kernel, spec, axes)
                tensor.copy_(w.to_torch(kernel))

    def _finish(self, y):
        """Keras's activation (on the channel axis) and activity regularizer."""
        y = keras_activation(self.activation_name)(y, 1)  # looked up by name: modules stay picklable
        spec = self.keras_config.get("activity_regularizer")
        if spec is not None:
            self.activity_loss = penalty(y, spec) / y.shape[0]
        return y


def _check_lora(cls_name, lora_rank):
    if lora_rank is not None:
        raise NotImplementedError(f"{cls_name}(lora_rank=...) is not supported by graphc_runtime")


class SamePadding:
    """TF 'same' / Conv1D 'causal' padding for a convolution whose torch module has
    stride/dilation; `self._pad_kind`: None (the module's own padding), or
    'same'/'causal' (decided at forward time from the input's size)."""

    def _plan_padding(self, padding, kernel, strides, dilation):
        """The torch module's `padding` argument; sets what forward pads."""
        self._pad_kind = None
        if padding == "valid":
            return 0
        if padding == "causal":
            self._pad_kind = "causal"
            return 0
        if all(always_symmetric(k, s, d) for k, s, d in zip(kernel, strides, dilation)):
            return tuple(((k - 1) * d) // 2 for k, d in zip(kernel, dilation))
        self._pad_kind = "same"
        return 0

    def _conv_same(self, conv, x):
        """`conv` (an nn.ConvNd: weight, bias, stride, dilation, groups) applied to x
        with the padding planned: torch's own, TF's 'same' for x's size, or causal."""
        if self._pad_kind is None:
            return conv._conv_forward(x, conv.weight, conv.bias)
        if self._pad_kind == "causal":
            x, padding = F.pad(x, ((conv.kernel_size[0] - 1) * conv.dilation[0], 0)), 0
        else:
            x, padding = same_padding(x, conv.kernel_size, conv.stride, conv.dilation)
        return _CONV[len(conv.kernel_size)](
            x, conv.weight, conv.bias, conv.stride, padding, conv.dilation, conv.groups
        )


# ------------------------------------------------------------------ ConvND
class _Conv(SamePadding, KerasWeightsMixin):
    rank = 2
    _torch = nn.Conv2d

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        *,
        name=None,
    ):
        n = self.rank
        cls = type(self).__name__
        _check_lora(cls, lora_rank)
        kernel = keras_tuple(kernel_size, n, "kernel_size")
        strides = keras_tuple(strides, n, "strides")
        dilation = keras_tuple(dilation_rate, n, "dilation_rate")
        padding = keras_padding(padding, ("valid", "same", "causal") if n == 1 else ("valid", "same"))
        if max(strides) > 1 and max(dilation) > 1:
            raise ValueError(
                f"{cls}: strides > 1 cannot be combined with dilation_rate > 1 (Keras rejects it)"
            )
        if filters % groups or in_channels % groups:
            raise ValueError(
                f"{cls}: filters ({filters}) and input channels ({in_channels}) must divide by groups"
            )
        torch_padding = self._plan_padding(padding, kernel, strides, dilation)
        self._torch.__init__(
            self,
            in_channels,
            filters,
            kernel,
            stride=strides,
            padding=torch_padding,
            dilation=dilation,
            groups=groups,
            bias=use_bias,
        )
        self._keras_init(
            name,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.padding_mode_keras = padding
        self.activation_name = activation
        keras_activation(activation)  # NotImplementedError now for an unknown activation
        weights = [
            KerasWeight(
                "weight",
                kernel + (in_channels // groups, filters),
                kernel_to_torch(n),
                kernel_to_keras(n),
                "kernel_initializer",
                "kernel_regularizer",
                "kernel_constraint",
            )
        ]
        if use_bias:
            weights.append(_bias(filters))
        self._set_keras_weights(weights)
        self.reset_parameters()

    def forward(self, x):
        return self._finish(self._conv_same(self, x))

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return f"{self._torch.extra_repr(self)}, keras_padding={self.padding_mode_keras!r}{act}, name={self.name!r}"


class Conv1D(_Conv, nn.Conv1d):
    """keras.layers.Conv1D on (N, C, L).  `in_channels`: the input's channels.
    padding "causal" pads (kernel_size - 1) * dilation_rate steps in front."""

    rank = 1
    _torch = nn.Conv1d


class Conv2D(_Conv, nn.Conv2d):
    """keras.layers.Conv2D on (N, C, H, W).  `in_channels`: the input's channels."""

    rank = 2
    _torch = nn.Conv2d


class Conv3D(_Conv, nn.Conv3d):
    """keras.layers.Conv3D on (N, C, D, H, W).  `in_channels`: the input's channels."""

    rank = 3
    _torch = nn.Conv3d


# ------------------------------------------------------------------ ConvNDTranspose
def transpose_plan(kernel, strides, dilation, padding, output_padding):
    """Per axis: (torch padding, torch output_padding, drop one more at the end).

    TensorFlow computes the full transposed convolution, of length
    L = (n - 1) * s + ke, and keeps Keras's O values starting at max(L - O, 0) // 2
    (zeros beyond L); torch's `padding` crops symmetrically and its `output_padding`
    extends at the end.  O - L does not depend on n, so neither does the plan."""
    pads, out_pads, crop = [], [], []
    ops = output_padding or (None,) * len(kernel)
    for k, s, d, op in zip(kernel, strides, dilation, ops):
        ke = (k - 1) * d + 1
        if padding == "same":
            excess = ke - s if op is None else ke - ke % 2 - op  # L - O
        else:
            excess = -(max(ke, s) - ke) if op is None else -op
        pads.append(max(excess, 0) // 2)
        out_pads.append(max(-excess, 0))
        crop.append(excess > 0 and excess % 2 == 1)
    return tuple(pads), tuple(out_pads), tuple(crop)


def transpose_output_size(n, k, s, padding, op, d=1):
    """Keras's output length of a transposed convolution on an axis of size n."""
    ke = (k - 1) * d + 1
    if padding == "valid":
        return (n - 1) * s + ke + (max(ke, s) - ke if op is None else op)
    if op is None:
        return n * s
    return (n - 1) * s + ke % 2 + op


class _ConvTranspose(KerasWeightsMixin):
    rank = 2
    _torch = nn.ConvTranspose2d

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
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
        n = self.rank
        cls = type(self).__name__
        kernel = keras_tuple(kernel_size, n, "kernel_size")
        strides = keras_tuple(strides, n, "strides")
        dilation = keras_tuple(dilation_rate, n, "dilation_rate")
        padding = keras_padding(padding)
        if output_padding is not None:
            output_padding = keras_tuple(output_padding, n, "output_padding", allow_zero=True)
            if any(op >= s for op, s in zip(output_padding, strides)):
                raise ValueError(f"{cls}: output_padding must be smaller than strides, got {output_padding}")
        if max(strides) > 1 and max(dilation) > 1:
            raise ValueError(
                f"{cls}: strides > 1 cannot be combined with dilation_rate > 1 (Keras rejects it)"
            )
        pads, out_pads, crop = transpose_plan(kernel, strides, dilation, padding, output_padding)
        self._crop = crop
        self.keras_padding, self.keras_output_padding = padding, output_padding
        self._torch.__init__(
            self,
            in_channels,
            filters,
            kernel,
            stride=strides,
            padding=pads,
            output_padding=out_pads,
            dilation=dilation,
            bias=use_bias,
        )
        self._keras_init(
            name,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.activation_name = activation
        keras_activation(activation)  # NotImplementedError now for an unknown activation
        weights = [
            KerasWeight(
                "weight",
                kernel + (filters, in_channels),
                kernel_to_torch(n),
                kernel_to_keras(n),
                "kernel_initializer",
                "kernel_regularizer",
                "kernel_constraint",
            )
        ]
        if use_bias:
            weights.append(_bias(filters))
        self._set_keras_weights(weights)
        self.reset_parameters()

    def forward(self, x):
        y = self._torch.forward(self, x)
        if any(self._crop):
            y = y[(slice(None), slice(None)) + tuple(slice(0, -1) if c else slice(None) for c in self._crop)]
        return self._finish(y)

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return (
            f"{self._torch.extra_repr(self)}, keras_padding={self.keras_padding!r}, "
            f"keras_output_padding={self.keras_output_padding}{act}, name={self.name!r}"
        )


class Conv1DTranspose(_ConvTranspose, nn.ConvTranspose1d):
    """keras.layers.Conv1DTranspose on (N, C, L).  `in_channels`: the input's channels."""

    rank = 1
    _torch = nn.ConvTranspose1d


class Conv2DTranspose(_ConvTranspose, nn.ConvTranspose2d):
    """keras.layers.Conv2DTranspose on (N, C, H, W).  `in_channels`: the input's channels."""

    rank = 2
    _torch = nn.ConvTranspose2d


class Conv3DTranspose(_ConvTranspose, nn.ConvTranspose3d):
    """keras.layers.Conv3DTranspose on (N, C, D, H, W).  `in_channels`: the input's
    channels.  Keras puts data_format before output_padding here."""

    rank = 3
    _torch = nn.ConvTranspose3d

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=(1, 1, 1),
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
        _ConvTranspose.__init__(
            self,
            in_channels,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            name=name,
        )


# ------------------------------------------------------------------ DepthwiseConvND
class _DepthwiseConv(SamePadding, KerasWeightsMixin):
    rank = 2
    _torch = nn.Conv2d

    def __init__(
        self,
        in_channels,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        *,
        name=None,
    ):
        n = self.rank
        kernel = keras_tuple(kernel_size, n, "kernel_size")
        strides = keras_tuple(strides, n, "strides")
        dilation = keras_tuple(dilation_rate, n, "dilation_rate")
        padding = keras_padding(padding)
        if depth_multiplier < 1:
            raise ValueError(f"depth_multiplier must be positive, got {depth_multiplier}")
        # Keras (TF) runs strides > 1 with dilation > 1 as a stride-1 dilated conv on the
        # 'same'-padded input, then subsamples: what torch's strided dilated conv computes
        torch_padding = self._plan_padding(padding, kernel, strides, dilation)
        m = depth_multiplier
        self.depth_multiplier = m
        self._torch.__init__(
            self,
            in_channels,
            in_channels * m,
            kernel,
            stride=strides,
            padding=torch_padding,
            dilation=dilation,
            groups=in_channels,
            bias=use_bias,
        )
        self._keras_init(
            name,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
        )
        self.padding_mode_keras = padding
        self.activation_name = activation
        keras_activation(activation)  # NotImplementedError now for an unknown activation
        weights = [
            KerasWeight(
                "weight",
                kernel + (in_channels, m),
                depthwise_to_torch(n),
                depthwise_to_keras(n, in_channels),
                "depthwise_initializer",
                "depthwise_regularizer",
                "depthwise_constraint",
            )
        ]
        if use_bias:
            weights.append(_bias(in_channels * m))
        self._set_keras_weights(weights)
        self.reset_parameters()

    def forward(self, x):
        return self._finish(self._conv_same(self, x))

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return (
            f"{self._torch.extra_repr(self)}, depth_multiplier={self.depth_multiplier}, "
            f"keras_padding={self.padding_mode_keras!r}{act}, name={self.name!r}"
        )


class DepthwiseConv1D(_DepthwiseConv, nn.Conv1d):
    """keras.layers.DepthwiseConv1D on (N, C, L): an nn.Conv1d(C, C * m, groups=C).
    `in_channels`: the input's channels; output channel c * m + j is Keras's (c, j)."""

    rank = 1
    _torch = nn.Conv1d


class DepthwiseConv2D(_DepthwiseConv, nn.Conv2d):
    """keras.layers.DepthwiseConv2D on (N, C, H, W): an nn.Conv2d(C, C * m, groups=C).
    `in_channels`: the input's channels; output channel c * m + j is Keras's (c, j)."""

    rank = 2
    _torch = nn.Conv2d


# ------------------------------------------------------------------ SeparableConvND
class _SeparableConv(SamePadding, KerasWeightsMixin, Layer):
    rank = 2
    _torch = nn.Conv2d

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        *,
        name=None,
    ):
        n = self.rank
        kernel = keras_tuple(kernel_size, n, "kernel_size")
        strides = keras_tuple(strides, n, "strides")
        dilation = keras_tuple(dilation_rate, n, "dilation_rate")
        padding = keras_padding(padding)
        if depth_multiplier < 1:
            raise ValueError(f"depth_multiplier must be positive, got {depth_multiplier}")
        Layer.__init__(
            self,
            name=name,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
        )
        m = depth_multiplier
        self.filters, self.depth_multiplier = filters, m
        self.kernel_size, self.strides, self.dilation_rate = kernel, strides, dilation
        self.padding_mode_keras = padding
        torch_padding = self._plan_padding(padding, kernel, strides, dilation)
        self.depthwise = self._torch(
            in_channels,
            in_channels * m,
            kernel,
            stride=strides,
            padding=torch_padding,
            dilation=dilation,
            groups=in_channels,
            bias=False,
        )
        self.pointwise = self._torch(in_channels * m, filters, 1, bias=use_bias)
        self.activation_name = activation
        keras_activation(activation)  # NotImplementedError now for an unknown activation
        weights = [
            KerasWeight(
                "depthwise.weight",
                kernel + (in_channels, m),
                depthwise_to_torch(n),
                depthwise_to_keras(n, in_channels),
                "depthwise_initializer",
                "depthwise_regularizer",
                "depthwise_constraint",
            ),
            KerasWeight(
                "pointwise.weight",
                (1,) * n + (in_channels * m, filters),
                kernel_to_torch(n),
                kernel_to_keras(n),
                "pointwise_initializer",
                "pointwise_regularizer",
                "pointwise_constraint",
            ),
        ]
        if use_bias:
            weights.append(_bias(filters, "pointwise.bias"))
        self._set_keras_weights(weights)
        self.reset_parameters()

    def forward(self, x):
        return self._finish(self.pointwise(self._conv_same(self.depthwise, x)))

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return (
            f"filters={self.filters}, kernel_size={self.kernel_size}, strides={self.strides}, "
            f"padding={self.padding_mode_keras!r}, dilation_rate={self.dilation_rate}, "
            f"depth_multiplier={self.depth_multiplier}{act}, name={self.name!r}"
        )


class SeparableConv1D(_SeparableConv):
    """keras.layers.SeparableConv1D on (N, C, L).  `in_channels`: the input's channels.
    Submodules: `depthwise` (nn.Conv1d, groups=C, no bias), `pointwise` (1x1 nn.Conv1d)."""

    rank = 1
    _torch = nn.Conv1d


class SeparableConv2D(_SeparableConv):
    """keras.layers.SeparableConv2D on (N, C, H, W).  `in_channels`: the input's channels.
    Submodules: `depthwise` (nn.Conv2d, groups=C, no bias), `pointwise` (1x1 nn.Conv2d)."""

    rank = 2
    _torch = nn.Conv2d
