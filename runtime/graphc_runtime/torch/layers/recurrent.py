"""Keras recurrent layers in PyTorch (runtime/LAYERS.md).

Classes (inferred input size first):

- `LSTM(input_size, units, ...)` (an `nn.LSTM`), `GRU(input_size, units, ...)` (an `nn.GRU`),
  `SimpleRNN(input_size, units, ...)` (an `nn.RNN`): sequences (N, T, F) -> (N, units), or
  (N, T, units) with return_sequences; return_state appends the final states (LSTM: h, c).
  `forward(sequences, mask=None, initial_state=None)`.
- `LSTMCell`, `GRUCell`, `SimpleRNNCell` (`nn.LSTMCell` / `nn.GRUCell` / `nn.RNNCell`), each
  `(input_size, units, ...)`, `forward(inputs, states)` -> `(output, new_states)` as Keras's
  cell call; `StackedRNNCells(cells)`; `RNN(cell, ...)` runs a cell (or a list of cells,
  stacked) over the timesteps and returns its states flattened as `keras.tree.flatten` does
  ([out, h1, c1, h2, ...]).
- `Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None)` over any
  layer of this module (LSTM, GRU, SimpleRNN, RNN, ConvLSTM*D).
- `TimeDistributed(layer)`: any layer on every timestep of (N, T, ...); the wrapped layer sees
  its own layout (channels-first frames for convolutions).
- `ConvLSTM1D/2D/3D(in_channels, filters, kernel_size, ...)`: channels-first frames
  (N, T, C, *spatial) -> (N, filters, *spatial') or (N, T, filters, *spatial').

Semantics are Keras's on the TensorFlow backend (CPU): Keras 3's activations (default
recurrent_activation sigmoid), LSTM unit_forget_bias, GRU reset_after=True and False (the latter
has no torch.nn spelling: its own step), masks (a masked step keeps the states and repeats the
previous output, zeros before the first valid step; zero_output_for_mask gives zeros; pre-padding
and holes are exact), go_backwards (the output sequence stays in processing order),
return_state, initial_state, dropout/recurrent_dropout with Keras's masks (one per sequence;
one per gate when recurrent_dropout > 0 or implementation=1, as Keras's implementation 1; the
recurrent mask multiplies h).  Whenever torch's own kernel computes exactly that (default
activations; SimpleRNN tanh or relu; GRU reset_after=True; no recurrent_dropout; no mask, or a
post-padded mask, run packed), forward calls `nn.LSTM/GRU/RNN.forward`; otherwise a step loop.

Weights: torch's layouts and gate orders (torch's second bias `bias_hh` is frozen at zero for
LSTM, SimpleRNN and GRU(reset_after=False), listed in `keras_extra`, so `count_params` matches
Keras); `load_keras` / `keras_arrays` convert (transposes, GRU z,r,h <-> r,z,n).  Regularizers
and constraints apply to the Keras-layout tensors (a constraint's `axis` is Keras's).

Not supported (NotImplementedError at construction): `stateful=True` (state carried across
batches needs the fixed batch size graphc does not track); `dropout` or `recurrent_dropout`
>= 1 (Keras's result then depends on its code path).  Ignored because they do not change the
result: `unroll`, `use_cudnn`.  `seed` is accepted; dropout draws from torch's RNG.
Cells called on their own draw new dropout masks on every call (Keras caches them until
`reset_dropout_mask()`); inside `RNN` they are drawn once per sequence, as Keras.
"""

from __future__ import annotations

import copy
import inspect
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from graphc_runtime.torch.layers.base import KerasLayer, Layer, activation, constrain_, initialize_, penalty

__all__ = [
    "LSTM",
    "GRU",
    "SimpleRNN",
    "LSTMCell",
    "GRUCell",
    "SimpleRNNCell",
    "StackedRNNCells",
    "RNN",
    "Bidirectional",
    "TimeDistributed",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
]


# ------------------------------------------------------------------ Keras-layout weights
def keras_fans(shape) -> tuple[int, int]:
    """keras.src.initializers.random_initializers.compute_fans."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def draw(shape, spec, fans=None) -> torch.Tensor:
    """A float32 tensor of Keras's `shape` drawn like Keras's initializer `spec` (Keras's fans,
    or `fans`; an orthogonal draw is over the (prod(shape[:-1]), shape[-1]) matrix, as Keras)."""
    t = torch.empty(tuple(shape), dtype=torch.float32)
    fan_in, fan_out = fans or keras_fans(shape)
    flat = t.view(-1, t.shape[-1]) if t.dim() > 2 else t
    initialize_(flat, spec, fan_in, fan_out)
    return t


def _forget_bias(units, spec, unit_forget_bias):
    """Keras's LSTM bias draw: with unit_forget_bias, [init((u,)), ones(u), init((2u,))]."""
    if not unit_forget_bias:
        return draw((4 * units,), spec)
    return torch.cat([draw((units,), spec), torch.ones(units), draw((2 * units,), spec)])


def _constraint_axis(spec):
    cfg = spec.get("config", {}) if isinstance(spec, dict) else {}
    axis = cfg.get("axis", 0)
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def check_specs(config: dict):
    """NotImplementedError now (not at the first optimizer step) for a regularizer or a
    constraint graphc_runtime cannot apply."""
    probe = torch.ones(2, 2)
    for arg, spec in config.items():
        if spec is None:
            continue
        if arg.endswith("_regularizer"):
            penalty(probe, spec)
        elif arg.endswith("_constraint"):
            constrain_(probe.clone(), spec, _constraint_axis(spec))


def _set(param, value):
    with torch.no_grad():
        param.copy_(value)


class KerasViews:
    """load_keras / keras_arrays / regularization_loss / apply_constraints through `_views()`:
    for each array of Keras's get_weights(), in order, (Keras weight name, Keras argument
    prefix ("kernel", "recurrent", "bias"; None: not regularized), get() -> the tensor in
    Keras's layout (differentiable), set(tensor in Keras's layout)).  `keras_weights_spec`
    lists the Keras weight names (its length is what `load_keras_weights` relies on)."""

    def _views(self):
        raise NotImplementedError

    @property
    def keras_weights_spec(self):
        return tuple((v[0], None, None) for v in self._views())

    def load_keras(self, arrays):
        views = self._views()
        if len(arrays) != len(views):
            raise ValueError(f"{self.name!r}: expected {len(views)} arrays, got {len(arrays)}")
        for (wname, _, get, put), a in zip(views, arrays):
            value = torch.as_tensor(np.array(a, dtype=np.float32))
            want = tuple(get().shape)
            if tuple(value.shape) != want:
                raise ValueError(f"{self.name!r}: {wname} has shape {tuple(value.shape)}, expected {want}")
            put(value)

    def keras_arrays(self) -> list:
        return [get().detach().cpu().numpy().copy() for _, _, get, _ in self._views()]

    def regularization_loss(self):
        total = None
        for _, prefix, get, _ in self._views():
            spec = self.keras_config.get(f"{prefix}_regularizer") if prefix else None
            if spec is not None:
                p = penalty(get(), spec)
                total = p if total is None else total + p
        return total

    def apply_constraints(self):
        for _, prefix, get, put in self._views():
            spec = self.keras_config.get(f"{prefix}_constraint") if prefix else None
            if spec is not None:
                t = get().detach().clone()
                constrain_(t, spec, _constraint_axis(spec))
                put(t)


