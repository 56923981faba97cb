"""More Keras image preprocessing and augmentation layers in PyTorch (runtime/LAYERS.md).

Like augmentation.py: every class is a K.Layer taking and returning a floating-point
batch of channels-first images (N, C, H, W) (Keras: (N, H, W, C)); no constructor takes
an inferred size; `data_format` is accepted and ignored (the compiler converts layouts).
Colour conversions are TensorFlow's kernels: rgb_to_grayscale (weights 0.2989, 0.5870,
0.1140; one channel is returned as it is), rgb_to_hsv and hsv_to_rgb (colorspace_op.h).

Applied in training and in inference, as Keras does:

- AutoContrast(value_range): each channel of each image stretched to the value range
  (min/max over height and width); a constant channel is left as it is (Keras's NaN
  guard).
- ContrastLimitedAdaptiveHistogramEqualization(value_range, clip_limit, tile_grid_size):
  Keras's CLAHE (symmetric padding to whole tiles, 256-bin tile histograms clipped at
  clip_limit * tile pixels / 256 with the excess spread evenly, bilinear interpolation
  of the four nearest tiles' mappings).

Applied in training only (the identity in eval mode, as Keras's inference):

- Equalization(value_range, bins): histogram equalization per channel, with one
  histogram over the whole batch (Keras flattens the batch), Keras's bin and lookup
  rounding.

Random layers: the identity in eval mode, Keras's random transform in training mode.
`seed` seeds a torch.Generator of the layer (draws on the CPU, moved to the input's
device); without one they draw from torch's global generator.  The draws are Keras's
distributions, not its numbers; `_draw(x)` returns them under Keras's transformation
keys (image-shaped ones channels-first) and `_transform(x, t)` applies them.  Beta,
gamma and Dirichlet draws use a NumPy generator seeded from the layer's generator.

- Solarization(addition_factor, threshold_factor, value_range): per image an addition
  uniform in [lo, hi * 255) and a threshold uniform in [lo, hi * 255) (Keras scales only
  the upper bounds); pixels (in 0..255) at or above the threshold become 255 - x.
- RandomColorDegeneration(factor): blend towards the grayscale image by a per-image
  factor; RandomSaturation(factor): the HSV saturation times f / (1 - f + 1e-7) (Keras
  converts to HSV without rescaling the value range and clips the saturation to
  value_range); RandomHue(factor): the hue shifted by +-uniform(factor) / 2;
  RandomSharpness(factor): blend with Keras's 3x3 smoothing kernel by 2 * factor;
  RandomPosterization(factor): keep uniform-int [lo, hi) bits of the uint8 value;
  RandomInvert(factor): value_range[1] - x with probability uniform(lo, hi);
  RandomGrayscale(factor): grayscale with probability factor;
  RandomGaussianBlur(factor, kernel_size, sigma): TF's Gaussian blur (one pair of sigmas
  per batch) with probability uniform(lo, hi) per image;
  RandomErasing(factor, scale, fill_value): a random rectangle filled with fill_value or
  Gaussian noise times value_range[1];
  RandomColorJitter(...): RandomBrightness, RandomContrast, RandomSaturation, RandomHue in
  that order, each with its own draw.
- RandomShear(x_factor, y_factor), RandomPerspective(factor, scale),
  RandomElasticTransform(factor, scale): Keras's shear matrix, its homography
  (tf.linalg.solve of Keras's 8 x 8 system, solved here in float64) and TF's
  ImageProjectiveTransformV3 (constant fill for the perspective); Keras's elastic field
  (one Gaussian noise field for both axes, as Keras draws dx and dy with the same seed,
  blurred with TF's Gaussian kernel of size 6 * int(sigma) | 1) sampled by
  keras.ops.image.map_coordinates with its fill modes.
- CutMix(factor), MixUp(alpha): patches from / blends with a permutation of the batch
  (labels are not mixed: a layer inside a model sees only the images).
- RandAugment(value_range, num_ops, factor, interpolation), AugMix(...): Keras's policies
  over these layers (the sub-layers are Keras's, with Keras's factors); AugMix picks its
  chains per call (Keras picks them with Python's `random` when it traces the step, so
  a compiled Keras training loop reuses one choice).

Inputs must be floating point.  Not supported: bounding boxes, segmentation masks and
dict inputs; unbatched (3-D) images; RandomPosterization of values outside its value
range (TF's float -> uint8 cast of those is undefined).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from graphc_runtime.torch.layers import augmentation as A
from graphc_runtime.torch.layers.base import Layer

__all__ = [
    "AutoContrast",
    "Equalization",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "Solarization",
    "RandomColorDegeneration",
    "RandomHue",
    "RandomSaturation",
    "RandomSharpness",
    "RandomPosterization",
    "RandomInvert",
    "RandomGrayscale",
    "RandomGaussianBlur",
    "RandomErasing",
    "RandomColorJitter",
    "RandomShear",
    "RandomPerspective",
    "RandomElasticTransform",
    "CutMix",
    "MixUp",
    "RandAugment",
    "AugMix",
]

_f32 = np.float32


def _c(v) -> float:
    """A Python number as the float32 constant TensorFlow makes of it."""
    return float(_f32(v))


# ------------------------------------------------------------------ colour (TensorFlow's kernels)
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)


def rgb_to_grayscale(x):
    """keras.ops.image.rgb_to_grayscale on (N, C, H, W): (N, 1, H, W); one channel is returned as is."""
    if x.shape[1] == 1:
        return x
    if x.shape[1] != 3:
        raise ValueError(f"rgb_to_grayscale: expected 1 or 3 channels, got {x.shape[1]}")
    w0, w1, w2 = (_c(w) for w in GRAY_WEIGHTS)
    return x[:, 0:1] * w0 + x[:, 1:2] * w1 + x[:, 2:3] * w2


def rgb_to_hsv(x):
    """tf.image.rgb_to_hsv on (N, 3, H, W) (colorspace_op.h), float32."""
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    v = torch.maximum(torch.maximum(r, g), b)
    rng = v - torch.minimum(torch.minimum(r, g), b)
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    s = torch.where(v > 0, rng / v, zero)
    norm = (1.0 / rng) * _c(np.float32(1) / np.float32(6))
    h = torch.where(
        r == v,
        norm * (g - b),
        torch.where(
            g == v,
            norm * (b - r) + _c(np.float32(2) / np.float32(6)),
            norm * (r - g) + _c(np.float32(4) / np.float32(6)),
        ),
    )
    h = torch.where(rng > 0, h, zero)
    h = torch.where(h < 0, h + 1.0, h)
    return torch.stack([h, s, v], dim=1)


def hsv_to_rgb(x):
    """tf.image.hsv_to_rgb on (N, 3, H, W) (colorspace_op.h), float32."""
    h, s, v = x[:, 0], x[:, 1], x[:, 2]
    dh = h * 6.0
    dr = ((dh - 3.0).abs() - 1.0).clamp(0.0, 1.0)
    dg = (-(dh - 2.0).abs() + 2.0).clamp(0.0, 1.0)
    db = (-(dh - 4.0).abs() + 2.0).clamp(0.0, 1.0)
    one_s = -s + 1.0
    return torch.stack([(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v], dim=1)


def transform_value_range(x, original, target):
    """BaseImagePreprocessingLayer._transform_value_range, float32."""
    if original[0] == target[0] and original[1] == target[1]:
        return x
    omin, omax, tmin, tmax = (_f32(v) for v in (*original, *target))
    x = (x - float(omin)) / float(omax - omin)
    return x * float(tmax - tmin) + float(tmin)


def _value_range(value_range, what):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{what}: value_range must be (low, high), got {value_range!r}")
    return tuple(value_range)


def _clip(x, lo, hi):
    """keras.ops.clip (tf.clip_by_value): min(max(x, lo), hi)."""
    return torch.clamp(x, min=float(lo), max=float(hi))


def depthwise_same(x, kernel):
    """tf.nn.depthwise_conv2d(padding="SAME") of every channel with one (kh, kw) kernel
    (odd sizes: the same zero padding on both sides)."""
    kh, kw = kernel.shape
    c = x.shape[1]
    pads = (kw // 2, kw - 1 - kw // 2, kh // 2, kh - 1 - kh // 2)
    weight = kernel.to(x.dtype).to(x.device).expand(c, 1, kh, kw)
    return F.conv2d(F.pad(x, pads), weight, groups=c)


def gaussian_kernel(kernel_size, sigma, dtype=torch.float32):
    """keras.ops.image.gaussian_blur's 2-D kernel (TF backend) for kernel_size (a, b) and
    sigma (s0, s1): the outer product of the 1-D kernels of (b, s1) and (a, s0), laid out
    as an (a, b) filter (Keras reshapes it; for a == b: rows use s1, columns s0)."""
    a, b = int(kernel_size[0]), int(kernel_size[1])
    sig = torch.as_tensor(sigma, dtype=dtype).reshape(2)

    def k1d(size, s):
        x = torch.arange(size, dtype=dtype) - _c((size - 1) / 2)
        k = torch.exp(-0.5 * (x / s) ** 2)
        return k / k.sum()

    kx, ky = k1d(a, sig[0]), k1d(b, sig[1])
    return torch.outer(ky, kx).reshape(a, b)


def gaussian_blur(x, kernel_size, sigma):
    """keras.ops.image.gaussian_blur (TF backend) on (N, C, H, W)."""
    return depthwise_same(x, gaussian_kernel(kernel_size, sigma))


# ------------------------------------------------------------------ base classes
class _Random(A._RandomLayer):
    """The identity in eval mode, `_transform(x, _draw(x))` in training mode."""

    def _rand(self, shape):
        return torch.rand(shape, generator=self._generator, dtype=torch.float32)

    def _u(self, shape, low, high):
        """Uniform [low, high) float32 on the CPU (Keras's random.uniform)."""
        return float(low) + (float(high) - float(low)) * self._rand(shape)

    def _randint(self, shape, low, high):
        return torch.randint(int(low), int(high), shape, generator=self._generator)

    def _normal(self, shape):
        return torch.randn(shape, generator=self._generator, dtype=torch.float32)

    def _np_rng(self):
        """A NumPy generator seeded from this layer's generator (Beta, gamma draws)."""
        return np.random.default_rng(int(torch.randint(0, 2**62, (), generator=self._generator)))

    def _permutation(self, n):
        return torch.randperm(n, generator=self._generator)

    def _share_generator(self, layers):
        for layer in layers:
            layer._generator = self._generator
            layer.seed = self.seed

    @staticmethod
    def _on(t, x):
        """Draws (tensors in a dict, possibly nested) moved to x's device."""
        if isinstance(t, torch.Tensor):
            return t.to(x.device)
        if isinstance(t, dict):
            return {k: _Random._on(v, x) for k, v in t.items()}
        if isinstance(t, (list, tuple)):
            return type(t)(_Random._on(v, x) for v in t)
        return t

    def forward(self, x):
        if not self.training:
            return x
        return self._transform(x, self._on(self._draw(x), x))


def _factor(factor, bounds, what):
    """BaseImagePreprocessingLayer._set_factor: (lower, upper)."""
    return A._base_factor(factor, bounds, what)


def _pm_factor(factor, what):
    """RandomShear / Solarization-style factors in [0, 1]: a number f gives (-f, f) for
    RandomShear (`symmetric`), a pair is sorted."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(not 0 <= f <= 1 for f in factor):
            raise ValueError(f"{what} must be a number or two numbers in [0, 1], got {factor!r}")
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
        return -abs(float(factor)), abs(float(factor))
    raise ValueError(f"{what} must be a number or two numbers in [0, 1], got {factor!r}")


def _zero_to_factor(factor, what):
    """Solarization._set_factor: a number f gives (0, f), a pair is sorted; values in [0, 1]."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(not 0 <= f <= 1 for f in factor):
            raise ValueError(f"{what} must be a number or two numbers in [0, 1], got {factor!r}")
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
        return 0.0, float(factor)
    raise ValueError(f"{what} must be a number or two numbers in [0, 1], got {factor!r}")


def _where_images(flags, a, b):
    """Per-image choice: flags (N,) bool."""
    return torch.where(flags.view(-1, 1, 1, 1), a, b)


# ------------------------------------------------------------------ deterministic
class AutoContrast(Layer):
    """keras.layers.AutoContrast(value_range=(0, 255)) on (N, C, H, W), in training and inference."""

    def __init__(self, value_range=(0, 255), data_format=None, *, name=None):
        Layer.__init__(self, name=name)
        self.value_range = tuple(sorted(_value_range(value_range, "AutoContrast")))

    def forward(self, x):
        original = x
        x = transform_value_range(x, self.value_range, (0, 255))
        low = x.amin(dim=(2, 3), keepdim=True)
        high = x.amax(dim=(2, 3), keepdim=True)
        scale = torch.full_like(high, 255.0) / (high - low)  # (not `255.0 / t`: torch multiplies by 1 / t)
        offset = -low * scale
        out = _clip(x * scale + offset, 0.0, 255.0)
        out = transform_value_range(out, (0, 255), self.value_range)
        return torch.where(torch.isnan(out), original, out)

    def extra_repr(self):
        return f"value_range={self.value_range}, name={self.name!r}"


class Equalization(Layer):
    """keras.layers.Equalization(value_range=(0, 255), bins=256) on (N, C, H, W): in
    training mode, histogram equalization of each channel with one histogram over the
    whole batch (as Keras computes it); the identity in eval mode."""

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, *, name=None):
        Layer.__init__(self, name=name)
        self.value_range = tuple(sorted(_value_range(value_range, "Equalization")))
        self.bins = int(bins)
        if self.bins < 1:
            raise ValueError(f"Equalization: bins must be >= 1, got {bins!r}")

    @staticmethod
    def _scale(x, source, target):
        """Equalization._scale_values: a Python float scale and offset, in x's precision."""
        scale = (target[1] - target[0]) / (source[1] - source[0])
        offset = target[0] - source[0] * scale
        if x.dtype == torch.float64:
            return x * scale + offset
        return x * _c(scale) + _c(offset)

    def _equalize_channel(self, ch):
        """One channel (N, H, W), as Keras computes it: TF's int32 division makes the lookup
        table float64, and with it the rescaled result (cast back to float32 at the end)."""
        nbins = self.bins
        # Keras compares its sorted *list* value_range with the tuple (0, 255): always rescaled
        ch = self._scale(ch, self.value_range, (0, 255))
        scaled = (ch - 0.0) * float(nbins - 1) / 255.0
        idx = torch.trunc(scaled).to(torch.int64).clamp(0, nbins - 1)
        hist = torch.bincount(idx.reshape(-1), minlength=nbins)
        if int((hist != 0).sum()) > 1:
            cdf = hist.cumsum(0)
            cdf_min = cdf[torch.nonzero(cdf)[0, 0]]
            den = cdf[-1] - cdf_min
            den = torch.where(den == 0, torch.ones_like(den), den)
            lut = ((cdf - cdf_min) * 255).to(torch.float64) / den.to(torch.float64)
            lut = torch.round(lut).clamp(0, 255)
            s = (ch / 255.0) * float(nbins - 1)
            li = torch.trunc(s.clamp(0, nbins - 1)).to(torch.int64)
            out = lut.to(ch.device)[li]
        else:
            out = ch.to(torch.float64)
        return self._scale(out, (0, 255), self.value_range).to(ch.dtype)

    def forward(self, x):
        if not self.training:
            return x
        return torch.stack([self._equalize_channel(x[:, c]) for c in range(x.shape[1])], dim=1)

    def extra_repr(self):
        return f"value_range={self.value_range}, bins={self.bins}, name={self.name!r}"


