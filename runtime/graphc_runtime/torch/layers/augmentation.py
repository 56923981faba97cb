"""Keras image preprocessing and augmentation layers in PyTorch (runtime/LAYERS.md).

Every class is a K.Layer taking and returning a floating-point batch of
channels-first images (N, C, H, W) (Keras: (N, H, W, C)); no constructor takes an
inferred size; `data_format` is accepted and ignored (the compiler converts layouts).

Deterministic layers (the same in training and inference):

- Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
  pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False):
  tf.image.resize as Keras's TensorFlow backend calls it, for every interpolation
  Keras accepts: "nearest" and "bilinear" (TF's half-pixel kernels), "bicubic" (TF's
  Keys a=-0.5 kernel with its 1/1024 coefficient table and renormalised borders),
  "area" (TF's box filter), "lanczos3", "lanczos5" and the antialiased kernels
  (TF's scale_and_translate); the aspect-ratio crop and pad as Keras computes them
  (the pad is the same on both sides).
- CenterCrop(height, width): the central window; an image smaller than the window
  on either axis is cropped to the target aspect ratio and resized (bilinear), as
  Keras's smart_resize.

Random layers: identity in eval mode (Keras's inference), Keras's random transform
in training mode (`self.training`).  `seed` seeds a torch.Generator of the layer
(draws on the CPU, then moved to the input's device); without a seed they draw from
torch's global generator.  The draws are Keras's distributions, not its numbers.

- RandomFlip(mode): each image flipped with probability 1/2; "horizontal_and_vertical"
  flips both axes of the chosen images together (Keras draws one flip per image).
- RandomRotation(factor, fill_mode, interpolation, seed, fill_value), RandomZoom(height_factor,
  width_factor, ...), RandomTranslation(height_factor, width_factor, ...): Keras's
  per-image affine matrices applied as TF's ImageProjectiveTransformV3 (fill modes
  reflect / wrap / constant / nearest, interpolations nearest / bilinear).
- RandomContrast(factor, value_range): per-image factor uniform in
  [1 - lower, 1 + upper] with Keras's (lower, upper) = factor parsed against its
  bounds (0, 1) (so a single number f gives [1, 1 + f], as in Keras 3); output clipped
  to value_range.
- RandomBrightness(factor, value_range): per-image delta uniform in factor's range
  times the value range's width, added, clipped to value_range.
- RandomCrop(height, width, seed): in training, one random window for the whole
  batch when the image is larger than the window on both axes, otherwise Keras's
  aspect crop then a bilinear resize; in eval mode the input unchanged (Keras 3.15
  returns the uncropped input at inference).

Inputs must be floating point (Keras casts integer images to the layer's float
dtype first; do the same before calling).  Not supported: bounding boxes,
segmentation masks and dict inputs; unbatched (3-D) images.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from graphc_runtime.torch.layers.base import Layer

__all__ = [
    "Resizing",
    "CenterCrop",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomZoom",
    "RandomTranslation",
    "RandomContrast",
    "RandomBrightness",
]

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
_f32 = np.float32


def check_interpolation(what: str, interpolation: str, allowed=RESIZE_INTERPOLATIONS) -> None:
    if interpolation not in allowed:
        raise NotImplementedError(f"{what}: interpolation {interpolation!r} is not one of {allowed}")


# ------------------------------------------------------------------ tf.image.resize
def _scale(in_size: int, out_size: int):
    """TF's CalculateResizeScale (align_corners=False), float32."""
    return _f32(in_size) / _f32(out_size)


@lru_cache(maxsize=256)
def _nearest_index(in_size: int, out_size: int) -> np.ndarray:
    """ResizeNearestNeighbor(half_pixel_centers=True): floor((i + 0.5) * scale)."""
    scale = _scale(in_size, out_size)
    pos = (np.arange(out_size, dtype=_f32) + _f32(0.5)) * scale
    return np.clip(np.floor(pos).astype(np.int64), 0, in_size - 1)


@lru_cache(maxsize=256)
def _bilinear_plan(in_size: int, out_size: int):
    """ResizeBilinear(half_pixel_centers=True): lower, upper indices and lerp."""
    scale = _scale(in_size, out_size)
    pos = (np.arange(out_size, dtype=_f32) + _f32(0.5)) * scale - _f32(0.5)
    floor = np.floor(pos)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return lower, upper, (pos - floor).astype(_f32)


