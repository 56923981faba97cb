"""`extern` declarations: layers, losses and metrics of the user's own Python package
(docs/extern.md).

    extern layer GatedResidual(units: int, dropout: float = 0.0) {
      keras = "gru_layers.keras_layers.GatedResidual"
      torch = "gru_layers.torch_layers.GatedResidual"
      output_shape(x) = x[:-1] + (units,)
      params(x) = 2 * (x[-1] * units + units)
    }

A layer declaration becomes a catalog entry made at run time: an `Op` subclass
(graphc/ops/base.py) whose arguments are the declared ones, checked by their
declared types, and whose shape rule (and optional parameter count) are the
GDL expressions of the declaration, evaluated on compile-time shapes, so that
`graphc check` and `summary` infer every shape without importing anything.
Its applications are ordinary IR `LayerNode`s; the targets write the class
they import (`from gru_layers.keras_layers import GatedResidual`).

A loss or metric declaration becomes an object class (graphc/ops/objects.py's
`ObjClass`) of kind "loss" or "metric", used in `compile(...)` as Keras's own.

The class paths are checked here: a dotted path of Python identifiers (module
and class), nothing else reaches the emitted code.
"""

from __future__ import annotations

import keyword
import re

from graphc.compiler import syntax as S
from graphc.compiler.budget import LimitExceeded
from graphc.compiler.values import POISON, OpClass
from graphc.diagnostics import Abort, Note, suggestion
from graphc.ops import objects as O
from graphc.ops.base import (
    REQUIRED,
    ArgError,
    Op,
    P,
    ShapeError,
    any_,
    bool_,
    float_,
    instance_of,
    int_,
    is_int,
    optional,
    str_,
)
from graphc.records import dataclass, field
from graphc.types import TensorType, Weight

KINDS = ("layer", "loss", "metric")
FIELDS = ("keras", "torch")
RULES = {"layer": ("output_shape", "params"), "loss": (), "metric": ()}

_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# declared type -> validator (the value is passed on as the program wrote it)
TYPES = {
    "int": int_(),
    "float": float_(),
    "bool": bool_,
    "str": str_,
    "tuple": instance_of(tuple, "a tuple", "tuple"),
    "list": instance_of(list, "a list", "list"),
    "dict": instance_of(dict, "a dict", "dict"),
    "any": any_,
}


def valid_path(path) -> bool:
    """`pkg.module.Class`: at least a module and a class, every part an ASCII Python
    identifier that is not a keyword."""
    if not isinstance(path, str):
        return False
    parts = path.split(".")
    return len(parts) >= 2 and all(_PART.match(p) and not keyword.iskeyword(p) for p in parts)


def split_path(path: str) -> tuple[str, str]:
    """("pkg.module", "Class")."""
    module, _, name = path.rpartition(".")
    return module, name


@dataclass(eq=False)
class ExternDecl:
    """One `extern` declaration, checked: its class paths and its rules."""

    kind: str
    name: str
    keras: str  # dotted class path
    torch: str
    node: S.Extern
    file: str
    rules: dict = field(default_factory=dict)  # rule name -> S.ExternRule

    @property
    def arity(self) -> int:
        return len(self.rules["output_shape"].args) if "output_shape" in self.rules else 1


# ---------------------------------------------------------------- layers
class ExternOp(Op):
    """The base of the Ops made for `extern layer` declarations (one subclass each)."""

    decl: ExternDecl = None
    it = None  # the interpreter (evaluates the rules)
    env = None  # the module the declaration is in
    common = (P("name", optional(str_), None, positional=False),)
    site = None  # (file, span) of the application being inferred (set by graphs._infer)

    def infer(self, a, inputs):
        shape = self._rule("output_shape", a, inputs)
        return [shape_of(self, shape, inputs)]

    def weights(self, a, inputs):
        if "params" not in self.decl.rules:
            return []
        n = self._rule("params", a, inputs)
        if not is_int(n) or n < 0:
            rule = self.decl.rules["params"]
            self.it.session.error(
                self.decl.file,
                rule.value.span,
                "bad-extern",
                f"the params rule of {self.name} must give a non-negative int, got {_kind(n)}",
                notes=self._notes(inputs),
            )
        return [Weight("params", (n,))] if n else []

    def _notes(self, inputs) -> list:
        if self.site is None:
            return []
        file, span = self.site
        shapes = ", ".join(str(t) for t in inputs)
        return [Note(file, span, f"{self.name} applied here to {shapes}")]

    def _rule(self, which: str, a, inputs):
        """The value of rule `which` for arguments `a` and input types `inputs`."""
        rule = self.decl.rules[which]
        it, s = self.it, self.it.session
        if len(inputs) != len(rule.args):
            want = len(rule.args)
            raise ShapeError(
                f"{self.name} takes {want} input tensor{'s' if want != 1 else ''} (its rule "
                f"`{which}({', '.join(x.id for x in rule.args)})`), got {len(inputs)}",
                code="arity",
                hint="pass several tensors as a list: layer([a, b])" if want > 1 else None,
            )
        scope = it.const_scope(self.env)
        for p in self.params:
            scope.vars[p.name] = a.get(p.name)
        for ident, t in zip(rule.args, inputs):
            scope.vars[ident.id] = (None, *t.shape)
        before = len(s.diags)
        try:
            return it.exprs.eval(rule.value, scope)
        except Abort:
            for d in s.diags[before:]:
                d.notes.extend(self._notes(inputs))
            raise
        except LimitExceeded as exc:
            s.limit(self.decl.file, rule.value.span, exc)


