"""Preprocessing layers usable inside a model: image resizing and cropping, category encoding,
discretization, hashing, vocabulary lookups (with a given vocabulary), text vectorization,
audio spectrograms and Pipeline.

Shapes and dtypes are Keras's symbolic ones (keras/src/layers/preprocessing/*.py): the lookups
give int64 ids (output_mode="int") or float32 encodings of depth = vocabulary size (mask and OOV
indices included), Discretization int32 bucket ids, Hashing int64 bins.  Rescaling and
Normalization live in core.py and normalization.py; the random augmentations in augmentation.py.
"""

from __future__ import annotations

import math

from graphc.ops.base import (
    COMMON,
    TRAINING,
    ArgError,
    Op,
    P,
    ShapeError,
    any_,
    bool_,
    choice,
    conv_out,
    data_format_,
    dtype_,
    float_,
    int_,
    is_int,
    is_num,
    layer_dtype,
    layers_,
    need_rank,
    op_instance,
    optional,
    register,
    seed_,
    str_,
    type_error,
)
from graphc.types import TensorType, Weight

_IMAGE = "(batch, height, width, channels)"
NAMELESS_COMMON = tuple(p for p in COMMON if p.name != "name")


def image_input(layer: str, x: TensorType) -> None:
    """Image layers take a batch of channels_last images."""
    need_rank(x, 4, layer, _IMAGE)


def not_sparse(v):
    if v:
        raise ArgError(
            "sparse outputs are not supported by graphc (they exist on the TensorFlow backend only)",
            code="unsupported",
            hint="drop sparse=true",
        )
    return False


not_sparse.doc = "false"


def not_ragged(v):
    if v:
        raise ArgError(
            "ragged outputs are not supported by graphc (they exist on the TensorFlow backend only)",
            code="unsupported",
            hint="drop ragged=true, and pad with output_sequence_length=N",
        )
    return False


not_ragged.doc = "false"


