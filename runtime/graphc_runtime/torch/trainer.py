"""Keras's fit(), evaluate() and predict() for a graphc PyTorch module.

`fit(module, model, data, val_data, epochs=..., ...)` trains `module`'s
model (see runtime/PROTOCOL.md) as `model.fit(...)` trains the Keras model
compiled from the same GDL:

- losses, loss weights and metrics from LOSSES, LOSS_WEIGHTS and METRICS
  (Keras names; "accuracy" resolved from the shapes as compile() does); the
  logged `loss` is the running mean over the epoch of the total (weighted
  losses + `model.regularization_loss()`), `<output>_loss` the unweighted
  per-output losses (only with several losses), metrics running over the
  epoch, `val_` ones after each validation;
- outputs in LOGIT_OUTPUTS are taken as logits: crossentropies use them,
  fused and unclipped, as Keras on TensorFlow recovers them; metrics and the
  other losses see the probabilities;
- CHANNELS_FIRST inputs are given channels_last (as Keras takes them) and
  moved; CHANNELS_FIRST outputs are moved back to channels_last for the
  losses and metrics, whose `axis` arguments therefore mean what they mean in
  Keras;
- `validation_split` is the last fraction, taken before shuffling; sample
  weights (per output or shared), `class_weight`, `initial_epoch`,
  `validation_freq`, `steps_per_epoch` as Keras;
- callbacks are Keras's (graphc_runtime.torch.callbacks);
- LOSS_WEIGHTS = "auto" learns one weight per output (balance.py).

Beyond Keras: `checkpoint_dir` + `resume` (exact continuation), `seed`
(bit-for-bit repeatable CPU runs), `amp` ("bf16" autocast on CPU/CUDA,
"fp16" with loss scaling on CUDA), `compile` (torch.compile), and
DistributedDataParallel under torchrun.
"""

from __future__ import annotations

import collections.abc
import contextlib
import copy
import inspect
import os
import random
import warnings

import numpy as np
import torch
from torch import nn

from ..logs import format_logs, format_value, order_logs
from . import balance, batches, checkpoint, distributed
from . import callbacks as callbacks_module
from . import losses as losses_module
from . import metrics as metrics_module
from .layers.base import model_training
from .progress import Progress

try:  # the shared data module; until it exists, the trainer's minimal copy
    from .. import data as _data
except ImportError:  # pragma: no cover - depends on the installed runtime
    from . import _data_fallback as _data

DataError = getattr(_data, "DataError", ValueError)

KERAS_DEFAULTS = {
    "epochs": 1,
    "batch_size": None,
    "steps_per_epoch": None,
    "validation_split": 0.0,
    "shuffle": True,
    "class_weight": None,
    "sample_weight": None,
    "initial_epoch": 0,
    "validation_freq": 1,
}

__all__ = ["fit", "evaluate", "predict", "FitModel", "DataError"]


# --------------------------------------------------------------------------
# helpers


def _fit_default(module, name, value):
    if value is not None:
        return value
    defaults = getattr(module, "FIT_DEFAULTS", {}) or {}
    if defaults.get(name) is not None:
        return defaults[name]
    return KERAS_DEFAULTS[name]


def _unwrap(model):
    while True:
        if isinstance(model, nn.parallel.DistributedDataParallel):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model


def _penalties(model):
    """What Keras adds to the loss besides the outputs' losses: weight
    regularizers (`model.regularization_loss()` when the model defines it, else
    those of its graphc_runtime layers) and the activity penalties its layers
    recorded in this forward pass."""
    from .layers import base, core

    own = getattr(model, "regularization_loss", None)
    out = [own() if callable(own) else base.regularization_loss(model), core.take_activity_loss(model)]
    return [p for p in out if p is not None]


def _constrain(model):
    """Keras's weight constraints after an optimizer step."""
    from .layers import base

    own = getattr(model, "apply_constraints", None)
    if callable(own):
        own()
    else:
        base.apply_constraints(model)


def _accepts_logits(model):
    try:
        sig = inspect.signature(_unwrap(model).forward)
    except (TypeError, ValueError):
        return True
    return "logits" in sig.parameters or any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())


def _value(t):
    """A logged value: a float for scalars, a NumPy array otherwise."""
    if isinstance(t, torch.Tensor):
        t = t.detach()
        return float(t) if t.numel() == 1 and t.ndim == 0 else t.cpu().numpy()
    return t


def _amp_dtype(amp, device):
    if amp in (None, False, "", "none", "no", "fp32"):
        return None
    if amp is True or amp == "bf16" or amp == "bfloat16":
        return torch.bfloat16
    if amp in ("fp16", "float16", "half"):
        if device.type != "cuda":
            raise ValueError(
                "amp='fp16' needs a CUDA device (float16 autocast with loss scaling); use amp='bf16' on CPU"
            )
        return torch.float16
    raise ValueError(f"amp must be 'bf16' or 'fp16', got {amp!r}")


