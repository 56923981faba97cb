"""Call-time arguments (issue #10) and Keras masks (issue #11), in both targets.

Fast tests (no framework): located diagnostics for call arguments a layer does not
take, a wrong number or shape of initial states, masks of the wrong kind; the masks the
compiler plans (graphc/compiler/masks.py) as the PyTorch module writes them.

Slow tests check against real Keras and PyTorch:
- every catalog layer declares the call() arguments Keras's `call` takes, and Keras's
  `supports_masking`;
- shapes, dtypes and parameter counts of return_state, initial_state, attention scores
  and causal masks equal the Keras model's;
- which model outputs carry a Keras mask (Keras's eager call, `_keras_mask`) and the
  losses with masked timesteps equal in the two targets;
- programs (a seq2seq encoder-decoder with LSTM states, a decoder-only transformer block
  with use_causal_mask, a masked text classifier, a tagger whose loss skips padding,
  Monte-Carlo dropout with training=true, BatchNormalization with training=false) agree
  after copying weights.

Tolerances, as in tests/test_torch_target.py: outputs and losses 1e-4 relative.  Both
frameworks compute in float32 (unit roundoff u = 6e-8) in different orders; a dot product
of length n can differ by about n*u relative to the sum of |terms|, the largest
reductions here are < 200 terms chained through < 10 layers whose errors add
(10 * 200 * 6e-8 = 1.2e-4 is the worst case; the masked reductions only drop terms).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from graphc.compiler.interpreter import compile_program
from graphc.targets.errors import EmitError

slow = pytest.mark.slow
OUT_TOL = 1e-4  # relative, outputs and losses (see the module docstring)


def diags(src: str):
    program = compile_program("t.gdl", src)
    return program, [(d.severity, d.code, d.span.line, d.span.col) for d in program.diagnostics]


def errors(src: str) -> list:
    program = compile_program("t.gdl", src)
    return [d for d in program.diagnostics if d.is_error]


def one_error(src: str):
    errs = errors(src)
    assert len(errs) == 1, [d.header() for d in errs]
    return errs[0]


def torch_source(src: str) -> str:
    from graphc.api import emit

    program = compile_program("t.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    return emit(program, program.entry(), "torch", "t.gdl")


def keras_source(src: str) -> str:
    from graphc.api import emit

    program = compile_program("t.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    return emit(program, program.entry(), "keras", "t.gdl")


def col_of(src: str, line: int, text: str) -> int:
    return src.splitlines()[line - 1].index(text) + 1


# ------------------------------------------------------------------ located errors
SEQ2SEQ_HEAD = """model m {
  enc = Input(shape=(None, 8))
  dec = Input(shape=(None, 6))
  _, h, c = LSTM(16, return_state=true)(enc)
"""


def test_wrong_number_of_initial_states_is_located_with_a_fix():
    src = SEQ2SEQ_HEAD + "  output y = LSTM(16)(dec, initial_state=[h])\n}\n"
    d = one_error(src)
    assert d.code == "arity" and d.span.line == 5 and d.span.col == col_of(src, 5, "initial_state")
    assert "LSTM takes 2 initial states" in d.message and "got 1" in d.message
    assert "initial_state=[h, c]" in d.hint


def test_initial_state_of_the_wrong_size_names_the_state_and_where_it_is_made():
    src = SEQ2SEQ_HEAD + "  output y = LSTM(8)(dec, initial_state=[h, c])\n}\n"
    d = one_error(src)
    assert d.code == "shape-mismatch" and d.span.col == col_of(src, 5, "initial_state")
    assert "initial_state[0] must have the shape (None, 8)" in d.message and "(None, 16)" in d.message
    assert "units" in d.hint
    assert d.notes and d.notes[0].span.line == 4


def test_gru_takes_one_state_given_as_a_tensor_or_a_list():
    src = (
        SEQ2SEQ_HEAD
        + "  a = GRU(16)(dec, initial_state=h)\n  output y = GRU(16)(dec, initial_state=[h])\n}\n"
    )
    assert errors(src) == []
    d = one_error(SEQ2SEQ_HEAD + "  output y = GRU(16)(dec, initial_state=[h, c])\n}\n")
    assert d.code == "arity" and "GRU takes 1 initial state" in d.message


def test_bidirectional_takes_the_forward_then_the_backward_states():
    src = SEQ2SEQ_HEAD + "  output y = Bidirectional(LSTM(16))(dec, initial_state=[h, c, h, c])\n}\n"
    assert errors(src) == []
    d = one_error(SEQ2SEQ_HEAD + "  output y = Bidirectional(LSTM(16))(dec, initial_state=[h, c])\n}\n")
    assert d.code == "arity" and "takes 4 initial states" in d.message


@pytest.mark.parametrize(
    "call, words",
    [
        # a layer whose call() takes only training: says so
        (
            "Dense(4)(x, mask=m)",
            ["applying Dense takes no argument `mask`", "`training`", "does not take a mask"],
        ),
        # a layer whose call() takes nothing: not the constructor hint
        ("Flatten()(x, training=true)", ["takes no argument `training`", "applied to its input tensor only"]),
        ("Conv1D(4, 3)(x, training=false)", ["computes the same in training and inference"]),
        # a constructor option given at the call: where it belongs
        ("LSTM(4)(x, return_sequences=true)", ["LSTM(return_sequences=...)(x)"]),
        # a typo of a call argument
        ("LSTM(4)(x, intial_state=[s, s])", ["did you mean `initial_state`?"]),
        ("MultiHeadAttention(2, 4)(x, x, atention_mask=a)", ["did you mean `attention_mask`?"]),
    ],
)
def test_a_call_argument_the_layer_does_not_take_lists_the_ones_it_takes(call, words):
    src = f"""model m {{
  x = Input(shape=(5, 3))
  m = Input(shape=(5,), dtype="bool")
  a = Input(shape=(5, 5), dtype="bool")
  s = Input(shape=(4,))
  output y = {call}
}}
"""
    d = one_error(src)
    assert d.code == "unknown-argument" and d.span.line == 6
    text = d.message + " " + (d.hint or "")
    for w in words:
        assert w in text, text


@pytest.mark.parametrize(
    "call, code, words",
    [
        ("LSTM(4)(x, mask=f)", "argument-type", ["`mask` must be a bool tensor"]),
        ("LSTM(4)(x, mask=w)", "shape-mismatch", ["(None, 5)", "(None, 6)"]),
        ("MultiHeadAttention(2, 4)(x, x, query_mask=m)", "argument-value", ["ignores `query_mask=`"]),
        ("MultiHeadAttention(2, 4)(x, x, attention_mask=m)", "shape-mismatch", ["(None, 5, 5)"]),
        ("Attention()([x, x], mask=m)", "type-error", ["[query_mask, value_mask]"]),
        ("GlobalAveragePooling1D()(x, mask=w)", "shape-mismatch", ["(None, 5)"]),
        ("LSTM(4)(x, initial_state=[s, 3])", "type-error", ["a tensor or a list of tensors"]),
    ],
)
def test_masks_of_the_wrong_kind_are_located(call, code, words):
    src = f"""model m {{
  x = Input(shape=(5, 3))
  m = Input(shape=(5,), dtype="bool")
  f = Input(shape=(5,))
  w = Input(shape=(6,), dtype="bool")
  s = Input(shape=(4,))
  output y = {call}
}}
"""
    d = one_error(src)
    assert d.code == code and d.span.line == 7, d.header()
    for w_ in words:
        assert w_ in d.message + (d.hint or ""), d.message


def test_a_mask_softmax_cannot_broadcast_is_an_error_keras_would_raise_when_it_runs():
    src = """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  output y = Softmax()(x)
}
"""
    d = one_error(src)
    assert d.code == "shape-mismatch" and d.span.line == 4
    assert "does not broadcast" in d.message and "(None, 6, 4)" in d.message
    square = src.replace("shape=(6,)", "shape=(4,)")  # (batch, 4) broadcasts to (batch, 4, 4)
    assert errors(square) == []


def test_a_layer_that_does_not_support_masking_drops_the_mask_with_a_warning():
    src = """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  x = Dense(4)(x)
  x = Flatten()(x)
  output y = Dense(1)(x)
}
"""
    program, ds = diags(src)
    assert ds == [("warning", "mask-dropped", 5, 7)]
    d = program.diagnostics[0]
    assert "Flatten does not support masking" in d.message and "line 3" in d.message
    # keras.ops functions drop masks silently, as in Keras; Embedding without mask_zero has none
    assert diags(src.replace("Flatten()(x)", "ops.reshape(x, (-1, 24))"))[1] == []
    assert diags(src.replace("mask_zero=true", "mask_zero=false"))[1] == []


def test_initial_state_stops_keras_from_passing_the_mask_and_graphc_says_so():
    src = """model m {
  enc = Input(shape=(None, 8))
  tokens = Input(shape=(7,), dtype="int32")
  _, h, c = LSTM(16, return_state=true)(enc)
  d = Embedding(30, 6, mask_zero=true)(tokens)
  output y = LSTM(16, return_sequences=true)(d, initial_state=[h, c])
}
"""
    program, ds = diags(src)
    assert ds == [("warning", "mask-dropped", 6, 14)]
    assert "mask=ops.not_equal(tokens, 0)" in program.diagnostics[0].hint
    explicit = src.replace("initial_state=[h, c])", "initial_state=[h, c], mask=ops.not_equal(tokens, 0))")
    assert diags(explicit)[1] == []


# ------------------------------------------------------------------ the planned masks
def _graph(src):
    program = compile_program("t.gdl", src)
    assert not program.errors, [d.header() for d in program.errors]
    return program.entry()


def test_a_mask_is_shared_by_the_layers_that_pass_it_on():
    g = _graph("""model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  a = Dense(4)(x)
  b = Dropout(0.1)(a)
  s = LSTM(3, return_sequences=true)(b)
  l = LSTM(3)(b)
  p = GlobalAveragePooling1D()(s)
  output y = Dense(1)(p)
  output z = Dense(1)(l)
}
""")
    by: dict = {}
    for n in g.calls:  # the first call of each layer type
        by.setdefault(n.layer.type_name, n)
    m = by["Embedding"].outputs[0].mask
    assert m is not None and m.kind == "zero"
    assert by["Dense"].outputs[0].mask is m and by["Dropout"].outputs[0].mask is m
    lstms = [n for n in g.calls if n.layer.type_name == "LSTM"]
    assert [n.masks_in for n in lstms] == [{"mask": m}, {"mask": m}]
    assert lstms[0].outputs[0].mask is m and lstms[1].outputs[0].mask is None
    assert by["GlobalAveragePooling1D"].masks_in == {"mask": m}
    assert by["GlobalAveragePooling1D"].outputs[0].mask is None


def test_multi_head_attention_reads_masks_per_argument_and_clears_them_after_it():
    g = _graph("""model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 8, mask_zero=true)(t)
  a = MultiHeadAttention(2, 4)(x, x)
  r = x + a
  output y = Dense(1)(r)
  output z = Dense(1)(a)
}
""")
    mha = next(n for n in g.calls if n.layer.type_name == "MultiHeadAttention")
    m = g.calls[0].outputs[0].mask
    assert mha.masks_in == {"query_mask": m, "value_mask": m}
    assert mha.outputs[0].mask is m
    add = next(n for n in g.calls if n.layer.type_name == "Add")
    # Keras clears x's mask when the attention runs: the Add (which needs its result) sees
    # x without it, and a merge with an unmasked input has no mask
    assert add.outputs[0].mask is None


# ------------------------------------------------------------------ the PyTorch module
def test_the_torch_forward_computes_the_mask_once_and_passes_it_where_keras_does():
    src = """model m {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  h = Bidirectional(LSTM(8, return_sequences=true))(x)
  a = MultiHeadAttention(num_heads=2, key_dim=4)(h, h)
  p = GlobalAveragePooling1D()(a)
  output y = Dense(1, activation="sigmoid")(p)
}
"""
    text = torch_source(src)
    assert text.count("mask = tokens != 0") == 1
    assert "self.bidirectional(x, mask=mask)" in text
    assert "query_mask=mask, value_mask=mask" in text
    assert "(a * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)" in text


def test_the_torch_module_attaches_output_masks_for_the_loss():
    src = """model m {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  x = LSTM(8, return_sequences=true)(x)
  output tags = Dense(5, activation="softmax")(x)
  compile(optimizer="adam", loss="sparse_categorical_crossentropy")
}
"""
    text = torch_source(src)
    assert "losses.set_mask(tags, mask)" in text and "losses.set_mask(tags_logits, mask)" in text
    assert text.index("losses.set_mask(tags_logits, mask)") < text.index("if logits:")


def test_block_classes_take_the_masks_of_their_tensors():
    src = """block attend(x) {
  a = MultiHeadAttention(num_heads=2, key_dim=4)(x, x, use_causal_mask=true)
  return LayerNormalization()(x + a)
}
model m {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  x = attend(x)
  x = attend(x)
  output y = Dense(3)(x)
}
"""
    text = torch_source(src)
    assert "def forward(self, x, x_mask=None):" in text
    assert "use_causal_mask=True, query_mask=x_mask, value_mask=x_mask" in text
    assert "self.attend(x, x_mask=mask)" in text
    # the first call cleared x's mask (its Add has an unmasked input): the second gets none
    assert "self.attend_1(x)" in text


def test_call_options_are_written_as_keras_spells_them():
    src = """model m {
  x = Input(shape=(8,))
  h = Dense(16, activation="relu")(x)
  h = Dropout(0.5)(h, training=true)
  h = BatchNormalization()(h, training=false)
  output y = Dense(1)(h)
}
"""
    for text in (torch_source(src), keras_source(src)):
        assert "(h, training=True)" in text and "(h, training=False)" in text


def test_torch_refuses_a_mask_whose_fate_depends_on_kerass_layer_order():
    src = """model m {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  a = MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
  s = Dense(4)(x)
  output y = Dense(1)(a)
  output z = Dense(1)(s)
}
"""
    with pytest.raises(EmitError) as info:
        torch_source(src)
    d = info.value.diagnostic
    assert d.code == "unsupported" and d.span.line == 5
    assert "order" in d.message
    keras_source(src)  # Keras itself decides


# ------------------------------------------------------------------ slow: against Keras
def _keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("keras")


@slow
def test_every_layer_declares_the_call_arguments_keras_takes():
    import inspect

    import graphc.ops  # noqa: F401
    import graphc.ops.special  # noqa: F401
    from graphc.ops.base import REGISTRY, canonical_names

    keras = _keras()
    checked = 0
    for name in canonical_names():
        op = REGISTRY[name]
        cls = getattr(keras.layers, name, None)
        if not isinstance(cls, type) or getattr(op, "is_cell", False):
            continue  # Input is a function; cells run inside RNN, never applied
        params = list(inspect.signature(cls.call).parameters)[1:]
        inputs = list(op.call_params) or params[:1]
        assert params == inputs + [p for p in params if p in op.call_arguments()], (name, params)
        assert sorted(params[len(inputs) :]) == sorted(op.call_arguments()), (name, params)
        checked += 1
    assert checked > 120


@slow
def test_every_layer_supports_masking_as_keras_does():
    """One catalog row per layer: Keras's `layer.supports_masking` after it is built."""
    import test_catalog as tc

    _keras()
    seen = set()
    for row in tc.ROWS:
        if row.name in seen or row.xfail:
            continue
        seen.add(row.name)
        cls = tc.REGISTRY[row.name]
        given = cls.bind([tc._g(v) for v in row.args], {k: tc._g(v) for k, v in row.kw.items()})
        a = cls.with_call(cls.full(given), cls.bind_call(row.call))
        layer, _ = tc.keras_call(row)
        assert cls().masking(a) == layer.supports_masking, row.id
    for mask_zero in (True, False):  # the one layer whose answer depends on an argument
        row = tc.r("Embedding", 10, 4, mask_zero=mask_zero, ins=[(5,)], dt="int32")
        layer, _ = tc.keras_call(row)
        assert layer.supports_masking is mask_zero
    assert len(seen) > 120


