"""Keras reshaping layers in PyTorch (runtime/LAYERS.md): Flatten, Reshape,
Permute, RepeatVector.

All four take and return Keras's layout (the tensor Keras sees: channels last
in a default Keras model).  Flatten also reproduces Keras's
`data_format="channels_first"` (it moves the channels last before flattening),
which makes `Flatten(data_format="channels_first")` applied to a torch
channels-first tensor equal to Keras's default Flatten of the same tensor in
channels-last layout: the compiler may use it to skip a permute.

(The padding, cropping and upsampling layers of keras.layers.reshaping are
spatial layers: see spatial.py.)
"""

from __future__ import annotations

from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, Layer

__all__ = ["Flatten", "Reshape", "Permute", "RepeatVector"]


class Flatten(KerasLayer, nn.Flatten):
    """keras.layers.Flatten(data_format=None): (N, ...) -> (N, prod(...)) in
    Keras's order; a (N,) input becomes (N, 1).  With data_format="channels_first"
    the input's dimension 1 (channels) is moved last first, as Keras does."""

    def __init__(self, data_format=None, *, name=None):
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(
                f"Flatten(data_format=...) must be 'channels_last' or 'channels_first', got {data_format!r}"
            )
        nn.Flatten.__init__(self, 1, -1)
        self._keras_init(name)
        self.data_format = data_format or "channels_last"

    def forward(self, x):
        if x.ndim == 1:
            return x.unsqueeze(1)
        if self.data_format == "channels_first" and x.ndim > 2:
            x = x.permute(0, *range(2, x.ndim), 1)
        return x.flatten(1)

    def extra_repr(self):
        return f"data_format={self.data_format!r}, name={self.name!r}"


class Reshape(Layer):
    """keras.layers.Reshape(target_shape): (N, ...) -> (N, *target_shape) in
    row-major order (one entry may be -1)."""

    def __init__(self, target_shape, *, name=None):
        target_shape = tuple(int(d) for d in target_shape)
        if sum(1 for d in target_shape if d == -1) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError(
                f"Reshape(target_shape=...) takes positive sizes and at most one -1, got {target_shape}"
            )
        super().__init__(name=name)
        self.target_shape = target_shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.target_shape)

    def extra_repr(self):
        return f"{self.target_shape}, name={self.name!r}"


class Permute(Layer):
    """keras.layers.Permute(dims): dims numbers the axes after the batch from 1
    (Keras's convention); the batch stays first."""

    def __init__(self, dims, *, name=None):
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute(dims=...) must be a permutation of 1..{len(dims)}, got {dims}")
        super().__init__(name=name)
        self.dims = dims

    def forward(self, x):
        if x.ndim != len(self.dims) + 1:
            raise ValueError(
                f"Permute{self.dims} expects a {len(self.dims) + 1}D input, got {tuple(x.shape)}"
            )
        return x.permute(0, *self.dims)

    def extra_repr(self):
        return f"{self.dims}, name={self.name!r}"


class RepeatVector(Layer):
    """keras.layers.RepeatVector(n): (N, F) -> (N, n, F)."""

    def __init__(self, n, *, name=None):
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise ValueError(f"RepeatVector(n=...) must be a positive integer, got {n!r}")
        super().__init__(name=name)
        self.n = n

    def forward(self, x):
        if x.ndim != 2:
            raise ValueError(f"RepeatVector expects a 2D input (batch, features), got {tuple(x.shape)}")
        return x.unsqueeze(1).repeat(1, self.n, 1)

    def extra_repr(self):
        return f"{self.n}, name={self.name!r}"