def _fp32_forward(forward):
    """Run a module outside autocast, in float32 (PyTorch's CPU autocast sends
    LSTMs to oneDNN in bfloat16, which fails: 'could not create a primitive
    descriptor for the LSTM forward propagation primitive')."""

    def run(*args, **kwargs):
        def cast(x):
            if isinstance(x, torch.Tensor) and x.is_floating_point():
                return x.float()
            if isinstance(x, tuple):
                return tuple(cast(v) for v in x)
            return x

        with torch.autocast("cpu", enabled=False):
            return forward(*cast(args), **{k: cast(v) for k, v in kwargs.items()})

    return run


@contextlib.contextmanager
def _autocast_safe(model, device, dtype):
    """Patch the modules CPU autocast cannot run (nn.LSTM) for the duration."""
    patched = []
    if dtype is not None and device.type == "cpu":
        for m in model.modules():
            if isinstance(m, nn.LSTM) and "forward" not in m.__dict__:
                m.forward = _fp32_forward(m.forward)
                patched.append(m)
    try:
        yield
    finally:
        for m in patched:
            del m.forward


def _seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _find(iterable, cls):
    return [x for x in iterable if isinstance(x, cls)]


class _LazyLogs(collections.abc.MutableMapping):
    """Per-batch logs read from the device only if a callback looks at them."""

    def __init__(self, run):
        self._run = run
        self._logs = None

    def _get(self):
        if self._logs is None:
            self._logs = self._run.results(sync=False)
        return self._logs

    def __getitem__(self, key):
        return self._get()[key]

    def __setitem__(self, key, value):
        self._get()[key] = value

    def __delitem__(self, key):
        del self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self):
        return len(self._get())

    def __repr__(self):
        return repr(self._get())


# --------------------------------------------------------------------------
# the model as callbacks see it


class FitModel:
    """What callbacks get as `self.model` (Keras's Model stand-in)."""

    def __init__(self, run):
        self._run = run
        self.stop_training = False
        self.history = None
        self._initial_epoch = None
        self.epochs_done = 0

    @property
    def module(self):
        return self._run.model

    @property
    def optimizer(self):
        return self._run.optimizer

    @property
    def metrics(self):
        return [m for ms in self._run.metrics.values() for m in ms]

    @property
    def output_metrics(self):
        return self._run.metrics

    @property
    def output_names(self):
        return list(self._run.outputs)

    @property
    def is_main_process(self):
        return self._run.ctx.is_main

    @property
    def iterations(self):
        return self._run.iterations

    def get_weights(self):
        return {k: v.detach().cpu().clone() for k, v in self._run.model.state_dict().items()}

    def set_weights(self, weights):
        self._run.model.load_state_dict(weights)

    def save_weights(self, path):
        torch.save(self._run.model.state_dict(), os.fspath(path))

    def save(self, path):
        torch.save(
            {
                "model": self._run.model.state_dict(),
                "optimizer": self._run.optimizer.state_dict() if self._run.optimizer else None,
                "epoch": self.epochs_done,
            },
            os.fspath(path),
        )

    def save_training_state(self, path):
        self._run.save_checkpoint(path, self.epochs_done)

    def load_training_state(self, path):
        payload = checkpoint.load(path)
        self._run.apply_checkpoint(payload)
        return True


# --------------------------------------------------------------------------
# one training or evaluation run


