"""Core layers: Dense, activations, dropout/noise, Embedding, Rescaling (one class per Keras layer).

Arguments are Keras 3's, in Keras's positional order, with Keras's defaults
(keras/src/layers/core, activations, regularization, preprocessing/rescaling.py).
"""

from __future__ import annotations

from graphc.ops.base import (
    TRAINING,
    ArgError,
    Op,
    P,
    ShapeError,
    activation_,
    axis_,
    bool_,
    constraint_,
    data_format_,
    dtype_,
    float_,
    initializer_,
    input_dtype_,
    int_,
    is_float_dtype,
    is_int,
    layer_dtype,
    need_min_rank,
    need_rank,
    none_only,
    norm_axis,
    number_or_list,
    optional,
    register,
    regularizer_,
    seed_,
    shape_,
    softmax_warning,
    str_,
    type_error,
)
from graphc.types import Mask, TensorType, Weight


def out_dtype(a) -> str:
    return a.get("dtype") or "float32"


@register
class Input(Op):
    """Not applied to tensors: `x = Input(shape=...)` declares a model input."""

    name = "Input"
    params = (
        P("shape", shape_, None),
        P("batch_size", optional(int_(1)), None),
        P("dtype", input_dtype_, None),
        P("sparse", bool_, False, positional=False),
        P("batch_shape", optional(shape_), None, positional=False),
        P("name", optional(str_), None),
        P("tensor", lambda v: v, None, positional=False),
        P("optional", bool_, False, positional=False),
    )

    @classmethod
    def all_params(cls):
        return cls.params


def _lora_weights(kernel: Weight, rank: int | None, out: int, prefix: str = "lora_kernel") -> list[Weight]:
    """Keras's enable_lora: the base kernel is frozen, two low-rank factors are trained."""
    if not rank:
        return [kernel]
    return [
        Weight(kernel.name, kernel.shape, False),
        Weight(f"{prefix}_a", tuple(kernel.shape[:-1]) + (rank,)),
        Weight(f"{prefix}_b", (rank, out)),
    ]


@register
class Dense(Op):
    """Dense(units): a fully connected layer on the last axis."""

    name = "Dense"
    call_options = (TRAINING,)
    supports_masking = True
    params = (
        P("units", int_(1)),
        P("activation", activation_, None),
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("lora_rank", optional(int_(1)), None),
        P("lora_alpha", optional(float_(0)), None),
        P("quantization_config", none_only("quantization_config"), None),
    )

    @classmethod
    def validate(cls, a):
        if a.get("lora_rank") and a.get("kernel_constraint"):
            raise ArgError(
                "Dense: LoRA (lora_rank) cannot be combined with kernel_constraint", arg="lora_rank"
            )

    def infer(self, a, inputs):
        (x,) = inputs
        need_min_rank(x, 2, "Dense")
        if x.shape[-1] is None:
            raise ShapeError(
                f"Dense needs a known last axis, got shape {x}",
                input_index=0,
                hint="give the size in Input(shape=...) or Reshape first",
            )
        return [TensorType(x.shape[:-1] + (a.units,), out_dtype(a))]

    def weights(self, a, inputs):
        n = inputs[0].shape[-1]
        w = _lora_weights(Weight("kernel", (n, a.units)), a.lora_rank, a.units)
        if a.use_bias:
            w.insert(1, Weight("bias", (a.units,)))
        return w

    def warnings(self, a, inputs, outputs):
        return softmax_warning("Dense", a.activation, outputs[0])


# ------------------------------------------------------------- activations
class _SameShape(Op):
    """A layer whose output has its input's shape (activations, dropout, noise); it passes
    its input's mask on."""

    supports_masking = True

    def infer(self, a, inputs):
        (x,) = inputs
        return [TensorType(x.shape, layer_dtype(a))]


@register
class Activation(_SameShape):
    """Activation(activation): applies an activation function."""

    name = "Activation"
    params = (P("activation", activation_),)

    def warnings(self, a, inputs, outputs):
        return softmax_warning("Activation", a.activation, outputs[0])


