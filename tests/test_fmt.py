"""graphc fmt: canonical layout, idempotence, meaning preservation, comments."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphc.compiler import syntax as S
from graphc.compiler.parse import parse
from graphc.diagnostics import CompileError
from graphc.fmt import fmt_check, format_source

# ----------------------------------------------------------------- helpers
_SKIP = {"span", "close_span", "path", "source"}


def shape(node):
    """A structural, position-free view of an AST: equal views = same meaning."""
    if isinstance(node, S.Node):
        out = {"_": type(node).__name__}
        for f in dataclasses.fields(node):
            if f.name in _SKIP:
                continue
            value = getattr(node, f.name)
            if isinstance(node, S.FString) and f.name == "parts":
                value = _merge_fstring(value)
            out[f.name] = shape(value)
        return out
    if isinstance(node, (list, tuple)):
        return [type(node).__name__] + [shape(x) for x in node]
    if isinstance(node, (bool, int, float, str)) or node is None:
        return (type(node).__name__, node)
    raise TypeError(f"unexpected value in AST: {node!r}")


def _merge_fstring(parts):
    out = []
    for p in parts:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out


def same_ast(a: str, b: str) -> bool:
    return shape(parse(a)) == shape(parse(b))


_COMMENT = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(#[^\n]*)""")


def comments(text: str) -> list:
    return sorted(m.group(1).rstrip() for m in _COMMENT.finditer(text) if m.group(1))


def check(src: str) -> str:
    """Format, and check idempotence, meaning and comment preservation."""
    out = format_source(src)
    assert format_source(out) == out, "not idempotent:\n" + out
    assert fmt_check(out)
    assert shape(parse(out)) == shape(parse(src)), "meaning changed:\n" + out
    assert comments(out) == comments(src), "comments lost or altered:\n" + out
    assert out == "" or out.endswith("\n") and not out.endswith("\n\n")
    for line in out.splitlines():
        assert line == line.rstrip(), "trailing whitespace"
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0
    return out


