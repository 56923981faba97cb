"""Editor analysis of one GDL buffer: diagnostics, hover, go-to-definition and
completion, testable without LSP (graphc/lsp.py serves it over the protocol).

    a = analyze("model.gdl", text)        # never raises, compiles the unsaved text
    a.diagnostics                         # what `graphc check` reports for this text
    a.hover(line, col)                    # -> Hover(span, markdown) | None
    a.definition(line, col)               # -> Location(file, span) | None
    a.completions(line, col)              # -> [Completion]

Positions are 1-based lines and 1-based columns counted in characters (code
points), as in diagnostics (`file:line:col`); lines end at "\\n".

While the user types, the buffer often does not parse.  Diagnostics always come
from the real text; hover, definition and completion then use a repaired copy
(the line of each syntax error blanked, an unclosed `{` closed at the end) of
the same length, so every position still means the same place.

What this module reads from the compiler core (re-point these when the core
changes; nothing else here knows the evaluator):
- `graphc.compiler.lower.compile_program(path, text, trace=list)`: a Program with
  `.diagnostics`, `.graphs` (name -> ir.Graph), `.env` (the file's ModuleEnv:
  `.names` name -> value) and `.interpreter.modules.envs` (path -> ModuleEnv with
  `.module`, its syntax.Module); `trace` receives (file, span, name, value) for
  every variable binding and every name the evaluator looked up.
- `graphc.compiler.parse.parse` and the AST of graphc.compiler.syntax (spans with
  character offsets);
- the IR (ir.Graph .inputs/.outputs/.layers/.calls/.compile, ir.Layer, ir.Call,
  ir.Tensor with .type) and values (LayerVal, DefVal, OpClass, Builtin, KerasObject).
All of it is in `_compile`, `_graphs` and the renderers `_describe_*`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphc.compiler import syntax as S
from graphc.compiler.syntax import NOSPAN, Span
from graphc.diagnostics import CompileError, Diagnostic
from graphc.records import fields

__all__ = ["analyze", "Analysis", "Hover", "Location", "Completion"]


# ====================================================================== results
@dataclass(frozen=True)
class Location:
    file: str
    span: Span


@dataclass(frozen=True)
class Hover:
    span: Span  # what the hover is about (the name or the call)
    text: str  # markdown


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # layer | function | block | model | variable | constant | keyword | argument | value | file
    detail: str = ""
    insert_text: str | None = None
    documentation: str = ""
    sort_text: str = ""


KEYWORDS = ("model", "block", "share", "output", "use", "for", "in", "if", "else", "return")
CONSTANTS = ("true", "false", "None")


# ================================================================ core adapter
def _compile(path: str, text: str):
    """(Program, trace) for `text` as the contents of `path`."""
    from graphc.compiler.lower import compile_program

    trace: list = []
    return compile_program(path, text, trace=trace), trace


def _parse(text: str, path: str):
    from graphc.compiler.parse import parse

    return parse(text, path)


def _graphs(program) -> list:
    """Every graph of the program: its models and the sub-models they use."""
    out, seen = [], set()
    stack = list(program.graphs.values()) if program is not None else []
    while stack:
        g = stack.pop()
        if g is None or id(g) in seen:
            continue
        seen.add(id(g))
        out.append(g)
        stack.extend(layer.graph for layer in g.layers if layer.graph is not None)
    return out


def _module_of(program, path: str):
    env = program.interpreter.modules.envs.get(path) if program is not None else None
    return env.module if env is not None else None


def _top_names(program) -> dict:
    env = program.env if program is not None else None
    return dict(env.names) if env is not None else {}


# ================================================================= the analysis
def analyze(path: str, text: str) -> Analysis:
    """Compile `text` as the contents of `path`; never raises."""
    return Analysis(path, text)


class Analysis:
    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.diagnostics: list[Diagnostic] = []
        self.internal_error: str | None = None
        self.program = None  # the Program the index is built from (possibly of repaired text)
        self.trace: list = []
        self.repaired = False
        try:
            program, trace = _compile(path, text)
            self.program, self.trace = program, trace
            self.diagnostics = list(program.diagnostics)
            syntax = [d for d in self.diagnostics if d.code == "syntax" and d.file == path]
            if program.env is None and syntax:
                fixed = _repair(text, path, syntax[0])
                if fixed is not None:
                    program, trace = _compile(path, fixed)
                    self.repaired = True
            self.program, self.trace = program, trace
        except Exception as exc:  # a compiler bug must not take the editor down
            self.internal_error = f"{type(exc).__name__}: {exc}"
        self.module = _module_of(self.program, path)
        self._index = None

    # ------------------------------------------------------------ positions
    def offset(self, line: int, col: int) -> int:
        """1-based (line, col) -> character offset into the text (clamped)."""
        if line < 1:
            return 0
        if line > len(self._starts):
            return len(self.text)
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return min(start + max(col - 1, 0), end)

    def position(self, offset: int) -> tuple:
        """Character offset -> 1-based (line, col)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def _span(self, start: int, end: int) -> Span:
        (l1, c1), (l2, c2) = self.position(start), self.position(end)
        return Span(l1, c1, l2, c2, start, end)

    # ------------------------------------------------------------ index
    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _Index(self)
        return self._index

    # ------------------------------------------------------------ features
    def hover(self, line: int, col: int) -> Hover | None:
        try:
            return self.index.hover(self.offset(line, col))
        except Exception:  # pragma: no cover - never break the editor
            return None

    def definition(self, line: int, col: int) -> Location | None:
        try:
            return self.index.definition(self.offset(line, col))
        except Exception:  # pragma: no cover
            return None

    def completions(self, line: int, col: int) -> list[Completion]:
        try:
            return _complete(self, self.offset(line, col))
        except Exception:  # pragma: no cover
            return []


