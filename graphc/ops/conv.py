"""Convolutions, 1-D to 3-D: ConvND, ConvNDTranspose, SeparableConv1D/2D, DepthwiseConv1D/2D.

Shape rules are Keras's compute_conv_output_shape / compute_conv_transpose_output_shape
(keras/src/ops/operation_utils.py, keras/src/backend/common/backend_utils.py);
kernels are laid out as Keras creates them.  channels_last only.
"""

from __future__ import annotations

from graphc.ops.base import (
    ArgError,
    Op,
    P,
    ShapeError,
    activation_,
    bool_,
    choice,
    constraint_,
    conv_out,
    data_format_,
    float_,
    initializer_,
    int_,
    int_tuple,
    layer_dtype,
    need_known,
    need_rank,
    optional,
    register,
    regularizer_,
    softmax_warning,
)
from graphc.ops.core import _lora_weights
from graphc.types import TensorType, Weight

_WHAT = {
    1: "(batch, steps, channels)",
    2: "(batch, height, width, channels)",
    3: "(batch, depth, height, width, channels)",
}
_AXES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _tuple_str(t: tuple) -> str:
    return str(t[0]) if len(t) == 1 else "(" + ", ".join(map(str, t)) + ")"


def spatial_out(
    layer: str, x: TensorType, kernel: tuple, strides: tuple, padding: str, dilation: tuple, rank: int
) -> tuple:
    """Keras's output sizes on the spatial axes; ShapeError when the kernel does not fit ('valid')."""
    out = []
    sizes = x.shape[:rank]
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        o = conv_out(n, k, s, padding, d)
        if o is not None and o <= 0:
            ke = tuple((kk - 1) * dd + 1 for kk, dd in zip(kernel, dilation))
            eff = "" if ke == tuple(kernel) else f" (dilated to {_tuple_str(ke)})"
            raise ShapeError(
                f"{layer}: the kernel {_tuple_str(tuple(kernel))}{eff} is larger than the input's "
                f'{"/".join(_AXES[rank])} {_tuple_str(tuple(sizes))} with padding="valid" (input shape {x})',
                input_index=0,
                hint='use padding="same", a smaller kernel_size, or a larger input',
            )
        out.append(o)
    return tuple(out)


def _check_strides_dilation(cls, a, given):
    if max(a.strides) > 1 and max(a.dilation_rate) > 1:
        raise ArgError(
            f"{cls.name}: strides > 1 cannot be combined with dilation_rate > 1 (got strides="
            f"{_tuple_str(a.strides)}, dilation_rate={_tuple_str(a.dilation_rate)})",
            arg="dilation_rate" if "dilation_rate" in given else "strides",
            hint="Keras rejects this combination; use one or the other",
        )


class _ConvBase(Op):
    rank = 2

    def _input(self, inputs) -> tuple[TensorType, int]:
        (x,) = inputs
        need_rank(x, self.rank + 2, self.name, _WHAT[self.rank])
        c = need_known(x, -1, self.name, "channel axis (the last one)")
        return x, c

    def warnings(self, a, inputs, outputs):
        return softmax_warning(self.name, a.get("activation"), outputs[0])


def _conv_params(rank: int, causal: bool, groups: bool) -> tuple:
    pads = ("valid", "same", "causal") if causal else ("valid", "same")
    ps = [
        P("filters", int_(1)),
        P("kernel_size", int_tuple(rank)),
        P("strides", int_tuple(rank), (1,) * rank),
        P("padding", choice(*pads), "valid"),
        P("data_format", data_format_, None),
        P("dilation_rate", int_tuple(rank), (1,) * rank),
    ]
    if groups:
        ps.append(P("groups", int_(1), 1))
    ps += [
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
    ]
    return tuple(ps)


