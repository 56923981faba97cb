"""Pooling: Max/AveragePooling1D/2D/3D, the global poolings (keepdims) and the adaptive poolings.

Shape rules are Keras's compute_pooling_output_shape and the adaptive poolings' fixed output_size.
"""

from __future__ import annotations

from graphc.ops.base import (
    REQUIRED,
    Op,
    P,
    ShapeError,
    bool_,
    check_mask,
    choice,
    data_format_,
    int_tuple,
    layer_dtype,
    need_rank,
    optional,
    register,
)
from graphc.types import TensorType

_WHAT = {
    1: "(batch, steps, channels)",
    2: "(batch, height, width, channels)",
    3: "(batch, depth, height, width, channels)",
}


def pool_out(n, k: int, s: int, padding: str):
    if n is None:
        return None
    if padding == "same":
        return (n - 1) // s + 1
    return (n - k) // s + 1


class _Pool(Op):
    rank = 2

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, self.rank + 2, self.name, _WHAT[self.rank])
        strides = a.strides if a.strides is not None else a.pool_size
        out = []
        for n, k, s in zip(x.shape[: self.rank], a.pool_size, strides):
            o = pool_out(n, k, s, a.padding)
            if o is not None and o <= 0:
                ps = a.pool_size[0] if self.rank == 1 else tuple(a.pool_size)
                sizes = x.shape[0] if self.rank == 1 else tuple(x.shape[: self.rank])
                raise ShapeError(
                    f"{self.name}: pool_size {ps} is larger than the input's spatial size {sizes} "
                    f'with padding="valid" (input shape {x})',
                    input_index=0,
                    hint='use padding="same" or a smaller pool_size',
                )
            out.append(o)
        return [TensorType(tuple(out) + (x.shape[-1],), layer_dtype(a))]


def _pool_params(rank: int, default) -> tuple:
    return (
        P("pool_size", int_tuple(rank), default),
        P("strides", optional(int_tuple(rank)), None),
        P("padding", choice("valid", "same"), "valid"),
        P("data_format", data_format_, None),
    )


@register
class MaxPooling1D(_Pool):
    name = "MaxPooling1D"
    aliases = ("MaxPool1D",)
    rank = 1
    params = _pool_params(1, (2,))


@register
class MaxPooling2D(_Pool):
    name = "MaxPooling2D"
    aliases = ("MaxPool2D",)
    rank = 2
    params = _pool_params(2, (2, 2))


@register
class MaxPooling3D(_Pool):
    name = "MaxPooling3D"
    aliases = ("MaxPool3D",)
    rank = 3
    params = _pool_params(3, (2, 2, 2))


@register
class AveragePooling1D(_Pool):
    name = "AveragePooling1D"
    aliases = ("AvgPool1D",)
    rank = 1
    params = _pool_params(1, REQUIRED)  # required, as in Keras


@register
class AveragePooling2D(_Pool):
    name = "AveragePooling2D"
    aliases = ("AvgPool2D",)
    rank = 2
    params = _pool_params(2, REQUIRED)


@register
class AveragePooling3D(_Pool):
    name = "AveragePooling3D"
    aliases = ("AvgPool3D",)
    rank = 3
    params = _pool_params(3, REQUIRED)


class _GlobalPool(Op):
    rank = 2
    params = (P("data_format", data_format_, None), P("keepdims", bool_, False))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, self.rank + 2, self.name, _WHAT[self.rank])
        shape = ((1,) * self.rank if a.keepdims else ()) + (x.shape[-1],)
        return [TensorType(shape, layer_dtype(a))]


@register
class GlobalAveragePooling1D(_GlobalPool):
    name = "GlobalAveragePooling1D"
    aliases = ("GlobalAvgPool1D",)
    rank = 1
    call_tensors = ("mask",)
    supports_masking = True  # averages the kept steps; the output has no mask

    def compute_mask(self, a, inputs, mask):
        return [None]

    def check_call_tensors(self, a, inputs, given):
        m, x = given.get("mask"), inputs[0]
        if m is not None:
            steps = x if a.data_format != "channels_first" else TensorType(x.shape[1:], x.dtype)
            check_mask(self.name, m, steps, "mask")


@register
class GlobalAveragePooling2D(_GlobalPool):
    name = "GlobalAveragePooling2D"
    aliases = ("GlobalAvgPool2D",)
    rank = 2


@register
class GlobalAveragePooling3D(_GlobalPool):
    name = "GlobalAveragePooling3D"
    aliases = ("GlobalAvgPool3D",)
    rank = 3


@register
class GlobalMaxPooling1D(_GlobalPool):
    name = "GlobalMaxPooling1D"
    aliases = ("GlobalMaxPool1D",)
    rank = 1


@register
class GlobalMaxPooling2D(_GlobalPool):
    name = "GlobalMaxPooling2D"
    aliases = ("GlobalMaxPool2D",)
    rank = 2


@register
class GlobalMaxPooling3D(_GlobalPool):
    name = "GlobalMaxPooling3D"
    aliases = ("GlobalMaxPool3D",)
    rank = 3


# ------------------------------------------------------------ adaptive pooling
def output_size_(rank: int):
    """An int or a tuple of `rank` ints (AdaptiveAveragePooling2D(output_size))."""
    inner = int_tuple(rank)

    def check(v):
        return inner(v)

    check.doc = f"int or {rank}-tuple"
    return check


class _AdaptivePool(Op):
    """Pools each spatial axis into `output_size` bins: (batch, *output_size, channels)."""

    rank = 2

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, self.rank + 2, self.name, _WHAT[self.rank])
        return [TensorType(tuple(a.output_size) + (x.shape[-1],), layer_dtype(a))]


def _adaptive_params(rank: int) -> tuple:
    return (P("output_size", output_size_(rank)), P("data_format", data_format_, None))


@register
class AdaptiveAveragePooling1D(_AdaptivePool):
    name = "AdaptiveAveragePooling1D"
    rank = 1
    params = _adaptive_params(1)


@register
class AdaptiveAveragePooling2D(_AdaptivePool):
    name = "AdaptiveAveragePooling2D"
    rank = 2
    params = _adaptive_params(2)


@register
class AdaptiveAveragePooling3D(_AdaptivePool):
    name = "AdaptiveAveragePooling3D"
    rank = 3
    params = _adaptive_params(3)


@register
class AdaptiveMaxPooling1D(_AdaptivePool):
    name = "AdaptiveMaxPooling1D"
    rank = 1
    params = _adaptive_params(1)


@register
class AdaptiveMaxPooling2D(_AdaptivePool):
    name = "AdaptiveMaxPooling2D"
    rank = 2
    params = _adaptive_params(2)


@register
class AdaptiveMaxPooling3D(_AdaptivePool):
    name = "AdaptiveMaxPooling3D"
    rank = 3
    params = _adaptive_params(3)
