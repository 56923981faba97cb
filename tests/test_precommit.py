"""The real `pre-commit` tool runs graphc's hooks (from this repository's
committed HEAD) on a temporary git repository: a passing and a failing file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

GOOD = 'model m {\n  x = Input(shape=(4,))\n  output y = Dense(1)(x)\n  compile(optimizer="adam", loss="mse")\n}\n'
BAD = 'model m {\n  x = Input(shape=(4,))\n  output y = Dense(1, activaton="relu")(x)\n}\n'


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    try:
        rev = git("rev-parse", "HEAD", cwd=ROOT)
    except subprocess.CalledProcessError:
        pytest.skip("not a git checkout")
    d = tmp_path_factory.mktemp("user_repo")
    git("init", "-q", cwd=d)
    git("config", "user.email", "t@example.org", cwd=d)
    git("config", "user.name", "t", cwd=d)
    (d / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: graphc-check\n      - id: graphc-fmt\n"
    )
    return d


def precommit(repo, home):
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hooks_pass_then_fail(repo, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre_commit_home")
    (repo / "model.gdl").write_text(GOOD)
    git("add", ".", cwd=repo)
    r = precommit(repo, home)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "graphc check" in r.stdout and "Passed" in r.stdout
    (repo / "broken.gdl").write_text(BAD)
    git("add", ".", cwd=repo)
    r = precommit(repo, home)
    assert r.returncode != 0
    assert "broken.gdl:3:23: error: Dense has no argument `activaton` [unknown-argument]" in r.stdout
    # graphc-fmt rewrites a badly laid out file and fails the run, as formatters do
    (repo / "broken.gdl").unlink()
    (repo / "ugly.gdl").write_text(GOOD.replace("  output y", "      output   y"))
    git("add", "-A", cwd=repo)
    r = precommit(repo, home)
    assert r.returncode != 0 and "files were modified by this hook" in r.stdout
    assert (repo / "ugly.gdl").read_text() == GOOD
