"""What every Keras layer in PyTorch shares (see runtime/LAYERS.md).

`KerasLayer` is the mixin: Keras name, initializers, regularizers,
constraints, weight loading.  `Layer` is the base of layers with no torch.nn
counterpart; `Model` marks a generated class that is a nested Keras model.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------------------------------------------ activations


def _sparse_plus(x):
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, x, (x + 1) ** 2 / 4))


def _sparse_sigmoid(x):
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, torch.ones_like(x), (x + 1) / 2))


def _squareplus(x, b=4.0):
    return (x + torch.sqrt(x * x + b)) / 2


def _sparsemax(x, dim=-1):
    """Keras 3's sparsemax on TensorFlow (keras/src/backend/tensorflow/nn.py), as
    it computes it: the threshold is (the sum of the cumulative sums over the
    support - 1) / k, not the textbook cumsum[k] (Keras is the reference)."""
    z, _ = torch.sort(x, dim=dim, descending=True)
    cumsum = z.cumsum(dim)
    r = torch.arange(1, x.shape[dim] + 1, device=x.device, dtype=x.dtype)
    shape = [1] * x.ndim
    shape[dim] = -1
    r = r.view(shape)
    support = z - (cumsum - 1) / r > 0
    k = support.to(x.dtype).sum(dim=dim, keepdim=True)
    tau = (torch.where(support, cumsum, torch.zeros_like(cumsum)).sum(dim=dim, keepdim=True) - 1) / k
    return torch.clamp(x - tau, min=0)


# Keras activation name -> f(x, dim) (dim: the torch dimension of Keras's last axis)
ACTIVATIONS = {
    "linear": lambda x, dim: x,
    "relu": lambda x, dim: F.relu(x),
    "relu6": lambda x, dim: F.relu6(x),
    "sigmoid": lambda x, dim: torch.sigmoid(x),
    "tanh": lambda x, dim: torch.tanh(x),
    "softmax": lambda x, dim: F.softmax(x, dim=dim),
    "log_softmax": lambda x, dim: F.log_softmax(x, dim=dim),
    "gelu": lambda x, dim: F.gelu(x),  # Keras's activation string is the exact (erf) gelu
    "silu": lambda x, dim: F.silu(x),
    "swish": lambda x, dim: F.silu(x),
    "elu": lambda x, dim: F.elu(x),
    "selu": lambda x, dim: F.selu(x),
    "celu": lambda x, dim: F.celu(x),
    "softplus": lambda x, dim: F.softplus(x),
    "softsign": lambda x, dim: F.softsign(x),
    "mish": lambda x, dim: F.mish(x),
    "exponential": lambda x, dim: torch.exp(x),
    "hard_sigmoid": lambda x, dim: F.hardsigmoid(x),  # Keras 3: relu6(x + 3) / 6
    "hard_silu": lambda x, dim: F.hardswish(x),
    "hard_swish": lambda x, dim: F.hardswish(x),
    "hard_tanh": lambda x, dim: F.hardtanh(x),
    "hard_shrink": lambda x, dim: F.hardshrink(x, 0.5),
    "soft_shrink": lambda x, dim: F.softshrink(x, 0.5),
    "tanh_shrink": lambda x, dim: F.tanhshrink(x),
    "leaky_relu": lambda x, dim: F.leaky_relu(x, 0.2),  # Keras's function default slope is 0.2
    "log_sigmoid": lambda x, dim: F.logsigmoid(x),
    "sparse_plus": lambda x, dim: _sparse_plus(x),
    "sparse_sigmoid": lambda x, dim: _sparse_sigmoid(x),
    "squareplus": lambda x, dim: _squareplus(x),
    "sparsemax": lambda x, dim: _sparsemax(x, dim),
}


def activation(name):
    """Keras's activation `name` as f(x, dim); None means linear."""
    name = name or "linear"
    if name not in ACTIVATIONS:
        raise NotImplementedError(f"activation {name!r} has no PyTorch spelling in graphc_runtime")
    return ACTIVATIONS[name]


# ------------------------------------------------------------------ initializers
def _spec(spec):
    """(class-or-function name normalised, config) of a Keras initializer/regularizer/constraint."""
    if spec is None:
        return None, {}
    if isinstance(spec, str):
        return spec.lower().replace("_", ""), {}
    if isinstance(spec, dict):
        return str(spec.get("class_name", "")).lower().replace("_", ""), dict(spec.get("config", {}))
    raise TypeError(f"not a Keras spec: {spec!r}")


def _truncated_normal_(t, std, generator=None):
    # Keras's TruncatedNormal: cut at two deviations
    with torch.no_grad():
        return nn.init.trunc_normal_(t, 0.0, std, -2 * std, 2 * std)