class _Run:
    def __init__(self, module, model, *, device=None, amp=None, compile=False, training=True, optimizer=None):
        self.module = module
        self.ctx = distributed.setup(device)
        self.device = self.ctx.device
        self.model = model.to(self.device)
        self.inputs = list(module.INPUT_SPECS)
        self.outputs = list(module.OUTPUT_SPECS)
        self.channels_first = set(getattr(module, "CHANNELS_FIRST", ()) or ())
        self.logit_outputs = [n for n in (getattr(module, "LOGIT_OUTPUTS", ()) or ()) if n in self.outputs]
        if not _accepts_logits(model):  # a model without forward(..., logits=...) returns probabilities
            self.logit_outputs = []
        self.activations = dict(getattr(module, "LOGIT_ACTIVATIONS", {}) or {})
        self.pass_logits = bool(self.logit_outputs)
        self.amp_dtype = _amp_dtype(amp, self.device)
        self.iterations = 0
        self.loss_specs = dict(getattr(module, "LOSSES", {}) or {})
        self.losses = {}
        weights = getattr(module, "LOSS_WEIGHTS", None)
        self.auto = isinstance(weights, str) and weights == "auto"
        self.loss_weights = {} if self.auto or weights is None else dict(weights)
        self.metric_specs = dict(getattr(module, "METRICS", {}) or {})
        self.metrics: dict[str, list] = {}
        self.trackers: dict[str, metrics_module.Mean] = {}
        self.log_names: list[tuple[str, object]] = []
        self.built = False
        self.balancer = None
        self.optimizer = None
        self.scaler = None
        self.forward = self.model
        if training:
            self._setup_training(compile, optimizer)

    # -- set-up

    def _setup_training(self, use_compile, optimizer):
        module = self.module
        if not self.loss_specs:
            raise ValueError("the model has no compile(...) in its GDL: LOSSES is empty, nothing to train")
        unknown = sorted(set(self.loss_specs) - set(self.outputs))
        if unknown:
            raise ValueError(f"LOSSES names unknown outputs {unknown}; outputs are {self.outputs}")
        if optimizer is None:
            if not hasattr(module, "make_optimizer"):
                raise ValueError("the module has no make_optimizer(model)")
            optimizer = module.make_optimizer(self.model)
        self.optimizer = optimizer
        if self.auto:
            names = [n for n in self.outputs if self.loss_specs.get(n) is not None]
            self.balancer = balance.UncertaintyWeights(names).to(self.device)
            group = {"params": list(self.balancer.parameters())}
            if "weight_decay" in optimizer.defaults:  # the weights are not decayed
                group["weight_decay"] = None if optimizer.defaults["weight_decay"] is None else 0.0
            optimizer.add_param_group(group)
        if self.amp_dtype == torch.float16:
            self.scaler = torch.amp.GradScaler("cuda")
        self.forward = self.model
        if self.ctx.distributed:
            # PyTorch's CPU convolution gives a kernel of one input channel (grayscale images) a
            # gradient in channels_last strides, which differ from the kernel's on that size-1 axis
            # only; DDP then warns "Grad strides do not match bucket view strides" on every process,
            # though it copies such a gradient into its bucket exactly.
            warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
            unused = any(self.loss_specs.get(n) is None for n in self.outputs)
            kwargs = {"device_ids": [self.device.index]} if self.device.type == "cuda" else {}
            self.forward = nn.parallel.DistributedDataParallel(
                self.model, find_unused_parameters=unused, **kwargs
            )
        if use_compile:
            self.forward = torch.compile(self.forward)

    def _probe_activations(self, xs):
        """Which sigmoid/softmax each LOGIT_OUTPUTS output applies, found by
        comparing the model's outputs with and without logits=True (in eval
        mode: no randomness, no state change) unless LOGIT_ACTIVATIONS says."""
        todo = [n for n in self.logit_outputs if n not in self.activations]
        if not todo:
            return
        was_training = self.model.training
        self.model.eval()
        small = {k: v[:4] for k, v in xs.items()}
        args = [small[n] for n in self.inputs]
        with torch.no_grad(), model_training(False):
            probs = self._as_dict(self.model(*args))
            logits = self._as_dict(self.model(*args, logits=True))
        self.model.train(was_training)
        for name in todo:
            p, z = self._layout(name, probs[name].float()), self._layout(name, logits[name].float())
            candidates = [("sigmoid", -1)] + [("softmax", a) for a in [-1] + list(range(1, z.ndim - 1))]
            for act, axis in candidates:
                q = torch.sigmoid(z) if act == "sigmoid" else torch.softmax(z, dim=axis)
                if torch.allclose(q, p, rtol=1e-4, atol=1e-6):
                    self.activations[name] = (act, axis)
                    break
            else:
                raise ValueError(
                    f"output {name!r} is in LOGIT_OUTPUTS but its output is neither the sigmoid nor a softmax "
                    "of its logits; give LOGIT_ACTIVATIONS = {name: ('softmax', axis)} in the module"
                )

    def _build(self, xs, ys, preds):
        """Resolve losses and metrics from the first batch's shapes, as Keras builds compile()."""
        for name in self.outputs:
            spec = self.loss_specs.get(name)
            if spec is not None:
                self.losses[name] = losses_module.resolve(spec, ys[name], preds[name])
        multi = len(self.outputs) > 1
        counts: dict[str, int] = {}
        names = []
        self.trackers = {"loss": metrics_module.Mean(name="loss")}
        for out in self.outputs:
            specs = self.metric_specs.get(out) or []
            if not isinstance(specs, (list, tuple)):
                specs = [specs]
            objs = []
            for spec in specs:
                if isinstance(spec, metrics_module.Metric):
                    m = copy.deepcopy(spec)
                else:
                    m = metrics_module.resolve(spec, ys[out], preds[out])
                objs.append(m)
                key = f"{out}_{m.name}" if multi else m.name
                if key in counts:
                    counts[key] += 1
                    key = f"{key}_{counts[key] - 1}"
                else:
                    counts[key] = 1
                names.append((key, m))
            self.metrics[out] = objs
        self.log_names = [("loss", self.trackers["loss"])] + names
        if len(self.losses) > 1:
            for out in self.losses:
                t = metrics_module.Mean(name=f"{out}_loss")
                self.trackers[f"{out}_loss"] = t
                self.log_names.append((f"{out}_loss", t))
        self.built = True

    # -- forward, losses, metrics

    @staticmethod
    def _as_dict_static(outputs, names):
        if isinstance(outputs, dict):
            return outputs
        if not isinstance(outputs, (tuple, list)):
            outputs = (outputs,)
        if len(outputs) != len(names):
            raise ValueError(f"the model returned {len(outputs)} outputs, OUTPUT_SPECS names {len(names)}")
        return dict(zip(names, outputs))

    def _as_dict(self, outputs):
        return self._as_dict_static(outputs, self.outputs)

    def _layout(self, name, t):
        if name in self.channels_first and t.ndim >= 3:
            return t.movedim(1, -1)
        return t

    def autocast(self):
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def predictions(self, xs, forward):
        args = [xs[n] for n in self.inputs]
        with self.autocast(), model_training(_unwrap(self.model).training):
            raw = forward(*args, logits=True) if self.pass_logits else forward(*args)
        raw = self._as_dict(raw)
        preds = {}
        for name in self.outputs:
            t = self._layout(name, raw[name].float())
            if name in self.logit_outputs:
                act, axis = self.activations[name]
                t = losses_module.sigmoid(t) if act == "sigmoid" else losses_module.softmax(t, axis)
            mask = losses_module.get_mask(raw[name])  # the Keras mask the model put on the output
            if mask is not None:
                losses_module.set_mask(t, mask)
            preds[name] = t
        return preds

    def compute_losses(self, ys, preds, ws):
        per = {}
        for name, loss in self.losses.items():
            sw = ws.get(name)
            if sw is not None and sw.ndim == 1 and preds[name].ndim > 2:
                sw = sw.reshape(-1, *([1] * (preds[name].ndim - 2)))
            per[name] = loss(ys[name], preds[name], sample_weight=sw)
        if self.balancer is not None:
            total = self.balancer(per)
        else:
            total = torch.zeros((), device=self.device)
            for name, value in per.items():
                w = self.loss_weights.get(name)
                total = total + (value if w is None else value * float(w))
        for penalty in _penalties(_unwrap(self.model)):
            total = total + penalty
        return total, per

    def update_metrics(self, ys, preds, total, per, size):
        with torch.no_grad():
            self.trackers["loss"].update_state(total.detach(), sample_weight=size)
            if len(self.losses) > 1:
                for name, value in per.items():
                    self.trackers[f"{name}_loss"].update_state(value.detach(), sample_weight=size)
            for name, ms in self.metrics.items():
                for m in ms:
                    m.update_state(ys[name], preds[name])

    def reset_metrics(self):
        for t in self.trackers.values():
            t.reset_state()
        for ms in self.metrics.values():
            for m in ms:
                m.reset_state()

    def results(self, sync=True):
        """The logs: loss, metrics, per-output losses (Keras's order)."""
        if sync and self.ctx.distributed:
            for _, m in self.log_names:
                m.sync(self.ctx.all_reduce, self.ctx.all_gather_object)
        return {name: _value(m.result()) for name, m in self.log_names}

    # -- steps

    def batch_tensors(self, batch):
        x, y, w = batch
        non_blocking = self.device.type == "cuda"
        xs = batches.to_tensors(x, self.device, self.channels_first, "input", non_blocking)
        ys = batches.to_tensors(y, self.device, (), "target", non_blocking)
        ws = {
            k: v.float()
            for k, v in batches.to_tensors(w or {}, self.device, (), "weight", non_blocking).items()
        }
        missing = [n for n in self.inputs if n not in xs]
        if missing:
            raise DataError(f"the batch has no input {missing[0]!r}; it has {sorted(xs)}")
        missing = [n for n in self.losses or self.loss_specs if n not in ys]
        if missing:
            raise DataError(f"the batch has no target {missing[0]!r}; it has {sorted(ys)}")
        return xs, ys, ws

    def _prepare(self, xs, ys):
        if not self.activations or any(n not in self.activations for n in self.logit_outputs):
            self._probe_activations(xs)

    def train_step(self, batch):
        xs, ys, ws = self.batch_tensors(batch)
        if not self.built:
            self._prepare(xs, ys)
        self.model.train()
        preds = self.predictions(xs, self.forward)
        if not self.built:
            self._build(xs, ys, preds)
        total, per = self.compute_losses(ys, preds, ws)
        self.optimizer.zero_grad(set_to_none=True)
        scaled = self.optimizer.scale_loss(total) if hasattr(self.optimizer, "scale_loss") else total
        if self.scaler is not None:
            self.scaler.scale(scaled).backward()
            self._reduce_balancer_grads()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            scaled.backward()
            self._reduce_balancer_grads()
            self.optimizer.step()
        self.iterations += 1
        with torch.no_grad():
            _constrain(_unwrap(self.model))
        size = len(next(iter(xs.values())))
        self.update_metrics(ys, preds, total, per, size)

    def _reduce_balancer_grads(self):
        if self.balancer is None or not self.ctx.distributed:
            return
        for p in self.balancer.parameters():
            if p.grad is not None:
                self.ctx.all_reduce(p.grad)
                p.grad.div_(self.ctx.world_size)

    def build_only(self, batch):
        xs, ys, _ = self.batch_tensors(batch)
        self._prepare(xs, ys)
        self.model.eval()
        with torch.no_grad():
            self._build(xs, ys, self.predictions(xs, self.model))

    def test_step(self, batch):
        xs, ys, ws = self.batch_tensors(batch)
        if not self.built:
            self._prepare(xs, ys)
        self.model.eval()
        with torch.no_grad():
            preds = self.predictions(xs, self.model)
            if not self.built:
                self._build(xs, ys, preds)
            total, per = self.compute_losses(ys, preds, ws)
            size = len(next(iter(xs.values())))
            self.update_metrics(ys, preds, total, per, size)

    # -- checkpoints

    def checkpoint_payload(self, epochs_done, callbacks=None, data_iter=None, seed=None, history=None):
        rngs = self.ctx.all_gather_object(checkpoint.rng_state())
        return {
            "format": checkpoint.FORMAT,
            "version": checkpoint.VERSION,
            "epoch": epochs_done,
            "iterations": self.iterations,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict() if self.optimizer else None,
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "balancer": self.balancer.state_dict() if self.balancer is not None else None,
            "callbacks": callbacks.state_dict() if callbacks is not None else None,
            "data": data_iter.state_dict() if data_iter is not None else None,
            "seed": seed,
            "world_size": self.ctx.world_size,
            "rng": rngs,
        }

    def save_checkpoint(self, path, epochs_done):
        payload = self.checkpoint_payload(epochs_done, self._callbacks, self._data_iter, self._seed)
        if self.ctx.is_main:
            checkpoint.save(path, payload)
        self.ctx.barrier()

    def apply_checkpoint(self, payload):
        self.model.load_state_dict(payload["model"])
        if self.optimizer is not None and payload.get("optimizer") is not None:
            self.optimizer.load_state_dict(payload["optimizer"])
        if self.scaler is not None and payload.get("scaler") is not None:
            self.scaler.load_state_dict(payload["scaler"])
        if self.balancer is not None and payload.get("balancer") is not None:
            self.balancer.load_state_dict(payload["balancer"])
        if payload.get("callbacks") is not None and self._callbacks is not None:
            self._callbacks.load_state_dict(payload["callbacks"])
        if payload.get("data") is not None and self._data_iter is not None:
            self._data_iter.load_state_dict(payload["data"])
        self.iterations = int(payload.get("iterations", 0))
        rngs = payload.get("rng") or []
        if len(rngs) == self.ctx.world_size:
            checkpoint.set_rng_state(rngs[self.ctx.rank])
        else:  # another number of processes: derive each process's generators
            base = int(payload.get("seed") or 0)
            _seed_everything(base * 7919 + 104729 * int(payload["epoch"]) + self.ctx.rank)
        self._facade._initial_epoch = int(payload["epoch"])
        self._facade.epochs_done = int(payload["epoch"])

    _callbacks = None
    _data_iter = None
    _seed = None
    _facade = None


