"""The `graphc` command line.

    graphc FILE.gdl --target keras|torch|both [-o OUT] [--model NAME] [--check] [--root DIR]
    graphc check FILE... [--format text|json|github] [-q] [--root DIR]
    graphc summary FILE [--model NAME] [--root DIR]
    graphc fmt FILE... [--check]
    graphc graph FILE [--model NAME] [-o model.svg|.png|.dot] [--root DIR]
    graphc build SRC_DIR -o OUT_DIR --target keras|torch|both
    graphc import MODEL.keras|config.json [-o OUT.gdl] [--model-name NAME] [--no-fold]
    graphc import --python pkg.module:build_fn [-o OUT.gdl]   (runs that code)
    graphc lsp                      (a Language Server on stdio, for editors)

Exit status: 0 clean (or warnings only), 1 errors (or --check found a
difference; for import: parts of the model GDL cannot express), 2 usage errors
and unreadable files, 3 an internal error (a bug in graphc, reported in one line).
"""

from __future__ import annotations

import sys

COMMANDS = ("check", "summary", "fmt", "graph", "build", "import", "lsp")


def _print_diags(program_or_diags, sources, fmt="text", stream=None):
    from graphc.diagnostics import render_github, render_json, render_text

    stream = stream or sys.stderr
    diags = program_or_diags
    if fmt == "json":
        print(render_json(diags), file=sys.stdout)
        return
    for d in diags:
        if fmt == "github":
            print(render_github(d), file=sys.stdout)
        else:
            print(render_text(d, sources), file=stream)


def _exit_code(diags) -> int:
    return 1 if any(d.is_error for d in diags) else 0


def _plural(n: int, word: str) -> str:
    return f"{'no' if n == 0 else n} {word}{'s' * (n != 1)}"


def _files_without_collections(files):
    """Each of `files`, with Python's cyclic garbage collector off while it is
    checked: a check makes many objects and frees few, so the collections the
    allocations trigger find nothing (7% of a 300-layer check, 20% of a
    3,000-layer one).  Between files the previous file's graph is collected;
    after the first one, what survived it (modules, catalogs) is frozen, so those
    collections walk one file's objects only."""
    import gc

    if not gc.isenabled():
        yield from files
        return
    gc.disable()
    try:
        for i, path in enumerate(files):
            if i:
                gc.collect()
                if i == 1:
                    gc.freeze()
            yield path
    finally:
        gc.unfreeze()
        gc.enable()


def cmd_check(args) -> int:
    from graphc.api import check_file

    status = 0
    all_diags = []
    for path in _files_without_collections(args.files):
        diags, sources = check_file(path, with_sources=True, root=args.root)
        all_diags.extend(diags)
        if args.format != "json":
            _print_diags(diags, sources, args.format)
        if any(d.code == "io" and d.span.line == 0 for d in diags):
            status = max(status, 2)
        status = max(status, _exit_code(diags))
    if args.format == "json":
        _print_diags(all_diags, None, "json")
    elif args.format == "text" and not args.quiet:
        n_err = sum(d.is_error for d in all_diags)
        n_warn = len(all_diags) - n_err
        n_files = len(args.files)
        print(
            f"{n_files} file{'s' * (n_files != 1)} checked: "
            f"{_plural(n_err, 'error')}, {_plural(n_warn, 'warning')}",
            file=sys.stderr,
        )
    return status


def _load(path, model, root=None):
    from graphc.api import load_program
    from graphc.diagnostics import CompileError, Sources

    try:
        program = load_program(path, model=model, root=root)
    except CompileError as exc:  # the file cannot be read: one line, exit 2
        _print_diags(exc.diagnostics, Sources())
        return None, 2
    _print_diags(program.diagnostics, program.sources)
    if program.errors:
        return None, 1
    if not program.graphs:
        from graphc.compiler.syntax import Span
        from graphc.diagnostics import Diagnostic

        d = Diagnostic(
            path,
            Span(1, 1, 1, 2),
            "error",
            "no-output",
            "the file defines no model to compile (a model without parameter defaults is "
            "compiled only where it is used)",
            "add `model NAME { ... }`",
        )
        _print_diags([d], program.sources)
        return None, 1
    return program, 0


def cmd_summary(args) -> int:
    from graphc.summary import summary

    program, status = _load(args.file, args.model, args.root)
    if program is None:
        return status
    print(summary(program.entry(args.model)))
    return 0


