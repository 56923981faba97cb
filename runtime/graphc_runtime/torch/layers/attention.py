"""Keras attention layers in PyTorch (runtime/LAYERS.md).  Tensors keep Keras's layout
(features last): (N, T, F), or (N, ..., F) where Keras allows more axes.

Classes (inferred sizes first):

- `EinsumDense(input_shape, equation, output_shape, ...)`: `input_shape` is the input's shape
  without the batch axis (None where unknown and not used by the kernel).  Keras's kernel and
  bias shapes, its fans for VarianceScaling initializers (the equation's input/output axes).
- `MultiHeadAttention(query_dim, value_dim_in, key_dim_in, num_heads, key_dim, ...)`: the
  feature sizes of the query, value and key inputs (key_dim_in = value_dim_in when no key is
  passed).  Keras's weights: query/key/value kernels (dim, heads, key_dim|value_dim) with
  (heads, dim) biases, gate (use_gate), attention_output (heads, value_dim, *output_shape),
  in that get_weights() order (query, key, gate, value, attention_output).
  `forward(query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
  attention_mask=None, return_attention_scores=False, use_causal_mask=False)`; masks are
  bool, True = attend / keep.  Any rank and attention_axes (the einsum equations are Keras's).
- `GroupQueryAttention(query_dim, value_dim_in, key_dim_in, head_dim, num_query_heads,
  num_key_value_heads, ...)` (Keras's GroupedQueryAttention), same call.
- `Attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None)` and
  `AdditiveAttention(query_dim, use_scale=True, dropout=0.0)`:
  `forward(inputs, mask=None, return_attention_scores=False, use_causal_mask=False)` on
  `[query, value]` or `[query, value, key]`, `mask` = `[query_mask, value_mask]`.

Semantics are Keras's on the TensorFlow backend, including two behaviours that depend on the
call: MultiHeadAttention/GroupQueryAttention take Keras's fused path (masked logits at
-0.7 * 3.38953e38, so a query row with every key masked averages the values uniformly) when
dropout == 0, no scores are returned and the inputs are (N, T, F); otherwise Keras's explicit
path (its Softmax layer: -1e9, then zeros where masked, so such a row gives zeros).  Attention
subtracts 1e9 from masked scores (a fully masked row gets the softmax of its unmasked scores);
its returned scores are after dropout, MultiHeadAttention's before.  Dropout draws from torch's
RNG (`seed` is accepted).

Not supported (NotImplementedError at construction): flash_attention=True (TensorFlow has no
flash attention: Keras raises), EinsumDense's lora_rank (LoRA weights) and quantization.
activity_regularizer: MultiHeadAttention/GroupQueryAttention pass it to their projections, as
Keras, so the penalty is of each projection's output.
"""

from __future__ import annotations

import math
import re
import string

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from graphc_runtime.torch.layers.base import Layer, penalty
from graphc_runtime.torch.layers.base import activation as activation_fn
from graphc_runtime.torch.layers.recurrent import KerasViews, check_specs, draw

__all__ = ["EinsumDense", "MultiHeadAttention", "GroupQueryAttention", "Attention", "AdditiveAttention"]


def _set(param, value):
    with torch.no_grad():
        param.copy_(value)


def _is_variance_scaling(spec) -> bool:
    name = spec.lower().replace("_", "") if isinstance(spec, str) else str(spec.get("class_name", "")).lower()
    return name in (
        "variancescaling",
        "glorotuniform",
        "glorotnormal",
        "heuniform",
        "henormal",
        "lecununiform",
        "lecunnormal",
    )


def _kernel_fans(spec, shape, input_axes, output_axes):
    """Keras's fans for an EinsumDense kernel: a VarianceScaling initializer gets the
    equation's input/output axes (unless its config names its own)."""
    cfg = spec.get("config", {}) if isinstance(spec, dict) else {}
    ia, oa = cfg.get("input_axes"), cfg.get("output_axes")
    if ia is None or oa is None:
        if not _is_variance_scaling(spec):
            return None
        ia, oa = input_axes, output_axes
    return int(np.prod([shape[a] for a in ia])), int(np.prod([shape[a] for a in oa]))