class ContrastLimitedAdaptiveHistogramEqualization(Layer):
    """keras.layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255),
    clip_limit=4.0, tile_grid_size=(8, 8)) on (N, C, H, W), in training and inference."""

    def __init__(
        self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, *, name=None
    ):
        Layer.__init__(self, name=name)
        self.value_range = _value_range(value_range, "ContrastLimitedAdaptiveHistogramEqualization")
        self.clip_limit = float(clip_limit)
        self.tile_grid_size = tuple(int(g) for g in tile_grid_size)

    def forward(self, x):
        dtype = x.dtype
        y = transform_value_range(x.to(torch.float32), self.value_range, (0, 255))
        y = self._clahe(y)
        return transform_value_range(y, (0, 255), self.value_range).to(dtype)

    def _clahe(self, images):
        n, c, h, w = images.shape
        gh, gw = self.tile_grid_size
        th, tw = (h + gh - 1) // gh, (w + gw - 1) // gw
        ph, pw = th * gh - h, tw * gw - w
        padded = images
        if ph or pw:  # numpy's "symmetric" padding (the edge repeated) at the bottom and right
            padded = _pad_symmetric(images, ph, pw)
        hp, wp = th * gh, tw * gw
        tiles = padded.reshape(n, c, gh, th, gw, tw).permute(0, 2, 4, 1, 3, 5).reshape(n, gh, gw, c, th * tw)
        ids = torch.trunc(tiles).to(torch.int64).clamp(0, 255)
        hists = torch.zeros(n, gh, gw, c, 256, dtype=torch.float32, device=images.device)
        hists.scatter_add_(-1, ids, torch.ones_like(tiles, dtype=torch.float32))
        if self.clip_limit > 0:
            limit = _c(self.clip_limit * (th * tw) / 256.0)
            clipped = hists.clamp(0.0, limit)
            excess = (hists - clipped).sum(dim=-1, keepdim=True)
            hists = clipped + excess / 256.0
        cdf = hists.cumsum(dim=-1)
        cdf_min = cdf.amin(dim=-1, keepdim=True)
        num = (cdf - cdf_min) * 255.0
        den = float(th * tw) - cdf_min
        den = torch.where(den == 0, torch.ones_like(den), den)
        cdf_norm = (num / den).clamp(0.0, 255.0)
        cdf_pad = torch.cat([cdf_norm[:, :1], cdf_norm, cdf_norm[:, -1:]], dim=1)
        cdf_pad = torch.cat(
            [cdf_pad[:, :, :1], cdf_pad, cdf_pad[:, :, -1:]], dim=2
        )  # (n, gh+2, gw+2, c, 256)
        dev = images.device

        def grid(size, tile, g):
            r = torch.arange(size, dtype=torch.float32, device=dev)
            gr = (r - _c(tile / 2.0)) / float(tile) + 1.0
            lo = torch.floor(gr)
            wgt = gr - lo
            return lo.clamp(0, g + 1).to(torch.int64), (lo + 1.0).clamp(0, g + 1).to(torch.int64), wgt

        y0, y1, wy = grid(hp, th, gh)
        x0, x1, wx = grid(wp, tw, gw)
        pix = torch.trunc(padded.clamp(0.0, 255.0)).to(torch.int64)  # (n, c, hp, wp)
        table = cdf_pad.permute(0, 3, 1, 2, 4)  # (n, c, gh+2, gw+2, 256)
        flat = table.reshape(n, c, -1)
        stride_y, stride_x = (gw + 2) * 256, 256

        def look(yi, xi):
            idx = yi.view(1, 1, -1, 1) * stride_y + xi.view(1, 1, 1, -1) * stride_x + pix
            return torch.gather(flat, 2, idx.reshape(n, c, -1)).reshape(n, c, hp, wp)

        wx_, wy_ = wx.view(1, 1, 1, -1), wy.view(1, 1, -1, 1)
        top = look(y0, x0) * (1.0 - wx_) + look(y0, x1) * wx_
        bottom = look(y1, x0) * (1.0 - wx_) + look(y1, x1) * wx_
        out = top * (1.0 - wy_) + bottom * wy_
        return out[:, :, :h, :w]

    def extra_repr(self):
        return (
            f"value_range={self.value_range}, clip_limit={self.clip_limit}, "
            f"tile_grid_size={self.tile_grid_size}, name={self.name!r}"
        )


