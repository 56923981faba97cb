"""Scopes: the variables of one model or block body (or of top-level constants),
with the provenance of the compile-time ones inside blocks."""

from __future__ import annotations

from graphc.compiler import provenance as P


class Scope:
    """Variables of one model or block body.

    `syms` maps names to their provenance (graphc/compiler/provenance.py) while
    a block runs: parameters are `Param`, loop variables `Loop`, compile-time
    locals the sym of what they were bound to.  `region` is the list the
    statements that run append their records to (the region tree)."""

    def __init__(self, module, kind: str, builder, name: str):
        self.module = module
        self.kind = kind  # "model" | "block" | "const"
        self.builder = builder  # GraphBuilder of the graph being built (None for constants)
        self.name = name
        self.vars: dict = {}
        self.syms: dict = {}
        self.returned = None
        self.params: set = set()
        self.rebound: set = set()
        self.aborted = False  # a statement failed (its diagnostic is reported)
        self.region: list = []

    @property
    def graph(self):
        return self.builder.graph if self.builder is not None else None

    @property
    def file(self) -> str:
        return self.module.path

    @property
    def tracks_syms(self) -> bool:
        return self.kind in ("block", "model")

    def sym(self, expr) -> P.Sym:
        """The provenance of `expr` evaluated in this scope."""
        if not self.tracks_syms:
            return P.OPAQUE
        return P.sym_of(expr, self.syms, self.source, self._block_named)

    def _block_named(self, name: str):
        """The block `name` resolves to here (for compile-time function calls), or None."""
        from graphc.compiler.values import DefVal

        if name in self.vars:
            return None
        v = self.module.names.get(name)
        return v if isinstance(v, DefVal) and v.node.kind == "block" else None

    @property
    def source(self) -> str:
        return self.module.source_text


class ConstScope(Scope):
    """Scope for top-level constants and parameter defaults."""

    def __init__(self, module):
        super().__init__(module, "const", None, "<const>")