@lru_cache(maxsize=1)
def _keys_table() -> np.ndarray:
    """TF's bicubic coefficient table (resize_bicubic_op.cc, A = -0.5, 1024 steps)."""
    a = _f32(-0.5)
    table = np.empty(2 * 1025, dtype=_f32)
    for i in range(1025):
        x = _f32(i * 1.0 / 1024)
        table[2 * i] = ((a + _f32(2)) * x - (a + _f32(3))) * x * x + _f32(1)
        x = x + _f32(1)
        table[2 * i + 1] = ((a * x - _f32(5) * a) * x + _f32(8) * a) * x - _f32(4) * a
    return table


@lru_cache(maxsize=256)
def _bicubic_matrix(in_size: int, out_size: int) -> np.ndarray:
    """ResizeBicubic(half_pixel_centers=True) as an (out, in) matrix: Keys' cubic from
    TF's table; taps outside the image get weight 0 and the rest are renormalised."""
    table = _keys_table()
    scale = _scale(in_size, out_size)
    w = np.zeros((out_size, in_size), dtype=_f32)
    for o in range(out_size):
        loc_f = (_f32(o) + _f32(0.5)) * scale - _f32(0.5)
        loc = int(math.floor(loc_f))
        delta = _f32(loc_f - _f32(loc))
        offset = int(np.rint(delta * _f32(1024)))
        taps = (
            table[offset * 2 + 1],
            table[offset * 2],
            table[(1024 - offset) * 2],
            table[(1024 - offset) * 2 + 1],
        )
        weights = [(loc - 1 + t, tw) for t, tw in enumerate(taps) if 0 <= loc - 1 + t < in_size]
        total = _f32(sum(tw for _, tw in weights)) if weights else _f32(0)
        inv = _f32(1) / total if abs(total) >= 1000 * np.finfo(_f32).tiny else _f32(1)
        for i, tw in weights:
            w[o, i] += tw * inv
    return w


@lru_cache(maxsize=256)
def _area_matrix(in_size: int, out_size: int) -> np.ndarray:
    """ResizeArea as an (out, in) matrix of box overlaps (not yet divided by the box)."""
    scale = _scale(in_size, out_size)
    w = np.zeros((out_size, in_size), dtype=_f32)
    for o in range(out_size):
        a = _f32(o) * scale
        b = _f32(o + 1) * scale
        for i in range(int(math.floor(a)), int(math.ceil(b))):
            if i < a:
                s = scale if i + 1 > b else _f32(i + 1) - a
            else:
                s = _f32(b - i) if i + 1 > b else _f32(1)
            w[o, min(max(i, 0), in_size - 1)] += s
    return w


def _lanczos(radius):
    def f(x):
        x = abs(x)
        if x > radius:
            return 0.0
        if x <= 1e-3:
            return 1.0
        pi = 3.14159265359
        return radius * math.sin(pi * x) * math.sin(pi * x / radius) / (pi * pi * x * x)

    return f, float(radius)


def _keys_cubic(x):
    x = abs(x)
    if x >= 2.0:
        return 0.0
    if x >= 1.0:
        return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return ((1.5 * x - 2.5) * x) * x + 1.0


