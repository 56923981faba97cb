"""Image augmentation layers (keras/src/layers/preprocessing/image_preprocessing/): each takes a batch
of channels_last images (batch, height, width, channels) and returns the same shape.  They change
the images only while training; at inference they pass them through (cast to the layer's dtype).

Arguments follow Keras, with its ranges for the `factor`s (`_FACTOR_BOUNDS`), fill modes and
interpolations.  Colour operations (hue, saturation, colour degeneration, and the policies that
use them) need RGB images: 3 channels.
"""

from __future__ import annotations

from graphc.ops.base import (
    TRAINING,
    ArgError,
    Op,
    P,
    ShapeError,
    bool_,
    choice,
    data_format_,
    float_,
    int_,
    int_tuple,
    is_int,
    is_num,
    layer_dtype,
    optional,
    register,
    seed_,
    type_error,
)
from graphc.ops.preprocessing import image_input
from graphc.types import TensorType


def factor_(lo: float, hi: float, pair: bool = True, lo_open: bool = False):
    """A number, or (with `pair`) a pair of numbers, each in [lo, hi] ((lo, hi] with lo_open)."""

    def in_range(x):
        return (x > lo if lo_open else x >= lo) and x <= hi

    span = f"{'(' if lo_open else '['}{lo:g}, {hi:g}]"

    def check(v):
        if is_num(v):
            if not in_range(v):
                raise ArgError(f"must be in {span}, got {v}")
            return float(v)
        if pair and isinstance(v, (tuple, list)):
            if len(v) != 2 or not all(is_num(x) for x in v):
                raise type_error(f"a number or a pair of numbers in {span}", v)
            if not all(in_range(x) for x in v):
                raise ArgError(f"both values must be in {span}, got `{tuple(v)!r}`")
            return tuple(float(x) for x in v)
        raise type_error(f"a number{' or a pair of numbers' if pair else ''} in {span}", v)

    check.doc = f"number{' or pair' if pair else ''} in {span}"
    return check


def value_range_(v):
    if not isinstance(v, (tuple, list)) or len(v) != 2 or not all(is_num(x) for x in v):
        raise type_error("a pair of numbers such as (0, 255)", v)
    return tuple(v)


value_range_.doc = "(low, high)"

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")
_VR = (0, 255)


class _Augment(Op):
    """Same shape as the input; dtype = the layer's compute dtype (float32 by default)."""

    call_options = (TRAINING,)

    rgb = False  # needs 3 channels
    keeps_dtype = False  # returns the input dtype (Equalization, RandomGrayscale)

    def infer(self, a, inputs):
        (x,) = inputs
        image_input(self.name, x)
        if self.needs_rgb(a) and x.shape[2] not in (None, 3):
            raise ShapeError(
                f"{self.name} works on RGB images (3 channels), got {x.shape[2]} channels in {x}",
                input_index=0,
            )
        return [TensorType(x.shape, x.dtype if self.keeps_dtype else layer_dtype(a))]

    def needs_rgb(self, a) -> bool:
        return self.rgb