# --------------------------------------------------------------------------
# data


def _normalize_data(module, data, what):
    """(inputs, targets, weights) dicts from arrays or a path; None for torch data sets."""
    if data is None:
        return None
    if isinstance(data, (str, os.PathLike)):
        a, b = _data.load(data)
        merged = {**(a or {}), **(b or {})}
        inputs = {k: merged[k] for k in module.INPUT_SPECS if k in merged}
        targets = {k: merged[k] for k in module.OUTPUT_SPECS if k in merged}
        _data.check(module, inputs, targets)
        return inputs, targets, None
    if isinstance(data, (tuple, list)) and len(data) in (2, 3) and isinstance(data[0], dict):
        inputs, targets = data[0], data[1]
        weights = data[2] if len(data) == 3 else None
        if targets is not None and all(
            not isinstance(v, torch.Tensor) for v in [*inputs.values(), *targets.values()]
        ):
            _data.check(module, inputs, targets)
        return inputs, targets, weights
    if isinstance(data, (torch.utils.data.Dataset, torch.utils.data.DataLoader)):
        return None
    raise TypeError(
        f"{what}: expected (inputs, targets) dicts of arrays, a .npz path, a Dataset or a DataLoader; "
        f"got {type(data).__name__}"
    )


def _load_shared(ctx, paths):
    """The first readable checkpoint among `paths`, read by rank 0 and sent to all."""
    payload = None
    if ctx.is_main:
        for path in paths:
            if os.path.exists(path):
                try:
                    payload = checkpoint.load(path)
                    break
                except Exception as e:  # a torn or foreign file: try the next one
                    print(f"cannot resume from {path}: {e}", flush=True)
    return ctx.broadcast_object(payload)


