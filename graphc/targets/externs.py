"""The classes of `extern` declarations (graphc/compiler/externs.py) as imports of an
emitted module: one `from pkg.module import Class` per class the model uses, the
class's own name unless the module already has that name (then `Class_1`...).
"""

from __future__ import annotations

from graphc.compiler.externs import decl_of, split_path
from graphc.targets import code as C
from graphc.targets import common
from graphc.targets import objects as OB


class Imports:
    """The extern classes one emitted module imports, for one target ("keras" | "torch")."""

    def __init__(self, graph, ns, target: str):
        self.target = target
        self.alias: dict = {}  # id(decl) -> Python name in the module
        self.stmts: list = []
        for decl in sorted(
            used_decls(graph), key=lambda d: split_path(d.keras if target == "keras" else d.torch)
        ):
            path = decl.keras if target == "keras" else decl.torch
            module, cls = split_path(path)
            name = ns.take(cls)
            self.alias[id(decl)] = name
            self.stmts.append(C.ImportFrom(module, cls, name))

    @property
    def names(self) -> set:
        return set(self.alias.values())

    def callee(self, thing) -> C.Name | None:
        """The imported class of an extern Op or object class, None for others."""
        decl = decl_of(thing)
        return None if decl is None else C.Name(self.alias[id(decl)])

    def text(self) -> str:
        return "\n".join(line for s in self.stmts for line in C.stmt_lines(s))


def used_decls(graph) -> list:
    """The extern declarations `graph` uses (its layers, those of nested models, the
    losses and metrics of its compile), in first-use order."""
    out: list = []
    seen: set = set()

    def add(thing):
        decl = decl_of(thing)
        if decl is not None and id(decl) not in seen:
            seen.add(id(decl))
            out.append(decl)

    for g in [*common.subgraphs_postorder(graph), graph]:
        for layer in g.layers:
            add(layer.op)
    comp = graph.compile or {}
    for e in comp.get("losses", []):
        for obj in OB.objects_in(e.obj):
            add(obj.cls)
    for ms in comp.get("metrics", {}).values():
        for obj in OB.objects_in(list(ms)):
            add(obj.cls)
    return out
