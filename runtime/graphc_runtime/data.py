"""Training data for graphc-generated modules: NumPy arrays keyed by input and output names.

NumPy only (no framework import), shared by the Keras and the PyTorch trainers.

- `load(path, module)`: `(inputs, targets)` from an `.npz` file or a directory of
  `.npy` files (memory-mapped, so data larger than memory works); `load_arrays(path)`.
- `check(module, inputs, targets)`: validates the arrays against the module's
  `INPUT_SPECS`, `OUTPUT_SPECS` and `LOSSES` before training starts; raises
  `DataError` with one line naming the array and what was expected.
- `synthetic(module, n, seed)`: random inputs shaped from the model and labels that fit each loss.
- `split(inputs, targets, validation_split)`: Keras's rule (the last fraction, before shuffling).
- `batch_order(...)`, `take(...)`, `class_weight_to_sample_weight(...)`, `conform(...)`:
  the batching both trainers share, so that one seed gives the same batches in both.

Shapes exclude the batch axis; `None` in a spec accepts any size.  As in Keras, an
array may also differ from its spec by one trailing axis of size 1 (labels of
shape `(n,)` for an output of shape `(1,)`, or `(n, 1)` for class ids).
"""

from __future__ import annotations

import math
import os
import zipfile

import numpy as np

# The synthetic size of an unknown (None) dimension, as graphc uses.
DEFAULT_SIZE = 8

# Arrays up to this many bytes are checked completely; larger ones (memory-mapped
# data sets) are checked on a sample of this many bytes: SAMPLE_BLOCKS contiguous
# blocks of rows spread evenly from the first row to the last.
CHECK_BYTES = 64 * 2**20
SAMPLE_BLOCKS = 64
_CHUNK_BYTES = 8 * 2**20


class DataError(ValueError):
    """A data set does not fit the model; the message is one line."""


# --------------------------------------------------------------------------- specs


def input_specs(module) -> dict:
    return dict(getattr(module, "INPUT_SPECS", {}))


def output_specs(module) -> dict:
    return dict(getattr(module, "OUTPUT_SPECS", {}))


def trained_outputs(module) -> list[str]:
    """Outputs that need targets: those with a loss (all outputs when LOSSES is empty)."""
    outputs = output_specs(module)
    losses = getattr(module, "LOSSES", None) or {}
    named = [n for n in outputs if n in losses]
    return named or list(outputs)


def loss_name(module, output: str) -> str:
    """A readable name of `output`'s loss: the Keras name, or the loss object's class."""
    loss = (getattr(module, "LOSSES", None) or {}).get(output)
    if loss is None:
        return "its loss"
    if isinstance(loss, str):
        return loss
    name = getattr(loss, "name", None)
    return name if isinstance(name, str) else type(loss).__name__


def _shape_str(shape) -> str:
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


def _fits(actual: tuple, spec: tuple) -> bool:
    """Keras's rule: equal ranks with equal known sizes, or ranks one apart through a trailing 1."""

    def same(a, s):
        return len(a) == len(s) and all(d is None or d == x for x, d in zip(a, s))

    if same(actual, spec):
        return True
    if len(actual) == len(spec) + 1 and actual[-1] == 1:
        return same(actual[:-1], spec)
    if len(actual) == len(spec) - 1 and spec and spec[-1] == 1:
        return same(actual, spec[:-1])
    return False


def conform(array, spec_shape) -> np.ndarray:
    """`array` reshaped (a view, never a copy) to exactly its spec's rank: (n,) -> (n, 1) and (n, 1) -> (n,)."""
    want = len(spec_shape) + 1
    if array.ndim == want + 1:
        return array.reshape(array.shape[:-1])
    if array.ndim == want - 1:
        return array.reshape(*array.shape, 1)
    return array


# --------------------------------------------------------------------------- loading


