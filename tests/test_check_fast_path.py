"""`graphc check`'s fast paths read the same command line as argparse does, and
a multi-file check (pre-commit) gives each file the same diagnostics as a
check of that file alone."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from graphc.cli import _check_args

ROOT = Path(__file__).resolve().parent.parent


def argparse_check(argv):
    p = argparse.ArgumentParser(prog="graphc check")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--root", metavar="DIR")
    return vars(p.parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["a.gdl"],
        ["a.gdl", "b.gdl", "c d.gdl"],
        ["--format", "json", "a.gdl"],
        ["a.gdl", "b.gdl", "--format=github"],
        ["a.gdl", "--format", "json", "--format", "text"],
    ],
)
def test_same_arguments_as_argparse(argv):
    assert vars(_check_args(argv)) == argparse_check(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["-h", "a.gdl"],
        ["--format", "xml", "a.gdl"],
        ["--format"],
        ["--form", "json", "a"],
        ["-"],
    ],
)
def test_anything_else_goes_to_argparse(argv):
    assert _check_args(argv) is None


def test_many_files_in_one_process_as_one_each(tmp_path):
    bad = tmp_path / "bad.gdl"
    bad.write_text("model m {\n  x = Input(shape=(4,))\n  output y = Dense(2)(z)\n}\n")
    files = [str(bad), *sorted(str(p) for p in (ROOT / "examples").glob("*.gdl"))[:3], str(bad)]

    def run(args):
        r = subprocess.run(
            [sys.executable, "-m", "graphc", "check", "--format", "json", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        return r.returncode, r.stdout

    together = run(files)
    assert together[0] == 1
    alone = [run([f]) for f in files]
    import json

    assert json.loads(together[1]) == [d for _, out in alone for d in json.loads(out)]


def test_check_imports_no_dataclasses_inspect_typing_argparse_lark_nor_frameworks(tmp_path):
    src = tmp_path / "m.gdl"
    src.write_text("model m {\n  x = Input(shape=(4,))\n  output y = Dense(2)(x)\n}\n")
    code = (
        "import sys\nfrom graphc.cli import main\n"
        f"rc = main(['check', {str(src)!r}])\n"
        "heavy = ('dataclasses', 'inspect', 'typing', 'argparse', 'lark', 'torch', 'keras', 'tensorflow')\n"
        "print(rc, [m for m in heavy if m in sys.modules])\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.stdout.split("\n")[-2] == "0 []", r.stdout + r.stderr
