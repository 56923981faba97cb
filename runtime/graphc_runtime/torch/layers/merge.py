"""Keras merge layers in PyTorch (runtime/LAYERS.md): Add, Subtract, Multiply,
Average, Maximum, Minimum, Concatenate, Dot.

forward(inputs, mask=None) takes a list of tensors, as Keras's call does.
`mask` is the list of the inputs' Keras masks (bool (N, T) for (N, T, ...)
inputs, True = keep; None entries for unmasked inputs): Maximum, Minimum and
Multiply use them in their computation as Keras does; compute_mask(inputs, mask)
returns the output's mask (the OR of the masks, Keras's rules).

The element-wise merges do not care about the layout (all inputs must share
one); inputs of lower rank get size-1 axes inserted after the batch, as Keras
does.  Concatenate takes `dim=` (a torch dimension) in Keras's place of
`axis`; Dot takes Keras's layout and `axes` indexing the tensors given.
"""

from __future__ import annotations

import torch

from graphc_runtime.torch.layers.base import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]


def _expanded_mask(mask, x):
    """Keras: broadcast_to(expand_dims(mask, -1), shape(x))."""
    return mask.unsqueeze(-1).expand(x.shape)


class _Merge(Layer):
    """The elementwise merges (keras.src.layers.merging.base_merge.Merge)."""

    def __init__(self, *, name=None):
        super().__init__(name=name)

    def _check(self, inputs, mask):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{type(self).__name__} takes a list of tensors")
        if mask is not None and len(mask) != len(inputs):
            raise ValueError(f"{type(self).__name__}: {len(mask)} masks for {len(inputs)} inputs")

    def forward(self, inputs, mask=None):
        self._check(inputs, mask)
        ranks = {x.ndim for x in inputs}
        if len(ranks) > 1:  # Keras's _reshape_required: size-1 axes after the batch
            top = max(ranks)
            inputs = [x.reshape(x.shape[:1] + (1,) * (top - x.ndim) + x.shape[1:]) for x in inputs]
        masks = list(mask) if mask is not None else [None] * len(inputs)
        return self._merge(list(inputs), masks)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = out | m
        return out


class Add(_Merge):
    """keras.layers.Add: the sum of the inputs, left to right."""

    def _merge(self, xs, masks):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    """keras.layers.Subtract: inputs[0] - inputs[1]."""

    def _merge(self, xs, masks):
        if len(xs) != 2:
            raise ValueError(f"Subtract takes exactly 2 inputs, got {len(xs)}")
        return xs[0] - xs[1]


class Average(_Merge):
    """keras.layers.Average: the sum of the inputs divided by their number."""

    def _merge(self, xs, masks):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out / len(xs)


class Multiply(_Merge):
    """keras.layers.Multiply: the product; with masks on every input, masked
    entries count as 1 and entries masked in all inputs are 0."""

    def _merge(self, xs, masks):
        has_output_mask = all(m is not None for m in masks)
        out = out_mask = None
        for x, m in zip(xs, masks):
            if m is not None:
                m = _expanded_mask(m, x)
                x = torch.where(m, x, torch.ones((), dtype=x.dtype, device=x.device))
                if has_output_mask:
                    out_mask = m if out_mask is None else out_mask | m
            out = x if out is None else out * x
        if has_output_mask:
            out = torch.where(out_mask, out, torch.zeros((), dtype=out.dtype, device=out.device))
        return out


class _MaxMin(_Merge):
    op = None

    def _merge(self, xs, masks):
        # keras.src.layers.merging.base_merge.Merge._apply_merge_op_and_or_mask
        out = out_mask = None
        for x, m in zip(xs, masks):
            if m is not None:
                m = _expanded_mask(m, x)
            if out is None:
                out, out_mask = x, m
                continue
            if m is not None:
                x = torch.where(m, x, out)
            if out_mask is not None:
                out = torch.where(out_mask, out, x)
            out_mask = out_mask | m if (m is not None and out_mask is not None) else None
            out = type(self).op(out, x)
        return out


