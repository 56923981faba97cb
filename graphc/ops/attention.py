"""Attention layers: MultiHeadAttention and GroupQueryAttention, called as `mha(query, value)` or
`mha(query, value, key)`; Attention and AdditiveAttention, called on a list `[query, value(, key)]`.
All take the call option `return_attention_scores=true` (a second output, the scores).

Weights are Keras's EinsumDense sub-layers: query/key/value (and gate with use_gate) kernels
(features, num_heads, key_dim|value_dim) with (num_heads, dim) biases, and attention_output
(num_heads, value_dim, *output_shape) with an output_shape bias.
"""

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
    check_num_inputs,
    choice,
    constraint_,
    float_,
    initializer_,
    int_,
    is_int,
    layer_dtype,
    optional,
    register,
    regularizer_,
    seed_,
    type_error,
)
from graphc.types import TensorType, Weight


def output_shape_(v):
    if v is None:
        return None
    if is_int(v):
        v = (v,)
    if not isinstance(v, (tuple, list)) or not all(is_int(d) and d > 0 for d in v):
        raise type_error("an int or a tuple of positive ints", v)
    return tuple(v) or None


output_shape_.doc = "int or shape"


_CALL_OPTIONS = (
    P("return_attention_scores", bool_, False),
    TRAINING,
    P("use_causal_mask", bool_, False),
)


def _check_attention_mask(layer, m, q, v):
    if m.dtype == "bool" or m.dtype.startswith("int") or m.dtype.startswith("uint"):
        pass
    else:
        raise ShapeError(
            f"{layer}: `attention_mask` must be a bool tensor (True = attend), got dtype {m.dtype}",
            code="argument-type",
            arg="attention_mask",
        )
    want = (q.shape[0], v.shape[0])
    if len(m.shape) != 2 or any(p is not None and w is not None and p != w for p, w in zip(m.shape, want)):
        raise ShapeError(
            f"{layer}: `attention_mask` must have the shape {TensorType(want)} (batch, query steps, "
            f"value steps), got {m}",
            arg="attention_mask",
        )


@register
class MultiHeadAttention(Op):
    """MultiHeadAttention(num_heads, key_dim): inputs [query, value] or [query, value, key]."""

    name = "MultiHeadAttention"
    # applied as mha(query, value[, key]) or with keywords, as in Keras
    call_params = ("query", "value", "key")
    required_call_params = ("query", "value")
    min_inputs, max_inputs = 2, 3
    params = (
        P("num_heads", int_(1)),
        P("key_dim", int_(1)),
        P("value_dim", optional(int_(1)), None),
        P("dropout", float_(0, 1), 0.0),
        P("use_bias", bool_, True),
        P("output_shape", output_shape_, None),
        P("attention_axes", optional(axis_), None),
        P("sliding_window", optional(int_(1)), None),
        P("flash_attention", optional(bool_), None),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("use_gate", bool_, False),
        P("seed", seed_, None),
    )
    call_options = _CALL_OPTIONS
    call_tensors = ("query_mask", "value_mask", "key_mask", "attention_mask")
    supports_masking = True  # the output gets the query's mask

    def check_call_tensors(self, a, inputs, given):
        q, v, k = self._qvk(inputs)
        if given.get("query_mask") is not None and self.name == "MultiHeadAttention":
            # keras/src/layers/attention/multi_head_attention.py: query_mask = get_keras_mask(query)
            raise ArgError(
                "MultiHeadAttention ignores `query_mask=`: Keras reads the query's own mask instead",
                arg="query_mask",
                code="argument-value",
                hint="give the query a mask (Embedding(mask_zero=true), Masking), or use attention_mask=",
            )
        for name, x in (("query_mask", q), ("value_mask", v), ("key_mask", k)):
            if given.get(name) is not None:
                check_mask(self.name, given[name], x, name)
        if given.get("attention_mask") is not None and q.rank == 3:
            _check_attention_mask(self.name, given["attention_mask"], q, v)

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.flash_attention and a.dropout > 0:
            raise ArgError(
                f"{cls.name}: dropout is not supported with flash_attention=true",
                arg="dropout",
                hint="set dropout=0.0, or drop flash_attention",
            )

    def num_outputs(self, a):
        return 2 if self.call_option(a, "return_attention_scores") else 1

    @staticmethod
    def _qvk(inputs):
        check_num_inputs(inputs, "MultiHeadAttention", 2, 3)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) == 3 else v
        return q, v, k

    def infer(self, a, inputs):
        q, v, k = self._qvk(inputs)
        names = ("query", "value", "key")
        for i, x in enumerate((q, v, k)):
            if x.rank < 3:
                raise ShapeError(
                    f"MultiHeadAttention expects a {names[i]} of rank >= 3 (batch, ..., features), "
                    f"got shape {x} ({x.rank}D)",
                    code="rank-mismatch",
                    input_index=i,
                    hint="attention runs over a sequence: (batch, timesteps, features)",
                )
            if x.shape[-1] is None:
                raise ShapeError(
                    f"MultiHeadAttention needs a known feature size (last axis) for the "
                    f"{names[i]}, got shape {x}",
                    input_index=i,
                    hint="give the size in Input(shape=...)",
                )
        if v.rank != q.rank:
            raise ShapeError(
                f"MultiHeadAttention: query {q} and value {v} must have the same rank",
                code="rank-mismatch",
                input_index=1,
            )
        if v.shape[:-1] != k.shape[:-1]:
            raise ShapeError(
                f"MultiHeadAttention: value {v} and key {k} must be equal on every axis but the last",
                input_index=2,
            )
        if a.attention_axes is not None:
            axes = (a.attention_axes,) if is_int(a.attention_axes) else a.attention_axes
            for ax in axes:
                n = ax if ax >= 0 else v.rank + ax
                if not 1 <= n <= v.rank - 2:
                    raise ShapeError(
                        f"MultiHeadAttention: attention axis {ax} is not one of the value's "
                        f"sequence axes (1..{v.rank - 2}) for shape {v}",
                        code="argument-value",
                        arg="attention_axes",
                    )
        out = a.output_shape or (q.shape[-1],)
        y = TensorType(tuple(q.shape[:-1]) + tuple(out), layer_dtype(a))
        if not self.call_option(a, "return_attention_scores"):
            return [y]
        # Keras's symbolic scores shape is (batch, heads, Tq, Tq): compute_output_spec uses the
        # query length twice (keras/src/layers/attention/multi_head_attention.py)
        return [y, TensorType((a.num_heads, q.shape[0], q.shape[0]), layer_dtype(a))]

    def weights(self, a, inputs):
        q, v, k = self._qvk(inputs)
        h, kd = a.num_heads, a.key_dim
        vd = a.value_dim or kd
        out = tuple(a.output_shape or (q.shape[-1],))
        dense = [("query", q.shape[-1], kd), ("key", k.shape[-1], kd)]
        if a.use_gate:
            dense.append(("gate", q.shape[-1], vd))
        dense.append(("value", v.shape[-1], vd))
        w = []
        for name, n_in, d in dense:
            w.append(Weight(f"{name}/kernel", (n_in, h, d)))
            if a.use_bias:
                w.append(Weight(f"{name}/bias", (h, d)))
        w.append(Weight("attention_output/kernel", (h, vd) + out))
        if a.use_bias:
            w.append(Weight("attention_output/bias", out))
        return w


