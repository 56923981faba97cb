"""Orchestration: plan, fold, name, print, lay out, check."""

from __future__ import annotations

from graphc.importer import keras_config as K
from graphc.importer.program import Unprintable
from graphc.importer.to_gdl import Converter, ImportFailed, Result, allocate, render
from graphc.importer.verify import INVALID, check

# warnings graphc may give on an imported program that do not change it:
# an output named like a lowercase merge function hides it (GDL code written
# by the importer never calls those functions)
ALLOWED_WARNINGS = {"redefinition"}


def _attempt(model: K.KModel, source: str, model_name, fold: bool) -> tuple:
    conv = Converter(model, model_name)
    top = conv.build()
    stats: dict = {}
    from graphc.importer.fold import fold_program
    from graphc.importer.to_gdl import elide_names

    for prog in conv.defs:
        if fold:
            fold_program(prog, conv.top_ns, stats)
        else:
            elide_names(prog.body, [inp.name for inp in prog.kmodel.inputs], [v for _, v in prog.outputs])
    for prog in conv.defs:
        live = {id(v) for _, v in prog.outputs}
        allocate(prog.body, prog.ns, live_after=[v for _, v in prog.outputs] if live else None)
        for bd in prog.blocks:
            allocate(bd.body, bd.ns, live_after=bd.returns)
    from graphc.importer.to_gdl import hoist_objects

    constants = hoist_objects(conv.defs, conv.top_ns)
    try:
        text = render(top, conv.defs, source, conv.notes, constants)
    except Unprintable as exc:
        raise ImportFailed([f"a value has no GDL literal: {exc}"]) from None
    return text, top, conv, stats


def _layout(text: str) -> str:
    from graphc.diagnostics import CompileError
    from graphc.fmt import format_source

    try:
        return format_source(text, "imported.gdl")
    except CompileError as exc:
        raise ImportFailed(
            [
                "internal error: the GDL written does not parse: "
                + "; ".join(d.header() for d in exc.diagnostics[:3])
            ]
        ) from None


def convert(model: K.KModel, source: str = "<config>", model_name=None, fold: bool = True) -> Result:
    notes: list = []
    if fold:
        text, top, conv, stats = _attempt(model, source, model_name, True)
        text = _layout(text)
        mismatches = check(text, top, ALLOWED_WARNINGS)
        if not mismatches:
            return Result(text, conv.notes, {**stats, "lines": text.count("\n")})
        notes.append("folding was undone (the folded program did not check out: " + mismatches[0] + ")")
    text, top, conv, stats = _attempt(model, source, model_name, False)
    text = _layout(text)
    mismatches = check(text, top, ALLOWED_WARNINGS)
    if mismatches:
        raise ImportFailed(
            [
                m
                if m.startswith(INVALID)
                else "internal error: the GDL written does not compile back to the Keras model: " + m
                for m in mismatches[:5]
            ]
        )
    return Result(text, conv.notes + notes, {**stats, "lines": text.count("\n")})