def d(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


# ------------------------------------------------------- the spec's examples
PROFILE = d("""
    vocab_size = 10000

    model profile {
      text = Input(shape=(None,), dtype="int32")
      x = Embedding(vocab_size, 256)(text)
      for i in range(4) { x = LSTM(256, return_sequences=true)(x) }
      x = LSTM(256)(x)
      x = Dense(128, activation="relu")(x)
      output age = Dense(1)(x)
      output income = Dense(10, activation="softmax")(x)
      output gender = Dense(1, activation="sigmoid")(x)
      compile(optimizer="rmsprop",
              loss={age: "mse", income: "categorical_crossentropy", gender: "binary_crossentropy"},
              loss_weights={age: 0.25, income: 1.0, gender: 10.0})
    }
""")

SIAMESE = d("""
    block residual(x, filters=128) {
      y = Conv2D(filters, 3, activation="relu", padding="same")(x)
      y = Conv2D(filters, 3, activation="relu", padding="same")(y)
      y = Conv2D(filters, 3, activation="relu", padding="same")(y)
      return add([x, y])
    }

    model siamese_lstm {
      left = Input(shape=(None, 128))
      right = Input(shape=(None, 128))
      share lstm = LSTM(32)
      merged = concatenate([lstm(left), lstm(right)], axis=-1)
      output predictions = Dense(1, activation="sigmoid")(merged)
      compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    }

    model stereo_depth {
      left = Input(shape=(250, 250, 3))
      right = Input(shape=(250, 250, 3))
      share xception_base = Xception(weights=None, include_top=false)
      merged = concatenate([xception_base(left), xception_base(right)], axis=-1)
      x = GlobalAveragePooling2D()(merged)
      output depth = Dense(1)(x)
      compile(optimizer="adam", loss="mse")
    }
""")

PROFILE_FORMATTED = d("""
    vocab_size = 10000

    model profile {
      text = Input(shape=(None,), dtype="int32")
      x = Embedding(vocab_size, 256)(text)
      for i in range(4) {
        x = LSTM(256, return_sequences=true)(x)
      }
      x = LSTM(256)(x)
      x = Dense(128, activation="relu")(x)
      output age = Dense(1)(x)
      output income = Dense(10, activation="softmax")(x)
      output gender = Dense(1, activation="sigmoid")(x)
      compile(
        optimizer="rmsprop",
        loss={age: "mse", income: "categorical_crossentropy", gender: "binary_crossentropy"},
        loss_weights={age: 0.25, income: 1.0, gender: 10.0},
      )
    }
""")


def test_spec_profile_golden():
    assert check(PROFILE) == PROFILE_FORMATTED


def test_spec_siamese_and_residual_already_canonical():
    assert check(SIAMESE) == SIAMESE
    assert fmt_check(SIAMESE)


def test_fmt_check_false_on_messy_input():
    assert not fmt_check("x=1\n")
    assert fmt_check("x = 1\n")
    assert fmt_check("")


# ------------------------------------------------------------ layout rules
def test_spacing_quotes_constants_and_numbers():
    src = "a=f( 1,b = 2 ,c='it\\'s' )\nb=[1e-3,1E3,.5,2.,0.25,007 ,True,False,None]\nc = -a+b*2//3%4-(-1)\n"
    assert check(src) == (
        'a = f(1, b=2, c="it\'s")\n'
        "b = [1e-3, 1E3, .5, 2., 0.25, 007, true, false, None]\n"
        "c = -a + b * 2 // 3 % 4 - -1\n"
    )


def test_string_escapes_roundtrip():
    src = 'x = "tab\\there \\"q\\" back\\\\slash \\u00e9 nl\\n \\x01"\ny = \'single "double" inside\'\n'
    out = check(src)
    assert out == 'x = "tab\\there \\"q\\" back\\\\slash é nl\\n \\x01"\ny = "single \\"double\\" inside"\n'


def test_parentheses_only_where_needed():
    src = "x = ((a + b)) * (c - (d - e)) + (f * g)\ny = not (a or b) and (c or d) or (e and f)\nz = (a < b) == c\n"
    assert check(src) == (
        "x = (a + b) * (c - (d - e)) + f * g\ny = not (a or b) and (c or d) or e and f\nz = (a < b) == c\n"
    )


def test_tuples_lists_dicts():
    src = "t = (  )\nu = (1 ,)\nv = (1,2,)\nw = [ ]\nd = { }\ne = {'a' : 1, b:[1,2]}\n"
    assert check(src) == 't = ()\nu = (1,)\nv = (1, 2)\nw = []\nd = {}\ne = {"a": 1, b: [1, 2]}\n'


def test_fstrings():
    src = 'n = f"block{ i+1 }_conv{j:03d} {{literal}} \\"q\\""\nm = f\'{a[0]}{b.c}\'\n'
    out = check(src)
    assert out == 'n = f"block{i + 1}_conv{j:03d} {{literal}} \\"q\\""\nm = f"{a[0]}{b.c}"\n'


def test_statements_semicolons_and_blank_lines():
    src = d("""
        model m {


          a = Input(shape=(3,)); b = Dense(2)(a)



          output c = Dense(1)(b)

        }
        x = 1
        block b(t) { return t }
        model n { }
    """)
    assert check(src) == d("""
        model m {
          a = Input(shape=(3,))
          b = Dense(2)(a)

          output c = Dense(1)(b)
        }

        x = 1

        block b(t) {
          return t
        }

        model n {}
    """)


def test_blocks_defaults_multiple_returns_unpacking_output_lists():
    src = d("""
        use "layers/blocks.gdl"
        block two(x, units=32, act="relu", shape=(None, 3)) { a = Dense(units, activation=act)(x); return a, x }
        model m() {
          inp = Input(shape=(8,))
          p, q = two(inp, units=4)
          out, h, c = LSTM(4, return_state=true)(Reshape((2, 4))(p))
          output p, q
          output r = Dense(1)(h)
          fit(batch_size=32, epochs=10, validation_split=0.1)
        }
    """)
    out = check(src)
    assert 'block two(x, units=32, act="relu", shape=(None, 3)) {\n  a = Dense' in out
    assert "  return a, x\n" in out
    assert "model m() {" in out  # empty parameter list kept
    assert "  out, h, c = LSTM(4, return_state=true)(Reshape((2, 4))(p))\n" in out
    assert "  output p, q\n" in out


def test_for_if_else_chains():
    src = d("""
        model m(n=2, top=true) {
          x = Input(shape=(4,))
          for i in range(n) { x = Dense(4, name=f"d{i}")(x) }
          if top { x = Dense(1)(x) } else if n > 3 { x = Dense(2)(x) }
          else { if n == 1 { x = Dense(3)(x) } else { x = Dense(5)(x) } }
          output y = x
        }
    """)
    out = check(src)
    assert out == d("""
        model m(n=2, top=true) {
          x = Input(shape=(4,))
          for i in range(n) {
            x = Dense(4, name=f"d{i}")(x)
          }
          if top {
            x = Dense(1)(x)
          } else if n > 3 {
            x = Dense(2)(x)
          } else if n == 1 {
            x = Dense(3)(x)
          } else {
            x = Dense(5)(x)
          }
          output y = x
        }
    """)


def test_long_calls_break_one_argument_per_line():
    src = (
        "model m {\n  x = Input(shape=(32, 32, 3))\n"
        '  y = Conv2D(filters=128, kernel_size=(3, 3), strides=(1, 1), padding="same", '
        'activation="relu", use_bias=true, name="a_rather_long_layer_name")(x)\n  output y\n}\n'
    )
    out = check(src)
    assert out == (
        "model m {\n  x = Input(shape=(32, 32, 3))\n"
        "  y = Conv2D(\n"
        "    filters=128,\n"
        "    kernel_size=(3, 3),\n"
        "    strides=(1, 1),\n"
        '    padding="same",\n'
        '    activation="relu",\n'
        "    use_bias=true,\n"
        '    name="a_rather_long_layer_name",\n'
        "  )(x)\n  output y\n}\n"
    )
    assert max(len(line) for line in out.splitlines()) <= 100


def test_nested_long_structures_break_outermost_first():
    items = ", ".join(f'"item_number_{i}"' for i in range(12))
    src = f"x = f(g([{items}]), h(k=1))\n"
    out = check(src)
    assert all(len(line) <= 100 for line in out.splitlines())
    assert out.startswith("x = f(\n  g([\n") or out.startswith("x = f(\n  g(\n")


# ------------------------------------------------------------------ comments
def test_comments_everywhere():
    src = d("""
        # file header

        # about vocab
        vocab_size = 10000   # trailing on const
        model m {  # after brace
          # leading stmt
          x = Input(shape=(4,))  # trailing stmt
          y = Dense(2,   # inside call
                    activation="relu")(x)   # after call

          # before loop
          for i in range(2) {  # loop brace
            y = Dense(2)(y)  # in loop
            # end of loop body
          }  # after loop
          if true {
            y = Dense(2)(y)
          }  # between if and else
          else {  # else brace
            y = Dense(3)(y)
          }
          output z = y; # after semicolon
          # dangling at end of body
        }  # after model
        # end of file
    """)
    out = check(src)
    assert out == d("""
        # file header

        # about vocab
        vocab_size = 10000  # trailing on const

        model m {  # after brace
          # leading stmt
          x = Input(shape=(4,))  # trailing stmt
          # inside call
          y = Dense(2, activation="relu")(x)  # after call

          # before loop
          for i in range(2) {  # loop brace
            y = Dense(2)(y)  # in loop
            # end of loop body
          }  # after loop
          # between if and else
          if true {
            y = Dense(2)(y)
          } else {  # else brace
            y = Dense(3)(y)
          }
          output z = y  # after semicolon
          # dangling at end of body
        }  # after model

        # end of file
    """)


def test_comment_attached_to_definition_keeps_blank_line_rules():
    src = "x = 1\n# doc for m\nmodel m {\n  a = Input(shape=(1,))\n  output a\n}\n# doc for k\nblock k(t) {\n  return t\n}\n"
    assert check(src) == (
        "x = 1\n\n# doc for m\nmodel m {\n  a = Input(shape=(1,))\n  output a\n}\n\n"
        "# doc for k\nblock k(t) {\n  return t\n}\n"
    )


def test_comments_in_headers_and_else_if_keep_block_form():
    src = d("""
        block b(x,  # the input
                n=2) {
          if n > 1 {
            x = f(x)
          } else {
            # why this branch
            if n == 0 { x = g(x) }
          }
          return x
        }
    """)
    out = check(src)
    assert out.startswith("# the input\nblock b(x, n=2) {\n")
    assert "  } else {\n    # why this branch\n    if n == 0 {" in out


def test_comment_only_and_empty_files():
    assert check("") == ""
    assert check("\n\n  \n") == ""
    assert check("# only a comment   \n\n\n# another\n") == "# only a comment\n\n# another\n"


def test_hash_inside_strings_is_not_a_comment():
    out = check('x = "a # not a comment"  # real\ny = f"{a}#{b}"\n')
    assert out == 'x = "a # not a comment"  # real\ny = f"{a}#{b}"\n'


def test_line_continuation_and_crlf():
    assert check("x = 1 + \\\n  2\r\ny = 3\r\n") == "x = 1 + 2\ny = 3\n"


def test_syntax_error_is_a_compile_error():
    with pytest.raises(CompileError):
        format_source("model {")


# --------------------------------------------------------------------- fuzz
NAMES = ["x", "y", "a", "b", "lstm", "Dense", "Conv2D", "f", "n_1", "_t", "a_pretty_long_variable_name_here"]
NUMBERS = ["0", "3", "128", "0.25", "1e-3", "1E3", ".5", "2.", "10.0", "007", "1e+2"]
P_OR, P_AND, P_NOT, P_CMP, P_ARITH, P_TERM, P_UNARY, P_POW, P_POSTFIX, P_ATOM = range(1, 11)
P_IFEXP = 0

names = st.sampled_from(NAMES)
# whitespace allowed inside brackets (newlines and comments are free there)
inner_ws = st.sampled_from(["", "", " ", "\n", "\n    ", "  # c in brackets\n  ", "\n\n"])
# whitespace between tokens outside brackets
outer_ws = st.sampled_from(["", " ", " ", "  ", " \\\n  "])
comment_text = st.sampled_from(["# c", "#c", "# a # b", "#   spaced   ", "# 'quote' \"dq\""])


@st.composite
def string_lit(draw):
    s = draw(st.text(alphabet=st.sampled_from(list("ab {}#'\"\\\n\té:")), max_size=8))
    if draw(st.booleans()):
        return repr(s)  # Python spelling: usually single-quoted
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + body + '"'


@st.composite
def fstring_lit(draw):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["block", "_", "{{", "}}", " x ", "#"])))
        else:
            e = draw(st.sampled_from(["i", "i+1", "n * 2", "a[0]", "b.c", "-i", "i:03d", " i "]))
            parts.append("{" + e + "}")
    q = draw(st.sampled_from(['"', "'"]))
    return draw(st.sampled_from(["f", "F"])) + q + "".join(parts) + q