def _triangle(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


_KERNELS = {
    "lanczos3": _lanczos(3),
    "lanczos5": _lanczos(5),
    "bicubic": (_keys_cubic, 2.0),
    "bilinear": (_triangle, 1.0),
}


@lru_cache(maxsize=256)
def _scale_translate_matrix(kernel: str, antialias: bool, in_size: int, out_size: int) -> np.ndarray:
    """TF's ScaleAndTranslate (translation 0) along one axis as an (out, in) matrix."""
    fn, radius = _KERNELS[kernel]
    scale = _f32(out_size) / _f32(in_size)
    inv_scale = _f32(1.0 / float(scale))
    kernel_scale = max(float(inv_scale), 1.0) if antialias else 1.0
    w = np.zeros((out_size, in_size), dtype=_f32)
    for o in range(out_size):
        sample = _f32(_f32(o) + _f32(0.5)) * inv_scale
        if sample < 0 or sample > in_size:
            continue
        start = math.ceil(_f32(sample - _f32(radius * kernel_scale) - _f32(0.5)))
        end = math.floor(_f32(sample + _f32(radius * kernel_scale) - _f32(0.5)))
        start = min(max(start, 0), in_size - 1)
        end = min(max(end, 0), in_size - 1) + 1
        weights = [
            _f32(fn(abs(float(_f32(_f32(s) + _f32(0.5) - sample)) / kernel_scale))) for s in range(start, end)
        ]
        total = _f32(sum(weights))
        if abs(total) >= 1000 * np.finfo(_f32).tiny:
            w[o, start:end] = np.asarray(weights, dtype=_f32) * (_f32(1) / total)
    return w


def _apply_matrices(x, mh, mw):
    mh = torch.as_tensor(mh, device=x.device, dtype=x.dtype)
    mw = torch.as_tensor(mw, device=x.device, dtype=x.dtype)
    y = torch.einsum("oh,nchw->ncow", mh, x)
    return torch.einsum("pw,ncow->ncop", mw, y)


def resize_images(x, size, interpolation="bilinear", antialias=False):
    """tf.image.resize (Keras's TensorFlow backend) on channels-first (N, C, H, W)."""
    out_h, out_w = int(size[0]), int(size[1])
    in_h, in_w = int(x.shape[-2]), int(x.shape[-1])
    if not x.is_floating_point():
        x = x.float()
    if interpolation == "nearest":
        rows = torch.as_tensor(_nearest_index(in_h, out_h), device=x.device)
        cols = torch.as_tensor(_nearest_index(in_w, out_w), device=x.device)
        return x.index_select(-2, rows).index_select(-1, cols)
    if interpolation == "bilinear" and not antialias:
        yl, yu, ylerp = (torch.as_tensor(a, device=x.device) for a in _bilinear_plan(in_h, out_h))
        xl, xu, xlerp = (torch.as_tensor(a, device=x.device) for a in _bilinear_plan(in_w, out_w))
        ylerp, xlerp = ylerp.to(x.dtype).view(-1, 1), xlerp.to(x.dtype)
        top_rows, bottom_rows = x.index_select(-2, yl), x.index_select(-2, yu)
        top_left, top_right = top_rows.index_select(-1, xl), top_rows.index_select(-1, xu)
        bottom_left, bottom_right = bottom_rows.index_select(-1, xl), bottom_rows.index_select(-1, xu)
        top = top_left + (top_right - top_left) * xlerp
        bottom = bottom_left + (bottom_right - bottom_left) * xlerp
        return top + (bottom - top) * ylerp
    if interpolation == "area":
        y = _apply_matrices(x, _area_matrix(in_h, out_h), _area_matrix(in_w, out_w))
        return y * float(_f32(1) / (_scale(in_h, out_h) * _scale(in_w, out_w)))
    if interpolation == "bicubic" and not antialias:
        return _apply_matrices(x, _bicubic_matrix(in_h, out_h), _bicubic_matrix(in_w, out_w))
    if interpolation in _KERNELS:
        return _apply_matrices(
            x,
            _scale_translate_matrix(interpolation, bool(antialias), in_h, out_h),
            _scale_translate_matrix(interpolation, bool(antialias), in_w, out_w),
        )
    raise NotImplementedError(f"resize: interpolation {interpolation!r} is not supported")


def _f32_int(v) -> int:
    """tf.cast(float32 value, int32): truncation."""
    return int(np.trunc(_f32(v)))


class Resizing(Layer):
    """keras.layers.Resizing on (N, C, H, W) -> (N, C, height, width)."""

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        *,
        name=None,
    ):
        Layer.__init__(self, name=name)
        check_interpolation("Resizing", interpolation)
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant', got {fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be true")
        self.height, self.width = int(height), int(width)
        self.interpolation, self.antialias = interpolation, bool(antialias)
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = (
            bool(crop_to_aspect_ratio),
            bool(pad_to_aspect_ratio),
        )
        self.fill_value = float(fill_value)

    def forward(self, x):
        h, w = int(x.shape[-2]), int(x.shape[-1])
        th, tw = self.height, self.width
        if self.crop_to_aspect_ratio:  # Keras's TF backend, in float32
            ch = max(min(h, _f32_int(_f32(w * th) / _f32(tw))), 1)
            cw = max(min(w, _f32_int(_f32(h * tw) / _f32(th))), 1)
            hs, ws = _f32_int(_f32(h - ch) / _f32(2)), _f32_int(_f32(w - cw) / _f32(2))
            x = x[..., hs : hs + ch, ws : ws + cw]
        elif self.pad_to_aspect_ratio:
            ph = max(h, _f32_int(_f32(w * th) / _f32(tw)))
            pw = max(w, _f32_int(_f32(h * tw) / _f32(th)))
            hs, ws = _f32_int(_f32(ph - h) / _f32(2)), _f32_int(_f32(pw - w) / _f32(2))
            if hs > 0 or ws > 0:  # Keras pads hs (ws) on both sides
                x = torch.nn.functional.pad(x, (ws, ws, hs, hs), value=self.fill_value)
        return resize_images(x, (th, tw), self.interpolation, self.antialias)

    def extra_repr(self):
        return (
            f"height={self.height}, width={self.width}, interpolation={self.interpolation!r}, "
            f"antialias={self.antialias}, name={self.name!r}"
        )


