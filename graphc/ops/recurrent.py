"""Recurrent layers: LSTM, GRU, SimpleRNN and the Bidirectional wrapper.

Input (batch, timesteps, features); output (batch, units), or (batch, timesteps, units)
with return_sequences; return_state appends the final states (LSTM: h and c).
"""

from __future__ import annotations

from graphc.ops.base import (
    ArgError,
    LayerArg,
    Op,
    P,
    ShapeError,
    activation_,
    bool_,
    choice,
    constraint_,
    float_,
    initializer_,
    int_,
    layer_,
    layer_dtype,
    none_only,
    op_instance,
    optional,
    register,
    regularizer_,
    seed_,
)
from graphc.types import TensorType, Weight


def use_cudnn_(v):
    if v == "auto" or isinstance(v, bool):
        return v
    raise ArgError(f'expected "auto", true or false, got `{v!r}`', code="argument-type")


use_cudnn_.doc = '"auto" or bool'


class _RNN(Op):
    is_rnn = True
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

    def infer(self, a, inputs):
        (x,) = inputs
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
        dt = layer_dtype(a)
        out = TensorType((x.shape[0], a.units) if a.return_sequences else (a.units,), dt)
        return [out] + [TensorType((a.units,), dt)] * (self.states if a.return_state else 0)

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
class Bidirectional(Op):
    """Bidirectional(layer, merge_mode="concat"): runs an RNN forwards and backwards and merges them."""

    name = "Bidirectional"
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
                f"Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN), got {fwd.name}",
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
        for k in ("stateful", "return_sequences", "return_state", "units"):
            if fa[k] != ba[k]:
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

    def infer(self, a, inputs):
        fwd, fa = _inner(a.layer)
        outs = fwd.infer(fa, inputs)
        if a.backward_layer is not None:
            bwd, ba = _inner(a.backward_layer)
            bwd.infer(ba, inputs)
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
