"""The command line and the Python API, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, run_graphc

import graphc

GOOD = """model m {
  x = Input(shape=(4,))
  h = Dense(8, activation="relu")(x)
  output y = Dense(1, activation="sigmoid")(h)
  compile(optimizer="adam", loss="binary_crossentropy")
}
"""
BAD = """model m {
  x = Input(shape=(4,))
  h = Dense(8, activaton="relu")(x)
  output y = Dense(1)(z)
}
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.gdl").write_text(GOOD)
    (tmp_path / "bad.gdl").write_text(BAD)
    return tmp_path


def test_check_exit_codes_and_text(files):
    r = run_graphc("check", files / "good.gdl")
    assert r.returncode == 0 and r.stderr == "1 file checked: no errors, no warnings\n"
    r = run_graphc("check", files / "good.gdl", files / "bad.gdl")
    assert r.returncode == 1
    assert "bad.gdl:3:16: error: Dense has no argument `activaton` [unknown-argument]" in r.stderr
    assert "bad.gdl:4:23: error: `z` is not defined [undefined-name]" in r.stderr
    assert "Traceback" not in r.stderr
    assert run_graphc("check", files / "missing.gdl").returncode == 2
    assert run_graphc("check").returncode == 2


def test_check_json_and_github(files):
    r = run_graphc("check", "--format", "json", files / "bad.gdl")
    data = json.loads(r.stdout)
    assert r.returncode == 1
    assert {(d["line"], d["column"], d["code"]) for d in data} == {
        (3, 16, "unknown-argument"),
        (4, 23, "undefined-name"),
    }
    first = data[0]
    assert set(first) >= {
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "message",
        "hint",
    }
    assert first["hint"] == "did you mean `activation`?"
    r = run_graphc("check", "--format", "github", files / "bad.gdl")
    assert r.stdout.startswith("::error file=")
    assert ",line=3,col=16," in r.stdout


def test_warnings_only_exit_zero(tmp_path):
    (tmp_path / "w.gdl").write_text(
        GOOD.replace('Dense(1, activation="sigmoid")', 'Dense(1, activation="softmax")').replace(
            "binary_crossentropy", "mse"
        )
    )
    r = run_graphc("check", tmp_path / "w.gdl")
    assert r.returncode == 0 and "warning:" in r.stderr and "[degenerate]" in r.stderr


def test_summary(files):
    r = run_graphc("summary", files / "good.gdl")
    assert r.returncode == 0
    assert "Total params: 49" in r.stdout and "Trainable params: 49" in r.stdout
    assert "binary_crossentropy" in r.stdout
    r = run_graphc("summary", files / "good.gdl", "--model", "nope")
    assert r.returncode == 1 and "unknown-model" in r.stderr


def test_compile_check_and_atomic_failure(files):
    out = files / "good_keras.py"
    r = run_graphc(files / "good.gdl", "--target", "keras")
    assert r.returncode == 0 and out.exists()
    first = out.read_text()
    assert run_graphc(files / "good.gdl", "--target", "keras", "--check").returncode == 0
    out.write_text(first.replace("Dense(8", "Dense(9"))
    r = run_graphc(files / "good.gdl", "--target", "keras", "--check")
    assert r.returncode == 1 and "@@" in r.stdout and "Dense(8" in r.stdout
    # a failed compilation leaves an existing output untouched
    out.write_text(first)
    (files / "good.gdl").write_text(BAD)
    r = run_graphc(files / "good.gdl", "--target", "keras", "-o", out)
    assert r.returncode == 1 and out.read_text() == first
    assert not [p for p in files.iterdir() if p.name.startswith(".graphc-")]


def test_compile_both_to_directory_and_stem(files):
    pytest.importorskip("jinja2")
    r = run_graphc(files / "good.gdl", "--target", "both", "-o", str(files / "gen") + "/")
    assert r.returncode == 0, r.stderr
    assert (files / "gen" / "good_keras.py").exists() and (files / "gen" / "good_torch.py").exists()
    r = run_graphc(files / "good.gdl", "--target", "both", "-o", files / "stem")
    assert (files / "stem_keras.py").exists() and (files / "stem_torch.py").exists()