def _repair(text: str, path: str, d: Diagnostic) -> str | None:
    """A copy of `text` of the same length (plus a closing `}` at the end) that
    parses: the line of each syntax error (`d`, the first) is blanked in turn."""
    t = text
    for attempt in range(16):
        if attempt:
            try:
                _parse(t, path)
                return t
            except CompileError as exc:
                d = exc.diagnostics[0]
            except Exception:
                return None
        lines = t.split("\n")
        i = d.span.line - 1
        if 0 <= i < len(lines):
            # an error inside an unclosed bracket is the bracket's: blank the line that opened it
            err = sum(len(x) + 1 for x in lines[:i]) + max(d.span.col - 1, 0)
            brackets = [f for f in _context(t, min(err, len(t))).stack if f.kind != "body"]
            if brackets:
                i = t.count("\n", 0, brackets[0].start)
        if d.message.startswith("`{` is never closed") and not t.endswith("\n}"):
            t += "\n}"
            continue
        if not 0 <= i < len(lines) or not lines[i].strip():
            return None
        lines[i] = " " * len(lines[i])
        t = "\n".join(lines)
    return None


# ==================================================================== the AST
def _walk(node):
    """Every syntax node under `node` (any order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, S.Node):
            yield n
            for f in fields(n):
                if f.name != "span":
                    stack.append(getattr(n, f.name, None))
        elif isinstance(n, (list, tuple)):
            stack.extend(n)


@dataclass
class _Def:
    node: S.Def
    start: int  # offset of the line of `model`/`block`
    end: int  # offset of the next top-level item (or the end of the text)
    binds: list  # [(name, visible_from, Ident span)]


def _binds(body: list, out: list, line_end) -> None:
    """(name, visible_from, span) of every binding in `body`: a statement's names are
    visible from the next statement on (or from the end of its last line)."""
    for k, st in enumerate(body):
        visible = line_end(st.span.end)
        if k + 1 < len(body):  # `a = ...; b = f(a)`
            visible = min(visible, body[k + 1].span.start)
        if isinstance(st, S.Assign):
            out.extend((t.id, visible, t.span) for t in st.targets)
        elif isinstance(st, (S.Share, S.Output)):
            out.append((st.target.id, visible, st.target.span))
        elif isinstance(st, S.For):
            out.extend((t.id, st.iter.span.end, t.span) for t in S.target_idents(st.var))
            _binds(st.body, out, line_end)
        elif isinstance(st, S.If):
            _binds(st.body, out, line_end)
            _binds(st.orelse or [], out, line_end)


def _item_start(a: Analysis, item) -> int:
    return a._starts[max(item.span.line, 1) - 1] if item.span.line <= len(a._starts) else len(a.text)


def _defs(a: Analysis) -> list:
    items = a.module.items if a.module is not None else []
    out = []

    def line_end(offset: int) -> int:
        i = a.text.find("\n", offset)
        return len(a.text) if i < 0 else i

    for k, item in enumerate(items):
        if not isinstance(item, S.Def):
            continue
        end = _item_start(a, items[k + 1]) if k + 1 < len(items) else len(a.text)
        binds = [(p.name.id, -1, p.name.span) for p in item.params]
        _binds(item.body, binds, line_end)
        out.append(_Def(item, _item_start(a, item), end, binds))
    return out


def _render_expr(text: str, e) -> str:
    try:
        from graphc.fmt import _Exprs

        return _Exprs(text).flat(e)
    except Exception:  # pragma: no cover - the formatter is optional here
        return text[e.span.start : e.span.end]


def _signature(node: S.Def, text: str) -> str:
    params = []
    for p in node.params:
        params.append(p.name.id + ("" if p.default is None else "=" + _render_expr(text, p.default)))
    head = f"{node.kind} {node.name.id}"
    return head + (f"({', '.join(params)})" if node.has_params or params else "")


def _parsed_file(path: str):
    """The AST of a file on disk (cached while the file does not change), or None."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return _parse_cached(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _parse_cached(path: str, mtime_ns: int, size: int):
    try:
        return _parse(Path(path).read_text(encoding="utf-8"), path)
    except Exception:
        return None