def initialize_(tensor, spec, fan_in: int, fan_out: int):
    """Draw `tensor` like Keras's initializer `spec` with Keras's fans; `spec` is a
    name, a {"class_name", "config"} dict or a graphc_runtime.torch.initializers object."""
    if hasattr(spec, "initialize_"):
        return spec.initialize_(tensor, fan_in, fan_out)
    name, cfg = _spec(spec)
    seedless = {k: v for k, v in cfg.items() if k != "seed"}
    with torch.no_grad():
        if name in ("zeros", "zero"):
            return tensor.zero_()
        if name in ("ones", "one"):
            return tensor.fill_(1.0)
        if name == "constant":
            return tensor.fill_(float(seedless.get("value", 0.0)))
        if name in ("randomnormal", "normal"):
            return tensor.normal_(float(seedless.get("mean", 0.0)), float(seedless.get("stddev", 0.05)))
        if name in ("randomuniform", "uniform"):
            return tensor.uniform_(float(seedless.get("minval", -0.05)), float(seedless.get("maxval", 0.05)))
        if name == "truncatednormal":
            mean, std = float(seedless.get("mean", 0.0)), float(seedless.get("stddev", 0.05))
            nn.init.trunc_normal_(tensor, mean, std, mean - 2 * std, mean + 2 * std)
            return tensor
        if name == "orthogonal":
            flat = tensor.view(tensor.shape[0], -1) if tensor.dim() > 1 else tensor
            nn.init.orthogonal_(flat, gain=float(seedless.get("gain", 1.0)))
            return tensor
        if name == "identity":
            nn.init.eye_(tensor)
            return tensor.mul_(float(seedless.get("gain", 1.0)))
        presets = {
            "glorotuniform": (1.0, "fan_avg", "uniform"),
            "glorotnormal": (1.0, "fan_avg", "truncated_normal"),
            "heuniform": (2.0, "fan_in", "uniform"),
            "henormal": (2.0, "fan_in", "truncated_normal"),
            "lecununiform": (1.0, "fan_in", "uniform"),
            "lecunnormal": (1.0, "fan_in", "truncated_normal"),
        }
        if name in presets:
            scale, mode, dist = presets[name]
        elif name == "variancescaling":
            scale = float(seedless.get("scale", 1.0))
            mode = seedless.get("mode", "fan_in")
            dist = seedless.get("distribution", "truncated_normal")
        else:
            raise NotImplementedError(f"initializer {spec!r} has no PyTorch spelling in graphc_runtime")
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        scale /= max(1.0, n)
        if dist == "uniform":
            limit = math.sqrt(3.0 * scale)
            return tensor.uniform_(-limit, limit)
        if dist in ("truncated_normal", "normal"):  # Keras: "normal" means truncated normal
            std = math.sqrt(scale) / 0.87962566103423978
            nn.init.trunc_normal_(tensor, 0.0, std, -2 * std, 2 * std)
            return tensor
        if dist == "untruncated_normal":
            return tensor.normal_(0.0, math.sqrt(scale))
        raise NotImplementedError(f"VarianceScaling distribution {dist!r}")


# ------------------------------------------------------------------ regularizers and constraints
def penalty(tensor, spec):
    """Keras's regularizer `spec` on `tensor` (a scalar), or None; `spec` is a name, a
    dict or a graphc_runtime.torch.regularizers object."""
    if callable(spec) and not isinstance(spec, (str, dict)):
        return spec(tensor)
    name, cfg = _spec(spec)
    if name is None:
        return None
    if name == "l2":
        return float(cfg.get("l2", 0.01)) * tensor.square().sum()
    if name == "l1":
        return float(cfg.get("l1", 0.01)) * tensor.abs().sum()
    if name == "l1l2":
        l1, l2 = float(cfg.get("l1", 0.0)), float(cfg.get("l2", 0.0))
        out = tensor.new_zeros(())
        if l1:
            out = out + l1 * tensor.abs().sum()
        if l2:
            out = out + l2 * tensor.square().sum()
        return out
    raise NotImplementedError(f"regularizer {spec!r} has no PyTorch spelling in graphc_runtime")