def _pad_symmetric(x, ph, pw):
    """numpy.pad(mode="symmetric") of the last two axes by (0, ph) and (0, pw)."""

    def along(t, p, dim):
        if p == 0:
            return t
        size = t.shape[dim]
        idx = [
            size - 1 - (i % (2 * size)) if (i % (2 * size)) < size else (i % (2 * size)) - size
            for i in range(p)
        ]
        return torch.cat([t, t.index_select(dim, torch.as_tensor(idx, device=t.device))], dim=dim)

    return along(along(x, ph, 2), pw, 3)


# ------------------------------------------------------------------ intensity
class Solarization(_Random):
    """keras.layers.Solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255))."""

    def __init__(
        self,
        addition_factor=0.0,
        threshold_factor=0.0,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.addition_factor = _zero_to_factor(addition_factor, "Solarization: addition_factor")
        self.threshold_factor = _zero_to_factor(threshold_factor, "Solarization: threshold_factor")
        self.value_range = tuple(sorted(_value_range(value_range, "Solarization")))

    def _draw(self, x):
        shape = (x.shape[0], 1, 1, 1)
        (a0, a1), (t0, t1) = self.addition_factor, self.threshold_factor
        return {"additions": self._u(shape, a0, a1 * 255), "thresholds": self._u(shape, t0, t1 * 255)}

    def _transform(self, x, t):
        x = transform_value_range(x, self.value_range, (0, 255))
        out = _clip(x + t["additions"].to(x.dtype), 0, 255)
        out = torch.where(out < t["thresholds"].to(x.dtype), out, 255.0 - out)
        return transform_value_range(out, (0, 255), self.value_range)

    def extra_repr(self):
        return (
            f"addition_factor={self.addition_factor}, threshold_factor={self.threshold_factor}, "
            f"value_range={self.value_range}, seed={self.seed}, name={self.name!r}"
        )


class RandomColorDegeneration(_Random):
    """keras.layers.RandomColorDegeneration(factor, value_range=(0, 255))."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (-1, 1), "RandomColorDegeneration")
        self.value_range = tuple(sorted(_value_range(value_range, "RandomColorDegeneration")))

    def _draw(self, x):
        return {"factor": self._u((x.shape[0], 1, 1, 1), *self.factor)}

    def _transform(self, x, t):
        gray = rgb_to_grayscale(x)
        out = x + t["factor"].to(x.dtype) * (gray - x)
        return _clip(out, *self.value_range)

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomHue(_Random):
    """keras.layers.RandomHue(factor, value_range=(0, 255)): hue + (+-1) * uniform(factor) / 2."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomHue")
        self.value_range = _value_range(value_range, "RandomHue")

    def _draw(self, x):
        n = x.shape[0]
        invert = torch.where(self._rand((n,)) > 0.5, -1.0, 1.0)
        return {"factor": invert * self._u((n,), *self.factor) * 0.5}

    def _transform(self, x, t):
        x = transform_value_range(x, self.value_range, (0, 1))
        hsv = rgb_to_hsv(x)
        h = hsv[:, 0] + t["factor"].to(x.dtype).view(-1, 1, 1)
        h = torch.where(h > 1.0, h - 1.0, h)
        h = torch.where(h < 0.0, h + 1.0, h)
        out = hsv_to_rgb(torch.stack([h, hsv[:, 1], hsv[:, 2]], dim=1))
        return transform_value_range(_clip(out, 0, 1), (0, 1), self.value_range)

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomSaturation(_Random):
    """keras.layers.RandomSaturation(factor, value_range=(0, 255))."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (-1, 1), "RandomSaturation")
        self.value_range = tuple(sorted(_value_range(value_range, "RandomSaturation")))

    def _draw(self, x):
        f = self._u((x.shape[0],), *self.factor)
        return {"factor": f / (1.0 - f + 1e-7)}

    def _transform(self, x, t):
        hsv = rgb_to_hsv(x)
        s = _clip(hsv[:, 1] * t["factor"].to(x.dtype).view(-1, 1, 1), *self.value_range)
        return hsv_to_rgb(torch.stack([hsv[:, 0], s, hsv[:, 2]], dim=1))

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


_A, _B = 1.0 / 13.0, 5.0 / 13.0
SHARPNESS_KERNEL = ((_A, _A, _A), (_A, _B, _A), (_A, _A, _A))  # Keras's smoothing kernel


class RandomSharpness(_Random):
    """keras.layers.RandomSharpness(factor, value_range=(0, 255))."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomSharpness")
        self.value_range = tuple(sorted(_value_range(value_range, "RandomSharpness")))

    def _draw(self, x):
        return {"factor": self._u((x.shape[0],), *self.factor)}

    def _transform(self, x, t):
        s = (t["factor"] * 2).to(x.dtype).view(-1, 1, 1, 1)
        smoothed = depthwise_same(x, torch.tensor(SHARPNESS_KERNEL, dtype=torch.float32))
        return _clip(x + (1.0 - s) * (smoothed - x), *self.value_range)

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomPosterization(_Random):
    """keras.layers.RandomPosterization(factor, value_range=(0, 255)): bits uniform in [lo, hi)."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        lo, hi = _factor(factor, (1, 8), "RandomPosterization")
        self.factor = (int(lo), int(hi))
        self.value_range = tuple(sorted(_value_range(value_range, "RandomPosterization")))

    def _draw(self, x):
        n = x.shape[0]
        lo, hi = self.factor
        bits = self._randint((n,), lo, hi) if lo != hi else torch.full((n,), lo, dtype=torch.int64)
        return {"shift_factor": (8 - bits).to(torch.uint8)}

    def _transform(self, x, t):
        shift = t["shift_factor"].to(torch.int32).view(-1, 1, 1, 1)
        y = transform_value_range(x, self.value_range, (0, 255))
        q = torch.trunc(y).to(torch.int32)
        q = (q >> shift) << shift
        return transform_value_range(q.to(x.dtype), (0, 255), self.value_range)

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomInvert(_Random):
    """keras.layers.RandomInvert(factor=1.0, value_range=(0, 255)): value_range[1] - x with
    probability uniform(lo, hi) per image (a number f gives (0, f): probability f / 2)."""

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomInvert")
        self.value_range = _value_range(value_range, "RandomInvert")

    def _draw(self, x):
        n = x.shape[0]
        p = self._u((n,), *self.factor)
        return {"apply_inversion": self._rand((n,)) < p}

    def _transform(self, x, t):
        return _where_images(t["apply_inversion"], float(self.value_range[1]) - x, x)

    def extra_repr(self):
        return f"factor={self.factor}, value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


class RandomGrayscale(_Random):
    """keras.layers.RandomGrayscale(factor=0.5): grayscale (in every channel) with probability factor."""

    def __init__(self, factor=0.5, data_format=None, seed=None, *, name=None):
        if not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: factor must be in [0, 1], got {factor!r}")
        self._init_random(seed, name)
        self.factor = float(factor)

    def _draw(self, x):
        return {"should_apply": self._rand((x.shape[0],)) < self.factor}

    def _transform(self, x, t):
        return _where_images(t["should_apply"], rgb_to_grayscale(x).expand_as(x), x)

    def extra_repr(self):
        return f"factor={self.factor}, seed={self.seed}, name={self.name!r}"


def _kernel_size(k):
    """RandomGaussianBlur._set_kernel_size: odd numbers, (k, k) for one."""
    ks = tuple(k) if isinstance(k, (tuple, list)) else (k, k)
    if len(ks) != 2 or any(int(v) != v or v % 2 == 0 for v in ks):
        raise ValueError(f"RandomGaussianBlur: kernel_size must be odd, got {k!r}")
    return int(ks[0]), int(ks[1])


class RandomGaussianBlur(_Random):
    """keras.layers.RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255)):
    per batch two sigmas uniform(sigma range) + 1e-6; each image blurred with probability
    uniform(factor range); then everything clipped to value_range."""

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomGaussianBlur")
        self.kernel_size = _kernel_size(kernel_size)
        self.sigma = _factor(sigma, (0, 1), "RandomGaussianBlur: sigma")
        self.value_range = _value_range(value_range, "RandomGaussianBlur")

    def _draw(self, x):
        n = x.shape[0]
        p = self._u((n,), *self.factor)
        apply = self._rand((n,)) < p
        return {"should_apply_blur": apply, "blur_factor": self._u((2,), *self.sigma) + 1e-6}

    def _transform(self, x, t):
        blurred = depthwise_same(x, gaussian_kernel(self.kernel_size, t["blur_factor"].cpu()))
        out = _where_images(t["should_apply_blur"], blurred, x)
        return _clip(out, *self.value_range)

    def extra_repr(self):
        return (
            f"factor={self.factor}, kernel_size={self.kernel_size}, sigma={self.sigma}, "
            f"value_range={self.value_range}, seed={self.seed}, name={self.name!r}"
        )


def _box_masks(x, x0, x1, y0, y1):
    """(N, C, H, W) bool: grid_x in [x0, x1) and grid_y in [y0, y1), per image."""
    h, w = x.shape[-2:]
    gy = torch.arange(h, dtype=torch.float32).view(1, 1, h, 1)
    gx = torch.arange(w, dtype=torch.float32).view(1, 1, 1, w)
    v = [t.view(-1, 1, 1, 1) for t in (x0, x1, y0, y1)]
    m = (gx >= v[0]) & (gx < v[1]) & (gy >= v[2]) & (gy < v[3])
    return m.expand(x.shape[0], x.shape[1], h, w).clone()


class RandomErasing(_Random):
    """keras.layers.RandomErasing(factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255))."""

    def __init__(
        self,
        factor=1.0,
        scale=(0.02, 0.33),
        fill_value=None,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomErasing")
        self.scale = _factor(scale, (0, 1), "RandomErasing: scale")
        if fill_value is not None and not isinstance(fill_value, (int, float)):
            raise NotImplementedError(f"RandomErasing: fill_value {fill_value!r} (only a number or None)")
        self.fill_value = fill_value
        self.value_range = _value_range(value_range, "RandomErasing")

    def _bounds(self, n, length, ratio):
        crop = ratio * float(length)
        start = self._rand((n,)) * (float(length) - crop)
        return start, start + crop

    def _draw(self, x):
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        mix = torch.sqrt(self._u((n, 2), *self.scale))
        x0, x1 = self._bounds(n, w, mix[:, 0])
        y0, y1 = self._bounds(n, h, mix[:, 1])
        masks = _box_masks(x, x0, x1, y0, y1)
        p = self._u((n,), *self.factor)
        apply = self._rand((n,)) < p
        shape = tuple(x.shape)
        if self.fill_value is None:
            fill = self._normal(shape) * float(self.value_range[1])
        else:
            fill = torch.ones(shape) * _c(self.fill_value)
        fill = _clip(fill, *self.value_range)
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def _transform(self, x, t):
        erased = torch.where(t["batch_masks"], t["fill_value"].to(x.dtype), x)
        return _where_images(t["apply_erasing"], erased, x)

    def extra_repr(self):
        return (
            f"factor={self.factor}, scale={self.scale}, fill_value={self.fill_value}, "
            f"value_range={self.value_range}, seed={self.seed}, name={self.name!r}"
        )


class RandomColorJitter(_Random):
    """keras.layers.RandomColorJitter(value_range, brightness_factor, contrast_factor,
    saturation_factor, hue_factor): the given ones of RandomBrightness, RandomContrast,
    RandomSaturation, RandomHue, in that order."""

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.value_range = _value_range(value_range, "RandomColorJitter")
        self.steps = torch.nn.ModuleDict()
        if brightness_factor is not None:
            self.steps["random_brightness"] = A.RandomBrightness(brightness_factor, self.value_range)
        if contrast_factor is not None:
            self.steps["random_contrast"] = A.RandomContrast(contrast_factor, self.value_range)
        if saturation_factor is not None:
            self.steps["random_saturation"] = RandomSaturation(saturation_factor, self.value_range)
        if hue_factor is not None:
            self.steps["random_hue"] = RandomHue(hue_factor, self.value_range)
        self._share_generator(self.steps.values())

    def forward(self, x):
        if not self.training:
            return x
        for layer in self.steps.values():  # each draws from the images the previous one made
            x = layer._transform(x, self._on(layer._draw(x), x))
        return x

    def extra_repr(self):
        return f"value_range={self.value_range}, seed={self.seed}, name={self.name!r}"


# ------------------------------------------------------------------ geometric
class RandomShear(A._RandomAffine):
    """keras.layers.RandomShear(x_factor=0.0, y_factor=0.0, ...): per image shears
    uniform(x_factor) and uniform(y_factor), both negated together with probability 1/2."""

    def __init__(
        self,
        x_factor=0.0,
        y_factor=0.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        data_format=None,
        seed=None,
        *,
        name=None,
    ):
        self._init_affine(fill_mode, interpolation, seed, fill_value, name)
        self.x_factor = _pm_factor(x_factor, "RandomShear: x_factor")
        self.y_factor = _pm_factor(y_factor, "RandomShear: y_factor")

    _rand = _Random._rand
    _u = _Random._u

    def _draw(self, x):
        n = x.shape[0]
        invert = torch.where(self._rand((n, 1)) > 0.5, -1.0, 1.0)
        shear_y = self._u((n, 1), *self.y_factor)
        shear_x = self._u((n, 1), *self.x_factor)
        return {"shear_factor": torch.cat([shear_x, shear_y], dim=1) * invert}

    def _matrix(self, x, t):
        s = t["shear_factor"].to(torch.float32)
        ones, zeros = torch.ones_like(s[:, 0]), torch.zeros_like(s[:, 0])
        return torch.stack([ones, s[:, 0], zeros, s[:, 1], ones, zeros, zeros, zeros], dim=1)

    def extra_repr(self):
        return (
            f"x_factor={self.x_factor}, y_factor={self.y_factor}, fill_mode={self.fill_mode!r}, "
            f"seed={self.seed}, name={self.name!r}"
        )


def homography(start_points, end_points):
    """keras.ops.image's compute_homography_matrix: the (N, 8) projective transform mapping
    output pixels to input pixels, from Keras's 8 x 8 system (solved in float64)."""
    s = start_points.to(torch.float64)
    e = end_points.to(torch.float64)
    rows = []
    for i in range(4):
        sx, sy, ex, ey = s[:, i, 0], s[:, i, 1], e[:, i, 0], e[:, i, 1]
        one, zero = torch.ones_like(ex), torch.zeros_like(ex)
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], dim=-1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], dim=-1))
    a = torch.stack(rows, dim=1)
    b = s.reshape(-1, 8, 1)
    return torch.linalg.solve(a, b).reshape(-1, 8).to(torch.float32)


