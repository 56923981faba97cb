"""What a new user (or a hostile file) hits at the edges of the command line:
unreadable inputs, impossible outputs, file permissions, byte-order marks and
the summary line of `graphc check`.  Every user error is one `FILE: error: ...`
line and exit status 2, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from helpers import run_graphc

from graphc.api import compile_source, fmt_files, write_atomic
from graphc.compiler.lower import compile_program

GOOD = """model m {
  x = Input(shape=(4,))
  h = Dense(8, activation="relu")(x)
  output y = Dense(1, activation="sigmoid")(h)
  compile(optimizer="adam", loss="binary_crossentropy")
}
"""
BOM = "\ufeff"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args, cwd, umask=None):
    """`graphc ARGS` in this process (a traceback fails the test by itself)."""
    from graphc.cli import main

    old_cwd, old_mask = os.getcwd(), os.umask(umask) if umask is not None else None
    out, err = io.StringIO(), io.StringIO()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main([str(a) for a in args])
            except SystemExit as exc:  # argparse
                status = exc.code
    finally:
        os.chdir(old_cwd)
        if old_mask is not None:
            os.umask(old_mask)
    return Result(status, out.getvalue(), err.getvalue())


def _one_error_line(r, path) -> str:
    """The run failed with exit status 2 and one `PATH: error: ...` line first."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{path}: error: "), r.stderr
    return first


# ------------------------------------------------------------------ unreadable inputs
def _bad_inputs(tmp_path) -> dict:
    (tmp_path / "dir.gdl").mkdir()
    (tmp_path / "latin1.gdl").write_bytes("model m { x = Input(shape=(3,)) } # caf\xe9\n".encode("latin-1"))
    (tmp_path / "utf16.gdl").write_bytes(GOOD.encode("utf-16"))
    (tmp_path / "afile").write_text("x")
    os.mkfifo(tmp_path / "fifo.gdl")  # reading it would block forever
    return {
        "fifo": ("fifo.gdl", "cannot read: not a regular file"),
        "missing": ("missing.gdl", "cannot read: no such file"),
        "directory": ("dir.gdl", "cannot read: is a directory"),
        "not utf-8": ("latin1.gdl", "cannot read: not UTF-8 text (byte 0xe9 on line 1)"),
        "utf-16": ("utf16.gdl", "cannot read: the file is UTF-16; save it as UTF-8"),
        "under a file": ("afile/x.gdl", "cannot read: not a directory"),
    }


COMMANDS = {
    "compile": lambda f: [f, "--target", "keras"],
    "compile both": lambda f: [f, "--target", "both", "-o", "out/"],
    "compile --check": lambda f: [f, "--check"],
    "summary": lambda f: ["summary", f],
    "graph": lambda f: ["graph", f, "-o", "g.dot"],
    "check": lambda f: ["check", f],
    "fmt": lambda f: ["fmt", f],
    "fmt --check": lambda f: ["fmt", "--check", f],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_unreadable_input_is_one_line_and_exit_2(tmp_path, command):
    for name, (path, message) in _bad_inputs(tmp_path).items():
        r = run(*COMMANDS[command](path), cwd=tmp_path)
        first = _one_error_line(r, path)
        assert message in first, (name, first)
        if command != "check":  # check adds its summary line
            assert len(r.stderr.splitlines()) == 1, (name, r.stderr)
        assert not (tmp_path / "out").exists() and not (tmp_path / "g.dot").exists()


def test_the_installed_command_exits_2_without_a_traceback(tmp_path):
    for args in (["missing.gdl", "--target", "keras"], ["summary", "."], ["graph", "missing.gdl"]):
        r = run_graphc(*args, cwd=tmp_path)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.splitlines()) == 1, r.stderr


@pytest.mark.skipif(IS_ROOT or not hasattr(os, "geteuid"), reason="root reads any file")
def test_file_without_read_permission(tmp_path):
    p = tmp_path / "secret.gdl"
    p.write_text(GOOD)
    p.chmod(0)
    for args in (["check", p.name], [p.name, "--target", "keras"], ["summary", p.name], ["fmt", p.name]):
        first = _one_error_line(run(*args, cwd=tmp_path), p.name)
        assert "permission denied" in first


