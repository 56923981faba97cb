"""Benchmark: `graphc check` from a cold start, as a pre-commit hook runs it.

    python bench/bench_check.py [--runs N] [--keras-runs K] [--no-keras] [--instructions]

Honest by construction:
- graphc runs as pip installs it: a fresh virtualenv holds a copy of this
  checkout's package, compiled to bytecode as pip does at install time, and
  pip's `graphc` console script; the pre-commit hook runs exactly that script.
  (No editable-install import hook, no PYTHONPATH, bytecode writing allowed.)
- every figure is a new process; each is run once to warm the disk cache, then
  N times, the commands interleaved round by round so that a change of load on
  the machine hits them all; the table gives the median (and the best) wall time.
- Keras is timed the same way: `import keras; keras.applications.InceptionV3(weights=None)`
  in a new process of the interpreter running this script.
- --instructions also counts the CPU instructions of one cold run of each graphc
  command with `valgrind --tool=callgrind`: unlike wall times these repeat to
  within a fraction of a percent on a busy machine.

Prints Markdown tables; README "Speed" quotes them.  --json PATH also writes
the figures as JSON (bench/run_all.py reads them).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_big import generate  # noqa: E402

INCEPTION = (
    "model m {\n"
    "  image = Input(shape=(299, 299, 3))\n"
    "  output y = InceptionV3(weights=None, input_shape=(299, 299, 3))(image)\n"
    "}\n"
)
KERAS = "import keras; keras.applications.InceptionV3(weights=None)"

# pip's console script for `graphc = "graphc.cli:main"`
SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from graphc.cli import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""

# the in-process phases of one check (run in a new process of the installed python)
PHASES = r"""
import json, sys, time
clock = time.process_time  # CPU time: what the process did, not how long it waited for a CPU
t = [clock()]
import graphc.cli
t.append(clock())
import graphc.api
t.append(clock())
import graphc.compiler.parse as P
P._parser()
t.append(clock())
import graphc.compiler.interpreter
import graphc.compiler.modules as L  # where the evaluator calls the parser
t.append(clock())
spent = [0.0]
def timed_parse(text, path="<string>", _parse=L.parse):
    a = clock()
    try:
        return _parse(text, path)
    finally:
        spent[0] += clock() - a
L.parse = timed_parse
diags = graphc.api.check_file(sys.argv[1])
t.append(clock())
assert not any(d.is_error for d in diags), [d.header() for d in diags]
steps = [b - a for a, b in zip(t, t[1:])]
print(json.dumps(steps[:4] + [spent[0], steps[4] - spent[0]]))
"""
PHASE_NAMES = [
    "import graphc.cli",
    "import graphc.api, diagnostics, AST classes (graphc.records)",
    "import the parser, load its tables",
    "import the evaluator (interpreter, its rooms, ops, IR)",
    "parse (the file and the stdlib files it uses)",
    "evaluate: run the program, infer every shape, check losses",
]


def child_env() -> dict:
    drop = {"PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONNOUSERSITE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


CWD = None  # where the timed processes run (set by main)
DEPENDENCIES = ("lark", "jinja2", "markupsafe")  # graphc's (pure Python) and jinja2's


def install(dest: Path, tree: Path = ROOT) -> tuple[Path, Path]:
    """(python, graphc script) of a new virtualenv with the graphc of `tree` (this
    checkout by default) installed, and its dependencies copied from this interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True)
    python = dest / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    ).stdout.strip()
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(tree / "graphc", Path(site) / "graphc", ignore=ignore)
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            shutil.copytree(spec.submodule_search_locations[0], Path(site) / name, ignore=ignore)
    subprocess.run([python, "-m", "compileall", "-q", site], check=True, env=child_env())
    script = dest / "bin" / "graphc"
    script.write_text(SCRIPT.format(python=python))
    script.chmod(0o755)
    return python, script


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd, env) -> tuple[float, float]:
    """(wall time, CPU time) of one run of cmd in a new process."""
    c0, t0 = _children_cpu(), time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=CWD)
    elapsed, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return elapsed, cpu