SHAPE_PROGRAMS = {
    "return_state": """model m {
  x = Input(shape=(7, 5))
  o1, h1, c1 = LSTM(6, return_state=true)(x)
  o2, h2 = GRU(4, return_state=true, return_sequences=true)(x)
  o3, fh, fc, bh, bc = Bidirectional(LSTM(3, return_state=true))(x)
  o4, o5, f2, b2 = Bidirectional(GRU(2, return_state=true, return_sequences=true), merge_mode=None)(x)
  output y = concatenate([o1, h1, c1, h2, o3, fh, fc, bh, bc, f2, b2])
  output s = concatenate([o2, o4, o5])
}""",
    "initial_state": """model m {
  enc = Input(shape=(None, 5))
  dec = Input(shape=(None, 3))
  _, h, c = LSTM(8, return_state=true)(enc)
  d1 = LSTM(8, return_sequences=true)(dec, initial_state=[h, c])
  _, fh, fc, bh, bc = Bidirectional(LSTM(8, return_state=true))(enc)
  d2 = Bidirectional(LSTM(8, return_sequences=true))(dec, initial_state=[fh, fc, bh, bc])
  d3 = RNN(LSTMCell(8), return_sequences=true)(dec, initial_state=[h, c])
  output y = concatenate([d1, d2, d3])
}""",
    "conv_lstm_state": """model m {
  x = Input(shape=(3, 6, 6, 2))
  o, h, c = ConvLSTM2D(4, 3, padding="same", return_state=true)(x)
  y2 = ConvLSTM2D(4, 3, padding="same")(x, initial_state=[h, c])
  output y = concatenate([o, h, c, y2])
}""",
    "scores": """model m {
  q = Input(shape=(5, 8))
  v = Input(shape=(7, 6))
  k = Input(shape=(7, 8))
  a, s = MultiHeadAttention(num_heads=3, key_dim=4)(q, q, return_attention_scores=true)
  g, gs = GroupQueryAttention(4, 4, 2)(q, k, k, return_attention_scores=true, use_causal_mask=true)
  b, bs = Attention()([q, v, k], return_attention_scores=true, use_causal_mask=true)
  c, cs = AdditiveAttention()([q, k], return_attention_scores=true)
  output y = concatenate([a, g, c])
  output z = b
  output w = s
  output x = gs
  output u = concatenate([bs, cs])
}""",
    "masks_given": """model m {
  q = Input(shape=(5, 8))
  v = Input(shape=(6, 8))
  qm = Input(shape=(5,), dtype="bool")
  vm = Input(shape=(6,), dtype="bool")
  am = Input(shape=(5, 6), dtype="bool")
  a = MultiHeadAttention(num_heads=2, key_dim=4)(q, v, value_mask=vm, attention_mask=am)
  b = Attention()([q, v], mask=[qm, vm])
  c = Attention()([q, v], mask=[None, vm])
  l = LSTM(3, return_sequences=true)(q, mask=qm)
  p = GlobalAveragePooling1D()(v, mask=vm)
  output y = concatenate([a, b, c])
  output z = l
  output w = p
}""",
}


