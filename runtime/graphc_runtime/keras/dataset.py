"""NumPy (or memory-mapped) arrays as a `keras.utils.PyDataset` of named batches."""

from __future__ import annotations

import keras
import numpy as np

from .. import data as gdata


class ArrayDataset(keras.utils.PyDataset):
    """Batches of `(inputs_by_name, targets[, sample_weights])` in `graphc_runtime.data.batch_order`'s order.

    Rows are read per batch, so memory-mapped arrays larger than memory work.  The
    order of pass `p` over the data depends only on `(seed, p)`; with `repeat=True`
    the data set is an endless stream of passes (batch `i` of the stream is batch
    `i % per_pass` of pass `i // per_pass`), which Keras reads `steps_per_epoch`
    batches at a time, so a run resumed at epoch `e` (`start = e * steps_per_epoch`)
    sees exactly the batches the uninterrupted run saw.

    Targets are a tuple in `output_names` order (one array for a single output), as
    Keras pairs them with the model's outputs; sample weights likewise.
    """

    def __init__(
        self,
        inputs: dict,
        targets: dict,
        *,
        output_names,
        batch_size: int,
        shuffle=False,
        seed: int = 0,
        sample_weight: dict | None = None,
        input_specs: dict | None = None,
        output_specs: dict | None = None,
        repeat: bool = False,
        start: int = 0,
    ):
        super().__init__(workers=1, use_multiprocessing=False)
        self.output_names = [n for n in output_names if n in targets]
        self.n = gdata.num_samples(inputs, targets)
        input_specs = input_specs or {}
        output_specs = output_specs or {}
        # Arrays as the model takes them: the spec's rank (Keras's trailing-1 rule), its dtype.
        self.inputs = {k: _conform(v, input_specs.get(k)) for k, v in inputs.items()}
        self.targets = {k: _conform(targets[k], output_specs.get(k)) for k in self.output_names}
        self.sample_weight = dict(sample_weight) if sample_weight else None
        self.input_dtypes = {k: input_specs[k][1] for k in inputs if k in input_specs}
        self.target_dtypes = {
            k: gdata.target_dtype(output_specs[k][1]) for k in self.output_names if k in output_specs
        }
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = int(seed)
        self.repeat = repeat
        self.start = int(start)
        self.per_pass = gdata.num_batches(self.n, self.batch_size)
        self._orders: dict[int, list] = {}

    @property
    def num_batches(self):
        return None if self.repeat else self.per_pass

    def __len__(self):
        return self.per_pass

    def _order(self, p: int) -> list:
        if p not in self._orders:
            if len(self._orders) > 2:
                self._orders.pop(min(self._orders))
            self._orders[p] = gdata.batch_order(self.n, self.batch_size, self.shuffle, self.seed, p)
        return self._orders[p]

    def indices(self, i: int) -> np.ndarray:
        """The sample indices of batch `i` (counted from `start`)."""
        p, j = divmod(self.start + i, self.per_pass)
        if not self.repeat and p != self.start // self.per_pass:
            raise IndexError(i)
        return self._order(p)[j]

    def __getitem__(self, i):
        index = self.indices(i)
        x = gdata.take(self.inputs, index, self.input_dtypes)
        y = gdata.take(self.targets, index, self.target_dtypes)
        y = tuple(y[n] for n in self.output_names)
        if len(y) == 1:
            y = y[0]
        if self.sample_weight is None:
            return x, y
        sw = gdata.take(self.sample_weight, index, {k: "float32" for k in self.sample_weight})
        ones = np.ones(len(index), "float32")
        sw = tuple(sw.get(n, ones) for n in self.output_names)
        return x, y, sw[0] if len(sw) == 1 else sw


def _conform(array, spec):
    return array if spec is None else gdata.conform(array, spec[0])