@register
class ReLU(_SameShape):
    name = "ReLU"
    params = (
        P("max_value", optional(float_(0)), None),
        P("negative_slope", float_(0), 0.0),
        P("threshold", float_(0), 0.0),
    )


@register
class LeakyReLU(_SameShape):
    name = "LeakyReLU"
    params = (
        P("negative_slope", float_(0), 0.3),
        P("alpha", optional(float_(0)), None, positional=False),  # Keras 2 spelling, deprecated
    )


@register
class PReLU(Op):
    """PReLU: a learned slope per input element (shared along `shared_axes`)."""

    name = "PReLU"
    supports_masking = True
    params = (
        P("alpha_initializer", initializer_, "Zeros"),
        P("alpha_regularizer", regularizer_, None),
        P("alpha_constraint", constraint_, None),
        P("shared_axes", optional(axis_), None),
    )

    @staticmethod
    def _shared(a) -> tuple:
        s = a.shared_axes
        return () if s is None else (s,) if is_int(s) else tuple(s)

    def infer(self, a, inputs):
        (x,) = inputs
        need_min_rank(x, 2, "PReLU")
        for ax in self._shared(a):
            if not 1 <= ax < x.rank:
                raise ShapeError(
                    f"PReLU: shared axis {ax} is out of range for a {x.rank}D input {x} "
                    f"(use 1..{x.rank - 1}; axis 0 is the batch)",
                    code="argument-value",
                    arg="shared_axes",
                )
        for i, d in enumerate(x.shape, start=1):
            if d is None and i not in self._shared(a):
                raise ShapeError(
                    f"PReLU needs a known size on axis {i} to create alpha, got shape {x}",
                    input_index=0,
                    hint=f"share that axis: shared_axes=[{i}]",
                )
        return [TensorType(x.shape, layer_dtype(a))]

    def weights(self, a, inputs):
        shape = list(inputs[0].shape)
        for ax in self._shared(a):
            shape[ax - 1] = 1
        return [Weight("alpha", tuple(shape))]


@register
class ELU(_SameShape):
    name = "ELU"
    params = (P("alpha", float_(), 1.0),)


@register
class Softmax(Op):
    name = "Softmax"
    params = (P("axis", axis_, -1),)
    call_tensors = ("mask",)
    supports_masking = True

    def check_call_tensors(self, a, inputs, given):
        m = given.get("mask")
        if m is not None:
            self.check_masks_in(a, inputs, {"mask": m})

    def check_masks_in(self, a, inputs, masks):
        """Keras's Softmax.call: the mask must broadcast to the input (right-aligned, each axis 1 or
        equal); Keras checks it only when it runs the model."""
        m, x = masks.get("mask"), inputs[0]
        if m is None:
            return
        bad = len(m.shape) > len(x.shape) or any(
            p is not None and q is not None and p not in (1, q) for p, q in zip(m.shape[::-1], x.shape[::-1])
        )
        if (
            bad
            or getattr(m, "dtype", "bool") not in ("bool",)
            and not str(m.dtype).startswith(("int", "float"))
        ):
            raise ShapeError(
                f"Softmax: its mask {TensorType(tuple(m.shape), 'bool')} does not broadcast to its input {x} "
                "(Keras fails when it runs the model)",
                arg="mask",
                hint="a mask of (batch, timesteps) fits a Softmax over (batch, timesteps); apply the "
                "softmax as a Dense activation, or drop the mask before it",
            )

    @staticmethod
    def _axes(a):
        return (a.axis,) if is_int(a.axis) else tuple(a.axis)

    def infer(self, a, inputs):
        (x,) = inputs
        for ax in self._axes(a):
            if not -x.rank <= ax < x.rank:
                raise ShapeError(
                    f"Softmax: axis {ax} is out of range for the {x.rank}D input {x}",
                    code="argument-value",
                    arg="axis",
                    hint=f"use an axis in -{x.rank}..{x.rank - 1}",
                )
        return [TensorType(x.shape, layer_dtype(a))]

    def warnings(self, a, inputs, outputs):
        x = outputs[0]
        axes = [norm_axis(ax, x.rank, "Softmax") for ax in self._axes(a)]
        if axes and all(ax > 0 and x.shape[ax - 1] == 1 for ax in axes):
            return [
                (
                    f"Softmax over an axis of size 1 always outputs 1.0 (shape {x}), so nothing before it "
                    "can learn",
                    'use Activation("sigmoid") for a single probability, or softmax another axis',
                )
            ]
        return []


