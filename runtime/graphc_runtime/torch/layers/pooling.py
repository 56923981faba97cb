"""Keras pooling layers in PyTorch (runtime/LAYERS.md).

Classes (inputs channels-first: (N, C, L), (N, C, H, W), (N, C, D, H, W)):

- MaxPooling1D/2D/3D (nn.MaxPool1d/2d/3d), AveragePooling1D/2D/3D (nn.AvgPool1d/2d/3d):
  Keras's `pool_size`, `strides` (None: pool_size), `padding` "valid"/"same".  "same"
  is TensorFlow's split (odd pixel at the end) from the input size at forward time;
  max pooling pads with -inf, average pooling leaves the padding out of each
  average (TF divides by the number of real values in the window).  The torch
  module's own symmetric padding is used where the split is symmetric for every
  size (stride 1, odd pool), torch's padding argument where it is symmetric for
  the input's size (an even total), F.pad only otherwise.
- GlobalAveragePooling1D/2D/3D, GlobalMaxPooling1D/2D/3D (K.Layer): mean / max over
  the spatial axes; (N, C), or with keepdims=True (N, C, 1, ...), channels-first as
  the input.  GlobalAveragePooling1D takes Keras's `mask=` (N, L) (True = keep): the
  average of the kept steps.
- AdaptiveAveragePooling1D/2D/3D, AdaptiveMaxPooling1D/2D/3D
  (nn.AdaptiveAvgPool/AdaptiveMaxPool): Keras's windows [floor(i*n/o), ceil((i+1)*n/o))
  are torch's.

No constructor takes an inferred size.  `data_format` is accepted and ignored (the
tensors are channels-first whatever Keras's data_format; the compiler converts).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, Layer
from graphc_runtime.torch.layers.conv import always_symmetric, keras_padding, keras_tuple, same_pad, same_pads

__all__ = [
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
]

_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}


class _Pooling(KerasLayer):
    rank = 2
    is_max = True
    _torch = nn.MaxPool2d

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, *, name=None):
        n = self.rank
        pool = keras_tuple(pool_size, n, "pool_size")
        strides = pool if strides is None else keras_tuple(strides, n, "strides")
        padding = keras_padding(padding)
        self.keras_pool_size, self.keras_strides, self.keras_padding = pool, strides, padding
        self._dynamic = padding == "same" and not all(always_symmetric(k, s) for k, s in zip(pool, strides))
        torch_padding = 0
        if padding == "same" and not self._dynamic:
            torch_padding = tuple((k - 1) // 2 for k in pool)
        kwargs = {} if self.is_max else {"count_include_pad": False}
        self._torch.__init__(self, pool, stride=strides, padding=torch_padding, **kwargs)
        self._keras_init(name)

    def reset_parameters(self):
        pass

    def forward(self, x):
        if not self._dynamic:
            return self._torch.forward(self, x)
        k, s = self.keras_pool_size, self.keras_strides
        pairs = [same_pads(n, kk, ss) for n, kk, ss in zip(x.shape[2:], k, s)]
        if all(b == a for b, a in pairs):  # symmetric for this size: torch's own padding
            padding = tuple(b for b, _ in pairs)
            if self.is_max:  # torch pads with -inf
                return _MAX_POOL[self.rank](x, k, s, padding)
            return _AVG_POOL[self.rank](x, k, s, padding, count_include_pad=False)
        if self.is_max:
            return _MAX_POOL[self.rank](same_pad(x, k, s, value=-torch.inf), k, s)
        return _avg_pool_same(x, k, s)

    def extra_repr(self):
        return f"{self._torch.extra_repr(self)}, keras_padding={self.keras_padding!r}, name={self.name!r}"


def _window_counts(n: int, k: int, s: int, device, dtype):
    """Number of real (unpadded) positions in each 'same' window along one axis."""
    before, _ = same_pads(n, k, s)
    out = -(-n // s)
    start = torch.arange(out, device=device) * s - before
    stop = start + k
    return (stop.clamp(max=n) - start.clamp(min=0)).to(dtype)


def _avg_pool_same(x, k, s):
    """TensorFlow's average pooling with padding="same": window sums over the real
    values divided by their count."""
    n = len(k)
    padded = same_pad(x, k, s)
    if n == 1:  # avg_pool1d has no divisor_override: go through 2-D
        sums = F.avg_pool2d(
            padded.unsqueeze(-2), (1,) + tuple(k), (1,) + tuple(s), divisor_override=1
        ).squeeze(-2)
    else:
        sums = _AVG_POOL[n](padded, k, s, divisor_override=1)
    counts = None
    for axis, (size, kk, ss) in enumerate(zip(x.shape[2:], k, s)):
        c = _window_counts(size, kk, ss, x.device, x.dtype)
        shape = [1] * n
        shape[axis] = -1
        c = c.view(shape)
        counts = c if counts is None else counts * c
    return sums / counts


class MaxPooling1D(_Pooling, nn.MaxPool1d):
    """keras.layers.MaxPooling1D on (N, C, L)."""

    rank, is_max, _torch = 1, True, nn.MaxPool1d

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, *, name=None):
        _Pooling.__init__(self, pool_size, strides, padding, data_format, name=name)


class MaxPooling2D(_Pooling, nn.MaxPool2d):
    """keras.layers.MaxPooling2D on (N, C, H, W)."""

    rank, is_max, _torch = 2, True, nn.MaxPool2d

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, *, name=None):
        _Pooling.__init__(self, pool_size, strides, padding, data_format, name=name)


class MaxPooling3D(_Pooling, nn.MaxPool3d):
    """keras.layers.MaxPooling3D on (N, C, D, H, W)."""

    rank, is_max, _torch = 3, True, nn.MaxPool3d

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, *, name=None):
        _Pooling.__init__(self, pool_size, strides, padding, data_format, name=name)


class AveragePooling1D(_Pooling, nn.AvgPool1d):
    """keras.layers.AveragePooling1D on (N, C, L) (pool_size is required, as in Keras)."""

    rank, is_max, _torch = 1, False, nn.AvgPool1d


class AveragePooling2D(_Pooling, nn.AvgPool2d):
    """keras.layers.AveragePooling2D on (N, C, H, W) (pool_size is required, as in Keras)."""

    rank, is_max, _torch = 2, False, nn.AvgPool2d


class AveragePooling3D(_Pooling, nn.AvgPool3d):
    """keras.layers.AveragePooling3D on (N, C, D, H, W) (pool_size is required, as in Keras)."""

    rank, is_max, _torch = 3, False, nn.AvgPool3d


# ------------------------------------------------------------------ global pooling
class _GlobalPooling(Layer):
    rank = 2
    is_max = False

    def __init__(self, data_format=None, keepdims=False, *, name=None):
        Layer.__init__(self, name=name)
        self.keepdims = bool(keepdims)
        self._dims = tuple(range(2, 2 + self.rank))

    def forward(self, x):
        if self.is_max:
            return x.amax(dim=self._dims, keepdim=self.keepdims)
        return x.mean(dim=self._dims, keepdim=self.keepdims)

    def extra_repr(self):
        return f"keepdims={self.keepdims}, name={self.name!r}"


class GlobalAveragePooling1D(_GlobalPooling):
    """keras.layers.GlobalAveragePooling1D on (N, C, L) -> (N, C) ((N, C, 1) with
    keepdims).  forward(x, mask=None): mask (N, L), True = keep; the average of the
    kept steps (Keras's sum / count).  The output has no mask."""

    rank = 1

    def forward(self, x, mask=None):
        if mask is None:
            return super().forward(x)
        keep = mask.to(torch.bool).unsqueeze(1)
        total = torch.where(keep, x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(
            2, keepdim=self.keepdims
        )
        count = keep.to(x.dtype).sum(2, keepdim=self.keepdims)
        return total / count

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalPooling):
    """keras.layers.GlobalAveragePooling2D on (N, C, H, W) -> (N, C) ((N, C, 1, 1) with keepdims)."""

    rank = 2


class GlobalAveragePooling3D(_GlobalPooling):
    """keras.layers.GlobalAveragePooling3D on (N, C, D, H, W) -> (N, C) ((N, C, 1, 1, 1) with keepdims)."""

    rank = 3


class GlobalMaxPooling1D(_GlobalPooling):
    """keras.layers.GlobalMaxPooling1D on (N, C, L) -> (N, C) ((N, C, 1) with keepdims)."""

    rank, is_max = 1, True


class GlobalMaxPooling2D(_GlobalPooling):
    """keras.layers.GlobalMaxPooling2D on (N, C, H, W) -> (N, C) ((N, C, 1, 1) with keepdims)."""

    rank, is_max = 2, True


class GlobalMaxPooling3D(_GlobalPooling):
    """keras.layers.GlobalMaxPooling3D on (N, C, D, H, W) -> (N, C) ((N, C, 1, 1, 1) with keepdims)."""

    rank, is_max = 3, True


# ------------------------------------------------------------------ adaptive pooling
class _AdaptivePooling(KerasLayer):
    rank = 2
    _torch = nn.AdaptiveAvgPool2d

    def __init__(self, output_size, data_format=None, *, name=None):
        size = keras_tuple(output_size, self.rank, "output_size")
        self._torch.__init__(self, size)
        self._keras_init(name)

    def reset_parameters(self):
        pass

    def extra_repr(self):
        return f"{self._torch.extra_repr(self)}, name={self.name!r}"


class AdaptiveAveragePooling1D(_AdaptivePooling, nn.AdaptiveAvgPool1d):
    """keras.layers.AdaptiveAveragePooling1D on (N, C, L) -> (N, C, output_size)."""

    rank, _torch = 1, nn.AdaptiveAvgPool1d


class AdaptiveAveragePooling2D(_AdaptivePooling, nn.AdaptiveAvgPool2d):
    """keras.layers.AdaptiveAveragePooling2D on (N, C, H, W) -> (N, C, *output_size)."""

    rank, _torch = 2, nn.AdaptiveAvgPool2d


class AdaptiveAveragePooling3D(_AdaptivePooling, nn.AdaptiveAvgPool3d):
    """keras.layers.AdaptiveAveragePooling3D on (N, C, D, H, W) -> (N, C, *output_size)."""

    rank, _torch = 3, nn.AdaptiveAvgPool3d


class AdaptiveMaxPooling1D(_AdaptivePooling, nn.AdaptiveMaxPool1d):
    """keras.layers.AdaptiveMaxPooling1D on (N, C, L) -> (N, C, output_size)."""

    rank, _torch = 1, nn.AdaptiveMaxPool1d


class AdaptiveMaxPooling2D(_AdaptivePooling, nn.AdaptiveMaxPool2d):
    """keras.layers.AdaptiveMaxPooling2D on (N, C, H, W) -> (N, C, *output_size)."""

    rank, _torch = 2, nn.AdaptiveMaxPool2d


class AdaptiveMaxPooling3D(_AdaptivePooling, nn.AdaptiveMaxPool3d):
    """keras.layers.AdaptiveMaxPooling3D on (N, C, D, H, W) -> (N, C, *output_size)."""

    rank, _torch = 3, nn.AdaptiveMaxPool3d