def test_build_skips_unchanged_and_writes_nothing_on_error(tmp_path):
    src = tmp_path / "src"
    (src / "lib").mkdir(parents=True)
    (src / "lib" / "blocks.gdl").write_text('block mlp(x) {\n  return Dense(4, activation="relu")(x)\n}\n')
    (src / "a.gdl").write_text(
        'use "lib/blocks.gdl"\n' + GOOD.replace('Dense(8, activation="relu")(x)', "mlp(x)")
    )
    out = tmp_path / "out"
    r = run_graphc("build", src, "-o", out, "--target", "keras")
    assert r.returncode == 0, r.stderr
    assert (out / "a_keras.py").exists() and not (out / "lib" / "blocks_keras.py").exists()
    assert "1 built, 0 up to date" in r.stderr
    r = run_graphc("build", src, "-o", out, "--target", "keras")
    assert "0 built, 1 up to date" in r.stderr
    # a change in a used file rebuilds its users
    (src / "lib" / "blocks.gdl").write_text('block mlp(x) {\n  return Dense(5, activation="relu")(x)\n}\n')
    before = (out / "a_keras.py").read_text()
    (src / "b.gdl").write_text(BAD)
    r = run_graphc("build", src, "-o", out, "--target", "keras")
    assert r.returncode == 1 and "nothing written" in r.stderr
    assert (out / "a_keras.py").read_text() == before
    (src / "b.gdl").unlink()
    r = run_graphc("build", src, "-o", out, "--target", "keras")
    assert r.returncode == 0 and "1 built" in r.stderr
    assert "Dense(5" in (out / "a_keras.py").read_text()


def test_python_api(tmp_path):
    text = graphc.compile_source(GOOD, "keras")
    assert "def build_model():" in text
    with pytest.raises(graphc.CompileError) as exc:
        graphc.compile_source(BAD, "keras")
    assert {d.code for d in exc.value.diagnostics} == {"unknown-argument", "undefined-name"}
    (tmp_path / "bad.gdl").write_text(BAD)
    diags = graphc.check_file(str(tmp_path / "bad.gdl"))
    assert all(isinstance(d, graphc.Diagnostic) for d in diags) and len(diags) == 2
    assert graphc.check_file(str(tmp_path / "nope.gdl"))[0].code == "io"