def smart_resize(x, size):
    """keras.src.utils.image_utils.smart_resize (static sizes): crop the centre to the
    target aspect ratio, then a bilinear resize."""
    h, w = int(x.shape[-2]), int(x.shape[-1])
    th, tw = size
    ch = max(min(h, int(float(w * th) / tw)), 1)
    cw = max(min(w, int(float(h * tw) / th)), 1)
    hs, ws = int(float(h - ch) / 2), int(float(w - cw) / 2)
    return resize_images(x[..., hs : hs + ch, ws : ws + cw], size, "bilinear")


class CenterCrop(Layer):
    """keras.layers.CenterCrop on (N, C, H, W) -> (N, C, height, width)."""

    def __init__(self, height, width, data_format=None, *, name=None):
        Layer.__init__(self, name=name)
        self.height, self.width = int(height), int(width)

    def forward(self, x):
        h, w = int(x.shape[-2]), int(x.shape[-1])
        if h >= self.height and w >= self.width:
            hs, ws = (h - self.height) // 2, (w - self.width) // 2
            return x[..., hs : hs + self.height, ws : ws + self.width]
        return smart_resize(x, (self.height, self.width))

    def extra_repr(self):
        return f"height={self.height}, width={self.width}, name={self.name!r}"


# ------------------------------------------------------------------ random layers
class _RandomLayer(Layer):
    """Identity in eval mode; `_transform(x, self._draw(x))` in training mode."""

    def _init_random(self, seed, name):
        Layer.__init__(self, name=name)
        self.seed = seed
        self._generator = None if seed is None else torch.Generator().manual_seed(int(seed))

    def _uniform(self, shape, low, high, device):
        u = torch.rand(shape, generator=self._generator, dtype=torch.float32)
        return (float(low) + (float(high) - float(low)) * u).to(device)

    def forward(self, x):
        if not self.training:
            return x
        return self._transform(x, self._draw(x))


def _base_factor(factor, bounds, what):
    """BaseImagePreprocessingLayer._set_factor: (lower, upper)."""
    lo, hi = bounds
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > hi or factor[1] < lo:
            raise ValueError(
                f"{what}: factor must be a number or two numbers in [{lo}, {hi}], got {factor!r}"
            )
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if factor < lo or factor > hi:
            raise ValueError(f"{what}: factor must be in [{lo}, {hi}], got {factor!r}")
        f = abs(float(factor))
        return max(-f, lo), f
    raise ValueError(f"{what}: factor must be a number or two numbers, got {factor!r}")


