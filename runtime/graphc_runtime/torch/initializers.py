"""Keras 3's initializers for the PyTorch layers (`graphc_runtime.torch.layers`).

`initializers.HeNormal(seed=1)` takes keras.initializers.HeNormal's arguments;
a layer calls `init.initialize_(tensor, fan_in, fan_out)` with Keras's fans of
its weight, and the tensor is drawn from Keras's distribution (the same
distribution, not the same numbers: TensorFlow's random streams are not
torch's).

Seeds, as in Keras 3: an initializer object holds one seed (its `seed=`, or one
drawn from torch's global generator when it is made, as Keras draws one from
its global seed), and every call draws from that seed again: an object shared
by two layers gives both the same values (for the same shape), two objects
with the same seed too; two unseeded objects give different values.  Draws
are made on the CPU and copied, so a seed gives the same values on any device.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "Initializer",
    "Constant",
    "Zeros",
    "Ones",
    "Identity",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "Orthogonal",
]


class Initializer:
    """Base class: `initialize_(tensor, fan_in, fan_out)` fills `tensor` in place."""

    def get_config(self) -> dict:
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def draw(self, shape, fan_in, fan_out, generator) -> torch.Tensor:
        raise NotImplementedError

    def initialize_(self, tensor, fan_in, fan_out):
        with torch.no_grad():
            value = self.draw(tuple(tensor.shape), fan_in, fan_out, self._generator())
            tensor.copy_(value.to(dtype=tensor.dtype))
        return tensor

    def _generator(self):
        return None


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def get_config(self):
        return {"value": self.value}

    def draw(self, shape, fan_in, fan_out, generator):
        return torch.full(shape, float(self.value))


class Zeros(Constant):
    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class Identity(Initializer):
    """`gain` times the identity; Keras's kernel is (in, out), torch's weight
    (out, in): the transposed identity, which is the identity of that shape."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def get_config(self):
        return {"gain": self.gain}

    def draw(self, shape, fan_in, fan_out, generator):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return torch.eye(*shape) * float(self.gain)


class RandomInitializer(Initializer):
    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:  # Keras: random.make_default_seed(), from the global seed
            seed = int(torch.randint(0, 2**31 - 1, ()))
        self.seed = int(seed)

    def get_config(self):
        return {"seed": self._init_seed}

    def _generator(self):
        g = torch.Generator()
        g.manual_seed(self.seed)
        return g


class RandomNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}

    def draw(self, shape, fan_in, fan_out, generator):
        return torch.empty(shape).normal_(float(self.mean), float(self.stddev), generator=generator)


class RandomUniform(RandomInitializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}

    def draw(self, shape, fan_in, fan_out, generator):
        return torch.empty(shape).uniform_(float(self.minval), float(self.maxval), generator=generator)


def _truncated(shape, mean, std, generator):
    """TensorFlow's truncated normal: redrawn beyond two deviations of the mean."""
    t = torch.empty(shape)
    return nn.init.trunc_normal_(t, mean, std, mean - 2 * std, mean + 2 * std, generator=generator)


class TruncatedNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}

    def draw(self, shape, fan_in, fan_out, generator):
        return _truncated(shape, float(self.mean), float(self.stddev), generator)


class VarianceScaling(RandomInitializer):
    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        if input_axes is not None or output_axes is not None:
            raise NotImplementedError("VarianceScaling input_axes/output_axes are not supported in PyTorch")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }

    def draw(self, shape, fan_in, fan_out, generator):
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = float(self.scale) / max(1.0, n)
        if self.distribution == "truncated_normal":
            std = math.sqrt(scale) / 0.87962566103423978  # Keras: the truncation's deviation
            return _truncated(shape, 0.0, std, generator)
        if self.distribution == "untruncated_normal":
            return torch.empty(shape).normal_(0.0, math.sqrt(scale), generator=generator)
        limit = math.sqrt(3.0 * scale)
        return torch.empty(shape).uniform_(-limit, limit, generator=generator)


def _preset(name, scale, mode, distribution):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    return type(
        name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__module__": __name__}
    )


GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (Haar, as Keras's QR with sign correction) times
    `gain`, over the weight flattened to (dim 0, rest): the transpose of Keras's
    (rest, last) for torch's layouts, and a Haar matrix's transpose is one too."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}

    def draw(self, shape, fan_in, fan_out, generator):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        t = torch.empty(shape)
        return nn.init.orthogonal_(t, gain=float(self.gain), generator=generator)