# ------------------------------------------------------------ geometric
@register
class RandomFlip(_Augment):
    """RandomFlip(mode="horizontal_and_vertical"): flips images left-right and/or up-down."""

    name = "RandomFlip"
    params = (
        P(
            "mode",
            choice("horizontal", "vertical", "horizontal_and_vertical", lower=False),
            "horizontal_and_vertical",
        ),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


@register
class RandomRotation(_Augment):
    """RandomRotation(factor): rotates by a random fraction of 2*pi in [-factor, factor]."""

    name = "RandomRotation"
    params = (
        P("factor", factor_(-1, 1)),
        P("fill_mode", choice(*FILL_MODES, lower=False), "reflect"),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("seed", seed_, None),
        P("fill_value", float_(), 0.0),
        P("data_format", data_format_, None),
    )


@register
class RandomZoom(_Augment):
    """RandomZoom(height_factor, width_factor=None): zooms in or out by a random factor."""

    name = "RandomZoom"
    params = (
        P("height_factor", factor_(-1, 1, lo_open=True)),
        P("width_factor", optional(factor_(-1, 1, lo_open=True)), None),
        P("fill_mode", choice(*FILL_MODES, lower=False), "reflect"),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("seed", seed_, None),
        P("fill_value", float_(), 0.0),
        P("data_format", data_format_, None),
    )


@register
class RandomTranslation(_Augment):
    """RandomTranslation(height_factor, width_factor): shifts by random fractions of the size."""

    name = "RandomTranslation"
    params = (
        P("height_factor", factor_(-1, 1)),
        P("width_factor", factor_(-1, 1)),
        P("fill_mode", choice(*FILL_MODES, lower=False), "reflect"),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("seed", seed_, None),
        P("fill_value", float_(), 0.0),
        P("data_format", data_format_, None),
    )


@register
class RandomShear(_Augment):
    """RandomShear(x_factor=0.0, y_factor=0.0): shears along x and y by random amounts."""

    name = "RandomShear"
    params = (
        P("x_factor", factor_(0, 1), 0.0),
        P("y_factor", factor_(0, 1), 0.0),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("fill_mode", choice(*FILL_MODES, lower=False), "reflect"),
        P("fill_value", float_(), 0.0),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


@register
class RandomPerspective(_Augment):
    """RandomPerspective(factor=1.0, scale=1.0): a random perspective warp."""

    name = "RandomPerspective"
    params = (
        P("factor", factor_(0, 1), 1.0),
        P("scale", float_(0, 1), 1.0),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("fill_value", float_(), 0.0),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


@register
class RandomElasticTransform(_Augment):
    """RandomElasticTransform(factor=1.0, scale=1.0): a random elastic deformation."""

    name = "RandomElasticTransform"
    params = (
        P("factor", factor_(0, 1), 1.0),
        P("scale", factor_(0, 1), 1.0),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("fill_mode", choice(*FILL_MODES, lower=False), "reflect"),
        P("fill_value", float_(), 0.0),
        P("value_range", value_range_, _VR),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


# ------------------------------------------------------------- intensity
@register
class RandomContrast(_Augment):
    """RandomContrast(factor): scales each image's contrast by a random factor in [1 - factor, 1 + factor]."""

    name = "RandomContrast"
    params = (P("factor", factor_(0, 1)), P("value_range", value_range_, _VR), P("seed", seed_, None))


@register
class RandomBrightness(_Augment):
    """RandomBrightness(factor): adds a random fraction of value_range to every pixel."""

    name = "RandomBrightness"
    params = (P("factor", factor_(-1, 1)), P("value_range", value_range_, _VR), P("seed", seed_, None))


@register
class RandomColorDegeneration(_Augment):
    """RandomColorDegeneration(factor): blends towards the grayscale image by a random amount."""

    name = "RandomColorDegeneration"
    rgb = True
    params = (
        P("factor", factor_(-1, 1)),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


@register
class RandomHue(_Augment):
    """RandomHue(factor): shifts the hue by a random amount."""

    name = "RandomHue"
    rgb = True
    params = (
        P("factor", factor_(0, 1)),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


@register
class RandomSaturation(_Augment):
    """RandomSaturation(factor): changes the saturation by a random amount."""

    name = "RandomSaturation"
    rgb = True
    params = (
        P("factor", factor_(-1, 1)),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


@register
class RandomSharpness(_Augment):
    """RandomSharpness(factor): sharpens or blurs by a random amount."""

    name = "RandomSharpness"
    params = (
        P("factor", factor_(0, 1)),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


def _posterize_factor(v):
    if is_int(v) and 1 <= v <= 8:
        return v
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(is_int(x) and 1 <= x <= 8 for x in v):
        return tuple(v)
    raise type_error("a number of bits in [1, 8] or a pair of them", v)


_posterize_factor.doc = "bits in [1, 8]"


@register
class RandomPosterization(_Augment):
    """RandomPosterization(factor): keeps a random number of bits (1..8) per channel."""

    name = "RandomPosterization"
    params = (
        P("factor", _posterize_factor),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


@register
class RandomInvert(_Augment):
    """RandomInvert(factor=1.0): inverts images (value_range high - x) with probability factor."""

    name = "RandomInvert"
    params = (
        P("factor", factor_(0, 1), 1.0),
        P("value_range", value_range_, _VR),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


@register
class RandomGrayscale(_Augment):
    """RandomGrayscale(factor=0.5): converts images to grayscale (keeping the channels) with probability factor."""

    name = "RandomGrayscale"
    keeps_dtype = True
    params = (P("factor", float_(0, 1), 0.5), P("data_format", data_format_, None), P("seed", seed_, None))


@register
class Solarization(_Augment):
    """Solarization(addition_factor=0.0, threshold_factor=0.0): inverts the pixels above a random threshold."""

    name = "Solarization"
    params = (
        P("addition_factor", factor_(0, 1), 0.0),
        P("threshold_factor", factor_(0, 1), 0.0),
        P("value_range", value_range_, _VR),
        P("seed", seed_, None),
    )


@register
class RandomGaussianBlur(_Augment):
    """RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=1.0): blurs with a random Gaussian kernel."""

    name = "RandomGaussianBlur"
    params = (
        P("factor", factor_(0, 1), 1.0),
        P("kernel_size", int_tuple(2), (3, 3)),
        P("sigma", factor_(0, 1), 1.0),
        P("value_range", value_range_, _VR),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )

    @classmethod
    def validate(cls, given):
        k = cls.full(given).kernel_size
        if any(n % 2 == 0 for n in k):
            raise ArgError(f"RandomGaussianBlur: kernel_size must be odd, got {k!r}", arg="kernel_size")


@register
class RandomErasing(_Augment):
    """RandomErasing(factor=1.0, scale=(0.02, 0.33)): fills a random rectangle with fill_value or noise."""

    name = "RandomErasing"
    params = (
        P("factor", factor_(0, 1), 1.0),
        P("scale", factor_(0, 1), (0.02, 0.33)),
        P("fill_value", optional(float_()), None),
        P("value_range", value_range_, _VR),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


@register
class RandomColorJitter(_Augment):
    """RandomColorJitter(brightness_factor=..., contrast_factor=..., saturation_factor=..., hue_factor=...)."""

    name = "RandomColorJitter"
    params = (
        P("value_range", value_range_, _VR),
        P("brightness_factor", optional(factor_(-1, 1)), None),
        P("contrast_factor", optional(factor_(0, 1)), None),
        P("saturation_factor", optional(factor_(-1, 1)), None),
        P("hue_factor", optional(factor_(0, 1)), None),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )

    def needs_rgb(self, a):
        return a.saturation_factor is not None or a.hue_factor is not None


# ------------------------------------------------------- histogram-based
@register
class AutoContrast(_Augment):
    """AutoContrast(value_range=(0, 255)): stretches each channel to the full value range."""

    name = "AutoContrast"
    params = (P("value_range", value_range_, _VR),)


@register
class ContrastLimitedAdaptiveHistogramEqualization(_Augment):
    """ContrastLimitedAdaptiveHistogramEqualization(): CLAHE on tiles of the image."""

    name = "ContrastLimitedAdaptiveHistogramEqualization"
    params = (
        P("value_range", value_range_, _VR),
        P("clip_limit", float_(0), 4.0),
        P("tile_grid_size", int_tuple(2), (8, 8)),
        P("data_format", data_format_, None),
    )


# -------------------------------------------------------- batch mixing
@register
class CutMix(_Augment):
    """CutMix(factor=1.0): pastes a random patch of another image of the batch into each image."""

    name = "CutMix"
    params = (P("factor", factor_(0, 1), 1.0), P("seed", seed_, None), P("data_format", data_format_, None))


@register
class MixUp(_Augment):
    """MixUp(alpha=0.2): blends each image with another image of the batch."""

    name = "MixUp"
    params = (
        P("alpha", float_(0, min_open=True), 0.2),
        P("data_format", data_format_, None),
        P("seed", seed_, None),
    )


# ------------------------------------------------------------- policies
@register
class RandAugment(_Augment):
    """RandAugment(value_range=(0, 255), num_ops=2, factor=0.5): applies num_ops random augmentations."""

    name = "RandAugment"
    rgb = True
    params = (
        P("value_range", value_range_, _VR),
        P("num_ops", int_(0), 2),
        P("factor", factor_(0, 1), 0.5),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )


@register
class AugMix(_Augment):
    """AugMix(): mixes num_chains chains of random augmentations with the original image."""

    name = "AugMix"
    rgb = True
    params = (
        P("value_range", value_range_, _VR),
        P("num_chains", int_(1), 3),
        P("chain_depth", int_(1), 3),
        P("factor", factor_(0, 1), 0.3),
        P("alpha", float_(0, min_open=True), 1.0),
        P("all_ops", bool_, True),
        P("interpolation", choice(*INTERPOLATIONS, lower=False), "bilinear"),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
    )
