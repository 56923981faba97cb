"""Recurrent layers: LSTM, GRU, SimpleRNN, RNN over the built-in cells (SimpleRNNCell, LSTMCell,
GRUCell, StackedRNNCells), ConvLSTM1D/2D/3D, and the Bidirectional and TimeDistributed wrappers.

Input (batch, timesteps, features); output (batch, units), or (batch, timesteps, units)
with return_sequences; return_state appends the final states (LSTM: h and c).  A stack of
cells returns its states flattened in Keras's order (keras.tree.flatten): [out, h1, c1, h2, ...].
"""

from __future__ import annotations

from graphc.ops.base import (
    TRAINING,
    ArgError,
    LayerArg,
    Op,
    P,
    ShapeError,
    activation_,
    bool_,
    check_mask,
    choice,
    constraint_,
    conv_out,
    data_format_,
    float_,
    initializer_,
    int_,
    int_tuple,
    layer_,
    layer_dtype,
    layer_or_layers_,
    layers_,
    need_rank,
    none_only,
    op_instance,
    optional,
    register,
    regularizer_,
    seed_,
)
from graphc.types import TensorType, Weight

_STATE_NAMES = {"LSTM": "h, c", "ConvLSTM1D": "h, c", "ConvLSTM2D": "h, c", "ConvLSTM3D": "h, c"}


class _Recurrent(Op):
    """What every recurrent layer's call takes: Keras's RNN.call(sequences, initial_state=None,
    mask=None, training=None); it passes its input's mask on when it returns sequences."""

    is_rnn = True
    call_tensors = ("initial_state", "mask")
    call_options = (TRAINING,)
    supports_masking = True

    def state_shapes(self, a, x: TensorType) -> list:
        """The shapes (without batch) of the states, in Keras's order."""
        raise NotImplementedError

    def compute_mask(self, a, inputs, mask):
        # keras/src/layers/rnn/rnn.py compute_mask: the mask of the sequences, when returned
        m = mask[0] if isinstance(mask, (list, tuple)) else mask
        out = [m if a.return_sequences else None]
        return out + [None] * (self.num_outputs(a) - 1)

    def check_call_tensors(self, a, inputs, given):
        x = inputs[0]
        if given.get("mask") is not None:
            check_mask(self.name, given["mask"], x, "mask")
        init = given.get("initial_state")
        if init is None:
            return
        states = init if isinstance(init, list) else [init]
        want = self.state_shapes(a, x)
        names = _STATE_NAMES.get(self.name) or ", ".join(f"state{i}" for i in range(len(want)))
        if len(states) != len(want):
            example = ", ".join(n.strip() for n in names.split(","))
            raise ShapeError(
                f"{self.name} takes {len(want)} initial state{'s' if len(want) != 1 else ''} "
                f"({', '.join(str(TensorType(w)) for w in want)}), got {len(states)}",
                code="arity",
                arg="initial_state",
                hint=(
                    f"pass initial_state=[{example}]"
                    + (", e.g. the states of a layer applied with return_state=true" if len(want) > 1 else "")
                ),
            )
        for i, (st, w) in enumerate(zip(states, want)):
            if st is None:
                raise ShapeError(
                    f"{self.name}: initial_state[{i}] is None", code="type-error", arg="initial_state"
                )
            if len(st.shape) != len(w) or any(p is not None and p != q for p, q in zip(st.shape, w)):
                raise ShapeError(
                    f"{self.name}: initial_state[{i}] must have the shape {TensorType(w)} of its state, "
                    f"got {st}",
                    arg="initial_state",
                    hint="the states must have this layer's size (units); an encoder's states fit a "
                    "decoder of the same units",
                )
            if st.dtype not in ("float16", "bfloat16", "float32", "float64"):
                raise ShapeError(
                    f"{self.name}: initial_state[{i}] must be a float tensor, got dtype {st.dtype}",
                    code="argument-type",
                    arg="initial_state",
                )