# ------------------------------------------------------------------ EinsumDense
def analyze_einsum(equation, bias_axes, input_shape, output_shape):
    """Keras's _analyze_einsum_string: (kernel shape, bias shape or None, full output shape,
    kernel input axes, kernel output axes); input_shape includes the batch axis."""
    dot = re.sub(r"\.\.\.", "0", equation)
    for pattern, left in (
        ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
        ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
        ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
    ):
        m = re.match(pattern, dot)
        if m:
            return _analyze_split(m, bias_axes, input_shape, output_shape, left)
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze_split(split, bias_axes, input_shape, output_shape, left_elided):
    input_spec, weight_spec, output_spec = split.group(1), split.group(2), split.group(3)
    elided = len(input_shape) - len(input_spec)
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output_shape.insert(1, input_shape[i])
    elif elided > 0 and not left_elided:
        for i in range(len(input_shape) - elided, len(input_shape)):
            output_shape.append(input_shape[i])
    if left_elided:
        input_dim_map = {d: (i + elided) - len(input_shape) for i, d in enumerate(input_spec)}
        output_dim_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_dim_map = {d: i for i, d in enumerate(input_spec)}
        output_dim_map = {d: i for i, d in enumerate(output_spec)}
    for d in input_spec:
        n = input_shape[input_dim_map[d]]
        if d in output_dim_map:
            o = output_shape[output_dim_map[d]]
            if o is not None and o != n:
                raise ValueError(
                    f"EinsumDense: input and output shapes differ at the shared dimension '{d}' ({n} vs {o})"
                )
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ValueError(
                f"EinsumDense: output dimension '{d}' is in neither the input nor the weight spec"
            )
    weight_shape, input_axes, output_axes = [], [], []
    for i, d in enumerate(weight_spec):
        if d in output_dim_map:
            weight_shape.append(output_shape[output_dim_map[d]])
            output_axes.append(i)
        elif d in input_dim_map:
            weight_shape.append(input_shape[input_dim_map[d]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense: weight dimension '{d}' is in neither the input nor the output spec"
            )
    if None in weight_shape:
        raise ValueError(f"EinsumDense: the kernel shape {tuple(weight_shape)} needs known input sizes")
    bias_shape = None
    if bias_axes is not None:
        n_left = elided if left_elided else 0
        idx = {c: output_shape[i + n_left] for i, c in enumerate(output_spec)}
        for c in bias_axes:
            if c not in output_spec:
                raise ValueError(
                    f"EinsumDense: bias dimension '{c}' is not in the output spec '{output_spec}'"
                )
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [idx[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left_elided:
            bias_shape += [1] * elided
    return weight_shape, bias_shape, output_shape, input_axes, output_axes


class _Einsum(nn.Module):
    """An einsum projection with Keras-layout `kernel` and `bias` (MultiHeadAttention's
    sub-layers; not a KerasLayer, its owner loads and regularizes it)."""

    def __init__(self, kernel_shape, bias_shape, fans=None):
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(tuple(kernel_shape)))
        self.register_parameter("bias", nn.Parameter(torch.empty(tuple(bias_shape))) if bias_shape else None)
        self.fans = fans
        self.equation = None

    def draw(self, kernel_initializer, bias_initializer):
        _set(self.kernel, draw(self.kernel.shape, kernel_initializer, self.fans))
        if self.bias is not None:
            _set(self.bias, draw(self.bias.shape, bias_initializer))

    def forward(self, x, equation=None):
        y = torch.einsum(equation or self.equation, x, self.kernel)
        return y if self.bias is None else y + self.bias


class EinsumDense(KerasViews, Layer):
    """keras.layers.EinsumDense.  `input_shape`: the input's shape without the batch axis."""

    def __init__(
        self,
        input_shape,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        gptq_unpacked_column_size=None,
        quantization_config=None,
        *,
        activity_regularizer=None,
        name=None,
    ):
        regs = dict(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        Layer.__init__(self, name=name, **regs)
        check_specs(regs)
        if lora_rank:
            raise NotImplementedError("EinsumDense(lora_rank=...) is not supported (LoRA weights)")
        if quantization_config is not None or gptq_unpacked_column_size is not None:
            raise NotImplementedError("EinsumDense quantization is not supported")
        self.equation, self.bias_axes = equation, bias_axes
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        kshape, bshape, full, ia, oa = analyze_einsum(
            equation, bias_axes, (None,) + tuple(input_shape), self.partial_output_shape
        )
        self.full_output_shape = tuple(full)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.fans = _kernel_fans(kernel_initializer, kshape, ia, oa)
        self.kernel = nn.Parameter(torch.empty(tuple(kshape)))
        self.register_parameter("bias", nn.Parameter(torch.empty(tuple(bshape))) if bshape else None)
        self.activation_name = activation
        self._activation = activation_fn(activation)
        self.reset_parameters()

    def reset_parameters(self):
        _Einsum.draw(self, self.kernel_initializer, self.bias_initializer)

    def _views(self):
        return _proj_views(self, "")

    def forward(self, inputs):
        y = torch.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        y = self._activation(y, -1)
        if self.keras_config.get("activity_regularizer") is not None:
            self.activity_loss = _activity([y], self.keras_config["activity_regularizer"])
        return y

    def extra_repr(self):
        return f"{self.equation!r}, kernel={tuple(self.kernel.shape)}, name={self.name!r}"


def _proj_views(p, prefix):
    v = [(prefix + "kernel", "kernel", lambda: p.kernel, lambda t: _set(p.kernel, t))]
    if p.bias is not None:
        v.append((prefix + "bias", "bias", lambda: p.bias, lambda t: _set(p.bias, t)))
    return v


def _activity(outputs, spec):
    total = None
    for y in outputs:
        p = penalty(y, spec) / y.shape[0]
        total = p if total is None else total + p
    return total


# ------------------------------------------------------------------ MultiHeadAttention
def _letter(i):
    return string.ascii_lowercase[i]


def build_attention_equation(rank, attn_axes):
    """Keras's _build_attention_equation: (dot-product equation, combine equation, scores rank)."""
    target = "".join(_letter(i) for i in range(rank))
    batch_dims = tuple(np.delete(range(rank), attn_axes + (rank - 1,)))
    offset = rank
    source = ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(offset)
            offset += 1
    product = "".join(
        [target[i] for i in batch_dims] + [target[i] for i in attn_axes] + [source[i] for i in attn_axes]
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def build_proj_equation(free_dims, bound_dims, output_dims):
    """Keras's _build_proj_equation: (equation, bias axes, output rank)."""
    inp = kernel = out = bias = ""
    for i in range(free_dims):
        inp += _letter(i)
        out += _letter(i)
    for i in range(bound_dims):
        c = _letter(free_dims + i)
        inp += c
        kernel += c
    for i in range(output_dims):
        c = _letter(free_dims + bound_dims + i)
        kernel += c
        out += c
        bias += c
    return f"{inp},{kernel}->{out}", bias, len(out)


_LARGE_NEG = {torch.float16: -0.7 * 65500.0}  # TensorFlow's dot_product_attention mask value


def _large_negative(dtype):
    return _LARGE_NEG.get(dtype, -0.7 * 3.38953e38)


def _softmax_masked(x, mask, axes):
    """Keras's Softmax layer with a mask: -1e9 where masked, softmax over `axes`, then zeros
    where masked (a fully masked row gives zeros)."""
    if mask is not None:
        x = torch.where(mask, x, torch.tensor(-3e4 if x.dtype == torch.float16 else -1e9, dtype=x.dtype))
    if len(axes) > 1:
        out = torch.exp(x - torch.logsumexp(x, dim=axes, keepdim=True))
    else:
        out = torch.softmax(x, dim=axes[0])
    if mask is not None:
        out = torch.where(mask, out, torch.zeros((), dtype=out.dtype))
    return out


def _causal(t, s, device):
    return (torch.arange(t, device=device)[:, None] >= torch.arange(s, device=device)[None, :])[None]


def _sliding(t, s, window, device):
    i = torch.arange(t, device=device)[:, None]
    j = torch.arange(s, device=device)[None, :]
    return ((i - j).abs() < window)[None]


def attention_mask_of(
    query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, window
):
    """Keras's _compute_attention_mask: the AND of the given masks, bool, True = attend."""
    auto = None

    def _and(a, b):
        return b if a is None else a & b

    if query_mask is not None:
        auto = query_mask.bool().unsqueeze(-1)
    if value_mask is not None:
        auto = _and(auto, value_mask.bool().unsqueeze(-2))
    if key_mask is not None:
        auto = _and(auto, key_mask.bool().unsqueeze(-2))
    if use_causal_mask:
        auto = _and(auto, _causal(query.shape[1], value.shape[1], query.device))
    if window is not None:
        auto = _and(auto, _sliding(query.shape[1], value.shape[1], window, query.device))
    if attention_mask is not None:
        attention_mask = attention_mask.bool()
    if auto is not None:
        attention_mask = auto if attention_mask is None else attention_mask & auto
    return attention_mask


class _MHABase(KerasViews, Layer):
    """Projections, masks, dropout and the two Keras paths shared by MultiHeadAttention and
    GroupQueryAttention."""

    def _common(
        self,
        cls,
        regs,
        dropout,
        use_bias,
        sliding_window,
        flash_attention,
        kernel_init,
        bias_init,
        use_gate,
        seed,
    ):
        check_specs(regs)
        if flash_attention:
            raise NotImplementedError(
                f"{cls}(flash_attention=True): TensorFlow has no flash attention (Keras raises)"
            )
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(
                f"{cls}: sliding_window must be None or a positive integer, got {sliding_window!r}"
            )
        self.dropout, self.use_bias, self.sliding_window = float(dropout), use_bias, sliding_window
        self.flash_attention, self.use_gate, self.seed = flash_attention, use_gate, seed
        self.kernel_initializer, self.bias_initializer = kernel_init, bias_init

    def _proj(self, kshape, bshape, n_in):
        """A projection whose kernel's first n_in axes are inputs (Keras's EinsumDense fans)."""
        ia, oa = list(range(n_in)), list(range(n_in, len(kshape)))
        return _Einsum(
            kshape, bshape if self.use_bias else None, _kernel_fans(self.kernel_initializer, kshape, ia, oa)
        )

    def reset_parameters(self):
        for p in self._projs():
            p.draw(self.kernel_initializer, self.bias_initializer)

    def _views(self):
        return [v for name, p in self._named_projs() for v in _proj_views(p, name + "/")]

    def _projs(self):
        return [p for _, p in self._named_projs()]

    def _dropout_probs(self, probs):
        """Keras's Dropout layer on the attention probabilities (tests replace this)."""
        return F.dropout(probs, self.dropout, training=self.training) if self.dropout > 0 else probs

    def _activity(self, outs):
        spec = self.keras_config.get("activity_regularizer")
        if spec is not None:
            self.activity_loss = _activity(outs, spec)

    def compute_mask(self, inputs, mask):
        return mask  # Keras puts the query's mask on the output


class MultiHeadAttention(_MHABase):
    """keras.layers.MultiHeadAttention.  `query_dim`, `value_dim_in`, `key_dim_in`: the last
    axes of the query, value and key inputs (key_dim_in = value_dim_in without a key)."""

    def __init__(
        self,
        query_dim,
        value_dim_in,
        key_dim_in,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        *,
        name=None,
    ):
        regs = dict(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        Layer.__init__(self, name=name, **regs)
        for arg, v in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(v, int) or v <= 0:
                raise ValueError(f"MultiHeadAttention: {arg} must be a positive integer, got {v!r}")
        self._common(
            "MultiHeadAttention",
            regs,
            dropout,
            use_bias,
            sliding_window,
            flash_attention,
            kernel_initializer,
            bias_initializer,
            use_gate,
            seed,
        )
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        self.attention_axes = tuple(attention_axes) if attention_axes else None
        h, kd, vd = num_heads, key_dim, self.value_dim
        out = self.output_shape or (query_dim,)
        self.query = self._proj((query_dim, h, kd), (h, kd), 1)
        self.key = self._proj((key_dim_in, h, kd), (h, kd), 1)
        self.gate = self._proj((query_dim, h, vd), (h, vd), 1) if use_gate else None
        self.value = self._proj((value_dim_in, h, vd), (h, vd), 1)
        self.attention_output = self._proj((h, vd) + out, out, 2)
        self._equations = {}
        self.reset_parameters()

    def _named_projs(self):
        names = ["query", "key"] + (["gate"] if self.use_gate else []) + ["value", "attention_output"]
        return [(n, getattr(self, n)) for n in names]

    def _eqs(self, query_rank):
        """Keras's einsum equations for inputs of `query_rank` (built once per rank)."""
        if query_rank not in self._equations:
            proj, _, out_rank = build_proj_equation(query_rank - 1, 1, 2)
            rank = out_rank  # the projected rank
            axes = tuple(range(1, rank - 2)) if self.attention_axes is None else self.attention_axes
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in axes)
            dot, combine, scores_rank = build_attention_equation(rank, axes)
            out_eq, _, _ = build_proj_equation(query_rank - 1, 2, len(self.output_shape or (1,)))
            norm = tuple(range(scores_rank - len(axes), scores_rank))
            self._equations[query_rank] = (proj, dot, combine, norm, axes, out_eq)
        return self._equations[query_rank]

    def forward(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        proj, dot, combine, norm, axes, out_eq = self._eqs(query.dim())
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self.sliding_window is None
        )
        if not causal_only:
            attention_mask = attention_mask_of(
                query,
                value,
                query_mask,
                value_mask,
                key_mask,
                attention_mask,
                use_causal_mask,
                self.sliding_window,
            )
        gate = torch.sigmoid(self.gate(query, proj)) if self.use_gate else None
        q, k, v = self.query(query, proj), self.key(key, proj), self.value(value, proj)
        scale = 1.0 / math.sqrt(float(self.key_dim))
        fused = not (self.dropout > 0.0 or return_attention_scores or q.dim() != 4)
        scores = None
        if fused:  # Keras's ops.dot_product_attention (TensorFlow)
            logits = torch.einsum("btnh,bsnh->bnts", q, k) * scale
            m = _causal(q.shape[1], k.shape[1], q.device)[None] if causal_only else None
            if attention_mask is not None:
                am = attention_mask
                while am.dim() < 4:
                    am = am.unsqueeze(-len(axes) * 2 - 1)
                m = am if m is None else m & am
            if m is not None:
                logits = torch.where(
                    m, logits, torch.tensor(_large_negative(logits.dtype), dtype=logits.dtype)
                )
            out = torch.einsum("bnts,bsnh->btnh", torch.softmax(logits, -1), v)
        else:  # Keras's explicit path: scores through its Softmax layer
            if causal_only:
                attention_mask = _causal(query.shape[1], value.shape[1], q.device)
            sc = torch.einsum(dot, k, q * scale)
            if attention_mask is not None:
                while attention_mask.dim() < sc.dim():
                    attention_mask = attention_mask.unsqueeze(-len(axes) * 2 - 1)
            scores = _softmax_masked(sc, attention_mask, norm)
            out = torch.einsum(combine, self._dropout_probs(scores), v)
        if gate is not None:
            out = out * gate
        y = self.attention_output(out, out_eq)
        self._activity([t for t in (gate, q, k, v, y) if t is not None])
        return (y, scores) if return_attention_scores else y

    def extra_repr(self):
        return f"num_heads={self.num_heads}, key_dim={self.key_dim}, value_dim={self.value_dim}, name={self.name!r}"


class GroupQueryAttention(_MHABase):
    """keras.layers.GroupQueryAttention (GroupedQueryAttention).  `query_dim`, `value_dim_in`,
    `key_dim_in`: the feature sizes of the (N, T, F) query, value and key."""

    def __init__(
        self,
        query_dim,
        value_dim_in,
        key_dim_in,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        *,
        name=None,
    ):
        regs = dict(
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        Layer.__init__(self, name=name, **regs)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("GroupQueryAttention: num_query_heads must be divisible by num_key_value_heads")
        self._common(
            "GroupQueryAttention",
            regs,
            dropout,
            use_bias,
            sliding_window,
            flash_attention,
            kernel_initializer,
            bias_initializer,
            use_gate,
            seed,
        )
        self.head_dim, self.num_query_heads, self.num_key_value_heads = (
            head_dim,
            num_query_heads,
            num_key_value_heads,
        )
        self.num_repeats = num_query_heads // num_key_value_heads
        u, kv, h = num_query_heads, num_key_value_heads, head_dim
        self.query = self._proj((query_dim, u, h), (u, h), 1)
        self.key = self._proj((key_dim_in, kv, h), (kv, h), 1)
        self.gate = self._proj((query_dim, u, h), (u, h), 1) if use_gate else None
        self.value = self._proj((value_dim_in, kv, h), (kv, h), 1)
        self.attention_output = self._proj((u, h, query_dim), (query_dim,), 2)
        self.reset_parameters()

    _named_projs = MultiHeadAttention._named_projs

    def forward(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self.sliding_window is None
        )
        if not causal_only:
            attention_mask = attention_mask_of(
                query,
                value,
                query_mask,
                value_mask,
                key_mask,
                attention_mask,
                use_causal_mask,
                self.sliding_window,
            )
        gate = torch.sigmoid(self.gate(query, "bqm,muh->bquh")) if self.use_gate else None
        q = self.query(query, "bqm,muh->bquh")
        k = self.key(key, "bkm,mvh->bkvh")
        v = self.value(value, "bkm,mvh->bkvh")
        kr = k.repeat_interleave(self.num_repeats, dim=2)
        vr = v.repeat_interleave(self.num_repeats, dim=2)
        scale = 1.0 / math.sqrt(float(self.head_dim))
        fused = not (self.dropout > 0.0 or return_attention_scores or q.dim() != 4)
        scores = None
        if attention_mask is not None:
            while attention_mask.dim() < 4:
                attention_mask = attention_mask.unsqueeze(-3)
        if fused:
            logits = torch.einsum("btnh,bsnh->bnts", q, kr) * scale
            m = _causal(q.shape[1], kr.shape[1], q.device)[None] if causal_only else attention_mask
            if m is not None:
                logits = torch.where(
                    m, logits, torch.tensor(_large_negative(logits.dtype), dtype=logits.dtype)
                )
            out = torch.einsum("bnts,bsnh->btnh", torch.softmax(logits, -1), vr)
        else:
            if causal_only:
                attention_mask = _causal(q.shape[1], value.shape[1], q.device)[None]
            sc = torch.einsum("bquh,bkuh->buqk", q * scale, kr)
            scores = _softmax_masked(sc, attention_mask, (-1,))
            out = torch.einsum("buqk,bkuh->bquh", self._dropout_probs(scores), vr)
        if gate is not None:
            out = out * gate
        y = self.attention_output(out, "bquh,uhm->bqm")
        self._activity([t for t in (gate, q, k, v, y) if t is not None])
        return (y, scores) if return_attention_scores else y

    def extra_repr(self):
        return (
            f"head_dim={self.head_dim}, num_query_heads={self.num_query_heads}, "
            f"num_key_value_heads={self.num_key_value_heads}, name={self.name!r}"
        )


# ------------------------------------------------------------------ Attention, AdditiveAttention
class Attention(KerasViews, Layer):
    """keras.layers.Attention (Luong): forward([query, value(, key)], mask=[q_mask, v_mask])."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, *, name=None):
        Layer.__init__(self, name=name)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, float(dropout), seed
        self.scale = nn.Parameter(torch.ones(())) if use_scale else None
        self.concat_score_weight = nn.Parameter(torch.ones(())) if score_mode == "concat" else None

    def reset_parameters(self):
        for p in (self.scale, self.concat_score_weight):
            if p is not None:
                nn.init.ones_(p)

    def _views(self):
        v = []
        for name in ("scale", "concat_score_weight"):
            p = getattr(self, name)
            if p is not None:
                v.append((name, None, (lambda p=p: p), (lambda t, p=p: _set(p, t))))
        return v

    def _scores(self, q, k):
        if self.score_mode == "dot":
            s = q @ k.transpose(-2, -1)
            return s * self.scale if self.scale is not None else s
        qk = q.unsqueeze(-2) + k.unsqueeze(-3)
        if self.scale is not None:
            qk = self.scale * qk
        return self.concat_score_weight * torch.tanh(qk).sum(-1)

    def _dropout_weights(self, w):
        """Keras's backend.random.dropout of the attention weights (tests replace this)."""
        return F.dropout(w, self.dropout, training=True)

    def forward(self, inputs, mask=None, return_attention_scores=False, use_causal_mask=False):
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{type(self).__name__} takes [query, value] or [query, value, key]")
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._scores(q, k)
        smask = v_mask.bool() if v_mask is not None else None
        if use_causal_mask:
            causal = _causal(scores.shape[-2], scores.shape[-1], scores.device)
            smask = causal if smask is None else smask.unsqueeze(-2) & causal
        if smask is not None:
            if smask.dim() == 2:
                smask = smask.unsqueeze(-2)
            big = 65504.0 if scores.dtype == torch.float16 else 1.0e9
            scores = torch.where(~smask, scores - big, scores)
        weights = torch.softmax(scores, -1)
        if self.training and self.dropout > 0:
            weights = self._dropout_weights(weights)
        out = weights @ v
        if q_mask is not None:
            out = torch.where(q_mask.bool().unsqueeze(-1), out, torch.zeros((), dtype=out.dtype))
        return (out, weights) if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        return None if mask is None or mask[0] is None else mask[0]


class AdditiveAttention(Attention):
    """keras.layers.AdditiveAttention (Bahdanau).  `query_dim`: the query's last axis (the
    size of the `scale` weight, glorot_uniform as Keras)."""

    def __init__(self, query_dim, use_scale=True, dropout=0.0, *, seed=None, name=None):
        Layer.__init__(self, name=name)
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, "additive", float(dropout), seed
        self.query_dim = query_dim
        self.scale = nn.Parameter(torch.empty(query_dim)) if use_scale else None
        self.concat_score_weight = None
        self.reset_parameters()

    def reset_parameters(self):
        if self.scale is not None:
            _set(self.scale, draw((self.query_dim,), "glorot_uniform"))

    def _scores(self, q, k):
        qk = torch.tanh(q.unsqueeze(-2) + k.unsqueeze(-3))
        return (qk * self.scale if self.scale is not None else qk).sum(-1)