# ------------------------------------------------------------ image resizing
@register
class Resizing(Op):
    """Resizing(height, width): resizes a batch of images to height x width."""

    name = "Resizing"
    call_options = (TRAINING,)
    params = (
        P("height", int_(1)),
        P("width", int_(1)),
        P(
            "interpolation",
            choice("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area"),
            "bilinear",
        ),
        P("crop_to_aspect_ratio", bool_, False),
        P("pad_to_aspect_ratio", bool_, False),
        P("fill_mode", choice("constant"), "constant"),
        P("fill_value", float_(), 0.0),
        P("antialias", bool_, False),
        P("data_format", data_format_, None),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.crop_to_aspect_ratio and a.pad_to_aspect_ratio:
            raise ArgError(
                "Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be true",
                arg="pad_to_aspect_ratio",
            )

    def infer(self, a, inputs):
        (x,) = inputs
        image_input(self.name, x)
        return [TensorType((a.height, a.width, x.shape[2]), layer_dtype(a))]


@register
class CenterCrop(Resizing):
    """CenterCrop(height, width): the central height x width window (resized up when the image is smaller)."""

    name = "CenterCrop"
    params = (P("height", int_(1)), P("width", int_(1)), P("data_format", data_format_, None))

    @classmethod
    def validate(cls, given):
        pass


@register
class RandomCrop(Resizing):
    """RandomCrop(height, width): a random height x width window while training, the center at inference."""

    name = "RandomCrop"
    params = (
        P("height", int_(1)),
        P("width", int_(1)),
        P("seed", seed_, None),
        P("data_format", data_format_, None),
        P("name", optional(str_), None),
    )
    common = NAMELESS_COMMON  # `name` is positional here

    @classmethod
    def validate(cls, given):
        pass


# ------------------------------------------------------- category encodings
_MODES = ("int", "one_hot", "multi_hot", "count")


def output_mode_(*modes: str, aliases: dict | None = None):
    aliases = aliases or {}
    inner = choice(*modes, *aliases, lower=False)

    def check(v):
        v = inner(v)
        return aliases.get(v, v)

    check.doc = "|".join(modes)
    return check


def no_batch_reduction(layer: str, x: TensorType, mode: str) -> None:
    """multi_hot/count/tf_idf reduce the last axis; on a (batch,) input that axis is the batch, and
    Keras's output (depth,) has no batch axis left (it encodes the whole batch as one sample)."""
    if not x.shape:
        raise ShapeError(
            f'{layer}(output_mode="{mode}") reduces the last axis, and the input {x} has only the batch '
            "axis: Keras would encode the whole batch as one sample",
            input_index=0,
            hint='give each sample an axis: Input(shape=(1,)), or use output_mode="one_hot"',
        )


def encoded_shape(shape: tuple, depth: int, mode: str, layer: str) -> tuple:
    """Keras's IndexLookup/Hashing output for the non-int modes (shapes WITHOUT the batch axis):
    one_hot encodes each element (a trailing axis of 1 is replaced), the others reduce the last axis."""
    if mode == "one_hot":
        if shape and shape[-1] == 1:
            return tuple(shape[:-1]) + (depth,)
        return tuple(shape) + (depth,)
    no_batch_reduction(layer, TensorType(tuple(shape)), mode)
    return tuple(shape[:-1]) + (depth,)


@register
class CategoryEncoding(Op):
    """CategoryEncoding(num_tokens, output_mode="multi_hot"): integer ids -> one/multi-hot or count vectors."""

    name = "CategoryEncoding"
    params = (
        P("num_tokens", optional(int_(1)), None),
        P(
            "output_mode",
            output_mode_("one_hot", "multi_hot", "count", aliases={"binary": "multi_hot"}),
            "multi_hot",
        ),
        P("sparse", not_sparse, False),
    )
    call_tensors = ("count_weights",)

    def check_call_tensors(self, a, inputs, given):
        w, x = given.get("count_weights"), inputs[0]
        if w is None:
            return
        if a.output_mode != "count":
            raise ArgError(
                f'CategoryEncoding: count_weights is used only with output_mode="count", not {a.output_mode!r}',
                arg="count_weights",
            )
        if len(w.shape) != len(x.shape) or any(
            p is not None and q is not None and p != q for p, q in zip(w.shape, x.shape)
        ):
            raise ShapeError(
                f"CategoryEncoding: count_weights must have the shape of the input {x}, got {w}",
                arg="count_weights",
            )

    @classmethod
    def validate(cls, given):
        if given.get("num_tokens") is None:
            raise ArgError(
                "CategoryEncoding needs num_tokens (the number of categories)",
                arg="num_tokens",
                code="missing-argument",
                hint="for example CategoryEncoding(num_tokens=10); use IntegerLookup when the ids are not 0..n-1",
            )

    def infer(self, a, inputs):
        (x,) = inputs
        s, n = tuple(x.shape), a.num_tokens
        if a.output_mode != "one_hot":
            no_batch_reduction(self.name, x, a.output_mode)
        if not s:
            out = (n,)
        elif a.output_mode == "one_hot" and s[-1] == 1:
            out = s[:-1] + (n,)
        elif a.output_mode == "one_hot":
            out = s + (n,)
        else:
            out = s[:-1] + (n,)
        return [TensorType(out, layer_dtype(a))]


def _boundaries_(v):
    if v is None:
        return None
    if not isinstance(v, (list, tuple)) or not all(is_num(b) for b in v):
        raise type_error("a list of numbers such as [0.0, 1.0, 2.0]", v)
    return tuple(float(b) for b in v)


_boundaries_.doc = "list of numbers"


@register
class Discretization(Op):
    """Discretization(bin_boundaries=[...]): floats -> bucket ids (int32) or their encodings."""

    name = "Discretization"
    params = (
        P("bin_boundaries", _boundaries_, None),
        P("num_bins", optional(int_(0)), None),
        P("epsilon", float_(0), 0.01),
        P("output_mode", choice(*_MODES, lower=False), "int"),
        P("sparse", not_sparse, False),
    )
    # Discretization(bin_boundaries, num_bins, epsilon, output_mode, sparse, dtype, name): no **kwargs
    common = (P("dtype", dtype_, None), P("name", optional(str_), None))

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.num_bins is not None and a.bin_boundaries is not None:
            raise ArgError("Discretization: give bin_boundaries or num_bins, not both", arg="num_bins")
        if a.num_bins is None and a.bin_boundaries is None:
            raise ArgError(
                "Discretization needs bin_boundaries (or num_bins and adapt())",
                arg="bin_boundaries",
                code="missing-argument",
                hint="for example Discretization(bin_boundaries=[0.0, 1.0, 2.0])",
            )
        if a.bin_boundaries is None:
            raise ArgError(
                "Discretization(num_bins=...) learns its boundaries with adapt(), which graphc cannot run",
                arg="num_bins",
                code="unsupported",
                hint="give the boundaries: Discretization(bin_boundaries=[...])",
            )

    def infer(self, a, inputs):
        (x,) = inputs
        if a.output_mode == "int":
            return [TensorType(x.shape, "int32")]
        depth = len(a.bin_boundaries) + 1
        s = tuple(x.shape)
        if a.output_mode != "one_hot":
            no_batch_reduction(self.name, x, a.output_mode)
        if a.output_mode == "one_hot":
            out = s[:-1] + (depth,) if s and s[-1] == 1 else s + (depth,)
        else:  # Keras drops the first non-batch axis: (batch, d1, d2, ...) -> (batch, d2, ..., depth)
            out = s[1:] + (depth,)
        return [TensorType(out, layer_dtype(a))]


def salt_(v):
    if v is None or is_int(v):
        return v
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(is_int(s) for s in v):
        return tuple(v)
    raise type_error("an int or a pair of ints", v)


salt_.doc = "int or pair"


@register
class Hashing(Op):
    """Hashing(num_bins): strings or ints -> hash bins (int64), or their encodings."""

    name = "Hashing"
    params = (
        P("num_bins", int_(1)),
        P("mask_value", any_, None),
        P("salt", salt_, None),
        P("output_mode", choice(*_MODES, lower=False), "int"),
        P("sparse", not_sparse, False),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.output_mode == "int" and a.dtype not in (None, "int32", "int64"):
            raise ArgError(
                f'Hashing(output_mode="int") outputs ints: dtype must be "int32" or "int64", got "{a.dtype}"',
                arg="dtype",
            )

    def infer(self, a, inputs):
        (x,) = inputs
        if a.output_mode == "int":
            return [TensorType(x.shape, a.dtype or "int64")]
        if a.output_mode == "one_hot" and (not x.shape or x.shape[-1] != 1):
            # Keras's symbolic shape is then (batch, ..., num_bins) without the last axis, but it
            # computes one vector per element: the model it builds contradicts itself
            raise ShapeError(
                f'Hashing(output_mode="one_hot") takes one value per sample, shaped (batch, 1), got {x}',
                input_index=0,
                hint='Reshape to (..., 1) first, or use output_mode="multi_hot"',
            )
        out = encoded_shape(tuple(x.shape), a.num_bins, a.output_mode, self.name)
        return [TensorType(out, a.dtype or "float32")]


@register
class HashedCrossing(Op):
    """HashedCrossing(num_bins): crosses two categorical features ([a, b]) into hash bins."""

    name = "HashedCrossing"
    takes_list = True
    min_inputs, max_inputs = 2, 2
    params = (
        P("num_bins", int_(1)),
        P("output_mode", choice("int", "one_hot", lower=False), "int"),
        P("sparse", not_sparse, False),
        P("name", optional(str_), None),
        P("dtype", dtype_, None),
    )
    common = (P("trainable", bool_, True, positional=False),)

    def infer(self, a, inputs):
        x, y = inputs
        for i, t in enumerate(inputs):
            if t.rank > 2 or (t.rank == 2 and t.shape[0] != 1):
                raise ShapeError(
                    f"HashedCrossing takes features of shape (batch,) or (batch, 1), input {i} is {t}",
                    code="rank-mismatch",
                    input_index=i,
                )
        if x.shape != y.shape:
            raise ShapeError(
                f"HashedCrossing: the two inputs must have the same shape, got {x} and {y}", input_index=1
            )
        if a.output_mode == "int":
            return [TensorType(x.shape, a.dtype or "int64")]
        out = x.shape[:-1] + (a.num_bins,) if x.shape else (a.num_bins,)
        return [TensorType(out, a.dtype or "float32")]


# ----------------------------------------------------------------- lookups
def vocabulary_(item_check, what: str):
    def check(v):
        if v is None:
            return None
        if isinstance(v, str):
            raise ArgError(
                "graphc does not read vocabulary files; give the vocabulary as a list",
                code="unsupported",
                hint=f"vocabulary=[{what}, ...]",
            )
        if not isinstance(v, (list, tuple)) or not all(item_check(t) for t in v):
            raise type_error(f"a list of {what}s", v)
        if not v:
            raise ArgError("the vocabulary is empty")
        return tuple(v)

    check.doc = f"list of {what}s"
    return check


def idf_weights_(v):
    if v is None:
        return None
    if not isinstance(v, (list, tuple)) or not all(is_num(w) for w in v):
        raise type_error("a list of numbers", v)
    return tuple(float(w) for w in v)


idf_weights_.doc = "list of numbers"


def vocab_size(cls, a, mask_token) -> int:
    """Keras's IndexLookup.set_vocabulary + vocabulary_size(): the number of ids, counting the mask
    index (output_mode="int" only) and the OOV indices; raises ArgError where Keras raises."""
    vocab = list(a.vocabulary)
    oov_start = 1 if mask_token is not None and a.output_mode == "int" else 0
    start = oov_start + a.num_oov_indices
    special = [mask_token] * oov_start + [a.oov_token] * a.num_oov_indices
    tokens = vocab[start:] if vocab[:start] == special else vocab
    seen, repeated = set(), []
    for t in tokens:
        if t in seen and t not in repeated:
            repeated.append(t)
        seen.add(t)
    if repeated:
        raise ArgError(f"{cls.name}: the vocabulary repeats {repeated!r}", arg="vocabulary")
    if mask_token is not None and mask_token in tokens:
        raise ArgError(
            f"{cls.name}: the vocabulary contains the mask token {mask_token!r}; leave it out (or put the "
            f"special tokens {special!r} first)",
            arg="vocabulary",
        )
    if a.invert and a.oov_token in tokens:
        raise ArgError(
            f"{cls.name}: the vocabulary contains the OOV token {a.oov_token!r}; leave it out",
            arg="vocabulary",
        )
    size = start + len(tokens)
    if a.max_tokens is not None and size > a.max_tokens:
        raise ArgError(
            f"{cls.name}: the vocabulary has {size} entries (with mask and OOV indices), more than "
            f"max_tokens={a.max_tokens}",
            arg="max_tokens",
        )
    if a.output_mode == "tf_idf" and len(a.idf_weights) != len(vocab):
        raise ArgError(
            f"{cls.name}: idf_weights has {len(a.idf_weights)} values for a vocabulary of {len(vocab)}",
            arg="idf_weights",
        )
    return size


class _Lookup(Op):
    mask_default = None

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.max_tokens is not None and a.max_tokens <= 1:
            raise ArgError(f"{cls.name}: max_tokens must be > 1, got {a.max_tokens}", arg="max_tokens")
        if a.pad_to_max_tokens and a.max_tokens is None:
            raise ArgError(f"{cls.name}: pad_to_max_tokens=true needs max_tokens", arg="pad_to_max_tokens")
        if a.salt is not None and cls.name == "IntegerLookup" and a.oov_method != "farmhash":
            raise ArgError(f'{cls.name}: salt needs oov_method="farmhash"', arg="salt")
        if a.invert and a.output_mode != "int":
            raise ArgError(f'{cls.name}: invert=true needs output_mode="int"', arg="invert")
        if a.idf_weights is not None and a.output_mode != "tf_idf":
            raise ArgError(f'{cls.name}: idf_weights is only for output_mode="tf_idf"', arg="idf_weights")
        if a.vocabulary is None:
            raise ArgError(
                f"{cls.name} needs its vocabulary: adapt() is not something graphc can run",
                arg="vocabulary",
                code="missing-argument",
                hint=f"give it: {cls.name}(vocabulary=[...])",
            )
        if a.output_mode == "tf_idf" and a.idf_weights is None:
            raise ArgError(
                f'{cls.name}: output_mode="tf_idf" with a vocabulary needs idf_weights', arg="idf_weights"
            )
        vocab_size(cls, a, a.mask_token)

    def infer(self, a, inputs):
        (x,) = inputs
        if a.output_mode == "int":
            return [TensorType(x.shape, "int64")]
        depth = a.max_tokens if a.pad_to_max_tokens else vocab_size(type(self), a, a.mask_token)
        return [TensorType(encoded_shape(tuple(x.shape), depth, a.output_mode, self.name), "float32")]


_LOOKUP_MODES = output_mode_(
    "int", "one_hot", "multi_hot", "count", "tf_idf", aliases={"binary": "multi_hot", "tf-idf": "tf_idf"}
)


@register
class StringLookup(_Lookup):
    """StringLookup(vocabulary=[...]): strings -> int64 ids (0 is OOV, or the mask when mask_token is set)."""

    name = "StringLookup"
    params = (
        P("max_tokens", optional(int_()), None),
        P("num_oov_indices", int_(0), 1),
        P("mask_token", optional(str_), None),
        P("oov_token", str_, "[UNK]"),
        P("vocabulary", vocabulary_(lambda t: isinstance(t, str), "string"), None),
        P("idf_weights", idf_weights_, None),
        P("invert", bool_, False),
        P("output_mode", _LOOKUP_MODES, "int"),
        P("pad_to_max_tokens", bool_, False),
        P("sparse", not_sparse, False),
        P("encoding", str_, "utf-8"),
        P("name", optional(str_), None),
        P("salt", salt_, None),
    )
    common = NAMELESS_COMMON

    def infer(self, a, inputs):
        (x,) = inputs
        if not a.invert and x.dtype != "string":
            raise ShapeError(
                f"StringLookup looks up strings, got a {x.dtype} input {x}",
                input_index=0,
                hint='declare the input with dtype="string", or use IntegerLookup for integer ids',
            )
        return super().infer(a, inputs)


@register
class IntegerLookup(_Lookup):
    """IntegerLookup(vocabulary=[...]): arbitrary integer ids -> contiguous int64 ids."""

    name = "IntegerLookup"
    params = (
        P("max_tokens", optional(int_()), None),
        P("num_oov_indices", int_(0), 1),
        P("mask_token", optional(int_()), None),
        P("oov_token", int_(), -1),
        P("vocabulary", vocabulary_(is_int, "int"), None),
        P("vocabulary_dtype", choice("int64", lower=False), "int64"),
        P("idf_weights", idf_weights_, None),
        P("invert", bool_, False),
        P("output_mode", _LOOKUP_MODES, "int"),
        P("sparse", not_sparse, False),
        P("pad_to_max_tokens", bool_, False),
        P("oov_method", choice("floormod", "farmhash", lower=False), "floormod"),
        P("salt", salt_, None),
        P("name", optional(str_), None),
    )
    common = NAMELESS_COMMON

    def infer(self, a, inputs):
        (x,) = inputs
        if x.dtype == "string" or x.dtype.startswith(("float", "bfloat")):
            raise ShapeError(
                f"IntegerLookup looks up integers, got a {x.dtype} input {x}",
                input_index=0,
                hint='declare the input with an integer dtype such as "int64"',
            )
        return super().infer(a, inputs)


def _ngrams_(v):
    if v is None or (is_int(v) and v >= 1):
        return v
    if isinstance(v, (list, tuple)) and all(is_int(n) and n >= 1 for n in v):
        return tuple(v)
    raise type_error("None, an int or a tuple of ints", v)


_ngrams_.doc = "int or ints"


def _named_or_none(*options):
    """standardize= / split=: one of Keras's named behaviours, or None.  (Keras also takes a Python
    callable, which GDL cannot express.)"""
    inner = optional(choice(*options, lower=False))

    def check(v):
        return inner(v)

    check.doc = "|".join(options) + " or None"
    return check


@register
class TextVectorization(Op):
    """TextVectorization(vocabulary=[...]): strings -> token ids (int64) or multi-hot/count/tf-idf vectors."""

    name = "TextVectorization"
    params = (
        P("max_tokens", optional(int_()), None),
        P(
            "standardize",
            _named_or_none("lower_and_strip_punctuation", "lower", "strip_punctuation"),
            "lower_and_strip_punctuation",
        ),
        P("split", _named_or_none("whitespace", "character"), "whitespace"),
        P("ngrams", _ngrams_, None),
        P("output_mode", _LOOKUP_MODES, "int"),
        P("output_sequence_length", optional(int_(1)), None),
        P("pad_to_max_tokens", bool_, False),
        P("vocabulary", vocabulary_(lambda t: isinstance(t, str), "string"), None),
        P("idf_weights", idf_weights_, None),
        P("sparse", not_sparse, False),
        P("ragged", not_ragged, False),
        P("encoding", str_, "utf-8"),
        P("name", optional(str_), None),
    )
    common = NAMELESS_COMMON

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.output_mode != "int" and a.output_sequence_length is not None:
            raise ArgError(
                'TextVectorization: output_sequence_length is only for output_mode="int"',
                arg="output_sequence_length",
            )
        if a.vocabulary is None:
            raise ArgError(
                "TextVectorization needs its vocabulary: adapt() is not something graphc can run",
                arg="vocabulary",
                code="missing-argument",
                hint="give it: TextVectorization(vocabulary=[...])",
            )
        la = cls._lookup_args(a)
        if la.pad_to_max_tokens and la.max_tokens is None:
            raise ArgError(
                "TextVectorization: pad_to_max_tokens=true needs max_tokens", arg="pad_to_max_tokens"
            )
        if la.max_tokens is not None and la.max_tokens <= 1:
            raise ArgError(
                f"TextVectorization: max_tokens must be > 1, got {la.max_tokens}", arg="max_tokens"
            )
        if la.idf_weights is not None and la.output_mode != "tf_idf":
            raise ArgError(
                'TextVectorization: idf_weights is only for output_mode="tf_idf"', arg="idf_weights"
            )
        if la.output_mode == "tf_idf" and la.idf_weights is None:
            raise ArgError('TextVectorization: output_mode="tf_idf" needs idf_weights', arg="idf_weights")
        vocab_size(cls, la, "")

    @staticmethod
    def _lookup_args(a):
        """The StringLookup Keras builds inside: mask_token="", one OOV index "[UNK]"."""
        from graphc.ops.base import Args

        return Args(
            max_tokens=a.max_tokens,
            num_oov_indices=1,
            oov_token="[UNK]",
            vocabulary=a.vocabulary,
            idf_weights=a.idf_weights,
            invert=False,
            output_mode=a.output_mode,
            pad_to_max_tokens=a.pad_to_max_tokens,
        )

    def infer(self, a, inputs):
        (x,) = inputs
        if x.dtype != "string":
            raise ShapeError(
                f"TextVectorization takes strings, got a {x.dtype} input {x}",
                input_index=0,
                hint='declare the input with dtype="string"',
            )
        if a.output_mode == "int":
            return [TensorType((a.output_sequence_length,), "int64")]
        s = tuple(x.shape)
        if a.split is None:
            s = s if s else (1,)
        else:
            s = s + (None,)
        la = self._lookup_args(a)
        depth = la.max_tokens if la.pad_to_max_tokens else vocab_size(type(self), la, "")
        return [TensorType(encoded_shape(s, depth, a.output_mode, self.name), "float32")]


# -------------------------------------------------------------- spectrograms
@register
class MelSpectrogram(Op):
    """MelSpectrogram(): audio (batch, samples) -> (batch, num_mel_bins, frames), in dB by default."""

    name = "MelSpectrogram"
    params = (
        P("fft_length", int_(1), 2048),
        P("sequence_stride", int_(1), 512),
        P("sequence_length", optional(int_(1)), None),
        P("window", optional(choice("hann", "hamming", lower=False)), "hann"),
        P("sampling_rate", int_(1), 16000),
        P("num_mel_bins", int_(1), 128),
        P("min_freq", float_(0), 20.0),
        P("max_freq", optional(float_(0)), None),
        P("power_to_db", bool_, True),
        P("top_db", float_(), 80.0),
        P("mag_exp", float_(), 2.0),
        P("min_power", float_(), 1e-10),
        P("ref_power", float_(), 1.0),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        seq = a.sequence_length or a.fft_length
        if a.fft_length < seq:
            raise ArgError(
                f"MelSpectrogram: fft_length ({a.fft_length}) must be >= sequence_length ({seq})",
                arg="sequence_length",
            )

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 2, self.name, "(batch, samples)")
        n, s = x.shape[0], a.sequence_stride
        frames = None if n is None else (n + s + 1) // s
        return [TensorType((a.num_mel_bins, frames), layer_dtype(a))]


# scipy.signal.get_window's window names (what STFTSpectrogram accepts as a string)
SCIPY_WINDOWS = (
    "barthann",
    "bartlett",
    "blackman",
    "blackmanharris",
    "bohman",
    "boxcar",
    "cosine",
    "flattop",
    "hamming",
    "hann",
    "lanczos",
    "nuttall",
    "parzen",
    "taylor",
    "triang",
    "tukey",
)


@register
class STFTSpectrogram(Op):
    """STFTSpectrogram(): signals (batch, samples, channels) -> (batch, frames, freqs * channels), by
    convolutions with (trainable) Fourier kernels."""

    name = "STFTSpectrogram"
    params = (
        P("mode", choice("log", "magnitude", "psd", "real", "imag", "angle", "stft", lower=False), "log"),
        P("frame_length", int_(1), 256),
        P("frame_step", optional(int_(1)), None),
        P("fft_length", optional(int_(1)), None),
        P("window", optional(choice(*SCIPY_WINDOWS, lower=False)), "hann"),
        P("periodic", bool_, False),
        P("scaling", optional(choice("density", "spectrum", lower=False)), "density"),
        P("padding", choice("valid", "same", lower=False), "valid"),
        P("expand_dims", bool_, False),
        P("data_format", data_format_, None),
    )

    @classmethod
    def validate(cls, given):
        a = cls.full(given)
        if a.frame_step is not None and a.frame_step > a.frame_length:
            raise ArgError(
                f"STFTSpectrogram: frame_step ({a.frame_step}) must not exceed frame_length ({a.frame_length})",
                arg="frame_step",
            )
        if a.fft_length is not None and a.fft_length < a.frame_length:
            raise ArgError(
                f"STFTSpectrogram: fft_length ({a.fft_length}) must be >= frame_length ({a.frame_length})",
                arg="fft_length",
            )

    @staticmethod
    def _fft(a) -> int:
        return a.fft_length or 2 ** int(math.ceil(math.log2(a.frame_length)))

    def infer(self, a, inputs):
        (x,) = inputs
        need_rank(x, 3, self.name, "(batch, samples, channels)")
        c = x.shape[-1]
        if c is None:
            raise ShapeError(
                f"STFTSpectrogram needs a known number of channels, got shape {x}", input_index=0
            )
        freqs = self._fft(a) // 2 + 1
        if a.mode == "stft":
            freqs *= 2
        step = a.frame_step or a.frame_length // 2
        t = conv_out(x.shape[0], a.frame_length, step, a.padding)
        if t is not None and t <= 0:
            raise ShapeError(
                f"STFTSpectrogram: frame_length {a.frame_length} is longer than the {x.shape[0]} samples of {x} "
                'with padding="valid"',
                input_index=0,
                hint='use padding="same" or a shorter frame_length',
            )
        out = (t, freqs, c) if a.expand_dims else (t, freqs * c)
        return [TensorType(out, layer_dtype(a))]

    def weights(self, a, inputs):
        shape = (a.frame_length, 1, self._fft(a) // 2 + 1)
        w = []
        if a.mode != "imag":
            w.append(Weight("real_kernel", shape))
        if a.mode != "real":
            w.append(Weight("imag_kernel", shape))
        return w


# -------------------------------------------------------------------- Pipeline
@register
class Pipeline(Op):
    """Pipeline(layers): applies the layers one after the other (a preprocessing chain)."""

    name = "Pipeline"
    params = (P("layers", layers_),)
    call_options = (TRAINING,)
    call_tensors = ("mask",)
    common = (P("name", optional(str_), None),)

    @classmethod
    def validate(cls, given):
        for la in given["layers"]:
            op = la.op
            if op.takes_list or op.call_params or op.max_inputs != 1 or getattr(op, "is_cell", False):
                raise ArgError(f"Pipeline chains layers applied to one tensor, got {op.name}", arg="layers")
            if op.num_outputs(op.full(la.args)) != 1:
                raise ArgError(
                    f"Pipeline chains layers with one output; {op.name} here has several", arg="layers"
                )

    def _run(self, a, x):
        ws = []
        for la in a.layers:
            op = op_instance(la.op)
            ia = op.full(la.args)
            ws += op.weights(ia, [x])
            (x,) = op.infer(ia, [x])
        return x, ws

    def infer(self, a, inputs):
        return [self._run(a, inputs[0])[0]]

    def weights(self, a, inputs):
        return self._run(a, inputs[0])[1]
