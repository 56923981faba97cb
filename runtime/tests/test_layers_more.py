"""graphc_runtime.torch.layers L4 family (augmentation_more.py, audio.py, core_more.py)
against real Keras 3 on TensorFlow.

- Deterministic layers (AutoContrast, CLAHE, Equalization in training) and every random
  layer's transform given the same random parameters (ours, handed to Keras's
  transform_images) against Keras; the composite layers (RandomColorJitter, RandAugment,
  AugMix) step by step against Keras's own sub-layers, and whole where every step is exact.
- Random layers are Keras's inference (the identity) in eval mode.
- Distributions: each random parameter, N_DRAWS draws of ours against N_DRAWS of Keras's
  (two-sample Kolmogorov-Smirnov at alpha = 1e-6 for continuous ones; rates and integer
  frequencies within 5 standard deviations of the value both must have).
- MelSpectrogram, STFTSpectrogram, ReversibleEmbedding, HashedCrossing, Pipeline against
  Keras with Keras's weights.

Tolerances (float32, eps = 2**-23), derived where they are used.  Where both frameworks
evaluate the same elementwise formula the results are equal, except that a compiler may
contract a * b + c into one fused multiply-add (TensorFlow's kernels on some builds): that
moves a result by at most one rounding of its magnitude per contracted operation, which the
rows that can see it allow for (ELEMENTWISE below).  Sums in other orders: n terms are
within 2 (n + 1) eps sum|terms| of each other (Higham, Accuracy and Stability, 4.3).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch
from graphc_runtime.torch import layers as K
from graphc_runtime.torch.layers import augmentation_more as M

pytestmark = pytest.mark.slow

EPS = float(np.finfo(np.float32).eps)
N_DRAWS = 3000


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    assert keras.backend.backend() == "tensorflow"
    return keras


def cf(a):
    """channels_last numpy -> channels_first torch."""
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(np.asarray(a, dtype=np.float32), -1, 1)))


def cl(t):
    """channels_first torch -> channels_last numpy."""
    return np.moveaxis(t.detach().cpu().numpy(), 1, -1)


def images(shape, seed=9, high=255.0):
    return (np.random.default_rng(seed).random(shape) * high).astype(np.float32)


def to_keras(v):
    """Our draws as Keras's transformation: tensors (image-shaped ones channels_last), nested."""
    import tensorflow as tf

    if isinstance(v, torch.Tensor):
        a = v.numpy()
        return tf.constant(np.moveaxis(a, 1, -1) if a.ndim == 4 and a.shape[1] in (1, 2, 3) else a)
    if isinstance(v, dict):
        return {k: to_keras(u) for k, u in v.items()}
    if isinstance(v, list):
        return [to_keras(u) for u in v]
    return v


def ks_statistic(a, b):
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    return float(
        np.max(
            np.abs(np.searchsorted(a, grid, "right") / a.size - np.searchsorted(b, grid, "right") / b.size)
        )
    )


def ks_critical(n, m, alpha=1e-6):
    """Two-sample KS critical value: c(alpha) * sqrt((n + m) / (n * m)), c = sqrt(-ln(alpha / 2) / 2)."""
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def assert_same_distribution(ref, got, what=""):
    ref, got = np.ravel(np.asarray(ref, dtype=np.float64)), np.ravel(np.asarray(got, dtype=np.float64))
    d = ks_statistic(ref, got)
    assert d < ks_critical(ref.size, got.size), (what, d)


def assert_rate(ref, got, p):
    """Two Bernoulli(p) samples: each rate within 5 sqrt(p (1 - p) / n) of p."""
    ref, got = np.ravel(np.asarray(ref)), np.ravel(np.asarray(got))
    for s in (ref, got):
        assert abs(s.mean() - p) < 5 * math.sqrt(p * (1 - p) / s.size) + 1e-12, (s.mean(), p)


# an elementwise formula of a few operations on values of magnitude V: a fused multiply-add
# per operation moves the result by at most one rounding, eps * V each
def elementwise(v, ops=4):
    return ops * EPS * v


# ====================================================================== deterministic layers
AUTO_ROWS = [dict(), dict(value_range=(0, 1)), dict(value_range=(-1, 3))]


@pytest.mark.parametrize("kw", AUTO_ROWS, ids=str)
def test_auto_contrast_matches_keras(keras, kw):
    lo, hi = kw.get("value_range", (0, 255))
    x = images((3, 7, 9, 3), high=hi - lo) + np.float32(lo)
    x[1, :, :, 2] = np.float32(lo + (hi - lo) / 3)  # a constant channel: left as it is
    ref = np.asarray(keras.layers.AutoContrast(**kw)(x))
    for training in (True, False):  # applied in both modes
        tl = K.AutoContrast(**kw).train(training)
        got = cl(tl(cf(x)))
        # (x - lo) / (hi - lo) * 255, then x * scale + offset, then back: 3 multiply-adds
        np.testing.assert_allclose(got, ref, rtol=0, atol=elementwise(max(abs(lo), abs(hi), 255.0), 6))
    assert np.array_equal(got[1, :, :, 2], x[1, :, :, 2])


# value ranges starting at 0: Keras's rescaling x * s + 0 has no addend a fused multiply-add
# could change, so the bin indices and the table lookups are the same: exact
EQ_ROWS = [dict(), dict(bins=17), dict(value_range=(0, 1)), dict(value_range=(0, 2), bins=64)]


@pytest.mark.parametrize("kw", EQ_ROWS, ids=str)
def test_equalization_matches_keras_in_training(keras, kw):
    hi = kw.get("value_range", (0, 255))[1]
    x = images((3, 7, 9, 3), high=hi)
    x[2, :, :, 1] = np.float32(hi / 2)  # one channel of one image constant (the batch histogram is not)
    kl = keras.layers.Equalization(**kw)
    tl = K.Equalization(**kw)
    got = cl(tl.train()(cf(x)))
    np.testing.assert_array_equal(got, np.asarray(kl(x, training=True)))
    assert np.array_equal(cl(tl.eval()(cf(x))), np.asarray(kl(x, training=False)))
    one = np.full((2, 4, 5, 3), 7.0, np.float32)  # one occupied bin: unchanged
    np.testing.assert_array_equal(cl(tl.train()(cf(one))), np.asarray(kl(one, training=True)))


CLAHE_ROWS = [
    dict(clip_limit=0.0, tile_grid_size=(2, 2)),
    dict(),
    dict(tile_grid_size=(3, 4)),
    dict(clip_limit=2.0, tile_grid_size=(4, 3), value_range=(0, 1)),
]


