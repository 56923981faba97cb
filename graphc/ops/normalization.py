"""Normalization layers: BatchNormalization, LayerNormalization, Normalization (preprocessing)."""

from __future__ import annotations

from graphc.ops.base import (
    TRAINING,
    ArgError,
    Op,
    P,
    ShapeError,
    axis_,
    bool_,
    check_mask,
    constraint_,
    float_,
    initializer_,
    int_,
    is_int,
    is_num,
    layer_,
    layer_dtype,
    register,
    regularizer_,
    type_error,
)
from graphc.types import TensorType, Weight


def _axis_size(layer: str, x: TensorType, axis: int, arg: str = "axis") -> int:
    """The size of Keras axis `axis` (batch = 0, negatives from the end), which must be known."""
    ax = axis + x.rank if axis < 0 else axis
    if not 0 <= ax < x.rank:
        raise ShapeError(
            f"{layer}: axis {axis} is out of range for the {x.rank}D input {x}",
            code="argument-value",
            arg=arg,
            hint=f"use an axis in -{x.rank}..{x.rank - 1}",
        )
    d = None if ax == 0 else x.shape[ax - 1]
    if d is None:
        what = "the batch axis" if ax == 0 else f"axis {axis}"
        raise ShapeError(
            f"{layer} normalizes over {what}, whose size is unknown in {x}; it needs a known size "
            "to create its weights",
            input_index=0,
            hint="give the size in Input(shape=...)" if ax else "normalize a non-batch axis",
        )
    return d


def renorm_clipping_(v):
    if v is None:
        return None
    if not isinstance(v, dict):
        raise type_error('a dict with keys "rmax", "rmin", "dmax"', v)
    bad = set(v) - {"rmax", "rmin", "dmax"}
    if bad:
        raise ArgError(f"unknown renorm_clipping keys {sorted(bad)}; use rmax, rmin, dmax")
    return dict(v)


renorm_clipping_.doc = "dict"


