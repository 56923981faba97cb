"""The training command line both targets take (framework-free).

    python OUT.py [--epochs N] [--batch-size N] [--steps-per-epoch N] [--validation-split F]
                  [--data TRAIN] [--val-data VAL] [--seed N] [--save PATH]
                  [--checkpoint-dir DIR] [--resume] [--quiet]
      PyTorch module: [--device cpu|cuda|cuda:N] [--amp [bf16|fp16]] [--compile]
      Keras module:   [--mixed-precision [bf16|fp16]] [--distribute mirrored|multi-worker]

Defaults come from the module's `FIT_DEFAULTS` (the GDL `fit(...)`).  Mistakes a user
can make (a bad flag, data that does not fit the model) end with one line on stderr
and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from .data import DataError

TARGETS = ("keras", "torch")


class UsageError(ValueError):
    """A training setting that cannot work (no loss to train, a checkpoint of another run, ...)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {value}")
    return value


def build_parser(module, target: str) -> argparse.ArgumentParser:
    """The parser for `module`'s command line; `target` is "keras" or "torch"."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    doc = (getattr(module, "__doc__", None) or "").strip().splitlines()
    fit = dict(getattr(module, "FIT_DEFAULTS", {}) or {})
    p = argparse.ArgumentParser(description=doc[0] if doc else None)
    g = p.add_argument_group("training")
    g.add_argument("--epochs", type=_positive_int, help=f"default {fit.get('epochs', 1)}")
    g.add_argument("--batch-size", type=_positive_int, help=f"default {fit.get('batch_size', 32)}")
    g.add_argument(
        "--steps-per-epoch",
        type=_positive_int,
        help=f"batches per epoch (default {fit.get('steps_per_epoch') or 'one pass over the data'})",
    )
    g.add_argument(
        "--validation-split",
        type=_fraction,
        help=f"hold out this last fraction of --data (default {fit.get('validation_split', 0.0)})",
    )
    g.add_argument("--seed", type=int, help="seed every random generator: a CPU run repeats bit for bit")
    g.add_argument("--quiet", action="store_true", help="no progress bar: one log line per epoch only")
    d = p.add_argument_group("data")
    d.add_argument(
        "--data",
        metavar="TRAIN",
        help=".npz file or directory of .npy files keyed by input and output names "
        "(default: synthetic data shaped from the model)",
    )
    d.add_argument("--val-data", metavar="VAL", help="validation data, in the same format")
    s = p.add_argument_group("saving")
    s.add_argument(
        "--save",
        metavar="PATH",
        help="save the trained model: a .keras model or .weights.h5 weights"
        if target == "keras"
        else "save the trained model's state_dict (torch.save)",
    )
    s.add_argument(
        "--checkpoint-dir",
        metavar="DIR",
        help="after every epoch, save the model, optimizer state and epoch to DIR",
    )
    s.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoint in --checkpoint-dir, if there is one",
    )
    t = p.add_argument_group(f"{target} options")
    if target == "torch":
        t.add_argument("--device", help="cpu, cuda or cuda:N (default: CUDA when available)")
        t.add_argument(
            "--amp",
            nargs="?",
            const="bf16",
            choices=["bf16", "fp16"],
            help="automatic mixed precision (default bf16; fp16 adds loss scaling)",
        )
        t.add_argument("--compile", action="store_true", help="torch.compile the model")
    else:
        t.add_argument(
            "--mixed-precision",
            nargs="?",
            const="bf16",
            choices=["bf16", "fp16"],
            help='Keras dtype policy "mixed_bfloat16" (default) or "mixed_float16" (adds loss scaling)',
        )
        t.add_argument(
            "--distribute",
            choices=["mirrored", "multi-worker"],
            help="mirrored: every local GPU; multi-worker: the machines in TF_CONFIG",
        )
    return p


def parse_args(module, argv, target: str) -> argparse.Namespace:
    """Parse `argv` (None: sys.argv[1:]); usage errors exit 2 as argparse does."""
    parser = build_parser(module, target)
    args = parser.parse_args(argv)
    if args.resume and not args.checkpoint_dir:
        parser.error("--resume needs --checkpoint-dir")
    return args


def fit_kwargs(args: argparse.Namespace) -> dict:
    """The settings the command line gives a trainer's `fit` (None: the module's default)."""
    return {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps_per_epoch": args.steps_per_epoch,
        "validation_split": args.validation_split,
        "seed": args.seed,
        "checkpoint_dir": args.checkpoint_dir,
        "resume": args.resume,
    }


def fail(message: str, status: int = 2):
    """Print `prog: error: message` (one line) and exit with `status`."""
    prog = sys.argv[0].rsplit("/", 1)[-1] if sys.argv and sys.argv[0] else "train"
    sys.stderr.write(f"{prog}: error: {message}\n")
    raise SystemExit(status)


@contextlib.contextmanager
def user_errors():
    """Turn data and usage errors into one line on stderr and exit status 2
    (GRAPHC_TRACEBACK=1 in the environment shows the traceback instead)."""
    try:
        yield
    except (DataError, UsageError) as e:
        if os.environ.get("GRAPHC_TRACEBACK"):
            raise
        fail(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