# --------------------------------------------------------- dropout & noise
def noise_shape_(v):
    if v is None:
        return None
    if not isinstance(v, (tuple, list)):
        raise type_error("a tuple of ints or None", v)
    for d in v:
        if d is not None and (not is_int(d) or d <= 0):
            raise ArgError(f"noise_shape sizes must be positive ints or None, got `{tuple(v)!r}`")
    return tuple(v)


noise_shape_.doc = "shape with batch axis"


def _rate_warning(layer: str, rate: float) -> list:
    if rate >= 1.0:
        return [
            (
                f"{layer}(rate=1.0) zeroes every value during training, so nothing before it can learn",
                "use a rate below 1, e.g. 0.5",
            )
        ]
    return []


@register
class Dropout(_SameShape):
    name = "Dropout"
    call_options = (TRAINING,)
    params = (
        P("rate", float_(0, 1)),
        P("noise_shape", noise_shape_, None),
        P("seed", seed_, None),
    )

    def infer(self, a, inputs):
        (x,) = inputs
        ns = a.noise_shape
        if ns is not None:
            full = (None,) + tuple(x.shape)
            if len(ns) > len(full) or any(
                n is not None and n != 1 and d is not None and n != d
                for n, d in zip(reversed(ns), reversed(full))
            ):
                raise ShapeError(
                    f"Dropout noise_shape {ns} does not broadcast to the input shape {x}",
                    code="argument-value",
                    arg="noise_shape",
                    hint="noise_shape includes the batch axis; use 1 on the axes to share the mask",
                )
        return super().infer(a, inputs)

    def warnings(self, a, inputs, outputs):
        return _rate_warning("Dropout", a.rate)


class _SpatialDropout(_SameShape):
    call_options = (TRAINING,)
    rank = 0
    what = ""

    @classmethod
    def validate(cls, a):
        # Keras's SpatialDropout constructors take only (rate, [data_format,] seed, name, dtype)
        if "trainable" in a:
            raise ArgError(
                f"{cls.name} has no argument `trainable`", arg="trainable", code="unknown-argument"
            )

    def infer(self, a, inputs):
        need_rank(inputs[0], self.rank, self.name, self.what)
        return super().infer(a, inputs)

    def warnings(self, a, inputs, outputs):
        return _rate_warning(self.name, a.rate)


@register
class SpatialDropout1D(_SpatialDropout):
    name = "SpatialDropout1D"
    rank, what = 3, "(batch, steps, channels)"
    params = (P("rate", float_(0, 1)), P("seed", seed_, None))


@register
class SpatialDropout2D(_SpatialDropout):
    name = "SpatialDropout2D"
    rank, what = 4, "(batch, height, width, channels)"
    params = (P("rate", float_(0, 1)), P("data_format", data_format_, None), P("seed", seed_, None))


@register
class GaussianNoise(_SameShape):
    name = "GaussianNoise"
    call_options = (TRAINING,)
    params = (P("stddev", float_(0, 1)), P("seed", seed_, None))