def _keras_model(src, tmp_path, stem):
    from helpers import import_file

    from graphc.api import emit

    program = compile_program(str(tmp_path / f"{stem}.gdl"), src)
    assert not program.errors, [d.header() for d in program.errors]
    g = program.entry()
    path = tmp_path / f"{stem}_keras.py"
    path.write_text(emit(program, g, "keras", f"{stem}.gdl"))
    return g, import_file(path).build_model()


@slow
@pytest.mark.parametrize("name", list(SHAPE_PROGRAMS))
def test_shapes_dtypes_and_parameters_match_keras(name, tmp_path):
    g, model = _keras_model(SHAPE_PROGRAMS[name], tmp_path, name)
    want = [(tuple(t.shape)[1:], t.dtype) for t in model.outputs]
    assert [(tuple(o.tensor.type.shape), o.tensor.type.dtype) for o in g.outputs] == want
    assert g.trainable_params + g.non_trainable_params == model.count_params()
    # every layer's outputs, not only the model's: the unpacked states and scores
    for call in g.calls:
        layer = model.get_layer(call.layer.name)
        kouts = keras_flat_outputs(layer, call)
        assert [(tuple(t.type.shape), t.type.dtype) for t in call.outputs] == kouts, call.layer.name


def keras_flat_outputs(layer, call):
    import keras

    node = next(n for n in layer._inbound_nodes if len(n.outputs) == len(call.outputs))
    return [(tuple(t.shape)[1:], t.dtype) for t in keras.tree.flatten(node.outputs)]


