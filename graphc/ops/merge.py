"""Merge layers, called on a list of tensors: Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot.  The lowercase functional forms (`add([a, b])`) map here via `function`.

Shape rules are keras/src/layers/merging/*.py: element-wise merges broadcast like Keras
(right-aligned, 1 stretches, None is unknown), Concatenate needs every axis but `axis` equal.
"""

from __future__ import annotations

from graphc.ops.base import (
    Op,
    P,
    ShapeError,
    bool_,
    fmt_shape,
    int_,
    is_int,
    layer_dtype,
    mask_or,
    register,
    type_error,
)
from graphc.types import Mask, TensorType


class _Merge(Op):
    takes_list = True
    min_inputs = 1
    max_inputs = None
    supports_masking = True

    def compute_mask(self, a, inputs, mask):
        """Keras's Merge.compute_mask: the OR of the inputs' masks, none when one input has none."""
        return [mask_or(list(mask) if isinstance(mask, (list, tuple)) else [mask])]

    def infer(self, a, inputs):
        out = tuple(inputs[0].shape)
        for i in range(1, len(inputs)):
            out = self._broadcast(out, tuple(inputs[i].shape), inputs, i)
        return [TensorType(out, layer_dtype(a))]

    def _broadcast(self, s1: tuple, s2: tuple, inputs, i: int) -> tuple:
        """Keras's Merge._compute_elemwise_op_output_shape (shapes without the batch axis)."""
        long, short = (s1, s2) if len(s1) >= len(s2) else (s2, s1)
        if not short:
            return long
        out = list(long[: len(long) - len(short)])
        for k, (p, q) in enumerate(zip(long[len(long) - len(short) :], short)):
            if p is None or q is None:
                out.append(None)
            elif p == 1:
                out.append(q)
            elif q == 1:
                out.append(p)
            elif p != q:
                ax = k - len(short)  # counted from the end; both shapes have this axis
                if i == 1:
                    others = f"input 0 of shape {fmt_shape(s1)}"
                else:
                    others = f"inputs 0..{i - 1} (broadcast shape {fmt_shape(s1)})"
                raise ShapeError(
                    f"{self.name} cannot combine input {i} of shape {inputs[i]} with {others}: "
                    f"axis {ax} is {s2[ax]} in input {i} but {s1[ax]} before it",
                    input_index=i,
                    hint="element-wise merges need equal sizes (or 1) on every axis",
                )
            else:
                out.append(p)
        return tuple(out)


@register
class Add(_Merge):
    name, function = "Add", "add"


@register
class Subtract(_Merge):
    name, function = "Subtract", "subtract"
    min_inputs, max_inputs = 2, 2


@register
class Multiply(_Merge):
    name, function = "Multiply", "multiply"


@register
class Average(_Merge):
    name, function = "Average", "average"


@register
class Maximum(_Merge):
    name, function = "Maximum", "maximum"


@register
class Minimum(_Merge):
    name, function = "Minimum", "minimum"


@register
class Concatenate(_Merge):
    """Concatenate(axis=-1): joins along `axis`; every other axis must match (None matches anything)."""

    name, function = "Concatenate", "concatenate"
    params = (P("axis", int_(), -1),)

    def infer(self, a, inputs):
        r0 = inputs[0].rank
        for i, x in enumerate(inputs[1:], start=1):
            if x.rank != r0:
                raise ShapeError(
                    f"Concatenate needs inputs of the same rank: input 0 is {inputs[0]} ({r0}D), "
                    f"input {i} is {x} ({x.rank}D)",
                    code="rank-mismatch",
                    input_index=i,
                )
        ax = a.axis + r0 if a.axis < 0 else a.axis
        if not 0 <= ax < r0:
            raise ShapeError(
                f"Concatenate: axis {a.axis} is out of range for {r0}D inputs ({inputs[0]})",
                code="argument-value",
                arg="axis",
                hint=f"use an axis in -{r0}..{r0 - 1}",
            )
        full = [(None,) + tuple(x.shape) for x in inputs]
        for k in range(r0):
            if k == ax:
                continue
            known = {}
            for i, s in enumerate(full):
                if s[k] is not None:
                    known.setdefault(s[k], i)
            if len(known) > 1:
                (d0, i0), (d1, i1) = list(known.items())[:2]
                neg = k - r0
                raise ShapeError(
                    f"Concatenate(axis={a.axis}) needs every other axis equal, but axis {neg} is {d0} in input {i0} "
                    f"{inputs[i0]} and {d1} in input {i1} {inputs[i1]}",
                    input_index=i1,
                    hint="only the concatenation axis may differ",
                )
        out = list(full[0])
        for s in full[1:]:
            if out[ax] is None or s[ax] is None:
                out[ax] = None
                break
            out[ax] += s[ax]
        return [TensorType(tuple(out[1:]), layer_dtype(a))]

    def compute_mask(self, a, inputs, mask):
        """Keras's Concatenate.compute_mask: each input's mask (all True when it has none)
        widened to the input, joined along `axis`, then any() over the last axis: on the
        feature axis the OR of the masks (all True, i.e. no mask, when one input has none),
        on another axis the masks joined along it."""
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if all(m is None for m in masks):
            return [None]
        r0 = inputs[0].rank
        ax = a.axis + r0 if a.axis < 0 else a.axis
        if ax == r0 - 1:
            return [mask_or(masks)]
        out = self.infer(a, inputs)[0]
        return [Mask("concat", tuple(out.shape[:-1]), tuple(masks), arg=ax)]


def dot_axes_(v):
    if is_int(v):
        return v
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(is_int(x) for x in v):
        return tuple(v)
    raise type_error("an int or a pair of ints", v)


dot_axes_.doc = "int or pair"


@register
class Dot(_Merge):
    """Dot(axes): batched dot product of two tensors along `axes` (int or a pair)."""

    name, function = "Dot", "dot"
    min_inputs, max_inputs = 2, 2
    params = (P("axes", dot_axes_), P("normalize", bool_, False))

    def compute_mask(self, a, inputs, mask):
        return [None]  # Keras's Dot.compute_mask

    def infer(self, a, inputs):
        x1, x2 = inputs
        s1, s2 = [None, *x1.shape], [None, *x2.shape]
        for i, x in enumerate(inputs):
            if x.rank < 2:
                raise ShapeError(
                    f"Dot needs inputs of rank >= 2, input {i} is {x}", code="rank-mismatch", input_index=i
                )
        pair = (a.axes, a.axes) if is_int(a.axes) else a.axes
        axes = []
        for i, (ax, s) in enumerate(zip(pair, (s1, s2))):
            n = ax + len(s) if ax < 0 else ax
            if not 0 < n < len(s):
                raise ShapeError(
                    f"Dot: axis {ax} does not name a non-batch axis of input {i} {inputs[i]}",
                    code="argument-value",
                    arg="axes",
                    input_index=i,
                )
            axes.append(n)
        if s1[axes[0]] != s2[axes[1]]:
            raise ShapeError(
                f"Dot: input 0 {x1} has size {s1[axes[0]]} on axis {axes[0]} but input 1 {x2} has size "
                f"{s2[axes[1]]} on axis {axes[1]}; they must be equal (and known)",
                input_index=1,
                hint="Dot multiplies along those axes, so their sizes must match",
            )
        s1.pop(axes[0])
        s2.pop(axes[1])
        s2.pop(0)
        out = s1 + s2
        if len(out) == 1:
            out.append(1)
        return [TensorType(tuple(out[1:]), layer_dtype(a))]
