"""Benchmark: graphc's emitted PyTorch model against a hand-written PyTorch equivalent.

    python bench/bench_forward.py [--model ResNet50,MobileNetV2] [--size 64] [--batch 8]
        [--threads N] [--repeat R] [--warmup W] [--channels-last] [--no-check]

For each model: compiles `model m { x = Input(shape=(S, S, 3)); output y =
<Model>(weights=None, input_shape=(S, S, 3), classes=C)(x) }` with graphc
--target torch, builds it and the hand-written equivalent of bench/handwritten.py,
copies the emitted model's weights into the hand-written one and checks that
both compute the same outputs (eval mode), then times, under
torch.set_num_threads(N), in rounds where the two run in a random order:

  forward     model.eval(), torch.no_grad(), one batch;
  train step  model.train(), forward, loss (the same negative log-likelihood
              of the softmax outputs for both), zero_grad, backward,
              torch.optim.SGD(lr=0.01).step() (the same optimizer for both,
              so that only the model differs).

Prints a Markdown table (medians of wall time and of the process's CPU time,
less disturbed by other processes on a shared machine) and one summary line per
model: `SUMMARY <model> forward <ratio> train <ratio>` (emitted / hand-written,
wall-time medians).  --json PATH also writes the figures as JSON (bench/run_all.py
reads them).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "runtime"), str(HERE)]

import handwritten  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

GDL = """model m {{
  x = Input(shape=({s}, {s}, 3))
  output y = {model}(weights=None, input_shape=({s}, {s}, 3), classes={classes})(x)
}}
"""


def emit_module(model: str, size: int, classes: int, tmp: Path):
    """Compile the application with graphc --target torch and import the module."""
    import graphc

    source = graphc.compile_source(
        GDL.format(s=size, model=model, classes=classes), "torch", path=f"{model}.gdl"
    )
    path = tmp / f"{model.lower()}_{size}_torch.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "?"


def interleaved(fns: dict, repeat: int, warmup: int) -> dict:
    """{name: (wall times, cpu times)} of fns called in a random order each round."""
    times = {name: ([], []) for name in fns}
    for r in range(warmup + repeat):
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


def forward_fn(model, x):
    model.eval()

    def run():
        with torch.no_grad():
            model(x)

    return run


def train_fn(model, x, y):
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01)

    def run():
        p = model(x)
        loss = F.nll_loss(torch.log(p.clamp_min(1e-7)), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return run


def check(emitted, hand, x) -> float:
    """Largest difference between the two models' eval outputs (same weights)."""
    emitted.eval()
    hand.eval()
    with torch.no_grad():
        return (emitted(x) - hand(x)).abs().max().item()


def bench_model(name, args, tmp):
    size, batch = args.size, args.batch
    torch.manual_seed(0)
    module = emit_module(name, size, args.classes, tmp)
    emitted = module.build_model()
    hand_cls = handwritten.MODELS[name]
    hand = hand_cls(classes=args.classes, size=size)
    x = torch.rand(batch, 3, size, size)
    y = torch.randint(0, args.classes, (batch,))
    diff = None
    if not args.no_check:
        handwritten.transfer(emitted, hand, getattr(hand_cls, "convert", None), size)
        diff = check(emitted, hand, x)
    if args.channels_last:
        emitted = emitted.to(memory_format=torch.channels_last)
        hand = hand.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    results = {}
    for what, make in [
        ("forward", lambda m: forward_fn(m, x)),
        ("train step", lambda m: train_fn(m, x, y)),
    ]:
        times = interleaved({"emitted": make(emitted), "hand-written": make(hand)}, args.repeat, args.warmup)
        results[what] = {k: (statistics.median(w), statistics.median(c)) for k, (w, c) in times.items()}
    return results, diff


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--model", default="ResNet50,MobileNetV2", help="comma-separated: " + ",".join(handwritten.MODELS)
    )
    ap.add_argument("--size", type=int, default=64, help="input height and width")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads")
    ap.add_argument("--repeat", type=int, default=7, help="timed rounds")
    ap.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    ap.add_argument("--channels-last", action="store_true", help="both models and the input in channels_last")
    ap.add_argument("--no-check", action="store_true", help="skip the same-outputs check")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    names = [m.strip() for m in args.model.split(",") if m.strip()]
    unknown = [m for m in names if m not in handwritten.MODELS]
    if unknown:
        ap.error(
            f"no hand-written equivalent for {', '.join(unknown)} (have {', '.join(handwritten.MODELS)})"
        )
    torch.set_num_threads(args.threads)
    random.seed(0)
    fmt = "channels_last" if args.channels_last else "contiguous (NCHW)"
    print(
        f"# {cpu_name()}, {os.cpu_count()} cores, load average {load()}; torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads; input {args.batch}x3x{args.size}x{args.size}, {fmt}; "
        f"medians of {args.repeat} interleaved rounds after {args.warmup} warm-up rounds"
    )
    print()
    print("| model | what | emitted ms | hand-written ms | ratio wall | ratio cpu |")
    print("|---|---|---|---|---|---|")
    summaries = []
    report = {
        "machine": f"{cpu_name()}, {os.cpu_count()} cores",
        "threads": torch.get_num_threads(),
        "rows": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            results, diff = bench_model(name, args, Path(tmp))
            ratios = {}
            for what, r in results.items():
                (ew, ec), (hw, hc) = r["emitted"], r["hand-written"]
                ratios[what] = ew / hw
                print(
                    f"| {name} | {what} | {ew * 1e3:.0f} | {hw * 1e3:.0f} | {ew / hw:.2f} | {ec / hc:.2f} |",
                    flush=True,
                )
            report["rows"][name] = {
                "size": args.size,
                "batch": args.batch,
                "max_diff": diff,
                **{
                    f"{w.split()[0]}_{i}": r["emitted"][j] / r["hand-written"][j]
                    for w, r in results.items()
                    for j, i in ((0, "wall"), (1, "cpu"))
                },
            }
            same = "" if diff is None else f" (outputs differ by {diff:.1e} at most)"
            summaries.append(
                f"SUMMARY {name} {args.size}x{args.size} batch {args.batch}: emitted/hand-written "
                f"forward {ratios['forward']:.2f} train {ratios['train step']:.2f}{same}"
            )
    print()
    print(f"# load average at the end {load()}")
    for line in summaries:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