def load_arrays(path) -> dict:
    """Every array of an `.npz` file or a directory of `.npy` files, keyed by name.

    `.npy` files in a directory are memory-mapped (read-only), so they may be larger
    than memory; the arrays of an `.npz` file are read into memory.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        files = {
            f[: -len(".npy")]: os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".npy")
        }
        if not files:
            raise DataError(f"{path}: a directory of .npy files was expected, found none")
        out = {}
        for key, file in files.items():
            try:
                out[key] = np.load(file, mmap_mode="r", allow_pickle=False)
            except (ValueError, OSError) as e:
                raise DataError(f"{file}: cannot read as a .npy array ({_first_line(e)})") from None
        return out
    if not os.path.isfile(path):
        raise DataError(f"{path}: no such file or directory")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, zipfile.BadZipFile, EOFError):
        # not numpy's own message, which suggests unpickling the file
        raise DataError(f"{path}: not an .npz file of arrays (numpy.savez)") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read as .npz ({_first_line(e)})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(
            f"{path}: an .npz file (arrays keyed by name) or a directory of .npy files was expected"
        )
    out = {}
    with archive:
        for key in archive.files:
            try:
                out[key] = archive[key]
            except (ValueError, OSError, zipfile.BadZipFile) as e:
                raise DataError(f"{path}: cannot read array {key!r} ({_first_line(e)})") from None
    return out


def load(path, module=None) -> tuple[dict, dict]:
    """`(inputs, targets)` keyed by name from an `.npz` file or a directory of `.npy` files.

    Keys are the model's input and output names (extra keys are ignored); a missing
    one is a DataError naming the file and the keys it has.  Without `module`, every
    array comes back as `(arrays, {})`, for a caller that picks inputs and targets
    itself.  See `load_arrays` for memory mapping.
    """
    arrays = load_arrays(path)
    if module is None:
        return arrays, {}
    keys = list(arrays)
    _require(os.fspath(path), "input", list(input_specs(module)), keys)
    _require(os.fspath(path), "target", trained_outputs(module), keys)
    inputs = {n: arrays[n] for n in input_specs(module)}
    targets = {n: arrays[n] for n in trained_outputs(module)}
    return inputs, targets


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


def _require(where, what, names, keys):
    missing = [n for n in names if n not in keys]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        have = ", ".join(sorted(keys)) if keys else "nothing"
        raise DataError(f"{where}: missing {what}{plural} {', '.join(map(repr, missing))} (it has: {have})")


# --------------------------------------------------------------------------- checking


def num_samples(inputs: dict, targets: dict) -> int:
    """The common number of samples; DataError when the arrays disagree."""
    counts = {**{n: len(a) for n, a in inputs.items()}, **{n: len(a) for n, a in targets.items()}}
    if not counts:
        raise DataError("no arrays")
    values = set(counts.values())
    if len(values) > 1:
        listing = ", ".join(f"{n} {c}" for n, c in counts.items())
        raise DataError(f"arrays have different numbers of samples: {listing}")
    return values.pop()


def check(module, inputs, targets, *, where: str | None = None, check_bytes: int = CHECK_BYTES) -> int:
    """Validate `(inputs, targets)` against the module; returns the number of samples.

    Checks, each a one-line `DataError` naming the array: both are dicts; no input or
    target is missing (the message lists the keys present); each array's shape fits
    its spec (`None` accepts any size) and its dtype fits (numbers; integer ids for
    integer inputs); integer ids of an input lie in `[0, high)`; labels fit the
    loss (class ids in `[0, classes)` for sparse losses, one-hot or probability rows
    for categorical ones, values in [0, 1] for binary crossentropy, >= 0 for
    poisson/KL); no NaN or infinity in a float array; every array has the same
    number of samples.  Arrays over `check_bytes` are checked on a sample of rows.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(inputs, dict) or not isinstance(targets, dict):
        raise DataError(f"{prefix}inputs and targets must be dicts of arrays keyed by input and output names")
    _require(where or "data", "input", list(input_specs(module)), list(inputs))
    _require(where or "data", "target", trained_outputs(module), list(targets))
    try:
        for name, (shape, dtype, high) in input_specs(module).items():
            _check_input(name, _array(inputs[name]), tuple(shape), dtype, high, check_bytes)
        specs = output_specs(module)
        for name in trained_outputs(module):
            shape, kind, classes = specs[name]
            _check_target(module, name, _array(targets[name]), tuple(shape), kind, classes, check_bytes)
        used = {n: inputs[n] for n in input_specs(module)}
        return num_samples(used, {n: targets[n] for n in trained_outputs(module)})
    except DataError as e:
        if prefix:
            raise DataError(prefix + str(e)) from None
        raise


