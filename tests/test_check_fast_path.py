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
    p.add_argument("-q", "--quiet", action="store_true")
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
        ["-q", "a.gdl", "b.gdl"],
        ["a.gdl", "--quiet"],
        ["a.gdl", "-q", "--format", "json", "-q"],
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
        ["a.gdl", "-q", "b.gdl"],
        ["-qq", "a.gdl"],
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


def _check_in_new_process(src, report: str, without_site: bool = False) -> str:
    """`graphc check SRC` in a new interpreter: the line it prints, its exit status and
    the Python expression `report` evaluated after the check.  `without_site`: `python -S`,
    no site-packages, so no editable-install finder that imports pathlib itself."""
    code = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom graphc.cli import main\n"
        f"rc = main(['check', {str(src)!r}])\n"
        f"print(rc, {report})\n"
    )
    flags = ["-S"] if without_site else []
    r = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, cwd=src.parent)
    assert r.stdout.count("\n") >= 1, r.stdout + r.stderr
    return r.stdout.split("\n")[-2]


def test_check_imports_no_dataclasses_inspect_typing_argparse_lark_nor_frameworks(tmp_path):
    src = tmp_path / "m.gdl"
    src.write_text("model m {\n  x = Input(shape=(4,))\n  output y = Dense(2)(x)\n}\n")
    heavy = ("dataclasses", "inspect", "typing", "argparse", "lark", "torch", "keras", "tensorflow")
    assert _check_in_new_process(src, f"[m for m in {heavy!r} if m in sys.modules]") == "0 []"


def test_check_with_use_imports_no_pathlib(tmp_path):
    (tmp_path / "blocks.gdl").write_text("block dense2(x) {\n  return Dense(2)(x)\n}\n")
    src = tmp_path / "m.gdl"
    src.write_text('use "blocks.gdl"\nmodel m {\n  x = Input(shape=(4,))\n  output y = dense2(x)\n}\n')
    report = "[m for m in ('pathlib', 'urllib', 'fnmatch') if m in sys.modules]"
    assert _check_in_new_process(src, report, without_site=True) == "0 []"


@pytest.mark.parametrize(
    "path", ["", ".", "a", "./a", "a//b", "a/./b/", "/a/../b", "//a", "///a", "a/..", "../x.gdl", "<string>"]
)
def test_path_normalisation_is_pathlibs(path):
    from graphc.compiler.modules import _norm

    assert _norm(path) == str(Path(path))


def test_resolution_and_confinement_are_pathlibs(tmp_path):
    import os

    from graphc.compiler.modules import _inside, _resolve

    os.symlink(tmp_path / "l1", tmp_path / "l2")
    os.symlink(tmp_path / "l2", tmp_path / "l1")  # a symlink loop
    os.symlink("/", tmp_path / "out")
    for p in [tmp_path, tmp_path / "l1", tmp_path / "l1" / "x.gdl", tmp_path / "out" / "x", "rel/../x"]:
        try:
            ref = str(Path(p).resolve())
        except RuntimeError:  # pathlib's answer to a symlink loop; graphc then uses the absolute path
            ref = str(Path(p).absolute())
        assert _resolve(str(p)) == ref, p
    for p, root in [("/a/b", "/a"), ("/a/bc", "/a/b"), ("/a/b", "/a/b"), ("/x", "/"), ("/a", "/a/b")]:
        try:
            Path(p).relative_to(root)
            ref = True
        except ValueError:
            ref = False
        assert _inside(p, root) is ref, (p, root)


def test_the_family_index_is_up_to_date():
    from graphc.tools.ops_index import render

    assert (ROOT / "graphc" / "ops" / "index.py").read_text(encoding="utf-8") == render(), (
        "run: python -m graphc.tools.ops_index > graphc/ops/index.py"
    )


_CATALOG = (
    "import sys\nsys.path.insert(0, {root!r})\nimport graphc.ops.base as B\n{body}\n"
    "print([list(dict.keys(d)) for d in (B.REGISTRY, B.FUNCTIONS, B.ALIASES)])\n"
    "print([list(d) == list(dict.keys(d)) and len(d) == len(dict.keys(d)) for d in (B.REGISTRY, B.FUNCTIONS, B.ALIASES)])\n"
)


def _catalog(body: str) -> list:
    code = _CATALOG.format(root=str(ROOT), body=body)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def test_the_lazy_catalog_lists_what_importing_every_family_registers_in_the_same_order():
    # the reference: every family imported up front, as `import graphc.ops` did before
    eager = _catalog("for f in B.FAMILIES: __import__('graphc.ops.' + f)")
    # lookups in another order (each loads one family), then iteration loads the rest
    lazy = _catalog(
        "assert B.REGISTRY['LSTM'] and 'Reshape' in B.REGISTRY and B.FUNCTIONS.get('add') == 'Add'\n"
        "assert 'not_a_layer' not in B.REGISTRY and B.REGISTRY.get('Nope', 1) == 1\n"
        "assert 'graphc.ops.attention' not in sys.modules\n"
        "n = len(B.REGISTRY)"
    )
    assert lazy[0] == eager[0]
    assert lazy[1] == "[True, True, True]"
    assert "'Conv2D'" in eager[0] and "'Convolution2D'" in eager[0] and "'multiply'" in eager[0]


def test_a_check_imports_only_the_layer_families_it_uses(tmp_path):
    src = tmp_path / "m.gdl"
    src.write_text("model m {\n  x = Input(shape=(4,))\n  output y = Dense(2)(x)\n}\n")
    report = "sorted(m for m in sys.modules if m.startswith('graphc.ops.') and m != 'graphc.ops.base')"
    out = _check_in_new_process(src, report, without_site=True)
    assert out.startswith("0 ") and "graphc.ops.core" in out, out
    assert "recurrent" not in out and "attention" not in out, out