# the masks the model outputs carry: {output: has a mask}, graphc's plan vs Keras's eager call
MASK_PROGRAMS = {
    "pass_and_drop": """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  d = Dense(4)(x)
  s = LSTM(3, return_sequences=true)(d)
  l = LSTM(3)(d)
  f = Flatten()(d)
  p = GlobalAveragePooling1D()(s)
  output a = Dense(2)(s)
  output b = Dense(2)(l)
  output c = Dense(2)(f)
  output e = Dense(2)(p)
  output n = TimeDistributed(Dense(2))(d)
}""",
    "attention": """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 8, mask_zero=true)(t)
  a = MultiHeadAttention(2, 4)(x, x)
  r = x + a
  k = Attention()([a, x])
  output a1 = Dense(2)(a)
  output r1 = Dense(2)(r)
  output k1 = Dense(2)(k)
}""",
    "merges": """model m {
  t = Input(shape=(6,), dtype="int32")
  u = Input(shape=(6,), dtype="int32")
  z = Input(shape=(6, 4))
  x = Embedding(20, 4, mask_zero=true)(t)
  y = Embedding(20, 4, mask_zero=true)(u)
  w = Masking(mask_value=0.0)(z)
  output s = Dense(2)(x + y)
  output p = Dense(2)(multiply([x, w]))
  output q = Dense(2)(maximum([x, Dense(4)(z)]))
  output k = Dense(2)(concatenate([x, y], axis=1))
  output g = GRU(2, return_sequences=true)(w)
}""",
    "nested": """model encoder {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  output e = Dense(4)(x)
}
model m {
  tokens = Input(shape=(6,), dtype="int32")
  share enc = encoder()
  h = enc(tokens)
  output s = LSTM(3, return_sequences=true)(h)
  output p = GlobalAveragePooling1D()(h)
}""",
    "recorded": """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 8, mask_zero=true)(t)
  a = MultiHeadAttention(2, 4)(x, x)
  r = x + a
  output s = LSTM(3, return_sequences=true)(r)
  output d = Dense(2)(r)
  output q = LSTM(3, return_sequences=true)(r, training=false)
}""",
    "bidirectional": """model m {
  t = Input(shape=(6,), dtype="int32")
  x = Embedding(20, 4, mask_zero=true)(t)
  s = Bidirectional(LSTM(3, return_sequences=true))(x)
  o, fh, fc, bh, bc = Bidirectional(LSTM(3, return_state=true))(x)
  output a = Dense(2)(s)
  output b = Dense(2)(o)
  output c = Dense(2)(fh)
}""",
}