def cmd_compile(args) -> int:
    from graphc.api import emit_program, write_outputs

    program, status = _load(args.file, args.model, args.root)
    if program is None:
        return status
    graph = program.entry(args.model)
    if not graph.has_compile:
        from graphc.diagnostics import Diagnostic

        d = Diagnostic(
            graph.file,
            graph.span,
            "warning",
            "missing-loss",
            f"model `{graph.name}` has no compile(...): the generated trainer cannot train it",
            "add compile(optimizer=..., loss=...) to the model",
        )
        _print_diags([d], program.sources)
    try:
        outputs = emit_program(program, args.file, args.target, args.output, args.model)
    except Exception as exc:  # an emitter limitation: report, don't trace back
        from graphc.targets.errors import EmitError

        if isinstance(exc, EmitError):
            from graphc.diagnostics import render_text

            print(render_text(exc.diagnostic, program.sources), file=sys.stderr)
            return 1
        raise
    return write_outputs(outputs, check=args.check, sources=(args.file,))


def cmd_fmt(args) -> int:
    from graphc.api import fmt_files

    return fmt_files(args.files, check=args.check)


def cmd_graph(args) -> int:
    from graphc.graphviz import render

    program, status = _load(args.file, args.model, args.root)
    if program is None:
        return status
    out = args.output or args.file.rsplit(".", 1)[0] + ".svg"
    try:
        written, message = render(program.entry(args.model), out)
    except ValueError as exc:  # an output name graphc cannot render to
        print(f"{out}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"{exc.filename or out}: error: cannot write: {(exc.strerror or str(exc)).lower()}",
            file=sys.stderr,
        )
        return 2
    if message:
        print(message, file=sys.stderr)
    print(f"wrote {written}")
    return 0


def cmd_build(args) -> int:
    from graphc.build import build_tree

    return build_tree(args.src, args.output, args.target)


MAX_PROBLEM_LINES = 50


def cmd_import(args) -> int:
    from pathlib import Path

    from graphc.api import write_atomic
    from graphc.importer import ConfigError, ImportFailed, import_config

    if (args.model is None) == (args.python is None):
        print(
            "graphc import: give a MODEL.keras (or config JSON) file, or --python MODULE:FUNCTION",
            file=sys.stderr,
        )
        return 2
    try:
        if args.python is not None:
            from graphc.importer.python_source import config_from_python

            cfg = config_from_python(args.python)
            source = f"{args.python}()"
            default_out = args.python.rsplit(":", 1)[1] + ".gdl"
        else:
            from graphc.importer.keras_config import read_json_file

            cfg = read_json_file(args.model)
            source = Path(args.model).name
            default_out = str(Path(args.model).with_suffix(".gdl"))
        result = import_config(cfg, source=source, model_name=args.model_name, fold=not args.no_fold)
    except ConfigError as exc:
        print(f"graphc import: error: {exc}", file=sys.stderr)
        return 2
    except ImportFailed as exc:
        what = args.python or args.model
        problems = exc.problems
        for line in problems[:MAX_PROBLEM_LINES]:
            print(f"{what}: error: {line}", file=sys.stderr)
        if len(problems) > MAX_PROBLEM_LINES:
            print(f"{what}: ... and {len(problems) - MAX_PROBLEM_LINES} more", file=sys.stderr)
        print(
            f"graphc import: {len(problems)} part{'s' * (len(problems) != 1)} of the model "
            "cannot be written in GDL; nothing written",
            file=sys.stderr,
        )
        return 1
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    out = args.output or default_out
    if out == "-":
        sys.stdout.write(result.text)
        return 0
    try:
        write_atomic(out, result.text)
    except OSError as exc:
        print(f"graphc import: error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({result.stats['lines']} lines)", file=sys.stderr)
    return 0


