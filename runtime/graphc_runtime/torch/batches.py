"""Batches for the trainer, in Keras's order.

Data come as NumPy (or torch) arrays keyed by input and output name, or as a
`torch.utils.data.Dataset` / `DataLoader` whose items are
`(inputs_by_name, targets_by_name)` or `(inputs, targets, sample_weights)`.

Arrays follow Keras's `fit`: `validation_split` takes the last fraction before
any shuffling; each pass over the data is a new permutation (from the seed
and the pass number, so a resumed run sees the same order); the last batch may
be smaller; with `steps_per_epoch` an epoch continues where the previous one
stopped and ends early when a pass runs out, as Keras's EpochIterator does.
Under DDP each process takes its share of every pass as
`torch.utils.data.DistributedSampler` gives it (padded to equal shares for
training, unpadded for evaluation).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler, IterableDataset


class _Range:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


def _as_array(a):
    if isinstance(a, torch.Tensor):
        return a
    return a if isinstance(a, np.ndarray) else np.asarray(a)


def n_samples(arrays: dict) -> int:
    return len(next(iter(arrays.values())))


def class_weight_to_sample_weights(y, class_weight):
    """keras data_adapter_utils.class_weight_to_sample_weights."""
    y = np.asarray(y)
    sw = np.ones((y.shape[0],), dtype="float32")
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    y = np.round(y).astype("int32")
    if y.ndim > 1:
        raise ValueError("class_weight needs one label per sample (class ids or one-hot rows)")
    for i in range(y.shape[0]):
        sw[i] = class_weight.get(int(y[i]), 1.0)
    return sw


def sample_weights(targets: dict, outputs, sample_weight=None, class_weight=None) -> dict:
    """{output: per-sample weights} from Keras's `sample_weight` (one array for
    every output, or a dict by output) and `class_weight` ({class: weight} for
    a single-output model; {output: {class: weight}} names outputs)."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
    out = {}
    if sample_weight is not None:
        if isinstance(sample_weight, dict):
            unknown = sorted(set(sample_weight) - set(outputs))
            if unknown:
                raise ValueError(
                    f"sample_weight names unknown outputs {unknown}; outputs are {list(outputs)}"
                )
            out = {k: np.asarray(v, dtype="float32") for k, v in sample_weight.items() if v is not None}
        else:
            sw = np.asarray(sample_weight, dtype="float32")
            if len(outputs) > 1 and not (sw.ndim == 1 or (sw.ndim == 2 and sw.shape[1] == 1)):
                raise ValueError(
                    "For a model with multiple outputs, when providing a single `sample_weight` array, it "
                    "should only have one scalar score per sample (i.e. shape `(num_samples,)`)."
                )
            out = {k: sw for k in outputs}
    if class_weight is not None:
        if (
            class_weight
            and all(k in outputs for k in class_weight)
            and all(isinstance(v, dict) for v in class_weight.values())
        ):
            per_output = class_weight
        elif len(outputs) == 1:
            per_output = {outputs[0]: class_weight}
        else:
            raise ValueError(
                "`class_weight` is only supported for Models with a single output "
                "(or give {output: {class: weight}})."
            )
        out = {k: class_weight_to_sample_weights(targets[k], cw) for k, cw in per_output.items()}
    return out