def atoms():
    return st.one_of(
        names.map(lambda n: (n, P_ATOM)),
        st.sampled_from(NUMBERS).map(lambda n: (n, P_ATOM)),
        st.sampled_from(["true", "false", "True", "False", "None"]).map(lambda n: (n, P_ATOM)),
        string_lit().map(lambda s: (s, P_ATOM)),
        fstring_lit().map(lambda s: (s, P_ATOM)),
    )


def _wrap(draw, e, need):
    text, prec = e
    if prec < need or draw(st.integers(0, 9)) == 0:
        w1, w2 = draw(inner_ws), draw(inner_ws)
        return "(" + w1 + text + w2 + ")"
    return text


def _items(draw, texts):
    if not texts:
        return draw(inner_ws)
    out = draw(inner_ws)
    for i, t in enumerate(texts):
        if i:
            out += "," + draw(inner_ws)
        out += t
    if draw(st.booleans()):
        out += ","
    return out + draw(inner_ws)


def compound(children):
    @st.composite
    def build(draw):
        kind = draw(
            st.sampled_from(
                [
                    "call",
                    "call",
                    "call",
                    "kwcall",
                    "list",
                    "tuple",
                    "dict",
                    "index",
                    "attr",
                    "arith",
                    "term",
                    "unary",
                    "not",
                    "cmp",
                    "bool",
                    "paren",
                    "ifexp",
                    "listcomp",
                    "dictcomp",
                    "genexp",
                    "subscript",
                ]
            )
        )
        c = lambda: draw(children)  # noqa: E731
        if kind in ("call", "kwcall"):
            func = draw(st.one_of(names.map(lambda n: (n, P_ATOM)), children))
            args = [c()[0] for _ in range(draw(st.integers(0, 3)))]
            if kind == "kwcall":
                args += [
                    draw(names) + draw(outer_ws.filter(lambda s: "\\" not in s)) + "=" + c()[0]
                    for _ in range(draw(st.integers(1, 3)))
                ]
            return _wrap(draw, func, P_POSTFIX) + "(" + _items(draw, args) + ")", P_POSTFIX
        if kind == "list":
            return "[" + _items(draw, [c()[0] for _ in range(draw(st.integers(0, 4)))]) + "]", P_ATOM
        if kind == "tuple":
            n = draw(st.integers(0, 3))
            items = [c()[0] for _ in range(n)]
            if n == 1:
                return "(" + draw(inner_ws) + items[0] + "," + draw(inner_ws) + ")", P_ATOM
            if n == 0:
                return "(" + draw(inner_ws) + ")", P_ATOM
            return "(" + _items(draw, items) + ")", P_ATOM
        if kind == "dict":
            pairs = [
                c()[0] + draw(inner_ws) + ":" + draw(inner_ws) + c()[0]
                for _ in range(draw(st.integers(0, 3)))
            ]
            return "{" + _items(draw, pairs) + "}", P_ATOM
        if kind == "index":
            return _wrap(draw, c(), P_POSTFIX) + "[" + draw(inner_ws) + c()[0] + "]", P_POSTFIX
        if kind == "attr":
            obj = c()
            need = P_ATOM + 1 if obj[0][:1].isdigit() or obj[0][:1] == "." else P_POSTFIX
            return _wrap(draw, obj, need) + "." + draw(names), P_POSTFIX
        if kind == "arith":
            op = draw(st.sampled_from(["+", "-"]))
            return _wrap(draw, c(), P_ARITH) + draw(outer_ws) + op + " " + _wrap(draw, c(), P_TERM), P_ARITH
        if kind == "term":
            op = draw(st.sampled_from(["*", "/", "//", "%"]))
            return _wrap(draw, c(), P_TERM) + " " + op + draw(outer_ws) + _wrap(draw, c(), P_UNARY), P_TERM
        if kind == "unary":
            op = draw(st.sampled_from(["+", "-"]))
            return op + draw(outer_ws) + _wrap(draw, c(), P_UNARY), P_UNARY
        if kind == "not":
            return "not " + _wrap(draw, c(), P_NOT), P_NOT
        if kind == "cmp":
            text = _wrap(draw, c(), P_ARITH)
            for _ in range(draw(st.integers(1, 2))):
                op = draw(st.sampled_from(["<", ">", "==", "!=", "<=", ">="]))
                text += draw(outer_ws) + op + " " + _wrap(draw, c(), P_ARITH)
            return text, P_CMP
        if kind == "bool":
            op = draw(st.sampled_from(["and", "or"]))
            need = P_AND if op == "or" else P_NOT
            text = " " + op + " "
            return text.join(_wrap(draw, c(), need) for _ in range(draw(st.integers(2, 3)))), (
                P_OR if op == "or" else P_AND
            )
        if kind == "ifexp":
            text = (
                _wrap(draw, c(), P_OR)
                + " if "
                + _wrap(draw, c(), P_OR)
                + " else "
                + _wrap(draw, c(), P_IFEXP)
            )
            return text, P_IFEXP
        if kind in ("listcomp", "dictcomp", "genexp"):
            clauses = ""
            for _ in range(draw(st.integers(1, 2))):
                clauses += draw(inner_ws) + " for " + draw(target_text) + " in " + _wrap(draw, c(), P_OR)
                for _ in range(draw(st.integers(0, 2))):
                    clauses += draw(inner_ws) + " if " + _wrap(draw, c(), P_OR)
            if kind == "listcomp":
                return "[" + draw(inner_ws) + c()[0] + clauses + draw(inner_ws) + "]", P_ATOM
            if kind == "dictcomp":
                return "{" + c()[0] + draw(inner_ws) + ":" + c()[0] + clauses + "}", P_ATOM
            func = draw(st.one_of(names.map(lambda n: (n, P_ATOM)), children))
            return _wrap(draw, func, P_POSTFIX) + "(" + c()[0] + clauses + ")", P_POSTFIX
        if kind == "subscript":
            items = []
            for _ in range(draw(st.integers(1, 3))):
                form = draw(
                    st.sampled_from(["e", "e", "...", "a:b", "a:", ":b", ":", "::c", "a:b:c", "a::", "::"])
                )
                if form == "e":
                    items.append(c()[0])
                    continue
                part = ""
                for ch in form:
                    part += {"a": c()[0], "b": c()[0], "c": c()[0]}.get(ch, ch)
                items.append(part)
            trailing = "," if draw(st.booleans()) else ""
            return _wrap(draw, c(), P_POSTFIX) + "[" + ", ".join(items) + trailing + "]", P_POSTFIX
        e = c()
        return "(" + draw(inner_ws) + e[0] + draw(inner_ws) + ")", P_ATOM

    return build()


