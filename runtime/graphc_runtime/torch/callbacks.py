"""Keras's callbacks for the PyTorch trainer: the same names, arguments, hooks
and decisions.

A callback gets `self.model`, the trainer's stand-in for the Keras model:

- `model.stop_training`: set it to True to stop after this batch or epoch;
- `model.optimizer`: the torch optimizer (`get_learning_rate(optimizer)`,
  `set_learning_rate(optimizer, value)` read and change its learning rate);
- `model.module`: the `torch.nn.Module` being trained (unwrapped from DDP);
- `model.get_weights()` / `model.set_weights(w)`: copies of the state_dict;
- `model.save(path)` (weights, optimizer state and epoch) and
  `model.save_weights(path)` (the state_dict), both `torch.save` files;
- `model.metrics`: the metric objects, `model.history`, `model.iterations`,
  `model.is_main_process` (False on DDP ranks other than 0: they decide as
  rank 0 does, but write no files).

Hooks and their arguments are Keras's (`on_epoch_end(epoch, logs)` with a
0-based epoch and logs such as `{"loss": ..., "val_loss": ...}`).  Callbacks
that keep state across epochs have `state_dict()`/`load_state_dict()`, saved
in the trainer's checkpoints, so a resumed run takes the same decisions as an
uninterrupted one.

Differences from Keras, all where Keras raises or cannot apply: `mode="auto"`
also understands per-output names (`val_digit_accuracy`, `digit_loss`);
ModelCheckpoint and BackupAndRestore write PyTorch files (`torch.save`), and
ModelCheckpoint gives the Keras names a GDL file uses PyTorch extensions
(`torch_filepath`): `best.keras` is written as `best.pt` (a dict: "model", the
state_dict; "optimizer"; "epoch"), `best.weights.h5` as `best.weights.pt` (the
state_dict), so that no PyTorch file is mistaken for a Keras one.
"""

from __future__ import annotations

import collections
import collections.abc
import copy
import csv
import json
import os
import shutil
import sys
import time
import warnings

import numpy as np
import torch

__all__ = [
    "Callback",
    "CallbackList",
    "History",
    "EarlyStopping",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "CSVLogger",
    "TensorBoard",
    "LearningRateScheduler",
    "TerminateOnNaN",
    "BackupAndRestore",
    "LambdaCallback",
    "get_learning_rate",
    "set_learning_rate",
]


def _print(msg):
    print(msg, file=sys.stdout, flush=True)


# --------------------------------------------------------------------------
# learning rate of a torch optimizer


def get_learning_rate(optimizer):
    """The optimizer's learning rate: its `learning_rate` attribute (Keras-style
    optimizers) or the first parameter group's "lr"."""
    lr = getattr(optimizer, "learning_rate", None)
    if lr is not None and not callable(lr):
        return float(lr)
    if lr is not None and callable(lr):
        raise TypeError("the optimizer's learning rate is a schedule: it cannot be read as one number")
    return float(optimizer.param_groups[0]["lr"])


def set_learning_rate(optimizer, value):
    """Set the learning rate (stored as float32, as Keras stores it in a
    float32 variable), in every parameter group."""
    value = float(np.float32(value))
    if hasattr(type(optimizer), "learning_rate") or "learning_rate" in getattr(optimizer, "__dict__", {}):
        current = getattr(optimizer, "learning_rate", None)
        if callable(current):
            raise TypeError(
                "this optimizer was created with a learning-rate schedule: its learning rate cannot be set"
            )
        optimizer.learning_rate = value
        return
    for group in optimizer.param_groups:
        if callable(group.get("lr")):
            raise TypeError(
                "this optimizer was created with a learning-rate schedule: its learning rate cannot be set"
            )
        group["lr"] = value


# --------------------------------------------------------------------------
# base classes


class Callback:
    """keras.callbacks.Callback."""

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    # state kept in the trainer's checkpoints
    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        for k, v in state.items():
            setattr(self, k, v)

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


def _overrides(cb, name):
    return getattr(type(cb), name) is not getattr(Callback, name)


