"""Blocks as templates: what the calls of one block have in common.

A target writes each GDL block as one function (Keras) or one class
(PyTorch).  It walks the block's statements once for a group of calls (its
*occurrences*: every call, or every iteration of a loop it keeps) and, for
each value a statement needs, asks `unify` how to write it for all of them:

- the same provenance in every occurrence (graphc/compiler/provenance.py),
  expressible over the block's parameters and the loops kept as loops:
  written as that expression (`4 * filters`, `f"{name}_conv"`);
- otherwise the same value everywhere: written as a literal;
- otherwise a value that is constant within each call: a new parameter of
  the function (`in_channels`), passed by the caller (`derive`);
- otherwise `Unexpressible`: the walk then unrolls the loop it is in, or the
  target splits the calls into groups that each get their own function.

This module is target-independent: occurrences, provenance resolution and
unification.
"""

from __future__ import annotations

from graphc.compiler import provenance as P
from graphc.compiler.ir import (
    BlockInstance,
    Executed,
    ForRegion,
    IfRegion,
    Indexed,
    InputNode,
    LayerNode,
    OpNode,
)
from graphc.records import dataclass, field


class Unexpressible(Exception):
    """The occurrences cannot share one piece of code here."""


def site_of(record):
    if isinstance(record, (LayerNode, OpNode, InputNode, BlockInstance)):
        return record.site
    if isinstance(record, (IfRegion, ForRegion, Executed)):
        return record.stmt
    if isinstance(record, Indexed):
        return record.expr
    return None


def index_region(region: list) -> dict:
    """{id(AST site): [records]} of one region (a site may make several nodes)."""
    out: dict = {}
    for r in region:
        s = site_of(r)
        if s is not None:
            out.setdefault(id(s), []).append(r)
    return out


@dataclass
class Occ:
    """One run of a body the walk writes once: a block call (or the model), or
    one iteration of a loop kept as a loop."""

    owner: object  # the BlockInstance (or Graph) it runs in
    records: dict  # index_region of what ran
    env: dict = field(default_factory=dict)  # unrolled loop variable -> its value here
    kept: frozenset = frozenset()  # loop variables kept as loop variables
    loops: dict = field(default_factory=dict)  # kept loop variable -> its value in this iteration

    def __repr__(self) -> str:  # records index a whole region tree: never print it
        return f"Occ({self.owner!r}, {len(self.records)} records)"

    def get(self, site) -> list:
        return self.records.get(id(site), [])

    def one(self, site):
        rs = self.get(site)
        return rs[0] if len(rs) == 1 else None

    def sub(self, region: list, env=None, kept=None, loops=None) -> "Occ":
        return Occ(
            self.owner,
            index_region(region),
            dict(self.env if env is None else env),
            kept or self.kept,
            dict(self.loops if loops is None else loops),
        )


def resolve(sym: P.Sym, env: dict) -> P.Sym:
    """`sym` with the variables of unrolled loops replaced by their values, and
    what that makes constant folded (`f"block{i + 5}"` with i = 0: "block5")."""
    if not env:
        return sym
    return fold(_subst(sym, env))


