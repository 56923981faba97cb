"""Training checkpoints: atomic writes and the random generators' states.

A checkpoint is a `torch.save` file (a pickle: load only files you trust)
holding the model's and optimizer's state_dicts, the epoch, the callbacks'
state, the data order's position and every random generator (torch, CUDA,
NumPy, Python), so that a resumed run continues exactly where it stopped.
"""

from __future__ import annotations

import os
import random
import tempfile

import numpy as np
import torch

FORMAT = "graphc-runtime/torch-checkpoint"
VERSION = 1
LAST = "last.pt"


def rng_state() -> dict:
    np_state = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": (np_state[0], torch.from_numpy(np_state[1].copy()), *np_state[2:]),
        "python": random.getstate(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), *rest))
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        cuda = state["cuda"]
        if len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)


def save(path, payload: dict) -> None:
    """torch.save to a temporary file, then rename: a crash never leaves a torn file."""
    path = os.fspath(path)
    d = os.path.dirname(path) or "."
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=d)
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load(path) -> dict:
    payload = torch.load(os.fspath(path), map_location="cpu", weights_only=False)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path}: not a graphc-runtime training checkpoint")
    if payload.get("version", 0) > VERSION:
        raise ValueError(
            f"{path}: written by a newer graphc-runtime (checkpoint version {payload['version']})"
        )
    return payload
