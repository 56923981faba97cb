"""`make bench`: the three speed ratios of issue 13, measured side by side in one run.

    python bench/run_all.py [--quick] [--threads N] [--only optimizer,forward,check]

Runs, each in its own process, with modest sizes (the whole run takes a few
minutes on 2 cores):

  optimizer  bench/bench_optimizer.py: graphc_runtime's Keras-exact optimizers
             (Adam, SGD with momentum, RMSprop, AdamW) against torch.optim's
             foreach implementations on graphc's PyTorch ResNet50 (64x64, batch 8):
             optimizer.step() alone, and a whole train step;
  forward    bench/bench_forward.py: the PyTorch module graphc emits for
             keras.applications' ResNet50 and MobileNetV2 (64x64, batch 8) against
             hand-written PyTorch equivalents (bench/handwritten.py): forward
             (eval, no_grad) and train step;
  check      bench/bench_check.py: a cold `graphc check` of InceptionV3 written in
             GDL against Keras importing itself and building
             keras.applications.InceptionV3 in a fresh process; and a 3,000-layer
             file against a 300-layer one.

then prints each benchmark's own table and a summary table of the ratios with
the machine they ran on.  Every ratio is a median of interleaved rounds (the two
sides in a random order in each round), in wall time and in CPU time; PyTorch
runs on --threads threads (default 1: on a shared machine more threads turn
other processes' load into noise; the ratios, not the absolute times, are the
figures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commands(args, out: Path) -> dict:
    py = sys.executable
    q = args.quick
    return {
        "optimizer": [
            py,
            str(HERE / "bench_optimizer.py"),
            "--threads",
            str(args.threads),
            "--only",
            "adam,sgd" if q else "adam,sgd,rmsprop,adamw",
            "--repeats",
            "3" if q else "7",
            "--train-repeats",
            "2" if q else "3",
            "--warmup",
            "1",
            "--json",
            str(out / "optimizer.json"),
        ],
        "forward": [
            py,
            str(HERE / "bench_forward.py"),
            "--threads",
            str(args.threads),
            "--model",
            "ResNet50" if q else "ResNet50,MobileNetV2",
            "--repeat",
            "3" if q else "5",
            "--warmup",
            "1",
            "--json",
            str(out / "forward.json"),
        ],
        "check": [
            py,
            str(HERE / "bench_check.py"),
            "--runs",
            "5" if q else "10",
            "--keras-runs",
            "1" if q else "3",
            "--json",
            str(out / "check.json"),
        ],
    }


def run(name: str, cmd: list, env: dict) -> float:
    print(f"\n## {name}: {' '.join(Path(c).name if c.endswith('.py') else c for c in cmd[1:])}\n", flush=True)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f"bench: {name} failed (exit {r.returncode})")
    return time.perf_counter() - t0


def summary(out: Path, seconds: dict, args) -> list:
    rows = []
    if (out / "optimizer.json").exists():
        opt = json.loads((out / "optimizer.json").read_text())
        for r in opt["rows"].values():
            rows.append(
                (
                    f"optimizer step, {r['label']} (ours / torch.optim foreach)",
                    r["step_wall"],
                    r["step_cpu"],
                    "at most 1.05",
                )
            )
        for r in opt["rows"].values():
            rows.append(
                (f"train step with {r['label']} (ours / torch.optim)", r["train_wall"], r["train_cpu"], "")
            )
    if (out / "forward.json").exists():
        fwd = json.loads((out / "forward.json").read_text())
        for name, r in fwd["rows"].items():
            shape = f"{r['size']}x{r['size']}, batch {r['batch']}"
            rows.append(
                (f"forward, {name} {shape} (emitted / hand-written)", r["forward_wall"], r["forward_cpu"], "")
            )
            rows.append((f"train step, {name} (emitted / hand-written)", r["train_wall"], r["train_cpu"], ""))
    if (out / "check.json").exists():
        chk = json.loads((out / "check.json").read_text())
        if "keras_over_check" in chk:
            k = chk["keras_over_check"]
            rows.append(
                ("Keras building InceptionV3 / cold `graphc check` of it", k["wall"], k["cpu"], "at least 40")
            )
        s = chk["scaling_3000_over_300"]
        rows.append(("`graphc check`: 3,000 layers / 300 layers", s["wall"], s["cpu"], "at most 10"))
        w, c = chk["wall_ms"], chk["cpu_ms"]
        rows.append(("cold `graphc check`, 300 layers (ms)", w["big300"], c["big300"], "about 100"))
    lines = [
        f"# {cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; "
        f"Python {platform.python_version()}; PyTorch on {args.threads} thread(s); "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
        "| ratio | wall (median) | CPU (median) | goal |",
        "|---|---|---|---|",
    ]
    for what, wall, cpu, goal in rows:
        fmt = (lambda x: f"{x:.0f}") if "(ms)" in what else (lambda x: f"{x:.2f}x")
        lines.append(f"| {what} | {fmt(wall)} | {fmt(cpu)} | {goal} |")
    lines.append("")
    lines.append("benchmark times: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()))
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds and models (about half the time)")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads for the PyTorch benchmarks")
    ap.add_argument("--only", default="optimizer,forward,check", help="comma-separated subset")
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    args = ap.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(ROOT), str(ROOT / "runtime"), env.get("PYTHONPATH")] if p
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    with tempfile.TemporaryDirectory(prefix="graphc-bench-") as tmp:
        out = Path(tmp)
        cmds = commands(args, out)
        unknown = [w for w in wanted if w not in cmds]
        if unknown:
            ap.error(f"unknown benchmark(s) {', '.join(unknown)}; have {', '.join(cmds)}")
        seconds = {name: run(name, cmds[name], env) for name in wanted}
        lines = summary(out, seconds, args)
        if args.json:
            figures = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}
            args.json.write_text(json.dumps(figures, indent=1))
    print("\n## summary\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