# `for` targets: a name, names unpacked (nested), a one-name tuple, a parenthesized name
target_text = st.sampled_from(["i", "k", "a, b", "i, (a, b)", "(a, b), c", "a,", "(x)", "(a, b),"])


exprs = st.recursive(atoms(), compound, max_leaves=12)
expr_text = exprs.map(lambda e: e[0])

# statement separators: newlines, `;`, comments, blank lines
sep = st.sampled_from(
    ["\n", "\n", "; ", ";\n", "\n\n\n", "  # trailing\n", "\n# own line\n", "\n\n# after blank\n\n"]
)


@st.composite
def simple_stmt(draw, in_block):
    kind = draw(
        st.sampled_from(
            ["assign", "assign", "share", "output", "outputs", "expr"] + (["return"] if in_block else [])
        )
    )
    e = lambda: draw(expr_text)  # noqa: E731
    ws = lambda: draw(outer_ws)  # noqa: E731
    if kind == "assign":
        targets = ("," + ws()).join(draw(st.lists(names, min_size=1, max_size=3)))
        return targets + ws() + "=" + ws() + e()
    if kind == "share":
        return "share " + draw(names) + ws() + "=" + ws() + e()
    if kind == "output":
        return "output " + draw(names) + ws() + "=" + ws() + e()
    if kind == "outputs":
        return "output " + ("," + ws()).join(draw(st.lists(names, min_size=1, max_size=3)))
    if kind == "return":
        return "return " + ("," + ws()).join(e() for _ in range(draw(st.integers(1, 3))))
    return draw(st.one_of(names, expr_text)) + "(" + e() + ")"