def constrain_(tensor, spec, axis):
    """Apply Keras's constraint `spec` to `tensor` in place; `axis`: the torch
    dimensions Keras's norm axis covers (Keras's default axis=0 of its kernel); `spec`
    is a name, a dict or a graphc_runtime.torch.constraints object."""
    if hasattr(spec, "apply_"):
        return spec.apply_(tensor, axis)
    name, cfg = _spec(spec)
    if name is None:
        return
    with torch.no_grad():
        if name in ("nonneg",):
            tensor.clamp_(min=0.0)
            return
        eps = 1e-7  # keras.backend.epsilon()
        if cfg.get("axis", 0) not in (0, None):
            raise NotImplementedError(f"constraint {spec!r}: only Keras's default axis=0 is supported")
        norms = tensor.square().sum(dim=axis, keepdim=True).sqrt()
        if name in ("maxnorm",):
            m = float(cfg.get("max_value", 2.0))
            desired = norms.clamp(0.0, m)
            tensor.mul_(desired / (eps + norms))
        elif name in ("unitnorm",):
            tensor.div_(eps + norms)
        elif name in ("minmaxnorm",):
            lo, hi = float(cfg.get("min_value", 0.0)), float(cfg.get("max_value", 1.0))
            rate = float(cfg.get("rate", 1.0))
            desired = rate * norms.clamp(lo, hi) + (1 - rate) * norms
            tensor.mul_(desired / (eps + norms))
        else:
            raise NotImplementedError(f"constraint {spec!r} has no PyTorch spelling in graphc_runtime")


# ------------------------------------------------------------------ the mixin
def _assign(tensor, array):
    value = torch.as_tensor(np.asarray(array).copy(), dtype=tensor.dtype)
    if tuple(value.shape) != tuple(tensor.shape):
        raise ValueError(f"shape {tuple(value.shape)} != {tuple(tensor.shape)}")
    with torch.no_grad():
        tensor.copy_(value)


# Keras's model-level `training` while a trainer runs the model (see model_training)
_MODEL_TRAINING: contextvars.ContextVar = contextvars.ContextVar("keras_model_training", default=None)


@contextlib.contextmanager
def model_training(training):
    """Run the model as Keras's trainers do: `training` (True in fit, False in evaluate and
    predict) is given to the whole model, and it wins over the `training=` a layer was
    called with (keras/src/models/functional.py `operation_fn` passes the model's value to
    every layer).  Outside it (None, a plain `model(x)` as Keras's `model(x)` with
    training=None), each call's `training=` applies."""
    token = _MODEL_TRAINING.set(None if training is None else bool(training))
    try:
        yield
    finally:
        _MODEL_TRAINING.reset(token)


def call_in_mode(call, module, training: bool, args, kwargs):
    """`call(*args, **kwargs)` with `module` and every module inside it in training
    (`training=True`) or inference mode, their own modes restored afterwards: Keras's
    call-time `layer(x, training=...)`, which overrides the model's mode for that call."""
    saved = [(m, m.training) for m in module.modules()]
    module.train(bool(training))
    try:
        return call(*args, **kwargs)
    finally:
        for m, mode in saved:
            m.training = mode


class KerasLayer:
    """Mixin of every layer: Keras name and the hooks of LAYERS.md.

    Subclasses list `keras_weights_spec`: for each of Keras's get_weights()
    arrays in order, (attribute path, to_torch(array), to_keras(tensor)),
    and may declare `regularized` / `constrained`: {Keras argument:
    (attribute path, torch dims of Keras's norm axis)}.
    """

    name: str = ""
    keras_weights_spec: tuple = ()
    regularized: dict = {}
    constrained: dict = {}
    activity_loss = None

    def __init_subclass__(cls, **kw):
        """Every layer takes Keras's base-layer keyword `trainable=` (unless its own
        constructor does): `K.Dense(4, 2, trainable=False)` freezes its weights."""
        super().__init_subclass__(**kw)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_takes_trainable", False):
            return
        if "trainable" in inspect.signature(init).parameters:
            return

        @functools.wraps(init)
        def __init__(self, *args, trainable=True, **kwargs):
            init(self, *args, **kwargs)
            if not trainable and type(self).__init__ is __init__:
                self.trainable = False

        __init__._takes_trainable = True
        cls.__init__ = __init__

    @property
    def trainable(self) -> bool:
        """Keras's `layer.trainable`: False freezes the layer's weights (those torch
        itself freezes, such as a second RNN bias, stay frozen either way)."""
        return self.__dict__.get("_keras_trainable", True)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        frozen = self.__dict__.setdefault("_keras_frozen", None)
        if not value and self.trainable:
            self.__dict__["_keras_frozen"] = [p for p in self.parameters() if not p.requires_grad]
            for p in self.parameters():
                p.requires_grad_(False)
        elif value and not self.trainable:
            keep = {id(p) for p in frozen or ()}
            for p in self.parameters():
                p.requires_grad_(id(p) not in keep)
        self.__dict__["_keras_trainable"] = value

    def __call__(self, *args, training=None, **kwargs):
        """Keras's call-time `training=`: True or False runs this call of the layer (and of the
        layers inside it) in training or inference mode whatever the model's mode
        (Monte-Carlo dropout: `self.dropout(x, training=True)`); None follows `self.training`.
        Inside `model_training(...)` (graphc_runtime's fit, evaluate and predict), the model's
        mode wins, as in Keras."""
        if training is None or _MODEL_TRAINING.get() is not None:
            return super().__call__(*args, **kwargs)
        return call_in_mode(super().__call__, self, training, args, kwargs)

    def _keras_init(self, name: str | None, **kw):
        self.name = name or ""
        self.keras_config = kw  # the Keras arguments given (regularizers, constraints...)

    def _attr(self, path: str):
        obj = self
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    def load_keras(self, arrays):
        arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
        spec = self.keras_weights_spec
        if len(arrays) != len(spec):
            raise ValueError(f"{self.name!r}: expected {len(spec)} arrays, got {len(arrays)}")
        for (path, to_torch, _), a in zip(spec, arrays):
            _assign(self._attr(path), to_torch(a))

    def keras_arrays(self) -> list:
        return [
            to_keras(self._attr(path).detach().cpu().numpy()) for path, _, to_keras in self.keras_weights_spec
        ]

    def regularization_loss(self):
        total = None
        for arg, (path, _) in self.regularized.items():
            spec = self.keras_config.get(arg)
            if spec is None:
                continue
            p = penalty(self._attr(path), spec)
            if p is not None:
                total = p if total is None else total + p
        return total

    def apply_constraints(self):
        for arg, (path, axis) in self.constrained.items():
            spec = self.keras_config.get(arg)
            if spec is not None:
                constrain_(self._attr(path), spec, axis)