def activity_penalty(layer, outputs):
    """Keras's activity regularizer: its penalty of each output over the batch size, summed."""
    spec = layer.keras_config.get("activity_regularizer")
    if spec is None:
        return
    total = None
    for y in outputs:
        p = penalty(y, spec)
        if y.dim() > 0 and y.shape[0] > 0:
            p = p / y.shape[0]
        total = p if total is None else total + p
    layer.activity_loss = total


# ------------------------------------------------------------------ the step math
_NO_PERM = (0, 1, 2, 3)
_GRU_PERM = (1, 0, 2)  # torch's gate k (r, z, n) is Keras's gate _GRU_PERM[k] (z, r, h)


def _bcast(m, like):
    """A (N, ...) mask broadcast against `like` (its leading axes)."""
    return m.view(m.shape + (1,) * (like.dim() - m.dim()))


def _project(x, w, b, masks, perm):
    """x @ w.T + b with Keras's dropout masks (None, one mask, or one per gate in Keras's gate
    order; torch's gate k uses Keras's gate perm[k]).  x: (N, F) or (N, T, F); masks (N, F)."""
    if masks is None:
        return F.linear(x, w, b)
    if x.dim() == 3:
        masks = [m.unsqueeze(1) for m in masks]
    if len(masks) == 1:
        return F.linear(x * masks[0], w, b)
    g = len(masks)
    u = w.shape[0] // g
    parts = []
    for k in range(g):
        bk = None if b is None else b[k * u : (k + 1) * u]
        parts.append(F.linear(x * masks[perm[k]], w[k * u : (k + 1) * u], bk))
    return torch.cat(parts, -1)


def _lstm_step(xp, h, c, w_hh, b_hh, act, ract, rmasks):
    """One LSTM step from the input projection xp (N, 4u), torch's (= Keras's) gates i, f, g, o."""
    z = xp + _project(h, w_hh, b_hh, rmasks, _NO_PERM)
    i, f, g, o = z.chunk(4, -1)
    i, f, o = ract(i, -1), ract(f, -1), ract(o, -1)
    c = f * c + i * act(g, -1)
    h = o * act(c, -1)
    return h, c


def _gru_step(xp, h, w_hh, b_hh, act, ract, rmasks, reset_after):
    """One GRU step; torch's gate order r, z, n; Keras's masks in its order z, r, h."""
    u = h.shape[-1]
    xr, xz, xn = xp.chunk(3, -1)
    if rmasks is None:
        hr = hz = hn = h
    else:
        hz, hr, hn = (h * m for m in (rmasks * 3 if len(rmasks) == 1 else rmasks))
    w_r, w_z, w_n = w_hh[:u], w_hh[u : 2 * u], w_hh[2 * u :]
    b_r, b_z, b_n = (None, None, None) if b_hh is None else (b_hh[:u], b_hh[u : 2 * u], b_hh[2 * u :])
    if not reset_after:
        b_r = b_z = b_n = None  # Keras's reset_after=False has no recurrent bias (bias_hh: frozen zero)
    r = ract(xr + F.linear(hr, w_r, b_r), -1)
    z = ract(xz + F.linear(hz, w_z, b_z), -1)
    if reset_after:
        n = act(xn + r * F.linear(hn, w_n, b_n), -1)
    else:
        n = act(xn + F.linear(r * hn, w_n), -1)
    return z * h + (1 - z) * n


def _rnn_step(xp, h, w_hh, b_hh, act, rmasks):
    return act(xp + _project(h, w_hh, b_hh, rmasks, _NO_PERM), -1)


def scan(step, steps, states, mask, zero_output_for_mask, keep_all):
    """Keras's backend.rnn loop (TensorFlow, unroll=False): step(t, states) -> (output, new
    states); a masked step keeps the states and outputs the previous output (zeros before the
    first one), or zeros with zero_output_for_mask.  Returns (last output, outputs (N, T, ...)
    or None, final states)."""
    outs, prev = [], None
    for t in range(steps):
        out, new = step(t, states)
        if mask is not None:
            m = mask[:, t]
            mo = _bcast(m, out)
            fill = torch.zeros_like(out) if (zero_output_for_mask or prev is None) else prev
            out = torch.where(mo, out, fill)
            new = [torch.where(_bcast(m, s), s, old) for s, old in zip(new, states)]
        prev, states = out, list(new)
        if keep_all:
            outs.append(out)
    return prev, (torch.stack(outs, 1) if keep_all else None), states


def _as_mask(mask):
    if mask is None:
        return None
    mask = mask.bool() if mask.dtype != torch.bool else mask
    return None if bool(mask.all()) else mask


def _flat(states):
    if states is None:
        return None
    if isinstance(states, torch.Tensor):
        return [states]
    out = []
    for s in states:
        out.extend(_flat(s))
    return out


def _check_rates(cls, dropout, recurrent_dropout):
    for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
        if rate >= 1:
            raise NotImplementedError(
                f"{cls}({arg}={rate}): a rate of 1 is not supported (Keras's result depends on its code path)"
            )


def _check_flags(cls, stateful, use_cudnn="auto"):
    if stateful:
        raise NotImplementedError(
            f"{cls}(stateful=True) is not supported: state carried across batches needs a fixed batch size"
        )
    if use_cudnn not in ("auto", True, False):
        raise ValueError(f"{cls}: use_cudnn must be 'auto', True or False, got {use_cudnn!r}")


def _clip_rate(rate):
    return min(1.0, max(0.0, float(rate)))


def dropout_masks(module, like, rate, count):
    """Keras's DropoutRNNCell masks: `count` independent keep/(1-rate) masks shaped like `like`,
    when training with 0 < rate < 1; else None.  (Tests replace this to share masks with Keras.)"""
    if not (module.training and 0.0 < rate < 1.0):
        return None
    keep = 1.0 - rate
    return [torch.bernoulli(torch.full_like(like, keep)) / keep for _ in range(count)]