def _subst(sym: P.Sym, env: dict) -> P.Sym:
    if isinstance(sym, P.Loop):
        return P.const_of(env[sym.name]) if sym.name in env else sym
    if isinstance(sym, P.Local):
        return P.Local(sym.name, _subst(sym.value, env))
    if isinstance(sym, P.Bin):
        return P.Bin(sym.op, _subst(sym.left, env), _subst(sym.right, env))
    if isinstance(sym, P.Unary):
        return P.Unary(sym.op, _subst(sym.operand, env))
    if isinstance(sym, P.Compare):
        return P.Compare(_subst(sym.first, env), tuple((op, _subst(x, env)) for op, x in sym.rest))
    if isinstance(sym, P.BoolOp):
        return P.BoolOp(sym.op, tuple(_subst(x, env) for x in sym.values))
    if isinstance(sym, P.Seq):
        return P.Seq(sym.kind, tuple(_subst(x, env) for x in sym.items))
    if isinstance(sym, P.Builtin):
        return P.Builtin(sym.name, tuple(_subst(x, env) for x in sym.args))
    if isinstance(sym, P.FnCall):
        return P.FnCall(
            sym.name,
            sym.node,
            sym.module,
            tuple(_subst(x, env) for x in sym.args),
            tuple((k, _subst(x, env)) for k, x in sym.kwargs),
        )
    if isinstance(sym, P.FStr):
        return P.FStr(tuple(p if isinstance(p, str) else (_subst(p[0], env), p[1]) for p in sym.parts))
    if isinstance(sym, P.Index):
        return P.Index(_subst(sym.obj, env), _subst(sym.index, env))
    if isinstance(sym, P.Cond):
        return P.Cond(_subst(sym.test, env), _subst(sym.body, env), _subst(sym.orelse, env))
    if isinstance(sym, P.Slice):
        return P.Slice(*(None if x is None else _subst(x, env) for x in (sym.lower, sym.upper, sym.step)))
    if isinstance(sym, P.Obj):
        return P.Obj(
            sym.kind,
            sym.name,
            tuple(_subst(x, env) for x in sym.args),
            tuple((k, _subst(x, env)) for k, x in sym.kwargs),
        )
    return sym


_FOLD_BIN = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _const_value(s):
    if isinstance(s, P.Local):
        return _const_value(fold(s.value))
    if isinstance(s, P.Const):
        return True, s.value
    if isinstance(s, P.Seq) and all(isinstance(x, P.Const) for x in s.items):
        v = [x.value for x in s.items]
        return True, tuple(v) if s.kind == "tuple" else v
    return False, None


def fold(sym: P.Sym) -> P.Sym:
    """Operations on constants computed (bounded: only on small values)."""
    try:
        if isinstance(sym, P.Bin):
            left, right = fold(sym.left), fold(sym.right)
            ok_l, a = _const_value(left)
            ok_r, b = _const_value(right)
            if ok_l and ok_r and isinstance(a, (int, float)) and isinstance(b, (int, float)):
                if sym.op != "**" or (abs(b) < 64 and abs(a) < 2**16):
                    return P.Const(_FOLD_BIN[sym.op](a, b))
            return P.Bin(sym.op, left, right)
        if isinstance(sym, P.Unary):
            x = fold(sym.operand)
            ok, v = _const_value(x)
            if ok and sym.op == "not":
                return P.Const(not v)
            if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                return P.Const(-v if sym.op == "-" else +v)
            return P.Unary(sym.op, x)
        if isinstance(sym, P.FStr):
            parts: list = []
            for p in sym.parts:
                if not isinstance(p, str):
                    x = fold(p[0])
                    ok, v = _const_value(x)
                    p = format(v, p[1]) if ok and isinstance(v, (int, float, str)) else (x, p[1])
                if isinstance(p, str) and parts and isinstance(parts[-1], str):
                    parts[-1] += p
                else:
                    parts.append(p)
            if all(isinstance(p, str) for p in parts):
                return P.Const("".join(parts))
            return P.FStr(tuple(parts))
        if isinstance(sym, P.Index):
            obj, idx = fold(sym.obj), fold(sym.index)
            ok_o, o = _const_value(obj)
            ok_i, i = _const_value(idx)
            if (
                ok_o
                and ok_i
                and isinstance(i, int)
                and isinstance(o, (list, tuple))
                and -len(o) <= i < len(o)
            ):
                return P.const_of(o[i])
            return P.Index(obj, idx)
        if isinstance(sym, P.Compare):
            return P.Compare(fold(sym.first), tuple((op, fold(x)) for op, x in sym.rest))
        if isinstance(sym, P.Seq):
            return P.Seq(sym.kind, tuple(fold(x) for x in sym.items))
        if isinstance(sym, P.Builtin):
            return P.Builtin(sym.name, tuple(fold(x) for x in sym.args))
        if isinstance(sym, P.Cond):
            test = fold(sym.test)
            ok, v = _const_value(test)
            if not ok and isinstance(test, P.Compare):  # `i % 2 == 0` with i known
                ok, v = _const_compare(test)
            if ok:
                return fold(sym.body if v else sym.orelse)  # the branch Python would take
            return P.Cond(test, fold(sym.body), fold(sym.orelse))
        if isinstance(sym, P.Slice):
            return P.Slice(*(None if x is None else fold(x) for x in (sym.lower, sym.upper, sym.step)))
        if isinstance(sym, P.Obj):
            return P.Obj(
                sym.kind,
                sym.name,
                tuple(fold(x) for x in sym.args),
                tuple((k, fold(x)) for k, x in sym.kwargs),
            )
    except (ArithmeticError, ValueError, TypeError):
        return sym
    return sym


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _const_compare(s: P.Compare):
    """The value of a comparison of constants (numbers, strings, None), if it is one."""
    ok, left = _const_value(s.first)
    if not ok:
        return False, None
    for op, x in s.rest:
        ok, right = _const_value(x)
        simple = (int, float, str, bool, type(None))
        if not ok or not isinstance(left, simple) or not isinstance(right, simple):
            return False, None
        try:
            if not _COMPARE[op](left, right):
                return True, False
        except TypeError:
            return False, None
        left = right
    return True, True