def _padded_inputs(module, n=6, seed=0):
    from graphc_runtime import data

    x, y = data.synthetic(module, n, seed)
    rng = np.random.default_rng(seed)
    for v in x.values():
        if v.dtype.kind in "iu":  # tokens 1.., post-padded with 0 to random lengths (at least 1)
            v[v == 0] = 1
            lengths = rng.integers(1, v.shape[1] + 1, size=v.shape[0])
            v[np.arange(v.shape[1])[None, :] >= lengths[:, None]] = 0
        elif v.ndim == 3:  # Masking: padded steps of zeros
            v[:, -2:, :] = 0.0
    return x, y


@slow
@pytest.mark.parametrize("name", list(MASK_PROGRAMS))
def test_output_masks_are_kerass(name, tmp_path):
    from graphc.targets.torch_calltime import output_mask

    g, model = _keras_model(MASK_PROGRAMS[name], tmp_path, name)
    from helpers import import_file

    kmod = import_file(tmp_path / f"{name}_keras.py")
    x, _ = _padded_inputs(kmod)
    outs = model([x[n] for n in kmod.INPUT_SPECS])
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    keras_masks = {o.name: getattr(t, "_keras_mask", None) is not None for o, t in zip(g.outputs, outs)}
    assert {o.name: output_mask(o.tensor) is not None for o in g.outputs} == keras_masks