class RandomPerspective(_Random):
    """keras.layers.RandomPerspective(factor=1.0, scale=1.0, interpolation, fill_value): the
    image corners moved by uniform(-scale / 2, scale / 2) times their coordinates, with
    probability uniform(factor range) per image; constant fill."""

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_value=0.0,
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        if interpolation not in A.AFFINE_INTERPOLATIONS:
            raise NotImplementedError(
                f"RandomPerspective: interpolation {interpolation!r} is not one of {A.AFFINE_INTERPOLATIONS}"
            )
        if not 0.0 <= scale <= 1.0:
            raise ValueError(f"RandomPerspective: scale must be in [0, 1], got {scale!r}")
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomPerspective")
        self.scale, self.interpolation, self.fill_value = float(scale), interpolation, float(fill_value)

    def _draw(self, x):
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        p = self._u((n,), *self.factor)
        apply = self._rand((n,)) < p
        pf = self._u((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale)
        start = torch.tensor([[0.0, 0.0], [w - 1, 0.0], [0.0, h - 1], [w - 1, h - 1]], dtype=torch.float32)
        start = start.unsqueeze(0).repeat(n, 1, 1)
        return {"apply_perspective": apply, "start_points": start, "end_points": start + start * pf}

    def _matrix(self, x, t):
        return homography(t["start_points"].cpu(), t["end_points"].cpu())

    def _transform(self, x, t):
        out = A.affine_transform(x, self._matrix(x, t), self.interpolation, "constant", self.fill_value)
        return _where_images(t["apply_perspective"], out, x)

    def extra_repr(self):
        return f"factor={self.factor}, scale={self.scale}, seed={self.seed}, name={self.name!r}"


def _map_index(idx, size, fill_mode):
    """keras.ops.image.map_coordinates' process_coordinates (TF backend) on integer indices:
    (safe index, valid)."""
    if fill_mode == "constant":
        return idx.clamp(0, size - 1), (idx >= 0) & (idx < size)
    if fill_mode == "nearest":
        return idx.clamp(0, size - 1), None
    if fill_mode == "reflect":
        mod = torch.remainder(idx.abs(), 2 * size)
        under = mod < size
        return torch.where(under, mod, 2 * size - mod - 1), None
    return torch.remainder(idx, size), None  # wrap


def map_coordinates(images, ys, xs, order, fill_mode="constant", fill_value=0.0):
    """keras.ops.image.map_coordinates (TF backend) of every channel of images (N, C, H, W)
    at per-image coordinates ys, xs (N, H', W'), order 0 (round half to even) or 1."""
    n, c, h, w = images.shape
    flat = images.reshape(n, c, h * w)

    def nodes(coord):
        if order == 0:
            return [(torch.round(coord).to(torch.int64), None)]
        lower = torch.floor(coord)
        upper_w = coord - lower
        idx = lower.to(torch.int64)
        return [(idx, 1.0 - upper_w), (idx + 1, upper_w)]

    fill = torch.as_tensor(float(fill_value), dtype=images.dtype, device=images.device)
    result = None
    for iy, wy in nodes(ys):
        sy, vy = _map_index(iy, h, fill_mode)
        for ix, wx in nodes(xs):
            sx, vx = _map_index(ix, w, fill_mode)
            idx = (sy * w + sx).reshape(n, 1, -1).expand(n, c, -1)
            g = torch.gather(flat, 2, idx).reshape(n, c, *ys.shape[1:])
            if fill_mode == "constant":
                g = torch.where((vy & vx).unsqueeze(1), g, fill)
            if wy is None:
                term = g
            else:
                term = (wy * wx).unsqueeze(1) * g
            result = term if result is None else result + term
    return result


class RandomElasticTransform(_Random):
    """keras.layers.RandomElasticTransform(factor=1.0, scale=1.0, interpolation, fill_mode,
    fill_value, value_range): per batch a distortion uniform(scale range) giving
    alpha = max(H, W) * 0.1 * d and sigma = min(H, W) * 0.05 * d; per image a Gaussian field
    (the same for both axes), blurred, times alpha; applied with probability
    uniform(factor range); the result clipped to value_range."""

    # Keras also takes "mirror", which TF's map_coordinates turns into an index one past the
    # edge (a gather error on the CPU): not supported
    FILL_MODES = ("constant", "nearest", "wrap", "reflect")

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        if interpolation not in A.AFFINE_INTERPOLATIONS:
            raise NotImplementedError(
                f"RandomElasticTransform: interpolation {interpolation!r} is not one of {A.AFFINE_INTERPOLATIONS}"
            )
        if fill_mode not in self.FILL_MODES:
            raise NotImplementedError(
                f"RandomElasticTransform: fill_mode {fill_mode!r} is not one of {self.FILL_MODES}"
            )
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "RandomElasticTransform")
        self.scale = _factor(scale, (0, 1), "RandomElasticTransform: scale")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, float(fill_value)
        self.value_range = _value_range(value_range, "RandomElasticTransform")

    def _draw(self, x):
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        p = self._u((n,), *self.factor)
        apply = self._rand((n,)) < p
        return {
            "apply_transform": apply,
            "distortion_factor": self._u((), *self.scale),
            "noise": self._normal((n, h, w)),
        }

    def _transform(self, x, t):
        if t is None:
            return x
        h, w = x.shape[-2:]
        d = t["distortion_factor"].to(torch.float32).cpu()
        alpha = float(max(h, w)) * (_c(0.1) * d)
        sigma = float(min(h, w)) * (_c(0.05) * d)
        k = int(sigma) * 6 | 1
        kernel = gaussian_kernel((k, k), torch.stack([sigma, sigma]))
        field = depthwise_same((t["noise"].to(torch.float32) * sigma.to(x.device)).unsqueeze(1), kernel)[:, 0]
        ys = torch.arange(h, dtype=torch.float32, device=x.device).view(1, h, 1)
        xs = torch.arange(w, dtype=torch.float32, device=x.device).view(1, 1, w)
        a = alpha.to(x.device)
        out = map_coordinates(
            x,
            ys + a * field,
            xs + a * field,
            A.AFFINE_INTERPOLATIONS.index(self.interpolation),
            self.fill_mode,
            self.fill_value,
        )
        out = _where_images(t["apply_transform"], out, x)
        return _clip(out, *self.value_range)

    def forward(self, x):
        if not self.training:
            return x
        return self._transform(x, self._on(self._draw(x), x))

    def extra_repr(self):
        return (
            f"factor={self.factor}, scale={self.scale}, fill_mode={self.fill_mode!r}, "
            f"seed={self.seed}, name={self.name!r}"
        )