def _weights_dict(module, targets, sample_weight, class_weight, given=None):
    outputs = [n for n in module.OUTPUT_SPECS if (getattr(module, "LOSSES", {}) or {}).get(n) is not None]
    if given is not None:
        if sample_weight is not None or class_weight is not None:
            raise ValueError(
                "sample weights came with the data: do not also pass sample_weight or class_weight"
            )
        return batches.sample_weights(targets, outputs, given, None)
    return batches.sample_weights(targets, outputs, sample_weight, class_weight)


def _should_eval(epoch, validation_freq):
    epoch = epoch + 1
    if isinstance(validation_freq, int):
        return epoch % validation_freq == 0
    if isinstance(validation_freq, (list, tuple)):
        return epoch in validation_freq
    raise ValueError(
        f"Expected `validation_freq` to be a list or int. Received: validation_freq={validation_freq}"
    )


# --------------------------------------------------------------------------
# fit


def fit(
    module,
    model=None,
    data=None,
    val_data=None,
    *,
    epochs=None,
    batch_size=None,
    validation_split=None,
    shuffle=None,
    class_weight=None,
    sample_weight=None,
    initial_epoch=None,
    validation_freq=None,
    steps_per_epoch=None,
    validation_steps=None,
    callbacks=None,
    device=None,
    amp=None,
    compile=False,
    seed=None,
    checkpoint_dir=None,
    resume=False,
    quiet=False,
    progress=True,
    optimizer=None,
):
    """Train `module`'s model like Keras's `model.fit`; returns the History
    (`history.history` = {"loss": [...], "val_loss": [...], ...};
    `history.model.module` is the trained nn.Module).

    `data` / `val_data`: `(inputs, targets)` or `(inputs, targets,
    sample_weights)` dicts of channels_last arrays keyed by name, a path to an
    .npz file or a directory of .npy files, or a torch Dataset/DataLoader of
    such items; without `data`, synthetic data shaped from the model.
    Arguments left None take the module's FIT_DEFAULTS, then Keras's defaults.
    `callbacks=None` takes `module.make_callbacks()`.
    `quiet`: print nothing (no progress bar, no epoch lines); `progress=False`: no
    progress bar, one line per epoch (the command line's `--quiet`).
    """
    epochs = _fit_default(module, "epochs", epochs)
    steps_per_epoch = _fit_default(module, "steps_per_epoch", steps_per_epoch)
    validation_split = _fit_default(module, "validation_split", validation_split)
    shuffle = _fit_default(module, "shuffle", shuffle)
    class_weight = _fit_default(module, "class_weight", class_weight)
    sample_weight = _fit_default(module, "sample_weight", sample_weight)
    initial_epoch = _fit_default(module, "initial_epoch", initial_epoch)
    validation_freq = _fit_default(module, "validation_freq", validation_freq)
    batch_size = _fit_default(module, "batch_size", batch_size)

    if seed is not None:
        _seed_everything(seed)
    data_seed = seed if seed is not None else int.from_bytes(os.urandom(4), "little")
    if model is None:
        model = module.build_model()

    ctx = distributed.setup(device)
    if data is None:
        n = (batch_size or 32) * (steps_per_epoch or 4)
        data = _data.synthetic(module, n, data_seed)
    arrays = _normalize_data(module, data, "data")
    val_arrays = _normalize_data(module, val_data, "val_data")

    if arrays is not None:
        inputs, targets, given_w = arrays
        # Keras splits (x, y, sample_weight) first; class weights then apply to the training part only
        weights = _weights_dict(module, targets, sample_weight, None, given_w)
        if class_weight is not None and weights:
            raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
        if validation_split and val_data is None:
            (inputs, targets, weights), (vi, vt, vw) = batches.validation_split(
                (inputs, targets, weights), validation_split
            )
            val_arrays = (vi, vt, vw)
        if class_weight is not None:
            weights = _weights_dict(module, targets, None, class_weight)
        n_total = batches.n_samples(inputs)
        if not batch_size:
            batch_size = int(np.ceil(n_total / steps_per_epoch)) if steps_per_epoch else 32
        train_source = batches.ArraySource(inputs, targets, weights)
    else:
        if validation_split:
            raise ValueError("validation_split needs arrays: give val_data with a Dataset or DataLoader")
        if sample_weight is not None or class_weight is not None:
            raise ValueError(
                "with a Dataset or DataLoader, give sample weights as the third item of each sample"
            )
        batch_size = batch_size or 32
        train_source = data
    if ctx.distributed and seed is not None:
        torch.manual_seed(seed + ctx.rank)  # dropout masks differ between processes

    run = _Run(module, model, device=device, amp=amp, compile=compile, training=True, optimizer=optimizer)
    facade = FitModel(run)
    run._facade = facade
    run._seed = data_seed
    train_iter = batches.EpochIterator(
        train_source,
        batch_size,
        steps_per_epoch,
        shuffle=bool(shuffle),
        seed=data_seed,
        rank=ctx.rank,
        world_size=ctx.world_size,
        pad=True,
    )
    run._data_iter = train_iter
    val_source = None
    if val_arrays is not None:
        vi, vt, vw = val_arrays
        vw = vw if isinstance(vw, dict) else _weights_dict(module, vt, vw, None) if vw is not None else {}
        val_source = batches.ArraySource(vi, vt, vw)
    elif isinstance(val_data, (torch.utils.data.Dataset, torch.utils.data.DataLoader)):
        val_source = val_data

    if callbacks is None:
        maker = getattr(module, "make_callbacks", None)
        callbacks = list(maker()) if callable(maker) else []
    backups = _find(callbacks, callbacks_module.BackupAndRestore)

    payload = None
    ckpt_path = os.path.join(os.fspath(checkpoint_dir), checkpoint.LAST) if checkpoint_dir else None
    if resume:
        if ckpt_path is None:
            raise ValueError("resume=True needs checkpoint_dir")
        payload = _load_shared(ctx, [ckpt_path])
        if payload is None and ctx.is_main and not quiet:
            print(f"no checkpoint in {checkpoint_dir}: starting from scratch", flush=True)
    for b in backups:
        if payload is None:
            payload = _load_shared(ctx, b.paths())

    cbs = callbacks_module.CallbackList(
        callbacks,
        model=facade,
        add_history=True,
        verbose=0 if quiet or not progress else 1,
        epochs=epochs,
        steps=train_iter.steps,
        resumed=payload is not None,
    )
    run._callbacks = cbs
    history = cbs.history
    bar = Progress(enabled=progress and not quiet and ctx.is_main)
    batch_logs_needed = cbs.reads_batch_logs

    with _autocast_safe(run.model, run.device, run.amp_dtype):
        cbs.on_train_begin()
        if payload is not None:
            run.apply_checkpoint(payload)
        start = facade._initial_epoch if facade._initial_epoch is not None else initial_epoch
        facade.epochs_done = start
        epoch_logs = None
        for epoch in range(start, epochs):
            if run.built:
                run.reset_metrics()
            cbs.on_epoch_begin(epoch)
            bar.epoch_start(epoch, epochs, train_iter.steps)
            for step, batch in train_iter.epoch():
                cbs.on_train_batch_begin(step)
                run.train_step(batch)
                cbs.on_train_batch_end(step, _LazyLogs(run) if batch_logs_needed else None)
                bar.step(step + 1, lambda: run.results(sync=False))
                if ctx.distributed and batch_logs_needed:
                    facade.stop_training = ctx.any(facade.stop_training)
                if facade.stop_training:
                    break
            bar.epoch_end()
            if not run.built:
                raise ValueError("the training data gave no batch")
            epoch_logs = run.results()
            if run.balancer is not None:
                epoch_logs.update({f"{k}_loss_weight": v for k, v in run.balancer.weights().items()})
            if val_source is not None and _should_eval(epoch, validation_freq):
                val_logs = _evaluate_run(run, val_source, batch_size, validation_steps, cbs)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            facade.epochs_done = epoch + 1
            if ctx.is_main and not quiet:
                print(format_logs(epoch + 1, epochs, order_logs(epoch_logs, run.outputs)), flush=True)
            if ctx.distributed:
                facade.stop_training = ctx.any(facade.stop_training)
            if ckpt_path is not None:
                run.save_checkpoint(ckpt_path, epoch + 1)
            for b in backups:
                b.save_now()
            if facade.stop_training:
                break
        finalize = getattr(run.optimizer, "finalize_variable_values", None)
        if callable(finalize) and epochs > start:  # Keras's fit: EMA weights into the model
            finalize()
        cbs.on_train_end(epoch_logs)
    return history