def use_cudnn_(v):
    if v == "auto" or isinstance(v, bool):
        return v
    raise ArgError(f'expected "auto", true or false, got `{v!r}`', code="argument-type")


use_cudnn_.doc = '"auto" or bool'


class _RNN(_Recurrent):
    gates = 1  # kernel columns per unit
    states = 1  # number of state tensors

    @classmethod
    def validate(cls, given):
        if given.get("stateful"):
            raise ArgError(
                f"{cls.name}(stateful=true) is not supported by graphc: a stateful RNN needs a fixed "
                "batch size, which graphc does not track",
                arg="stateful",
                code="unsupported",
                hint="remove stateful=true",
            )

    def num_outputs(self, a):
        return 1 + (self.states if a.return_state else 0)

    def state_shapes(self, a, x):
        return [(a.units,)] * self.states

    def infer(self, a, inputs):
        (x,) = inputs
        self._check_input(a, x)
        dt = layer_dtype(a)
        out = TensorType((x.shape[0], a.units) if a.return_sequences else (a.units,), dt)
        return [out] + [TensorType((a.units,), dt)] * (self.states if a.return_state else 0)

    def _check_input(self, a, x):
        if x.rank != 3:
            hint = (
                "set return_sequences=true on the layer that made it"
                if x.rank == 2
                else "recurrent layers take (batch, timesteps, features); Reshape to that first"
            )
            raise ShapeError(
                f"{self.name} expects a 3D input (batch, timesteps, features), got shape {x} ({x.rank}D)",
                code="rank-mismatch",
                hint=hint,
                input_index=0,
            )
        if x.shape[1] is None:
            raise ShapeError(
                f"{self.name} needs a known feature size (the last axis), got shape {x}",
                input_index=0,
                hint="give the size in Input(shape=(None, features))",
            )
        if a.unroll and x.shape[0] is None:
            raise ShapeError(
                f"{self.name}(unroll=true) needs a known number of timesteps, got shape {x}",
                input_index=0,
                hint="give the length in Input(shape=...), or drop unroll",
            )

    def bias_shape(self, a) -> tuple:
        return (self.gates * a.units,)

    def weights(self, a, inputs):
        f = inputs[0].shape[-1]
        g = self.gates * a.units
        w = [Weight("kernel", (f, g)), Weight("recurrent_kernel", (a.units, g))]
        if a.use_bias:
            w.append(Weight("bias", self.bias_shape(a)))
        return w


def _common_head(with_recurrent_activation: bool) -> list:
    ps = [P("units", int_(1)), P("activation", activation_, "tanh")]
    if with_recurrent_activation:
        ps.append(P("recurrent_activation", activation_, "sigmoid"))
    ps += [
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("recurrent_initializer", initializer_, "orthogonal"),
        P("bias_initializer", initializer_, "zeros"),
    ]
    return ps


_REGS = [
    P("kernel_regularizer", regularizer_, None),
    P("recurrent_regularizer", regularizer_, None),
    P("bias_regularizer", regularizer_, None),
    P("activity_regularizer", regularizer_, None),
    P("kernel_constraint", constraint_, None),
    P("recurrent_constraint", constraint_, None),
    P("bias_constraint", constraint_, None),
    P("dropout", float_(0, 1), 0.0),
    P("recurrent_dropout", float_(0, 1), 0.0),
]
_FLAGS = [
    P("return_sequences", bool_, False),
    P("return_state", bool_, False),
    P("go_backwards", bool_, False),
    P("stateful", bool_, False),
    P("unroll", bool_, False),
]


@register
class LSTM(_RNN):
    """LSTM(units): outputs, and with return_state also the final h and c."""

    name = "LSTM"
    gates, states = 4, 2
    params = tuple(
        _common_head(True)
        + [P("unit_forget_bias", bool_, True)]
        + _REGS
        + [P("seed", seed_, None)]
        + _FLAGS
        + [P("use_cudnn", use_cudnn_, "auto"), P("implementation", int_(1, 2), 2, positional=False)]
    )