# ------------------------------------------------------------------ LSTM, GRU, SimpleRNN
class _Recurrent(KerasViews, KerasLayer):
    """What LSTM, GRU and SimpleRNN share (torch.nn.RNNBase subclasses with one layer)."""

    gates = 1
    n_states = 1
    perm = _NO_PERM
    _dropout_masks = dropout_masks

    def _setup(self, cls, *, units, act, ract, use_bias, inits, regs, rates, flags, implementation, name):
        (self.kernel_initializer, self.recurrent_initializer, self.bias_initializer) = inits
        self.units = units
        self.activation_name, self.recurrent_activation_name = act, ract
        self._act = activation(act)
        self._ract = activation(ract) if ract is not None else None
        self.use_bias = use_bias
        dropout, recurrent_dropout, self.seed = rates
        _check_rates(cls, dropout, recurrent_dropout)
        self.dropout_rate, self.recurrent_dropout = _clip_rate(dropout), _clip_rate(recurrent_dropout)
        (self.return_sequences, self.return_state, self.go_backwards, stateful, self.unroll, use_cudnn) = (
            flags
        )
        self.zero_output_for_mask = False
        _check_flags(cls, stateful, use_cudnn)
        self.stateful, self.use_cudnn = stateful, use_cudnn
        self.implementation = 1 if self.recurrent_dropout else implementation
        self._keras_init(name, **regs)
        check_specs(regs)
        if use_bias and self.gates_bias_hh_frozen:
            self.bias_hh_l0.requires_grad_(False)
            self.keras_extra = ("bias_hh_l0",)
        self.reset_parameters()

    gates_bias_hh_frozen = True

    # dropout masks: one per sequence (one per gate with implementation 1), Keras's gate order
    def _masks(self, x0, h0):
        count = self.gates if self.implementation == 1 else 1
        return (
            self._dropout_masks(x0, self.dropout_rate, count),
            self._dropout_masks(h0, self.recurrent_dropout, count),
        )

    def _initial(self, x, initial_state):
        given = _flat(initial_state)
        n = x.shape[0]
        if given is None:
            return [x.new_zeros(n, self.units) for _ in range(self.n_states)]
        if len(given) != self.n_states:
            raise ValueError(
                f"{self.name!r}: initial_state has {len(given)} tensors, expected {self.n_states}"
            )
        return [s.to(x.dtype) for s in given]

    def forward(self, sequences, mask=None, initial_state=None):
        x = sequences
        if x.dim() != 3:
            raise ValueError(
                f"{type(self).__name__} expects (batch, timesteps, features), got {tuple(x.shape)}"
            )
        states = self._initial(x, initial_state)
        mask = _as_mask(mask)
        dp, rdp = self._masks(x[:, 0], states[0])
        result = None
        if self._native_ok() and rdp is None and (dp is None or len(dp) == 1):
            xin = x if dp is None else x * dp[0].unsqueeze(1)
            result = self._native(xin, states, mask)
        if result is None:
            xs, ms = (x.flip(1), None if mask is None else mask.flip(1)) if self.go_backwards else (x, mask)
            xp = _project(xs, self.weight_ih_l0, self.bias_ih_l0 if self.use_bias else None, dp, self.perm)
            result = scan(
                lambda t, st: self._step(xp[:, t], st, rdp),
                xs.shape[1],
                states,
                ms,
                self.zero_output_for_mask,
                self.return_sequences,
            )
        return self._finish(*result)

    def _finish(self, last, seq, states):
        out = seq if self.return_sequences else last
        outs = (out, *states) if self.return_state else (out,)
        activity_penalty(self, outs)
        return outs if self.return_state else out

    def compute_mask(self, inputs, mask):
        out = mask if self.return_sequences else None
        return [out] + [None] * self.n_states if self.return_state else out

    # the torch kernel (`_call_torch`): exact for no mask and for post-padded masks (packed)
    def _native(self, x, states, mask):
        if mask is None:
            out, st = self._call_torch(x.flip(1) if self.go_backwards else x, states)
            return out[:, -1], out, st
        return self._native_packed(x, states, mask)

    def _native_packed(self, x, states, mask):
        n, steps = mask.shape
        lengths = mask.sum(1)
        ar = torch.arange(steps, device=x.device)
        if not bool((lengths > 0).all()) or not bool((mask == (ar < lengths[:, None])).all()):
            return None  # pre-padding, holes or empty sequences: the step loop
        if self.go_backwards:
            # processing order: steps-L masked steps, then x[L-1], ..., x[0]
            idx = (lengths[:, None] - 1 - ar).clamp(min=0)
            x = x.gather(1, idx[..., None].expand(-1, -1, x.shape[-1]))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out_p, st = self._call_torch(packed, states)
        o, _ = pad_packed_sequence(out_p, batch_first=True, total_length=steps)  # zeros past each length
        h_last = st[0]  # the output of the last valid step (LSTM, GRU, SimpleRNN: output = h)
        if self.go_backwards:
            src = ar[None] - (steps - lengths)[:, None]  # the masked steps come first: zeros
            seq = o.gather(1, src.clamp(min=0)[..., None].expand(-1, -1, o.shape[-1]))
            seq = torch.where((src >= 0)[..., None], seq, torch.zeros_like(seq))
            last = h_last  # the last processing step is x[0], always valid
        elif self.zero_output_for_mask:
            seq = o
            last = torch.where((lengths == steps)[:, None], h_last, torch.zeros_like(h_last))
        else:
            idx = torch.minimum(ar[None], (lengths - 1)[:, None])
            seq = o.gather(1, idx[..., None].expand(-1, -1, o.shape[-1]))
            last = h_last
        return last, seq, st

    def extra_repr(self):
        return (
            f"{self.input_size}, {self.units}, return_sequences={self.return_sequences}, name={self.name!r}"
        )


