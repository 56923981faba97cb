"""Reshaping: Flatten, Reshape, Permute, RepeatVector, UpSampling, ZeroPadding, Cropping (1D/2D).

Shape rules follow keras/src/layers/reshaping/*.py; unknown (None) sizes stay None.
"""

from __future__ import annotations

import math

from graphc.ops.base import (
    ArgError,
    Op,
    P,
    ShapeError,
    choice,
    data_format_,
    int_,
    int_tuple,
    is_int,
    layer_dtype,
    need_min_rank,
    need_rank,
    pad_pairs,
    passthrough_dtype,
    register,
    type_error,
)
from graphc.types import TensorType


@register
class Flatten(Op):
    """Flatten(): (batch, d1, d2, ...) -> (batch, d1*d2*...), in channels_last order."""

    name = "Flatten"
    params = (P("data_format", data_format_, None),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_min_rank(x, 1, "Flatten")
        if not x.shape:
            n = 1
        elif any(d is None for d in x.shape):
            n = None
        else:
            n = math.prod(x.shape)
        return [TensorType((n,), passthrough_dtype(x, a))]


def target_shape_(v):
    if is_int(v):
        raise ArgError(
            f"expected a tuple such as ({v},), got an int `{v}`",
            code="argument-type",
            hint=f"write target_shape=({v},)",
        )
    if not isinstance(v, (tuple, list)):
        raise type_error("a shape tuple such as (7, 7, 64)", v)
    for d in v:
        if d is not None and (not is_int(d) or d < -1):
            raise ArgError(
                f"every size must be a non-negative int, or -1 for one inferred size, got `{tuple(v)!r}`"
            )
    if sum(1 for d in v if d == -1) > 1:
        raise ArgError(f"at most one size may be -1, got `{tuple(v)!r}`")
    return tuple(v)


target_shape_.doc = "shape tuple (one -1 allowed)"


@register
class Reshape(Op):
    """Reshape(target_shape): target_shape excludes the batch axis; one size may be -1."""

    name = "Reshape"
    params = (P("target_shape", target_shape_),)

    def infer(self, a, inputs):
        (x,) = inputs
        t = a.target_shape
        dt = passthrough_dtype(x, a)
        if None in x.shape or None in t:
            return [TensorType(tuple(None if d == -1 else d for d in t), dt)]
        size = math.prod(x.shape)
        if -1 not in t:
            if math.prod(t) != size:
                raise ShapeError(
                    f"Reshape cannot turn shape {x} ({size} values per sample) into target_shape "
                    f"{t!r} ({math.prod(t)} values)",
                    input_index=0,
                    hint="the sizes must multiply to the same total; use -1 for one size to infer it",
                )
            return [TensorType(t, dt)]
        known = math.prod(d for d in t if d != -1)
        if known == 0 or size % known:
            raise ShapeError(
                f"Reshape cannot turn shape {x} ({size} values per sample) into target_shape {t!r}: "
                f"{size} is not divisible by {known}",
                input_index=0,
                hint="the known sizes must divide the input's total size",
            )
        return [TensorType(tuple(size // known if d == -1 else d for d in t), dt)]


def dims_(v):
    if not isinstance(v, (tuple, list)) or not all(is_int(d) for d in v):
        raise type_error("a tuple of axis numbers such as (2, 1)", v)
    if sorted(v) != list(range(1, len(v) + 1)):
        raise ArgError(f"dims must be a permutation of 1..{len(v)} (axis 0 is the batch), got `{tuple(v)!r}`")
    return tuple(v)


dims_.doc = "permutation"


@register
class Permute(Op):
    """Permute(dims): reorders the non-batch axes; dims are 1-based."""

    name = "Permute"
    params = (P("dims", dims_),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, len(a.dims) + 1, "Permute", f"to match dims={a.dims}")
        return [TensorType(tuple(x.shape[d - 1] for d in a.dims), passthrough_dtype(x, a))]


@register
class RepeatVector(Op):
    """RepeatVector(n): (batch, features) -> (batch, n, features)."""

    name = "RepeatVector"
    params = (P("n", int_(1)),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 2, "RepeatVector", "(batch, features)")
        return [TensorType((a.n, x.shape[0]), layer_dtype(a))]


def _mul(d, k):
    return None if d is None else d * k


@register
class UpSampling1D(Op):
    name = "UpSampling1D"
    params = (P("size", int_(1), 2),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 3, "UpSampling1D", "(batch, steps, channels)")
        return [TensorType((_mul(x.shape[0], a.size), x.shape[1]), layer_dtype(a))]


@register
class UpSampling2D(Op):
    name = "UpSampling2D"
    params = (
        P("size", int_tuple(2), (2, 2)),
        P("data_format", data_format_, None),
        P(
            "interpolation",
            choice("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"),
            "nearest",
        ),
    )

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 4, "UpSampling2D", "(batch, height, width, channels)")
        h, w, c = x.shape
        return [TensorType((_mul(h, a.size[0]), _mul(w, a.size[1]), c), layer_dtype(a))]


def _add(d, k):
    return None if d is None else d + k


@register
class ZeroPadding1D(Op):
    name = "ZeroPadding1D"
    params = (P("padding", int_tuple(2, min=0), (1, 1)), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 3, "ZeroPadding1D", "(batch, steps, channels)")
        return [TensorType((_add(x.shape[0], sum(a.padding)), x.shape[1]), layer_dtype(a))]


@register
class ZeroPadding2D(Op):
    """ZeroPadding2D(padding): an int, (sym_h, sym_w), or ((top, bottom), (left, right))."""

    name = "ZeroPadding2D"
    params = (P("padding", pad_pairs(2), ((1, 1), (1, 1))), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 4, "ZeroPadding2D", "(batch, height, width, channels)")
        (top, bottom), (left, right) = a.padding
        return [
            TensorType(
                (_add(x.shape[0], top + bottom), _add(x.shape[1], left + right), x.shape[2]), layer_dtype(a)
            )
        ]


@register
class Cropping1D(Op):
    name = "Cropping1D"
    params = (P("cropping", int_tuple(2, min=0), (1, 1)),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 3, "Cropping1D", "(batch, steps, channels)")
        n = x.shape[0]
        if n is not None and n - sum(a.cropping) <= 0:
            raise ShapeError(
                f"Cropping1D: cropping {a.cropping} removes all {n} steps of the input {x}",
                input_index=0,
                hint="crop less than the input length",
            )
        return [TensorType((_add(n, -sum(a.cropping)), x.shape[1]), layer_dtype(a))]


@register
class Cropping2D(Op):
    """Cropping2D(cropping): an int, (sym_h, sym_w), or ((top, bottom), (left, right))."""

    name = "Cropping2D"
    params = (P("cropping", pad_pairs(2), ((0, 0), (0, 0))), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 4, "Cropping2D", "(batch, height, width, channels)")
        out = []
        for n, pair, what in zip(x.shape[:2], a.cropping, ("height", "width")):
            if n is not None and sum(pair) >= n:
                raise ShapeError(
                    f"Cropping2D: cropping {pair} removes the whole {what} ({n}) of the input {x}",
                    input_index=0,
                    hint=f"crop less than the input {what}",
                )
            out.append(_add(n, -sum(pair)))
        return [TensorType(tuple(out) + (x.shape[2],), layer_dtype(a))]


_WHAT3 = "(batch, depth, height, width, channels)"
_AXES3 = ("depth", "height", "width")


@register
class UpSampling3D(Op):
    """UpSampling3D(size=(2, 2, 2)): repeats each voxel `size` times along depth, height and width."""

    name = "UpSampling3D"
    params = (P("size", int_tuple(3), (2, 2, 2)), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 5, "UpSampling3D", _WHAT3)
        return [
            TensorType(tuple(_mul(d, k) for d, k in zip(x.shape[:3], a.size)) + (x.shape[3],), layer_dtype(a))
        ]


@register
class ZeroPadding3D(Op):
    """ZeroPadding3D(padding): an int, 3 ints (symmetric), or 3 (before, after) pairs."""

    name = "ZeroPadding3D"
    params = (P("padding", pad_pairs(3), ((1, 1), (1, 1), (1, 1))), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 5, "ZeroPadding3D", _WHAT3)
        sp = tuple(_add(d, sum(pair)) for d, pair in zip(x.shape[:3], a.padding))
        return [TensorType(sp + (x.shape[3],), layer_dtype(a))]


@register
class Cropping3D(Op):
    """Cropping3D(cropping): an int, 3 ints (symmetric), or 3 (before, after) pairs."""

    name = "Cropping3D"
    params = (P("cropping", pad_pairs(3), ((1, 1), (1, 1), (1, 1))), P("data_format", data_format_, None))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 5, "Cropping3D", _WHAT3)
        out = []
        for n, pair, what in zip(x.shape[:3], a.cropping, _AXES3):
            if n is not None and sum(pair) >= n:
                raise ShapeError(
                    f"Cropping3D: cropping {pair} removes the whole {what} ({n}) of the input {x}",
                    input_index=0,
                    hint=f"crop less than the input {what}",
                )
            out.append(_add(n, -sum(pair)))
        return [TensorType(tuple(out) + (x.shape[3],), layer_dtype(a))]