# ================================================================== rendering
def _tensor_text(t) -> str:
    return f"{t.type} {t.dtype}"


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _tensors_text(name: str, values: list) -> str:
    """One name bound to several tensors (a block called twice, a loop): each
    distinct shape once, with the layers that made it."""
    by_type: dict = {}
    for t in values:
        made = by_type.setdefault(_tensor_text(t), [])
        what = f"{t.call.layer.type_name} `{t.call.layer.name}`" if t.call is not None else "model input"
        if what not in made:
            made.append(what)
    if len(by_type) == 1:
        ((shape, made),) = by_type.items()
        return f"`{name}`: `{shape}`\n\nmade by " + ", ".join(made)
    lines = [f"`{name}` takes {len(by_type)} shapes:"]
    lines += [f"- `{shape}`, made by " + ", ".join(made) for shape, made in by_type.items()]
    return "\n".join(lines)


def _layer_text(layer) -> str:
    from graphc.compiler.ir import Layer

    if not isinstance(layer, Layer):
        return ""
    kind = layer.type_name if layer.op is not None else f"model {layer.type_name}"
    if layer.inner is not None:
        kind += f"({layer.inner.type_name})"
    lines = [f"**{kind}** layer `{layer.name}`" + (" (shared)" if layer.shared else "")]
    outs = []
    for call in layer.calls:
        s = ", ".join(_tensor_text(t) for t in call.outputs)
        if s not in outs:
            outs.append(s)
    if len(layer.calls) > 1:
        lines.append(f"applied {len(layer.calls)} times")
    for s in outs:
        lines.append(f"output: `{s}`")
    lines.append(
        f"params: {_fmt_int(layer.trainable_params)} trainable, "
        f"{_fmt_int(layer.non_trainable_params)} non-trainable"
    )
    return "\n\n".join(lines)


def _graph_text(g) -> str:
    lines = []
    ins = ", ".join(f"{t.var or t.input_name} `{_tensor_text(t)}`" for t in g.inputs)
    outs = ", ".join(f"{name} `{_tensor_text(t)}`" for name, t, _ in g.outputs)
    if ins:
        lines.append(f"inputs: {ins}")
    if outs:
        lines.append(f"outputs: {outs}")
    lines.append(
        f"params: {_fmt_int(g.trainable_params)} trainable, {_fmt_int(g.non_trainable_params)} non-trainable"
    )
    return "\n\n".join(lines)


def _compile_text(g) -> str:
    c = g.compile or {}
    losses = c.get("losses") or []
    lines = ["**compile** (resolved)"]
    if losses:
        lines.append(
            "| output | loss | weight |\n|---|---|---|\n"
            + "\n".join(f"| {e.output} | {e.loss} | {e.weight:g} |" for e in losses)
        )
    opt = c.get("optimizer")
    if opt is not None:
        cfg = ", ".join(f"{k}={v!r}" for k, v in opt.config.items())
        lines.append(f"optimizer: {opt.name}" + (f" ({cfg})" if cfg else ""))
    return "\n\n".join(lines)


def _op_signature(op) -> str:
    from graphc.ops.base import REQUIRED

    parts = []
    for p in op.all_params():
        parts.append(p.name if p.default is REQUIRED else f"{p.name}={_py(p.default)}")
    return f"{op.name}({', '.join(parts)})"