# ------------------------------------------------------------------ batch mixing
class CutMix(_Random):
    """keras.layers.CutMix(factor=1.0): per batch alpha = uniform(factor range) + 1e-6; per
    image a Beta(alpha, alpha) weight gives a box of side ratio sqrt(1 - weight), filled
    from the image at a random permutation of the batch."""

    def __init__(self, factor=1.0, seed=None, data_format=None, *, name=None):
        self._init_random(seed, name)
        self.factor = _factor(factor, (0, 1), "CutMix")

    def _draw(self, x):
        n, h, w = x.shape[0], x.shape[-2], x.shape[-1]
        alpha = float(self._u((), *self.factor)) + 1e-6
        mix = torch.from_numpy(self._np_rng().beta(alpha, alpha, size=n).astype(np.float32))
        ratio = torch.sqrt(1.0 - mix)

        def bounds(length):
            crop = ratio * float(length)
            start = self._rand((n,)) * (float(length) - crop)
            return start, start + crop

        x0, x1 = bounds(w)
        y0, y1 = bounds(h)
        masks = _box_masks(x, x0, x1, y0, y1)
        return {
            "permutation_order": self._permutation(n),
            "batch_masks": masks,
            "mix_weight": 1.0 - (x1 - x0) * (y1 - y0) / float(w * h),
        }

    def _transform(self, x, t):
        return torch.where(t["batch_masks"], x[t["permutation_order"]], x)

    def extra_repr(self):
        return f"factor={self.factor}, seed={self.seed}, name={self.name!r}"