class Maximum(_MaxMin):
    """keras.layers.Maximum: the element-wise maximum (masked entries take the other inputs' values)."""

    op = staticmethod(torch.maximum)


class Minimum(_MaxMin):
    """keras.layers.Minimum: the element-wise minimum (masked entries take the other inputs' values)."""

    op = staticmethod(torch.minimum)


class Concatenate(Layer):
    """keras.layers.Concatenate along torch dimension `dim` (Keras's `axis`,
    converted by the compiler).  compute_mask follows Keras: each input's mask
    (None = all kept) broadcast to its shape, concatenated along `dim`, then
    any() over the last dimension (masks live in Keras's layout)."""

    def __init__(self, dim=-1, *, name=None):
        super().__init__(name=name)
        self.dim = int(dim)

    def forward(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("Concatenate takes a list of tensors")
        return torch.cat(list(inputs), dim=self.dim)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(torch.ones(x.shape, dtype=torch.bool, device=x.device))
            elif m.ndim < x.ndim:
                masks.append(_expanded_mask(m, x))
            else:
                masks.append(m)
        return torch.cat(masks, dim=self.dim).any(dim=-1)

    def extra_repr(self):
        return f"dim={self.dim}, name={self.name!r}"


def _l2_normalize(x, dim):
    """keras.ops.normalize(x, axis, order=2): x * min(rsqrt(sum(x**2)), 1 / 1e-7)."""
    inv = torch.rsqrt(x.square().sum(dim=dim, keepdim=True))
    return x * torch.clamp(inv, max=1.0 / 1e-7)


class Dot(Layer):
    """keras.layers.Dot(axes, normalize=False) on Keras's layout: the batched dot
    product of inputs[0] along axes[0] and inputs[1] along axes[1] (an int: the
    same for both; negative counts from the end).  The output has inputs[0]'s
    other non-batch dimensions, then inputs[1]'s; (N, 1) when none remain
    (keras.src.layers.merging.dot.batch_dot).  normalize: L2-normalize both
    along their axis first (Keras's x * min(rsqrt(sum x**2), 1e7))."""

    def __init__(self, axes, normalize=False, *, name=None):
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot(axes=...) takes an int or two ints, got {axes!r}")
            axes = tuple(axes)
        elif not isinstance(axes, int):
            raise ValueError(f"Dot(axes=...) takes an int or two ints, got {axes!r}")
        super().__init__(name=name)
        self.axes, self.normalize = axes, bool(normalize)

    def forward(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("Dot takes a list of exactly 2 tensors")
        x, y = inputs
        if isinstance(self.axes, int):
            axes = [self.axes % x.ndim, self.axes % y.ndim] if self.axes < 0 else [self.axes] * 2
        else:
            axes = [a % t.ndim if a < 0 else a for a, t in zip(self.axes, (x, y))]
        if x.ndim < 2 or y.ndim < 2:
            raise ValueError(f"Dot needs inputs of rank >= 2, got {tuple(x.shape)} and {tuple(y.shape)}")
        if 0 in axes:
            raise ValueError("Dot cannot contract the batch axis 0")
        if self.normalize:
            x, y = _l2_normalize(x, axes[0]), _l2_normalize(y, axes[1])
        xm = x.movedim(axes[0], -1)  # (N, *rest_x, D)
        ym = y.movedim(axes[1], 1)  # (N, D, *rest_y)
        rest_x, rest_y = tuple(xm.shape[1:-1]), tuple(ym.shape[2:])
        out = torch.matmul(
            xm.reshape(xm.shape[0], -1, xm.shape[-1]), ym.reshape(ym.shape[0], ym.shape[1], -1)
        )
        shape = rest_x + rest_y
        return out.reshape(out.shape[0], *(shape or (1,)))

    def compute_mask(self, inputs, mask=None):
        return None

    def extra_repr(self):
        return f"axes={self.axes}, normalize={self.normalize}, name={self.name!r}"