@register
class GRU(_RNN):
    """GRU(units): reset_after=True (Keras's default) gives a (2, 3*units) bias."""

    name = "GRU"
    gates, states = 3, 1
    params = tuple(
        _common_head(True)
        + _REGS
        + [P("seed", seed_, None)]
        + _FLAGS
        + [
            P("reset_after", bool_, True),
            P("use_cudnn", use_cudnn_, "auto"),
            P("implementation", int_(1, 2), 2, positional=False),
        ]
    )

    def bias_shape(self, a):
        return (2, 3 * a.units) if a.reset_after else (3 * a.units,)


@register
class SimpleRNN(_RNN):
    name = "SimpleRNN"
    gates, states = 1, 1
    params = tuple(_common_head(False) + _REGS + _FLAGS + [P("seed", seed_, None)])


# ------------------------------------------------------------ Bidirectional
def _inner(v: LayerArg):
    op = op_instance(v.op)
    return op, op.full(v.args)


@register
class Bidirectional(_Recurrent):
    """Bidirectional(layer, merge_mode="concat"): runs an RNN forwards and backwards and merges them.
    Applied with initial_state=[forward states..., backward states...]; with return_state it returns
    the output(s), then the forward states, then the backward states."""

    name = "Bidirectional"
    is_rnn = False  # not itself wrappable
    params = (
        P("layer", layer_),
        P("merge_mode", optional(choice("concat", "sum", "mul", "ave", lower=False)), "concat"),
        P("weights", none_only("weights"), None),
        P("backward_layer", optional(layer_), None),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        fwd, fa = _inner(a.layer)
        if not getattr(fwd, "is_rnn", False):
            raise ArgError(
                "Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN, RNN, ConvLSTM1D/2D/3D), "
                f"got {fwd.name}",
                arg="layer",
                code="argument-type",
            )
        if a.backward_layer is None:
            if fa.go_backwards:
                raise ArgError(
                    "Bidirectional: the wrapped layer must not set go_backwards=true (the backward copy "
                    "is made with go_backwards=true)",
                    arg="layer",
                    hint="drop go_backwards, or pass backward_layer=...",
                )
            return
        bwd, ba = _inner(a.backward_layer)
        if not getattr(bwd, "is_rnn", False):
            raise ArgError(
                f"Bidirectional: backward_layer must be a recurrent layer, got {bwd.name}",
                arg="backward_layer",
                code="argument-type",
            )
        if fa.go_backwards == ba.go_backwards:
            raise ArgError(
                "Bidirectional: the forward and backward layers must have different go_backwards "
                f"(both are {str(fa.go_backwards).lower()})",
                arg="backward_layer",
                hint="set go_backwards=true on backward_layer",
            )
        for k in ("stateful", "return_sequences", "return_state", "units", "filters"):
            if k in fa and k in ba and fa[k] != ba[k]:
                raise ArgError(
                    f"Bidirectional: layer and backward_layer must have the same {k} ({fa[k]} vs {ba[k]})",
                    arg="backward_layer",
                )
        if type(fwd) is not type(bwd) and fa.return_state:
            raise ArgError(
                f"Bidirectional with return_state needs layer and backward_layer of the same kind "
                f"({fwd.name} vs {bwd.name})",
                arg="backward_layer",
            )

    def num_outputs(self, a):
        fwd, fa = _inner(a.layer)
        n_states = fwd.num_outputs(fa) - 1
        return (2 if a.merge_mode is None else 1) + 2 * n_states

    def state_shapes(self, a, x):
        fwd, fa = _inner(a.layer)
        bwd, ba = _inner(a.backward_layer) if a.backward_layer is not None else (fwd, fa)
        return fwd.state_shapes(fa, x) + bwd.state_shapes(ba, x)

    def compute_mask(self, a, inputs, mask):
        # keras/src/layers/rnn/bidirectional.py compute_mask
        m = mask[0] if isinstance(mask, (list, tuple)) else mask
        fwd, fa = _inner(a.layer)
        n_out = 2 if a.merge_mode is None else 1
        out = [m if fa.return_sequences else None] * n_out
        return out + [None] * (self.num_outputs(a) - n_out)

    def infer(self, a, inputs):
        fwd, fa = _inner(a.layer)
        outs = fwd.infer(fa, inputs)
        if a.backward_layer is not None:
            bwd, ba = _inner(a.backward_layer)
            bouts = bwd.infer(ba, inputs)
            if [t.shape for t in bouts] != [t.shape for t in outs]:
                raise ShapeError(
                    f"Bidirectional: layer ({fwd.name}) and backward_layer ({bwd.name}) give different "
                    f"shapes: {', '.join(map(str, outs))} vs {', '.join(map(str, bouts))}",
                    code="argument-value",
                    arg="backward_layer",
                    hint="give both directions the same size and return_sequences/return_state",
                )
        y, states = outs[0], outs[1:]
        dt = layer_dtype(a)
        y = TensorType(y.shape, dt)
        states = [TensorType(s.shape, dt) for s in states]
        if a.merge_mode == "concat":
            ys = [TensorType(y.shape[:-1] + (y.shape[-1] * 2,), dt)]
        elif a.merge_mode is None:
            ys = [y, y]
        else:
            ys = [y]
        return ys + states + states

    def weights(self, a, inputs):
        fwd, fa = _inner(a.layer)
        if a.backward_layer is not None:
            bwd, ba = _inner(a.backward_layer)
        else:
            bwd, ba = fwd, fa
        return [Weight("forward/" + w.name, w.shape, w.trainable) for w in fwd.weights(fa, inputs)] + [
            Weight("backward/" + w.name, w.shape, w.trainable) for w in bwd.weights(ba, inputs)
        ]


# -------------------------------------------------------------------- cells
def _cell_head(recurrent_activation: bool, forget_bias: bool) -> list:
    ps = [P("units", int_(1)), P("activation", activation_, "tanh")]
    if recurrent_activation:
        ps.append(P("recurrent_activation", activation_, "sigmoid"))
    ps += [
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("recurrent_initializer", initializer_, "orthogonal"),
        P("bias_initializer", initializer_, "zeros"),
    ]
    if forget_bias:
        ps.append(P("unit_forget_bias", bool_, True))
    return ps + [
        P("kernel_regularizer", regularizer_, None),
        P("recurrent_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("recurrent_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("dropout", float_(0, 1), 0.0),
        P("recurrent_dropout", float_(0, 1), 0.0),
    ]


class _Cell(Op):
    """One step of a recurrent layer.  A cell is not applied to a tensor on its own (Keras's cells
    take the step input and the states); it runs inside RNN(cell), StackedRNNCells or Bidirectional."""

    is_cell = True
    gates = 1
    n_states = 1

    def state_size(self, a):
        """Keras's `state_size`: an int, or a list for several states (LSTMCell: [units, units])."""
        return a.units if self.n_states == 1 else [a.units] * self.n_states

    def output_size(self, a) -> int:
        return a.units

    def bias_shape(self, a) -> tuple:
        return (self.gates * a.units,)

    def cell_weights(self, a, in_dim: int) -> list:
        g = self.gates * a.units
        w = [Weight("kernel", (in_dim, g)), Weight("recurrent_kernel", (a.units, g))]
        if a.use_bias:
            w.append(Weight("bias", self.bias_shape(a)))
        if a.get("trainable", True) is False:
            w = [Weight(x.name, x.shape, False) for x in w]
        return w

    def infer(self, a, inputs):
        raise ShapeError(
            f"{self.name} is a cell: it computes one step from the input and the states, so it is not "
            "applied to a tensor on its own",
            code="type-error",
            hint=f"run it over a sequence with RNN({self.name}(...))(x)",
        )


@register
class SimpleRNNCell(_Cell):
    """SimpleRNNCell(units): one step of SimpleRNN; use it in RNN(SimpleRNNCell(units))."""

    name = "SimpleRNNCell"
    params = tuple(_cell_head(False, False) + [P("seed", seed_, None)])


@register
class LSTMCell(_Cell):
    """LSTMCell(units): one step of LSTM (states h and c); use it in RNN(LSTMCell(units))."""

    name = "LSTMCell"
    gates, n_states = 4, 2
    params = tuple(
        _cell_head(True, True)
        + [P("seed", seed_, None), P("implementation", int_(1, 2), 2, positional=False)]
    )


@register
class GRUCell(_Cell):
    """GRUCell(units): one step of GRU; reset_after=True (Keras's default) gives a (2, 3*units) bias."""

    name = "GRUCell"
    gates = 3
    params = tuple(
        _cell_head(True, False)
        + [
            P("reset_after", bool_, True),
            P("seed", seed_, None),
            P("implementation", int_(1, 2), 2, positional=False),
        ]
    )

    def bias_shape(self, a):
        return (2, 3 * a.units) if a.reset_after else (3 * a.units,)


def _cells(la) -> list:
    """[(cell op, full args), ...] for a LayerArg or a tuple of them."""
    las = list(la) if isinstance(la, tuple) else [la]
    return [(op_instance(x.op), x.op.full(x.args)) for x in las]


def _check_cells(cls, cells, arg: str):
    for op, _ in cells:
        if not getattr(op, "is_cell", False):
            hint = (
                f"use {op.name}Cell, or {op.name}(...) directly"
                if op.name in ("LSTM", "GRU", "SimpleRNN")
                else None
            )
            raise ArgError(
                f"{cls.name} takes RNN cells (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells), got {op.name}",
                arg=arg,
                code="argument-type",
                hint=hint,
            )


@register
class StackedRNNCells(_Cell):
    """StackedRNNCells(cells): several cells as one; each feeds the next within a timestep."""

    name = "StackedRNNCells"
    params = (P("cells", layers_),)

    @classmethod
    def validate(cls, given):
        _check_cells(cls, _cells(tuple(given["cells"])), "cells")

    def state_size(self, a):
        return [op.state_size(ca) for op, ca in _cells(a.cells)]

    def output_size(self, a):
        op, ca = _cells(a.cells)[-1]
        return op.output_size(ca)

    def cell_weights(self, a, in_dim):
        w = []
        for i, (op, ca) in enumerate(_cells(a.cells)):
            w += [Weight(f"cell_{i}/{x.name}", x.shape, x.trainable) for x in op.cell_weights(ca, in_dim)]
            in_dim = op.output_size(ca)
        if a.get("trainable", True) is False:
            w = [Weight(x.name, x.shape, False) for x in w]
        return w


def _flat_sizes(size) -> list:
    if isinstance(size, (list, tuple)):
        return [n for s in size for n in _flat_sizes(s)]
    return [size]


@register
class RNN(_Recurrent):
    """RNN(cell): runs a cell (or a list of cells, stacked) over the timesteps of (batch, timesteps, features)."""

    name = "RNN"
    params = (
        P("cell", layer_or_layers_),
        P("return_sequences", bool_, False),
        P("return_state", bool_, False),
        P("go_backwards", bool_, False),
        P("stateful", bool_, False),
        P("unroll", bool_, False),
        P("zero_output_for_mask", bool_, False),
    )

    @classmethod
    def validate(cls, given):
        _RNN.validate.__func__(cls, given)
        _check_cells(cls, _cells(given["cell"]), "cell")

    @staticmethod
    def _cell(a):
        """(cell op, its args): a list of cells is a StackedRNNCells, as in Keras."""
        if isinstance(a.cell, tuple):
            op = StackedRNNCells()
            return op, op.full({"cells": a.cell})
        return _cells(a.cell)[0]

    def _state_sizes(self, a) -> list:
        op, ca = self._cell(a)
        return _flat_sizes(op.state_size(ca))

    def num_outputs(self, a):
        return 1 + (len(self._state_sizes(a)) if a.return_state else 0)

    def state_shapes(self, a, x):
        return [(s,) for s in self._state_sizes(a)]

    def infer(self, a, inputs):
        (x,) = inputs
        _RNN._check_input(self, a, x)
        op, ca = self._cell(a)
        n = op.output_size(ca)
        dt = layer_dtype(a)
        out = TensorType((x.shape[0], n) if a.return_sequences else (n,), dt)
        states = [TensorType((s,), dt) for s in self._state_sizes(a)] if a.return_state else []
        return [out] + states

    def weights(self, a, inputs):
        op, ca = self._cell(a)
        return op.cell_weights(ca, inputs[0].shape[-1])


# ------------------------------------------------------------------ ConvLSTM
_CONV_WHAT = {
    1: "(batch, timesteps, steps, channels)",
    2: "(batch, timesteps, height, width, channels)",
    3: "(batch, timesteps, depth, height, width, channels)",
}


def _conv_lstm_params(rank: int) -> tuple:
    return (
        P("filters", int_(1)),
        P("kernel_size", int_tuple(rank)),
        P("strides", int_tuple(rank), (1,) * rank),
        P("padding", choice("valid", "same"), "valid"),
        P("data_format", data_format_, None),
        P("dilation_rate", int_tuple(rank), (1,) * rank),
        P("activation", activation_, "tanh"),
        P("recurrent_activation", activation_, "sigmoid"),
        P("use_bias", bool_, True),
        P("kernel_initializer", initializer_, "glorot_uniform"),
        P("recurrent_initializer", initializer_, "orthogonal"),
        P("bias_initializer", initializer_, "zeros"),
        P("unit_forget_bias", bool_, True),
        P("kernel_regularizer", regularizer_, None),
        P("recurrent_regularizer", regularizer_, None),
        P("bias_regularizer", regularizer_, None),
        P("activity_regularizer", regularizer_, None),
        P("kernel_constraint", constraint_, None),
        P("recurrent_constraint", constraint_, None),
        P("bias_constraint", constraint_, None),
        P("dropout", float_(0, 1), 0.0),
        P("recurrent_dropout", float_(0, 1), 0.0),
        P("seed", seed_, None),
        P("return_sequences", bool_, False),
        P("return_state", bool_, False),
        P("go_backwards", bool_, False),
        P("stateful", bool_, False),
    )


class _ConvLSTM(_Recurrent):
    """A convolutional LSTM: the gates are convolutions over the spatial axes of each timestep."""

    rank = 2

    @classmethod
    def validate(cls, given):
        _RNN.validate.__func__(cls, given)
        a = cls.full(given)
        if max(a.strides) > 1 and max(a.dilation_rate) > 1:
            raise ArgError(
                f"{cls.name}: strides > 1 cannot be combined with dilation_rate > 1",
                arg="dilation_rate" if "dilation_rate" in given else "strides",
                hint="Keras rejects this combination; use one or the other",
            )

    def num_outputs(self, a):
        return 3 if a.return_state else 1

    def state_shapes(self, a, x):
        step = self._spatial(a, x)
        return [step, step]

    def _spatial(self, a, x) -> tuple:
        need_rank(x, self.rank + 3, self.name, _CONV_WHAT[self.rank])
        sizes = x.shape[1 : 1 + self.rank]
        if None in sizes:
            raise ShapeError(
                f"{self.name} needs known spatial sizes, got shape {x}",
                input_index=0,
                hint="give them in Input(shape=(timesteps, ...)); only the timesteps may be None",
            )
        if x.shape[-1] is None:
            raise ShapeError(
                f"{self.name} needs a known channel axis (the last one), got shape {x}", input_index=0
            )
        out = []
        for n, k, s, d in zip(sizes, a.kernel_size, a.strides, a.dilation_rate):
            o = conv_out(n, k, s, a.padding, d)
            if o <= 0:
                raise ShapeError(
                    f"{self.name}: the kernel {tuple(a.kernel_size)} (dilation {tuple(a.dilation_rate)}) is "
                    f'larger than the spatial size {tuple(sizes)} with padding="valid" (input shape {x})',
                    input_index=0,
                    hint='use padding="same", a smaller kernel_size, or a larger input',
                )
            out.append(o)
        return tuple(out) + (a.filters,)

    def infer(self, a, inputs):
        (x,) = inputs
        step = self._spatial(a, x)
        dt = layer_dtype(a)
        out = TensorType(((x.shape[0],) + step) if a.return_sequences else step, dt)
        return [out] + ([TensorType(step, dt)] * 2 if a.return_state else [])

    def weights(self, a, inputs):
        c, f, k = inputs[0].shape[-1], a.filters, tuple(a.kernel_size)
        w = [Weight("kernel", k + (c, 4 * f)), Weight("recurrent_kernel", k + (f, 4 * f))]
        if a.use_bias:
            w.append(Weight("bias", (4 * f,)))
        return w


@register
class ConvLSTM1D(_ConvLSTM):
    """ConvLSTM1D(filters, kernel_size): input (batch, timesteps, steps, channels)."""

    name = "ConvLSTM1D"
    rank = 1
    params = _conv_lstm_params(1)


@register
class ConvLSTM2D(_ConvLSTM):
    """ConvLSTM2D(filters, kernel_size): input (batch, timesteps, height, width, channels)."""

    name = "ConvLSTM2D"
    rank = 2
    params = _conv_lstm_params(2)


@register
class ConvLSTM3D(_ConvLSTM):
    """ConvLSTM3D(filters, kernel_size): input (batch, timesteps, depth, height, width, channels)."""

    name = "ConvLSTM3D"
    rank = 3
    params = _conv_lstm_params(3)


# ----------------------------------------------------------- TimeDistributed
@register
class TimeDistributed(Op):
    """TimeDistributed(layer): applies `layer` to every timestep: (batch, T, ...) -> (batch, T, ...)."""

    name = "TimeDistributed"
    params = (P("layer", layer_),)
    call_options = (TRAINING,)
    call_tensors = ("mask",)
    supports_masking = True  # passes its input's mask on

    def check_call_tensors(self, a, inputs, given):
        m, x = given.get("mask"), inputs[0]
        if m is not None:  # Keras: (batch, timesteps, ...) matching the input's first axes
            check_mask(self.name, m, x, "mask", steps=max(1, len(m.shape)))

    @classmethod
    def validate(cls, given):
        op, ia = _inner(given["layer"])
        if op.takes_list or op.call_params or op.max_inputs != 1 or getattr(op, "is_cell", False):
            raise ArgError(
                f"TimeDistributed wraps a layer applied to one tensor, got {op.name}",
                arg="layer",
                code="argument-type",
            )
        if op.num_outputs(ia) != 1:
            raise ArgError(
                f"TimeDistributed wraps a layer with one output; {op.name} here has {op.num_outputs(ia)}",
                arg="layer",
                hint="drop return_state (or merge_mode=None) on the wrapped layer",
            )

    def _step(self, x: TensorType) -> TensorType:
        if x.rank < 3:
            raise ShapeError(
                f"TimeDistributed expects an input of rank >= 3 (batch, timesteps, ...), got shape {x} ({x.rank}D)",
                code="rank-mismatch",
                input_index=0,
            )
        return TensorType(tuple(x.shape[1:]), x.dtype)

    def infer(self, a, inputs):
        (x,) = inputs
        op, ia = _inner(a.layer)
        (y,) = op.infer(ia, [self._step(x)])
        return [TensorType((x.shape[0],) + tuple(y.shape), layer_dtype(a))]

    def weights(self, a, inputs):
        op, ia = _inner(a.layer)
        return op.weights(ia, [self._step(inputs[0])])

    def warnings(self, a, inputs, outputs):
        op, ia = _inner(a.layer)
        step = self._step(inputs[0])
        return op.warnings(ia, [step], op.infer(ia, [step]))