def _array(a):
    return a if isinstance(a, np.ndarray) else np.asarray(a)


def _check_input(name, array, shape, dtype, high, budget):
    what = f"input {name!r}"
    if array.ndim == 0:
        raise DataError(f"{what}: a scalar; expected an array of shape (n, {_shape_str(shape)[1:]}")
    if not _fits(array.shape[1:], shape):
        raise DataError(
            f"{what}: shape {_shape_str(array.shape)} does not fit the model's input "
            f"{_shape_str((None, *shape))} (None: any size)"
        )
    kind = array.dtype.kind
    if kind not in "biuf":
        raise DataError(f"{what}: dtype {array.dtype} is not numeric; the model takes {dtype}")
    is_int_input = np.dtype(dtype).kind in "iu"
    if is_int_input:
        if kind not in "biu":
            raise DataError(
                f"{what}: dtype {array.dtype}, expected integer ids ({dtype}); convert with .astype({dtype!r})"
            )
        if high is not None:
            _check_range(what, array, 0, high, budget, "ids", f"[0, {high}) (Embedding input_dim {high})")
    elif kind == "f":
        _check_finite(what, array, budget)


def _check_target(module, name, array, shape, kind, classes, budget):
    what = f"target {name!r}"
    loss = loss_name(module, name)
    if array.ndim == 0:
        raise DataError(f"{what}: a scalar; expected labels of shape {_shape_str((None, *shape))}")
    if array.dtype.kind not in "biuf":
        raise DataError(f"{what}: dtype {array.dtype} is not numeric")
    if not _fits(array.shape[1:], shape):
        expected = _shape_str(("n", *shape)).replace("'", "")
        hint = ""
        if kind == "onehot" and _fits(array.shape[1:], shape[:-1]):
            hint = " (class ids? one-hot encode them, or use sparse_categorical_crossentropy)"
        elif kind == "sparse" and _fits(array.shape[1:], (*shape, classes)):
            hint = " (one-hot rows? pass class ids, or use categorical_crossentropy)"
        raise DataError(
            f"{what}: shape {_shape_str(array.shape)} does not fit {loss}: expected {expected}"
            f"{' class ids' if kind == 'sparse' else ''}{hint}"
        )
    if kind == "sparse":
        if array.dtype.kind == "f":
            _check_finite(what, array, budget)
            _check_integral(what, array, budget, f"{loss} expects class ids")
        _check_range(what, array, 0, classes, budget, "class ids", f"[0, {classes}) for {loss}")
        return
    if array.dtype.kind == "f":
        _check_finite(what, array, budget)
    if kind == "onehot":
        _check_rows(what, array, classes, loss, budget)
    elif kind == "binary":
        _check_bounds(what, array, 0.0, 1.0, budget, f"{loss} expects labels in [0, 1]")
    elif kind == "positive":
        _check_bounds(what, array, 0.0, None, budget, f"{loss} expects labels >= 0")


# Checks that scan an array in bounded time: `_blocks` yields (first_row, rows).