# --------------------------------------------------------------------------
# evaluate and predict


def _evaluate_run(run, source, batch_size, steps, cbs=None):
    it = batches.EpochIterator(
        source,
        batch_size,
        steps,
        shuffle=False,
        seed=0,
        rank=run.ctx.rank,
        world_size=run.ctx.world_size,
        pad=False,
    )
    if run.built:
        run.reset_metrics()
    if cbs is not None:
        cbs.on_test_begin()
    for step, batch in it.epoch():
        if cbs is not None:
            cbs.on_test_batch_begin(step)
        run.test_step(batch)
        if cbs is not None:
            cbs.on_test_batch_end(step, None)
    if not run.built:
        if not run.ctx.distributed or not isinstance(source, batches.ArraySource) or not len(source):
            raise ValueError("the evaluation data gave no batch")
        # this process's share was empty: build from one sample without counting it, the state
        # of the others arrives at the sync
        run.build_only(source.take(slice(0, 1)))
    logs = run.results()
    if cbs is not None:
        cbs.on_test_end(logs)
    return logs


def evaluate(
    module,
    model=None,
    data=None,
    *,
    batch_size=None,
    sample_weight=None,
    steps=None,
    device=None,
    amp=None,
    seed=None,
    quiet=True,
    callbacks=None,
):
    """Keras's `model.evaluate(..., return_dict=True)`: {"loss": ..., metrics,
    "<output>_loss": ...} over `data` in inference mode."""
    if seed is not None:
        _seed_everything(seed)
    if model is None:
        model = module.build_model()
    batch_size = batch_size or 32
    if data is None:
        data = _data.synthetic(module, batch_size * (steps or 4), seed or 0)
    arrays = _normalize_data(module, data, "data")
    if arrays is not None:
        inputs, targets, given = arrays
        weights = _weights_dict(module, targets, sample_weight, None, given)
        source = batches.ArraySource(inputs, targets, weights)
    else:
        source = data
    run = _Run(module, model, device=device, amp=amp, training=False)
    if not run.loss_specs:
        raise ValueError("the model has no compile(...) in its GDL: LOSSES is empty, nothing to evaluate")
    facade = FitModel(run)
    cbs = callbacks_module.CallbackList(callbacks or [], model=facade, add_history=False)
    with _autocast_safe(run.model, run.device, run.amp_dtype):
        logs = _evaluate_run(run, source, batch_size, steps, cbs)
    if not quiet and run.ctx.is_main:
        print(" - ".join(f"{k}: {format_value(v)}" for k, v in logs.items()), flush=True)
    return logs