@dataclass(frozen=True)
class Written:
    """How a value is written in a template: `sym` (an expression over the
    template's parameters and kept loop variables), or a literal `value`, or
    the derived parameter `param`."""

    kind: str  # "sym" | "const" | "param" | "local"
    sym: object = None
    value: object = None
    param: str = ""  # the derived parameter, or the local variable


def _calls(s) -> bool:
    """Whether a sym calls a compile-time function."""
    if isinstance(s, P.FnCall):
        return True
    if isinstance(s, P.Sym):
        return any(_calls(getattr(s, f)) for f in s.__dataclass_fields__ if f not in ("node", "module"))
    if isinstance(s, tuple):
        return any(_calls(x) for x in s)
    return False


def _same(values: list) -> bool:
    first = values[0]
    return all(type(v) is type(first) and v == first for v in values[1:])


def unify(pairs: list, occs: list, params: set) -> Written:
    """How to write one value needed by every occurrence: `pairs` are its
    (value, sym) in each occurrence; `params` are the names the template may
    read (its parameters).  Raises Unexpressible when the values differ and no
    expression fits (the caller may then derive a parameter)."""
    resolved = [resolve(s, o.env) for (_, s), o in zip(pairs, occs)]
    allowed = params | set().union(*(o.kept for o in occs))
    values = [v for v, _ in pairs]
    if _same(values) and resolved and not P.strip(resolved[0]).names() and _calls(resolved[0]):
        # a compile-time function of constants only: its value
        return Written("const", value=values[0])
    if resolved and all(s == resolved[0] for s in resolved[1:]) and P.is_expressible(resolved[0]):
        if resolved[0].names() <= allowed:
            return Written("sym", sym=resolved[0])  # locals kept: the target may write them as variables
    stripped = [P.strip(s) for s in resolved]
    if stripped and all(s == stripped[0] for s in stripped[1:]) and P.is_expressible(stripped[0]):
        if stripped[0].names() <= allowed:
            return Written("sym", sym=stripped[0])
    values = [v for v, _ in pairs]
    if _same(values):
        return Written("const", value=values[0])
    # where the calls differ only through a local bound differently in each
    # (`if n > 0 { suffix = f"_{n}" }`), the function writes the local variable
    merged = P.merge(resolved) if resolved else None
    if merged is not None and P.is_expressible(merged) and merged.names() <= allowed:
        return Written("sym", sym=merged)
    raise Unexpressible()