def validation_split(arrays, fraction):
    """Keras's train_validation_split: the last `fraction` becomes validation data."""
    n = n_samples(arrays[0])
    split_at = int(math.floor(n * (1.0 - fraction)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation "
            f"and training set as specified by `validation_split={fraction}`. Either provide more data, "
            "or a different value for the `validation_split` argument."
        )
    train = tuple({k: v[:split_at] for k, v in part.items()} for part in arrays)
    val = tuple({k: v[split_at:] for k, v in part.items()} for part in arrays)
    return train, val


class ArraySource:
    """Named arrays (inputs, targets, weights) sliced by sample index."""

    def __init__(self, inputs, targets, weights=None):
        self.inputs = {k: _as_array(v) for k, v in inputs.items()}
        self.targets = {k: _as_array(v) for k, v in (targets or {}).items()}
        self.weights = {k: _as_array(v) for k, v in (weights or {}).items()}
        self.n = n_samples(self.inputs)
        for part in (self.targets, self.weights):
            for k, v in part.items():
                if len(v) != self.n:
                    raise ValueError(f"{k!r} has {len(v)} samples, the inputs {self.n}")

    def __len__(self):
        return self.n

    def take(self, idx):
        def pick(a):
            if isinstance(a, torch.Tensor):
                return a[idx] if isinstance(idx, slice) else a[torch.as_tensor(idx)]
            return np.asarray(a[idx])

        return (
            {k: pick(v) for k, v in self.inputs.items()},
            {k: pick(v) for k, v in self.targets.items()},
            {k: pick(v) for k, v in self.weights.items()},
        )


def _split_item(item):
    if isinstance(item, dict):  # inputs alone (predict)
        return item, {}, {}
    if len(item) == 2:
        return item[0], item[1], {}
    if len(item) == 3:
        return item
    raise ValueError("a data set item must be (inputs, targets) or (inputs, targets, sample_weights)")


class EpochIterator:
    """Batches for each epoch, with Keras's rules for `steps_per_epoch`.

    `state_dict()` (passes started, batches taken from the current one) is
    saved in checkpoints, so a resumed run continues with the same batches."""

    def __init__(
        self,
        data,
        batch_size,
        steps_per_epoch=None,
        shuffle=False,
        seed=0,
        rank=0,
        world_size=1,
        pad=True,
        outputs=(),
        collate=None,
    ):
        self.batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.shuffle = shuffle
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self.pad = pad
        self.outputs = list(outputs)
        self.pass_index = 0
        self.position = 0
        self._iterator = None
        self.loader = None
        self.source = None
        if isinstance(data, ArraySource):
            self.source = data
            self.local_batch = max(1, math.ceil(batch_size / world_size))
        else:
            self.loader = self._make_loader(data, collate)

    # -- torch data sets

    def _make_loader(self, data, collate):
        if isinstance(data, DataLoader):
            sampler = getattr(data, "sampler", None)
            if (
                self.world_size > 1
                and not isinstance(sampler, DistributedSampler)
                and not isinstance(data.dataset, IterableDataset)
            ):
                batch = data.batch_size or self.batch_size
                return DataLoader(
                    data.dataset,
                    batch_size=batch,
                    sampler=DistributedSampler(
                        data.dataset, self.world_size, self.rank, shuffle=self.shuffle, seed=self.seed
                    ),
                    collate_fn=data.collate_fn,
                    num_workers=data.num_workers,
                    pin_memory=data.pin_memory,
                    drop_last=data.drop_last,
                )
            return data
        if isinstance(data, IterableDataset):
            return DataLoader(data, batch_size=self.batch_size, collate_fn=collate)
        if isinstance(data, Dataset) or hasattr(data, "__getitem__"):
            local = max(1, math.ceil(self.batch_size / self.world_size))
            if self.world_size > 1:
                sampler = DistributedSampler(
                    data, self.world_size, self.rank, shuffle=self.shuffle, seed=self.seed
                )
                return DataLoader(data, batch_size=local, sampler=sampler, collate_fn=collate)
            generator = torch.Generator()
            generator.manual_seed(self.seed)
            return DataLoader(
                data, batch_size=local, shuffle=self.shuffle, generator=generator, collate_fn=collate
            )
        raise TypeError(f"cannot train on {type(data).__name__}: give arrays, a Dataset or a DataLoader")

    # -- passes

    def _indices(self, pass_index):
        n = len(self.source)
        if not self.pad:  # evaluation: every sample exactly once over all processes
            if self.shuffle:
                g = torch.Generator()
                g.manual_seed(self.seed + pass_index)
                order = torch.randperm(n, generator=g).numpy()
            else:
                order = np.arange(n)
            return order[self.rank :: self.world_size]
        if self.world_size == 1 and not self.shuffle:
            return np.arange(n)
        sampler = DistributedSampler(
            _Range(n), num_replicas=self.world_size, rank=self.rank, shuffle=self.shuffle, seed=self.seed
        )
        sampler.set_epoch(pass_index)
        return np.fromiter(iter(sampler), dtype=np.int64)

    def _array_pass(self, pass_index, skip=0):
        idx = self._indices(pass_index)
        b = self.local_batch
        for start in range(skip * b, len(idx), b):
            chunk = idx[start : start + b]
            if len(chunk) and np.all(np.diff(chunk) == 1):  # contiguous: a slice (fast on memory maps)
                chunk = slice(int(chunk[0]), int(chunk[-1]) + 1)
            yield self.source.take(chunk)

    def _loader_pass(self, pass_index, skip=0):
        sampler = getattr(self.loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(pass_index)
        it = iter(self.loader)
        for _ in range(skip):
            next(it, None)
        for item in it:
            yield _split_item(item)

    def _new_pass(self, skip=0):
        if self.source is not None:
            return self._array_pass(self.pass_index, skip)
        return self._loader_pass(self.pass_index, skip)

    @property
    def num_batches(self):
        """Batches in one pass (None when the data set has no length)."""
        if self.source is not None:
            n = len(self.source)
            per_rank = (
                math.ceil(n / self.world_size) if self.pad else len(range(self.rank, n, self.world_size))
            )
            return math.ceil(per_rank / self.local_batch)
        try:
            return len(self.loader)
        except TypeError:
            return None

    @property
    def steps(self):
        """Steps in an epoch, for the progress bar (None when unknown)."""
        return self.steps_per_epoch or self.num_batches

    def epoch(self):
        """Yield (step, (inputs, targets, weights)) for one epoch."""
        num = self.num_batches
        if self.steps_per_epoch is None:
            self.position = 0
            for step, batch in enumerate(self._new_pass()):
                self.position = step + 1
                yield step, batch
            self.pass_index += 1
            self.position = 0
            self._iterator = None
            return
        if self._iterator is None:
            self._iterator = self._new_pass(self.position)
        for step in range(self.steps_per_epoch):
            if num is not None and self.position >= num:
                self._interrupted()
                break
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._interrupted()
                num = self.position
                break
            self.position += 1
            yield step, batch
        if num is not None and self.position >= num:
            self.pass_index += 1
            self.position = 0
            self._iterator = None

    def _interrupted(self):
        warnings.warn(
            "Your input ran out of data; interrupting training. Make sure that your dataset or generator "
            "can generate at least `steps_per_epoch * epochs` batches.",
            stacklevel=3,
        )

    def state_dict(self):
        return {"pass_index": self.pass_index, "position": self.position}

    def load_state_dict(self, state):
        self.pass_index = int(state["pass_index"])
        self.position = int(state["position"])
        self._iterator = None


def to_tensors(arrays: dict, device, channels_first=(), kind="input", non_blocking=False):
    """Arrays -> tensors on `device`: floats as float32, integers as int64,
    channels_last inputs named in `channels_first` moved to channels-first."""
    out = {}
    for name, a in arrays.items():
        t = a if isinstance(a, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(a))
        if t.is_floating_point():
            t = t.float()
        elif t.dtype == torch.bool:
            t = t.float() if kind != "input" else t
        else:
            t = t.long()
        if kind == "input" and name in channels_first and t.ndim >= 3:
            t = t.movedim(-1, 1)
        out[name] = t.to(device, non_blocking=non_blocking)
    return out
