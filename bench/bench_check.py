"""Benchmark: `graphc check` on a ~300-layer file, from a cold start (a new
process each run, as a pre-commit hook runs it), plus the in-process phases.

    python bench/bench_check.py [--runs N] [--keras]

--keras also times Keras building the same model (the emitted build_model()).
Prints a Markdown table; the README quotes its figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_big import generate  # noqa: E402

# A user's installed graphc has its bytecode compiled (pip does it at install
# time); make sure the child processes may write and use __pycache__.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold(cmd, runs):
    subprocess.run(cmd, capture_output=True, env=ENV)  # warm the bytecode cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - t0)
        if r.returncode not in (0,):
            raise SystemExit(f"{cmd} failed: {r.stderr[-2000:]}")
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keras", action="store_true")
    args = ap.parse_args()
    big = HERE / "big.gdl"
    big.write_text(generate())
    n_lines = len(big.read_text().splitlines())
    py = sys.executable
    rows = []
    med, best = cold([py, "-c", "pass"], args.runs)
    rows.append(("python -c pass (interpreter start)", med, best))
    med, best = cold([py, "-m", "graphc", "check", str(big)], args.runs)
    rows.append((f"graphc check big.gdl ({n_lines} lines)", med, best))

    # in-process phases
    t0 = time.perf_counter()
    from graphc.compiler import lower  # noqa: F401
    from graphc.compiler.parse import _parser, parse

    t1 = time.perf_counter()
    _parser()
    t2 = time.perf_counter()
    text = big.read_text()
    parse(text, str(big))
    t3 = time.perf_counter()
    program = lower.compile_program(str(big))
    t4 = time.perf_counter()
    graph = program.entry()
    rows.append(("  import graphc (in process)", t1 - t0, t1 - t0))
    rows.append(("  load the LALR tables (cached)", t2 - t1, t2 - t1))
    rows.append(("  parse", t3 - t2, t3 - t2))
    rows.append(("  parse + evaluate + infer shapes", t4 - t3, t4 - t3))
    n_layers = len(graph.layers)

    if args.keras:
        from graphc.api import emit

        src = emit(program, graph, "keras", "big.gdl")
        with tempfile.TemporaryDirectory() as d:
            mod = Path(d) / "big_keras.py"
            mod.write_text(src)
            code = (
                f"import time, importlib.util as u; t=time.perf_counter(); "
                f"s=u.spec_from_file_location('m', {str(mod)!r}); m=u.module_from_spec(s); "
                f"s.loader.exec_module(m); m.build_model(); print(time.perf_counter()-t)"
            )
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
            ts = []
            for _ in range(3):
                r = subprocess.run([py, "-c", code], capture_output=True, text=True, env=env)
                ts.append(float(r.stdout.strip().splitlines()[-1]))
            rows.append(("Keras: import + build the same model", statistics.median(ts), min(ts)))

    print(f"{n_layers} layers, {n_lines} lines, median/best of {args.runs} cold runs\n")
    print("| what | median | best |")
    print("|---|---|---|")
    for what, med, best in rows:
        print(f"| {what} | {med * 1000:.0f} ms | {best * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