def _py(v) -> str:
    """A compile-time value as GDL writes it."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "None"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, tuple):
        return "(" + ", ".join(_py(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_py(x) for x in v) + "]"
    if isinstance(v, range):
        return f"range({v.start}, {v.stop}, {v.step})"
    return repr(v)


def _describe_value(a: Analysis, name: str, v, layers_here: list, inputs_here: list) -> str | None:
    """Markdown for what `name` is bound to, or None for nothing useful."""
    from graphc.compiler.ir import Layer, Tensor
    from graphc.compiler.values import POISON, Builtin, DefVal, LayerVal, OpClass, Results
    from graphc.ops.objects import KerasObject

    if v is POISON:
        return None
    if isinstance(v, Tensor):
        made = ""
        if v.call is not None:
            made = f"\n\nmade by {v.call.layer.type_name} `{v.call.layer.name}`"
        elif v.var:
            made = "\n\nmodel input"
        return f"`{name}`: `{_tensor_text(v)}`{made}"
    if (
        isinstance(v, (tuple, list, Results))
        and v
        and all(isinstance(x, Tensor) for x in getattr(v, "items", v))
    ):
        items = getattr(v, "items", v)
        return f"`{name}`: " + ", ".join(f"`{_tensor_text(x)}`" for x in items)
    if isinstance(v, LayerVal):
        if isinstance(v.layer, Layer):
            return _layer_text(v.layer)
        kind = v.type_name if v.op is not None else f"model {v.type_name}"
        given = ", ".join(f"{k}={_py(x)}" for k, x in v.given.items() if not hasattr(x, "op"))
        state = "wrapped by another layer" if v.layer == "wrapped" else "not applied"
        return f"**{kind}**({given}) layer `{name}` ({state})"
    if isinstance(v, DefVal):
        text = v.module.module.source if v.module is not None else a.text
        sig = f"```gdl\n{_signature(v.node, text)}\n```"
        graph = a.program.graphs.get(v.node.name.id) if a.program is not None else None
        if graph is not None and v.module is not None and v.module.path == a.path:
            sig += "\n\n" + _graph_text(graph)
        return sig
    if isinstance(v, (OpClass, Builtin)):
        if layers_here:
            return "\n\n---\n\n".join(dict.fromkeys(_layer_text(la) for la in layers_here))
        if inputs_here:
            return "\n\n".join(f"**Input** `{t.var}`: `{_tensor_text(t)}`" for t in inputs_here)
        if isinstance(v, OpClass):
            return f"```gdl\n{_op_signature(v.op)}\n```\n\nKeras layer"
        return f"`{v.name}`: built-in function"
    if isinstance(v, KerasObject):
        return f"{v.kind} `{v.text()}` ({v.cls.module}.{v.cls.name})"
    if isinstance(v, (bool, int, float, str, tuple, list, range)) or v is None:
        return f"`{name} = {_py(v)}` ({type(v).__name__})"
    return None


# ===================================================================== index
class _Index:
    """Positions -> what is there, for one analysis (built on first use)."""

    def __init__(self, a: Analysis):
        self.a = a
        path = a.path
        self.names: dict = {}  # (start, end) -> (name, [values])
        for file, span, name, value in a.trace:
            if file != path or span is NOSPAN:
                continue
            entry = self.names.setdefault((span.start, span.end), (name, []))
            if not any(x is value for x in entry[1]):
                entry[1].append(value)
        self.calls = []  # (start, end, Call)
        self.layers_at: dict = {}  # construction start -> [Layer]
        self.inputs_at: dict = {}  # Input(...) start -> [Tensor]
        self.outputs = []  # (start, end, name, Tensor)
        self.graphs_by_def: dict = {}  # def name -> Graph (models of this file)
        for g in _graphs(a.program):
            if g.file == path and g.name not in self.graphs_by_def:
                self.graphs_by_def[g.name] = g
            for call in g.calls:
                if call.file == path:
                    self.calls.append((call.span.start, call.span.end, call))
            for layer in g.layers:
                if layer.file == path:
                    lst = self.layers_at.setdefault(layer.span.start, [])
                    if layer not in lst:
                        lst.append(layer)
            for t in g.inputs:
                if t.file == path:
                    self.inputs_at.setdefault(t.span.start, []).append(t)
            if g.file == path:
                for name, t, span in g.outputs:
                    self.outputs.append((span.start, span.end, name, t))
        self.defs = _defs(a)
        self.module = a.module

    # ------------------------------------------------------------ lookup
    @staticmethod
    def _smallest(items, offset):
        best = None
        for it in items:
            s, e = it[0], it[1]
            if s <= offset <= e and (best is None or e - s < best[1] - best[0]):
                best = it
        return best

    def _name_at(self, offset):
        hit = self._smallest([(s, e, v) for (s, e), v in self.names.items()], offset)
        return hit

    def _ast_name_at(self, offset):
        """The Name, Ident or Keyword node at `offset` with its enclosing Call (for keywords)."""
        if self.module is None:
            return None
        best = None
        for n in _walk(self.module):
            if isinstance(n, S.Call):
                for k in n.kwargs:
                    if k.span.start <= offset <= k.span.end:
                        best = (k, n)
            elif isinstance(n, (S.Name, S.Ident)) and n.span.start <= offset <= n.span.end:
                if n.span.end - n.span.start == len(n.id):  # not a name inside an f-string
                    if best is None or best[0].span.end - best[0].span.start > n.span.end - n.span.start:
                        best = (n, None)
        return best

    # ------------------------------------------------------------ hover
    def hover(self, offset: int) -> Hover | None:
        a = self.a
        hit = self._name_at(offset)
        if hit is not None:
            s, e, (name, values) = hit
            from graphc.compiler.ir import Tensor

            if len(values) > 1 and all(isinstance(v, Tensor) for v in values):
                return Hover(a._span(s, e), _tensors_text(name, values))
            texts = []
            for v in values:
                t = _describe_value(a, name, v, self.layers_at.get(s, []), self.inputs_at.get(s, []))
                if t and t not in texts:
                    texts.append(t)
            if texts:
                return Hover(a._span(s, e), "\n\n---\n\n".join(texts))
        for s, e, name, t in self.outputs:
            if s <= offset <= e:
                text = f"output `{name}`: `{_tensor_text(t)}`"
                if t.call is not None:
                    text += "\n\n" + _layer_text(t.call.layer)
                return Hover(a._span(s, e), text)
        node = self._ast_name_at(offset)
        if node is not None:
            h = self._hover_node(*node)
            if h is not None:
                return h
        for d in self.defs:
            if d.node.name.span.start <= offset <= d.node.name.span.end:
                text = f"```gdl\n{_signature(d.node, a.text)}\n```"
                g = self.graphs_by_def.get(d.node.name.id)
                if g is not None:
                    text += "\n\n" + _graph_text(g)
                return Hover(d.node.name.span, text)
        call = self._smallest(self.calls, offset)
        if call is not None:
            s, e, c = call
            return Hover(a._span(s, e), _layer_text(c.layer))
        return None

    def _hover_node(self, n, call) -> Hover | None:
        a = self.a
        if isinstance(n, S.Keyword):
            return self._hover_keyword(n, call)
        if isinstance(n, S.Name) and n.id == "compile":
            d = self._def_at(n.span.start)
            g = self.graphs_by_def.get(d.node.name.id) if d is not None else None
            if g is not None and g.compile:
                return Hover(n.span, _compile_text(g))
        if isinstance(n, S.Name):
            loc = self.definition(n.span.start)
            if loc is not None:
                node = _def_node_at(loc, a)
                if node is not None:
                    return Hover(n.span, f"```gdl\n{_signature(node, _source_of(loc.file, a))}\n```")
        return None

    def _hover_keyword(self, k: S.Keyword, call: S.Call) -> Hover | None:
        from graphc.ops.base import REGISTRY, REQUIRED

        fname = _callee_name(call.func)
        op = REGISTRY.get(fname) if fname else None
        if op is not None:
            for p in op.all_params():
                if p.name == k.name:
                    kind = getattr(p.check, "doc", "")
                    default = "required" if p.default is REQUIRED else f"default `{_py(p.default)}`"
                    return Hover(k.span, f"`{op.name}` argument `{p.name}`: {kind}, {default}")
            return None
        loc = self.resolve(fname, call.span.start) if fname else None
        node = _def_node_at(loc, self.a) if loc is not None else None
        for p in node.params if node is not None else ():
            if p.name.id == k.name:
                src = _source_of(loc.file, self.a)
                default = "required" if p.default is None else f"default `{_render_expr(src, p.default)}`"
                return Hover(k.span, f"parameter `{p.name.id}` of {node.kind} `{node.name.id}`, {default}")
        return None

    # ------------------------------------------------------------ definition
    def _def_at(self, offset: int):
        for d in self.defs:
            if d.start <= offset < d.end:
                return d
        return None

    def definition(self, offset: int) -> Location | None:
        a = self.a
        mod = self.module
        if mod is None:
            return None
        for item in mod.items:
            if isinstance(item, S.Use) and item.span.start <= offset <= item.span.end:
                target = Path(a.path).parent / item.path
                return Location(str(target), Span(1, 1, 1, 1))
        node = self._ast_name_at(offset)
        if node is None:
            return None
        n, call = node
        if isinstance(n, S.Keyword):
            fname = _callee_name(call.func)
            loc = self.resolve(fname, call.span.start) if fname else None
            target = _def_node_at(loc, a) if loc is not None else None
            if target is not None:
                for p in target.params:
                    if p.name.id == n.name:
                        return Location(loc.file, p.name.span)
            return None
        if isinstance(n, S.Ident):
            return Location(a.path, n.span)
        return self.resolve(n.id, n.span.start)

    def resolve(self, name: str, offset: int) -> Location | None:
        """Where `name`, used at `offset` in this file, is defined."""
        a = self.a
        d = self._def_at(offset)
        if d is not None:
            best = None
            for bname, visible, span in d.binds:
                if bname == name and visible <= offset and (best is None or visible >= best[0]):
                    best = (visible, span)
            if best is not None:
                return Location(a.path, best[1])
        for item in self.module.items if self.module is not None else ():
            if isinstance(item, S.Def) and item.name.id == name:
                return Location(a.path, item.name.span)
            if isinstance(item, S.Const) and item.target.id == name:
                return Location(a.path, item.target.span)
            if isinstance(item, S.Extern) and item.name.id == name:
                return Location(a.path, item.name.span)
        return self._imported(name)

    def _imported(self, name: str) -> Location | None:
        from graphc.compiler.values import DefVal

        prog = self.a.program
        value = _top_names(prog).get(name)
        if isinstance(value, DefVal) and value.module is not None:
            return Location(value.module.path, value.node.name.span)
        if value is not None and prog is not None:
            for path, env in prog.interpreter.modules.envs.items():
                if path == self.a.path or env.names.get(name) is not value:
                    continue
                for item in env.module.items:
                    if isinstance(item, S.Const) and item.target.id == name:
                        return Location(path, item.target.span)
                    if isinstance(item, S.Extern) and item.name.id == name:
                        return Location(path, item.name.span)
        from graphc import stdlib

        lib = stdlib.path_for(name)
        if lib is not None:
            mod = _parsed_file(lib)
            for item in mod.items if mod is not None else ():
                if isinstance(item, S.Def) and item.name.id == name:
                    return Location(lib, item.name.span)
        return None


def _callee_name(func) -> str | None:
    if isinstance(func, S.Name):
        return func.id
    if isinstance(func, S.Attr):
        return func.name
    return None


def _def_node_at(loc: Location, a: Analysis):
    """The `model`/`block` definition whose name is at `loc`."""
    mod = a.module if loc.file == a.path else _parsed_file(loc.file)
    for item in mod.items if mod is not None else ():
        if isinstance(item, (S.Def, S.Extern)) and item.name.span.start == loc.span.start:
            return item
    return None


def _source_of(file: str, a: Analysis) -> str:
    if file == a.path:
        return a.text
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


# ================================================================ completion
_TOKEN = re.compile(
    r"""(?P<str>[fF]?"(?:[^"\\\n]|\\.)*"?|[fF]?'(?:[^'\\\n]|\\.)*'?)"""
    r"|(?P<com>\#[^\n]*)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<num>\d[\w.]*)"
    r"|(?P<op>==|!=|<=|>=|\*\*|//|[-+*/%<>=.,:;()\[\]{}])"
    r"|(?P<ws>\s+)"
    r"|(?P<other>.)"
)