class MixUp(_Random):
    """keras.layers.MixUp(alpha=0.2): w * x + (1 - w) * x[permutation], w ~ Beta(alpha, alpha) per image."""

    def __init__(self, alpha=0.2, data_format=None, seed=None, *, name=None):
        self._init_random(seed, name)
        self.alpha = float(alpha)

    def _draw(self, x):
        n = x.shape[0]
        perm = self._permutation(n)
        mix = torch.from_numpy(self._np_rng().beta(self.alpha, self.alpha, size=n).astype(np.float32))
        return {"mix_weight": mix, "permutation_order": perm}

    def _transform(self, x, t):
        w = t["mix_weight"].to(x.dtype).view(-1, 1, 1, 1)
        return w * x + (1.0 - w) * x[t["permutation_order"]]

    def extra_repr(self):
        return f"alpha={self.alpha}, seed={self.seed}, name={self.name!r}"


# ------------------------------------------------------------------ policies
def _policy_layers(factor, value_range, interpolation, all_ops=True):
    """Keras's RandAugment / AugMix sub-layers with their factors (Keras passes its own
    (lower, upper) factor pair to each)."""
    f = tuple(factor)
    layers = {
        "random_shear": RandomShear(x_factor=f, y_factor=f, interpolation=interpolation),
        "random_translation": A.RandomTranslation(
            height_factor=f, width_factor=f, interpolation=interpolation
        ),
        "random_rotation": A.RandomRotation(factor=f, interpolation=interpolation),
        "random_brightness": A.RandomBrightness(factor=f, value_range=value_range),
        "random_color_degeneration": RandomColorDegeneration(factor=f, value_range=value_range),
        "random_contrast": A.RandomContrast(factor=f, value_range=value_range),
        "random_sharpness": RandomSharpness(factor=f, value_range=value_range),
        "random_posterization": RandomPosterization(factor=max(1, int(8 * f[1])), value_range=value_range),
        "solarization": Solarization(addition_factor=f, threshold_factor=f, value_range=value_range),
        "auto_contrast": AutoContrast(value_range=value_range),
        "equalization": Equalization(value_range=value_range),
    }
    return layers