@pytest.mark.parametrize("kw", CLAHE_ROWS, ids=str)
def test_clahe_matches_keras(keras, kw):
    hi = kw.get("value_range", (0, 255))[1]
    x = images((2, 20, 23, 3), high=hi)  # 20 x 23: padded to whole tiles for every grid here
    ref = np.asarray(keras.layers.ContrastLimitedAdaptiveHistogramEqualization(**kw)(x))
    got = cl(K.ContrastLimitedAdaptiveHistogramEqualization(**kw)(cf(x)))
    gh, gw = kw.get("tile_grid_size", (8, 8))
    tile = math.ceil(20 / gh) * math.ceil(23 / gw)
    clip = kw.get("clip_limit", 4.0)
    if clip <= 0:
        tol = 0.0  # integer counts: every sum exact, the same operations after
    else:
        # clipped counts are not integers: a tile's cdf (<= 256 terms summing to T = tile pixels)
        # may differ by 2 * 257 * eps * T between the two cumsums; the first cdf value is at most
        # the clip limit plus the spread excess, c * T / 256 + T / 256, so T - cdf_min >= T (1 - (c + 1) / 256)
        # and 255 (cdf - m) / (T - m) moves by <= 255 * 3 * delta / (T - m); bilinear weights add 4 roundings
        delta = 2 * 257 * EPS * tile
        tol = 255 * 3 * delta / (tile * (1 - (clip + 1) / 256)) + 4 * EPS * 255
        tol *= hi / 255
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)


# ====================================================================== random layers: transforms
GRAY_TOL = 2 * 4 * EPS  # a 3-term dot product with weights summing to 1 (x max|x|)
# rgb -> hsv -> rgb: hue = (g - b) / (6 range) and back r = v (1 - s + s d(6 h)): the output
# depends on h through s v 6 |dh| <= 6 range |dh|, and range * |dh| <= 2 eps V for an h with
# two roundings; with <= 8 further contractible operations on values <= V: (12 + 8) eps V
HSV_TOL = 20 * EPS

TRANSFORM_ROWS = [
    ("Solarization", dict(addition_factor=0.3, threshold_factor=(0.2, 0.9)), 0),
    ("Solarization", dict(value_range=(0, 1)), 0),
    ("RandomColorDegeneration", dict(factor=0.7), GRAY_TOL + 2 * EPS),
    ("RandomColorDegeneration", dict(factor=(-0.5, 0.9), value_range=(0, 1)), GRAY_TOL + 2 * EPS),
    ("RandomHue", dict(factor=0.8), HSV_TOL),
    ("RandomHue", dict(factor=(0.1, 0.5), value_range=(0, 1)), HSV_TOL),
    ("RandomSaturation", dict(factor=0.6), HSV_TOL),
    ("RandomSaturation", dict(factor=(0.2, 0.9)), HSV_TOL),
    # a 9-term sum with weights summing to 1 in another order, scaled by |1 - 2 f| <= 1, plus 3 roundings
    ("RandomSharpness", dict(factor=0.8), 2 * 10 * EPS + 3 * EPS),
    ("RandomPosterization", dict(factor=(1, 8)), 0),
    ("RandomPosterization", dict(factor=3, value_range=(0, 1)), 0),
    ("RandomInvert", dict(factor=(0.6, 1.0)), 0),
    ("RandomGrayscale", dict(factor=0.6), GRAY_TOL),
    # 25 (15) taps in another order, each Gaussian weight within 4 roundings (exp, normalization)
    ("RandomGaussianBlur", dict(factor=(0.8, 1.0), kernel_size=5, sigma=0.8), 2 * 26 * EPS + 4 * EPS),
    ("RandomGaussianBlur", dict(kernel_size=(3, 5), sigma=(0.3, 0.9)), 2 * 16 * EPS + 4 * EPS),
    ("RandomErasing", dict(), 0),
    ("RandomErasing", dict(factor=0.8, scale=(0.1, 0.6), fill_value=30.0), 0),
    ("CutMix", dict(factor=0.8), 0),
    ("MixUp", dict(alpha=0.4), elementwise(1.0, 2)),
]


@pytest.mark.parametrize("row", TRANSFORM_ROWS, ids=[f"{n}-{k}" for n, k, _ in TRANSFORM_ROWS])
def test_random_transforms_match_keras_given_the_draws(keras, row):
    """Keras's transform_images with the parameters we drew, against ours; tolerances are
    relative to the value range's top (TRANSFORM_ROWS)."""
    import tensorflow as tf

    name, kw, rel = row
    hi = kw.get("value_range", (0, 255))[1]
    x = images((6, 7, 9, 3), high=hi)
    tl = getattr(K, name)(**kw, seed=3)
    xt = cf(x)
    t = tl._draw(xt)
    got = cl(tl._transform(xt, t))
    kt = to_keras(t)
    if name == "RandomGrayscale":
        kt = kt["should_apply"][:, None, None, None]  # Keras's transformation is the flags
    ref = np.asarray(getattr(keras.layers, name)(**kw).transform_images(tf.constant(x), kt, training=True))
    np.testing.assert_allclose(got, ref, rtol=0, atol=rel * hi)
    assert not np.array_equal(got, x)  # the draws did something


def _safe_for_nearest(m, h, w, noise):
    """Pixels whose source coordinates are farther than 2 * noise from a rounding point."""
    ys, xs = np.mgrid[0:h, 0:w]
    k = m[:, 6, None, None] * xs + m[:, 7, None, None] * ys + 1
    safe = np.ones((m.shape[0], h, w), dtype=bool)
    for c in (
        (m[:, 0, None, None] * xs + m[:, 1, None, None] * ys + m[:, 2, None, None]) / k,
        (m[:, 3, None, None] * xs + m[:, 4, None, None] * ys + m[:, 5, None, None]) / k,
    ):
        safe &= np.abs(c - np.floor(c) - 0.5) > 2 * noise
    return safe, k


GEOMETRIC_ROWS = [
    ("RandomShear", dict(x_factor=0.3, y_factor=(0.1, 0.5))),
    ("RandomShear", dict(x_factor=0.6, fill_mode="constant", interpolation="nearest", fill_value=7.0)),
    ("RandomShear", dict(y_factor=0.8, fill_mode="wrap")),
    ("RandomPerspective", dict(factor=(0.6, 1.0), scale=0.5)),
    ("RandomPerspective", dict(scale=0.8, interpolation="nearest", fill_value=3.0)),
]