class _Conv(_ConvBase):
    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.filters % a.groups:
            raise ArgError(
                f"{cls.name}: filters ({a.filters}) must be divisible by groups ({a.groups})", arg="groups"
            )
        _check_strides_dilation(cls, a, given)
        if a.lora_rank and a.kernel_constraint:
            raise ArgError(
                f"{cls.name}: LoRA (lora_rank) cannot be combined with kernel_constraint", arg="lora_rank"
            )

    def infer(self, a, inputs):
        x, c = self._input(inputs)
        if c % a.groups:
            raise ShapeError(
                f"{self.name}: the input's {c} channels are not divisible by groups={a.groups} "
                f"(input shape {x})",
                input_index=0,
            )
        sp = spatial_out(self.name, x, a.kernel_size, a.strides, a.padding, a.dilation_rate, self.rank)
        return [TensorType(sp + (a.filters,), layer_dtype(a))]

    def weights(self, a, inputs):
        c = inputs[0].shape[-1]
        w = _lora_weights(
            Weight("kernel", tuple(a.kernel_size) + (c // a.groups, a.filters)), a.lora_rank, a.filters
        )
        if a.use_bias:
            w.insert(1, Weight("bias", (a.filters,)))
        return w


_LORA = (
    P("lora_rank", optional(int_(1)), None, positional=False),
    P("lora_alpha", optional(float_(0)), None, positional=False),
)


@register
class Conv1D(_Conv):
    """Conv1D(filters, kernel_size): convolution over steps of (batch, steps, channels)."""

    name = "Conv1D"
    aliases = ("Convolution1D",)
    rank = 1
    params = _conv_params(1, causal=True, groups=True) + _LORA


@register
class Conv2D(_Conv):
    """Conv2D(filters, kernel_size): convolution over (batch, height, width, channels)."""

    name = "Conv2D"
    aliases = ("Convolution2D",)
    rank = 2
    params = _conv_params(2, causal=False, groups=True) + _LORA


@register
class Conv3D(_Conv):
    """Conv3D(filters, kernel_size): convolution over (batch, depth, height, width, channels)."""

    name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3
    params = _conv_params(3, causal=False, groups=True) + _LORA


def transpose_out(n, k: int, s: int, padding: str, op, d: int):
    """Keras's _get_output_shape_given_tf_padding for one axis."""
    if n is None:
        return None
    ke = (k - 1) * d + 1
    if padding == "valid":
        return (n - 1) * s + ke + (max(ke, s) - ke if op is None else op)
    if op is None:
        return n * s
    return (n - 1) * s + ke % 2 + op


def _transpose_params(rank: int, data_format_first: bool) -> tuple:
    fmt = P("data_format", data_format_, None)
    outp = P("output_padding", optional(int_tuple(rank, min=0)), None)
    return (
        P("filters", int_(1)),
        P("kernel_size", int_tuple(rank)),
        P("strides", int_tuple(rank), (1,) * rank),
        P("padding", choice("valid", "same"), "valid"),
        *((fmt, outp) if data_format_first else (outp, fmt)),
        P("dilation_rate", int_tuple(rank), (1,) * rank),
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
    )


class _ConvTranspose(_ConvBase):
    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.output_padding is not None:
            for i, (op, s) in enumerate(zip(a.output_padding, a.strides)):
                if op >= s:
                    raise ArgError(
                        f"{cls.name}: output_padding must be smaller than strides on every "
                        f"axis; axis {i} has output_padding {op} and stride {s}",
                        arg="output_padding",
                    )
        _check_strides_dilation(cls, a, given)

    def infer(self, a, inputs):
        x, c = self._input(inputs)
        op = a.output_padding or (None,) * self.rank
        sp = tuple(
            transpose_out(n, k, s, a.padding, o, d)
            for n, k, s, o, d in zip(x.shape[: self.rank], a.kernel_size, a.strides, op, a.dilation_rate)
        )
        return [TensorType(sp + (a.filters,), layer_dtype(a))]

    def weights(self, a, inputs):
        c = inputs[0].shape[-1]
        w = [Weight("kernel", tuple(a.kernel_size) + (a.filters, c))]
        if a.use_bias:
            w.append(Weight("bias", (a.filters,)))
        return w


@register
class Conv1DTranspose(_ConvTranspose):
    """Conv1DTranspose(filters, kernel_size): the transposed convolution over steps."""

    name = "Conv1DTranspose"
    aliases = ("Convolution1DTranspose",)
    rank = 1
    params = _transpose_params(1, data_format_first=False)


@register
class Conv2DTranspose(_ConvTranspose):
    """Conv2DTranspose(filters, kernel_size): the transposed (fractionally strided) convolution."""

    name = "Conv2DTranspose"
    aliases = ("Convolution2DTranspose",)
    rank = 2
    params = _transpose_params(2, data_format_first=False)


@register
class Conv3DTranspose(_ConvTranspose):
    """Conv3DTranspose(filters, kernel_size): data_format comes before output_padding, as in Keras."""

    name = "Conv3DTranspose"
    aliases = ("Convolution3DTranspose",)
    rank = 3
    params = _transpose_params(3, data_format_first=True)


def _separable_params(rank: int) -> tuple:
    return (
        P("filters", int_(1)),
        P("kernel_size", int_tuple(rank)),
        P("strides", int_tuple(rank), (1,) * rank),
        P("padding", choice("valid", "same"), "valid"),
        P("data_format", data_format_, None),
        P("dilation_rate", int_tuple(rank), (1,) * rank),
        P("depth_multiplier", int_(1), 1),
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("depthwise_initializer", initializer_, "glorot_uniform"),
        P("pointwise_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("depthwise_regularizer", regularizer_, None),
        P("pointwise_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("depthwise_constraint", constraint_, None),
        P("pointwise_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
    )


class _SeparableConv(_ConvBase):
    def infer(self, a, inputs):
        x, c = self._input(inputs)
        sp = spatial_out(self.name, x, a.kernel_size, a.strides, a.padding, a.dilation_rate, self.rank)
        return [TensorType(sp + (a.filters,), layer_dtype(a))]

    def weights(self, a, inputs):
        c = inputs[0].shape[-1]
        m = a.depth_multiplier
        w = [
            Weight("depthwise_kernel", tuple(a.kernel_size) + (c, m)),
            Weight("pointwise_kernel", (1,) * self.rank + (c * m, a.filters)),
        ]
        if a.use_bias:
            w.append(Weight("bias", (a.filters,)))
        return w


@register
class SeparableConv1D(_SeparableConv):
    """SeparableConv1D(filters, kernel_size): depthwise conv over steps, then a pointwise conv."""

    name = "SeparableConv1D"
    aliases = ("SeparableConvolution1D",)
    rank = 1
    params = _separable_params(1)


@register
class SeparableConv2D(_SeparableConv):
    """SeparableConv2D(filters, kernel_size): depthwise conv then a 1x1 pointwise conv."""

    name = "SeparableConv2D"
    aliases = ("SeparableConvolution2D",)
    rank = 2
    params = _separable_params(2)


def _depthwise_params(rank: int) -> tuple:
    return (
        P("kernel_size", int_tuple(rank)),
        P("strides", int_tuple(rank), (1,) * rank),
        P("padding", choice("valid", "same"), "valid"),
        P("depth_multiplier", int_(1), 1),
        P("data_format", data_format_, None),
        P("dilation_rate", int_tuple(rank), (1,) * rank),
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("depthwise_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("depthwise_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("depthwise_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
    )


class _DepthwiseConv(_ConvBase):
    def infer(self, a, inputs):
        x, c = self._input(inputs)
        sp = spatial_out(self.name, x, a.kernel_size, a.strides, a.padding, a.dilation_rate, self.rank)
        return [TensorType(sp + (c * a.depth_multiplier,), layer_dtype(a))]

    def weights(self, a, inputs):
        c = inputs[0].shape[-1]
        w = [Weight("kernel", tuple(a.kernel_size) + (c, a.depth_multiplier))]
        if a.use_bias:
            w.append(Weight("bias", (c * a.depth_multiplier,)))
        return w


@register
class DepthwiseConv1D(_DepthwiseConv):
    """DepthwiseConv1D(kernel_size): one filter (times depth_multiplier) per input channel, over steps."""

    name = "DepthwiseConv1D"
    rank = 1
    params = _depthwise_params(1)


@register
class DepthwiseConv2D(_DepthwiseConv):
    """DepthwiseConv2D(kernel_size): one filter (times depth_multiplier) per input channel."""

    name = "DepthwiseConv2D"
    rank = 2
    params = _depthwise_params(2)
