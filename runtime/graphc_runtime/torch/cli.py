"""The command line of a generated PyTorch module: `python OUT.py [options]`.

The parser is graphc_runtime.cli's, the one the Keras module takes (epochs,
batch size, steps, data, seed, save, checkpoints and resumption, `--quiet`: no
progress bar, one line per epoch), plus device, mixed precision and
torch.compile.  Run it under `torchrun --nproc-per-node N OUT.py ...` for
DistributedDataParallel.  `--save PATH` writes the trained model's state_dict
(`torch.save`), which `build_model().load_state_dict(torch.load(PATH))` loads.
Errors in the data or the arguments are one line on stderr and exit status 2
(GRAPHC_TRACEBACK=1 shows the traceback instead).
"""

from __future__ import annotations

import os

import torch

from .. import cli
from . import trainer

# Names of Keras files: a PyTorch state_dict saved under them would be mistaken for one.
KERAS_SUFFIXES = (".keras", ".h5")


def parser(module=None):
    return cli.build_parser(module, "torch")


def main(module, argv=None):
    args = cli.parse_args(module, argv, "torch")
    if args.save and args.save.endswith(KERAS_SUFFIXES):
        cli.fail(f"--save {args.save}: the PyTorch module saves a state_dict (torch.save): name it .pt")
    try:
        history = trainer.fit(
            module,
            data=args.data,
            val_data=args.val_data,
            **cli.fit_kwargs(args),
            device=args.device,
            amp=args.amp,
            compile=args.compile,
            progress=not args.quiet,
        )
    except (trainer.DataError, cli.UsageError, ValueError, TypeError, OSError) as e:
        if os.environ.get("GRAPHC_TRACEBACK"):
            raise
        cli.fail(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
    if args.save and history.model.is_main_process:
        d = os.path.dirname(args.save)
        if d:
            os.makedirs(d, exist_ok=True)
        torch.save(history.model.module.state_dict(), args.save)
        print(f"saved {args.save}", flush=True)
    return history