# --------------------------------------------------------------- Embedding
@register
class Embedding(Op):
    """Embedding(input_dim, output_dim): integer ids -> vectors (appends an axis)."""

    name = "Embedding"
    params = (
        P("input_dim", int_(1)),
        P("output_dim", int_(1)),
        P("embeddings_initializer", initializer_, "uniform"),
        P("embeddings_regularizer", regularizer_, None),
        P("embeddings_constraint", constraint_, None),
        P("mask_zero", bool_, False),
        P("weights", none_only("weights"), None),
        P("lora_rank", optional(int_(1)), None),
        P("lora_alpha", optional(float_(0)), None),
        P("quantization_config", none_only("quantization_config"), None),
        P("input_length", optional(int_(1)), None, positional=False),  # Keras 2, ignored (deprecated)
    )

    def infer(self, a, inputs):
        (x,) = inputs
        return [TensorType(tuple(x.shape) + (a.output_dim,), layer_dtype(a))]

    def weights(self, a, inputs):
        return _lora_weights(
            Weight("embeddings", (a.input_dim, a.output_dim)), a.lora_rank, a.output_dim, "lora_embeddings"
        )

    def masking(self, a):
        return bool(a.mask_zero)  # Keras: supports_masking = mask_zero

    def compute_mask(self, a, inputs, mask):
        return [Mask("zero", tuple(inputs[0].shape)) if a.mask_zero else None]

    def warnings(self, a, inputs, outputs):
        if is_float_dtype(inputs[0].dtype):
            return [
                (
                    f"Embedding is fed a {inputs[0].dtype} input {inputs[0]}; it takes integer token ids "
                    "(floats are truncated to ints, and no gradient flows into them)",
                    'declare the input with dtype="int32", e.g. Input(shape=(None,), dtype="int32")',
                )
            ]
        return []


# --------------------------------------------------------------- Rescaling
@register
class Rescaling(_SameShape):
    """Rescaling(scale, offset=0.0): x * scale + offset (outputs floats)."""

    name = "Rescaling"
    params = (P("scale", number_or_list), P("offset", number_or_list, 0.0))

    def infer(self, a, inputs):
        (x,) = inputs
        for v, arg in ((a.scale, "scale"), (a.offset, "offset")):
            if isinstance(v, tuple) and len(v) != 1 and (not x.shape or x.shape[-1] not in (None, len(v))):
                raise ShapeError(
                    f"Rescaling: {arg} has {len(v)} values but the input's last axis is "
                    f"{x.shape[-1] if x.shape else 'the batch'} (shape {x})",
                    code="argument-value",
                    arg=arg,
                )
        return [TensorType(x.shape, layer_dtype(a))]


# ------------------------------------------------- more regularization layers
@register
class AlphaDropout(Dropout):
    """AlphaDropout(rate): dropout that keeps the mean and variance of SELU activations."""

    name = "AlphaDropout"
    params = (P("rate", float_(0, 1)), P("noise_shape", noise_shape_, None), P("seed", seed_, None))

    def warnings(self, a, inputs, outputs):
        return _rate_warning("AlphaDropout", a.rate)


@register
class GaussianDropout(_SameShape):
    """GaussianDropout(rate): multiplies by 1-centered Gaussian noise of stddev sqrt(rate / (1 - rate))."""

    name = "GaussianDropout"
    call_options = (TRAINING,)
    params = (P("rate", float_(0, 1)), P("seed", seed_, None))


@register
class SpatialDropout3D(_SpatialDropout):
    name = "SpatialDropout3D"
    rank, what = 5, "(batch, depth, height, width, channels)"
    params = (P("rate", float_(0, 1)), P("data_format", data_format_, None), P("seed", seed_, None))


@register
class ActivityRegularization(_SameShape):
    """ActivityRegularization(l1=0.0, l2=0.0): identity that adds l1/l2 penalties of its input to the loss."""

    name = "ActivityRegularization"
    params = (P("l1", float_(0), 0.0), P("l2", float_(0), 0.0))


@register
class Masking(_SameShape):
    """Masking(mask_value=0.0): marks timesteps whose features all equal mask_value as padding."""

    name = "Masking"
    params = (P("mask_value", float_(), 0.0),)

    def infer(self, a, inputs):
        (x,) = inputs
        need_min_rank(x, 2, "Masking")
        return [TensorType(x.shape, layer_dtype(a))]

    def compute_mask(self, a, inputs, mask):
        return [Mask("value", tuple(inputs[0].shape[:-1]), arg=a.mask_value)]


# --------------------------------------------------------------- EinsumDense
def equation_(v):
    if not isinstance(v, str):
        raise type_error('an einsum equation such as "ab,bc->ac"', v)
    return v


equation_.doc = "einsum equation"