# ------------------------------------------------------- GroupQueryAttention
@register
class GroupQueryAttention(MultiHeadAttention):
    """GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads): attention whose key/value
    heads are shared by groups of query heads.  Keras's class is GroupedQueryAttention, exported
    as keras.layers.GroupQueryAttention."""

    name = "GroupQueryAttention"
    params = (
        P("head_dim", int_(1)),
        P("num_query_heads", int_(1)),
        P("num_key_value_heads", int_(1)),
        P("dropout", float_(0, 1), 0.0),
        P("use_bias", bool_, True),
        P("sliding_window", optional(int_(1)), None),
        P("flash_attention", optional(bool_), None),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("bias_initializer", initializer_, "zeros"),
        P("kernel_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("use_gate", bool_, False),
        P("seed", seed_, None),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.num_query_heads % a.num_key_value_heads:
            raise ArgError(
                f"GroupQueryAttention: num_query_heads ({a.num_query_heads}) must be divisible by "
                f"num_key_value_heads ({a.num_key_value_heads})",
                arg="num_key_value_heads",
            )
        super().validate(given)

    def infer(self, a, inputs):
        q, v, k = self._qvk(inputs)
        names = ("query", "value", "key")
        for i, x in enumerate((q, v, k)):
            if x.rank != 3:
                raise ShapeError(
                    f"GroupQueryAttention expects a 3D {names[i]} (batch, timesteps, features), "
                    f"got shape {x} ({x.rank}D)",
                    code="rank-mismatch",
                    input_index=i,
                )
            if x.shape[-1] is None:
                raise ShapeError(
                    f"GroupQueryAttention needs a known feature size (last axis) for the {names[i]}, "
                    f"got shape {x}",
                    input_index=i,
                    hint="give the size in Input(shape=...)",
                )
        if q.shape[-1] != v.shape[-1]:
            raise ShapeError(
                f"GroupQueryAttention: the query {q} and the value {v} must have the same feature size "
                "(last axis)",
                input_index=1,
            )
        if v.shape[:-1] != k.shape[:-1]:
            raise ShapeError(
                f"GroupQueryAttention: value {v} and key {k} must be equal on every axis but the last",
                input_index=2,
            )
        dt = layer_dtype(a)
        y = TensorType(q.shape, dt)
        if not self.call_option(a, "return_attention_scores"):
            return [y]
        return [y, TensorType((a.num_query_heads, q.shape[0], k.shape[0]), dt)]

    def weights(self, a, inputs):
        q, v, k = self._qvk(inputs)
        hq, hkv, d = a.num_query_heads, a.num_key_value_heads, a.head_dim
        dense = [("query", q.shape[-1], hq), ("key", k.shape[-1], hkv)]
        if a.use_gate:
            dense.append(("gate", q.shape[-1], hq))
        dense.append(("value", v.shape[-1], hkv))
        w = []
        for name, n_in, h in dense:
            w.append(Weight(f"{name}/kernel", (n_in, h, d)))
            if a.use_bias:
                w.append(Weight(f"{name}/bias", (h, d)))
        w.append(Weight("attention_output/kernel", (hq, d, q.shape[-1])))
        if a.use_bias:
            w.append(Weight("attention_output/bias", (q.shape[-1],)))
        return w


# ------------------------------------------------- Attention, AdditiveAttention
class _ListAttention(Op):
    """Luong (dot/concat) or Bahdanau (additive) attention over [query, value(, key)]:
    query (batch, Tq, dim), value (batch, Tv, dim_v), key (batch, Tv, dim) -> (batch, Tq, dim_v)."""

    takes_list = True
    min_inputs, max_inputs = 2, 3
    call_options = _CALL_OPTIONS
    call_tensors = ("mask",)  # [query_mask, value_mask]
    supports_masking = True

    def compute_mask(self, a, inputs, mask):
        # keras/src/layers/attention/attention.py compute_mask: the query's mask
        m = mask[0] if isinstance(mask, (list, tuple)) and mask else None
        return [m] + [None] * (self.num_outputs(a) - 1)

    def check_call_tensors(self, a, inputs, given):
        m = given.get("mask")
        if m is None:
            return
        if not isinstance(m, list) or not 2 <= len(m) <= 3:
            raise ShapeError(
                f"{self.name}: `mask` is a list [query_mask, value_mask], got "
                + (f"{len(m)} masks" if isinstance(m, list) else "one tensor"),
                code="type-error",
                arg="mask",
                hint="e.g. mask=[query_mask, value_mask]; None for an unmasked input",
            )
        for mm, x in zip(m, inputs):
            if mm is not None:
                check_mask(self.name, mm, x, "mask")

    def num_outputs(self, a):
        return 2 if self.call_option(a, "return_attention_scores") else 1

    def infer(self, a, inputs):
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) == 3 else v
        names = ("query", "value", "key")
        for i, x in enumerate((q, v, k)):
            if x.rank < 3:
                raise ShapeError(
                    f"{self.name} expects a {names[i]} of rank >= 3 (batch, timesteps, features), got shape "
                    f"{x} ({x.rank}D)",
                    code="rank-mismatch",
                    input_index=min(i, len(inputs) - 1),
                )
        kq = len(inputs) - 1
        if None not in (q.shape[-1], k.shape[-1]) and q.shape[-1] != k.shape[-1]:
            raise ShapeError(
                f"{self.name} compares the query {q} with the {names[kq]} {inputs[kq]}: their feature sizes "
                "(last axis) must be equal",
                input_index=kq,
                hint="project one of them with a Dense first",
            )
        if None not in (v.shape[-2], k.shape[-2]) and v.shape[-2] != k.shape[-2]:
            raise ShapeError(
                f"{self.name}: the value {v} and the key {k} must have the same number of timesteps",
                input_index=2,
            )
        dt = layer_dtype(a)
        y = TensorType(tuple(q.shape[:-1]) + (v.shape[-1],), dt)
        if not self.call_option(a, "return_attention_scores"):
            return [y]
        return [y, TensorType(tuple(q.shape[:-1]) + (k.shape[-2],), dt)]


@register
class Attention(_ListAttention):
    """Attention(use_scale=False, score_mode="dot"): dot-product (Luong) attention, on [query, value(, key)]."""

    name = "Attention"
    params = (
        P("use_scale", bool_, False),
        P("score_mode", choice("dot", "concat", lower=False), "dot"),
        P("dropout", float_(0, 1), 0.0),
        P("seed", seed_, None),
    )

    def weights(self, a, inputs):
        w = []
        if a.use_scale:
            w.append(Weight("scale", ()))
        if a.score_mode == "concat":
            w.append(Weight("concat_score_weight", ()))
        return w


@register
class AdditiveAttention(_ListAttention):
    """AdditiveAttention(use_scale=True): additive (Bahdanau) attention, on [query, value(, key)]."""

    name = "AdditiveAttention"
    params = (
        P("use_scale", bool_, True),
        P("dropout", float_(0, 1), 0.0),
        P("seed", seed_, None, positional=False),
    )

    def infer(self, a, inputs):
        outs = super().infer(a, inputs)
        if a.use_scale and inputs[0].shape[-1] is None:
            raise ShapeError(
                f"AdditiveAttention(use_scale=true) needs a known query feature size, got shape {inputs[0]}",
                input_index=0,
                hint="give the size in Input(shape=...)",
            )
        return outs

    def weights(self, a, inputs):
        return [Weight("scale", (inputs[0].shape[-1],))] if a.use_scale else []