def _step_draw(layer, x):
    return None if isinstance(layer, (AutoContrast, Equalization)) else layer._draw(x)


def _step_transform(layer, x, t):
    """The sub-layer's Keras transform_images(..., training=True)."""
    if isinstance(layer, AutoContrast):
        return layer(x)
    if isinstance(layer, Equalization):
        return torch.stack([layer._equalize_channel(x[:, c]) for c in range(x.shape[1])], dim=1)
    return layer._transform(x, t)


RAND_AUGMENT_LAYERS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)


class RandAugment(_Random):
    """keras.layers.RandAugment(value_range=(0, 255), num_ops=2, factor=0.5,
    interpolation="bilinear"): num_ops times, one of Keras's 11 sub-layers uniformly (its
    one transformation of this call reused when picked again)."""

    def __init__(
        self,
        value_range=(0, 255),
        num_ops=2,
        factor=0.5,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.value_range = _value_range(value_range, "RandAugment")
        self.num_ops = int(num_ops)
        self.factor = _factor(factor, (0, 1), "RandAugment")
        self.interpolation = interpolation
        subs = _policy_layers(self.factor, self.value_range, interpolation)
        self.ops = torch.nn.ModuleDict({k: subs[k] for k in RAND_AUGMENT_LAYERS})
        self._share_generator(self.ops.values())

    def _draw(self, x):
        idx = self._randint((self.num_ops,), 0, len(RAND_AUGMENT_LAYERS))
        return {"layer_idxes": idx, "transforms": {k: _step_draw(m, x) for k, m in self.ops.items()}}

    def _transform(self, x, t):
        names = list(self.ops)
        for i in range(self.num_ops):
            key = names[int(t["layer_idxes"][i])]
            x = _step_transform(self.ops[key], x, t["transforms"][key])
        return x

    def extra_repr(self):
        return (
            f"value_range={self.value_range}, num_ops={self.num_ops}, factor={self.factor}, "
            f"seed={self.seed}, name={self.name!r}"
        )


AUG_MIX_ALL = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)
AUG_MIX_SOME = AUG_MIX_ALL[:7]


