"""`--checkpoint-dir DIR` / `--resume`: one checkpoint per epoch, and exact resumption.

A checkpoint is three files in DIR, written after every epoch:

- `epoch-NNNNN.weights.h5`: the model's and the optimizer's variables
  (`model.save_weights`, a plain Keras weights file);
- `epoch-NNNNN.state.npz`: what that file leaves out and an exact continuation
  needs: the model's non-trainable variables (random-generator states of Dropout
  and friends, which `save_weights` skips) and array state of callbacks
  (EarlyStopping's best weights);
- `state.json`: the epoch count, the seed of the data order, the batch size and
  steps per epoch, the callbacks' changed scalar state (EarlyStopping's wait and
  best, ReduceLROnPlateau's counters, ModelCheckpoint's best), and the names of
  the two files above.  It is replaced atomically last, so a crash mid-write
  leaves the previous checkpoint in force.

Resuming loads all of it before the first step and continues at the next epoch
with the same batches, so a resumed CPU run ends with the weights of an
uninterrupted one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import keras
import numpy as np

from ..cli import UsageError

STATE = "state.json"
FORMAT = 1


def _scalar(value):
    if isinstance(value, (bool, int, float, str)) or value is None:
        return True, value
    if isinstance(value, np.generic) and value.shape == ():
        return True, value.item()
    return False, None


def _array_list(value):
    return isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value)


def _snapshot(callback) -> dict:
    out = {}
    for key, value in vars(callback).items():
        if key in ("model", "_model", "params"):
            continue
        ok, v = _scalar(value)
        if ok:
            out[key] = v
    return out


def read_state(directory) -> dict | None:
    path = os.path.join(directory, STATE)
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            state = json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError(f"{path}: not a readable checkpoint ({e})") from None
    if state.get("format") != FORMAT:
        raise UsageError(f"{path}: checkpoint format {state.get('format')!r}, this runtime reads {FORMAT}")
    return state


class Checkpoint(keras.callbacks.Callback):
    """Writes the checkpoint after each epoch; with `restore` (a state read by `read_state`)
    puts the other callbacks' saved state back once Keras has reset them in `on_train_begin`.
    Put it last in the callback list.

    Under multi-worker training every worker saves (saving runs collective operations),
    the chief into `directory`, the others into a scratch directory deleted at the end.
    """

    def __init__(self, directory, callbacks, run: dict, restore: dict | None = None, chief: bool = True):
        super().__init__()
        self.source = os.fspath(directory)
        self.directory = self.source if chief else tempfile.mkdtemp(prefix="graphc-checkpoint-")
        self.chief = chief
        self.callbacks = [c for c in callbacks if c is not self]
        self.run = dict(run)
        self.restore = restore
        self._initial = []

    def on_train_begin(self, logs=None):
        if self.restore is not None:
            arrays = np.load(os.path.join(self.source, self.restore["arrays"]), allow_pickle=False)
            saved = self.restore.get("callbacks", [])
            for i, cb in enumerate(self.callbacks):
                if i >= len(saved) or saved[i]["class"] != type(cb).__name__:
                    continue
                for key, value in saved[i]["scalars"].items():
                    setattr(cb, key, value)
                for key, count in saved[i]["arrays"].items():
                    setattr(cb, key, [arrays[f"callback{i}.{key}.{k}"] for k in range(count)])
        # What each callback holds now is its initial state: only what training changes is saved.
        self._initial = [_snapshot(cb) for cb in self.callbacks]

    def on_epoch_end(self, epoch, logs=None):
        self.save(epoch + 1)

    def on_train_end(self, logs=None):
        if not self.chief:
            shutil.rmtree(self.directory, ignore_errors=True)

    def save(self, epochs_done: int):
        os.makedirs(self.directory, exist_ok=True)
        stem = f"epoch-{epochs_done:05d}"
        weights, arrays = f"{stem}.weights.h5", f"{stem}.state.npz"
        self.model.save_weights(os.path.join(self.directory, weights))
        store = {
            f"variable{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(save_variables(self.model))
        }
        callbacks = []
        for i, cb in enumerate(self.callbacks):
            initial = self._initial[i] if i < len(self._initial) else {}
            scalars = {k: v for k, v in _snapshot(cb).items() if k not in initial or initial[k] != v}
            lists = {}
            for key, value in vars(cb).items():
                if _array_list(value):
                    lists[key] = len(value)
                    for k, a in enumerate(value):
                        store[f"callback{i}.{key}.{k}"] = a
            callbacks.append({"class": type(cb).__name__, "scalars": scalars, "arrays": lists})
        tmp = os.path.join(self.directory, f".{arrays}.tmp.npz")
        np.savez(tmp, **store)
        os.replace(tmp, os.path.join(self.directory, arrays))
        state = {
            "format": FORMAT,
            "epoch": epochs_done,
            "weights": weights,
            "arrays": arrays,
            "model": self.model.name,
            "variables": len(store) - sum(sum(c["arrays"].values()) for c in callbacks),
            **self.run,
            "callbacks": callbacks,
        }
        tmp = os.path.join(self.directory, f".{STATE}.tmp")
        with open(tmp, "w") as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, os.path.join(self.directory, STATE))
        for name in os.listdir(self.directory):  # older checkpoints
            if name.startswith("epoch-") and not name.startswith(stem):
                os.remove(os.path.join(self.directory, name))


def save_variables(model) -> list:
    """The variables `save_weights` leaves out: all non-trainable ones (seed-generator
    states included), in the model's order."""
    return list(model.non_trainable_variables)


def restore_model(model, directory, state: dict):
    """Load the checkpoint's weights, optimizer state and other variables into `model` (compiled)."""
    if state.get("model") != model.name:
        raise UsageError(
            f"{directory}: the checkpoint is of model {state.get('model')!r}, not {model.name!r}; "
            "use another --checkpoint-dir"
        )
    variables = save_variables(model)
    if state.get("variables") != len(variables):
        raise UsageError(
            f"{directory}: the checkpoint does not match this model's variables; use another --checkpoint-dir"
        )
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(os.path.join(directory, state["weights"]))
    except (ValueError, OSError, KeyError) as e:
        raise UsageError(f"{directory}: cannot load the checkpoint ({str(e).splitlines()[0]})") from None
    arrays = np.load(os.path.join(directory, state["arrays"]), allow_pickle=False)
    for i, v in enumerate(variables):
        v.assign(arrays[f"variable{i}"])
