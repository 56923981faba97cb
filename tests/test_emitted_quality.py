"""Emitted code as a person would write it (issue 13, "Done when"), on every
example program (examples/, examples/digits/) and every keras.applications
model of graphc's standard library, for both targets:

- the block rule: every GDL block the program runs that builds layers is ONE
  function (Keras) / ONE nn.Module class (PyTorch), whatever the number of its
  calls; a block that only computes numbers is at most one plain function;
  every top-level function or class of a module is a block, a model, or a name
  of the module contract (runtime/PROTOCOL.md), so no copy hides under another
  name.  What is expected is read from the GDL source (its AST: the blocks,
  their calls, whether they apply layers), not from the emitted text or the IR.
- nothing unused: ruff with the unused-code rules (unused imports F401,
  variables F841, redefinitions F811, unused arguments ARG) and the project's
  own rule set (pyproject.toml) reports nothing, `ruff format --check` passes,
  and no top-level function or class is defined without being used (ruff does
  not see those: checked on the module's Python AST).

No framework is imported (fast tier); each program is compiled once and ruff
runs once over a directory of all the modules.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphc.api import emit
from graphc.compiler import syntax as S
from graphc.compiler.interpreter import compile_program
from graphc.compiler.parse import parse
from graphc.stdlib import APPLICATIONS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.gdl")) + sorted((ROOT / "examples").glob("*/*.gdl"))
APPS = sorted(APPLICATIONS)
TARGETS = ("keras", "torch")
# the module contract's top-level functions (runtime/PROTOCOL.md); the PyTorch
# module also has load_keras_weights and count_params
CONTRACT = {
    "build_model",
    "make_optimizer",
    "make_callbacks",
    "train",
    "main",
    "load_keras_weights",
    "count_params",
}
# called by graphc_runtime or the user, not by the module itself
ENTRY_POINTS = CONTRACT
# unused code (pyflakes F401/F811/F841 are in F; ARG001-005), on top of the project's rules
UNUSED_RULES = "F,ARG"


def app_source(app: str) -> str:
    return (
        "model m {\n  x = Input(shape=(96, 96, 3))\n"
        f"  output y = {app}(weights=None, input_shape=(96, 96, 3), classes=5)(x)\n"
        '  compile(optimizer="adam", loss="categorical_crossentropy")\n}\n'
    )


# --------------------------------------------------------- expectation (GDL source)
def _children(node):
    if isinstance(node, S.Node):
        for f in type(node).__dataclass_fields__:
            if f != "span":
                yield getattr(node, f)
    elif isinstance(node, (list, tuple)):
        yield from node


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, S.Node):
            yield n
        if isinstance(n, (S.Node, list, tuple)):
            stack.extend(_children(n))


def _callee(call: S.Call) -> str | None:
    return call.func.id if isinstance(call.func, S.Name) else None


def source_defs(text: str, path: str, seen: dict | None = None) -> dict:
    """{name: Def} of the file and the files it `use`s (parsed, not evaluated)."""
    defs = {} if seen is None else seen
    module = parse(text, path)
    for item in module.items:
        if isinstance(item, S.Use):
            used = (Path(path).parent / item.path).resolve()
            source_defs(used.read_text(encoding="utf-8"), str(used), defs)
    for item in module.items:
        if isinstance(item, S.Def):
            defs[item.name.id] = item
    return defs


def expected_blocks(text: str, path: str, roots: list) -> tuple[set, set, set]:
    """(layer blocks, value blocks, models) that the models `roots` can reach, read from
    the source: calls of a name are followed into the block or model of that name
    (standard-library models by their file), and a block builds layers when its
    body applies a layer (`Layer(...)(x)`, or a layer bound to a name: `f(x)` where
    `f = Layer(...)`) or calls a block that does."""
    defs = source_defs(text, path)
    reach, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in reach:
            continue
        if name not in defs and name in APPLICATIONS:
            app = APPLICATIONS[name]
            source_defs(Path(app).read_text(encoding="utf-8"), app, defs)
        if name not in defs:
            continue
        reach.add(name)
        todo.extend(c for c in map(_callee, _calls(defs[name])) if c is not None)
    blocks = {n for n in reach if defs[n].kind == "block"}
    layered = {n for n in blocks if _applies_layer(defs[n])}
    changed = True
    while changed:
        changed = False
        for n in blocks - layered:
            if any(_callee(c) in layered for c in _calls(defs[n])):
                layered.add(n)
                changed = True
    return layered, blocks - layered, reach - blocks


def _calls(d: S.Def) -> list:
    return [n for n in _walk(d.body) if isinstance(n, S.Call)] + [
        n for p in d.params if p.default is not None for n in _walk(p.default) if isinstance(n, S.Call)
    ]


def _applies_layer(d: S.Def) -> bool:
    layer_names = set()  # names bound to a constructed layer: `f = Dense(3)`, `share f = ...`
    for n in _walk(d.body):
        if isinstance(n, (S.Assign, S.Share)) and isinstance(n.value, S.Call):
            f = _callee(n.value)
            if f is not None and f[:1].isupper():
                targets = n.targets if isinstance(n, S.Assign) else [n.target]
                layer_names.update(t.id for t in targets)
    for n in _walk(d.body):
        if isinstance(n, S.Call):
            if isinstance(n.func, S.Call) and (_callee(n.func) or "")[:1].isupper():
                return True
            if _callee(n) in layer_names:
                return True
    return False


def norm(name: str) -> str:
    """A name as both targets may spell it: `residual_block_v1`, `ResidualBlockV1`."""
    return name.replace("_", "").lower()


# ------------------------------------------------------------------- fixtures
def _programs() -> dict:
    out = {}
    for ex in EXAMPLES:
        out[str(ex.relative_to(ROOT))] = (str(ex), ex.read_text(encoding="utf-8"))
    for app in APPS:
        out[app] = (f"{app}.gdl", app_source(app))
    return out


PROGRAMS = _programs()


@pytest.fixture(scope="module")
def emitted(tmp_path_factory):
    """{(program, target): (path of the module, its text)}, plus the expectations."""
    out_dir = tmp_path_factory.mktemp("emitted")
    modules, expect = {}, {}
    for key, (path, text) in PROGRAMS.items():
        program = compile_program(path, text)
        assert not program.errors, [d.header() for d in program.errors]
        entry = program.entry()
        models = [n for n, d in source_defs(text, path).items() if d.kind == "model"]
        expect[key] = expected_blocks(text, path, models)
        stem = re.sub(r"\W", "_", key.removesuffix(".gdl"))
        for target in TARGETS:
            code = emit(program, entry, target, Path(path).name)
            file = out_dir / f"{stem}_{target}.py"
            file.write_text(code, encoding="utf-8")
            modules[(key, target)] = (file, code)
    return out_dir, modules, expect


def _top_level(code: str) -> list:
    tree = ast.parse(code)
    return [(type(n).__name__, n.name) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


# ---------------------------------------------------------------------- tests
def test_expectation_reads_the_source():
    """The source reading sees ResNet50's blocks and tells layers from numbers."""
    text = app_source("ResNet50")
    layered, values, models = expected_blocks(text, "ResNet50.gdl", ["m"])
    assert layered == {"residual_block_v1", "stack_residual_blocks_v1", "resnet_v1"}
    assert models == {"m", "ResNet50"}
    text = app_source("EfficientNetB0")
    layered, values, _ = expected_blocks(text, "EfficientNetB0.gdl", ["m"])
    assert layered == {"mbconv", "efficientnet"}
    assert {"round_filters", "round_repeats", "correct_pad", "halve"} <= values


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("key", sorted(PROGRAMS))
def test_one_function_or_class_per_block(emitted, key, target):
    _, modules, expect = emitted
    layered, values, models = expect[key]
    defs = _top_level(modules[(key, target)][1])
    by_name: dict = {}
    for kind, name in defs:
        by_name.setdefault(norm(name), []).append((kind, name))
    for block in sorted(layered):
        found = by_name.get(norm(block), [])
        kind = "FunctionDef" if target == "keras" else "ClassDef"
        assert [k for k, _ in found] == [kind], f"{key} ({target}): block {block} became {found}"
    for block in sorted(values):
        found = by_name.get(norm(block), [])
        assert [k for k, _ in found] in ([], ["FunctionDef"]), (
            f"{key} ({target}): block {block} became {found}"
        )
    known = {norm(n) for n in layered | values | models | CONTRACT}
    strays = [name for _, name in defs if norm(name) not in known]
    assert not strays, f"{key} ({target}): top-level definitions that are no block or model: {strays}"


def test_nothing_unused_and_formatted(emitted):
    out_dir, modules, _ = emitted
    ruff = [sys.executable, "-m", "ruff"]
    # the project's configuration (E, F, W, I, B) plus the unused-code rules; emitted modules
    # are formatted with ruff format's defaults (88 columns), so the format check is --isolated
    r = subprocess.run(
        ruff
        + ["check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), "--extend-select", UNUSED_RULES]
        + [str(out_dir)],
        capture_output=True,
        text=True,
        cwd=out_dir,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-1000:]
    r = subprocess.run(
        ruff + ["format", "--isolated", "--check", str(out_dir)], capture_output=True, text=True, cwd=out_dir
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-1000:]
    assert f"{len(modules)} files already formatted" in r.stdout + r.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_no_unused_top_level_definition(emitted, target):
    _, modules, _ = emitted
    unused = []
    for (key, t), (_, code) in sorted(modules.items()):
        if t != target:
            continue
        tree = ast.parse(code)
        defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        unused += [f"{key}: {name}" for name in defined if name not in used and name not in ENTRY_POINTS]
    assert not unused, unused