def shape_of(op: ExternOp, v, inputs) -> TensorType:
    """The output type a shape rule gave: a tuple (or list) of sizes, the batch axis first."""
    rule = op.decl.rules["output_shape"]
    err = None
    if v is POISON:
        raise Abort()
    if not isinstance(v, (tuple, list)) or not v:
        err = f"must give a shape tuple such as (None, 8) (the batch axis first), got {_kind(v)}"
    elif v[0] is not None:
        err = f"must give the batch axis first, as None (Keras's compute_output_shape), got {tuple(v)!r}"
    elif not all(d is None or (is_int(d) and d >= 0) for d in v[1:]):
        err = f"must give sizes that are non-negative ints or None, got {tuple(v)!r}"
    if err:
        op.it.session.error(
            op.decl.file,
            rule.value.span,
            "bad-extern",
            f"the output_shape rule of {op.name} {err}",
            "e.g. output_shape(x) = x[:-1] + (units,)",
            op._notes(inputs),
        )
    return TensorType(tuple(v[1:]), "float32")


def _kind(v) -> str:
    from graphc.compiler.expressions import kind_of

    return kind_of(v)


# ---------------------------------------------------------------- declarations
def declare(it, env, node: S.Extern):
    """The value `extern ...` binds its name to: an OpClass (layer) or an object class
    (loss, metric); located `bad-extern` errors for what is malformed."""
    s = it.session
    file = env.path
    kind = node.kind.id
    if kind not in KINDS:
        s.error(
            file,
            node.kind.span,
            "bad-extern",
            f"`extern {kind}`: graphc declares external layers, losses and metrics",
            suggestion(kind, KINDS) or "write `extern layer`, `extern loss` or `extern metric`",
        )
    paths: dict = {}
    rules: dict = {}
    seen: dict = {}
    for item in node.items:
        name = item.name.id
        if name in seen:
            s.error(file, item.name.span, "bad-extern", f"`{name}` is given twice in `extern {node.name.id}`")
        seen[name] = item
        if isinstance(item, S.ExternField):
            if name not in FIELDS:
                s.error(
                    file,
                    item.name.span,
                    "bad-extern",
                    f"`extern {kind}` takes the fields {', '.join(FIELDS)}, not `{name}`",
                    suggestion(name, FIELDS),
                )
            v = item.value.value if isinstance(item.value, S.Literal) else None
            if not valid_path(v):
                got = f'"{v}"' if isinstance(v, str) else "an expression"
                s.error(
                    file,
                    item.value.span,
                    "bad-extern",
                    f"`{name}` must be a string naming a class by its dotted Python path, got {got}",
                    f'e.g. {name} = "my_package.{name}_layers.{node.name.id}": Python identifiers '
                    "separated by dots, the module first",
                )
            paths[name] = v
        elif isinstance(item, S.ExternCall):
            if name != "call" or kind != "layer":
                s.error(
                    file,
                    item.name.span,
                    "bad-extern",
                    f"`extern {kind}` takes no `{name}(...)`"
                    + (
                        " (call-time arguments are declared as `call(training: bool = None)`)"
                        if kind == "layer"
                        else ""
                    ),
                    suggestion(name, ["call"]) if kind == "layer" else None,
                )
        else:
            for p in item.params:
                if p.type is not None or p.default is not None:
                    s.error(
                        file,
                        p.span,
                        "bad-extern",
                        f"the rule `{name}` takes the input shapes by name only",
                        f"write {name}({', '.join(a.id for a in item.args)}) = ...",
                    )
            allowed = RULES[kind]
            if name not in allowed:
                what = f"takes the rules {', '.join(allowed)}" if allowed else "takes no rules"
                s.error(
                    file,
                    item.name.span,
                    "bad-extern",
                    f"`extern {kind}` {what}, not `{name}`",
                    suggestion(name, allowed),
                )
            if not item.args:
                s.error(
                    file,
                    item.span,
                    "bad-extern",
                    f"the rule `{name}` takes the input shapes, e.g. {name}(x)",
                )
            names = [a.id for a in item.args]
            params = {p.name.id for p in node.params}
            for a in item.args:
                if names.count(a.id) > 1 or a.id in params:
                    s.error(
                        file,
                        a.span,
                        "bad-extern",
                        f"`{a.id}` names two things in the rule `{name}`",
                        "give each input shape a name of its own",
                    )
            rules[name] = item
    for f in FIELDS:
        if f not in paths:
            s.error(
                file,
                node.name.span,
                "bad-extern",
                f'`extern {kind} {node.name.id}` needs `{f} = "package.module.Class"`',
                f"the class the {'Keras' if f == 'keras' else 'PyTorch'} module imports",
            )
    if kind == "layer":
        if "output_shape" not in rules:
            s.error(
                file,
                node.name.span,
                "bad-extern",
                f"`extern layer {node.name.id}` needs a shape rule",
                "e.g. output_shape(x) = x[:-1] + (units,)",
            )
        if "params" in rules and len(rules["params"].args) != len(rules["output_shape"].args):
            r = rules["params"]
            s.error(
                file,
                r.span,
                "bad-extern",
                f"the rule `params` takes {len(r.args)} input shape{'s' if len(r.args) != 1 else ''}, "
                f"`output_shape` {len(rules['output_shape'].args)}",
                "both rules take the layer's input shapes, in the same order",
            )
    params = _params(it, env, node.params, {"name"} if kind == "layer" else set())
    call = seen.get("call")
    call_options = _params(it, env, call.params, {"inputs"}) if isinstance(call, S.ExternCall) else ()
    decl = ExternDecl(kind, node.name.id, paths["keras"], paths["torch"], node, file, rules)
    if kind == "layer":
        arity = decl.arity
        op = type(
            node.name.id,
            (ExternOp,),
            {
                "name": node.name.id,
                "params": params,
                "decl": decl,
                "it": it,
                "env": env,
                "min_inputs": 1,
                "max_inputs": None,
                "takes_list": arity > 1,
                "call_options": call_options,
                "doc": f"extern layer ({file}:{node.name.span.line})",
            },
        )
        return OpClass(op)
    cls = ExternObjClass(kind, node.name.id, params, doc=f"extern {kind}", decl=decl)
    from graphc.compiler.objects import ObjClassVal

    return ObjClassVal(node.name.id, [cls])