@pytest.mark.parametrize("row", GEOMETRIC_ROWS, ids=[f"{n}-{k}" for n, k in GEOMETRIC_ROWS])
def test_geometric_transforms_match_keras_given_the_draws(keras, row):
    """Our projective matrix against Keras's for the same draws, then TF's
    ImageProjectiveTransformV3 of our matrix (keras.ops.image.affine_transform) against ours."""
    import tensorflow as tf

    name, kw = row
    n, h, w = 6, 7, 9
    x = images((n, h, w, 3))
    tl = getattr(K, name)(**kw, seed=3)
    xt = cf(x)
    t = tl._draw(xt)
    m = tl._matrix(xt, t).numpy()
    kl = getattr(keras.layers, name)(**kw)
    if name == "RandomShear":
        ref_m = np.asarray(kl._get_shear_matrix(tf.constant(t["shear_factor"].numpy())))
        np.testing.assert_array_equal(m, ref_m)  # the draws copied into the matrix
    else:
        from keras.src.backend.tensorflow.image import compute_homography_matrix

        ref_m = np.asarray(
            compute_homography_matrix(
                tf.constant(t["start_points"].numpy()), tf.constant(t["end_points"].numpy())
            )
        )
        # ours solves in float64 (then rounds), TF in float32 by LU: TF's solution is within
        # cond(A) * 8 * 8 eps of the exact one (Higham 9.4, |L||U| growth small for these
        # systems), relative to the largest entry of each row of unknowns
        a = _homography_system(t["start_points"].numpy(), t["end_points"].numpy())
        cond = np.array([np.linalg.cond(ai) for ai in a])[:, None]
        scale = np.abs(m).max(axis=1, keepdims=True)
        assert np.all(np.abs(m - ref_m) <= cond * 64 * EPS * scale + EPS * np.abs(m))
    interpolation = kw.get("interpolation", "bilinear")
    fill_mode = "constant" if name == "RandomPerspective" else kw.get("fill_mode", "reflect")
    fill_value = kw.get("fill_value", 0.0)
    ref = np.asarray(
        keras.ops.image.affine_transform(x, m, interpolation, fill_mode, fill_value, "channels_last")
    )
    if name == "RandomPerspective":
        apply = t["apply_perspective"].numpy()
        ref = np.where(apply[:, None, None, None], ref, x)
    got = cl(tl._transform(xt, t))
    # source coordinates (|c| <= 2 (H + W), divided by k >= min k) agree within a possible
    # fused multiply-add per operation: 4 eps 2 (H + W) / min k; bilinear outputs move by <= 2 V
    # per unit of coordinate on each axis, plus 8 roundings; nearest is exact away from
    # rounding points ("wrap" jumps at multiples of size - 1 are avoided by the same margin)
    safe, k = _safe_for_nearest(m.astype(np.float64), h, w, 0.0)
    noise = 4 * EPS * 2 * (h + w) / float(np.abs(k).min())
    if interpolation == "nearest":
        safe, _ = _safe_for_nearest(m.astype(np.float64), h, w, noise)
        assert safe.mean() > 0.8
        np.testing.assert_array_equal(got[safe], ref[safe])
    else:
        v = max(255.0, abs(fill_value))
        np.testing.assert_allclose(got, ref, rtol=0, atol=2 * 2 * v * noise + 8 * EPS * v)


