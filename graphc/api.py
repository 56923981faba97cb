"""The Python API for build scripts.

import graphc
source = graphc.compile_source(text, "keras")        # -> str (raises graphc.CompileError)
diagnostics = graphc.check_file("model.gdl")          # -> list[graphc.Diagnostic]
"""

from __future__ import annotations

import os
import sys

from graphc.diagnostics import CompileError, Diagnostic


class SourceError(Exception):
    """A file that cannot be read as GDL source; str() is one line for the user."""


# UTF-16/32 byte-order marks: a file saved by an editor in another Unicode encoding
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def read_source(path: str, keep_bom: bool = False) -> str:
    """The text of a GDL file: UTF-8, with or without a byte-order mark (dropped
    here unless keep_bom, so line and column numbers are those an editor shows).  Raises
    SourceError with a one-line reason for a missing file, a directory, a FIFO
    or device, a file that cannot be read, or one that is not UTF-8."""
    import stat

    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
            raise SourceError("not a regular file")
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise SourceError("is a directory, not a GDL file") from None
    except FileNotFoundError:
        raise SourceError("no such file") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        raise SourceError((exc.strerror or str(exc)).lower()) from None
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        for bom, name in _OTHER_BOMS:
            if data.startswith(bom):
                raise SourceError(f"the file is {name}; save it as UTF-8") from None
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None


def _io_error(path: str, message: str) -> CompileError:
    from graphc.compiler.syntax import NOSPAN

    return CompileError([Diagnostic(path, NOSPAN, "error", "io", f"cannot read: {message}")])


def load_program(path: str, text: str | None = None, model: str | None = None, root: str | None = None):
    """Parse, evaluate and check every model of `path` (or of `text`, named `path`);
    `root`: the directory `use` may read from (default: the file's).
    Raises CompileError with one `io` diagnostic (line 0) when the file cannot be read."""
    from graphc.compiler.lower import compile_program

    if text is None:
        path = os.path.normpath(path)
        try:
            text = read_source(path)
        except SourceError as exc:
            raise _io_error(path, str(exc)) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
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
        elif output.endswith(os.sep):  # `-o out/`: a directory, as with --target both
            path = str(Path(output) / f"{stem}_{t}.py")
        else:
            path = output
        outs.append((path, emit(program, graph, t, Path(src).name)))
    return outs


class OutputError(Exception):
    """An output that cannot be written; str() is one line for the user."""


def _describe_os_error(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def write_atomic(path: str, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same directory and a
    rename, so readers see the old file or the new one, never half of one.

    A new file gets the permissions the umask gives (as `open(path, "w")`
    would); a rewritten file keeps its own (mode bits), and a symbolic link is
    followed, so the link stays and its target is rewritten.  Missing parent
    directories are created.  Raises OutputError with a one-line reason."""
    import secrets
    import stat

    target = os.path.realpath(path)
    d = os.path.dirname(target)
    try:
        if os.path.isdir(target):
            raise OutputError(f"{path}: is a directory")
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = None  # a new file: os.open applies the umask to 0o666, as open() does
        os.makedirs(d, exist_ok=True)
        while True:
            tmp = os.path.join(d, f".graphc-{secrets.token_hex(8)}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if mode is not None else 0o666)
                break
            except FileExistsError:
                continue
    except OutputError:
        raise
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else path
        raise OutputError(f"{where}: {_describe_os_error(exc)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: {_describe_os_error(exc)}") from None
        raise


def _check_destinations(paths: list) -> None:
    """Fail before writing anything when an output path cannot be a file."""
    for path in paths:
        target = os.path.realpath(path)
        if os.path.isdir(target):
            raise OutputError(f"{path}: is a directory (-o names a file, or with --target both a directory)")
        parent = os.path.dirname(target)
        while parent and not os.path.exists(parent):
            parent = os.path.dirname(parent)
        if parent and not os.path.isdir(parent):
            raise OutputError(f"{path}: {parent} is not a directory")


def write_outputs(outputs: list, check: bool = False, sources: tuple = ()) -> int:
    """Write [(path, text)] atomically (or, with check, diff them against the disk).
    Returns the exit status: 0, 1 (check found a difference), 2 (cannot write)."""
    from pathlib import Path

    status = 0
    try:
        for path, _ in outputs:
            if any(_same_file(path, src) for src in sources):
                raise OutputError(f"{path}: the output would overwrite the source file; choose another -o")
        _check_destinations([path for path, _ in outputs])
    except OutputError as exc:
        _error_line(exc, "")
        return 2
    for path, text in outputs:
        if check:
            try:
                old = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
            except (OSError, UnicodeDecodeError) as exc:
                reason = _describe_os_error(exc) if isinstance(exc, OSError) else "not UTF-8 text"
                print(f"{path}: error: cannot read: {reason}", file=sys.stderr)
                return 2
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
            try:
                write_atomic(path, text)
            except OutputError as exc:
                _error_line(exc)
                return 2
            print(f"wrote {path}", file=sys.stderr)
    return status


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _error_line(exc: Exception, what: str = "cannot write: ") -> None:
    """`PATH: error: cannot write: reason`, from an OutputError's `PATH: reason`."""
    where, _, reason = str(exc).partition(": ")
    print(f"{where}: error: {what}{reason}", file=sys.stderr)


def fmt_files(files: list, check: bool = False) -> int:
    """Reformat files in place (or, with check, list those that would change).

    A UTF-8 byte-order mark is kept: fmt changes the layout, never the encoding
    (as black and ruff format do).  Exit status: 0, 1 (syntax errors, or check
    found a file to reformat), 2 (a file cannot be read or written)."""

    from graphc.diagnostics import Sources, render_text
    from graphc.fmt import format_source

    status = 0
    for f in files:
        try:
            text = read_source(f, keep_bom=True)
        except SourceError as exc:
            print(f"{f}: error: cannot read: {exc}", file=sys.stderr)
            status = 2
            continue
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        text = text[len(bom) :]
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
                try:
                    write_atomic(f, bom + new)
                except OutputError as exc:
                    _error_line(exc)
                    status = 2
                    continue
                print(f"reformatted {f}", file=sys.stderr)
    return status


__all__ = ["compile_source", "check_file", "Diagnostic", "CompileError"]