def body(stmts_strategy):
    @st.composite
    def build(draw):
        stmts = draw(st.lists(stmts_strategy, max_size=4))
        open_ = draw(st.sampled_from(["{", "{ ", "{\n", "{  # brace\n", "{\n\n"]))
        text = open_
        for s in stmts:
            text += s + draw(sep)
        return text + draw(st.sampled_from(["", "\n", "# before close\n"])) + "}"

    return build()


def stmts_in(in_block):
    def extend(inner):
        @st.composite
        def compound_stmt(draw):
            kind = draw(st.sampled_from(["for", "if", "ifelse", "elif"]))
            b = lambda: draw(body(inner))  # noqa: E731
            if kind == "for":
                return "for " + draw(st.one_of(names, target_text)) + " in " + draw(expr_text) + " " + b()
            head = "if " + draw(expr_text) + " " + b()
            if kind == "if":
                return head
            gap = draw(st.sampled_from([" ", "\n", "\n# between\n", "  # after brace\n"]))
            if kind == "ifelse":
                return head + gap + "else " + b()
            return head + gap + "else if " + draw(expr_text) + " " + b() + " else " + b()

        return st.one_of(simple_stmt(in_block), compound_stmt())

    return st.recursive(simple_stmt(in_block), extend, max_leaves=6)