# ------------------------------------------------------------------ slow: PyTorch parity
PARITY = {
    # a seq2seq encoder-decoder: the encoder's final states start the decoder
    "seq2seq": """model seq2seq {
  enc_in = Input(shape=(None, 8))
  dec_in = Input(shape=(None, 6))
  _, h, c = LSTM(16, return_state=true)(enc_in)
  dec = LSTM(16, return_sequences=true)(dec_in, initial_state=[h, c])
  output probs = Dense(6, activation="softmax")(dec)
  compile(optimizer="adam", loss="categorical_crossentropy")
}""",
    # every recurrent layer started from given states
    "states": """model states {
  enc = Input(shape=(5, 4))
  dec = Input(shape=(6, 3))
  frames = Input(shape=(3, 5, 5, 2))
  _, h = GRU(6, return_state=true)(enc)
  g = GRU(6, return_sequences=true)(dec, initial_state=h)
  _, fh, fc, bh, bc = Bidirectional(LSTM(5, return_state=true))(enc)
  b = Bidirectional(LSTM(5, return_sequences=true), merge_mode="sum")(dec, initial_state=[fh, fc, bh, bc])
  _, sh, sc = RNN(LSTMCell(5), return_state=true)(enc)
  r = RNN(LSTMCell(5), return_sequences=true, go_backwards=true)(dec, initial_state=[sh, sc])
  s = SimpleRNN(5, return_sequences=true)(dec, initial_state=[sh])
  _, ch, cc = ConvLSTM2D(3, 3, padding="same", return_state=true)(frames)
  c = ConvLSTM2D(3, 3, padding="same")(frames, initial_state=[ch, cc])
  output y = Dense(2)(concatenate([g, b, r, s]))
  output z = Flatten()(c)
  compile(optimizer="adam", loss="mse")
}""",
    # a decoder-only transformer block with a causal mask and padding masks
    "gpt": """block decoder_block(x, heads=2, key_dim=8) {
  a = MultiHeadAttention(num_heads=heads, key_dim=key_dim)(x, x, use_causal_mask=true)
  x = LayerNormalization(epsilon=1e-6)(x + a)
  f = Dense(32, activation="relu")(x)
  f = Dense(16)(f)
  return LayerNormalization(epsilon=1e-6)(x + f)
}
model gpt {
  tokens = Input(shape=(9,), dtype="int32")
  x = Embedding(40, 16, mask_zero=true)(tokens)
  x = decoder_block(x)
  x = decoder_block(x)
  output next_token = Dense(40, activation="softmax")(x)
  compile(optimizer="adam", loss="sparse_categorical_crossentropy")
}""",
    # a masked text classifier: Embedding(mask_zero) -> Bi-LSTM -> attention -> mean -> Dense
    "masked_text": """model masked_text {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  h = Bidirectional(LSTM(8, return_sequences=true))(x)
  a, scores = MultiHeadAttention(num_heads=2, key_dim=4)(h, h, return_attention_scores=true)
  c = Attention()([a, h])
  p = GlobalAveragePooling1D()(a + c)
  output spam = Dense(1, activation="sigmoid")(p)
  compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
}""",
    # a tagger: the loss and the metric skip the padded timesteps
    "tagger": """model tagger {
  tokens = Input(shape=(10,), dtype="int32")
  x = Embedding(50, 8, mask_zero=true)(tokens)
  x = GRU(8, return_sequences=true)(x)
  x = Dense(8, activation="relu")(x)
  output tags = Dense(5, activation="softmax")(x)
  compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
}""",
    # Keras passes the mask recorded while building the model to a layer called with one
    # tensor and no keyword (the GlobalAveragePooling1D, the LSTM), though the attention
    # cleared the masks the running model carries (the Add's output has none)
    "recorded_masks": """block encoder_block(x) {
  a = MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
  x = LayerNormalization(epsilon=1e-6)(x + a)
  f = Dense(16, activation="relu")(x)
  return LayerNormalization(epsilon=1e-6)(x + Dense(8)(f))
}
model recorded_masks {
  tokens = Input(shape=(9,), dtype="int32")
  x = Embedding(40, 8, mask_zero=true)(tokens)
  for i in range(2) {
    x = encoder_block(x)
  }
  s = LSTM(6, return_sequences=true)(x)
  output tags = Dense(4, activation="softmax")(s)
  output label = Dense(1, activation="sigmoid")(GlobalAveragePooling1D()(x))
  compile(optimizer="adam", loss={tags: "sparse_categorical_crossentropy", label: "binary_crossentropy"})
}""",
    # a nested model whose output carries the mask of its Embedding
    "nested": """model encoder {
  t = Input(shape=(8,), dtype="int32")
  x = Embedding(30, 6, mask_zero=true)(t)
  output e = Dense(6, activation="tanh")(x)
}
model nested {
  tokens = Input(shape=(8,), dtype="int32")
  share enc = encoder()
  h = enc(tokens)
  s = LSTM(5, return_sequences=true)(h)
  output y = Dense(3, activation="softmax")(s)
  compile(optimizer="adam", loss="sparse_categorical_crossentropy")
}""",
    # Masking, merges whose values read masks, explicit masks and attention masks
    "masks_mixed": """model masks_mixed {
  frames = Input(shape=(7, 4))
  tokens = Input(shape=(7,), dtype="int32")
  w = Masking(mask_value=0.0)(frames)
  x = Embedding(30, 4, mask_zero=true)(tokens)
  m = multiply([w, x])
  s = maximum([Dense(4)(m), x])
  r = SimpleRNN(5, return_sequences=true)(s + x)
  k = MultiHeadAttention(2, 3)(r, r, attention_mask=ops.not_equal(ops.expand_dims(tokens, 1) * ops.expand_dims(tokens, 2), 0))
  output y = Dense(3, activation="softmax")(k)
  output z = Dense(1)(LSTM(4)(w, mask=ops.not_equal(tokens, 0)))
  compile(optimizer="rmsprop", loss={y: "categorical_crossentropy", z: "mse"})
}""",
}