def _homography_system(start, end):
    rows = []
    for i in range(4):
        sx, sy, ex, ey = start[:, i, 0], start[:, i, 1], end[:, i, 0], end[:, i, 1]
        one, zero = np.ones_like(ex), np.zeros_like(ex)
        rows.append(np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
    return np.stack(rows, 1).astype(np.float64)


ELASTIC_ROWS = [
    dict(),
    dict(scale=(0.5, 1.0), interpolation="nearest", fill_mode="constant", fill_value=9.0),
    dict(fill_mode="wrap", factor=0.9),
    dict(fill_mode="nearest", scale=(0.1, 0.4)),  # sigma < 1: a 1-tap "blur"
]


@pytest.mark.parametrize("kw", ELASTIC_ROWS, ids=str)
def test_elastic_transform_matches_keras_given_the_draws(keras, kw, monkeypatch):
    """Keras draws its noise field inside keras.ops.image.elastic_transform: we hand it ours
    through tf.random.stateless_normal."""
    import tensorflow as tf

    x = images((3, 40, 44, 2))
    tl = K.RandomElasticTransform(**kw, seed=2)
    xt = cf(x)
    t = tl._draw(xt)
    got = cl(tl._transform(xt, t))
    noise = tf.constant(t["noise"].numpy())
    monkeypatch.setattr(tf.random, "stateless_normal", lambda *a, **k: noise)
    kl = keras.layers.RandomElasticTransform(**kw)
    kt = {
        "apply_transform": to_keras(t["apply_transform"]),
        "distortion_factor": to_keras(t["distortion_factor"]),
    }
    ref = np.asarray(kl.transform_images(tf.constant(x), {**kt, "seed": kl.generator}, training=True))
    # the field is a Gaussian blur (k x k taps in another order, each weight within 4
    # roundings) of sigma * noise: within (2 (k^2 + 1) + 4) eps sigma max|noise|, times alpha in
    # the coordinates (plus 4 roundings of the coordinate); bilinear moves by 2 V per unit on
    # each axis, nearest is compared away from rounding points
    d = float(t["distortion_factor"])
    sigma, alpha = min(40, 44) * 0.05 * d, max(40, 44) * 0.1 * d
    k = 6 * int(sigma) | 1
    field_err = (2 * (k * k + 1) + 4) * EPS * sigma * float(t["noise"].abs().max())
    coord_err = alpha * field_err + 4 * EPS * 2 * 44
    if kw.get("interpolation") == "nearest":
        field = (
            M.depthwise_same(
                (t["noise"] * sigma).unsqueeze(1), M.gaussian_kernel((k, k), torch.tensor([sigma, sigma]))
            )[:, 0]
            .double()
            .numpy()
        )
        ys, xs = np.mgrid[0:40, 0:44]
        safe = np.ones(field.shape, bool)
        for c in (ys + alpha * field, xs + alpha * field):
            safe &= np.abs(c - np.floor(c) - 0.5) > 2 * coord_err
        assert safe.mean() > 0.8
        safe = np.repeat(safe[..., None], 2, -1)
        np.testing.assert_array_equal(got[safe], ref[safe])
    else:
        np.testing.assert_allclose(got, ref, rtol=0, atol=2 * 2 * 255 * coord_err + 8 * EPS * 255)


RANDOM_CLASSES = [
    ("Solarization", dict()),
    ("RandomColorDegeneration", dict(factor=0.5)),
    ("RandomHue", dict(factor=0.5)),
    ("RandomSaturation", dict(factor=0.5)),
    ("RandomSharpness", dict(factor=0.5)),
    ("RandomPosterization", dict(factor=4)),
    ("RandomInvert", dict()),
    ("RandomGrayscale", dict()),
    ("RandomGaussianBlur", dict()),
    ("RandomErasing", dict()),
    ("RandomColorJitter", dict(brightness_factor=0.3, hue_factor=0.2)),
    ("RandomShear", dict(x_factor=0.4)),
    ("RandomPerspective", dict()),
    ("RandomElasticTransform", dict()),
    ("CutMix", dict()),
    ("MixUp", dict()),
    ("RandAugment", dict()),
    ("AugMix", dict()),
]


@pytest.mark.parametrize("row", RANDOM_CLASSES, ids=[n for n, _ in RANDOM_CLASSES])
def test_random_layers_are_keras_inference_in_eval_mode_and_change_images_in_training(keras, row):
    name, kw = row
    x = images((4, 12, 13, 3))
    ref = np.asarray(getattr(keras.layers, name)(**kw)(x, training=False))
    tl = getattr(K, name)(**kw, seed=1)
    got = cl(tl.eval()(cf(x)))
    assert np.array_equal(got, ref) and np.array_equal(got, x)
    assert K.count_params(tl) == (0, 0)
    a = getattr(K, name)(**kw, seed=5).train()(cf(x))
    b = getattr(K, name)(**kw, seed=5).train()(cf(x))
    assert torch.equal(a, b)  # the seed fixes the draws
    assert a.shape == cf(x).shape and a.dtype == torch.float32


# ---------------------------------------------------------------------- composite layers
def _keras_step(keras, kl_sub, y, t):
    """A Keras sub-layer's transform_images(..., training=True) on our image y with our draws."""
    import tensorflow as tf

    kt = to_keras(t) if t is not None else None
    if kt is not None and "angle" in kt:  # RandomRotation: Keras reads its matrix
        kt = {"rotation_matrix": tf.constant(kl_sub_matrix(t, y).numpy())}
    if kt is not None and "translations" in kt:
        kt["input_shape"] = tuple(cl(y).shape)
    return cl_np(kl_sub.transform_images(tf.constant(cl(y)), kt, training=True))


def kl_sub_matrix(t, y):
    return K.RandomRotation(0.1)._matrix(y, t)


def cl_np(a):
    return np.asarray(a)


# per step: our sub-layer against Keras's on the same image; tolerance by sub-layer (relative
# to the value range): the contrast mean is two means over 7 and 9 values (L2's bound), the
# sharpness kernel 9 taps, HSV as above, geometric bilinear as the shear rows above
STEP_TOL = {
    "random_contrast": 3 * (2 * 8 + 2 * 10) * EPS + 8 * EPS,
    "random_sharpness": 2 * 10 * EPS + 3 * EPS,
    "random_saturation": HSV_TOL,
    "random_hue": HSV_TOL,
    "random_color_degeneration": GRAY_TOL + 2 * EPS,
    "random_shear": 4 * 4 * EPS * 2 * (7 + 9) + 8 * EPS,
    "random_translation": 4 * 4 * EPS * 2 * (7 + 9) + 8 * EPS,
    "random_rotation": 4 * 4 * EPS * 2 * (7 + 9) + 8 * EPS,
    "auto_contrast": 6 * EPS,
}


def test_color_jitter_matches_keras_step_by_step(keras):
    kw = dict(brightness_factor=0.3, contrast_factor=0.4, saturation_factor=0.5, hue_factor=0.3)
    x = images((5, 7, 9, 3))
    tl = K.RandomColorJitter(**kw, seed=1)
    kl = keras.layers.RandomColorJitter(**kw)
    y, draws = cf(x), []
    for key, sub in tl.steps.items():
        t = sub._draw(y)
        nxt = sub._transform(y, t)
        ref = _keras_step(keras, getattr(kl, key), y, t)
        np.testing.assert_allclose(cl(nxt), ref, rtol=0, atol=STEP_TOL.get(key, 0.0) * 255)
        draws.append(t)
        y = nxt
    again = K.RandomColorJitter(**kw, seed=1).train()(cf(x))
    assert torch.equal(again, y)  # forward = the steps in order, each drawing from the generator
    assert list(tl.steps) == ["random_brightness", "random_contrast", "random_saturation", "random_hue"]


def test_rand_augment_matches_keras_step_by_step(keras):
    import tensorflow as tf

    x = images((4, 7, 9, 3))
    tl = K.RandAugment(num_ops=11, factor=0.6, seed=2)
    kl = keras.layers.RandAugment(num_ops=11, factor=0.6)
    xt = cf(x)
    t = tl._draw(xt)
    t["layer_idxes"] = torch.arange(11)  # every sub-layer once, in Keras's order
    y = xt
    for key in M.RAND_AUGMENT_LAYERS:
        sub = tl.ops[key]
        nxt = M._step_transform(sub, y, t["transforms"][key])
        ref = _keras_step(keras, getattr(kl, key), y, t["transforms"][key])
        np.testing.assert_allclose(cl(nxt), ref, rtol=0, atol=STEP_TOL.get(key, 0.0) * 255, err_msg=key)
        y = nxt
    assert torch.equal(tl._transform(xt, t), y)
    # whole, for a sequence of exact steps: Keras's transform_images with our draws
    # solarization, posterization, equalization, brightness, auto contrast: every step the same
    # operations in both (auto contrast last: a fused multiply-add there is not amplified)
    t["layer_idxes"] = torch.tensor([8, 7, 10, 3, 9])
    tl.num_ops = kl.num_ops = 5
    kt = {"layer_idxes": tf.constant(t["layer_idxes"].numpy()), "transforms": {}}
    for key in M.RAND_AUGMENT_LAYERS:
        kt["transforms"][key] = None if t["transforms"][key] is None else to_keras(t["transforms"][key])
    rot = kl_sub_matrix(t["transforms"]["random_rotation"], xt)
    kt["transforms"]["random_rotation"] = {"rotation_matrix": tf.constant(rot.numpy())}
    kt["transforms"]["random_translation"]["input_shape"] = x.shape
    kt["transforms"]["random_shear"]["input_shape"] = x.shape
    ref = np.asarray(kl.transform_images(tf.constant(x), kt, training=True))
    np.testing.assert_allclose(cl(tl._transform(xt, t)), ref, rtol=0, atol=STEP_TOL["auto_contrast"] * 255)


def test_aug_mix_matches_keras_given_the_chains(keras):
    """Each chain step against Keras's sub-layer on the same image; then Keras's mixing of
    our chain outputs (its transform_images with chains of the exact steps only)."""
    import tensorflow as tf

    x = images((4, 7, 9, 3))
    tl = K.AugMix(num_chains=3, chain_depth=4, seed=4)
    kl = keras.layers.AugMix(num_chains=3, chain_depth=4)
    xt = cf(x)
    t = tl._draw(xt)
    for chain in t["chain_transforms"]:
        y = xt
        for step in chain:
            key = step["layer_name"]
            nxt = M._step_transform(tl.ops[key], y, step["transformation"])
            ref = _keras_step(keras, getattr(kl, key), y, step["transformation"])
            np.testing.assert_allclose(cl(nxt), ref, rtol=0, atol=STEP_TOL.get(key, 0.0) * 255, err_msg=key)
            y = nxt
    exact = ("random_posterization", "solarization", "equalization", "random_brightness", "auto_contrast")
    chains = [
        [
            {
                "layer_name": k,
                "transformation": tl.ops[k]._draw(xt) if k not in ("equalization", "auto_contrast") else None,
            }
            for k in ks
        ]
        for ks in (exact[:2], exact[2:4], exact[4:])
    ]
    t2 = {**t, "chain_transforms": chains}
    got = cl(tl._transform(xt, t2))
    kt = {
        "chain_mixing_weights": to_keras(t["chain_mixing_weights"]),
        "weight_sample": to_keras(t["weight_sample"]),
        "chain_transforms": [
            [
                {
                    "layer_name": s["layer_name"],
                    "transformation": None if s["transformation"] is None else to_keras(s["transformation"]),
                }
                for s in c
            ]
            for c in chains
        ],
    }
    ref = np.asarray(kl.transform_images(tf.constant(x), kt, training=True))
    # exact steps; the mix w * x + (1 - w) * sum_i c_i w_i: 5 roundings of values <= 255
    np.testing.assert_allclose(got, ref, rtol=0, atol=elementwise(255.0, 6) + STEP_TOL["auto_contrast"] * 255)


# ====================================================================== distributions
def _keras_draws(keras, name, kw, x):
    kl = getattr(keras.layers, name)(**kw, seed=1)
    t = kl.get_random_transformation(x, training=True)
    if not isinstance(t, dict):
        return {"should_apply": np.asarray(t)}
    return {k: np.asarray(v) for k, v in t.items() if k not in ("input_shape", "seed")}


KS_ROWS = [
    ("Solarization", dict(addition_factor=0.4, threshold_factor=(0.2, 0.7)), ["additions", "thresholds"]),
    ("RandomColorDegeneration", dict(factor=(-0.3, 0.8)), ["factor"]),
    ("RandomHue", dict(factor=0.6), ["factor"]),
    ("RandomSaturation", dict(factor=(0.1, 0.9)), ["factor"]),
    ("RandomSharpness", dict(factor=0.7), ["factor"]),
    ("RandomShear", dict(x_factor=0.3, y_factor=(0.2, 0.6)), ["shear_factor"]),
    ("RandomPerspective", dict(scale=0.6), ["end_points"]),
    ("MixUp", dict(alpha=0.4), ["mix_weight"]),
    ("CutMix", dict(factor=(0.5, 0.5)), ["mix_weight"]),
]


@pytest.mark.parametrize("row", KS_ROWS, ids=[f"{n}-{k}" for n, k, _ in KS_ROWS])
def test_random_distributions_match_keras(keras, row):
    """N_DRAWS images: Keras's draws and ours, KS per column (both seeded: the outcome is fixed)."""
    name, kw, keys = row
    x = images((N_DRAWS, 5, 6, 3), seed=0)
    ref = _keras_draws(keras, name, kw, x)
    got = {
        k: (v.numpy() if isinstance(v, torch.Tensor) else v)
        for k, v in getattr(K, name)(**kw, seed=2)._draw(cf(x)).items()
    }
    for key in keys:
        r, g = ref[key].reshape(N_DRAWS, -1), got[key].reshape(N_DRAWS, -1)
        assert r.shape == g.shape, key
        for j in range(r.shape[1]):
            assert_same_distribution(r[:, j], g[:, j], f"{key}[{j}]")


RATE_ROWS = [
    # (layer, kwargs, flag key, probability): a number f for the factor gives uniform(0, f) probabilities
    ("RandomInvert", dict(factor=0.6), "apply_inversion", 0.3),
    ("RandomGrayscale", dict(factor=0.3), "should_apply", 0.3),
    ("RandomGaussianBlur", dict(factor=(0.4, 0.8)), "should_apply_blur", 0.6),
    ("RandomErasing", dict(factor=0.5), "apply_erasing", 0.25),
    ("RandomPerspective", dict(factor=0.9), "apply_perspective", 0.45),
    ("RandomElasticTransform", dict(factor=1.0), "apply_transform", 0.5),
]


@pytest.mark.parametrize("row", RATE_ROWS, ids=[r[0] for r in RATE_ROWS])
def test_random_application_rates_match_keras(keras, row):
    name, kw, key, p = row
    x = images((N_DRAWS, 5, 6, 3), seed=0)
    ref = _keras_draws(keras, name, kw, x)[key]
    got = getattr(K, name)(**kw, seed=2)._draw(cf(x))[key].numpy()
    assert ref.size == got.size == N_DRAWS
    assert_rate(ref, got, p)


def test_erasing_boxes_and_noise_match_keras(keras):
    x = images((N_DRAWS, 8, 9, 3), seed=0)
    kw = dict(scale=(0.05, 0.5))
    ref = _keras_draws(keras, "RandomErasing", kw, x)
    got = {k: v.numpy() for k, v in K.RandomErasing(**kw, seed=2)._draw(cf(x)).items()}
    assert_same_distribution(
        ref["batch_masks"].mean(axis=(1, 2, 3)), got["batch_masks"].mean(axis=(1, 2, 3)), "area"
    )
    # the Gaussian fill (times 255, clipped to the range): 3000 values of each
    assert_same_distribution(
        ref["fill_value"].reshape(-1)[:N_DRAWS], got["fill_value"].reshape(-1)[:N_DRAWS], "fill"
    )


def test_posterization_bits_match_keras(keras):
    """Bits uniform over [lo, hi): shift 8 - bits; each of the k values within 5 sigma of 1/k."""
    x = images((N_DRAWS, 2, 2, 3), seed=0)
    kw = dict(factor=(2, 6))
    ref = _keras_draws(keras, "RandomPosterization", kw, x)["shift_factor"].astype(int)
    got = K.RandomPosterization(**kw, seed=2)._draw(cf(x))["shift_factor"].numpy().astype(int)
    assert set(ref) == set(got) == {3, 4, 5, 6}  # bits 2..5
    for s in (ref, got):
        freq = np.bincount(s, minlength=7)[3:] / N_DRAWS
        assert np.all(np.abs(freq - 0.25) < 5 * math.sqrt(0.25 * 0.75 / N_DRAWS))


def test_per_call_draws_match_keras(keras):
    """Draws made once per batch: 200 calls of each (KS at alpha = 1e-6)."""
    x = images((2, 40, 40, 3), seed=0)
    calls = 200
    blur_k = keras.layers.RandomGaussianBlur(sigma=(0.2, 0.9), seed=1)
    el_k = keras.layers.RandomElasticTransform(scale=(0.3, 0.9), seed=1)
    ref_blur = np.array(
        [np.asarray(blur_k.get_random_transformation(x)["blur_factor"]) for _ in range(calls)]
    )
    ref_el = np.array([float(el_k.get_random_transformation(x)["distortion_factor"]) for _ in range(calls)])
    blur_t = K.RandomGaussianBlur(sigma=(0.2, 0.9), seed=2)
    el_t = K.RandomElasticTransform(scale=(0.3, 0.9), seed=2)
    xt = cf(x)
    got_blur = np.array([blur_t._draw(xt)["blur_factor"].numpy() for _ in range(calls)])
    got_el = np.array([float(el_t._draw(xt)["distortion_factor"]) for _ in range(calls)])
    for j in range(2):
        assert_same_distribution(ref_blur[:, j], got_blur[:, j], f"sigma[{j}]")
    assert_same_distribution(ref_el, got_el, "distortion")


def test_policy_draws_match_keras(keras):
    """RandAugment's op indices uniform over its 11 layers (one call of 3000 ops); AugMix's
    chain weights (two chains: the first is Beta(alpha, alpha)), weight of the original
    (Beta) and steps per chain (Binomial(depth, 7/8) with all_ops=False)."""
    x = images((2, 6, 7, 3), seed=0)
    ref = np.asarray(
        keras.layers.RandAugment(num_ops=N_DRAWS, seed=1).get_random_transformation(x)["layer_idxes"]
    )
    got = K.RandAugment(num_ops=N_DRAWS, seed=2)._draw(cf(x))["layer_idxes"].numpy()
    for s in (ref, got):
        freq = np.bincount(s, minlength=11) / N_DRAWS
        assert freq.size == 11 and np.all(
            np.abs(freq - 1 / 11) < 5 * math.sqrt((1 / 11) * (10 / 11) / N_DRAWS)
        )
    calls, kw = 150, dict(num_chains=2, chain_depth=2, alpha=0.7, all_ops=False)
    kl = keras.layers.AugMix(**kw, seed=1)
    tl = K.AugMix(**kw, seed=2)
    ref_t = [kl.get_random_transformation(x) for _ in range(calls)]
    got_t = [tl._draw(cf(x)) for _ in range(calls)]
    for key, pick in (("chain_mixing_weights", lambda v: float(np.asarray(v)[0])), ("weight_sample", float)):
        assert_same_distribution([pick(t[key]) for t in ref_t], [pick(t[key]) for t in got_t], key)
    p = 7 / 8  # a step is one of the 7 ops, not the None choice
    for ts in (ref_t, got_t):
        steps = np.array([len(c) for t in ts for c in t["chain_transforms"]])
        for k, prob in enumerate([(1 - p) ** 2, 2 * p * (1 - p), p * p]):
            rate = (steps == k).mean()
            assert abs(rate - prob) < 5 * math.sqrt(prob * (1 - prob) / steps.size) + 1e-12, (k, rate, prob)


# ====================================================================== audio
def _stft_bound(x, n_fft, stride, win):
    """Per (sample, frame, bin): |X|, and a bound on the difference of two float32 FFTs of
    the windowed frame: each is within log2(n) * 5 eps ||y||_2 of the exact DFT (Higham 24.2,
    twiddles within eps), ||y||_2 = sqrt(n) ||xw||_2; the window entries (float32 cos in two
    libraries) within 2 eps, which moves X_k by <= 2 eps ||x||_1."""
    xp = np.pad(x.astype(np.float64), [(0, 0), (n_fft // 2, n_fft // 2)], mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(xp, n_fft, axis=-1)[:, ::stride]
    fw = frames * win.astype(np.float64)
    spec = np.abs(np.fft.rfft(fw, axis=-1))
    norm2 = np.sqrt((fw**2).sum(-1, keepdims=True))
    delta = 2 * (
        math.log2(n_fft) * 5 * EPS * math.sqrt(n_fft) * norm2
        + 2 * EPS * np.abs(frames).sum(-1, keepdims=True)
    )
    return spec, delta


MEL_ROWS = [
    dict(fft_length=64, sequence_stride=16, num_mel_bins=10, sampling_rate=8000),
    dict(
        fft_length=64,
        sequence_stride=20,
        sequence_length=40,
        num_mel_bins=8,
        window="hamming",
        power_to_db=False,
    ),
    dict(
        fft_length=32,
        sequence_stride=8,
        num_mel_bins=6,
        mag_exp=1.0,
        min_freq=100.0,
        max_freq=3000.0,
        sampling_rate=8000,
        top_db=30.0,
        ref_power=2.0,
    ),
]


@pytest.mark.parametrize("kw", MEL_ROWS, ids=str)
def test_mel_spectrogram_matches_keras(keras, kw):
    rng = np.random.default_rng(0)
    t = np.arange(200) / 8000.0
    x = (np.sin(2 * np.pi * 440 * t) + 0.3 * rng.normal(size=(3, 200))).astype(np.float32)
    kl = keras.layers.MelSpectrogram(**kw)
    tl = K.MelSpectrogram(**kw)
    ref = np.asarray(kl(x))
    got = tl(torch.from_numpy(x)).numpy()
    assert got.shape == ref.shape
    # the mel matrix: float32 logs of two libraries (1 ulp each) through a few operations
    kmat = np.asarray(
        kl.linear_to_mel_weight_matrix(
            tl.num_mel_bins, tl.fft_length // 2 + 1, tl.sampling_rate, tl.min_freq, tl.max_freq
        )
    )
    np.testing.assert_allclose(tl.mel_matrix.numpy(), kmat, rtol=0, atol=64 * EPS)
    n = tl.fft_length
    spec, delta = _stft_bound(x, n, tl.sequence_stride, tl.window_array.numpy())
    e = tl.mag_exp
    # |X|^e moves by e |X|^(e-1) delta (+ delta^2 for e = 2) + 2 roundings; the mel sum of F
    # terms with weights <= 1 adds 2 (F + 1) eps sum and the matrix entries 64 eps each
    # (sqrt, square and pow: 4 roundings)
    dp = e * spec ** (e - 1) * delta + (delta**2 if e == 2 else 0) + 4 * EPS * spec**e
    mat = kmat.astype(np.float64)
    p = (spec**e) @ mat
    bound = dp @ mat + 2 * (n // 2 + 2) * EPS * p + 64 * EPS * (spec**e).sum(-1, keepdims=True)
    bound = np.swapaxes(bound, -1, -2)
    if not tl.power_to_db:
        np.testing.assert_array_less(np.abs(got - ref), bound + 1e-30)
        return
    # 10 log10(max(p, min_power)): d = 4.343 dp / p (and 10 roundings of 10 log10 values);
    # where both are floored at (max - top_db) they agree up to that floor's own error
    pm = np.swapaxes(np.maximum(p, kw.get("min_power", 1e-10)), -1, -2)
    db_bound = 4.343 * bound / pm + 10 * EPS * np.abs(ref).max()
    floor_err = float(db_bound.max())
    floored = ref <= ref.max() - tl.top_db + floor_err
    assert np.all(np.abs(got - ref)[~floored] <= db_bound[~floored])
    assert np.all(np.abs(got - ref)[floored] <= 2 * floor_err)


STFT_ROWS = [
    dict(frame_length=8, mode="real"),
    dict(frame_length=6, frame_step=2, fft_length=8, padding="same", mode="stft", expand_dims=True),
    dict(frame_length=16, frame_step=5, window="hamming", scaling="spectrum", mode="magnitude"),
    dict(frame_length=8, periodic=True, mode="psd", padding="same"),
    dict(frame_length=12, window=None, mode="log", scaling=None),
    dict(frame_length=8, window="blackman", mode="imag", expand_dims=True),
]


@pytest.mark.parametrize("kw", STFT_ROWS, ids=str)
def test_stft_spectrogram_matches_keras(keras, kw):
    x = np.random.default_rng(1).normal(size=(2, 40, 3)).astype(np.float32)
    kl = keras.layers.STFTSpectrogram(**kw)
    ref = np.asarray(kl(x))
    tl = K.STFTSpectrogram(**kw)
    # the initial kernels: the same formula in float32 (cos, sin and the window: <= 2 ulp each)
    for ours, theirs in zip(tl.keras_arrays(), kl.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=8 * EPS)
    tl.load_keras(kl.get_weights())
    assert K.count_params(tl) == (sum(w.size for w in kl.get_weights()), 0)
    for a, b in zip(tl.keras_arrays(), kl.get_weights()):
        assert np.array_equal(a, b)
    got = tl(torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1)))).detach().numpy()
    got = np.moveaxis(got, 1, -1)  # channels-first (N, C*F, T) / (N, C, T, F) -> Keras's layout
    assert got.shape == ref.shape
    # each real / imaginary value is a frame_length-term sum in another order:
    # 2 (L + 1) eps sum|k x| (computed here in float64); magnitude, power and log add the
    # propagated error (|r| dr + |i| di) / |z| and 4 roundings
    L = kw["frame_length"]
    w = [a.astype(np.float64) for a in kl.get_weights()]
    xp = torch.from_numpy(np.moveaxis(x, -1, 1).astype(np.float64))
    ref64 = K.STFTSpectrogram(**kw).double()
    sums = []
    for weight in w:
        k = torch.from_numpy(np.abs(np.transpose(weight, (2, 1, 0))))
        sums.append(ref64._conv(xp.abs(), k))
    err = [2 * (L + 1) * EPS * s for s in sums]
    mode = kw["mode"]
    if mode in ("real", "imag", "stft"):
        e = torch.cat(err, dim=2) if mode == "stft" else err[0]
    else:
        r, i = (
            ref64._conv(xp, torch.from_numpy(np.transpose(w[0], (2, 1, 0)))),
            ref64._conv(xp, torch.from_numpy(np.transpose(w[1], (2, 1, 0)))),
        )
        power = r**2 + i**2
        dpow = 2 * (r.abs() * err[0] + i.abs() * err[1]) + err[0] ** 2 + err[1] ** 2 + 4 * EPS * power
        if mode == "psd":
            e = dpow + torch.nn.functional.pad(dpow[:, :, 1:-1, :], (0, 0, 1, 1))
        else:
            mag = torch.sqrt(torch.clamp(power, min=1e-7))
            e = dpow / (2 * mag) + 4 * EPS * mag
            if mode == "log":
                e = e / torch.clamp(mag, min=1e-7) + 4 * EPS * torch.log(mag).abs()
    e = ref64._adjust(e).numpy()
    e = np.moveaxis(e, 1, -1)
    assert np.all(np.abs(got - ref) <= e + 1e-30)


# ====================================================================== ReversibleEmbedding, HashedCrossing, Pipeline
RE_ROWS = [
    dict(input_dim=30, output_dim=6),
    dict(input_dim=30, output_dim=6, tie_weights=False, embeddings_regularizer="l2"),
    dict(input_dim=25, output_dim=5, logit_soft_cap=2.5, mask_zero=True),
    dict(input_dim=20, output_dim=4, reverse_dtype="float64"),
]


@pytest.mark.parametrize("kw", RE_ROWS, ids=str)
def test_reversible_embedding_matches_keras(keras, kw):
    ids = np.random.default_rng(0).integers(0, kw["input_dim"], size=(3, 7)).astype("int32")
    kl = keras.layers.ReversibleEmbedding(**kw)
    kl.build((None, 7))
    rng = np.random.default_rng(1)
    kl.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in kl.get_weights()])
    tl = K.ReversibleEmbedding(**kw)
    tl.load_keras(kl.get_weights())
    assert K.count_params(tl) == (sum(w.size for w in kl.get_weights()), 0)
    for a, b in zip(tl.keras_arrays(), kl.get_weights()):
        assert np.array_equal(a, b)
    emb = np.asarray(kl(ids))
    got = tl(torch.from_numpy(ids))
    assert np.array_equal(got.detach().numpy(), emb)
    h = rng.normal(size=(3, 7, kw["output_dim"])).astype(np.float32)
    ref = np.asarray(kl(h, reverse=True))
    out = tl(torch.from_numpy(h), reverse=True).detach().numpy()
    assert out.dtype == ref.dtype
    # a dot product of output_dim terms: 2 (d + 1) eps sum|terms|; tanh's slope <= 1 and its cap
    # rescaling add 4 roundings (float64: the same bound with its eps)
    eps = EPS if kw.get("reverse_dtype") != "float64" else float(np.finfo(np.float64).eps)
    kernel = kl.get_weights()[-1] if not kw.get("tie_weights", True) else kl.get_weights()[0].T
    bound = 2 * (kw["output_dim"] + 1) * eps * (np.abs(h) @ np.abs(kernel)) + 4 * EPS * np.abs(ref)
    assert np.all(np.abs(out - ref) <= bound)
    if kw.get("mask_zero"):
        assert np.array_equal(tl.compute_mask(torch.from_numpy(ids)).numpy(), ids != 0)
    if kw.get("embeddings_regularizer"):
        loss = float(tl.regularization_loss().detach())
        assert abs(loss - float(sum(np.asarray(v) for v in kl.losses))) <= 1e-5 * loss


