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
        by_module: dict = {}  # module -> [(class, alias)]
        paths = {}
        for decl in used_decls(graph):
            paths[id(decl)] = split_path(decl.keras if target == "keras" else decl.torch)
        for decl in sorted(used_decls(graph), key=lambda d: paths[id(d)]):
            module, cls = paths[id(decl)]
            name = ns.take(cls)
            self.alias[id(decl)] = name
            by_module.setdefault(module, []).append((cls, name))
        # as isort (ruff's I001) writes them: one statement per module for the plain
        # names, one per aliased name
        self.stmts: list = []
        for module, pairs in by_module.items():
            plain = sorted({c for c, a in pairs if c == a}, key=member_key)
            if plain:
                self.stmts.append(C.ImportFrom(module, tuple(plain)))
            for c, a in pairs:
                if c != a:
                    self.stmts.append(C.ImportFrom(module, ((c, a),)))

    @property
    def names(self) -> set:
        return set(self.alias.values())

    def callee(self, thing) -> C.Name | None:
        """The imported class of an extern Op or object class, None for others."""
        decl = decl_of(thing)
        return None if decl is None else C.Name(self.alias[id(decl)])

    def block(self, plain: list, froms: list) -> str:
        """The module's third-party imports: `plain` (`import x` lines, kept in order), then
        `froms` ((module, first member, text) of the other `from` statements) and these,
        ordered as isort orders them: by module, then member."""
        items = list(froms)
        for st in self.stmts:
            items.append((st.module, st.members()[0].split(" as ")[0], "\n".join(C.stmt_lines(st))))
        items.sort(key=lambda x: (x[0].lower(), member_key(x[1])))
        return "\n".join([*plain, *(text for _, _, text in items)])


def member_key(name: str) -> tuple:
    """isort's order-by-type: CONSTANTS, then Classes, then other names; then by name."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)


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