class LSTM(_Recurrent, nn.LSTM):
    """keras.layers.LSTM.  `input_size`: the features of (N, T, F).

    Keras's kernel (F, 4u) / recurrent_kernel (u, 4u) / bias (4u,) are torch's weight_ih_l0.T /
    weight_hh_l0.T / bias_ih_l0 (same gate order i, f, c, o); bias_hh_l0 is frozen at zero."""

    gates, n_states = 4, 2

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        *,
        implementation=2,
        zero_output_for_mask=False,
        name=None,
    ):
        self.unit_forget_bias = unit_forget_bias
        nn.LSTM.__init__(self, input_size, units, bias=use_bias, batch_first=True)
        self._setup(
            "LSTM",
            units=units,
            act=activation,
            ract=recurrent_activation,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            flags=(return_sequences, return_state, go_backwards, stateful, unroll, use_cudnn),
            implementation=implementation,
            name=name,
        )
        self.zero_output_for_mask = zero_output_for_mask

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):  # nn.LSTM.__init__ calls it before our setup
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, 4 * u), self.kernel_initializer))
        views[1][3](draw((u, 4 * u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](_forget_bias(u, self.bias_initializer, self.unit_forget_bias))
            nn.init.zeros_(self.bias_hh_l0)

    def _views(self):
        v = [
            ("kernel", "kernel", lambda: self.weight_ih_l0.T, lambda t: _set(self.weight_ih_l0, t.T)),
            (
                "recurrent_kernel",
                "recurrent",
                lambda: self.weight_hh_l0.T,
                lambda t: _set(self.weight_hh_l0, t.T),
            ),
        ]
        if self.use_bias:
            v.append(("bias", "bias", lambda: self.bias_ih_l0, lambda t: _set(self.bias_ih_l0, t)))
        return v

    def _native_ok(self):
        return self.activation_name == "tanh" and self.recurrent_activation_name == "sigmoid"

    def _call_torch(self, x, states):
        out, (h, c) = nn.LSTM.forward(self, x, (states[0][None], states[1][None]))
        return out, [h[0], c[0]]

    def _step(self, xp, states, rmasks):
        h, c = _lstm_step(
            xp,
            states[0],
            states[1],
            self.weight_hh_l0,
            self.bias_hh_l0 if self.use_bias else None,
            self._act,
            self._ract,
            rmasks,
        )
        return h, [h, c]


def _permute_gates(t, dim=0, perm=_GRU_PERM):
    """Reorder the 3 gate blocks of `t` along `dim` (the GRU permutation is its own inverse)."""
    blocks = t.chunk(3, dim)
    return torch.cat([blocks[p] for p in perm], dim)


class GRU(_Recurrent, nn.GRU):
    """keras.layers.GRU.  `input_size`: the features of (N, T, F).

    Keras's gates z, r, h are torch's r, z, n reordered.  reset_after=True (Keras's default):
    bias (2, 3u) = [bias_ih_l0; bias_hh_l0], torch's own GRU.  reset_after=False: bias (3u,) is
    bias_ih_l0, bias_hh_l0 is frozen at zero, and the step (the reset gate applied before the
    recurrent matmul) is computed here."""

    gates, n_states = 3, 1
    perm = _GRU_PERM

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        *,
        implementation=2,
        zero_output_for_mask=False,
        name=None,
    ):
        self.reset_after = reset_after
        self.gates_bias_hh_frozen = not reset_after
        nn.GRU.__init__(self, input_size, units, bias=use_bias, batch_first=True)
        self._setup(
            "GRU",
            units=units,
            act=activation,
            ract=recurrent_activation,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            flags=(return_sequences, return_state, go_backwards, stateful, unroll, use_cudnn),
            implementation=implementation,
            name=name,
        )
        self.zero_output_for_mask = zero_output_for_mask

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, 3 * u), self.kernel_initializer))
        views[1][3](draw((u, 3 * u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](draw((2, 3 * u) if self.reset_after else (3 * u,), self.bias_initializer))
            if not self.reset_after:
                nn.init.zeros_(self.bias_hh_l0)

    def _views(self):
        def put_kernel(p):
            return lambda t: _set(p, _permute_gates(t.T))

        v = [
            ("kernel", "kernel", lambda: _permute_gates(self.weight_ih_l0).T, put_kernel(self.weight_ih_l0)),
            (
                "recurrent_kernel",
                "recurrent",
                lambda: _permute_gates(self.weight_hh_l0).T,
                put_kernel(self.weight_hh_l0),
            ),
        ]
        if self.use_bias:
            if self.reset_after:

                def put_bias(t):
                    _set(self.bias_ih_l0, _permute_gates(t[0]))
                    _set(self.bias_hh_l0, _permute_gates(t[1]))

                get = lambda: torch.stack([_permute_gates(self.bias_ih_l0), _permute_gates(self.bias_hh_l0)])  # noqa: E731
                v.append(("bias", "bias", get, put_bias))
            else:
                v.append(
                    (
                        "bias",
                        "bias",
                        lambda: _permute_gates(self.bias_ih_l0),
                        lambda t: _set(self.bias_ih_l0, _permute_gates(t)),
                    )
                )
        return v

    def _native_ok(self):
        return (
            self.reset_after
            and self.activation_name == "tanh"
            and self.recurrent_activation_name == "sigmoid"
        )

    def _call_torch(self, x, states):
        out, h = nn.GRU.forward(self, x, states[0][None])
        return out, [h[0]]

    def _step(self, xp, states, rmasks):
        h = _gru_step(
            xp,
            states[0],
            self.weight_hh_l0,
            self.bias_hh_l0 if self.use_bias else None,
            self._act,
            self._ract,
            rmasks,
            self.reset_after,
        )
        return h, [h]


class SimpleRNN(_Recurrent, nn.RNN):
    """keras.layers.SimpleRNN.  `input_size`: the features of (N, T, F).

    Keras's kernel / recurrent_kernel / bias are weight_ih_l0.T / weight_hh_l0.T / bias_ih_l0;
    bias_hh_l0 is frozen at zero.  torch's kernel runs tanh and relu; other activations a loop."""

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        *,
        zero_output_for_mask=False,
        name=None,
    ):
        nonlinearity = activation if activation in ("tanh", "relu") else "tanh"
        nn.RNN.__init__(self, input_size, units, nonlinearity=nonlinearity, bias=use_bias, batch_first=True)
        self._setup(
            "SimpleRNN",
            units=units,
            act=activation,
            ract=None,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            flags=(return_sequences, return_state, go_backwards, stateful, unroll, "auto"),
            implementation=2,
            name=name,
        )
        self.implementation = 2  # SimpleRNN's cell has one mask whatever the rates
        self.zero_output_for_mask = zero_output_for_mask

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, u), self.kernel_initializer))
        views[1][3](draw((u, u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](draw((u,), self.bias_initializer))
            nn.init.zeros_(self.bias_hh_l0)

    _views = LSTM._views

    def _native_ok(self):
        return self.activation_name in ("tanh", "relu")

    def _step(self, xp, states, rmasks):
        h = _rnn_step(
            xp, states[0], self.weight_hh_l0, self.bias_hh_l0 if self.use_bias else None, self._act, rmasks
        )
        return h, [h]

    def _call_torch(self, x, states):
        out, h = nn.RNN.forward(self, x, states[0][None])
        return out, [h[0]]


_REG_ARGS = (
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
)


def _regs(args: dict) -> dict:
    return {k: args[k] for k in _REG_ARGS if k in args}


# ------------------------------------------------------------------ cells, StackedRNNCells, RNN
class _Cell(KerasViews, KerasLayer):
    """What the cells share: `_zero_state`, `_seq_masks` (drawn once per sequence by RNN),
    `_cell_step(x_t, states, masks)` -> (output, new states), all states as flat lists."""

    gates = 1
    n_states = 1
    perm = _NO_PERM
    gates_bias_hh_frozen = True
    _dropout_masks = dropout_masks

    def _setup(self, cls, *, units, act, ract, use_bias, inits, regs, rates, implementation, name):
        (self.kernel_initializer, self.recurrent_initializer, self.bias_initializer) = inits
        self.units = units
        self.activation_name, self.recurrent_activation_name = act, ract
        self._act = activation(act)
        self._ract = activation(ract) if ract is not None else None
        self.use_bias = use_bias
        dropout, recurrent_dropout, self.seed = rates
        _check_rates(cls, dropout, recurrent_dropout)
        self.dropout_rate, self.recurrent_dropout = _clip_rate(dropout), _clip_rate(recurrent_dropout)
        self.implementation = 1 if self.recurrent_dropout else implementation
        self._keras_init(name, **regs)
        check_specs(regs)
        if use_bias and self.gates_bias_hh_frozen:
            self.bias_hh.requires_grad_(False)
            self.keras_extra = ("bias_hh",)
        self.reset_parameters()

    @property
    def state_size(self):
        return self.units if self.n_states == 1 else [self.units] * self.n_states

    @property
    def output_size(self):
        return self.units

    def _zero_state(self, x):
        return [x.new_zeros(x.shape[0], self.units) for _ in range(self.n_states)]

    def _seq_masks(self, x0, states):
        count = self.gates if self.implementation == 1 else 1
        return (
            self._dropout_masks(x0, self.dropout_rate, count),
            self._dropout_masks(states[0], self.recurrent_dropout, count),
        )

    def _cell_step(self, x, states, masks):
        dp, rdp = masks
        xp = _project(x, self.weight_ih, self.bias_ih if self.use_bias else None, dp, self.perm)
        return self._step(xp, states, rdp)

    def forward(self, inputs, states):
        """Keras's cell call: (output, new states); states: a list (LSTMCell: [h, c]) or, for
        one-state cells, a tensor (then the new state is a tensor, as Keras)."""
        single = isinstance(states, torch.Tensor)
        st = _flat(states)
        out, new = self._cell_step(inputs, st, self._seq_masks(inputs, st))
        return out, (new[0] if single else new)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


class LSTMCell(_Cell, nn.LSTMCell):
    """keras.layers.LSTMCell.  `input_size`: the step input's features.  States [h, c]."""

    gates, n_states = 4, 2

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        *,
        implementation=2,
        name=None,
    ):
        self.unit_forget_bias = unit_forget_bias
        nn.LSTMCell.__init__(self, input_size, units, bias=use_bias)
        self._setup(
            "LSTMCell",
            units=units,
            act=activation,
            ract=recurrent_activation,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            implementation=implementation,
            name=name,
        )

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, 4 * u), self.kernel_initializer))
        views[1][3](draw((u, 4 * u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](_forget_bias(u, self.bias_initializer, self.unit_forget_bias))
            nn.init.zeros_(self.bias_hh)

    def _views(self):
        v = [
            ("kernel", "kernel", lambda: self.weight_ih.T, lambda t: _set(self.weight_ih, t.T)),
            ("recurrent_kernel", "recurrent", lambda: self.weight_hh.T, lambda t: _set(self.weight_hh, t.T)),
        ]
        if self.use_bias:
            v.append(("bias", "bias", lambda: self.bias_ih, lambda t: _set(self.bias_ih, t)))
        return v

    def _step(self, xp, states, rmasks):
        h, c = _lstm_step(
            xp,
            states[0],
            states[1],
            self.weight_hh,
            self.bias_hh if self.use_bias else None,
            self._act,
            self._ract,
            rmasks,
        )
        return h, [h, c]


class GRUCell(_Cell, nn.GRUCell):
    """keras.layers.GRUCell.  `input_size`: the step input's features.  See GRU for the weights."""

    gates = 3
    perm = _GRU_PERM

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        *,
        implementation=2,
        name=None,
    ):
        self.reset_after = reset_after
        self.gates_bias_hh_frozen = not reset_after
        nn.GRUCell.__init__(self, input_size, units, bias=use_bias)
        self._setup(
            "GRUCell",
            units=units,
            act=activation,
            ract=recurrent_activation,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            implementation=implementation,
            name=name,
        )

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, 3 * u), self.kernel_initializer))
        views[1][3](draw((u, 3 * u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](draw((2, 3 * u) if self.reset_after else (3 * u,), self.bias_initializer))
            if not self.reset_after:
                nn.init.zeros_(self.bias_hh)

    def _views(self):
        v = [
            (
                "kernel",
                "kernel",
                lambda: _permute_gates(self.weight_ih).T,
                lambda t: _set(self.weight_ih, _permute_gates(t.T)),
            ),
            (
                "recurrent_kernel",
                "recurrent",
                lambda: _permute_gates(self.weight_hh).T,
                lambda t: _set(self.weight_hh, _permute_gates(t.T)),
            ),
        ]
        if self.use_bias:
            if self.reset_after:

                def put_bias(t):
                    _set(self.bias_ih, _permute_gates(t[0]))
                    _set(self.bias_hh, _permute_gates(t[1]))

                get = lambda: torch.stack([_permute_gates(self.bias_ih), _permute_gates(self.bias_hh)])  # noqa: E731
                v.append(("bias", "bias", get, put_bias))
            else:
                v.append(
                    (
                        "bias",
                        "bias",
                        lambda: _permute_gates(self.bias_ih),
                        lambda t: _set(self.bias_ih, _permute_gates(t)),
                    )
                )
        return v

    def _step(self, xp, states, rmasks):
        h = _gru_step(
            xp,
            states[0],
            self.weight_hh,
            self.bias_hh if self.use_bias else None,
            self._act,
            self._ract,
            rmasks,
            self.reset_after,
        )
        return h, [h]


class SimpleRNNCell(_Cell, nn.RNNCell):
    """keras.layers.SimpleRNNCell.  `input_size`: the step input's features."""

    def __init__(
        self,
        input_size,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        *,
        name=None,
    ):
        nonlinearity = activation if activation in ("tanh", "relu") else "tanh"
        nn.RNNCell.__init__(self, input_size, units, bias=use_bias, nonlinearity=nonlinearity)
        self._setup(
            "SimpleRNNCell",
            units=units,
            act=activation,
            ract=None,
            use_bias=use_bias,
            inits=(kernel_initializer, recurrent_initializer, bias_initializer),
            regs=_regs(locals()),
            rates=(dropout, recurrent_dropout, seed),
            implementation=2,
            name=name,
        )
        self.implementation = 2

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):
            return
        u, f = self.units, self.input_size
        views = self._views()
        views[0][3](draw((f, u), self.kernel_initializer))
        views[1][3](draw((u, u), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](draw((u,), self.bias_initializer))
            nn.init.zeros_(self.bias_hh)

    _views = LSTMCell._views

    def _step(self, xp, states, rmasks):
        h = _rnn_step(
            xp, states[0], self.weight_hh, self.bias_hh if self.use_bias else None, self._act, rmasks
        )
        return h, [h]


class _Container(KerasLayer):
    """Weights, penalties and constraints of the KerasLayers in `self._parts()`, in order."""

    def _parts(self):
        raise NotImplementedError

    @property
    def keras_weights_spec(self):
        return tuple(s for p in self._parts() for s in p.keras_weights_spec)

    def load_keras(self, arrays):
        arrays = list(arrays)
        want = len(self.keras_weights_spec)
        if len(arrays) != want:
            raise ValueError(f"{self.name!r}: expected {want} arrays, got {len(arrays)}")
        i = 0
        for p in self._parts():
            n = len(p.keras_weights_spec)
            p.load_keras(arrays[i : i + n])
            i += n

    def keras_arrays(self) -> list:
        return [a for p in self._parts() for a in p.keras_arrays()]

    def regularization_loss(self):
        total = None
        for p in self._parts():
            r = p.regularization_loss()
            if r is not None:
                total = r if total is None else total + r
        return total

    def apply_constraints(self):
        for p in self._parts():
            p.apply_constraints()

    def reset_parameters(self):
        for p in self._parts():
            _reset_all(p)


def _reset_all(module):
    """Draw every KerasLayer's weights in `module` anew (Keras's initializers)."""
    for m in module.modules():
        if isinstance(m, KerasLayer) and not isinstance(m, _Container):
            m.reset_parameters()


class StackedRNNCells(_Container, Layer):
    """keras.layers.StackedRNNCells(cells): each cell feeds the next within a step; the states
    are the cells' states in order (flat here; Keras nests them per cell)."""

    def __init__(self, cells, *, name=None):
        Layer.__init__(self, name=name)
        self.cells = nn.ModuleList(cells)
        for a, b in zip(self.cells, self.cells[1:]):
            if getattr(b, "input_size", a.output_size) != a.output_size:
                raise ValueError(
                    f"StackedRNNCells: {b.name!r} takes {b.input_size} features, {a.name!r} gives {a.output_size}"
                )

    def _parts(self):
        return list(self.cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return self.cells[-1].output_size

    def _counts(self):
        return [len(_flat_sizes(c.state_size)) for c in self.cells]

    def _zero_state(self, x):
        out, inp = [], x
        for c in self.cells:
            out += c._zero_state(inp)
            inp = inp.new_zeros(inp.shape[0], c.output_size)
        return out

    def _split(self, states):
        parts, i = [], 0
        for n in self._counts():
            parts.append(states[i : i + n])
            i += n
        return parts

    def _seq_masks(self, x0, states):
        masks, inp = [], x0
        for c, st in zip(self.cells, self._split(states)):
            masks.append(c._seq_masks(inp, st))
            inp = inp.new_zeros(inp.shape[0], c.output_size)
        return masks

    def _cell_step(self, x, states, masks):
        new = []
        for c, st, m in zip(self.cells, self._split(states), masks):
            x, st = c._cell_step(x, st, m)
            new += st
        return x, new

    def forward(self, inputs, states):
        """Keras's call: (output, new states), the states nested per cell as given."""
        flat = _flat(states)
        out, new = self._cell_step(inputs, flat, self._seq_masks(inputs, flat))
        nested, i = [], 0
        for s in states:
            n = len(_flat(s))
            nested.append(new[i] if isinstance(s, torch.Tensor) else new[i : i + n])
            i += n
        return out, nested


def _flat_sizes(size):
    if isinstance(size, (list, tuple)):
        return [n for s in size for n in _flat_sizes(s)]
    return [size]


class RNN(_Container, Layer):
    """keras.layers.RNN(cell): runs LSTMCell / GRUCell / SimpleRNNCell / StackedRNNCells (a list
    of cells is stacked) over (N, T, F).  With return_state the states follow the output
    flattened in Keras's order (keras.tree.flatten): [out, h1, c1, h2, ...]."""

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        *,
        name=None,
    ):
        Layer.__init__(self, name=name)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not isinstance(cell, (_Cell, StackedRNNCells)):
            raise NotImplementedError(
                f"RNN(cell={type(cell).__name__}): graphc_runtime runs LSTMCell, GRUCell, SimpleRNNCell "
                "and StackedRNNCells"
            )
        _check_flags("RNN", stateful)
        self.cell = cell
        self.return_sequences, self.return_state, self.go_backwards = (
            return_sequences,
            return_state,
            go_backwards,
        )
        self.stateful, self.unroll, self.zero_output_for_mask = stateful, unroll, zero_output_for_mask

    def _parts(self):
        return [self.cell]

    @property
    def n_states(self):
        return len(_flat_sizes(self.cell.state_size))

    def forward(self, sequences, mask=None, initial_state=None):
        x = sequences
        states = _flat(initial_state)
        if states is None:
            states = self.cell._zero_state(x[:, 0])
        elif len(states) != self.n_states:
            raise ValueError(
                f"{self.name!r}: initial_state has {len(states)} tensors, expected {self.n_states}"
            )
        mask = _as_mask(mask)
        masks = self.cell._seq_masks(x[:, 0], states)
        if self.go_backwards:
            x, mask = x.flip(1), None if mask is None else mask.flip(1)
        last, seq, states = scan(
            lambda t, st: self.cell._cell_step(x[:, t], st, masks),
            x.shape[1],
            states,
            mask,
            self.zero_output_for_mask,
            self.return_sequences,
        )
        out = seq if self.return_sequences else last
        return (out, *states) if self.return_state else out

    def compute_mask(self, inputs, mask):
        out = mask if self.return_sequences else None
        return [out] + [None] * self.n_states if self.return_state else out


# ------------------------------------------------------------------ Bidirectional
def _feature_dim(layer):
    """The torch dimension of Keras's last axis in `layer`'s output (channels for ConvLSTM)."""
    if isinstance(layer, _ConvLSTM):
        return 2 if layer.return_sequences else 1
    return -1


class Bidirectional(_Container, Layer):
    """keras.layers.Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None).

    `layer`: an LSTM, GRU, SimpleRNN, RNN or ConvLSTM*D of this module (copied: the forward
    layer is a copy, the backward one a copy with go_backwards=True and its own fresh weights,
    unless backward_layer is given).  Weights: the forward layer's, then the backward layer's.
    forward(sequences, mask=None, initial_state=None) -> the merged output, or with
    merge_mode=None the two outputs; with return_state the forward then the backward states.
    A mask gives zeros at masked steps (Keras sets zero_output_for_mask = return_sequences).
    Concatenation is on the features (the channels for ConvLSTM)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, *, name=None):
        Layer.__init__(self, name=name)
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(
                f"Bidirectional: merge_mode must be sum, mul, ave, concat or None, got {merge_mode!r}"
            )
        if not isinstance(layer, (_Recurrent, RNN, _ConvLSTM)):
            raise NotImplementedError(
                f"Bidirectional({type(layer).__name__}): wrap an LSTM, GRU, SimpleRNN, RNN or ConvLSTM"
            )
        base = getattr(layer, "name", "") or ""
        self.forward_layer = copy.deepcopy(layer)
        self.forward_layer.name = "forward_" + base.removeprefix("forward_")
        if backward_layer is None:
            self.backward_layer = copy.deepcopy(layer)
            self.backward_layer.go_backwards = True
            self.backward_layer.name = "backward_" + base.removeprefix("backward_")
            _reset_all(self.backward_layer)
        else:
            self.backward_layer = backward_layer
        f, b = self.forward_layer, self.backward_layer
        if f.go_backwards == b.go_backwards:
            raise ValueError(
                "Bidirectional: the forward and backward layers must have different go_backwards "
                f"(both are {f.go_backwards})"
            )
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(f, a) != getattr(b, a):
                raise ValueError(f"Bidirectional: layer and backward_layer differ in {a}")
        for lay in (f, b):  # as Keras: zeros at masked steps when returning sequences
            lay.zero_output_for_mask = lay.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = f.return_sequences, f.return_state
        self.stateful = f.stateful
        if weights is not None:
            self.load_keras(weights)

    def _parts(self):
        return [self.forward_layer, self.backward_layer]

    def forward(self, sequences, mask=None, initial_state=None):
        fs = bs = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fs, bs = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, mask=mask, initial_state=fs)
        y_rev = self.backward_layer(sequences, mask=mask, initial_state=bs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev.flip(1)
        if self.merge_mode == "concat":
            out = (torch.cat([y, y_rev], _feature_dim(self.forward_layer)),)
        elif self.merge_mode == "sum":
            out = (y + y_rev,)
        elif self.merge_mode == "ave":
            out = ((y + y_rev) / 2,)
        elif self.merge_mode == "mul":
            out = (y * y_rev,)
        else:
            out = (y, y_rev)
        if self.return_state or self.merge_mode is None:
            return out + states
        return out[0]

    def compute_mask(self, inputs, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            out = (mask, mask) if not self.merge_mode else mask
        else:
            out = (None, None) if not self.merge_mode else None
        return out


# ------------------------------------------------------------------ TimeDistributed
class TimeDistributed(_Container, Layer):
    """keras.layers.TimeDistributed(layer): `layer` on every timestep of (N, T, ...), in the
    wrapped layer's own layout (a convolution sees channels-first frames: (N, T, C, H, W)).

    Time is folded into the batch, except when training a layer that keeps running
    statistics (BatchNormalization...): then, as Keras, one call per timestep (each with its
    own batch statistics and moving-average update).  A mask (N, T, ...) reaches the wrapped
    layer's `mask=` when its forward takes one."""

    def __init__(self, layer, *, channels_last=False, name=None):
        Layer.__init__(self, name=name)
        if not isinstance(layer, nn.Module):
            raise ValueError(f"TimeDistributed wraps a layer, got {layer!r}")
        self.layer = layer
        # inputs and outputs in Keras's layout (N, T, ..., C) around a channels-first layer
        self.channels_last = channels_last
        try:
            self._takes_mask = "mask" in inspect.signature(layer.forward).parameters
        except (TypeError, ValueError):
            self._takes_mask = False

    def _parts(self):
        return [self.layer] if isinstance(self.layer, KerasLayer) else []

    def reset_parameters(self):
        _reset_all(self.layer)

    def forward(self, inputs, mask=None):
        if self.channels_last and inputs.dim() > 3:
            y = self._forward(inputs.movedim(-1, 2), mask)
            return y.movedim(2, -1) if y.dim() > 3 else y
        return self._forward(inputs, mask)

    def _forward(self, inputs, mask=None):
        x = inputs
        if x.dim() < 3:
            raise ValueError(f"TimeDistributed expects (batch, timesteps, ...), got {tuple(x.shape)}")
        n, steps = x.shape[:2]
        kw = {}
        stepwise = self.training and any(True for _ in self.layer.buffers())
        if stepwise:
            outs = []
            for t in range(steps):
                if self._takes_mask and mask is not None:
                    kw["mask"] = mask[:, t]
                outs.append(self.layer(x[:, t], **kw))
            return torch.stack(outs, 1)
        if self._takes_mask and mask is not None:
            kw["mask"] = mask.reshape((n * steps,) + tuple(mask.shape[2:]))
        y = self.layer(x.reshape((n * steps,) + tuple(x.shape[2:])), **kw)
        return y.reshape((n, steps) + tuple(y.shape[1:]))

    def compute_mask(self, inputs, mask):
        return mask


# ------------------------------------------------------------------ ConvLSTM1D/2D/3D
def _tuple(v, rank, what):
    t = (v,) * rank if isinstance(v, int) else tuple(v)
    if len(t) != rank:
        raise ValueError(f"{what} needs {rank} values, got {v!r}")
    return t


def pad_same(x, kernel, strides, dilation):
    """TensorFlow's 'same' padding of the trailing len(kernel) axes (the extra one at the end)."""
    pads = []
    for n, k, s, d in zip(reversed(x.shape[2:]), reversed(kernel), reversed(strides), reversed(dilation)):
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads) if any(pads) else x


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


class _ConvLSTM(KerasViews, Layer):
    """keras.layers.ConvLSTM{rank}D on channels-first frames.  `in_channels`: C of (N, T, C, ...).

    Keras's kernel (*k, C, 4f) / recurrent_kernel (*k, f, 4f) are `kernel` (4f, C, *k) /
    `recurrent_kernel` (4f, f, *k) here (torch's convolution layout), gates i, f, c, o; the
    input convolution uses strides/padding/dilation, the recurrent one 'same' with stride 1.
    data_format is accepted and has no effect: frames are channels-first here."""

    rank = 2
    _dropout_masks = dropout_masks

    def __init__(
        self,
        in_channels,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        *,
        channels_last=False,
        name=None,
    ):
        cls = type(self).__name__
        regs = _regs(locals())
        self.channels_last = channels_last  # inputs, states and outputs in Keras's layout
        Layer.__init__(self, name=name, **regs)
        check_specs(regs)
        r = self.rank
        self.in_channels, self.filters = in_channels, filters
        self.kernel_size = _tuple(kernel_size, r, f"{cls} kernel_size")
        self.strides = _tuple(strides, r, f"{cls} strides")
        self.dilation_rate = _tuple(dilation_rate, r, f"{cls} dilation_rate")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{cls}: padding must be 'valid' or 'same', got {padding!r}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{cls}: strides > 1 cannot be combined with dilation_rate > 1")
        self.data_format = data_format
        self.activation_name, self.recurrent_activation_name = activation, recurrent_activation
        self._act, self._ract = _conv_act(activation), _conv_act(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        _check_rates(cls, dropout, recurrent_dropout)
        self.dropout_rate, self.recurrent_dropout = _clip_rate(dropout), _clip_rate(recurrent_dropout)
        self.seed = seed
        self.return_sequences, self.return_state, self.go_backwards = (
            return_sequences,
            return_state,
            go_backwards,
        )
        _check_flags(cls, stateful)
        self.stateful = stateful
        self.zero_output_for_mask = False
        k = self.kernel_size
        self.kernel = nn.Parameter(torch.empty((4 * filters, in_channels) + k))
        self.recurrent_kernel = nn.Parameter(torch.empty((4 * filters, filters) + k))
        self.register_parameter("bias", nn.Parameter(torch.empty(4 * filters)) if use_bias else None)
        self.reset_parameters()

    def _views(self):
        r = self.rank
        to_keras = tuple(range(2, 2 + r)) + (1, 0)  # (O, I, *k) -> (*k, I, O)
        to_torch = (r + 1, r) + tuple(range(r))
        v = [
            (
                "kernel",
                "kernel",
                lambda: self.kernel.permute(to_keras),
                lambda t: _set(self.kernel, t.permute(to_torch)),
            ),
            (
                "recurrent_kernel",
                "recurrent",
                lambda: self.recurrent_kernel.permute(to_keras),
                lambda t: _set(self.recurrent_kernel, t.permute(to_torch)),
            ),
        ]
        if self.use_bias:
            v.append(("bias", "bias", lambda: self.bias, lambda t: _set(self.bias, t)))
        return v

    def reset_parameters(self):
        k, c, f = self.kernel_size, self.in_channels, self.filters
        views = self._views()
        views[0][3](draw(k + (c, 4 * f), self.kernel_initializer))
        views[1][3](draw(k + (f, 4 * f), self.recurrent_initializer))
        if self.use_bias:
            views[2][3](_forget_bias(f, self.bias_initializer, self.unit_forget_bias))

    def _conv_in(self, x, w, b):
        if self.padding == "same":
            x = pad_same(x, self.kernel_size, self.strides, self.dilation_rate)
        return _CONV[self.rank](x, w, b, stride=self.strides, dilation=self.dilation_rate)

    def _conv_rec(self, h, w):
        ones = (1,) * self.rank
        return _CONV[self.rank](pad_same(h, self.kernel_size, ones, ones), w)

    def output_spatial(self, sizes):
        out = []
        for n, k, s, d in zip(sizes, self.kernel_size, self.strides, self.dilation_rate):
            out.append(-(-n // s) if self.padding == "same" else (n - d * (k - 1) - 1) // s + 1)
        return tuple(out)

    def forward(self, sequences, mask=None, initial_state=None):
        if not self.channels_last:
            return self._forward(sequences, mask, initial_state)
        given = _flat(initial_state)
        if given is not None:
            given = [st.movedim(-1, 1) for st in given]
        outs = self._forward(sequences.movedim(-1, 2), mask, given)
        if not self.return_state:
            return outs.movedim(2 if self.return_sequences else 1, -1)
        first = outs[0].movedim(2 if self.return_sequences else 1, -1)
        return (first, *(st.movedim(1, -1) for st in outs[1:]))

    def _forward(self, sequences, mask=None, initial_state=None):
        x = sequences
        if x.dim() != self.rank + 3:
            raise ValueError(
                f"{type(self).__name__} expects (batch, timesteps, channels, *{self.rank} spatial), got {tuple(x.shape)}"
            )
        n, steps = x.shape[:2]
        frame = x[:, 0]
        f = self.filters
        state_shape = (n, f) + self.output_spatial(x.shape[3:])
        given = _flat(initial_state)
        if given is None:
            states = [x.new_zeros(state_shape), x.new_zeros(state_shape)]
        elif len(given) != 2:
            raise ValueError(f"{self.name!r}: initial_state has {len(given)} tensors, expected 2")
        else:
            states = [s.to(x.dtype) for s in given]
        dp = self._dropout_masks(frame, self.dropout_rate, 4)
        rdp = self._dropout_masks(states[0], self.recurrent_dropout, 4)
        mask = _as_mask(mask)
        if self.go_backwards:
            x, mask = x.flip(1), None if mask is None else mask.flip(1)
        # the input convolutions of every step at once (time folded into the batch)
        flat = x.reshape((n * steps,) + tuple(x.shape[2:]))
        if dp is None:
            xp = self._conv_in(flat, self.kernel, self.bias)
        else:
            parts = []
            for g in range(4):
                m = dp[g].unsqueeze(1).expand_as(x).reshape(flat.shape)
                b = None if self.bias is None else self.bias[g * f : (g + 1) * f]
                parts.append(self._conv_in(flat * m, self.kernel[g * f : (g + 1) * f], b))
            xp = torch.cat(parts, 1)
        xp = xp.reshape((n, steps) + tuple(xp.shape[1:]))

        def step(t, st):
            h, c = st
            if rdp is None:
                z = xp[:, t] + self._conv_rec(h, self.recurrent_kernel)
            else:
                z = xp[:, t] + torch.cat(
                    [
                        self._conv_rec(h * rdp[g], self.recurrent_kernel[g * f : (g + 1) * f])
                        for g in range(4)
                    ],
                    1,
                )
            i, fg, cc, o = z.chunk(4, 1)
            i, fg, o = self._ract(i), self._ract(fg), self._ract(o)
            c = fg * c + i * self._act(cc)
            h = o * self._act(c)
            return h, [h, c]

        last, seq, states = scan(step, steps, states, mask, self.zero_output_for_mask, self.return_sequences)
        out = seq if self.return_sequences else last
        outs = (out, *states) if self.return_state else (out,)
        activity_penalty(self, outs)
        return outs if self.return_state else out

    def compute_mask(self, inputs, mask):
        out = mask if self.return_sequences else None
        return [out, None, None] if self.return_state else out

    def extra_repr(self):
        return (
            f"{self.in_channels}, {self.filters}, kernel_size={self.kernel_size}, strides={self.strides}, "
            f"padding={self.padding!r}, name={self.name!r}"
        )


def _conv_act(name):
    f = activation(name)
    return lambda x: f(x, 1)  # Keras's last axis is the channels: torch dimension 1 here


class ConvLSTM1D(_ConvLSTM):
    """keras.layers.ConvLSTM1D: (N, T, C, L) -> (N, filters, L') or (N, T, filters, L')."""

    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """keras.layers.ConvLSTM2D: (N, T, C, H, W) -> (N, filters, H', W') or (N, T, filters, H', W')."""

    rank = 2


class ConvLSTM3D(_ConvLSTM):
    """keras.layers.ConvLSTM3D: (N, T, C, D, H, W) -> (N, filters, D', H', W') or with T."""

    rank = 3