def test_check_json_and_github_report_an_unreadable_file_without_a_position(tmp_path):
    r = run("check", "--format", "json", "missing.gdl", cwd=tmp_path)
    assert r.returncode == 2
    (d,) = json.loads(r.stdout)
    assert (d["file"], d["line"], d["code"], d["severity"]) == ("missing.gdl", 0, "io", "error")
    r = run("check", "--format", "github", "missing.gdl", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == "::error file=missing.gdl,title=graphc [io]::cannot read: no such file\n"


def test_github_annotation_escapes_its_properties(tmp_path):
    (tmp_path / "a,b:c.gdl").write_text("model m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(z)\n}\n")
    r = run("check", "--format", "github", "a,b:c.gdl", cwd=tmp_path)
    assert r.stdout.startswith("::error file=a%2Cb%3Ac.gdl,line=3,col=23,"), r.stdout


def test_a_trailing_slash_names_a_directory_for_one_target_too(tmp_path):
    """`-o gen/` with --target keras wrote a file called `gen`; it is a directory, as with --target both."""
    (tmp_path / "m.gdl").write_text(GOOD)
    for target in ("keras", "torch"):
        r = run("m.gdl", "--target", target, "-o", "gen/", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "gen" / f"m_{target}.py").is_file()


# ------------------------------------------------------------------ impossible outputs
def test_outputs_that_cannot_be_written(tmp_path):
    (tmp_path / "m.gdl").write_text(GOOD)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    cases = [
        (["m.gdl", "-o", "adir"], "adir", "is a directory"),
        (["m.gdl", "--check", "-o", "adir"], "adir", "is a directory"),
        (["m.gdl", "-o", "afile/m.py"], "afile/m.py", "is not a directory"),
        (["m.gdl", "--target", "both", "-o", "afile/"], "afile/m_keras.py", "is not a directory"),
        (["m.gdl", "-o", "m.gdl"], "m.gdl", "would overwrite the source file"),
        (["graph", "m.gdl", "-o", "afile/g.dot"], "afile/g.dot", "not a directory"),
        (["graph", "m.gdl", "-o", "g.bmp"], "g.bmp", "use a .svg, .png, .pdf or .dot file name"),
        (["build", "missing", "-o", "out"], "missing", "no such directory"),
        (["build", "m.gdl", "-o", "out"], "m.gdl", "not a directory"),
        (["build", ".", "-o", "afile"], "afile", "not a directory"),
    ]
    for args, where, message in cases:
        r = run(*args, cwd=tmp_path)
        first = _one_error_line(r, where)
        assert message in first, (args, first)
        assert len(r.stderr.splitlines()) == 1, (args, r.stderr)
    assert (tmp_path / "m.gdl").read_text() == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "afile", "m.gdl"]
    assert list((tmp_path / "adir").iterdir()) == []


def test_missing_output_directories_are_created(tmp_path):
    (tmp_path / "m.gdl").write_text(GOOD)
    r = run("m.gdl", "-o", "a/b/m_keras.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a" / "b" / "m_keras.py").is_file()