def _pair(name, tmp_path):
    import torch_helpers as th

    km, tm, _ = th.emit_pair(PARITY[name], tmp_path, name)
    kmodel = km.build_model()
    th.randomize(kmodel)
    tmodel = th.torch_from_keras(tm, kmodel)
    x, y = _padded_inputs(km, 8, seed=1)
    return th, km, tm, kmodel, tmodel, x, y


@slow
@pytest.mark.parametrize("name", list(PARITY))
def test_torch_matches_keras(name, tmp_path):
    th, km, tm, kmodel, tmodel, x, y = _pair(name, tmp_path)
    assert th.keras_param_counts(kmodel) == tm.count_params(tmodel)
    kout, tout = th.predict_both(km, tm, kmodel, tmodel, x)
    for a, b in zip(kout, tout):
        assert th.rel_diff(a, b) < OUT_TOL
    for key, (kv, tv) in th.evaluate_both(km, tm, kmodel, tmodel, x, y).items():
        assert abs(kv - tv) <= OUT_TOL * max(1.0, abs(kv)), (key, kv, tv)


@slow
def test_masked_timesteps_do_not_count_in_the_loss(tmp_path):
    """The tagger's loss in both targets is the mean over the kept timesteps only: computed
    here from the predictions (Keras's apply_mask: weights n_total / n_kept on kept steps)."""
    th, km, tm, kmodel, tmodel, x, y = _pair("tagger", tmp_path)
    kout, _ = th.predict_both(km, tm, kmodel, tmodel, x)
    probs, labels = kout[0], y["tags"].reshape(kout[0].shape[:2]).astype(int)
    keep = x["tokens"] != 0
    nll = -np.log(np.clip(np.take_along_axis(probs, labels[..., None], -1)[..., 0], 1e-7, 1.0))
    masked, unmasked = float(nll[keep].mean()), float(nll.mean())
    ev = th.evaluate_both(km, tm, kmodel, tmodel, x, y)
    # the padding matters in this batch: ignoring the mask would miss by > 20 tolerances
    assert abs(masked - unmasked) > 20 * OUT_TOL * max(1.0, masked)
    for kv_tv in ev["loss"]:
        assert abs(kv_tv - masked) <= OUT_TOL * max(1.0, masked)
    kl, tl = th.train_both(km, tm, kmodel, tmodel, x, y, steps=3)
    assert np.allclose(kl, tl, rtol=OUT_TOL, atol=0), (kl, tl)


MC_DROPOUT = """model mc {
  x = Input(shape=(8,))
  h = Dense(16, activation="relu")(x)
  h = Dropout(0.5)(h, training=true)
  output y = Dense(1)(h)
  compile(optimizer="adam", loss="mse")
}"""