def test_reversible_embedding_initial_distributions_match_keras(keras):
    kw = dict(input_dim=60, output_dim=50, tie_weights=False, embeddings_initializer="glorot_uniform")
    kl = keras.layers.ReversibleEmbedding(**kw)
    kl.build((None, 3))
    tl = K.ReversibleEmbedding(**kw)
    for ours, theirs in zip(tl.keras_arrays(), kl.get_weights()):
        assert ours.shape == theirs.shape
        assert_same_distribution(theirs, ours, "initial weights")


HASH_ROWS = [
    (dict(num_bins=13), (40,)),
    (dict(num_bins=1000), (40, 1)),
    (dict(num_bins=7, output_mode="one_hot"), (40, 1)),
    (dict(num_bins=5, output_mode="one_hot"), (40,)),
]


@pytest.mark.parametrize("row", HASH_ROWS, ids=str)
def test_hashed_crossing_matches_keras(keras, row):
    kw, shape = row
    rng = np.random.default_rng(3)
    a = rng.integers(-(2**40), 2**40, size=shape).astype(np.int64)
    a[:5] = np.array([0, 1, -1, 2**62, -(2**63)]).reshape((5,) + shape[1:])
    b = rng.integers(0, 100, size=shape).astype(np.int32)
    c = rng.integers(-5, 5, size=shape).astype(np.int64)
    for ins in ([a, b], [b, c, a]):
        ref = np.asarray(keras.layers.HashedCrossing(**kw)(ins))
        got = K.HashedCrossing(**kw)([torch.from_numpy(v) for v in ins]).numpy()
        assert got.dtype == ref.dtype and got.shape == ref.shape
        assert np.array_equal(got, ref)