@register
class BatchNormalization(Op):
    """BatchNormalization(axis=-1): gamma, beta (trainable), moving_mean, moving_variance (not)."""

    name = "BatchNormalization"
    call_options = (TRAINING,)
    call_tensors = ("mask",)
    supports_masking = True
    params = (
        P("axis", int_(), -1),
        P("momentum", float_(), 0.99),
        P("epsilon", float_(), 1e-3),
        P("center", bool_, True),
        P("scale", bool_, True),
        P("beta_initializer", initializer_, "zeros"),
        P("gamma_initializer", initializer_, "ones"),
        P("moving_mean_initializer", initializer_, "zeros"),
        P("moving_variance_initializer", initializer_, "ones"),
        P("beta_regularizer", regularizer_, None),
        P("gamma_regularizer", regularizer_, None),
        P("beta_constraint", constraint_, None),
        P("gamma_constraint", constraint_, None),
        P("renorm", bool_, False),
        P("renorm_clipping", renorm_clipping_, None),
        P("renorm_momentum", float_(), 0.99),
        P("synchronized", bool_, False),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        c = a.renorm_clipping or {}
        if a.renorm:
            if c.get("rmax") is not None and c.get("rmin") is not None and c["rmax"] < c["rmin"]:
                raise ArgError(
                    "BatchNormalization: renorm_clipping rmax must be >= rmin", arg="renorm_clipping"
                )
            if c.get("dmax") is not None and c["dmax"] < 0:
                raise ArgError("BatchNormalization: renorm_clipping dmax must be >= 0", arg="renorm_clipping")

    def infer(self, a, inputs):
        (x,) = inputs
        _axis_size("BatchNormalization", x, a.axis)
        return [TensorType(x.shape, layer_dtype(a))]

    def check_call_tensors(self, a, inputs, given):
        if given.get("mask") is not None:  # Keras weighs the batch moments by mask[..., None]
            check_mask(self.name, given["mask"], inputs[0], "mask", steps=len(inputs[0].shape) - 1)

    def weights(self, a, inputs):
        n = (_axis_size("BatchNormalization", inputs[0], a.axis),)
        w = []
        if a.scale:
            w.append(Weight("gamma", n))
        if a.center:
            w.append(Weight("beta", n))
        w += [Weight("moving_mean", n, False), Weight("moving_variance", n, False)]
        if a.renorm:
            w += [
                Weight("moving_stddev", n, False),
                Weight("renorm_mean", n, False),
                Weight("renorm_stddev", n, False),
            ]
        return w


@register
class LayerNormalization(Op):
    """LayerNormalization(axis=-1): axis may be an int or a list of axes."""

    name = "LayerNormalization"
    supports_masking = True
    params = (
        P("axis", axis_, -1),
        P("epsilon", float_(), 1e-3),
        P("center", bool_, True),
        P("scale", bool_, True),
        P("beta_initializer", initializer_, "zeros"),
        P("gamma_initializer", initializer_, "ones"),
        P("beta_regularizer", regularizer_, None),
        P("gamma_regularizer", regularizer_, None),
        P("beta_constraint", constraint_, None),
        P("gamma_constraint", constraint_, None),
    )

    @staticmethod
    def _shape(a, x) -> tuple:
        # Keras sorts the axes as given (negative ones first) to shape gamma and beta
        axes = [a.axis] if is_int(a.axis) else sorted(a.axis)
        return tuple(_axis_size("LayerNormalization", x, ax) for ax in axes)

    def infer(self, a, inputs):
        (x,) = inputs
        self._shape(a, x)
        return [TensorType(x.shape, layer_dtype(a))]

    def weights(self, a, inputs):
        shape = self._shape(a, inputs[0])
        w = []
        if a.scale:
            w.append(Weight("gamma", shape))
        if a.center:
            w.append(Weight("beta", shape))
        return w


def norm_axes_(v):
    if v is None:
        return ()
    return (v,) if is_int(v) else axis_(v)


norm_axes_.doc = "axis, axes or None"


def stats_(v):
    """mean= / variance=: a number or a (nested) list of numbers."""

    def ok(x):
        return is_num(x) or (isinstance(x, (tuple, list)) and x and all(ok(y) for y in x))

    if v is None or ok(v):
        return v
    raise type_error("a number or a list of numbers", v)


stats_.doc = "number or list"


@register
class Normalization(Op):
    """Normalization(axis=-1, mean=None, variance=None): (x - mean) / sqrt(variance); adapt() fills the stats."""

    name = "Normalization"
    supports_masking = True
    params = (
        P("axis", norm_axes_, (-1,)),
        P("mean", stats_, None),
        P("variance", stats_, None),
        P("invert", bool_, False),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if (a.mean is None) != (a.variance is None):
            raise ArgError(
                "Normalization: give both mean and variance, or neither (then call adapt())",
                arg="mean" if "mean" in given else "variance",
            )

    def _keep(self, a, x) -> tuple:
        axes = (a.axis,) if is_int(a.axis) else tuple(a.axis)
        for ax in axes:
            if not -x.rank <= ax < x.rank:
                raise ShapeError(
                    f"Normalization: axis {ax} is out of range for the {x.rank}D input {x}",
                    code="argument-value",
                    arg="axis",
                )
        keep = sorted(ax + x.rank if ax < 0 else ax for ax in axes)
        return tuple(_axis_size("Normalization", x, ax) for ax in keep)

    def infer(self, a, inputs):
        (x,) = inputs
        self._keep(a, x)
        return [TensorType(x.shape, layer_dtype(a))]

    def weights(self, a, inputs):
        if a.mean is not None:
            return []
        shape = self._keep(a, inputs[0])
        return [Weight("mean", shape, False), Weight("variance", shape, False), Weight("count", (), False)]


@register
class GroupNormalization(Op):
    """GroupNormalization(groups=32, axis=-1): normalizes groups of channels; groups=-1 is instance norm."""

    name = "GroupNormalization"
    supports_masking = True
    params = (
        P("groups", int_(-1), 32),
        P("axis", int_(), -1),
        P("epsilon", float_(), 1e-3),
        P("center", bool_, True),
        P("scale", bool_, True),
        P("beta_initializer", initializer_, "zeros"),
        P("gamma_initializer", initializer_, "ones"),
        P("beta_regularizer", regularizer_, None),
        P("gamma_regularizer", regularizer_, None),
        P("beta_constraint", constraint_, None),
        P("gamma_constraint", constraint_, None),
    )

    @classmethod
    def validate(cls, a):
        g = a.get("groups", 32)
        if g == 0:
            raise ArgError(
                "GroupNormalization argument `groups` must be a positive int, or -1 for instance "
                "normalization, got 0",
                arg="groups",
            )

    def _dim(self, a, x) -> int:
        d = _axis_size("GroupNormalization", x, a.axis)
        g = d if a.groups == -1 else a.groups
        if d < g:
            raise ShapeError(
                f"GroupNormalization: groups={g} is more than the {d} channels on axis {a.axis} of the input {x}",
                code="argument-value",
                arg="groups",
            )
        if d % g:
            raise ShapeError(
                f"GroupNormalization: the {d} channels on axis {a.axis} of the input {x} do not split "
                f"into groups={g} equal groups",
                code="argument-value",
                arg="groups",
                hint=f"use a number of groups that divides {d}",
            )
        return d

    def infer(self, a, inputs):
        (x,) = inputs
        self._dim(a, x)
        return [TensorType(x.shape, layer_dtype(a))]

    def weights(self, a, inputs):
        n = (self._dim(a, inputs[0]),)
        w = []
        if a.scale:
            w.append(Weight("gamma", n))
        if a.center:
            w.append(Weight("beta", n))
        return w


@register
class RMSNormalization(Op):
    """RMSNormalization(axis=-1, epsilon=1e-6): x / rms(x) * scale, with a learned scale over `axis`."""

    name = "RMSNormalization"
    params = (P("axis", axis_, -1), P("epsilon", float_(), 1e-6))

    @staticmethod
    def _shape(a, x) -> tuple:
        axes = [a.axis] if is_int(a.axis) else sorted(a.axis)
        return tuple(_axis_size("RMSNormalization", x, ax) for ax in axes)

    def infer(self, a, inputs):
        (x,) = inputs
        self._shape(a, x)
        return [TensorType(x.shape, layer_dtype(a))]

    def weights(self, a, inputs):
        return [Weight("scale", self._shape(a, inputs[0]))]


@register
class UnitNormalization(Op):
    """UnitNormalization(axis=-1): scales each vector along `axis` to unit L2 norm."""

    name = "UnitNormalization"
    supports_masking = True
    params = (P("axis", axis_, -1),)

    def infer(self, a, inputs):
        (x,) = inputs
        for ax in (a.axis,) if is_int(a.axis) else a.axis:
            if not -x.rank <= ax < x.rank:
                raise ShapeError(
                    f"UnitNormalization: axis {ax} is out of range for the {x.rank}D input {x}",
                    code="argument-value",
                    arg="axis",
                    hint=f"use an axis in -{x.rank}..{x.rank - 1}",
                )
        return [TensorType(x.shape, layer_dtype(a))]


@register
class SpectralNormalization(Op):
    """SpectralNormalization(layer, power_iterations=1): divides the wrapped layer's kernel (or
    embeddings) by its largest singular value, estimated by power iteration."""

    name = "SpectralNormalization"
    call_options = (TRAINING,)
    params = (P("layer", layer_), P("power_iterations", int_(1), 1))

    @staticmethod
    def _inner(a):
        from graphc.ops.base import op_instance

        return op_instance(a.layer.op), a.layer.op.full(a.layer.args)

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        op = a.layer.op
        if getattr(op, "takes_list", False) or getattr(op, "call_params", ()):
            raise ArgError(
                f"SpectralNormalization wraps a layer applied to one tensor, got {op.name}",
                arg="layer",
                code="argument-type",
            )

    def infer(self, a, inputs):
        inner, ia = self._inner(a)
        outs = inner.infer(ia, inputs)
        names = [w.name for w in inner.weights(ia, inputs)]
        if "kernel" not in names and "embeddings" not in names:
            raise ShapeError(
                f"SpectralNormalization normalizes a layer's `kernel` or `embeddings`, and {inner.name} "
                f"has neither (it has {', '.join(names) or 'no weights'})",
                code="argument-type",
                arg="layer",
                hint="wrap a Dense, a convolution, EinsumDense or Embedding",
            )
        if len(outs) != 1:
            raise ShapeError(
                f"SpectralNormalization wraps a layer with one output; {inner.name} here has {len(outs)}",
                code="argument-value",
                arg="layer",
            )
        return [TensorType(outs[0].shape, layer_dtype(a))]

    def weights(self, a, inputs):
        inner, ia = self._inner(a)
        ws = inner.weights(ia, inputs)
        k = next(w for w in ws if w.name in ("kernel", "embeddings"))
        # Keras tracks the wrapped kernel as the wrapper's own first weight, then vector_u,
        # then the wrapped layer's other weights
        return [k, Weight("vector_u", (1, k.shape[-1]), False)] + [w for w in ws if w is not k]