@dataclass
class _Frame:
    kind: str  # "(", "[", "dict" or "body" (the `{}` of a model, block, for, if)
    callee: str | None  # the name before `(` (`Conv2D` in `Conv2D(`)
    given: list  # keyword names already written in this call
    segment: list  # tokens of the current argument [(kind, text)]
    positional: int = 0  # positional arguments before the current one
    start: int = 0  # offset of the bracket


@dataclass
class _Context:
    frame: _Frame | None  # innermost open bracket
    stack: list  # every open bracket, outermost first
    in_string: str | None  # the string's text so far, when the cursor is in a string
    in_comment: bool
    after_dot: bool  # `layers.|`
    word: str  # the word being typed


_CLOSED_STRING = re.compile(r"""[fF]?"(?:[^"\\\n]|\\.)*"|[fF]?'(?:[^'\\\n]|\\.)*'""")
_VALUE_END = {"name", "num", "str"}


def _context(text: str, offset: int) -> _Context:
    """What surrounds `offset`, from a scan of the text before it (which need not parse)."""
    stack: list[_Frame] = []
    toks: list = []  # significant tokens [(kind, text)]
    last = None
    for m in _TOKEN.finditer(text, 0, offset):
        kind, val = m.lastgroup, m.group()
        last = (kind, val, m.start(), m.end())
        if kind in ("ws", "com"):
            continue
        prev = toks[-1] if toks else None
        if kind == "op" and val in "([{":
            callee = prev[1] if val == "(" and prev is not None and prev[0] == "name" else None
            fk = val
            if val == "{":
                body = prev is not None and (prev[0] in _VALUE_END or prev[1] in (")", "]", "}"))
                fk = "body" if body else "dict"
            if stack and stack[-1].kind != "body":
                stack[-1].segment.append((kind, val))
            stack.append(_Frame(fk, callee, [], [], start=m.start()))
        elif kind == "op" and val in ")]}":
            want = {")": ("(",), "]": ("[",), "}": ("body", "dict")}[val]
            while stack:
                if stack.pop().kind in want:
                    break
        elif stack:
            fr = stack[-1]
            if kind == "op" and val == "," and fr.kind != "body":
                if fr.segment and not any(t == ("op", "=") for t in fr.segment):
                    fr.positional += 1
                fr.segment = []
            else:
                if kind == "op" and val == "=" and fr.segment and fr.segment[-1][0] == "name":
                    fr.given.append(fr.segment[-1][1])
                fr.segment.append((kind, val))
        toks.append((kind, val))
    in_string, in_comment, word = None, False, ""
    if last is not None and last[3] == offset:
        kind, val = last[0], last[1]
        if kind == "str" and not _CLOSED_STRING.fullmatch(val):
            in_string = val[2:] if val[:1] in "fF" else val[1:]
        elif kind == "com":
            in_comment = True
        elif kind == "name":
            word = val
    if word or in_string is not None:
        typed = toks.pop() if toks else None
        if stack and typed is not None and stack[-1].segment[-1:] == [typed]:
            stack[-1].segment.pop()
    after_dot = bool(toks) and toks[-1] == ("op", ".")
    return _Context(stack[-1] if stack else None, stack, in_string, in_comment, after_dot, word)