def partial_shape_(v):
    """EinsumDense's output_shape: an int or a tuple of ints and None (no batch axis)."""
    if is_int(v):
        return (v,)
    if isinstance(v, (tuple, list)) and all(d is None or (is_int(d) and d > 0) for d in v):
        return tuple(v)
    raise type_error("an int or a tuple of positive ints and None", v)


partial_shape_.doc = "int or shape"


def bias_axes_(v):
    if v is None or isinstance(v, str):
        return v
    raise type_error('a string of output letters such as "c", or None', v)


bias_axes_.doc = "letters or None"


def einsum_shapes(layer: str, equation: str, bias_axes, input_shape: tuple, partial: tuple):
    """Keras's _analyze_einsum_string (keras/src/layers/core/einsum_dense.py): the kernel shape,
    the bias shape (or None) and the full output shape, for `input_shape` WITH the batch axis.
    Raises ShapeError where Keras raises ValueError."""
    import re

    def err(msg, **kw):
        return ShapeError(f"{layer}: {msg}", **kw)

    dot = re.sub(r"\.\.\.", "0", equation)
    left = False
    m = re.match("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", dot)
    if not m:
        m = re.match("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", dot)
        left = bool(m)
    if not m:
        m = re.match("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", dot)
    if not m:
        raise err(
            f'invalid equation "{equation}"; equations look like "ab,bc->ac", "...b,bc->...c" or "ab...,bc->ac..."',
            code="argument-value",
            arg="equation",
        )
    ins, ws, outs = m.group(1), m.group(2), m.group(3)
    elided = len(input_shape) - len(ins)
    if elided < 0 or (elided > 0 and "0" not in dot):
        raise err(
            f'the equation "{equation}" names {len(ins)} input axes (batch included) but the input '
            f"has {len(input_shape)}",
            code="rank-mismatch",
            input_index=0,
        )
    out = [input_shape[0], *partial]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        for i in range(len(input_shape) - elided, len(input_shape)):
            out.append(input_shape[i])
    if left:
        in_map = {d: (i + elided) - len(input_shape) for i, d in enumerate(ins)}
        out_map = {d: i + elided for i, d in enumerate(outs)}
    else:
        in_map = {d: i for i, d in enumerate(ins)}
        out_map = {d: i for i, d in enumerate(outs)}
    if max(out_map.values(), default=-1) >= len(out):
        raise err(
            f'output_shape {partial!r} has fewer axes than the equation\'s output "{outs}" needs',
            code="argument-value",
            arg="output_shape",
        )
    for d in ins:
        if d in out_map:
            o, i = out[out_map[d]], input_shape[in_map[d]]
            if o is not None and o != i:
                raise err(
                    f"the input and output_shape disagree on the shared axis '{d}': {i} in the input, "
                    f"{o} in output_shape",
                    input_index=0,
                )
    for d in outs:
        if d not in ins and d not in ws:
            raise err(
                f"output axis '{d}' is neither an input axis nor a weight axis",
                code="argument-value",
                arg="equation",
            )
    kernel = []
    for d in ws:
        if d in out_map:
            kernel.append(out[out_map[d]])
        elif d in in_map:
            kernel.append(input_shape[in_map[d]])
        else:
            raise err(
                f"weight axis '{d}' is neither an input nor an output axis",
                code="argument-value",
                arg="equation",
            )
    bias = None
    if bias_axes is not None:
        n_left = elided if left else 0
        idx = {c: out[i + n_left] for i, c in enumerate(outs)}
        for c in bias_axes:
            if c not in outs:
                raise err(
                    f"bias axis '{c}' is not an output axis of \"{outs}\"",
                    code="argument-value",
                    arg="bias_axes",
                )
        first = min(outs.find(c) for c in bias_axes)
        bias = [idx[c] if c in bias_axes else 1 for c in outs[first:]]
        if not left:
            bias += [1] * max(elided, 0)
    return kernel, bias, out


