"""Shared test helpers: compile an example, emit a target, import the module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from graphc.api import emit
from graphc.compiler.lower import compile_program

ROOT = Path(__file__).resolve().parent.parent


class LazyModule:
    """A framework imported on first use (`keras = LazyModule("keras")`), so that
    collecting the tests imports none: the fast tier never pays for TensorFlow or
    PyTorch (tests/conftest.py checks it).  Skips the test when it is not installed."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("_") or attr.startswith("pytest"):  # pytest's collection probes these
            raise AttributeError(attr)
        import pytest

        return getattr(pytest.importorskip(self._name), attr)


EXAMPLES = sorted((ROOT / "examples").glob("*.gdl"))


def compile_example(path) -> tuple:
    program = compile_program(str(path))
    assert not program.errors, [d.header() for d in program.errors]
    return program, program.entry()


def emit_to(tmp_path, path, target: str):
    program, graph = compile_example(path)
    text = emit(program, graph, target, Path(path).name)
    out = Path(tmp_path) / f"{Path(path).stem}_{target}.py"
    out.write_text(text)
    return program, graph, out


def import_file(path, name=None):
    name = name or f"graphc_emitted_{Path(path).stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def run_graphc(*args, cwd=None):
    """`python -m graphc ARGS...` in a new process (what a user's shell runs)."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "graphc", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