def _value_choices(doc: str) -> list:
    """The strings an argument takes, from its validator's description (`valid|same`)."""
    from graphc.ops.base import ACTIVATIONS, DTYPES, INITIALIZERS

    doc = doc.removesuffix(" or None")
    if "|" in doc:
        return doc.split("|")
    table = {
        "activation": ACTIVATIONS,
        "initializer": INITIALIZERS,
        "dtype": DTYPES,
        "regularizer": ("l1", "l2", "l1l2"),
        "channels_last": ("channels_last",),
    }
    return list(table.get(doc, ()))


def _keyword_value_choices(callee: str | None, kw: str) -> list:
    from graphc.compiler import vocab
    from graphc.ops.base import REGISTRY

    if callee == "compile" and kw == "loss":
        return list(vocab.LOSS_NAMES)
    if callee == "compile" and kw == "optimizer":
        return list(vocab.OPTIMIZERS)
    op = REGISTRY.get(callee or "")
    if op is not None:
        for p in op.all_params():
            if p.name == kw:
                return _value_choices(getattr(p.check, "doc", ""))
    return []


def _complete(a: Analysis, offset: int) -> list[Completion]:
    ctx = _context(a.text, offset)
    if ctx.in_comment:
        return []
    frame = ctx.frame
    call = frame if frame is not None and frame.kind == "(" else None
    seg = call.segment if call is not None else []
    kw = seg[-2][1] if len(seg) >= 2 and seg[-1] == ("op", "=") and seg[-2][0] == "name" else None
    if ctx.in_string is not None:
        if _use_line(a.text, offset):
            return _file_completions(a)
        if call is not None and kw is not None:
            return [Completion(v, "value", sort_text=f"0{i:03}") for i, v in enumerate(_choices(call, kw))]
        return []
    if ctx.after_dot:
        return _layer_completions()
    out: list[Completion] = []
    if call is not None and kw is not None:
        out += [Completion(f'"{v}"', "value", sort_text=f"0{i:03}") for i, v in enumerate(_choices(call, kw))]
    elif call is not None and call.callee and not seg:
        out += _argument_completions(a, call, offset)
    out += _scope_completions(a, offset)
    out += _layer_completions()
    if frame is None:
        out += [Completion(k, "keyword", sort_text="4" + k) for k in ("model", "block", "use", "extern")]
    elif frame.kind == "body":
        out += [
            Completion(k, "keyword", sort_text="4" + k)
            for k in KEYWORDS
            if k not in ("model", "block", "use")
        ]
        out += [
            Completion(k, "function", f"{k}(...): training setup", sort_text="3" + k)
            for k in ("compile", "fit")
        ]
    out += [Completion(k, "keyword", sort_text="4" + k) for k in CONSTANTS]
    return out