def _range_factor(factor, what, low_open=False):
    """RandomZoom / RandomTranslation's _set_factor: (lower, upper) in [-1, 1]
    ((-1, 1] for the zoom)."""

    def check(v):
        if v > 1.0 or (v <= -1.0 if low_open else v < -1.0):
            raise ValueError(f"{what} must be in {'(' if low_open else '['}-1, 1], got {v!r}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"{what} must be a number or two numbers, got {factor!r}")
        check(factor[0])
        check(factor[1])
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        check(factor)
        f = abs(float(factor))
        return -f, f
    raise ValueError(f"{what} must be a number or two numbers, got {factor!r}")


class RandomFlip(_RandomLayer):
    """keras.layers.RandomFlip(mode) on (N, C, H, W)."""

    MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, *, name=None):
        if mode not in self.MODES:
            raise ValueError(f"RandomFlip: mode must be one of {self.MODES}, got {mode!r}")
        self._init_random(seed, name)
        self.mode = mode

    def _draw(self, x):
        """Keras's `flips`: per image, uniform <= 0.5."""
        u = torch.rand((x.shape[0], 1, 1, 1), generator=self._generator)
        return {"flips": (u <= 0.5).to(x.device)}

    def _transform(self, x, t):
        flips = t["flips"]
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(-1), x)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            x = torch.where(flips, x.flip(-2), x)
        return x

    def extra_repr(self):
        return f"mode={self.mode!r}, seed={self.seed}, name={self.name!r}"


# ------------------------------------------------------------------ TF's ImageProjectiveTransformV3
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")


def _map_coordinate(c, length: int, fill_mode: str):
    """TF's MapCoordinate (image_ops.h) for one axis, float32."""
    if fill_mode == "constant":
        return c
    top = float(length - 1)
    if fill_mode == "nearest" or length <= 1:
        return c.clamp(0.0, top) if length > 1 else torch.zeros_like(c)
    if fill_mode == "reflect":
        sz2 = float(2 * length)
        neg = c + sz2 * torch.trunc(-c / sz2)  # in_coord < sz2 always holds for a negative coordinate
        neg = torch.where(neg < -length, neg + sz2, -neg - 1)
        pos = c - sz2 * torch.trunc(c / sz2)
        pos = torch.where(pos >= length, sz2 - pos - 1, pos)
    else:  # wrap
        sz = float(length - 1)
        neg = c + length * (torch.trunc(-c / sz) + 1)
        pos = c - length * torch.trunc(c / sz)
    out = torch.where(c < 0, neg, torch.where(c > top, pos, c))
    return out.clamp(0.0, top)


def _round_half_away(v):
    return torch.sign(v) * torch.floor(v.abs() + 0.5)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """keras.ops.image.affine_transform on the TensorFlow backend, channels-first:
    images (N, C, H, W), transform (N, 8) [a0, a1, a2, b0, b1, b2, c0, c1] mapping
    output (x, y) to input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1."""
    n, c, h, w = images.shape
    dev = images.device
    t = transform.to(device=dev, dtype=torch.float32)
    ys = torch.arange(h, device=dev, dtype=torch.float32).view(1, h, 1)
    xs = torch.arange(w, device=dev, dtype=torch.float32).view(1, 1, w)
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i].view(n, 1, 1) for i in range(8))
    k = c0 * xs + c1 * ys + 1.0
    in_x = (a0 * xs + a1 * ys + a2) / k
    in_y = (b0 * xs + b1 * ys + b2) / k
    infinite = k == 0
    x = _map_coordinate(in_x, w, fill_mode)
    y = _map_coordinate(in_y, h, fill_mode)
    flat = images.reshape(n, c, h * w)
    fill = torch.as_tensor(fill_value, dtype=images.dtype, device=dev)

    def read(yi, xi):
        """Pixels at integer (float-valued) coordinates, fill_value outside."""
        inside = (yi >= 0) & (yi <= h - 1) & (xi >= 0) & (xi <= w - 1)
        idx = (yi.clamp(0, h - 1) * w + xi.clamp(0, w - 1)).to(torch.int64).view(n, 1, h * w)
        vals = torch.gather(flat, 2, idx.expand(n, c, h * w)).view(n, c, h, w)
        return torch.where(inside.unsqueeze(1), vals, fill)

    if interpolation == "nearest":
        out = read(_round_half_away(y), _round_half_away(x))
    else:
        y0, x0 = torch.floor(y), torch.floor(x)
        y1, x1 = y0 + 1, x0 + 1
        wx0, wx1 = (x1 - x).unsqueeze(1), (x - x0).unsqueeze(1)
        wy0, wy1 = (y1 - y).unsqueeze(1), (y - y0).unsqueeze(1)
        top = wx0 * read(y0, x0) + wx1 * read(y0, x1)
        bottom = wx0 * read(y1, x0) + wx1 * read(y1, x1)
        out = wy0 * top + wy1 * bottom
    return torch.where(infinite.unsqueeze(1), fill, out).to(images.dtype)


