"""Keras spatial layers in PyTorch (runtime/LAYERS.md): UpSampling, ZeroPadding, Cropping 1-D/2-D/3-D.

Classes (inputs channels-first: (N, C, L), (N, C, H, W), (N, C, D, H, W)):

- UpSampling1D(size=2), UpSampling3D(size=(2, 2, 2)) (nn.Upsample): each step / voxel
  repeated, as Keras's ops.repeat.
- UpSampling2D(size=(2, 2), interpolation="nearest") (nn.Upsample): "nearest" repeats
  rows and columns; "bilinear" is tf.image.resize's half-pixel bilinear (torch's
  align_corners=False), "bicubic", "lanczos3", "lanczos5" and "area" are computed
  as TensorFlow computes them (see augmentation.resize_images).
- ZeroPadding1D/2D/3D (nn.ZeroPad1d/2d/3d): Keras's `padding` forms (an int, one int
  per axis, or (before, after) pairs per axis).
- Cropping1D/2D/3D (K.Layer): Keras's `cropping` forms, likewise.

No constructor takes an inferred size.  `data_format` is accepted and ignored (the
tensors are channels-first whatever Keras's data_format; the compiler converts).
"""

from __future__ import annotations

from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, Layer
from graphc_runtime.torch.layers.conv import keras_tuple, pad_arg

__all__ = [
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
]


def keras_pairs(value, n: int, what: str) -> tuple:
    """Keras's padding/cropping argument of an N-D layer as n (before, after) pairs:
    an int, n ints (symmetric per axis) or n pairs."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{what} cannot be negative, got {value!r}")
        return ((value, value),) * n
    value = tuple(value)
    if n == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (keras_tuple(value, 2, what, allow_zero=True),)
    if len(value) != n:
        raise ValueError(f"{what} should have {n} elements, got {value!r}")
    return tuple(keras_tuple(v, 2, f"{what}[{i}]", allow_zero=True) for i, v in enumerate(value))


# ------------------------------------------------------------------ UpSampling
class _UpSampling(KerasLayer, nn.Upsample):
    rank = 2

    def _setup(self, size, interpolation, name):
        self.size_keras = size
        self.interpolation = interpolation
        nn.Upsample.__init__(self, scale_factor=tuple(float(s) for s in size), mode="nearest")
        self._keras_init(name)

    def reset_parameters(self):
        pass

    def forward(self, x):
        if self.interpolation == "nearest":
            for axis, s in enumerate(self.size_keras):
                if s != 1:
                    x = x.repeat_interleave(s, dim=2 + axis)
            return x
        from graphc_runtime.torch.layers.augmentation import resize_images

        h, w = x.shape[-2:]
        return resize_images(x, (h * self.size_keras[0], w * self.size_keras[1]), self.interpolation)

    def extra_repr(self):
        return f"size={self.size_keras}, interpolation={self.interpolation!r}, name={self.name!r}"


class UpSampling1D(_UpSampling):
    """keras.layers.UpSampling1D on (N, C, L) -> (N, C, L * size)."""

    rank = 1

    def __init__(self, size=2, *, name=None):
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"UpSampling1D: size must be a positive int, got {size!r}")
        self._setup((size,), "nearest", name)


class UpSampling2D(_UpSampling):
    """keras.layers.UpSampling2D on (N, C, H, W) -> (N, C, H * size[0], W * size[1])."""

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", *, name=None):
        size = keras_tuple(size, 2, "size")
        interpolation = str(interpolation).lower()
        from graphc_runtime.torch.layers.augmentation import check_interpolation

        check_interpolation(f"UpSampling2D(interpolation={interpolation!r})", interpolation)
        self._setup(size, interpolation, name)


class UpSampling3D(_UpSampling):
    """keras.layers.UpSampling3D on (N, C, D, H, W) -> (N, C, D * s0, H * s1, W * s2)."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, *, name=None):
        self._setup(keras_tuple(size, 3, "size"), "nearest", name)


# ------------------------------------------------------------------ ZeroPadding
class _ZeroPadding(KerasLayer):
    rank = 2
    _torch = nn.ZeroPad2d

    def _setup(self, padding, name):
        self.pairs = keras_pairs(padding, self.rank, "padding")
        self._torch.__init__(self, tuple(pad_arg(self.pairs)))
        self._keras_init(name)

    def reset_parameters(self):
        pass

    def extra_repr(self):
        return f"{self._torch.extra_repr(self)}, name={self.name!r}"


class ZeroPadding1D(_ZeroPadding, nn.ZeroPad1d):
    """keras.layers.ZeroPadding1D on (N, C, L): padding an int or (before, after)."""

    rank, _torch = 1, nn.ZeroPad1d

    def __init__(self, padding=1, data_format=None, *, name=None):
        self._setup(padding, name)


class ZeroPadding2D(_ZeroPadding, nn.ZeroPad2d):
    """keras.layers.ZeroPadding2D on (N, C, H, W): padding an int, (h, w) or
    ((top, bottom), (left, right))."""

    rank, _torch = 2, nn.ZeroPad2d

    def __init__(self, padding=(1, 1), data_format=None, *, name=None):
        self._setup(padding, name)


class ZeroPadding3D(_ZeroPadding, nn.ZeroPad3d):
    """keras.layers.ZeroPadding3D on (N, C, D, H, W): padding an int, (d, h, w) or
    three (before, after) pairs."""

    rank, _torch = 3, nn.ZeroPad3d

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, *, name=None):
        self._setup(padding, name)


# ------------------------------------------------------------------ Cropping
class _Cropping(Layer):
    rank = 2

    def _setup(self, cropping, name):
        Layer.__init__(self, name=name)
        self.cropping = keras_pairs(cropping, self.rank, "cropping")

    def forward(self, x):
        index = [slice(None), slice(None)]
        for axis, (before, after) in enumerate(self.cropping):
            size = x.shape[2 + axis]
            if before + after >= size:
                raise ValueError(
                    f"{type(self).__name__}: cropping {self.cropping} leaves nothing of the input's "
                    f"spatial shape {tuple(x.shape[2:])}"
                )
            index.append(slice(before, size - after))
        return x[tuple(index)]

    def extra_repr(self):
        return f"cropping={self.cropping}, name={self.name!r}"


class Cropping1D(_Cropping):
    """keras.layers.Cropping1D on (N, C, L): cropping an int or (before, after)."""

    rank = 1

    def __init__(self, cropping=(1, 1), *, name=None):
        self._setup(cropping, name)


class Cropping2D(_Cropping):
    """keras.layers.Cropping2D on (N, C, H, W): cropping an int, (h, w) or
    ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, *, name=None):
        self._setup(cropping, name)


class Cropping3D(_Cropping):
    """keras.layers.Cropping3D on (N, C, D, H, W): cropping an int, (d, h, w) or three pairs."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, *, name=None):
        self._setup(cropping, name)