def _choices(frame: _Frame, kw: str) -> list:
    return _keyword_value_choices(frame.callee, kw)


def _use_line(text: str, offset: int) -> bool:
    start = text.rfind("\n", 0, offset) + 1
    return re.match(r"\s*use\s+[\"']", text[start:offset]) is not None


def _file_completions(a: Analysis) -> list[Completion]:
    base = Path(a.path).parent
    out = []
    try:
        for p in sorted(base.rglob("*.gdl"))[:200]:
            rel = p.relative_to(base).as_posix()
            if p.resolve() != Path(a.path).resolve():
                out.append(Completion(rel, "file", sort_text="0" + rel))
    except OSError:
        pass
    return out


@lru_cache(maxsize=1)
def _layer_items() -> tuple:
    from graphc import stdlib
    from graphc.compiler.builtins import BUILTIN_FUNCS
    from graphc.ops.base import FUNCTIONS, REGISTRY

    out = []
    for name, op in sorted(REGISTRY.items()):
        doc = (op.__doc__ or "").strip().split("\n")[0]
        out.append(Completion(name, "layer", _op_signature(op), documentation=doc, sort_text="2" + name))
    for fn, cls in sorted(FUNCTIONS.items()):
        out.append(Completion(fn, "function", f"{fn}([a, b]): a {cls} layer", sort_text="2" + fn))
    for name in sorted(stdlib.APPLICATIONS):
        out.append(Completion(name, "model", "Keras application (weights=None)", sort_text="3" + name))
    for name in sorted(BUILTIN_FUNCS):
        out.append(Completion(name, "function", "built-in function", sort_text="3" + name))
    from graphc.ops import objects as O

    for name in O.all_class_names():
        if name in REGISTRY:
            continue  # the layer (`Identity`)
        classes = O.classes_named(name)
        what = " or ".join(f"{c.module}.{name}" for c in classes)
        out.append(Completion(name, "function", what, documentation=classes[0].doc, sort_text="3" + name))
    return tuple(out)


