"""Benchmark: graphc_runtime.torch.optim (Keras-exact) against torch.optim
(foreach=True) on graphc's PyTorch ResNet50.

    python bench/bench_optimizer.py [--threads N] [--repeats R] [--train-repeats R] [--only adam,sgd]

Compiles bench/resnet50_64.gdl (keras.applications' ResNet50, 64x64x3 input,
10 classes: 23.6M trainable parameters in 214 tensors) with `graphc --target
torch`, then times, for each optimizer pair,
  (a) `optimizer.step()` alone, on fixed random gradients, and
  (b) a whole train step: batch 8, forward, loss, zero_grad, backward, step
      (one model instance per optimizer),
with both optimizers interleaved in a random order in every round, after
warm-up rounds, under `torch.set_num_threads(N)`.  Prints medians of the wall
time and of the process's CPU time (less disturbed by other processes on a
shared machine) and the ratios ours / torch.optim.  The train step's loss is the same for both
(cross-entropy of the model's logits), so that only the optimizer differs.
--json PATH also writes the figures as JSON (bench/run_all.py reads them).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "runtime"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from graphc_runtime.torch import optim  # noqa: E402

PAIRS = {
    "adam": (
        "Adam",
        lambda p: optim.Adam(p),
        lambda p: torch.optim.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-7, foreach=True),
    ),
    "sgd": (
        "SGD(momentum=0.9)",
        lambda p: optim.SGD(p, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, foreach=True),
    ),
    "rmsprop": (
        "RMSprop",
        lambda p: optim.RMSprop(p),
        lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7, foreach=True),
    ),
    "adamw": (
        "AdamW",
        lambda p: optim.AdamW(p),
        lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.004, eps=1e-7, foreach=True),
    ),
}


def compile_module(tmp: Path):
    out = tmp / "resnet50_64_torch.py"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "graphc", str(HERE / "resnet50_64.gdl"), "--target", "torch", "-o", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"graphc failed: {r.stderr[-2000:]}")
    spec = importlib.util.spec_from_file_location("resnet50_64_torch", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trainable(model):
    return [p for p in model.parameters() if p.requires_grad]


def interleaved(fns: dict, repeats: int, warmup: int) -> dict:
    """{name: (wall times, cpu times)} of fns called in a random order each round."""
    times = {name: ([], []) for name in fns}
    for r in range(warmup + repeats):
        names = list(fns)
        random.shuffle(names)
        for name in names:
            w0, c0 = time.perf_counter(), time.process_time()
            fns[name]()
            w1, c1 = time.perf_counter(), time.process_time()
            if r >= warmup:
                times[name][0].append(w1 - w0)
                times[name][1].append(c1 - c0)
    return times


def step_alone(module, make):
    torch.manual_seed(0)
    params = trainable(module.build_model())
    for p in params:
        p.grad = torch.randn_like(p) * 1e-3
    return make(params).step


def train_step(module, make, batch):
    torch.manual_seed(0)
    model = module.build_model()
    model.train()
    opt = make(trainable(model))
    inputs, y = batch

    def step():
        loss = F.cross_entropy(model(*inputs, logits=True), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def synthetic_batch(module, size: int):
    """Random inputs in the module's layout (CHANNELS_FIRST inputs NCHW) and class ids."""
    g = torch.Generator().manual_seed(0)
    inputs = []
    for name, (shape, _dtype, _high) in module.INPUT_SPECS.items():
        x = torch.rand((size, *shape), generator=g)
        if name in getattr(module, "CHANNELS_FIRST", ()):
            x = x.movedim(-1, 1).contiguous()
        inputs.append(x)
    (_shape, kind, classes), *_ = module.OUTPUT_SPECS.values()
    assert kind == "sparse", kind
    return inputs, torch.randint(0, classes, (size,), generator=g)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads (default: all cores)"
    )
    ap.add_argument("--repeats", type=int, default=15, help="timed rounds of step() alone")
    ap.add_argument("--train-repeats", type=int, default=8, help="timed rounds of the train step")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--only", default=",".join(PAIRS), help="comma-separated subset of " + ",".join(PAIRS))
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    random.seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        module = compile_module(Path(tmp))
    params = trainable(module.build_model())
    batch = synthetic_batch(module, 8)
    print(
        f"# {cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads; ResNet50 64x64x3, 10 classes: "
        f"{sum(p.numel() for p in params) / 1e6:.1f}M parameters in {len(params)} tensors; "
        f"medians of {args.repeats} (step) and {args.train_repeats} (train step) interleaved rounds"
    )
    print()
    print(
        "| optimizer | step: ours ms | torch.optim ms | ratio wall | ratio cpu | train step: ours ms | torch.optim ms | ratio wall | ratio cpu |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    report = {
        "machine": f"{cpu_name()}, {os.cpu_count()} cores",
        "threads": torch.get_num_threads(),
        "rows": {},
    }
    for key in args.only.split(","):
        label, ours, theirs = PAIRS[key]
        makers = {"ours": ours, "torch": theirs}
        results = {}
        for what, repeats, build in [
            ("step", args.repeats, lambda make: step_alone(module, make)),
            ("train", args.train_repeats, lambda make: train_step(module, make, batch)),
        ]:
            fns = {name: build(make) for name, make in makers.items()}
            times = interleaved(fns, repeats, args.warmup)
            results[what] = {
                name: (statistics.median(w), statistics.median(c)) for name, (w, c) in times.items()
            }
            del fns
        report["rows"][key] = {
            "label": label,
            **{
                f"{what}_{i}": results[what]["ours"][j] / results[what]["torch"][j]
                for what in ("step", "train")
                for j, i in ((0, "wall"), (1, "cpu"))
            },
            **{f"{what}_ms": results[what]["ours"][0] * 1e3 for what in ("step", "train")},
            **{f"{what}_torch_ms": results[what]["torch"][0] * 1e3 for what in ("step", "train")},
        }
        for name in [n for n in makers if n != "torch"]:
            row = [label]
            for what in ("step", "train"):
                mine, ref = results[what][name], results[what]["torch"]
                row += [
                    f"{mine[0] * 1e3:.0f}",
                    f"{ref[0] * 1e3:.0f}",
                    f"{mine[0] / ref[0]:.2f}",
                    f"{mine[1] / ref[1]:.2f}",
                ]
            print("| " + " | ".join(row) + " |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
