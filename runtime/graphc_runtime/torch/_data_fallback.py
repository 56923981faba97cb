"""The least of graphc_runtime.data the trainer needs, used only while that
module is not installed: `load`, `check` (raising DataError, one line) and
`synthetic`, with the same signatures."""

from __future__ import annotations

import os

import numpy as np


class DataError(ValueError):
    """A data set that does not fit the model (one line)."""


def load(path):
    """Arrays keyed by name from an .npz file or a directory of .npy files
    (memory-mapped); returns (arrays, arrays): the caller picks inputs and
    targets by the module's names."""
    path = os.fspath(path)
    if os.path.isdir(path):
        names = sorted(f for f in os.listdir(path) if f.endswith(".npy"))
        if not names:
            raise DataError(f"{path}: no .npy files in this directory")
        arrays = {f[: -len(".npy")]: np.load(os.path.join(path, f), mmap_mode="r") for f in names}
    elif os.path.exists(path):
        try:
            with np.load(path) as z:
                arrays = {k: z[k] for k in z.files}
        except Exception as e:
            raise DataError(f"{path}: not a NumPy .npz file ({e})") from None
    else:
        raise DataError(f"{path}: no such file or directory")
    return arrays, arrays


def _shape_ok(shape, expected):
    if len(shape) != len(expected):
        return False
    return all(e is None or s == e for s, e in zip(shape, expected))


def check(module, inputs, targets):
    """Raise DataError when the arrays do not fit the module's specs."""
    n = None
    for kind, specs, arrays in (
        ("input", module.INPUT_SPECS, inputs),
        ("output", module.OUTPUT_SPECS, targets),
    ):
        for name, spec in specs.items():
            if name not in arrays:
                raise DataError(f"missing {kind} {name!r}; have {sorted(arrays)}")
            a = arrays[name]
            shape = tuple(a.shape[1:])
            expected = tuple(spec[0])
            ok = _shape_ok(shape, expected)
            if kind == "output":  # labels (n,) for (n, 1) outputs and (n, ..., 1) class ids are fine too
                ok = ok or _shape_ok(shape, expected + (1,)) or (expected == (1,) and shape == ())
            if not ok:
                raise DataError(
                    f"{kind} {name!r}: each sample has shape {shape}, the model expects {expected}"
                )
            if n is None:
                n = len(a)
            elif len(a) != n:
                raise DataError(f"{kind} {name!r} has {len(a)} samples, the others {n}")
            high = spec[2] if kind == "input" else None
            if high is not None and len(a) and (np.min(a) < 0 or np.max(a) >= high):
                raise DataError(f"input {name!r}: ids must be in [0, {high}), got [{np.min(a)}, {np.max(a)}]")


def synthetic(module, n, seed=0):
    """Random inputs shaped from the model and labels that fit each output's kind."""
    rng = np.random.default_rng(seed)
    x = {}
    for name, (shape, dtype, high) in module.INPUT_SPECS.items():
        shape = tuple(8 if d is None else d for d in shape)
        if high is not None:
            x[name] = rng.integers(0, high, size=(n, *shape)).astype(dtype)
        else:
            x[name] = rng.normal(size=(n, *shape)).astype(dtype)
    y = {}
    for name, (shape, kind, classes) in module.OUTPUT_SPECS.items():
        size = (n, *(8 if d is None else d for d in shape))
        if kind == "onehot":
            y[name] = np.eye(classes, dtype="float32")[rng.integers(0, classes, size=size[:-1])]
        elif kind == "sparse":
            y[name] = rng.integers(0, classes, size=size).astype("int32")
        elif kind == "binary":
            y[name] = rng.integers(0, 2, size=size).astype("float32")
        elif kind == "positive":
            y[name] = rng.uniform(0.1, 1.0, size=size).astype("float32")
        else:
            y[name] = rng.normal(size=size).astype("float32")
    return x, y