class Layer(KerasLayer, nn.Module):
    """A Keras layer with no torch.nn counterpart."""

    def __init__(self, *, name=None, **config):
        nn.Module.__init__(self)
        self._keras_init(name, **config)

    def reset_parameters(self):
        pass


class Model(nn.Module):
    """A generated class that is a nested Keras model: `name` prefixes its layers.
    Called with `training=True/False`, it runs in that mode for the call (Keras's
    `model(x, training=...)`)."""

    name: str = ""

    def __call__(self, *args, training=None, **kwargs):
        if training is None or _MODEL_TRAINING.get() is not None:
            return super().__call__(*args, **kwargs)
        return call_in_mode(super().__call__, self, training, args, kwargs)


def same(x):
    return x


def _walk(module, prefix=""):
    """(Keras name of each KerasLayer, layer), nested Keras models as "outer/inner".
    A KerasLayer's own children are its business: a wrapper (Bidirectional,
    TimeDistributed, SpectralNormalization) lists its inner layer's weights in its
    own spec, as Keras's get_weights() does."""
    for child in module.children():
        if isinstance(child, KerasLayer):
            yield prefix + child.name, child
        elif isinstance(child, Model):
            yield from _walk(child, prefix + child.name + "/")
        else:  # a block, a container
            yield from _walk(child, prefix)


def load_keras_weights(model, weights):
    """Copy a Keras model's weights ({layer name: get_weights()}) into `model`."""
    for name, layer in _walk(model):
        if not layer.keras_weights_spec:
            continue
        if name not in weights:
            raise KeyError(f"no weights for the Keras layer {name!r}")
        layer.load_keras(weights[name])
    return model


def keras_weights(model) -> dict:
    return {name: layer.keras_arrays() for name, layer in _walk(model) if layer.keras_weights_spec}


def regularization_loss(model):
    total = None
    for _, layer in _walk(model):
        p = layer.regularization_loss()
        if p is not None:
            total = p if total is None else total + p
    return total


def apply_constraints(model):
    for _, layer in _walk(model):
        layer.apply_constraints()


def count_params(model):
    """(trainable, non-trainable) parameter counts as Keras reports them: saved
    buffers (BatchNormalization's moving statistics) count as non-trainable;
    parameters a layer marks `keras_extra` (torch's second RNN bias, frozen at
    zero) are left out."""
    trainable = non_trainable = 0
    for module in model.modules():
        extra = set(getattr(module, "keras_extra", ()))
        for name, p in module.named_parameters(recurse=False):
            if name in extra:
                continue
            if p.requires_grad:
                trainable += p.numel()
            else:
                non_trainable += p.numel()
        saved = {key for key in module.state_dict() if "." not in key}
        for name, b in module.named_buffers(recurse=False):
            if name in saved:
                non_trainable += b.numel()
    return trainable, non_trainable