class CallbackList:
    """Calls every callback in order (History last, as Keras appends it)."""

    def __init__(self, callbacks=None, model=None, add_history=True, **params):
        self.callbacks = list(callbacks or [])
        self.history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)
            if model is not None:
                cb.set_model(model)
        if model is not None and self.history is not None:
            model.history = self.history

    @property
    def reads_batch_logs(self):
        """Whether some callback looks at per-batch logs (they cost a device sync)."""
        names = ("on_batch_end", "on_train_batch_end", "on_batch_begin", "on_train_batch_begin")
        return any(_overrides(cb, n) for cb in self.callbacks for n in names)

    def __iter__(self):
        return iter(self.callbacks)

    def _call(self, hook, *args, **kwargs):
        for cb in self.callbacks:
            getattr(cb, hook)(*args, **kwargs)

    def __getattr__(self, hook):
        if hook.startswith("on_"):
            return lambda *a, **k: self._call(hook, *a, **k)
        raise AttributeError(hook)

    def state_dict(self):
        return [{"class": type(cb).__name__, "state": cb.state_dict()} for cb in self.callbacks]

    def load_state_dict(self, states):
        """Restore each callback from the saved state of the callback of the same
        class and rank among its class (callbacks added since start fresh)."""
        saved: dict[str, list] = {}
        for s in states:
            saved.setdefault(s["class"], []).append(s["state"])
        seen: dict[str, int] = {}
        for cb in self.callbacks:
            name = type(cb).__name__
            i = seen.get(name, 0)
            seen[name] = i + 1
            if i < len(saved.get(name, [])):
                cb.load_state_dict(saved[name][i])


class History(Callback):
    """Records every epoch's logs: `history.history["val_loss"]`, `history.epoch`."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self

    def state_dict(self):
        return {"history": copy.deepcopy(self.history), "epoch": list(self.epoch)}


class LambdaCallback(Callback):
    """keras.callbacks.LambdaCallback."""

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        for name, fn in [
            ("on_epoch_begin", on_epoch_begin),
            ("on_epoch_end", on_epoch_end),
            ("on_train_begin", on_train_begin),
            ("on_train_end", on_train_end),
            ("on_train_batch_begin", on_train_batch_begin),
            ("on_train_batch_end", on_train_batch_end),
        ]:
            if fn is not None:
                setattr(self, name, fn)


# --------------------------------------------------------------------------
# monitoring


def _less(a, b):
    return a < b


def _greater(a, b):
    return a > b


class MonitorCallback(Callback):
    """keras.src.callbacks.monitor_callback.MonitorCallback."""

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ["auto", "min", "max"]:
            warnings.warn(
                f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = _less
            metrics = list(getattr(self.model, "metrics", None) or [])
            for m in metrics:  # Keras: compile metrics by their own names
                if m.name == name and getattr(m, "_direction", None):
                    self.monitor_op = _greater if m._direction == "up" else _less
            if self.monitor_op is None:
                # Keras raises here; per-output names are clear enough to decide
                outputs = list(getattr(self.model, "output_names", None) or [])
                if name.endswith("_loss") and name[: -len("_loss")] in outputs:
                    self.monitor_op = _less
                for out in outputs:
                    for m in getattr(self.model, "output_metrics", {}).get(out, []):
                        if f"{out}_{m.name}" == name and getattr(m, "_direction", None):
                            self.monitor_op = _greater if m._direction == "up" else _less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received monitor={self.monitor}, but it cannot tell "
                    "whether that metric should be maximized or minimized: pass mode='max' or mode='min'"
                )
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))

    def _monitor_state(self):
        return {
            "best": self.best,
            "min_delta": self.min_delta,
            "monitor_op": None if self.monitor_op is None else self.monitor_op.__name__,
        }

    def load_state_dict(self, state):
        state = dict(state)
        op = state.pop("monitor_op", None)
        self.monitor_op = {"_less": _less, "_greater": _greater}.get(op)
        super().load_state_dict(state)


def _scalar(value):
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value.detach().cpu().numpy()
    return value


class EarlyStopping(MonitorCallback):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs."""

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            _print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                _print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}",
                stacklevel=2,
            )
        return _scalar(value)

    def state_dict(self):
        return {
            **self._monitor_state(),
            "wait": self.wait,
            "stopped_epoch": self.stopped_epoch,
            "best_epoch": self.best_epoch,
            "best_weights": self.best_weights,
        }


