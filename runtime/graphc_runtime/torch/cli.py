"""The command line of a generated PyTorch module: `python OUT.py [options]`.

The options the Keras module takes (epochs, batch size, steps, data, seed,
save), plus device, mixed precision, torch.compile, checkpoints and resumption.
Run it under `torchrun --nproc-per-node N OUT.py ...` for DistributedDataParallel.
Errors in the data or the arguments are one line on stderr and exit status 2
(GRAPHC_TRACEBACK=1 shows the traceback instead).
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

from . import trainer


def parser(module=None):
    doc = (getattr(module, "__doc__", None) or "").strip().splitlines()
    p = argparse.ArgumentParser(description=doc[0] if doc else "Train the model.")
    p.add_argument("--epochs", type=int, help="number of epochs (default: the GDL fit(...) or 1)")
    p.add_argument("--batch-size", type=int, help="global batch size (split over DDP processes)")
    p.add_argument("--steps-per-epoch", type=int)
    p.add_argument("--validation-split", type=float)
    p.add_argument("--data", help=".npz file or directory of .npy files keyed by input and output names")
    p.add_argument("--val-data", help="validation data, same format")
    p.add_argument("--seed", type=int, help="seed every random generator (repeatable runs)")
    p.add_argument("--device", help="cpu, cuda or cuda:N (default: CUDA when available)")
    p.add_argument(
        "--amp",
        nargs="?",
        const="bf16",
        choices=["bf16", "fp16"],
        help="mixed precision: bf16 autocast (CPU or CUDA; the default with a bare --amp) or fp16 with loss scaling (CUDA)",
    )
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--checkpoint-dir", help="save the full training state here after every epoch")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --checkpoint-dir")
    p.add_argument("--save", help="save the trained state_dict to PATH")
    p.add_argument("--quiet", action="store_true", help="no progress bar or epoch lines")
    return p


def main(module, argv=None):
    args = parser(module).parse_args(argv)
    try:
        history = trainer.fit(
            module,
            data=args.data,
            val_data=args.val_data,
            epochs=args.epochs,
            batch_size=args.batch_size,
            steps_per_epoch=args.steps_per_epoch,
            validation_split=args.validation_split,
            seed=args.seed,
            device=args.device,
            amp=args.amp,
            compile=args.compile,
            checkpoint_dir=args.checkpoint_dir,
            resume=args.resume,
            quiet=args.quiet,
        )
    except (trainer.DataError, ValueError, TypeError, OSError) as e:
        if os.environ.get("GRAPHC_TRACEBACK"):
            raise
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"error: {msg}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.save and history.model.is_main_process:
        d = os.path.dirname(args.save)
        if d:
            os.makedirs(d, exist_ok=True)
        torch.save(history.model.module.state_dict(), args.save)
        if not args.quiet:
            print(f"saved {args.save}")
    return history