class Template:
    """The parameters one function/class for a group of block calls takes:
    the block's own (used) parameters and the parameters derived from values
    that differ between calls (`derived`: name -> value per call)."""

    def __init__(self, instances: list):
        self.instances = instances
        self.used: set = set()  # GDL parameters the body reads
        self.derived: dict = {}  # derived parameter -> {instance id: value}
        self.derived_order: list = []

    def match(self, per_inst: dict):
        """A value that is, in every call, the same small multiple of one of the
        block's integer parameters (`4 * filters`), as a sym; else None."""
        insts = {id(bi): bi for bi in self.instances}
        if len(per_inst) < 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in per_inst.values()
        ):
            return None
        names = [n for n, _ in self.instances[0].params]
        for pname in names:
            vals = {k: dict(insts[k].params).get(pname) for k in per_inst if k in insts}
            if len(vals) != len(per_inst) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in vals.values()
            ):
                continue
            ratios = {per_inst[k] / vals[k] for k in per_inst}
            if len(ratios) == 1:
                r = ratios.pop()
                if r == 1:
                    self.used.add(pname)
                    return P.Param(pname)
                if r == int(r) and 1 < r <= 16:
                    self.used.add(pname)
                    return P.Bin("*", P.Const(int(r)), P.Param(pname))
        return None

    def derive(self, base: str, pairs: list, occs: list, take_name) -> Written:
        """A new parameter for a value constant within each call; inside a loop kept
        as a loop, a value that grows by the same step each iteration is that
        parameter plus the step times the loop variable (DenseNet's channels)."""
        per_inst: dict = {}
        varies = False
        for (value, _), o in zip(pairs, occs):
            key = id(o.owner)
            if key in per_inst and not _same([per_inst[key], value]):
                varies = True
            per_inst.setdefault(key, value)
        if varies:
            return self._derive_linear(base, pairs, occs, take_name)
        return self._derive(base, per_inst, take_name)

    def _derive_linear(self, base, pairs, occs, take_name) -> Written:
        loops = {tuple(o.loops) for o in occs}
        if len(loops) != 1 or len(next(iter(loops))) != 1:
            raise Unexpressible()
        var = next(iter(loops))[0]
        points: dict = {}
        for (value, _), o in zip(pairs, occs):
            if not isinstance(value, int) or isinstance(value, bool) or not isinstance(o.loops[var], int):
                raise Unexpressible()
            points.setdefault(id(o.owner), []).append((o.loops[var], value))
        steps = set()
        for pts in points.values():
            for (i1, v1), (i2, v2) in zip(pts, pts[1:]):
                if i2 == i1 or (v2 - v1) % (i2 - i1):
                    raise Unexpressible()
                steps.add((v2 - v1) // (i2 - i1))
        if len(steps) != 1:
            raise Unexpressible()
        step = steps.pop()
        start = {k: pts[0][1] - step * pts[0][0] for k, pts in points.items()}
        w = self._derive(base, start, take_name)
        a = w.sym if w.kind == "sym" else P.Param(w.param)
        term = P.Loop(var) if step == 1 else P.Bin("*", P.Const(step), P.Loop(var))
        return Written("sym", sym=P.Bin("+", a, term), param=w.param if w.kind == "param" else "")

    def _derive(self, base: str, per_inst: dict, take_name) -> Written:
        for name, table in self.derived.items():  # reuse a derived parameter that agrees
            common_keys = table.keys() & per_inst.keys()
            if common_keys and all(_same([table[k], per_inst[k]]) for k in common_keys):
                if name.rstrip("0123456789_").startswith(base) or table == per_inst:
                    table.update(per_inst)
                    return Written("param", param=name)
        match = self.match(per_inst)
        if match is not None:
            return Written("sym", sym=match)
        name = take_name(base)
        self.derived[name] = per_inst
        self.derived_order.append(name)
        return Written("param", param=name)