class AugMix(_Random):
    """keras.layers.AugMix(value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
    alpha=1.0, all_ops=True, interpolation="bilinear"): Dirichlet(alpha) chain weights,
    a Beta(alpha, alpha) weight of the original; each chain applies chain_depth steps,
    each one of the ops or none (uniformly); the mix clipped to value_range."""

    def __init__(
        self,
        value_range=(0, 255),
        num_chains=3,
        chain_depth=3,
        factor=0.3,
        alpha=1.0,
        all_ops=True,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        *,
        name=None,
    ):
        self._init_random(seed, name)
        self.value_range = _value_range(value_range, "AugMix")
        self.num_chains, self.chain_depth = int(num_chains), int(chain_depth)
        self.factor = _factor(factor, (0, 1), "AugMix")
        self.alpha, self.all_ops = float(alpha), bool(all_ops)
        self.names = AUG_MIX_ALL if self.all_ops else AUG_MIX_SOME
        subs = _policy_layers(self.factor, self.value_range, interpolation)
        self.ops = torch.nn.ModuleDict({k: subs[k] for k in self.names})
        self._share_generator(self.ops.values())

    def _draw(self, x):
        rng = self._np_rng()
        g = rng.gamma(self.alpha, size=self.num_chains).astype(np.float32)
        weights = torch.from_numpy(g / g.sum())
        sample = torch.tensor(rng.beta(self.alpha, self.alpha), dtype=torch.float32)
        chains = []
        for _ in range(self.num_chains):
            steps = []
            for _ in range(self.chain_depth):
                pick = int(torch.randint(0, len(self.names) + 1, (), generator=self._generator))
                if pick == len(self.names):
                    continue
                key = self.names[pick]
                steps.append({"layer_name": key, "transformation": _step_draw(self.ops[key], x)})
            chains.append(steps)
        return {"chain_mixing_weights": weights, "weight_sample": sample, "chain_transforms": chains}

    def _transform(self, x, t):
        w = t["chain_mixing_weights"].to(x.dtype)
        ws = t["weight_sample"].to(x.dtype)
        aug = torch.zeros_like(x)
        for i, chain in enumerate(t["chain_transforms"]):
            y = x
            for step in chain:
                y = _step_transform(self.ops[step["layer_name"]], y, step["transformation"])
            aug = aug + y * w[i]
        return _clip(ws * x + (1 - ws) * aug, *self.value_range)

    def extra_repr(self):
        return (
            f"value_range={self.value_range}, num_chains={self.num_chains}, chain_depth={self.chain_depth}, "
            f"factor={self.factor}, alpha={self.alpha}, all_ops={self.all_ops}, seed={self.seed}, name={self.name!r}"
        )