def test_build_reports_an_unreadable_file_and_writes_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.gdl").write_text(GOOD)
    (src / "bad.gdl").write_bytes(b"model \xff\n")
    r = run("build", "src", "-o", "out", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "src/bad.gdl: error: cannot read: not UTF-8 text" in r.stderr
    assert not (tmp_path / "out").exists()


def test_build_ignores_a_manifest_it_did_not_write(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.gdl").write_text(GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".graphc-build.json").write_text("[1, 2]")
    r = run("build", "src", "-o", "out", "--target", "keras", cwd=tmp_path)
    assert r.returncode == 0 and "1 built" in r.stderr, r.stderr


def test_build_reports_a_layer_without_a_pytorch_spelling(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.gdl").write_text(
        "model m {\n  x = Input(shape=(4,))\n"
        '  output y = Dense(3, dtype="float16")(x)\n'
        '  compile(optimizer="adam", loss="mse")\n}\n'
    )
    r = run("build", "src", "-o", "out", "--target", "torch", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "[unsupported]" in r.stderr and "nothing written" in r.stderr


# ------------------------------------------------------------------ file modes
def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_outputs_follow_the_umask(tmp_path, umask):
    want = 0o666 & ~umask
    (tmp_path / "m.gdl").write_text(GOOD)
    assert run("m.gdl", "--target", "both", "-o", "gen/", cwd=tmp_path, umask=umask).returncode == 0
    assert _mode(tmp_path / "gen" / "m_keras.py") == want
    assert _mode(tmp_path / "gen" / "m_torch.py") == want
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.gdl").write_text(GOOD)
    assert run("build", "src", "-o", "out", cwd=tmp_path, umask=umask).returncode == 0
    for p in ("m_keras.py", "m_torch.py", ".graphc-build.json"):
        assert _mode(tmp_path / "out" / p) == want, p
    assert not [p for p in tmp_path.rglob(".graphc-*.tmp")]


def test_rewritten_files_keep_their_mode(tmp_path):
    (tmp_path / "m.gdl").write_text(GOOD)
    out = tmp_path / "m_keras.py"
    out.write_text("old")
    out.chmod(0o640)
    assert run("m.gdl", cwd=tmp_path, umask=0o077).returncode == 0
    assert _mode(out) == 0o640 and "def build_model" in out.read_text()
    ugly = tmp_path / "u.gdl"
    ugly.write_text(GOOD.replace("  h = Dense(8", "      h   =   Dense( 8"))
    ugly.chmod(0o664)
    assert run("fmt", "u.gdl", cwd=tmp_path, umask=0o077).returncode == 0
    assert ugly.read_text() == GOOD and _mode(ugly) == 0o664
    ugly.write_text(GOOD.replace("  h = Dense(8", "      h   =   Dense( 8"))
    ugly.chmod(0o755)
    assert run("fmt", "u.gdl", cwd=tmp_path).returncode == 0
    assert _mode(ugly) == 0o755


def test_a_symlinked_output_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "m_keras.py"
    target.write_text("old")
    link = tmp_path / "m_keras.py"
    link.symlink_to(target)
    (tmp_path / "m.gdl").write_text(GOOD)
    assert run("m.gdl", cwd=tmp_path).returncode == 0
    assert link.is_symlink() and "def build_model" in target.read_text()


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    p = tmp_path / "out.py"
    p.write_text("old")

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    from graphc.api import OutputError

    with pytest.raises(OutputError, match="no space left on device"):
        write_atomic(str(p), "new")
    assert p.read_text() == "old"
    assert [q.name for q in tmp_path.iterdir()] == ["out.py"]


# ------------------------------------------------------------------ byte-order marks
def test_a_utf8_byte_order_mark_is_accepted_everywhere(tmp_path):
    (tmp_path / "bom.gdl").write_text(BOM + GOOD, encoding="utf-8")
    r = run("check", "bom.gdl", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run("bom.gdl", "--target", "both", "-o", "gen/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "gen" / "bom_keras.py").read_text().startswith(BOM)
    assert run("summary", "bom.gdl", cwd=tmp_path).returncode == 0
    assert run("graph", "bom.gdl", "-o", "g.dot", cwd=tmp_path).returncode == 0
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bom.gdl").write_text(BOM + GOOD, encoding="utf-8")
    assert run("build", "src", "-o", "out", cwd=tmp_path).returncode == 0
    assert compile_source(BOM + GOOD, "keras") == compile_source(GOOD, "keras")


def test_positions_in_a_file_with_a_bom_are_the_editors(tmp_path):
    """The mark is not a column: line 1 is counted from the first visible character."""
    (tmp_path / "bom.gdl").write_text(BOM + "k = zz\n", encoding="utf-8")
    r = run("check", "bom.gdl", cwd=tmp_path)
    assert r.stderr.startswith("bom.gdl:1:5: error: `zz` is not defined"), r.stderr


def test_fmt_keeps_a_bom(tmp_path):
    """fmt changes the layout, never the encoding (as black and ruff format do)."""
    p = tmp_path / "u.gdl"
    p.write_text(BOM + GOOD.replace("  h = Dense(8", "      h   =   Dense( 8"), encoding="utf-8")
    assert fmt_files([str(p)]) == 0
    assert p.read_text(encoding="utf-8") == BOM + GOOD
    assert fmt_files([str(p)], check=True) == 0  # canonical with its mark


def test_a_used_file_with_a_bom(tmp_path):
    (tmp_path / "lib.gdl").write_text(BOM + "width = 4\n", encoding="utf-8")
    (tmp_path / "m.gdl").write_text('use "lib.gdl"\n' + GOOD.replace("Dense(8", "Dense(width"))
    program = compile_program(str(tmp_path / "m.gdl"))
    assert not program.diagnostics, [d.header() for d in program.diagnostics]


# ------------------------------------------------------------------ check's summary
def test_check_prints_a_one_line_summary(tmp_path):
    (tmp_path / "a.gdl").write_text(GOOD)
    (tmp_path / "w.gdl").write_text(
        GOOD.replace('Dense(1, activation="sigmoid")', 'Dense(1, activation="softmax")').replace(
            "binary_crossentropy", "mse"
        )
    )
    (tmp_path / "e.gdl").write_text("model m {\n  x = Input(shape=(3,))\n  output y = Dense(1)(z)\n}\n")
    r = run("check", "a.gdl", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "1 file checked: no errors, no warnings\n")
    r = run("check", "a.gdl", "w.gdl", "a.gdl", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr.splitlines()[-1] == "3 files checked: no errors, 1 warning"
    r = run("check", "a.gdl", "e.gdl", "w.gdl", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.splitlines()[-1] == "3 files checked: 1 error, 1 warning"
    for quiet in ("-q", "--quiet"):
        r = run("check", quiet, "a.gdl", cwd=tmp_path)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
        r = run("check", quiet, "e.gdl", cwd=tmp_path)
        assert r.returncode == 1 and "checked" not in r.stderr and "[undefined-name]" in r.stderr
    r = run("check", "--format", "json", "a.gdl", "w.gdl", cwd=tmp_path)
    assert r.stderr == "" and [d["code"] for d in json.loads(r.stdout)] == ["degenerate"]
    r = run("check", "--format", "github", "a.gdl", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_the_api_reads_what_the_cli_reads(tmp_path):
    import graphc

    (tmp_path / "bom.gdl").write_text(BOM + GOOD, encoding="utf-8")
    assert graphc.check_file(str(tmp_path / "bom.gdl")) == []
    (d,) = graphc.check_file(str(tmp_path))
    assert (d.code, d.span.line, d.message) == ("io", 0, "cannot read: is a directory, not a GDL file")
    assert d.header() == f"{tmp_path}: error: cannot read: is a directory, not a GDL file [io]"
    assert Path(tmp_path / "bom.gdl").read_bytes().startswith(b"\xef\xbb\xbf")