def predict(module, model=None, inputs=None, *, batch_size=32, device=None, amp=None, steps=None):
    """Keras's `model.predict`: {output: NumPy array}, channels_last as Keras
    lays them out (probabilities for sigmoid/softmax outputs)."""
    if model is None:
        model = module.build_model()
    if isinstance(inputs, (str, os.PathLike)):
        a, b = _data.load(inputs)
        merged = {**(a or {}), **(b or {})}
        inputs = {k: merged[k] for k in module.INPUT_SPECS}
    if isinstance(inputs, (tuple, list)) and inputs and isinstance(inputs[0], dict):
        inputs = inputs[0]
    run = _Run(module, model, device=device, amp=amp, training=False)
    if isinstance(inputs, dict):
        source = batches.ArraySource(inputs, {}, {})
    else:
        source = inputs
    it = batches.EpochIterator(source, batch_size, steps, shuffle=False, pad=False)
    outs: dict[str, list] = {n: [] for n in run.outputs}
    run.model.eval()
    with torch.no_grad(), _autocast_safe(run.model, run.device, run.amp_dtype):
        for _, batch in it.epoch():
            x = batch[0] if isinstance(batch, (tuple, list)) else batch
            xs = batches.to_tensors(x, run.device, run.channels_first, "input")
            with run.autocast(), model_training(False):
                raw = run._as_dict(run.model(*[xs[n] for n in run.inputs]))
            for name in run.outputs:
                outs[name].append(run._layout(name, raw[name].float()).cpu().numpy())
    return {k: np.concatenate(v) if v else np.zeros((0,)) for k, v in outs.items()}