def test_pipeline_matches_keras(keras):
    """A Pipeline of a flip, a convolution, batch normalization, pooling, flatten and a dense
    layer with channels_last=True: Keras's weights in its get_weights() order, Keras's layout
    in and out (the channels moved inside for the channels-first layers), eval outputs."""
    import torch.nn.functional as F

    x = images((4, 9, 10, 3), high=1.0)

    def make(L):
        return [
            L.RandomFlip(),
            L.Conv2D(4, 3, padding="same"),
            L.BatchNormalization(),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(3),
        ]

    kl = keras.layers.Pipeline(make(keras.layers))
    kl(x)
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=w.shape).astype(np.float32) for w in kl.get_weights()]
    ws[5] = rng.uniform(0.5, 1.5, size=ws[5].shape).astype(np.float32)  # moving variance
    kl.set_weights(ws)
    tl = K.Pipeline(
        [
            K.RandomFlip(),
            K.Conv2D(3, 4, 3, padding="same"),
            K.BatchNormalization(4),
            K.MaxPooling2D(2),
            K.Flatten(),
            K.Dense(80, 3),
        ],
        channels_last=True,
    )
    tl.load_keras(kl.get_weights())
    for a, b in zip(tl.keras_arrays(), kl.get_weights()):
        assert np.array_equal(a, b)
    assert K.count_params(tl) == (
        sum(int(np.prod(v.shape)) for v in kl.trainable_weights),
        sum(int(np.prod(v.shape)) for v in kl.non_trainable_weights),
    )
    ref = np.asarray(kl(x, training=False))
    got = tl.eval()(torch.from_numpy(x)).detach().numpy()
    # running error bound, in float64 on absolute values: the 27-term convolution and the
    # 80-term dense layer each within 2 (n + 1) eps sum|terms|; batch normalization scales by
    # |gamma| / sqrt(var + 1e-3) and adds 4 roundings; pooling picks among the bounds
    k, b, g, beta, mean, var, wd, bd = (torch.from_numpy(np.abs(w).astype(np.float64)) for w in ws)
    ax = torch.from_numpy(np.moveaxis(np.abs(x), -1, 1).astype(np.float64))
    s1 = F.conv2d(ax, k.permute(3, 2, 0, 1), padding=1) + b.view(1, -1, 1, 1)
    e1 = 2 * 28 * EPS * s1
    gain = (g / torch.sqrt(var + 1e-3)).view(1, -1, 1, 1)
    s2 = gain * (s1 + mean.view(1, -1, 1, 1)) + beta.view(1, -1, 1, 1)
    e2 = gain * e1 + 4 * EPS * s2
    s3, e3 = (F.max_pool2d(t, 2).permute(0, 2, 3, 1).reshape(4, -1) for t in (s2, e2))
    bound = e3 @ wd + 2 * 81 * EPS * (s3 @ wd + bd)
    assert np.all(np.abs(got - ref) <= bound.numpy())
    assert float(np.abs(ref).max()) > 1.0