def test_checking_never_imports_a_framework(files):
    code = (
        "import sys, graphc.cli\n"
        f"graphc.cli.main(['check', {str(files / 'good.gdl')!r}])\n"
        f"graphc.cli.main(['summary', {str(files / 'good.gdl')!r}])\n"
        "bad = [m for m in ('tensorflow', 'torch', 'keras', 'jax', 'numpy') if m in sys.modules]\n"
        "print(bad)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip().splitlines()[-1] == "[]", r.stdout + r.stderr


def test_no_traceback_on_garbage(tmp_path):
    for i, text in enumerate(
        [
            "\x00\x01",
            "model {{{",
            "}" * 50,
            "model m { x = " + "(" * 300 + " }",
            "é = 3",
            "model m {\n  x = Input(shape=(3,))\n  output y = x[0]\n}\n",
        ]
    ):
        p = tmp_path / f"g{i}.gdl"
        p.write_text(text)
        r = run_graphc("check", p)
        assert r.returncode in (1, 2) and "Traceback" not in r.stderr, r.stderr
    p = tmp_path / "latin1.gdl"
    p.write_bytes(b"\xff\xfe model")
    r = run_graphc("check", p)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text()
    for cmd in ("make demo", "make test"):
        assert cmd in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    mk = (ROOT / "Makefile").read_text()
    assert "pytest" in mk


def test_readme_makefile_rule(tmp_path):
    """The README's Makefile rule, run by make."""
    import shutil

    if not shutil.which("make"):
        pytest.skip("make not installed")
    (tmp_path / "model.gdl").write_text(GOOD)
    bindir = Path(sys.executable).parent
    (tmp_path / "Makefile").write_text("%_keras.py: %.gdl\n\tgraphc $< --target keras -o $@\n")
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}")
    r = subprocess.run(["make", "model_keras.py"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "model_keras.py").exists()
    r = subprocess.run(["make", "model_keras.py"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "up to date" in r.stdout


def test_fmt_command(tmp_path):
    ugly = GOOD.replace("  h = Dense(8", "      h   =   Dense( 8")
    (tmp_path / "u.gdl").write_text(ugly)
    r = run_graphc("fmt", "--check", tmp_path / "u.gdl")
    assert r.returncode == 1 and "would reformat" in r.stderr
    assert (tmp_path / "u.gdl").read_text() == ugly
    r = run_graphc("fmt", tmp_path / "u.gdl")
    assert r.returncode == 0 and (tmp_path / "u.gdl").read_text() == GOOD
    assert run_graphc("fmt", "--check", tmp_path / "u.gdl").returncode == 0
    (tmp_path / "s.gdl").write_text("model m {\n")
    r = run_graphc("fmt", tmp_path / "s.gdl")
    assert r.returncode == 1 and "[syntax]" in r.stderr and (tmp_path / "s.gdl").read_text() == "model m {\n"


def test_graph_command(tmp_path):
    (tmp_path / "m.gdl").write_text(GOOD)
    r = run_graphc("graph", tmp_path / "m.gdl", "-o", tmp_path / "m.dot")
    assert r.returncode == 0, r.stderr
    dot = (tmp_path / "m.dot").read_text()
    assert dot.startswith("digraph") and "binary_crossentropy" in dot
    r = run_graphc("graph", tmp_path / "m.gdl", "-o", tmp_path / "m.svg")
    assert r.returncode == 0
    assert (tmp_path / "m.svg").exists() or ((tmp_path / "m.dot").exists() and "Graphviz" in r.stderr)


def test_model_without_compile_warns(tmp_path):
    (tmp_path / "e.gdl").write_text("model enc {\n  x = Input(shape=(4,))\n  output y = Dense(2)(x)\n}\n")
    r = run_graphc(tmp_path / "e.gdl", "--target", "keras")
    assert r.returncode == 0 and "warning: model `enc` has no compile(...)" in r.stderr
    assert "LOSSES = {}" in (tmp_path / "e_keras.py").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("target", ["keras", "torch"])
def test_trainer_of_a_model_without_compile_says_so(tmp_path, target):
    (tmp_path / "e.gdl").write_text("model enc {\n  x = Input(shape=(4,))\n  output y = Dense(2)(x)\n}\n")
    assert run_graphc(tmp_path / "e.gdl", "--target", target).returncode == 0
    r = subprocess.run(
        [sys.executable, str(tmp_path / f"e_{target}.py"), "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2, r.stderr[-2000:]
    last = r.stderr.strip().splitlines()[-1]
    assert "nothing to train" in last and "Traceback" not in r.stderr, r.stderr[-2000:]


def test_an_internal_error_is_one_line_and_exit_3(monkeypatch, capsys, tmp_path):
    """A bug in graphc (any exception escaping a command) is reported in one line, never
    as a traceback."""
    import graphc.cli as cli

    def broken(args):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "cmd_check", broken)
    src = tmp_path / "m.gdl"
    src.write_text("model m {\n  x = Input(shape=(2,))\n  output y = Dense(1)(x)\n}\n")
    assert cli.main(["check", str(src)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (KeyError" in err and "Traceback" not in err


def test_root_widens_what_use_may_read(tmp_path, capsys):
    """`use "../lib.gdl"` is outside the default root (the file's directory) and
    inside `--root`; the error names the option that widens it."""
    import graphc.cli as cli

    (tmp_path / "sub").mkdir()
    (tmp_path / "lib.gdl").write_text("block b(x) { return Dense(2)(x) }\n")
    src = tmp_path / "sub" / "m.gdl"
    src.write_text('use "../lib.gdl"\nmodel m {\n  x = Input(shape=(3,))\n  output y = b(x)\n}\n')
    assert cli.main(["check", str(src)]) == 1
    err = capsys.readouterr().err
    assert "[use-outside]" in err and "[undefined-name]" not in err  # one mistake, one diagnostic
    assert cli.main(["check", "--root", str(tmp_path), str(src)]) == 0
    assert cli.main(["summary", "--root", str(tmp_path), str(src)]) == 0
    assert "(None, 2)" in capsys.readouterr().out
