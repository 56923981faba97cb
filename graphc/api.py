"""The Python API for build scripts.

import graphc
source = graphc.compile_source(text, "keras")        # -> str (raises graphc.CompileError)
diagnostics = graphc.check_file("model.gdl")          # -> list[graphc.Diagnostic]
"""

from __future__ import annotations

import os
import sys

from graphc.diagnostics import CompileError, Diagnostic


def load_program(path: str, text: str | None = None, model: str | None = None, root: str | None = None):
    """Compile the file; `root`: the directory `use` may read from (default: the file's)."""
    from graphc.compiler.lower import compile_program

    return compile_program(path, text, model, root=root)


def check_file(path: str, with_sources: bool = False, root: str | None = None):
    """Every diagnostic of every model in the file (never raises for user mistakes)."""
    from graphc.diagnostics import Sources

    try:
        program = load_program(path, root=root)
    except CompileError as exc:
        return (exc.diagnostics, Sources()) if with_sources else exc.diagnostics
    return (program.diagnostics, program.sources) if with_sources else program.diagnostics


def emit(program, graph, target: str, source_name: str) -> str:
    if target == "keras":
        from graphc.targets.keras_emit import emit_keras

        return emit_keras(program, graph, source_name)
    from graphc.targets.torch_emit import emit_torch

    return emit_torch(program, graph, source_name)


def compile_source(text: str, target: str = "keras", model: str | None = None, path: str = "<string>") -> str:
    """GDL text -> Python source for `target` ("keras" or "torch").
    Raises CompileError (with .diagnostics) when the program has errors."""
    program = load_program(path, text, model)
    if program.errors:
        raise CompileError(program.errors)
    from pathlib import Path  # (not at import time: `graphc check` does without pathlib)

    return emit(program, program.entry(model), target, Path(path).name)


def emit_program(program, src: str, target: str, output: str | None, model: str | None) -> list:
    """[(path, text)] for the requested target(s)."""
    from pathlib import Path

    graph = program.entry(model)
    stem = Path(src).stem
    targets = ["keras", "torch"] if target == "both" else [target]
    outs = []
    for t in targets:
        if output is None:
            path = str(Path(src).with_name(f"{stem}_{t}.py"))
        elif target == "both":
            p = Path(output)
            if p.is_dir() or output.endswith(os.sep):
                path = str(p / f"{stem}_{t}.py")
            else:
                path = f"{output}_{t}.py"
        else:
            path = output
        outs.append((path, emit(program, graph, t, Path(src).name)))
    return outs


def write_atomic(path: str, text: str) -> None:
    """Write via a temporary file and rename: never a half-written output."""
    import tempfile

    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".graphc-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_outputs(outputs: list, check: bool = False) -> int:
    from pathlib import Path

    status = 0
    for path, text in outputs:
        if check:
            old = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
            if old != text:
                import difflib

                status = 1
                sys.stdout.writelines(
                    difflib.unified_diff(
                        old.splitlines(True),
                        text.splitlines(True),
                        f"{path} (on disk)",
                        f"{path} (generated)",
                    )
                )
                print(f"would rewrite {path}", file=sys.stderr)
        else:
            write_atomic(path, text)
            print(f"wrote {path}", file=sys.stderr)
    return status


def fmt_files(files: list, check: bool = False) -> int:
    from pathlib import Path

    from graphc.diagnostics import Sources, render_text
    from graphc.fmt import format_source

    status = 0
    for f in files:
        try:
            text = Path(f).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{f}: error: cannot read: {exc}", file=sys.stderr)
            status = 2
            continue
        try:
            new = format_source(text, f)
        except CompileError as exc:
            src = Sources()
            src.texts[f] = text
            for d in exc.diagnostics:
                print(render_text(d, src), file=sys.stderr)
            status = max(status, 1)
            continue
        if new != text:
            if check:
                print(f"would reformat {f}", file=sys.stderr)
                status = max(status, 1)
            else:
                write_atomic(f, new)
                print(f"reformatted {f}", file=sys.stderr)
    return status


__all__ = ["compile_source", "check_file", "Diagnostic", "CompileError"]