class _RandomAffine(_RandomLayer):
    def _init_affine(self, fill_mode, interpolation, seed, fill_value, name):
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(
                f"{type(self).__name__}: fill_mode {fill_mode!r} is not one of {FILL_MODES}"
            )
        if interpolation not in AFFINE_INTERPOLATIONS:
            raise NotImplementedError(
                f"{type(self).__name__}: interpolation {interpolation!r} is not one of {AFFINE_INTERPOLATIONS}"
            )
        self._init_random(seed, name)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, float(fill_value)

    def _transform(self, x, t):
        return affine_transform(x, self._matrix(x, t), self.interpolation, self.fill_mode, self.fill_value)


class RandomRotation(_RandomAffine):
    """keras.layers.RandomRotation(factor) on (N, C, H, W): each image rotated about
    its centre by an angle uniform in [lower * 360, upper * 360) degrees."""

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        *,
        name=None,
    ):
        self._init_affine(fill_mode, interpolation, seed, fill_value, name)
        self.factor = _base_factor(factor, (-1, 1), "RandomRotation")

    def _draw(self, x):
        lo, hi = self.factor
        return {"angle": self._uniform((x.shape[0],), lo * 360.0, hi * 360.0, x.device)}

    def _matrix(self, x, t):
        """BaseImagePreprocessingLayer._compute_affine_matrix with no shear, scale 1."""
        h, w = x.shape[-2:]
        angle = t["angle"].to(torch.float32) * torch.tensor(math.pi / 180.0, dtype=torch.float32)
        cx, cy = 0.5 * (float(w) - 1), 0.5 * (float(h) - 1)
        cos, sin = torch.cos(angle), torch.sin(angle)
        a0, a1 = cos, -sin
        b0, b1 = sin, cos
        a2 = cx - cx * a0 - cy * a1
        b2 = cy - cx * b0 - cy * b1
        zeros = torch.zeros_like(angle)
        return torch.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], dim=1)

    def extra_repr(self):
        return f"factor={self.factor}, fill_mode={self.fill_mode!r}, seed={self.seed}, name={self.name!r}"


class RandomZoom(_RandomAffine):
    """keras.layers.RandomZoom(height_factor, width_factor=None) on (N, C, H, W): zoom
    1 + uniform(lower, upper) per image and axis (> 1 zooms out); without a
    width_factor the width uses the height's zoom."""

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        *,
        name=None,
    ):
        self._init_affine(fill_mode, interpolation, seed, fill_value, name)
        self.height_factor = _range_factor(height_factor, "RandomZoom: height_factor", low_open=True)
        self.width_factor = (
            None
            if width_factor is None
            else _range_factor(width_factor, "RandomZoom: width_factor", low_open=True)
        )

    def _draw(self, x):
        n = x.shape[0]
        lo, hi = self.height_factor
        height_zoom = self._uniform((n, 1), 1.0 + lo, 1.0 + hi, x.device)
        if self.width_factor is None:
            return {"height_zoom": height_zoom, "width_zoom": height_zoom}
        lo, hi = self.width_factor
        return {"height_zoom": height_zoom, "width_zoom": self._uniform((n, 1), 1.0 + lo, 1.0 + hi, x.device)}

    def _matrix(self, x, t):
        h, w = x.shape[-2:]
        zx, zy = t["width_zoom"].to(torch.float32), t["height_zoom"].to(torch.float32)
        x_offset = ((float(w) - 1.0) / 2.0) * (1.0 - zx)
        y_offset = ((float(h) - 1.0) / 2.0) * (1.0 - zy)
        zeros = torch.zeros_like(zx)
        return torch.cat([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], dim=1)

    def extra_repr(self):
        return (
            f"height_factor={self.height_factor}, width_factor={self.width_factor}, "
            f"fill_mode={self.fill_mode!r}, seed={self.seed}, name={self.name!r}"
        )