# ====================================================================== contract and refusals
def test_refusals():
    with pytest.raises(NotImplementedError, match="fill_mode"):
        K.RandomElasticTransform(fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="reverse_dtype"):
        K.ReversibleEmbedding(10, 4, reverse_dtype="float16")
    with pytest.raises(NotImplementedError, match="sparse"):
        K.HashedCrossing(4, sparse=True)
    with pytest.raises(NotImplementedError, match="window"):
        K.MelSpectrogram(window="blackman")
    with pytest.raises(NotImplementedError, match="lora_rank"):
        K.ReversibleEmbedding(10, 4, lora_rank=2)
    with pytest.raises(TypeError, match="integers"):
        K.HashedCrossing(4)([torch.zeros(3), torch.zeros(3)])


def test_every_class_is_a_keras_layer_with_a_keyword_only_name():
    import inspect

    from graphc_runtime.torch.layers import audio, core_more

    classes = [getattr(K, n) for m in (M, audio, core_more) for n in m.__all__]
    assert len(classes) == 26
    for cls in classes:
        assert issubclass(cls, K.KerasLayer) and issubclass(cls, torch.nn.Module), cls
        param = inspect.signature(cls).parameters["name"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is None, cls


def test_modules_pickle():
    import io

    for layer in (
        K.RandAugment(seed=1),
        K.STFTSpectrogram(frame_length=8),
        K.AugMix(seed=2),
        K.MelSpectrogram(),
    ):
        buf = io.BytesIO()
        torch.save(layer, buf)
        buf.seek(0)
        again = torch.load(buf, weights_only=False)
        for a, b in zip(again.keras_arrays(), layer.keras_arrays()):
            assert np.array_equal(a, b)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu():
    """Every layer of the family on the GPU against itself on the CPU (TF32 off), the same
    draws (seeded generators on the CPU): float32 sums in other orders, well inside 1e-4 of
    the value range; integer outputs equal."""
    import copy

    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    img = torch.rand(3, 3, 20, 23) * 255
    cases = [
        (K.AutoContrast(), img),
        (K.Equalization().train(), img),
        (K.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 4)), img),
        (K.MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=6), torch.randn(2, 100)),
        (K.STFTSpectrogram(frame_length=8, mode="log"), torch.randn(2, 3, 40)),
        (K.Pipeline([K.RandomFlip(), K.Conv2D(3, 4, 3)], channels_last=True), img.permute(0, 2, 3, 1)),
    ]
    # the policies chain steps where posterization can turn a last-bit difference of an
    # earlier convolution into a step of 2**k: run on the GPU, not compared
    policies = ("RandAugment", "AugMix")
    for name, kw in RANDOM_CLASSES:
        layer = getattr(K, name)(**kw, seed=4).train()
        if name in policies:
            out = layer.cuda()(img.cuda())
            assert out.shape == img.shape and out.device.type == "cuda"
        else:
            cases.append((layer, img))
    for layer, x in cases:
        gpu = copy.deepcopy(layer).cuda()
        ref = layer(x)
        got = gpu(x.cuda()).cpu()
        assert got.shape == ref.shape and got.device.type == "cpu", type(layer).__name__
        np.testing.assert_allclose(
            got.detach().numpy(),
            ref.detach().numpy(),
            rtol=1e-5,
            atol=1e-4 * float(x.abs().max()),
            err_msg=type(layer).__name__,
        )
    ids = [torch.randint(-50, 50, (9, 1)), torch.randint(0, 9, (9, 1))]
    assert torch.equal(K.HashedCrossing(7)([t.cuda() for t in ids]).cpu(), K.HashedCrossing(7)(ids))
