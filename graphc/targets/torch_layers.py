"""How the PyTorch target spells each Keras layer: one entry per catalog class.

Most layers are modules of the runtime (`K.<KerasName>(...)`, see
runtime/LAYERS.md): an entry says which sizes the module needs up front
(`sizes`), which layout its inputs must be in (`layout`: CF channels-first,
CL Keras's channels-last, None either), which Keras axis arguments become
torch dimensions (`dims`), and which of its outputs keep which layout.
Stateless layers whose idiomatic PyTorch is an expression (`x + y`,
`torch.cat`, `x.flatten(1)`, `x.mean((2, 3))`) say so in `inline`.  A wrapper
whose layout is its wrapped layer's names that argument (`inner`), and
configurations the runtime class cannot compute exactly are refused at compile
time by `refuse(args, inputs)` (an Unsupported naming the argument).

Entries are data keyed by the catalog class (not by string); UNSUPPORTED gives
the reason for each catalog layer the target refuses outright.  A test
(tests/test_torch_registry.py) checks both directions: every catalog layer has
an entry or a reason, every entry names a catalog layer and a runtime class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from graphc.targets import code as C

CL, CF = "cl", "cf"


class Unsupported(Exception):
    """A configuration the torch target cannot express exactly; `arg` names the culprit."""

    def __init__(self, message: str, arg: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.arg, self.hint = message, arg, hint


def torch_dim(axis: int, rank: int, layout: str) -> int:
    """The torch dimension of Keras axis `axis` (batch = 0) of a rank-`rank` tensor."""
    ax = axis + rank if axis < 0 else axis
    if layout == CL or rank <= 2 or ax == 0:
        return ax
    if ax == rank - 1:
        return 1
    return ax + 1


def dim_expr(axis: int, rank: int, layout: str) -> C.Expr:
    """`-1` when Keras's last axis is torch's last axis, else the positive dimension."""
    d = torch_dim(axis, rank, layout)
    if d == rank - 1 and (layout == CL or rank <= 2):
        return C.lit(-1)
    return C.lit(d)


def convert(x: C.Expr, rank: int, src: str, dst: str) -> C.Expr:
    """`x` (a rank-`rank` tensor in layout `src`) in layout `dst`."""
    if src == dst or rank <= 2:
        return x
    if rank == 3:
        return C.Call(C.Attr(x, "transpose"), (C.lit(1), C.lit(2)))
    if rank == 4:
        perm = (0, 2, 3, 1) if dst == CL else (0, 3, 1, 2)
        return C.Call(C.Attr(x, "permute"), tuple(C.lit(p) for p in perm))
    return C.Call(C.Attr(x, "movedim"), (C.lit(1), C.lit(-1)) if dst == CL else (C.lit(-1), C.lit(1)))


def _last(t) -> int:
    return t.type.shape[-1]


def _axis_size(t, axis) -> int:
    ax = axis[0] if isinstance(axis, (tuple, list)) else axis
    return t.type.shape[ax if ax < 0 else ax - 1]


@dataclass(frozen=True)
class Entry:
    layout: str | None = None  # what every input must be in (None: either)
    sizes: Callable | None = None  # (args, input tensors) -> [(name, value)]: the inferred constructor sizes
    dims: tuple = ()  # Keras axis arguments passed as torch dims: ((keras arg, torch keyword), ...)
    inline: Callable | None = None  # (site) -> C.Expr: an expression instead of a module
    out_layout: str | None = None  # every output's layout (None: the first input's)
    drop: tuple = ()  # Keras arguments the module does not take (handled by the compiler)
    multi_out: bool = False  # forward returns several tensors (return_state, scores)
    fusable: bool = True  # a final sigmoid/softmax `activation=` can be split off for logits
    last_dim: bool = False  # takes `dim=`: the torch dimension of Keras's last axis
    cf_flag: str | None = None  # given this argument, takes `channels_first=True` on a CF input
    channels_last: bool = False  # takes `channels_last=True` (the runtime class converts itself)
    inner: str | None = None  # the argument holding the wrapped layer: its layout is this one's
    # (args, input tensors) -> Unsupported or None: a configuration the runtime class cannot
    # compute exactly, refused at compile time (TorchWalk reports it at the layer)
    refuse: Callable | None = None

    def wants(self, args) -> str | None:
        if self.inner is None:
            return self.layout
        return inner_layout(args.get(self.inner))


def entry_of(lv) -> Entry | None:
    """The entry of a layer given as an argument (a LayerVal, or a LayerArg whose op may be
    the catalog class or an instance of it)."""
    op = getattr(lv, "op", None)
    return ENTRIES.get(op if isinstance(op, type) else type(op))


def inner_layout(lv) -> str | None:
    """The layout the wrapped layer `lv` (a LayerVal or LayerArg) wants."""
    e = entry_of(lv)
    return None if e is None else e.wants(lv.args)


def _merge(fn):
    return Entry(inline=fn)


def _sum(site):
    xs = site.xs
    out = xs[0]
    for x in xs[1:]:
        out = C.Bin("+", out, x)
    return out


def _sub(site):
    return C.Bin("-", site.xs[0], site.xs[1])


def _mul(site):
    out = site.xs[0]
    for x in site.xs[1:]:
        out = C.Bin("*", out, x)
    return out


def _avg(site):
    return C.Bin("/", _sum(site), C.lit(len(site.xs)))


def _maxmin(fn):
    def spell(site):
        out = site.xs[0]
        for x in site.xs[1:]:
            out = C.Call(C.Attr(C.Name("torch"), fn), (out, x))
        return out

    return spell


def _concat(site):
    d = dim_expr(site.args["axis"], site.rank, site.layouts[0])
    return C.Call(C.Attr(C.Name("torch"), "cat"), (C.List(tuple(site.xs)),), (("dim", d),))


def _identity(site):
    return site.xs[0]


def _flatten(site):
    if site.rank <= 2:
        return site.xs[0]
    return C.Call(C.Attr(site.xs[0], "flatten"), (C.lit(1),))


def _global_pool(fn):
    def spell(site):
        n = site.rank - 2
        dims = tuple(range(2, 2 + n)) if site.layouts[0] == CF else tuple(range(1, 1 + n))
        d = C.lit(dims[0]) if n == 1 else C.lit(dims)
        kw = (("keepdim", C.lit(True)),) if site.args.get("keepdims") else ()
        return C.Call(C.Attr(site.xs[0], fn), (d,), kw)

    return spell


ENTRIES: dict = {}  # catalog class (graphc.ops Op subclass) -> Entry


def _op(name: str):
    import graphc.ops  # noqa: F401  (fills the registry)
    import graphc.ops.special  # noqa: F401
    from graphc.ops.base import REGISTRY

    return REGISTRY[name]


def _common_refused(args, xs):
    """What no runtime class computes: LoRA adapters and quantized weights (Keras's
    `lora_rank=`, `quantization_config=` on Dense, EinsumDense, Embedding, convolutions...)."""
    if args.get("lora_rank"):
        return Unsupported(
            "LoRA (lora_rank=...) has no PyTorch spelling in graphc's runtime yet",
            arg="lora_rank",
            hint="train the full weights (leave lora_rank unset), or use the Keras target",
        )
    if args.get("quantization_config") is not None:
        return Unsupported(
            "quantized weights (quantization_config=...) have no PyTorch spelling in graphc's runtime yet",
            arg="quantization_config",
        )
    return None


def _refusing(own):
    def refuse(args, xs):
        return _common_refused(args, xs) or (own(args, xs) if own is not None else None)

    refuse.own = own
    return refuse


def entry(*names: str, **kw) -> None:
    kw["refuse"] = _refusing(kw.get("refuse"))
    for n in names:
        ENTRIES[_op(n)] = Entry(**kw)


def sizes_last(name):
    return lambda a, xs: [(name, _last(xs[0]))]


# core
# lora_alpha only scales LoRA weights (refused above when lora_rank is set): without them Keras ignores it
entry(
    "Dense",
    layout=CL,
    sizes=sizes_last("in_features"),
    drop=("lora_rank", "lora_alpha", "quantization_config"),
)
entry("Identity", inline=_identity)
entry("Activation", last_dim=True)
entry("ReLU", "LeakyReLU", "ELU", "GaussianNoise", "GaussianDropout", "ActivityRegularization")
entry("PReLU", layout=CL, sizes=lambda a, xs: [("input_shape", tuple(xs[0].type.shape))])
entry("Dropout", "AlphaDropout", cf_flag="noise_shape")
entry("Softmax", dims=(("axis", "dim"),))
entry("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", layout=CF)
entry("Embedding", layout=CL)
entry("Masking", layout=CL)
entry("Rescaling", last_dim=True)
entry(
    "Normalization",
    layout=CL,
    sizes=lambda a, xs: [("input_shape", tuple(xs[0].type.shape))],
    dims=(("axis", "dim"),),
)
entry("CategoryEncoding", "Discretization", "Hashing", "IntegerLookup", layout=CL)
# reshaping
entry("Flatten", layout=CL, inline=_flatten, out_layout=CL)
entry("Reshape", "Permute", "RepeatVector", layout=CL, out_layout=CL)
entry(
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    layout=CF,
)
# merges
entry("Add", inline=_sum)
entry("Subtract", inline=_sub)
entry("Multiply", inline=_mul)
entry("Average", inline=_avg)
entry("Maximum", inline=_maxmin("maximum"))
entry("Minimum", inline=_maxmin("minimum"))
entry("Concatenate", inline=_concat)
entry("Dot", layout=CL)
# convolutions and pooling
for _n in (
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
):
    entry(_n, layout=CF, sizes=sizes_last("in_channels"))
entry(
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    layout=CF,
)
entry(
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    layout=CF,
)
# image preprocessing and augmentation (the identity in inference, except the first two)
entry(
    "Resizing",
    "CenterCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomZoom",
    "RandomTranslation",
    "RandomContrast",
    "RandomBrightness",
    "RandomCrop",
    layout=CF,
)
for _n in ("GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D"):
    ENTRIES[_op(_n)] = Entry(inline=_global_pool("mean"), out_layout="keepdims")
for _n in ("GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D"):
    ENTRIES[_op(_n)] = Entry(inline=_global_pool("amax"), out_layout="keepdims")
entry(
    "AutoContrast",
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
    layout=CF,
)
# audio: MelSpectrogram maps (N, samples) to Keras's (N, mel bins, frames); STFTSpectrogram
# convolves channels-first signals (N, C, T) and returns the channels-first form of its output
entry("MelSpectrogram", out_layout=CL)
entry("STFTSpectrogram", layout=CF)


def _strings_refused(args, xs):
    if any(getattr(x.type, "dtype", None) == "string" for x in xs):
        return Unsupported(
            "HashedCrossing of string features: a torch tensor cannot hold strings",
            hint="cross integer ids (look the strings up before the model)",
        )
    return None


def _reverse_refused(args, xs):
    if args.get("reverse_dtype") not in (None, "float32", "float64"):
        return Unsupported(
            f"ReversibleEmbedding(reverse_dtype={args['reverse_dtype']!r}): TensorFlow's half-precision CPU "
            "matmul rounds differently from torch's",
            arg="reverse_dtype",
            hint='use reverse_dtype="float32" (or None)',
        )
    if args.get("lora_rank"):
        return Unsupported("ReversibleEmbedding(lora_rank=...) has no PyTorch spelling yet", arg="lora_rank")
    return None


# the layers graphc_runtime's SpectralNormalization can wrap (their kernel layouts are known)
SPECTRAL_NORM_INNER = (
    "Dense",
    "Embedding",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
)


def _spectral_refused(args, xs):
    name = getattr(getattr(args.get("layer"), "op", None), "name", None)
    if name not in SPECTRAL_NORM_INNER:
        return Unsupported(
            f"SpectralNormalization of {name} has no PyTorch spelling yet "
            f"(it wraps {', '.join(SPECTRAL_NORM_INNER)})",
            arg="layer",
        )
    return None


entry("HashedCrossing", layout=CL, refuse=_strings_refused)
entry("ReversibleEmbedding", layout=CL, refuse=_reverse_refused)


def _pipeline_refused(args, xs):
    """A Pipeline's layers are built by TorchWalk.wrapped, which passes Keras's arguments as
    given: an axis argument (a torch `dim=` in the runtime) cannot be written there yet."""
    for lv in args.get("layers") or ():
        op, e = lv.op, entry_of(lv)
        if e is None:
            return Unsupported(f"the layer {op.name} has no PyTorch spelling yet", arg="layers")
        given = [k for k, _ in e.dims if k in getattr(lv, "given", {})]
        if given:
            return Unsupported(
                f"{op.name}({given[0]}=...) inside a Pipeline has no PyTorch spelling yet",
                arg="layers",
                hint=f"apply the {op.name} after the Pipeline, or leave {given[0]} at its default",
            )
        if e.refuse is not None:
            exc = e.refuse(lv.args, [])
            if exc is not None:
                return exc
    return None


# a Pipeline takes Keras's layout: the runtime moves the channels for its channels-first layers
entry("Pipeline", layout=CL, out_layout=CL, channels_last=True, refuse=_pipeline_refused)
# a wrapper whose layout is its inner layer's (built by TorchWalk.wrapped with inferred sizes)
entry("SpectralNormalization", inner="layer", refuse=_spectral_refused)
# normalization
entry(
    "BatchNormalization",
    sizes=lambda a, xs: [("num_features", _axis_size(xs[0], a["axis"]))],
    dims=(("axis", "dim"),),
)
entry(
    "LayerNormalization",
    sizes=lambda a, xs: [("normalized_shape", _norm_shape(a, xs[0]))],
    dims=(("axis", "dim"),),
)
entry(
    "RMSNormalization",
    sizes=lambda a, xs: [("normalized_shape", _norm_shape(a, xs[0]))],
    dims=(("axis", "dim"),),
)
entry(
    "GroupNormalization",
    sizes=lambda a, xs: [("num_channels", _axis_size(xs[0], a["axis"]))],
    dims=(("axis", "dim"),),
)
entry("UnitNormalization", dims=(("axis", "dim"),))
# recurrent and attention
entry(
    "LSTM",
    "GRU",
    "SimpleRNN",
    layout=CL,
    sizes=sizes_last("input_size"),
    out_layout=CL,
    multi_out=True,
    fusable=False,
)
# cells appear inside RNN(...)/StackedRNNCells(...): their input size is the previous cell's units
entry("LSTMCell", "GRUCell", "SimpleRNNCell", layout=CL, sizes=sizes_last("input_size"))
entry("StackedRNNCells", layout=CL)
entry("RNN", "Bidirectional", "TimeDistributed", layout=CL, out_layout=CL, multi_out=True, fusable=False)
# a ConvLSTM takes Keras's layout through `channels_last=True` (the runtime moves the channels)
entry(
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    layout=CL,
    sizes=sizes_last("in_channels"),
    out_layout=CL,
    multi_out=True,
    fusable=False,
    channels_last=True,
)
entry("EinsumDense", layout=CL, sizes=lambda a, xs: [("input_shape", tuple(xs[0].type.shape))], out_layout=CL)


def _attention_sizes(a, xs):
    return [
        ("query_dim", _last(xs[0])),
        ("value_dim_in", _last(xs[1])),
        ("key_dim_in", _last(xs[2]) if len(xs) > 2 else _last(xs[1])),
    ]


entry(
    "MultiHeadAttention",
    "GroupQueryAttention",
    layout=CL,
    sizes=_attention_sizes,
    out_layout=CL,
    multi_out=True,
)
entry("Attention", layout=CL, out_layout=CL, multi_out=True)
entry("AdditiveAttention", layout=CL, sizes=sizes_last("query_dim"), out_layout=CL, multi_out=True)


def _norm_shape(a, x):
    ax = a["axis"]
    axes = (ax,) if isinstance(ax, int) else tuple(ax)
    shape = tuple(x.type.shape[(p if p < 0 else p - 1)] for p in axes)
    return shape[0] if len(shape) == 1 else shape


# catalog layers the PyTorch target refuses, and why (every other catalog layer has an entry)
UNSUPPORTED: dict = {
    "StringLookup": "it looks up strings, and a torch tensor cannot hold strings (graphc_runtime's "
    "PyTorch models take tensors); look the strings up before the model (IntegerLookup maps "
    "integer ids in the model)",
    "TextVectorization": "it splits and looks up strings, and a torch tensor cannot hold strings "
    "(graphc_runtime's PyTorch models take tensors); vectorize the text before the model and "
    "give the model the token ids",
}

FUSABLE = {"sigmoid", "softmax"}  # final activations whose logits a loss can use