@st.composite
def param_list(draw):
    params = []
    for n in draw(st.lists(names, max_size=3, unique=True)):
        params.append(n + ("=" + draw(expr_text) if draw(st.booleans()) else ""))
    return "(" + _items(draw, params) + ")"


@st.composite
def top_item(draw):
    kind = draw(st.sampled_from(["use", "const", "block", "model", "model"]))
    if kind == "use":
        return "use " + draw(string_lit())
    if kind == "const":
        return draw(names) + " = " + draw(expr_text)
    params = draw(st.one_of(st.just(""), param_list())) if kind == "model" else draw(param_list())
    return kind + " " + draw(names) + params + " " + draw(body(stmts_in(kind == "block")))


@st.composite
def programs(draw):
    text = draw(st.sampled_from(["", "# header\n", "\n\n"]))
    for item in draw(st.lists(top_item(), max_size=4)):
        text += item + draw(st.sampled_from(["\n", "\n\n", "  # end\n", "\n# between items\n", ";\n"]))
    return text


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(programs())
def test_fuzz_format_is_idempotent_and_preserves_meaning(src):
    parse(src)  # the generator only makes valid programs
    check(src)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs)
def test_fuzz_expressions(e):
    src = "x = " + e[0] + "\n"
    out = check(src)
    assert any(line.startswith("x = ") for line in out.splitlines())


def _ir_view(text: str, path: str):
    """Everything the compiler derives from a program, positions aside."""
    from graphc.compiler.lower import compile_program

    program = compile_program(path, text)
    assert not program.errors
    out = {}
    for name, g in program.graphs.items():
        out[name] = (
            [
                (layer.name, layer.type_name, [tuple(w.shape) for w in layer.weights], len(layer.calls))
                for layer in g.layers
            ],
            [(n, str(t.type), t.type.dtype) for n, t, _ in g.outputs],
            [str(t.type) for t in g.inputs],
            [(e.output, e.loss, e.weight, e.config) for e in (g.compile or {}).get("losses", [])],
            g.fit,
        )
    return out


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parent.parent / "examples").glob("*.gdl")), ids=lambda p: p.stem
)
def test_formatting_keeps_the_ir(path):
    text = path.read_text()
    assert _ir_view(format_source(text, str(path)), str(path)) == _ir_view(text, str(path))