@slow
def test_monte_carlo_dropout_follows_kerass_training_flags(tmp_path):
    """Keras 3: a layer called with training=true runs in training mode when the model is
    called plainly (`model(x)`, training=None); fit, evaluate and predict give the model's own
    mode to every layer and it wins (keras/src/models/functional.py operation_fn), so predict
    is deterministic.  The PyTorch module does the same: `model(x)` honours the call's
    keyword, graphc_runtime's trainer runs inside K.model_training(...).

    Samples of y = w . (h * m / (1 - p)) + b (m ~ Bernoulli(1 - p), p = 0.5) have the mean
    w . h + b (the output without dropout) and the variance p / (1 - p) * sum((w * h)**2).  With
    N samples the mean is within 6 standard errors (sd / sqrt(N)) and the variance within 20%
    (its relative standard error is sqrt((kurtosis - 1) / N) < 0.05 at N = 4000)."""
    import torch
    import torch_helpers as th
    from graphc_runtime import torch as rt

    km, tm, _ = th.emit_pair(MC_DROPOUT, tmp_path, "mc")
    kmodel = km.build_model()
    th.randomize(kmodel)
    tmodel = th.torch_from_keras(tm, kmodel)
    x = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    w1, b1 = kmodel.get_layer("dense").get_weights()
    w2, b2 = kmodel.get_layer("y").get_weights()
    h = np.maximum(x @ w1 + b1, 0.0)
    mean = (h @ w2 + b2)[:, 0]
    var = ((h * w2[:, 0]) ** 2).sum(1) * 0.5 / (1 - 0.5)
    reps, rounds = 100, 40
    n = reps * rounds
    batch = np.repeat(x, reps, 0)
    ks = np.concatenate([np.asarray(kmodel(batch))[:, 0].reshape(2, reps) for _ in range(rounds)], 1)
    tmodel.eval()
    with torch.no_grad():
        ts = np.concatenate(
            [tmodel(torch.from_numpy(batch)).numpy()[:, 0].reshape(2, reps) for _ in range(rounds)], 1
        )
    for s in (ks, ts):
        assert s.shape == (2, n)
        assert np.all(np.abs(s.mean(1) - mean) <= 6 * np.sqrt(var / n) + 1e-5), (s.mean(1), mean)
        assert np.all(np.abs(s.var(1) / var - 1) < 0.2), (s.var(1), var)
    # predict: the model's mode (inference) wins in both, the output has no dropout
    kp = kmodel.predict(x, verbose=0)[:, 0]
    tp = rt.predict(tm, tmodel, {"x": x}, batch_size=2)["y"][:, 0]
    for p in (kp, tp):
        assert np.allclose(p, mean, rtol=OUT_TOL, atol=1e-6), (p, mean)
    assert not tmodel.dropout.training  # the plain calls left the layer's mode as it was


BN_FLAGS = """model bn_flags {
  x = Input(shape=(6,))
  h = BatchNormalization()(Dense(8)(x), training=false)
  g = BatchNormalization(momentum=0.5)(Dense(8)(x), training=true)
  output y = Dense(1)(concatenate([h, g]))
  compile(optimizer="sgd", loss="mse")
}"""


@slow
def test_batch_normalization_training_flags_follow_keras(tmp_path):
    """A plain call honours each call's flag (h: moving statistics, g: the batch's); evaluate
    and fit give the model's mode to both (Keras's Functional does).  Weights after three SGD
    steps: 1e-5 absolute (tests/test_torch_target.py: lr 0.01 moves a weight by < 0.1, the
    update error is the gradient's relative error, 1e-4, times that)."""
    import torch
    import torch_helpers as th

    km, tm, _ = th.emit_pair(BN_FLAGS, tmp_path, "bn_flags")
    kmodel = km.build_model()
    th.randomize(kmodel)
    tmodel = th.torch_from_keras(tm, kmodel)
    x, y = _padded_inputs(km, 8, seed=2)
    plain_k = np.asarray(kmodel(x["x"]))
    tmodel.eval()
    with torch.no_grad():
        plain_t = tmodel(torch.from_numpy(x["x"])).numpy()
    assert th.rel_diff(plain_k, plain_t) < OUT_TOL
    # the g branch really used the batch's statistics: inference gives another output
    assert th.rel_diff(plain_k, np.asarray(kmodel(x["x"], training=False))) > 1e-3
    for key, (kv, tv) in th.evaluate_both(km, tm, kmodel, tmodel, x, y).items():
        assert abs(kv - tv) <= OUT_TOL * max(1.0, abs(kv)), (key, kv, tv)
    before = {k: [a.copy() for a in v] for k, v in th.keras_weights(kmodel).items()}
    kl, tl = th.train_both(km, tm, kmodel, tmodel, x, y, steps=3)
    assert np.allclose(kl, tl, rtol=OUT_TOL, atol=0), (kl, tl)
    kw, tw = th.keras_weights(kmodel), tm.K.keras_weights(tmodel)
    for name, arrays in kw.items():
        for a, b in zip(arrays, tw[name]):
            assert np.max(np.abs(a - np.asarray(b))) < 1e-5, name
    # fit trained the moving statistics of both, training=false notwithstanding (Keras's rule)
    bn = next(n for n in kw if n.startswith("batch_normalization") and not n.endswith("_1"))
    assert not np.allclose(before[bn][2], kw[bn][2])
