"""`graphc build SRC_DIR -o OUT_DIR --target ...`: compile every .gdl in a tree.

Files whose inputs (the file, every file it `use`s, graphc's version and the
target) did not change since the last build are skipped, by content hash kept
in OUT_DIR/.graphc-build.json.  Everything is compiled in memory first: on any
error nothing is written (earlier outputs stay intact) and the exit status is 1.
Outputs are written atomically.  Files that define no model (libraries of
blocks and constants for `use`) produce no output.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from graphc import __version__
from graphc.api import OutputError, emit, load_program, write_atomic
from graphc.diagnostics import CompileError, Sources, render_text
from graphc.targets.errors import EmitError

MANIFEST = ".graphc-build.json"


def _digest(paths: list[str], target: str) -> str:
    h = hashlib.sha256(f"graphc {__version__} {target}\n".encode())
    for p in sorted(set(paths)):
        h.update(p.encode() + b"\0")
        h.update(Path(p).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def build_tree(src: str, out: str, target: str, stream=None) -> int:
    stream = stream or sys.stderr
    src_dir, out_dir = Path(src), Path(out)
    if not src_dir.is_dir():
        why = "not a directory" if src_dir.exists() else "no such directory"
        print(f"{src}: error: cannot build: {why}", file=stream)
        return 2
    if out_dir.exists() and not out_dir.is_dir():
        print(f"{out}: error: cannot write: not a directory", file=stream)
        return 2
    manifest_path = out_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):  # not one graphc wrote: rebuild everything
        manifest = {}
    targets = ["keras", "torch"] if target == "both" else [target]
    pending: list[tuple[Path, str]] = []
    new_manifest = dict(manifest)
    errors = 0
    skipped = 0
    for path in sorted(src_dir.rglob("*.gdl")):
        rel = path.relative_to(src_dir)
        try:
            program = load_program(str(path))
        except CompileError as exc:  # cannot be read (not UTF-8, a directory named *.gdl, ...)
            for d in exc.diagnostics:
                print(render_text(d, Sources()), file=stream)
            errors += 1
            continue
        for d in program.diagnostics:
            print(render_text(d, program.sources), file=stream)
        if program.errors:
            errors += 1
            continue
        if not program.graphs:
            continue  # a library of blocks and constants
        deps = [p for p in program.module_paths if Path(p).is_file()]
        for t in targets:
            dest = out_dir / rel.parent / f"{rel.stem}_{t}.py"
            key = f"{rel.as_posix()}:{t}"
            digest = _digest(deps, t)
            if manifest.get(key) == digest and dest.exists():
                skipped += 1
                continue
            try:
                text = emit(program, program.entry(), t, path.name)
            except EmitError as exc:  # e.g. a layer without a PyTorch spelling
                print(render_text(exc.diagnostic, program.sources), file=stream)
                errors += 1
                break
            pending.append((dest, text))
            new_manifest[key] = digest
    if errors:
        print(f"graphc build: {errors} file{'s' * (errors != 1)} with errors; nothing written", file=stream)
        return 1
    try:
        for dest, text in pending:
            write_atomic(str(dest), text)
            print(f"built {dest}", file=stream)
        if pending:
            write_atomic(str(manifest_path), json.dumps(new_manifest, indent=1, sort_keys=True) + "\n")
    except OutputError as exc:
        where, _, reason = str(exc).partition(": ")
        print(f"{where}: error: cannot write: {reason}", file=stream)
        return 2
    print(f"graphc build: {len(pending)} built, {skipped} up to date", file=stream)
    return 0