def _layer_completions() -> list[Completion]:
    return list(_layer_items())


def _argument_completions(a: Analysis, frame: _Frame, offset: int) -> list[Completion]:
    """Keyword arguments of the call the cursor is in (those not written yet)."""
    from graphc.compiler import vocab
    from graphc.ops.base import REGISTRY, REQUIRED

    name = frame.callee
    params: list = []  # (name, detail)
    skip: set = set()  # parameters given positionally
    op = REGISTRY.get(name)
    if op is not None:
        skip = {p.name for p in [p for p in op.all_params() if p.positional][: frame.positional]}
        for p in op.all_params():
            kind = getattr(p.check, "doc", "")
            default = "required" if p.default is REQUIRED else f"= {_py(p.default)}"
            params.append((p.name, f"{kind} {default}".strip()))
    elif name == "compile":
        params = [(k, "compile keyword") for k in vocab.COMPILE_KEYWORDS]
    elif name == "fit":
        params = [(k, f"= {_py(v)}") for k, v in vocab.FIT_KEYWORDS.items()]
    else:
        from graphc.ops.objects import classes_named

        objs = classes_named(name or "") if name not in REGISTRY else []
        if objs:  # a Keras object: its arguments (the first kind's, for a loss-or-metric name)
            cls = objs[0]
            skip = {p.name for p in cls.params[: frame.positional]}
            for p in cls.params:
                kind = getattr(p.check, "doc", "")
                default = "required" if p.default is REQUIRED else f"= {_py(p.default)}"
                params.append((p.name, f"{kind} {default}".strip()))
        else:
            loc = a.index.resolve(name, offset) if name else None
            node = _def_node_at(loc, a) if loc is not None else None
            if node is not None:
                src = _source_of(loc.file, a)
                skip = {p.name.id for p in node.params[: frame.positional]}
                for p in node.params:
                    default = "required" if p.default is None else f"= {_render_expr(src, p.default)}"
                    params.append((p.name.id, f"{node.kind} {node.name.id}: {default}"))
    return [
        Completion(p, "argument", detail, insert_text=f"{p}=", sort_text=f"0{i:03}")
        for i, (p, detail) in enumerate(params)
        if p not in frame.given and p not in skip
    ]


def _short(values: list) -> str:
    """A one-line summary of the values a name took: shapes of tensors, else the values."""
    from graphc.compiler.ir import Tensor

    out = []
    for v in values:
        if isinstance(v, Tensor):
            out.append(_tensor_text(v))
        elif isinstance(v, (bool, int, float, str, tuple, list)) or v is None:
            out.append(_py(v))
    out = list(dict.fromkeys(out))
    return " | ".join(out[:3]) + (" | ..." if len(out) > 3 else "")


def _scope_completions(a: Analysis, offset: int) -> list[Completion]:
    from graphc.compiler.values import DefVal

    out: list[Completion] = []
    seen: set = set()
    idx = a.index
    d = idx._def_at(offset)
    if d is not None:
        for name, visible, span in sorted(d.binds, key=lambda b: -b[1]):
            if visible <= offset and name not in seen:
                seen.add(name)
                entry = idx.names.get((span.start, span.end))
                detail = _short(entry[1]) if entry is not None else ""
                out.append(Completion(name, "variable", detail, sort_text="1" + name))
    names = _top_names(a.program)
    for item in a.module.items if a.module is not None else ():
        if isinstance(item, S.Def):
            names.setdefault(item.name.id, item)
        elif isinstance(item, S.Const):
            names.setdefault(item.target.id, item)
    for name, v in names.items():
        if name in seen:
            continue
        seen.add(name)
        node = v.node if isinstance(v, DefVal) else v if isinstance(v, S.Def) else None
        if node is not None:
            src = v.module.module.source if isinstance(v, DefVal) and v.module is not None else a.text
            out.append(Completion(name, node.kind, _signature(node, src), sort_text="1" + name))
        else:
            detail = _py(v) if isinstance(v, (bool, int, float, str, tuple, list)) or v is None else ""
            out.append(Completion(name, "constant", detail, sort_text="1" + name))
    return out
