"""Training configuration: `compile(...)` and `fit(...)` statements, resolved
into the loss table (graphc/compiler/losses.py) and the fit defaults."""

from __future__ import annotations

from graphc.compiler import syntax as S
from graphc.compiler import vocab
from graphc.compiler.losses import resolve_compile, resolve_fit
from graphc.compiler.values import POISON
from graphc.diagnostics import Abort, suggestion

# compile() arguments Keras takes that the generated modules do not pass on yet:
# accepted only with Keras's default value (which they then honour)
NOT_PASSED_ON = {
    "weighted_metrics": None,
    "run_eagerly": False,
    "steps_per_execution": 1,
    "jit_compile": "auto",
}


def _gdl_text(v) -> str:
    if v is None or isinstance(v, bool):
        return {None: "None", False: "false", True: "true"}[v]
    return f'"{v}"' if isinstance(v, str) else str(v)


class Training:
    def __init__(self, it):
        self.it = it
        self.s = it.session

    def compile_or_fit(self, scope, e: S.Call):
        file = scope.file
        which = e.func.id
        if scope.kind != "model":
            self.s.error(
                file, e.func.span, "misplaced-statement", f"`{which}(...)` is only allowed in a model"
            )
        if e.args:
            self.s.error(
                file,
                e.args[0].span,
                "argument-type",
                f'`{which}` takes keyword arguments only, e.g. {which}(optimizer="adam")',
            )
        allowed = vocab.COMPILE_KEYWORDS if which == "compile" else tuple(vocab.FIT_KEYWORDS)
        kw = {}
        for k in e.kwargs:
            if k.name not in allowed:
                self.s.report(
                    file,
                    k.span,
                    "unknown-keyword",
                    f"`{which}` has no keyword `{k.name}`",
                    suggestion(k.name, allowed),
                )
                continue
            if k.name in kw:
                self.s.report(file, k.span, "duplicate-argument", f"`{k.name}` is given twice")
                continue
            try:
                kw[k.name] = (self.it.exprs.eval(k.value, scope, dict_names=True), k.value.span, k.span)
            except Abort:
                kw[k.name] = (POISON, k.value.span, k.span)
        graph = scope.graph
        for name, neutral in NOT_PASSED_ON.items() if which == "compile" else ():
            if name in kw and kw[name][0] is not POISON and kw[name][0] != neutral:
                self.s.report(
                    file,
                    kw[name][2],
                    "unsupported",
                    f"`compile({name}=...)` is not passed on to the generated modules yet, "
                    "so it would have no effect",
                    f"remove it (Keras's default is {_gdl_text(neutral)})",
                )
        if which == "compile":
            if graph.has_compile:
                self.s.error(file, e.func.span, "redefinition", "`compile` appears twice in this model")
            graph.has_compile = True
            graph.compile = {"raw": kw, "span": e.func.span}
        else:
            resolve_fit(self.s, scope, kw)

    def resolve_compile(self, scope, graph):
        resolve_compile(self.s, scope, graph)