# Keras's file name endings (ModelCheckpoint accepts only these) and the PyTorch ones written instead.
KERAS_TO_TORCH_SUFFIX = ((".weights.h5", ".weights.pt"), (".keras", ".pt"), (".h5", ".pt"))


def torch_filepath(filepath: str) -> str:
    """Where ModelCheckpoint(filepath) writes in PyTorch: a Keras ending made a
    PyTorch one (`best.keras` -> `best.pt`, `w.weights.h5` -> `w.weights.pt`);
    other names are kept."""
    for keras_suffix, torch_suffix in KERAS_TO_TORCH_SUFFIX:
        if filepath.endswith(keras_suffix):
            return filepath[: -len(keras_suffix)] + torch_suffix
    return filepath


class ModelCheckpoint(MonitorCallback):
    """Save the model (or its weights) after each epoch or `save_freq` batches;
    `filepath` may contain `{epoch}` and log names (`{val_loss:.2f}`).  A Keras
    ending is written as the PyTorch one (`torch_filepath`): `best.keras` ->
    `best.pt` ({"model": state_dict, "optimizer": ..., "epoch": ...}),
    `best.weights.h5` -> `best.weights.pt` (the state_dict)."""

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = torch_filepath(os.fspath(filepath))
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq}. Expected save_freq are 'epoch' or integer values"
            )

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, batch, logs, filepath):
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = _scalar(logs.get(self.monitor))
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(
                f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                "Falling back to `save_best_only=False`.",
                stacklevel=2,
            )
            return True
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                _print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, "
                    f"saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = dict(logs or {})
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        if not getattr(self.model, "is_main_process", True):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. "
                f"Filepath used is an existing directory: {filepath}"
            )
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        values = {k: _scalar(v) for k, v in logs.items()}
        try:
            if batch is None or "batch" in values:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None

    def state_dict(self):
        return {
            **self._monitor_state(),
            "_batches_seen_since_last_saving": self._batches_seen_since_last_saving,
            "_last_batch_seen": self._last_batch_seen,
        }


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` when `monitor` has stopped improving."""

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def _reduce_lr(self, epoch):
        optimizer = self.model.optimizer
        old_lr = get_learning_rate(optimizer)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_learning_rate(optimizer, new_lr)
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            return True
        return False

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs or {}
        logs["learning_rate"] = get_learning_rate(self.model.optimizer)
        current = _scalar(logs.get(self.monitor))
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_lr(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def state_dict(self):
        return {**self._monitor_state(), "wait": self.wait, "cooldown_counter": self.cooldown_counter}


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch's start: `schedule(epoch, lr)` or `schedule(epoch)`."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, get_learning_rate(optimizer))
        except TypeError:
            lr = self.schedule(epoch)
        if isinstance(lr, torch.Tensor) and lr.numel() == 1:
            lr = float(lr)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        set_learning_rate(optimizer, lr)
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}  # as Keras: an empty dict is not written to
        logs["learning_rate"] = get_learning_rate(self.model.optimizer)


class TerminateOnNaN(Callback):
    """Stop training when the loss becomes NaN or infinite."""

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        loss = logs.get("loss")
        if loss is not None:
            loss = float(_scalar(loss))
            if np.isnan(loss) or np.isinf(loss):
                if self.raise_error:
                    raise RuntimeError(
                        f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                        "Terminating training immediately."
                    )
                _print(f"Batch {batch}: Invalid loss, terminating training")
                self.model.stop_training = True


class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file (appended when resuming)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if not getattr(self.model, "is_main_process", True):
            return
        resumed = bool((self.params or {}).get("resumed"))
        if self.append or resumed:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        d = os.path.dirname(self.filename)
        if d:
            os.makedirs(d, exist_ok=True)
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        if not resumed:
            self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        if not getattr(self.model, "is_main_process", True):
            return
        logs = logs or {}

        def handle_value(k):
            k = _scalar(k)
            is_zero_dim_ndarray = isinstance(k, np.ndarray) and k.ndim == 0
            if isinstance(k, str):
                return k
            if isinstance(k, collections.abc.Iterable) and not is_zero_dim_ndarray:
                return f'"[{", ".join(map(str, k))}]"'
            return k

        if self.keys is None:
            self.keys = sorted(logs.keys())
            if not any(k.startswith("val_") for k in self.keys) and self.keys:
                self.keys.extend([f"val_{k}" for k in self.keys])
        if not self.writer:

            class CustomDialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch"] + (self.keys or []), dialect=CustomDialect
            )
            if self.append_header:
                self.writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        row.update((key, handle_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None

    def state_dict(self):
        return {"keys": self.keys}


class TensorBoard(Callback):
    """Scalars for TensorBoard, as Keras writes them: `log_dir/train` and
    `log_dir/validation`, `epoch_<name>` per epoch (and `batch_<name>` every
    `update_freq` batches), the learning rate, weight histograms every
    `histogram_freq` epochs.  Needs the `tensorboard` package; without it the
    callback says so once and does nothing."""

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._writers = None
        self._global_train_batch = 0
        self._epoch_start = 0.0
        self._iterations_at_epoch_start = 0

    def _open(self):
        if self._writers is not None or not getattr(self.model, "is_main_process", True):
            return
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            _print(
                "TensorBoard: the tensorboard package is not installed (pip install tensorboard): not logging"
            )
            self._writers = {}
            return
        self._writers = {
            "train": SummaryWriter(os.path.join(self.log_dir, "train")),
            "val": SummaryWriter(os.path.join(self.log_dir, "validation")),
        }

    def on_train_begin(self, logs=None):
        self._open()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.time()
        self._iterations_at_epoch_start = getattr(self.model, "iterations", 0)

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if not self._writers or self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        for name, value in (logs or {}).items():
            self._scalar("train", f"batch_{name}", value, self._global_train_batch)

    def _scalar(self, which, tag, value, step):
        value = _scalar(value)
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return
        self._writers[which].add_scalar(tag, float(value), step)

    def on_epoch_end(self, epoch, logs=None):
        if not self._writers:
            return
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and "learning_rate" not in train:
            try:
                train["learning_rate"] = get_learning_rate(optimizer)
            except TypeError:
                pass
        if self.write_steps_per_second:
            steps = getattr(self.model, "iterations", 0) - self._iterations_at_epoch_start
            train["steps_per_second"] = steps / max(time.time() - self._epoch_start, 1e-9)
        for name, value in train.items():
            self._scalar("train", f"epoch_{name}", value, epoch)
        for name, value in val.items():
            self._scalar("val", f"epoch_{name}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for name, p in self.model.module.named_parameters():
                self._writers["train"].add_histogram(f"{name}/histogram", p.detach().float().cpu(), epoch)
        for w in self._writers.values():
            w.flush()

    def on_train_end(self, logs=None):
        for w in (self._writers or {}).values():
            w.close()
        self._writers = None

    def state_dict(self):
        return {"_global_train_batch": self._global_train_batch}


class BackupAndRestore(Callback):
    """Back the whole training state up (weights, optimizer, epoch, callbacks,
    random generators) to `backup_dir` after each epoch, restore it when
    training starts again (the run then continues exactly), delete it when
    training ends.  An integer `save_freq` is accepted but backups are still
    taken at epoch ends: a mid-epoch state could not be continued exactly."""

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._path = os.path.join(self.backup_dir, "latest.pt")
        self._prev_path = self._path + ".bkp"
        self._meta_path = os.path.join(self.backup_dir, "training_metadata.json")

    def state_dict(self):
        return {}

    def paths(self):
        """Where a backup may be, newest first (the trainer restores the first readable one
        before the first epoch, after every callback's on_train_begin)."""
        return [self._path, self._prev_path]

    def save_now(self):
        """Called by the trainer on every process at the end of each epoch, after the
        other callbacks (the state is gathered from all processes; rank 0 writes)."""
        main = getattr(self.model, "is_main_process", True)
        if main:
            os.makedirs(self.backup_dir, exist_ok=True)
            if self.double_checkpoint and os.path.exists(self._path):
                shutil.copyfile(self._path, self._prev_path)
        self.model.save_training_state(self._path)
        if main:
            with open(self._meta_path, "w") as f:
                f.write(json.dumps({"epoch": self.model.epochs_done, "batch": 0}))

    def on_train_end(self, logs=None):
        if not getattr(self.model, "is_main_process", True):
            return
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