def instructions(cmd, env) -> int | None:
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *map(str, cmd)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=CWD,
            check=True,
        )
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return None


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def ms(x: float) -> str:
    return f"{x * 1000:,.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15, help="cold runs of each graphc command")
    ap.add_argument("--keras-runs", type=int, default=3, help="cold runs of Keras building InceptionV3")
    ap.add_argument("--no-keras", action="store_true")
    ap.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument(
        "--tree", type=Path, default=ROOT, help="the checkout whose graphc to time (default: this one)"
    )
    args = ap.parse_args()

    global CWD
    with tempfile.TemporaryDirectory(prefix="graphc-bench-") as tmp:
        tmp = CWD = Path(tmp)  # children run there: `python -c` must not import a graphc/ in the cwd
        python, graphc = install(tmp / "venv", args.tree.resolve())
        env = child_env()
        files = {
            "big300": (tmp / "big300.gdl", generate(48)),
            "big3000": (tmp / "big3000.gdl", generate(480)),
            "inception": (tmp / "inception_v3.gdl", INCEPTION),
        }
        for path, text in files.values():
            path.write_text(text)
        examples = sorted(str(p) for p in (ROOT / "examples").glob("*.gdl"))  # the same files for any --tree
        cmds = {
            "python": [python, "-c", "pass"],
            "big300": [graphc, "check", files["big300"][0]],
            "big3000": [graphc, "check", files["big3000"][0]],
            "inception": [graphc, "check", files["inception"][0]],
            "example1": [graphc, "check", examples[0]],
            "examples": [graphc, "check", *examples],
        }
        keras_env = dict(env, TF_CPP_MIN_LOG_LEVEL="3")
        keras_cmd = [sys.executable, "-c", KERAS]

        for cmd in cmds.values():  # warm the disk cache; fail early
            run_once(cmd, env)
        times: dict[str, list] = {k: [] for k in cmds}
        keras_times: list = []
        for r in range(args.runs):
            for k, cmd in cmds.items():
                times[k].append(run_once(cmd, env))
            if not args.no_keras and r < args.keras_runs:
                keras_times.append(run_once(keras_cmd, keras_env))
        phases = [json.loads(_phase_run(python, files["inception"][0], env)) for _ in range(args.runs)]
        counts = {k: instructions(cmd, env) for k, cmd in cmds.items()} if args.instructions else {}

    def med(xs, i):  # median of the wall (i=0) or CPU (i=1) times
        return statistics.median(x[i] for x in xs)

    wall = {k: med(v, 0) for k, v in times.items()}
    cpu = {k: med(v, 1) for k, v in times.items()}
    best = {k: min(x[0] for x in v) for k, v in times.items()}
    print(f"graphc of {args.tree.resolve()} as installed by pip")
    print(
        f"{cpu_name()}, {os.cpu_count()} CPUs; Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"medians of {args.runs} cold runs each (Keras: {len(keras_times)}), interleaved\n")
    print("| what | wall (median) | wall (best) | CPU (median) |")
    print("|---|---|---|---|")
    rows = [
        ("python", "`python -c pass` (interpreter start, for reference)"),
        ("big300", "`graphc check` 300-layer file (299 layers, 306 lines)"),
        ("big3000", "`graphc check` 3,000-layer file (2,918 layers, 2,925 lines)"),
        ("inception", "`graphc check` InceptionV3 in GDL (`InceptionV3(weights=None)`, from the stdlib)"),
        ("example1", f"`graphc check` one example ({Path(examples[0]).name})"),
        ("examples", f"`graphc check` all {len(examples)} examples, one process"),
    ]
    for k, what in rows:
        print(f"| {what} | {ms(wall[k])} | {ms(best[k])} | {ms(cpu[k])} |")
    if keras_times:
        kw, kc = med(keras_times, 0), med(keras_times, 1)
        kb = min(x[0] for x in keras_times)
        print(
            f"| Keras: import, build `keras.applications.InceptionV3(weights=None)` | {ms(kw)} | {ms(kb)} | {ms(kc)} |"
        )
    print()
    if keras_times:
        print(
            f"- InceptionV3, Keras / `graphc check`: **{kw / wall['inception']:.0f}x** in wall time "
            f"({kc / cpu['inception']:.0f}x in CPU time; goal: at least 40x)"
        )
    print(
        f"- 10x the layers (3,000 vs 300): **{wall['big3000'] / wall['big300']:.1f}x** the wall time, "
        f"{cpu['big3000'] / cpu['big300']:.1f}x the CPU time (goal: at most 10x)"
    )
    per_file = (wall["examples"] - wall["example1"]) / (len(examples) - 1)
    print(f"- each file after the first in one `graphc check` process: {ms(per_file)} (the examples)")

    print("\nWhere a cold InceptionV3 check spends its CPU time (time.process_time, median of the runs):\n")
    print("| phase | CPU (median) |")
    print("|---|---|")
    print(f"| interpreter start (`python -c pass`) | {ms(cpu['python'])} |")
    for i, name in enumerate(PHASE_NAMES):
        print(f"| {name} | {ms(statistics.median(p[i] for p in phases))} |")

    if args.json:
        report = {
            "machine": f"{cpu_name()}, {os.cpu_count()} cores",
            "runs": args.runs,
            "wall_ms": {k: v * 1e3 for k, v in wall.items()},
            "cpu_ms": {k: v * 1e3 for k, v in cpu.items()},
        }
        if keras_times:
            report["keras_ms"] = {"wall": kw * 1e3, "cpu": kc * 1e3}
            report["keras_over_check"] = {"wall": kw / wall["inception"], "cpu": kc / cpu["inception"]}
        report["scaling_3000_over_300"] = {
            "wall": wall["big3000"] / wall["big300"],
            "cpu": cpu["big3000"] / cpu["big300"],
        }
        args.json.write_text(json.dumps(report, indent=1))

    if counts and all(v is not None for v in counts.values()):
        print("\nInstructions of one cold run (valgrind --tool=callgrind; repeatable):\n")
        print("| what | instructions |")
        print("|---|---|")
        for k, what in rows:
            print(f"| {what} | {counts[k] / 1e6:,.0f} M |")
        print(f"\n- 3,000 vs 300 layers: {counts['big3000'] / counts['big300']:.2f}x the instructions")


def _phase_run(python, path, env) -> str:
    r = subprocess.run([python, "-c", PHASES, str(path)], capture_output=True, text=True, env=env, cwd=CWD)
    if r.returncode != 0:
        raise SystemExit(f"phase run failed:\n{r.stderr[-3000:]}")
    return r.stdout


if __name__ == "__main__":
    main()