def _blocks(array, budget):
    n = len(array)
    row_bytes = max(1, array.itemsize * int(np.prod(array.shape[1:], dtype=np.int64)))
    chunk = max(1, _CHUNK_BYTES // row_bytes)
    if array.nbytes <= budget:
        for start in range(0, n, chunk):
            yield start, array[start : start + chunk]
        return
    per_block = max(1, budget // row_bytes // SAMPLE_BLOCKS)
    starts = np.unique(np.linspace(0, n - per_block, SAMPLE_BLOCKS).astype(np.int64))
    for s in starts:
        for start in range(int(s), int(s) + per_block, chunk):
            yield start, array[start : min(start + chunk, int(s) + per_block)]


def _sampled(array, budget) -> str:
    if array.nbytes <= budget:
        return ""
    return f" (found in a sample of the {len(array)} rows)"


def _first_bad(mask) -> int:
    return int(np.argmax(mask.reshape(len(mask), -1).any(axis=1)))


def _check_finite(what, array, budget):
    for start, block in _blocks(array, budget):
        bad = ~np.isfinite(block)
        if bad.any():
            row = start + _first_bad(bad)
            value = np.asarray(array[row]).ravel()
            value = value[~np.isfinite(value)][0]
            raise DataError(f"{what}: {value} at row {row}; the data must be finite{_sampled(array, budget)}")


def _check_integral(what, array, budget, expectation):
    for start, block in _blocks(array, budget):
        bad = block != np.round(block)
        if bad.any():
            row = start + _first_bad(bad)
            value = np.asarray(array[row]).ravel()
            value = value[value != np.round(value)][0]
            raise DataError(f"{what}: {value} at row {row}; {expectation}{_sampled(array, budget)}")


def _check_range(what, array, low, high, budget, noun, expected):
    if array.dtype.kind == "b":
        return _check_range(what, array.view(np.uint8), low, high, budget, noun, expected)
    for start, block in _blocks(array, budget):
        bad = (block < low) | (block >= high)
        if bad.any():
            row = start + _first_bad(bad)
            value = np.asarray(array[row]).ravel()
            value = value[(value < low) | (value >= high)][0]
            value = int(value) if float(value).is_integer() else value
            raise DataError(
                f"{what}: {noun} must lie in {expected}; row {row} has {value}{_sampled(array, budget)}"
            )


def _check_bounds(what, array, low, high, budget, expectation):
    for start, block in _blocks(array, budget):
        bad = block < low if high is None else (block < low) | (block > high)
        if bad.any():
            row = start + _first_bad(bad)
            value = np.asarray(array[row]).ravel()
            value = value[(value < low) | ((value > high) if high is not None else False)][0]
            raise DataError(f"{what}: row {row} has {value}; {expectation}{_sampled(array, budget)}")


def _check_rows(what, array, classes, loss, budget):
    """Rows of a categorical target are one-hot or probability rows: entries in [0, 1], summing to 1.

    Sums are taken in float64 (exact enough).  A row stored in a float dtype with p
    mantissa bits has each entry within half an ulp of 1, 2**-(p+1), of its exact value
    (entries are in [0, 1]), so a true probability row over k classes sums to 1 within
    k * 2**-(p+1) < k * eps: that is the tolerance (float32, k = 10: 1.2e-6).  Integer
    rows are exact.
    """
    tol = classes * float(np.finfo(array.dtype).eps) if array.dtype.kind == "f" else 0.0
    for start, block in _blocks(array, budget):
        b = np.asarray(block, dtype=np.float64)
        bad_value = (b < 0) | (b > 1)
        if bad_value.any():
            row = start + _first_bad(bad_value)
            raise DataError(
                f"{what}: row {row} has a value outside [0, 1]; {loss} expects one-hot (or probability) "
                f"rows over {classes} classes{_sampled(array, budget)}"
            )
        sums = b.sum(axis=-1)
        bad_sum = np.abs(sums - 1.0) > tol
        if bad_sum.any():
            row = start + _first_bad(bad_sum)
            total = float(
                sums.reshape(len(sums), -1)[row - start][bad_sum.reshape(len(sums), -1)[row - start]][0]
            )
            raise DataError(
                f"{what}: row {row} sums to {total:g}; {loss} expects one-hot (or probability) "
                f"rows over {classes} classes{_sampled(array, budget)}"
            )


# --------------------------------------------------------------------------- synthetic data, split


def synthetic(module, n: int, seed: int = 0) -> tuple[dict, dict]:
    """Random inputs shaped from the model (None sizes become DEFAULT_SIZE) and labels that fit each loss:
    one-hot rows for categorical crossentropy, class ids for sparse, 0/1 for binary, values in
    [0.1, 1) for positive losses, normal values otherwise."""
    rng = np.random.default_rng(seed)
    x = {}
    for name, (shape, dtype, high) in input_specs(module).items():
        size = (n, *(DEFAULT_SIZE if d is None else d for d in shape))
        if np.dtype(dtype).kind in "iu":
            x[name] = rng.integers(0, high or 2, size=size).astype(dtype)
        else:
            x[name] = rng.normal(size=size).astype(dtype)
    y = {}
    specs = output_specs(module)
    for name in trained_outputs(module):
        shape, kind, classes = specs[name]
        size = (n, *(DEFAULT_SIZE if d is None else d for d in shape))
        if kind == "onehot":
            ids = rng.integers(0, classes, size=size[:-1])
            y[name] = np.eye(classes, dtype="float32")[ids]
        elif kind == "sparse":
            y[name] = rng.integers(0, classes, size=size).astype("int32")
        elif kind == "binary":
            y[name] = rng.integers(0, 2, size=size).astype("float32")
        elif kind == "positive":
            y[name] = rng.uniform(0.1, 1.0, size=size).astype("float32")
        else:
            y[name] = rng.normal(size=size).astype("float32")
    return x, y


def split(inputs: dict, targets: dict, validation_split: float, sample_weight: dict | None = None):
    """Keras's `validation_split`: the last fraction of the samples (before any shuffling)
    is held out.  Returns `((inputs, targets), (val_inputs, val_targets))`, or with
    `sample_weight` given, `((inputs, targets, sw), (val_inputs, val_targets, val_sw))`.
    Slices are views (memory-mapped arrays stay memory-mapped)."""
    if not 0.0 < validation_split < 1.0:
        raise DataError(f"validation_split must be between 0 and 1, got {validation_split}")
    n = num_samples(inputs, targets)
    split_at = int(math.floor(n * (1.0 - validation_split)))  # keras array_slicing.train_validation_split
    if split_at == 0 or split_at == n:
        raise DataError(
            f"{n} samples cannot be split into training and validation sets by validation_split={validation_split}"
        )

    def cut(d, lo, hi):
        return None if d is None else {k: v[lo:hi] for k, v in d.items()}

    train = (cut(inputs, 0, split_at), cut(targets, 0, split_at))
    val = (cut(inputs, split_at, n), cut(targets, split_at, n))
    if sample_weight is not None:
        return (*train, cut(sample_weight, 0, split_at)), (*val, cut(sample_weight, split_at, n))
    return train, val


# --------------------------------------------------------------------------- batching


def num_batches(n: int, batch_size: int) -> int:
    return -(-n // batch_size)


def batch_order(n: int, batch_size: int, shuffle, seed: int, epoch: int) -> list[np.ndarray]:
    """The sample indices of each batch of one pass over `n` samples, as Keras orders them:
    `shuffle=True` permutes all samples, `"batch"` shuffles within each batch (batches stay
    in order), `False` keeps the order; the last batch may be smaller.  The permutation
    is a pure function of `(seed, epoch)` (NumPy's PCG64 seeded with `[seed, epoch]`), so a
    resumed run and both trainers see the same batches."""
    bs = int(batch_size)
    if shuffle is True or shuffle == "global":
        order = np.random.default_rng([seed, epoch]).permutation(n)
        return [order[i : i + bs] for i in range(0, n, bs)]
    batches = [np.arange(i, min(i + bs, n)) for i in range(0, n, bs)]
    if shuffle == "batch":
        rng = np.random.default_rng([seed, epoch])
        batches = [rng.permutation(b) for b in batches]
    elif shuffle:
        raise DataError(f'shuffle must be true, false or "batch", got {shuffle!r}')
    return batches


def take(arrays: dict, index: np.ndarray, dtypes: dict | None = None) -> dict:
    """`{name: array[index]}` (rows read from memory-mapped files as needed), cast to `dtypes[name]`."""
    index = np.asarray(index)
    if len(index) and np.all(np.diff(index) == 1):
        index = slice(int(index[0]), int(index[-1]) + 1)  # a contiguous run: one read, no gather
    out = {}
    for name, a in arrays.items():
        rows = np.asarray(a[index])
        dtype = dtypes.get(name) if dtypes else None
        out[name] = rows if dtype is None or rows.dtype == dtype else rows.astype(dtype)
    return out


def class_weight_to_sample_weight(y, class_weight: dict) -> np.ndarray:
    """Keras's rule (data_adapter_utils.class_weight_to_sample_weights): the class of a row is its
    argmax for one-hot rows, else its (rounded) id; unlisted classes weigh 1."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    ids = np.round(y).astype("int64")
    if ids.ndim != 1:
        raise DataError("class_weight needs one label per sample; use sample_weight for sequence outputs")
    table = {int(k): float(v) for k, v in class_weight.items()}
    return np.array([table.get(int(i), 1.0) for i in ids], dtype="float32")


def target_dtype(kind: str) -> str:
    """The dtype a trainer hands a loss: int32 class ids for sparse losses, float32 otherwise."""
    return "int32" if kind == "sparse" else "float32"