def _params(it, env, params: list, reserved: set) -> tuple:
    """The P(...) entries of declared parameters (constructor or call-time arguments)."""
    s = it.session
    file = env.path
    out = []
    seen = set()
    for p in params:
        name = p.name.id
        it.check_bindable(file, p.name)
        if name in seen or name in reserved:
            why = (
                "is given twice"
                if name in seen
                else "is every layer's own argument (the Keras name)"
                if name == "name"
                else "is the input tensors' argument"
            )
            s.error(file, p.name.span, "bad-extern", f"the parameter `{name}` {why}")
        seen.add(name)
        check = any_
        if p.type is not None:
            check = TYPES.get(p.type.id)
            if check is None:
                s.error(
                    file,
                    p.type.span,
                    "bad-extern",
                    f"unknown parameter type `{p.type.id}`",
                    suggestion(p.type.id, TYPES) or f"the types are {', '.join(TYPES)}",
                )
        default = REQUIRED
        if p.default is not None:
            default = it.exprs.eval(p.default, it.const_scope(env))
            if default is POISON:
                raise Abort()
            if default is None:
                check = optional(check)
            else:
                try:
                    default = check(default)
                except ArgError as err:
                    s.error(
                        file,
                        p.default.span,
                        "bad-extern",
                        f"the default of `{name}`: {err.message}",
                        err.hint,
                    )
        elif out and not out[-1].required:
            s.error(
                file,
                p.name.span,
                "bad-extern",
                f"the parameter `{name}` without default follows one with a default",
                "put the parameters without defaults first, as in Python",
            )
        out.append(P(name, check, default))
    return tuple(out)


@dataclass(frozen=True, eq=False, repr=False)
class ExternObjClass(O.ObjClass):
    """A loss or metric class of the user's package (`extern loss Focal(...) {...}`)."""

    decl: ExternDecl = None


def is_extern_op(op) -> bool:
    return isinstance(op, type) and issubclass(op, ExternOp)


def decl_of(thing) -> ExternDecl | None:
    """The extern declaration of an Op class or object class, or None."""
    if is_extern_op(thing):
        return thing.decl
    if isinstance(thing, ExternObjClass):
        return thing.decl
    return None
