"""DistributedDataParallel set-up for the trainer.

Under `torchrun` (which sets RANK, LOCAL_RANK and WORLD_SIZE) the trainer
joins the process group: NCCL when the processes use CUDA GPUs (one GPU per
process, `cuda:LOCAL_RANK`), gloo on CPU.  Outside torchrun everything here
is a no-op for a single process.
"""

from __future__ import annotations

import atexit
import io
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass
class Context:
    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")
    backend: str | None = None

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def all_reduce(self, tensor):
        """Sum `tensor` in place over processes (NCCL needs it on the GPU)."""
        if not self.distributed:
            return tensor
        if self.backend == "nccl" and tensor.device.type != "cuda":
            moved = tensor.to(self.device)
            dist.all_reduce(moved)
            tensor.copy_(moved.to(tensor.device))
            return tensor
        if self.backend == "gloo" and tensor.device.type == "cuda":
            moved = tensor.cpu()
            dist.all_reduce(moved)
            tensor.copy_(moved.to(tensor.device))
            return tensor
        dist.all_reduce(tensor)
        return tensor

    def all_gather_object(self, obj):
        if not self.distributed:
            return [obj]
        out = [None] * self.world_size
        dist.all_gather_object(out, _pack(obj))
        return [_unpack(b) for b in out]

    def broadcast_object(self, obj, src=0):
        if not self.distributed:
            return obj
        box = [_pack(obj) if self.rank == src else None]
        dist.broadcast_object_list(box, src=src)
        return _unpack(box[0])

    def any(self, flag: bool) -> bool:
        """True on every process when it is True on one."""
        if not self.distributed:
            return bool(flag)
        t = torch.tensor([1.0 if flag else 0.0], device=self.device if self.backend == "nccl" else "cpu")
        dist.all_reduce(t)
        return bool(t.item() > 0)

    def barrier(self):
        if self.distributed:
            if self.backend == "nccl":
                dist.barrier(device_ids=[self.local_rank])
            else:
                dist.barrier()


def _pack(obj) -> bytes:
    """Objects holding tensors travel as torch.save bytes (pickling tensors inside
    all_gather_object fails in PyTorch 2.13: 'UntypedStorage has no attribute dtype')."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _unpack(data: bytes):
    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)


_CONTEXT: Context | None = None


def _pick_device(device):
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    problem = device_problem(device)
    if problem:
        raise ValueError(problem)
    return torch.device(device)


def device_problem(device) -> str | None:
    """Why `device` cannot train in this process (one line), or None."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        return f"--device {device}: not a device; use cpu, cuda or cuda:N"
    if dev.type == "cpu":
        return None
    if dev.type != "cuda":
        return f"--device {device}: graphc's PyTorch trainer runs on cpu or cuda"
    if not torch.cuda.is_available():
        if torch.version.cuda is None:
            why = f"this PyTorch ({torch.__version__}) is built without CUDA"
        else:
            why = "PyTorch sees no CUDA GPU"
        return f"--device {device}: {why}; use --device cpu"
    if dev.index is not None and dev.index >= torch.cuda.device_count():
        return f"--device {device}: this machine has {torch.cuda.device_count()} CUDA GPU(s) (cuda:0...)"
    return None


def setup(device=None) -> Context:
    """The process's place in the run; joins the process group under torchrun."""
    global _CONTEXT
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Context(device=_pick_device(device))
    if _CONTEXT is not None and dist.is_initialized():
        if device is None or torch.device(device).type == _CONTEXT.device.type:
            return _CONTEXT
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    wanted = _pick_device(device)
    if wanted.type == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda was asked for, but PyTorch sees no CUDA GPU")
        if local_rank >= torch.cuda.device_count():
            raise SystemExit(
                f"process {rank} has LOCAL_RANK {local_rank} but this machine has "
                f"{torch.cuda.device_count()} GPU(s): run torchrun with --nproc-per-node "
                f"{torch.cuda.device_count()} or fewer"
            )
        torch.cuda.set_device(local_rank)
        dev = torch.device("cuda", local_rank)
        backend = "nccl"
    else:
        dev = torch.device("cpu")
        backend = "gloo"
    if not dist.is_initialized():
        if backend == "nccl":
            dist.init_process_group(backend, device_id=dev)
        else:
            dist.init_process_group(backend)
        atexit.register(shutdown)
    _CONTEXT = Context(rank, local_rank, world, dev, dist.get_backend())
    return _CONTEXT


def shutdown():
    """Leave the process group (registered at exit when the trainer joined it)."""
    global _CONTEXT
    if dist.is_available() and dist.is_initialized():
        try:
            dist.destroy_process_group()
        except Exception:  # pragma: no cover - best effort at interpreter exit
            pass
    _CONTEXT = None