def cmd_lsp(args) -> int:
    try:
        from graphc.lsp import main as lsp_main
    except ImportError as exc:
        print(f'graphc lsp needs pygls ({exc}): pip install "graphc[lsp]"', file=sys.stderr)
        return 2
    return lsp_main()


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the environment (a full disk, a vanished directory): one line, not a traceback
        where = exc.filename if isinstance(exc.filename, str) else "graphc"
        print(f"{where}: error: {(exc.strerror or str(exc)).lower()}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug in graphc, never a traceback: one line to report
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        print(
            f"graphc: internal error ({type(exc).__name__}{where}: {exc}); "
            "please report it with the .gdl file that caused it",
            file=sys.stderr,
        )
        return 3


def _check_args(argv):
    """`graphc check FILE... [--format F] [-q]` read without argparse (importing and
    setting it up is ~5% of a cold check); None for anything else (--help, --root,
    a file named like an option), which argparse then reads."""
    files, fmt, quiet, i = [], "text", False, 0
    after_files = False  # an option after the files: argparse takes no more files then
    while i < len(argv):
        a = argv[i]
        if a in ("-q", "--quiet"):
            after_files = bool(files)
            quiet = True
        elif a.startswith("--format"):
            after_files = bool(files)
            value = a[len("--format=") :] if a.startswith("--format=") else None
            if value is None and a == "--format" and i + 1 < len(argv):
                value, i = argv[i + 1], i + 1
            if value not in ("text", "json", "github"):
                return None
            fmt = value
        elif a.startswith("-") or after_files:
            return None
        else:
            files.append(a)
        i += 1
    if not files:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(files=files, format=fmt, root=None, quiet=quiet)


def _main(argv) -> int:
    if argv and argv[0] == "check":
        args = _check_args(argv[1:])
        if args is not None:
            return cmd_check(args)
    if argv and argv[0] in COMMANDS:
        import argparse

        cmd = argv.pop(0)
        p = argparse.ArgumentParser(prog=f"graphc {cmd}")
        if cmd == "check":
            p.add_argument("files", nargs="+", metavar="FILE")
            p.add_argument("--format", choices=("text", "json", "github"), default="text")
            p.add_argument(
                "-q", "--quiet", action="store_true", help="no summary line (diagnostics are still printed)"
            )
            p.add_argument(
                "--root",
                metavar="DIR",
                help="the project root: `use` may read .gdl files under it (default: the directory of each FILE)",
            )
            return cmd_check(p.parse_args(argv))
        if cmd == "summary":
            p.add_argument("file", metavar="FILE")
            p.add_argument("--model")
            p.add_argument(
                "--root",
                metavar="DIR",
                help="the project root: `use` may read .gdl files under it (default: the directory of each FILE)",
            )
            return cmd_summary(p.parse_args(argv))
        if cmd == "fmt":
            p.add_argument("files", nargs="+", metavar="FILE")
            p.add_argument("--check", action="store_true", help="exit 1 if a file would change")
            return cmd_fmt(p.parse_args(argv))
        if cmd == "graph":
            p.add_argument("file", metavar="FILE")
            p.add_argument("--model")
            p.add_argument("-o", "--output")
            p.add_argument(
                "--root",
                metavar="DIR",
                help="the project root: `use` may read .gdl files under it (default: the directory of each FILE)",
            )
            return cmd_graph(p.parse_args(argv))
        if cmd == "build":
            p.add_argument("src", metavar="SRC_DIR")
            p.add_argument("-o", "--output", required=True, metavar="OUT_DIR")
            p.add_argument("--target", choices=("keras", "torch", "both"), default="both")
            return cmd_build(p.parse_args(argv))
        if cmd == "import":
            p.description = (
                "Write an existing Keras model as GDL: from a .keras file or a JSON configuration "
                "(model.to_json(); read without importing Keras), or by running "
                "--python MODULE:FUNCTION, which imports and EXECUTES that code."
            )
            p.add_argument("model", metavar="MODEL.keras", nargs="?", help="a .keras file or a JSON config")
            p.add_argument(
                "--python", metavar="MODULE:FUNCTION", help="build the model by calling FUNCTION()"
            )
            p.add_argument(
                "-o",
                "--output",
                metavar="OUT.gdl",
                help="where to write (default: beside the model; - for stdout)",
            )
            p.add_argument("--model-name", help="the GDL name of the model (default: from its Keras name)")
            p.add_argument(
                "--no-fold", action="store_true", help="no blocks or loops: one statement per layer call"
            )
            return cmd_import(p.parse_args(argv))
        if cmd == "lsp":
            p.description = "A Language Server for GDL on stdin/stdout (diagnostics, hover, definition, completion, formatting)."
            p.add_argument(
                "--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)"
            )
            return cmd_lsp(p.parse_args(argv))
    import argparse

    p = argparse.ArgumentParser(
        prog="graphc",
        description="Compile a GDL file to Keras 3 or PyTorch.",
        epilog="other commands: " + ", ".join(COMMANDS) + " (graphc CMD --help)",
    )
    from graphc import __version__

    p.add_argument("--version", action="version", version=f"graphc {__version__}")
    p.add_argument("file", metavar="FILE.gdl")
    p.add_argument("--target", choices=("keras", "torch", "both"), default="keras")
    p.add_argument("-o", "--output", help="output file (for both: a directory or a name stem)")
    p.add_argument("--model", help="the model to compile (default: the one with compile(...))")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if the output on disk is stale",
    )
    p.add_argument(
        "--root",
        metavar="DIR",
        help="the project root: `use` may read .gdl files under it (default: the directory of each FILE)",
    )
    return cmd_compile(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