class RandomTranslation(_RandomAffine):
    """keras.layers.RandomTranslation(height_factor, width_factor) on (N, C, H, W):
    shifts of uniform(lower, upper) times the height / width per image."""

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        *,
        name=None,
    ):
        self._init_affine(fill_mode, interpolation, seed, fill_value, name)
        self.height_factor = _range_factor(height_factor, "RandomTranslation: height_factor")
        self.width_factor = _range_factor(width_factor, "RandomTranslation: width_factor")

    def _draw(self, x):
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        hy = self._uniform((n, 1), *self.height_factor, x.device) * float(h)
        wx = self._uniform((n, 1), *self.width_factor, x.device) * float(w)
        return {"translations": torch.cat([wx, hy], dim=1)}

    def _matrix(self, x, t):
        tr = t["translations"].to(torch.float32)
        ones, zeros = torch.ones_like(tr[:, :1]), torch.zeros_like(tr[:, :1])
        return torch.cat([ones, zeros, -tr[:, 0:1], zeros, ones, -tr[:, 1:], zeros, zeros], dim=1)

    def extra_repr(self):
        return (
            f"height_factor={self.height_factor}, width_factor={self.width_factor}, "
            f"fill_mode={self.fill_mode!r}, seed={self.seed}, name={self.name!r}"
        )


# ------------------------------------------------------------------ intensity
class RandomContrast(_RandomLayer):
    """keras.layers.RandomContrast(factor, value_range=(0, 255)) on (N, C, H, W):
    (x - mean) * f + mean per image (mean over height then width, per channel),
    f uniform in [1 - lower, 1 + upper), clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _base_factor(factor, (0, 1), "RandomContrast")
        self.value_range = tuple(value_range)

    def _draw(self, x):
        lo, hi = self.factor
        return {"contrast_factor": self._uniform((x.shape[0], 1, 1, 1), 1.0 - lo, 1.0 + hi, x.device)}

    def _transform(self, x, t):
        mean = x.mean(dim=-2, keepdim=True).mean(dim=-1, keepdim=True)
        out = (x - mean) * t["contrast_factor"].to(x.dtype) + mean
        return out.clamp(float(self.value_range[0]), float(self.value_range[1]))

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomBrightness(_RandomLayer):
    """keras.layers.RandomBrightness(factor, value_range=(0, 255)) on (N, C, H, W):
    adds uniform(lower, upper) * (high - low) per image, clipped to value_range."""

    def __init__(self, factor, value_range=(0, 255), seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _base_factor(factor, (-1, 1), "RandomBrightness")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"RandomBrightness: value_range must be (low, high), got {value_range!r}")
        self.value_range = tuple(sorted(value_range))

    def _draw(self, x):
        lo, hi = self.factor
        delta = self._uniform((x.shape[0], 1, 1, 1), lo, hi, x.device)
        return {"rgb_delta": delta * float(self.value_range[1] - self.value_range[0])}

    def _transform(self, x, t):
        out = x + t["rgb_delta"].to(x.dtype)
        return out.clamp(float(self.value_range[0]), float(self.value_range[1]))

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomCrop(_RandomLayer):
    """keras.layers.RandomCrop(height, width) on (N, C, H, W)."""

    def __init__(self, height, width, seed=None, data_format=None, *, name=None):
        self._init_random(seed, name)
        self.height, self.width = int(height), int(width)

    def _draw(self, x):
        h, w = int(x.shape[-2]), int(x.shape[-1])
        if h > self.height and w > self.width:
            hs = int(torch.randint(0, h - self.height + 1, (), generator=self._generator))
            ws = int(torch.randint(0, w - self.width + 1, (), generator=self._generator))
            return {"start": (hs, ws)}
        ch = max(min(h, int(float(w * self.height) / self.width)), 1)
        cw = max(min(w, int(float(h * self.width) / self.height)), 1)
        return {"start": (int(float(h - ch) / 2), int(float(w - cw) / 2))}

    def _transform(self, x, t):
        hs, ws = t["start"]
        x = x[..., hs : hs + self.height, ws : ws + self.width]
        if tuple(x.shape[-2:]) != (self.height, self.width):
            x = resize_images(x, (self.height, self.width), "bilinear")
        return x

    def extra_repr(self):
        return f"height={self.height}, width={self.width}, seed={self.seed}, name={self.name!r}"