@register
class EinsumDense(Op):
    """EinsumDense(equation, output_shape): a dense layer written as an einsum, e.g. "abc,cd->abd"."""

    name = "EinsumDense"
    call_options = (TRAINING,)
    params = (
        P("equation", equation_),
        P("output_shape", partial_shape_),
        P("activation", activation_, None),
        P("bias_axes", bias_axes_, None),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("lora_rank", optional(int_(1)), None),
        P("lora_alpha", optional(float_(0)), None),
        P("gptq_unpacked_column_size", none_only("gptq_unpacked_column_size"), None),
        P("quantization_config", none_only("quantization_config"), None),
    )

    @classmethod
    def validate(cls, a):
        if a.get("lora_rank") and a.get("kernel_constraint"):
            raise ArgError(
                "EinsumDense: LoRA (lora_rank) cannot be combined with kernel_constraint", arg="lora_rank"
            )

    def _shapes(self, a, x):
        return einsum_shapes("EinsumDense", a.equation, a.bias_axes, (None,) + tuple(x.shape), a.output_shape)

    def infer(self, a, inputs):
        (x,) = inputs
        kernel, _, out = self._shapes(a, x)
        if None in kernel:
            raise ShapeError(
                f"EinsumDense needs known sizes for its kernel {tuple(kernel)!r} (from the input {x} and "
                f"output_shape {a.output_shape!r})",
                input_index=0,
                hint="give the sizes in Input(shape=...) or in output_shape",
            )
        return [TensorType(tuple(out[1:]), layer_dtype(a))]

    def weights(self, a, inputs):
        kernel, bias, _ = self._shapes(a, inputs[0])
        k = Weight("kernel", tuple(kernel))
        w = [k]
        if bias is not None:
            w.append(Weight("bias", tuple(bias)))
        if a.lora_rank:
            w[0] = Weight("kernel", k.shape, False)
            w += [
                Weight("lora_kernel_a", tuple(kernel[:-1]) + (a.lora_rank,)),
                Weight("lora_kernel_b", (a.lora_rank, kernel[-1])),
            ]
        return w

    def warnings(self, a, inputs, outputs):
        return softmax_warning("EinsumDense", a.activation, outputs[0])


# ------------------------------------------------------- ReversibleEmbedding
@register
class ReversibleEmbedding(Embedding):
    """ReversibleEmbedding(input_dim, output_dim): an Embedding that, applied with reverse=true, maps
    vectors back to logits over the vocabulary (with the transposed, or its own, matrix)."""

    name = "ReversibleEmbedding"
    params = (
        P("input_dim", int_(1)),
        P("output_dim", int_(1)),
        P("tie_weights", bool_, True),
        P("embeddings_initializer", initializer_, "uniform"),
        P("embeddings_regularizer", regularizer_, None),
        P("embeddings_constraint", constraint_, None),
        P("mask_zero", bool_, False),
        P("reverse_dtype", dtype_, None),
        P("logit_soft_cap", optional(float_(0, min_open=True)), None),
        P("lora_rank", optional(int_(1)), None, positional=False),
        P("lora_alpha", optional(float_(0)), None, positional=False),
    )
    call_options = (P("reverse", bool_, False),)

    def compute_mask(self, a, inputs, mask):
        # Keras sets the mask in call (forward only); reverse=true gives none
        return [None] if self.call_option(a, "reverse") else super().compute_mask(a, inputs, mask)

    def infer(self, a, inputs):
        (x,) = inputs
        if not self.call_option(a, "reverse"):
            return super().infer(a, inputs)
        need_min_rank(x, 2, "ReversibleEmbedding(reverse=true)")
        if x.shape[-1] is not None and x.shape[-1] != a.output_dim:
            raise ShapeError(
                f"ReversibleEmbedding(reverse=true) maps vectors of size output_dim={a.output_dim} back to "
                f"logits, got shape {x}",
                input_index=0,
            )
        return [TensorType(tuple(x.shape[:-1]) + (a.input_dim,), layer_dtype(a))]

    def weights(self, a, inputs):
        w = _lora_weights(
            Weight("embeddings", (a.input_dim, a.output_dim)), a.lora_rank, a.output_dim, "lora_embeddings"
        )
        if not a.tie_weights:
            w.append(Weight("reverse_embeddings", (a.output_dim, a.input_dim)))
        return w

    def warnings(self, a, inputs, outputs):
        if self.call_option(a, "reverse"):
            return []
        return super().warnings(a, inputs, outputs)
