"""PyTorch spellings of the Keras layers, one table entry per Keras class.

An entry (a `TorchOp` subclass registered with `@torch_op`) says, for one layer:
- `layout`/`wants`: the layout its inputs must be in: CF (channels-first, torch's
  NCHW / NCL), CL (channels-last, Keras's own view) or None (either, axes remapped);
- `module`: the torch constructor assigned to `self.<attr>` in `__init__` (None for
  stateless layers), and `setup` for extra `__init__` statements;
- `forward`: the expression (or statements) of one call;
- `init`: Keras's initial-weight distributions (`reset_parameters`);
- `load`: how Keras's `layer.get_weights()` arrays (`w[0]`, `w[1]`, ...) are copied;
- `regularized` / `regularizer_targets`: the tensors each Keras regularizer penalizes;
- `check`: raise `Unsupported` for configurations without an exact spelling;
- `reads_inputs_once`: False when `forward` writes an input twice (it then gets a name).
Helper snippets (templates/torch_helpers/*.py) are requested with `s.use(name)`.

All numbers come from shape inference or validated arguments and reach the code
through `lit()` (repr of a literal); names are identifiers made by the emitter.
The measured facts behind each recipe are in shared/parity.md.
"""

from __future__ import annotations

import math

from graphc.ops.base import is_int
from graphc.targets.pycode import literal

CL, CF = "cl", "cf"


class Unsupported(Exception):
    """A configuration the torch target cannot express exactly; `arg` names the culprit."""

    def __init__(self, message: str, arg: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.arg, self.hint = message, arg, hint


def lit(v) -> str:
    return literal(v)


def klit(v) -> str:
    """A kernel/stride literal: `3` for (3, 3), else the tuple."""
    if isinstance(v, (tuple, list)) and len(set(v)) == 1:
        return lit(v[0])
    return lit(tuple(v))


# ---------------------------------------------------------------- layouts
def torch_dim(axis: int, rank: int, layout: str) -> int:
    """The torch dimension of Keras axis `axis` (batch = 0) of a rank-`rank` tensor."""
    ax = axis + rank if axis < 0 else axis
    if layout == CL or rank <= 2 or ax == 0:
        return ax
    if ax == rank - 1:
        return 1
    return ax + 1


def dim_text(axis: int, rank: int, layout: str) -> str:
    """`-1` when the Keras last axis is torch's last axis too, else the positive dim."""
    d = torch_dim(axis, rank, layout)
    if d == rank - 1 and (layout == CL or rank <= 2):
        return "-1"
    return str(d)


def convert(expr: str, rank: int, src: str, dst: str) -> str:
    """`expr` (a rank-`rank` tensor in layout `src`) in layout `dst`."""
    if src == dst or rank <= 2:
        return expr
    e = atom(expr)
    if rank == 3:
        return f"{e}.transpose(1, 2)"
    if rank == 4:
        return f"{e}.permute(0, 2, 3, 1)" if dst == CL else f"{e}.permute(0, 3, 1, 2)"
    return f"{e}.movedim(1, -1)" if dst == CL else f"{e}.movedim(-1, 1)"


def atom(expr: str) -> str:
    """`expr`, parenthesized unless it is a name, call, attribute or subscript."""
    import ast

    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:  # pragma: no cover
        return f"({expr})"
    if isinstance(
        node, (ast.Name, ast.Call, ast.Attribute, ast.Subscript, ast.Constant, ast.List, ast.Tuple)
    ):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0:
            return f"({expr})"
        return expr
    return f"({expr})"


# ------------------------------------------------------------ activations
# name -> (expression template with {x} and {dim}, helper needed)
ACTIVATIONS = {
    "linear": ("{x}", None),
    "relu": ("F.relu({x})", None),
    "relu6": ("F.relu6({x})", None),
    "sigmoid": ("torch.sigmoid({x})", None),
    "tanh": ("torch.tanh({x})", None),
    "softmax": ("F.softmax({x}, dim={dim})", None),
    "log_softmax": ("F.log_softmax({x}, dim={dim})", None),
    "gelu": ("F.gelu({x})", None),  # Keras's activation string is the exact (erf) gelu
    "silu": ("F.silu({x})", None),
    "swish": ("F.silu({x})", None),
    "elu": ("F.elu({x})", None),
    "selu": ("F.selu({x})", None),
    "celu": ("F.celu({x})", None),
    "softplus": ("F.softplus({x})", None),
    "softsign": ("F.softsign({x})", None),
    "mish": ("F.mish({x})", None),
    "exponential": ("torch.exp({x})", None),
    "hard_sigmoid": ("F.hardsigmoid({x})", None),  # Keras 3: relu6(x + 3) / 6
    "hard_silu": ("F.hardswish({x})", None),
    "hard_swish": ("F.hardswish({x})", None),
    "hard_tanh": ("F.hardtanh({x})", None),
    "hard_shrink": ("F.hardshrink({x}, 0.5)", None),
    "soft_shrink": ("F.softshrink({x}, 0.5)", None),
    "tanh_shrink": ("F.tanhshrink({x})", None),
    "leaky_relu": ("F.leaky_relu({x}, 0.2)", None),  # Keras's function default slope is 0.2
    "log_sigmoid": ("F.logsigmoid({x})", None),
    "glu": ("F.glu({x}, dim={dim})", None),
    "sparse_plus": ("sparse_plus({x})", "sparse_plus"),
    "sparse_sigmoid": ("sparse_sigmoid({x})", "sparse_sigmoid"),
    "squareplus": ("squareplus({x})", "squareplus"),
    "sparsemax": ("sparsemax({x}, dim={dim})", "sparsemax"),
}
FUSABLE = {"sigmoid", "softmax"}  # final activations whose logits the loss can use


# ------------------------------------------------------------ initializers
def init_line(tensor: str, name: str, fan_in: int, fan_out: int, torch_fans: bool = True) -> str:
    """A `torch.nn.init` statement drawing `tensor` like Keras's initializer `name`
    with Keras's fans.  `torch_fans`: torch computes the same fans from the tensor."""
    key = name.lower().replace("_", "")
    if key in ("glorotuniform",):
        if torch_fans:
            return f"nn.init.xavier_uniform_({tensor})"
        # torch would compute other fans from its weight layout: Keras's bound, spelled out
        return (
            f"bound = math.sqrt(6 / ({fan_in} + {fan_out}))  # glorot_uniform, Keras's fans\n"
            f"nn.init.uniform_({tensor}, -bound, bound)"
        )
    if key in ("zeros", "zero", "constant"):
        return f"nn.init.zeros_({tensor})"
    if key in ("ones", "one"):
        return f"nn.init.ones_({tensor})"
    if key == "orthogonal":
        return f"nn.init.orthogonal_({tensor})"
    if key == "identity":
        return f"nn.init.eye_({tensor})"
    if key in ("glorotnormal",):
        return _trunc(tensor, f"math.sqrt(2 / ({fan_in} + {fan_out}))", "glorot_normal")
    if key == "heuniform":
        return f"bound = math.sqrt(6 / {fan_in})  # he_uniform\nnn.init.uniform_({tensor}, -bound, bound)"
    if key == "henormal":
        return _trunc(tensor, f"math.sqrt(2 / {fan_in})", "he_normal")
    if key == "lecununiform":
        return f"bound = math.sqrt(3 / {fan_in})  # lecun_uniform\nnn.init.uniform_({tensor}, -bound, bound)"
    if key in ("lecunnormal", "variancescaling"):
        return _trunc(tensor, f"math.sqrt(1 / {fan_in})", "lecun_normal")
    if key in ("randomnormal", "normal"):
        return f"nn.init.normal_({tensor}, 0.0, 0.05)"
    if key in ("randomuniform", "uniform"):
        return f"nn.init.uniform_({tensor}, -0.05, 0.05)"
    if key == "truncatednormal":
        return f"nn.init.trunc_normal_({tensor}, std=0.05, a=-0.1, b=0.1)"
    raise Unsupported(f'the initializer "{name}" has no PyTorch spelling in graphc')


def penalty(tensor: str, name: str) -> str | None:
    """Keras's penalty for regularizer `name` (a string identifier) on `tensor`;
    None when it is zero ("l1l2" is L1L2() with both factors 0 in Keras 3)."""
    key = name.lower().replace("_", "")
    if key == "l2":
        return f"0.01 * {tensor}.square().sum()"
    if key == "l1":
        return f"0.01 * {tensor}.abs().sum()"
    if key == "l1l2":
        return None
    raise Unsupported(f'the regularizer "{name}" is not supported by the torch target')


def _trunc(tensor: str, std: str, name: str) -> str:
    """Keras's truncated normal: cut at two deviations, the deviation divided by
    0.8796... so that the truncated draw has the intended spread."""
    return (
        f"std = {std} / 0.8796256610342398  # {name}\n"
        f"nn.init.trunc_normal_({tensor}, std=std, a=-2 * std, b=2 * std)"
    )


# ---------------------------------------------------------------- padding
def same_pads(n, k: int, s: int, d: int = 1):
    """TensorFlow's padding="same" for one axis: (before, after), or None when the
    input size is unknown and the split depends on it."""
    ke = (k - 1) * d + 1
    if s == 1 or ke == 1:
        total = ke - 1
    elif n is None:
        return None
    else:
        out = -(-n // s)
        total = max((out - 1) * s + ke - n, 0)
    return total // 2, total - total // 2


def torch_pad_arg(pairs) -> tuple:
    """F.pad's argument for per-axis (before, after) pairs in axis order."""
    out = []
    for before, after in reversed(list(pairs)):
        out += [before, after]
    return tuple(out)


# ------------------------------------------------------------- the table
class Site:
    """One layer (and, in `forward`, one call of it) as an entry sees it.
    The emitter fills the fields; entries read them."""

    def __init__(self, layer, call, attr, em):
        self.layer = layer
        self.call = call
        self.a = layer.full_args
        self.attr = attr  # "self.conv2d", or None while there is no module
        self.em = em  # the emitter: helpers, temporaries, optimizer
        self.in_types = [t.type for t in call.inputs]
        self.out_types = [t.type for t in call.outputs]
        self.layouts = [CL] * len(call.inputs)  # layouts of the (converted) inputs
        self.used = [True] * len(call.outputs)
        self.split = False  # return the pre-activation (logits) of a fused final activation
        self.final_activation = None  # set by act() when split

    @property
    def x(self):
        return self.in_types[0]

    @property
    def rank(self) -> int:
        return self.in_types[0].rank

    def use(self, helper: str) -> None:
        self.em.use(helper)

    def temp(self, base: str) -> str:
        return self.em.temp(base)

    def act(self, expr: str, name: str, axis: int = -1, rank=None, layout=None) -> str:
        """`expr` with Keras activation `name` applied over Keras axis `axis`."""
        name = name or "linear"
        if name == "threshold":
            raise Unsupported(
                'activation "threshold" needs arguments; Keras cannot call it by name', arg="activation"
            )
        if name not in ACTIVATIONS:
            raise Unsupported(f'the activation "{name}" has no PyTorch spelling in graphc', arg="activation")
        rank = self.out_types[0].rank if rank is None else rank
        layout = layout or self.out_layout0()
        dim = dim_text(axis, rank, layout)
        if self.split and name in FUSABLE:
            self.final_activation = (name, dim)
            return expr
        template, helper = ACTIVATIONS[name]
        if helper:
            self.use(helper)
        if template == "{x}":
            return expr
        return template.format(x=expr, dim=dim)

    def out_layout0(self) -> str:
        return self.em.out_layouts_of(self)[0]


REGISTRY: dict[str, "TorchOp"] = {}


def torch_op(*names):
    def deco(cls):
        for n in names:
            inst = cls()
            inst.keras = n
            REGISTRY[n] = inst
        return cls

    return deco


class TorchOp:
    keras = ""
    layout: str | None = None  # what every input must be in (None: either)

    def wants(self, s: Site) -> list:
        return [self.layout] * len(s.in_types)

    def out_layouts(self, s: Site) -> list:
        lay = s.layouts[0] if s.layouts else CL
        return [lay] * len(s.out_types)

    def check(self, s: Site) -> None:
        """Raise Unsupported for configurations without an exact spelling."""

    def module(self, s: Site) -> str | None:
        return None

    def setup(self, s: Site) -> list[str]:
        return []

    def forward(self, s: Site, xs: list[str], outs: list[str]):
        raise NotImplementedError

    def init(self, s: Site) -> list[str]:
        return []

    def load(self, s: Site) -> list[str]:
        return []

    # Keras regularizer argument -> tensors it penalizes, relative to the module
    regularized: dict = {}

    def reads_inputs_once(self, call) -> bool:
        """False when forward writes an input expression more than once."""
        return True

    def regularizer_targets(self, s: Site) -> dict:
        """{regularizer argument: [tensor expressions]} for this layer."""
        return {arg: [f"{s.attr}{t}" for t in targets] for arg, targets in self.regularized.items()}


def _args(*pos, **kw) -> str:
    """Constructor arguments: positional literals, then keywords whose value is not None."""
    parts = [p for p in pos]
    parts += [f"{k}={v}" for k, v in kw.items() if v is not None]
    return ", ".join(parts)


def _bias_init(s: Site, tensor: str, key: str = "bias_initializer") -> str:
    return init_line(tensor, s.a.get(key, "zeros"), 1, 1)


# ----------------------------------------------------------------- core
@torch_op("Dense")
class Dense(TorchOp):
    layout = CL
    regularized = {"kernel_regularizer": [".weight"], "bias_regularizer": [".bias"]}

    def check(self, s):
        if s.a.get("lora_rank"):
            raise Unsupported("Dense(lora_rank=...) is not supported by the torch target", arg="lora_rank")

    def module(self, s):
        bias = None if s.a.use_bias else "False"
        return f"nn.Linear({_args(lit(s.x.shape[-1]), lit(s.a.units), bias=bias)})"

    def forward(self, s, xs, outs):
        return s.act(f"{s.attr}({xs[0]})", s.a.activation)

    def init(self, s):
        lines = [init_line(f"{s.attr}.weight", s.a.kernel_initializer, s.x.shape[-1], s.a.units)]
        if s.a.use_bias:
            lines.append(_bias_init(s, f"{s.attr}.bias"))
        return lines

    def load(self, s):
        lines = [f"_assign({s.attr}.weight, w[0].T)"]
        if s.a.use_bias:
            lines.append(f"_assign({s.attr}.bias, w[1])")
        return lines


@torch_op("Activation")
class Activation(TorchOp):
    def forward(self, s, xs, outs):
        return s.act(xs[0], s.a.activation, -1, s.rank, s.layouts[0])


@torch_op("Identity")
class Identity(TorchOp):
    def forward(self, s, xs, outs):
        return xs[0]


@torch_op("ReLU")
class ReLU(TorchOp):
    def reads_inputs_once(self, call):
        a = call.layer.full_args
        return not a.threshold and not (a.negative_slope and a.max_value is not None)

    def forward(self, s, xs, outs):
        x = xs[0]
        mx, slope, thr = s.a.max_value, s.a.negative_slope, s.a.threshold
        if slope and mx is None and not thr:
            return f"F.leaky_relu({x}, {lit(float(slope))})"
        if thr:
            pos = f"torch.where({x} > {lit(float(thr))}, {x}, 0.0)"
        elif mx == 6:
            pos, mx = f"F.relu6({x})", None
        else:
            pos = f"F.relu({x})"
        if mx is not None:
            pos = f"{pos}.clamp(max={lit(float(mx))})"
        if slope:
            neg = f"F.relu({lit(float(thr))} - {atom(x)})" if thr else f"F.relu(-{atom(x)})"
            return f"{pos} - {lit(float(slope))} * {neg}"
        return pos


@torch_op("LeakyReLU")
class LeakyReLU(TorchOp):
    def module(self, s):
        slope = s.a.alpha if s.a.get("alpha") is not None else s.a.negative_slope
        return f"nn.LeakyReLU({lit(float(slope))})"

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"


@torch_op("ELU")
class ELU(TorchOp):
    def forward(self, s, xs, outs):
        alpha = float(s.a.alpha)
        return f"F.elu({xs[0]})" if alpha == 1.0 else f"F.elu({xs[0]}, {lit(alpha)})"


@torch_op("Softmax")
class Softmax(TorchOp):
    def forward(self, s, xs, outs):
        axes = tuple(s.a.axis) if isinstance(s.a.axis, (tuple, list)) else (s.a.axis,)
        if len(axes) == 1:
            return s.act(xs[0], "softmax", axes[0], s.rank, s.layouts[0])
        dims = tuple(torch_dim(ax, s.rank, s.layouts[0]) for ax in axes)
        x = atom(xs[0])
        return f"torch.exp({x} - torch.logsumexp({x}, dim={lit(dims)}, keepdim=True))"


@torch_op("PReLU")
class PReLU(TorchOp):
    """nn.PReLU when alpha is one value per channel, else a Keras-shaped parameter."""

    def reads_inputs_once(self, call):
        return False

    def _channel_only(self, s):
        shared = s.a.shared_axes
        shared = () if shared is None else (shared,) if is_int(shared) else tuple(shared)
        return s.rank >= 2 and set(shared) >= set(range(1, s.rank - 1))

    def wants(self, s):
        return [CF if self._channel_only(s) else CL]

    def regularizer_targets(self, s):
        return {"alpha_regularizer": [f"{s.attr}.weight" if self._channel_only(s) else s.attr]}

    def _alpha_shape(self, s):
        return next(w.shape for w in s.layer.weights if w.name == "alpha")

    def module(self, s):
        if self._channel_only(s):
            return f"nn.PReLU({lit(s.x.shape[-1])}, init=0.0)"
        return f"nn.Parameter(torch.zeros({', '.join(map(str, self._alpha_shape(s)))}))"

    def forward(self, s, xs, outs):
        if self._channel_only(s):
            return f"{s.attr}({xs[0]})"
        x = atom(xs[0])
        return f"F.relu({x}) - {s.attr} * F.relu(-{x})"

    def init(self, s):
        target = f"{s.attr}.weight" if self._channel_only(s) else s.attr
        return [init_line(target, s.a.alpha_initializer, 1, 1)]

    def load(self, s):
        if self._channel_only(s):
            return [f"_assign({s.attr}.weight, w[0].reshape(-1))"]
        return [f"_assign({s.attr}, w[0])"]


@torch_op("Dropout")
class Dropout(TorchOp):
    """nn.Dropout; with noise_shape (one mask per sample, as EfficientNet's
    stochastic depth), the mask is drawn in Keras's channels-last view."""

    def wants(self, s):
        return [CL if s.a.noise_shape is not None else None]

    def reads_inputs_once(self, call):
        return call.layer.full_args.get("noise_shape") is None

    def module(self, s):
        return f"nn.Dropout({lit(float(s.a.rate))})"

    def forward(self, s, xs, outs):
        if s.a.noise_shape is None:
            return f"{s.attr}({xs[0]})"
        x = atom(xs[0])
        dims = ", ".join(f"{x}.shape[{i}]" if d is None else lit(d) for i, d in enumerate(s.a.noise_shape))
        return f"{x} * {s.attr}({x}.new_ones(({dims})))"


@torch_op("SpatialDropout1D", "SpatialDropout2D")
class SpatialDropout(TorchOp):
    layout = CF

    def module(self, s):
        cls = "nn.Dropout1d" if self.keras == "SpatialDropout1D" else "nn.Dropout2d"
        return f"{cls}({lit(float(s.a.rate))})"

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"


@torch_op("GaussianNoise")
class GaussianNoise(TorchOp):
    def reads_inputs_once(self, call):
        return False

    def forward(self, s, xs, outs):
        x = atom(xs[0])
        return f"{x} + {lit(float(s.a.stddev))} * torch.randn_like({x}) if self.training else {x}"


@torch_op("GaussianDropout")
class GaussianDropout(TorchOp):
    def reads_inputs_once(self, call):
        return False

    def forward(self, s, xs, outs):
        x = atom(xs[0])
        std = math.sqrt(s.a.rate / (1.0 - s.a.rate))
        return f"{x} * (1.0 + {std!r} * torch.randn_like({x})) if self.training else {x}"


@torch_op("Rescaling")
class Rescaling(TorchOp):
    def wants(self, s):
        vec = isinstance(s.a.scale, (tuple, list)) or isinstance(s.a.offset, (tuple, list))
        return [CL if vec else None]

    def forward(self, s, xs, outs):
        x = atom(xs[0])
        if not s.x.dtype.startswith(("float", "bfloat")):
            x = f"{x}.float()"

        def value(v):
            if isinstance(v, (tuple, list)):
                return f"{x}.new_tensor({lit([float(u) for u in v])})"
            return lit(float(v))

        expr = f"{x} * {value(s.a.scale)}"
        offset = s.a.offset
        if isinstance(offset, (tuple, list)) or float(offset) != 0.0:
            expr = f"{expr} + {value(offset)}"
        return expr


@torch_op("Embedding")
class Embedding(TorchOp):
    layout = CL
    regularized = {"embeddings_regularizer": [".weight"]}

    def check(self, s):
        if s.a.get("lora_rank"):
            raise Unsupported(
                "Embedding(lora_rank=...) is not supported by the torch target", arg="lora_rank"
            )
        if s.a.mask_zero:
            raise Unsupported(
                "Embedding(mask_zero=true) is not supported by the torch target yet: the mask "
                "would have to reach every recurrent layer, pooling and loss downstream",
                arg="mask_zero",
                hint="pad with a real token and drop mask_zero, or use the Keras target",
            )

    def module(self, s):
        cls = "KerasEmbedding" if s.em.sparse_second_moments else "nn.Embedding"
        if s.em.sparse_second_moments:
            s.use("KerasEmbedding")
        return f"{cls}({lit(s.a.input_dim)}, {lit(s.a.output_dim)})"

    def forward(self, s, xs, outs):
        x = xs[0]
        if s.x.dtype.startswith(("float", "bfloat")):
            x = f"{atom(x)}.long()"
        return f"{s.attr}({x})"

    def init(self, s):
        return [init_line(f"{s.attr}.weight", s.a.embeddings_initializer, s.a.input_dim, s.a.output_dim)]

    def load(self, s):
        return [f"_assign({s.attr}.weight, w[0])"]


# ------------------------------------------------------------ reshaping
@torch_op("Flatten")
class Flatten(TorchOp):
    layout = CL  # Keras flattens channels-last (h, w, c) order

    def out_layouts(self, s):
        return [CL]

    def forward(self, s, xs, outs):
        if s.rank <= 2:
            return xs[0]
        return f"{atom(xs[0])}.flatten(1)"


@torch_op("Reshape")
class Reshape(TorchOp):
    layout = CL

    def out_layouts(self, s):
        return [CL]

    def forward(self, s, xs, outs):
        x = atom(xs[0])
        target = tuple(s.a.target_shape)
        if -1 in target:
            flat = x if s.rank <= 2 else f"{x}.flatten(1)"
            return f"{flat}.unflatten(1, {lit(target)})"
        return f"{x}.reshape(-1, {', '.join(lit(d) for d in target)})"


@torch_op("Permute")
class Permute(TorchOp):
    """Keras permutes its channels-last view; from channels-first, one composed permute."""

    def out_layouts(self, s):
        return [CL]

    def forward(self, s, xs, outs):
        perm = [0] + list(s.a.dims)
        if s.layouts[0] == CF:
            perm = [torch_dim(p, s.rank, CF) for p in perm]
        if perm == sorted(perm):
            return xs[0]
        return f"{atom(xs[0])}.permute({', '.join(lit(d) for d in perm)})"


@torch_op("RepeatVector")
class RepeatVector(TorchOp):
    layout = CL

    def out_layouts(self, s):
        return [CL]

    def forward(self, s, xs, outs):
        return f"{atom(xs[0])}.unsqueeze(1).repeat(1, {lit(s.a.n)}, 1)"


@torch_op("UpSampling1D", "UpSampling2D")
class UpSampling(TorchOp):
    layout = CF

    def check(self, s):
        mode = s.a.get("interpolation", "nearest")
        if mode not in ("nearest", "bilinear"):
            raise Unsupported(
                f'UpSampling2D(interpolation="{mode}") has no exact PyTorch equivalent '
                "(torch's kernels differ from TensorFlow's)",
                arg="interpolation",
                hint='use "nearest" or "bilinear"',
            )

    def module(self, s):
        size = s.a.size
        factor = (
            lit(float(size))
            if is_int(size)
            else lit(float(size[0]))
            if len(set(size)) == 1
            else lit(tuple(float(v) for v in size))
        )
        mode = s.a.get("interpolation", "nearest")
        if mode == "nearest":
            return f"nn.Upsample(scale_factor={factor})"
        return f"nn.Upsample(scale_factor={factor}, mode={lit(mode)})"

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"


@torch_op("ZeroPadding1D", "ZeroPadding2D")
class ZeroPadding(TorchOp):
    layout = CF

    def module(self, s):
        p = s.a.padding
        if self.keras == "ZeroPadding1D":
            return f"nn.ZeroPad1d({lit(tuple(p))})"
        (t, b), (left, r) = p
        return f"nn.ZeroPad2d({lit((left, r, t, b))})"

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"


@torch_op("Cropping1D", "Cropping2D")
class Cropping(TorchOp):
    layout = CF

    def forward(self, s, xs, outs):
        c = s.a.cropping
        pairs = [tuple(c)] if self.keras == "Cropping1D" else [tuple(p) for p in c]
        parts = []
        for before, after in pairs:
            start = str(before) if before else ""
            stop = f"-{after}" if after else ""
            parts.append(f"{start}:{stop}")
        return f"{atom(xs[0])}[:, :, {', '.join(parts)}]"


# --------------------------------------------------------- convolutions
def _spatial(s) -> tuple:
    return tuple(s.x.shape[:-1])


def _conv_padding(s, kernel, strides, dilation):
    """(padding argument for the torch module, pads for F.pad or None, dynamic)."""
    pad = s.a.padding
    if pad == "valid":
        return None, None, False
    if pad == "causal":
        ke = (kernel[0] - 1) * dilation[0] + 1
        return None, ((ke - 1, 0),), False
    pairs = [same_pads(n, k, st, d) for n, k, st, d in zip(_spatial(s), kernel, strides, dilation)]
    if any(p is None for p in pairs):
        return None, None, True
    if all(b == a for b, a in pairs):
        sym = tuple(b for b, _ in pairs)
        if not any(sym):
            return None, None, False
        return klit(sym), None, False
    return None, tuple(pairs), False


class _ConvOp(TorchOp):
    layout = CF
    rank = 2

    def dims(self):
        return self.rank

    def _pad_expr(self, s, x, kernel, strides, dilation):
        _, pads, dynamic = _conv_padding(s, kernel, strides, dilation)
        if dynamic:
            s.use("pad_same")
            d = "" if max(dilation) == 1 else f", {lit(tuple(dilation))}"
            return f"pad_same({x}, {lit(tuple(kernel))}, {lit(tuple(strides))}{d})"
        if pads:
            return f"F.pad({x}, {lit(torch_pad_arg(pads))})"
        return x


@torch_op("Conv1D", "Conv2D", "Conv3D")
class Conv(_ConvOp):
    regularized = {"kernel_regularizer": [".weight"], "bias_regularizer": [".bias"]}

    def check(self, s):
        if s.a.get("lora_rank"):
            raise Unsupported(
                f"{self.keras}(lora_rank=...) is not supported by the torch target", arg="lora_rank"
            )
        if s.a.get("data_format") == "channels_first":
            raise Unsupported(
                'data_format="channels_first" is not supported by the torch target', arg="data_format"
            )

    def _n(self, s):
        return s.rank - 2

    def module(self, s):
        n = self._n(s)
        a = s.a
        padding, _, _ = _conv_padding(s, a.kernel_size, a.strides, a.dilation_rate)
        cls = f"nn.Conv{n}d"
        return (
            f"{cls}("
            + _args(
                lit(s.x.shape[-1]),
                lit(a.filters),
                klit(a.kernel_size),
                stride=klit(a.strides) if max(a.strides) > 1 else None,
                padding=padding,
                dilation=klit(a.dilation_rate) if max(a.dilation_rate) > 1 else None,
                groups=lit(a.groups) if a.get("groups", 1) > 1 else None,
                bias=None if a.use_bias else "False",
            )
            + ")"
        )

    def forward(self, s, xs, outs):
        a = s.a
        x = self._pad_expr(s, xs[0], a.kernel_size, a.strides, a.dilation_rate)
        return s.act(f"{s.attr}({x})", a.activation)

    def _fans(self, s):
        rf = math.prod(s.a.kernel_size)
        return rf * s.x.shape[-1] // s.a.get("groups", 1), rf * s.a.filters

    def init(self, s):
        fi, fo = self._fans(s)
        lines = [init_line(f"{s.attr}.weight", s.a.kernel_initializer, fi, fo)]
        if s.a.use_bias:
            lines.append(_bias_init(s, f"{s.attr}.bias"))
        return lines

    def load(self, s):
        n = self._n(s)
        perm = (n + 1, n) + tuple(range(n))
        lines = [f"_assign({s.attr}.weight, w[0].transpose{lit(perm)})"]
        if s.a.use_bias:
            lines.append(f"_assign({s.attr}.bias, w[1])")
        return lines


@torch_op("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
class ConvTranspose(_ConvOp):
    """TF's transposed conv computes the full output of length L = (n-1)*s + ke and
    keeps O values starting at (L-O)//2; torch's `padding` crops symmetrically, so an
    odd L-O needs one more value dropped at the end (parity.md, 312 configurations)."""

    regularized = {"kernel_regularizer": [".weight"], "bias_regularizer": [".bias"]}

    def _n(self, s):
        return s.rank - 2

    def _plan(self, s):
        a = s.a
        n = self._n(s)
        k = a.kernel_size
        st = a.strides
        d = a.dilation_rate
        op = a.output_padding or (None,) * n
        pads, out_pads, crop = [], [], []
        for kk, ss, dd, oo in zip(k, st, d, op):
            ke = (kk - 1) * dd + 1
            if a.padding == "same":
                p_total = ke - ss if oo is None else ke - ke % 2 - oo
            else:
                p_total = -(max(ke, ss) - ke) if oo is None else -oo
            pads.append(max(p_total, 0) // 2)
            out_pads.append(max(-p_total, 0))
            crop.append(p_total > 0 and p_total % 2 == 1)
        return pads, out_pads, crop

    def module(self, s):
        a = s.a
        pads, out_pads, _ = self._plan(s)
        cls = f"nn.ConvTranspose{self._n(s)}d"
        return (
            f"{cls}("
            + _args(
                lit(s.x.shape[-1]),
                lit(a.filters),
                klit(a.kernel_size),
                stride=klit(a.strides) if max(a.strides) > 1 else None,
                padding=klit(pads) if any(pads) else None,
                output_padding=klit(out_pads) if any(out_pads) else None,
                dilation=klit(a.dilation_rate) if max(a.dilation_rate) > 1 else None,
                bias=None if a.use_bias else "False",
            )
            + ")"
        )

    def forward(self, s, xs, outs):
        _, _, crop = self._plan(s)
        y = f"{s.attr}({xs[0]})"
        if any(crop):
            y += "[:, :, " + ", ".join(":-1" if c else ":" for c in crop) + "]"
        return s.act(y, s.a.activation)

    def init(self, s):
        rf = math.prod(s.a.kernel_size)
        lines = [init_line(f"{s.attr}.weight", s.a.kernel_initializer, rf * s.a.filters, rf * s.x.shape[-1])]
        if s.a.use_bias:
            lines.append(_bias_init(s, f"{s.attr}.bias"))
        return lines

    def load(self, s):
        n = self._n(s)
        perm = (n + 1, n) + tuple(range(n))
        lines = [f"_assign({s.attr}.weight, w[0].transpose{lit(perm)})"]
        if s.a.use_bias:
            lines.append(f"_assign({s.attr}.bias, w[1])")
        return lines


def _depthwise_load(n: int, src: str) -> str:
    """Keras depthwise kernel (k..., in, m) -> torch (in*m, 1, k...): channel c*m+j."""
    perm = ", ".join(str(i) for i in (n,) + tuple(range(n)))
    return f"{src}.reshape(*{src}.shape[:{n}], -1).transpose({perm})[:, None]"


@torch_op("DepthwiseConv1D", "DepthwiseConv2D")
class DepthwiseConv(_ConvOp):
    regularized = {"depthwise_regularizer": [".weight"], "bias_regularizer": [".bias"]}

    def _n(self, s):
        return s.rank - 2

    def module(self, s):
        a = s.a
        c = s.x.shape[-1]
        padding, _, _ = _conv_padding(s, a.kernel_size, a.strides, a.dilation_rate)
        return (
            f"nn.Conv{self._n(s)}d("
            + _args(
                lit(c),
                lit(c * a.depth_multiplier),
                klit(a.kernel_size),
                stride=klit(a.strides) if max(a.strides) > 1 else None,
                padding=padding,
                dilation=klit(a.dilation_rate) if max(a.dilation_rate) > 1 else None,
                groups=lit(c),
                bias=None if a.use_bias else "False",
            )
            + ")"
        )

    def forward(self, s, xs, outs):
        a = s.a
        x = self._pad_expr(s, xs[0], a.kernel_size, a.strides, a.dilation_rate)
        return s.act(f"{s.attr}({x})", a.activation)

    def init(self, s):
        rf = math.prod(s.a.kernel_size)
        c, m = s.x.shape[-1], s.a.depth_multiplier
        lines = [init_line(f"{s.attr}.weight", s.a.depthwise_initializer, rf * c, rf * m, torch_fans=False)]
        if s.a.use_bias:
            lines.append(_bias_init(s, f"{s.attr}.bias"))
        return lines

    def load(self, s):
        lines = [f"_assign({s.attr}.weight, {_depthwise_load(self._n(s), 'w[0]')})"]
        if s.a.use_bias:
            lines.append(f"_assign({s.attr}.bias, w[1])")
        return lines


@torch_op("SeparableConv1D", "SeparableConv2D")
class SeparableConv(_ConvOp):
    """Depthwise conv (no bias) then a 1x1 pointwise conv: nn.Sequential of the two."""

    regularized = {
        "depthwise_regularizer": ["[0].weight"],
        "pointwise_regularizer": ["[1].weight"],
        "bias_regularizer": ["[1].bias"],
    }

    def _n(self, s):
        return s.rank - 2

    def module(self, s):
        a = s.a
        n = self._n(s)
        c = s.x.shape[-1]
        cm = c * a.depth_multiplier
        padding, _, _ = _conv_padding(s, a.kernel_size, a.strides, a.dilation_rate)
        depthwise = (
            f"nn.Conv{n}d("
            + _args(
                lit(c),
                lit(cm),
                klit(a.kernel_size),
                stride=klit(a.strides) if max(a.strides) > 1 else None,
                padding=padding,
                dilation=klit(a.dilation_rate) if max(a.dilation_rate) > 1 else None,
                groups=lit(c),
                bias="False",
            )
            + ")"
        )
        pointwise = (
            f"nn.Conv{n}d(" + _args(lit(cm), lit(a.filters), "1", bias=None if a.use_bias else "False") + ")"
        )
        return f"nn.Sequential({depthwise}, {pointwise})"

    def forward(self, s, xs, outs):
        a = s.a
        x = self._pad_expr(s, xs[0], a.kernel_size, a.strides, a.dilation_rate)
        return s.act(f"{s.attr}({x})", a.activation)

    def init(self, s):
        a = s.a
        rf = math.prod(a.kernel_size)
        c, m = s.x.shape[-1], a.depth_multiplier
        lines = [
            init_line(f"{s.attr}[0].weight", a.depthwise_initializer, rf * c, rf * m, torch_fans=False),
            init_line(f"{s.attr}[1].weight", a.pointwise_initializer, c * m, a.filters),
        ]
        if a.use_bias:
            lines.append(_bias_init(s, f"{s.attr}[1].bias"))
        return lines

    def load(self, s):
        n = self._n(s)
        perm = (n + 1, n) + tuple(range(n))
        lines = [
            f"_assign({s.attr}[0].weight, {_depthwise_load(n, 'w[0]')})",
            f"_assign({s.attr}[1].weight, w[1].transpose{lit(perm)})",
        ]
        if s.a.use_bias:
            lines.append(f"_assign({s.attr}[1].bias, w[2])")
        return lines


# -------------------------------------------------------------- pooling
@torch_op(
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"
)
class Pooling(TorchOp):
    layout = CF

    def _plan(self, s):
        a = s.a
        k = tuple(a.pool_size)
        st = tuple(a.strides) if a.strides is not None else k
        if a.padding == "valid":
            return k, st, "valid", None
        pairs = [same_pads(n, kk, ss) for n, kk, ss in zip(_spatial(s), k, st)]
        if any(p is None for p in pairs):
            return k, st, "dynamic", None
        if not any(b or e for b, e in pairs):
            return k, st, "valid", None
        if all(b == e and b <= kk // 2 for (b, e), kk in zip(pairs, k)):
            return k, st, "symmetric", tuple(b for b, _ in pairs)
        return k, st, "asymmetric", tuple(pairs)

    @property
    def is_max(self):
        return self.keras.startswith("Max")

    def module(self, s):
        n = s.rank - 2
        k, st, mode, pads = self._plan(s)
        if not self.is_max and mode in ("dynamic", "asymmetric"):
            return None  # avg_pool_same() in forward
        cls = f"nn.MaxPool{n}d" if self.is_max else f"nn.AvgPool{n}d"
        extra = {}
        if mode == "symmetric":
            extra["padding"] = klit(pads)
            if not self.is_max:
                extra["count_include_pad"] = "False"  # TF leaves padding out of the average
        stride = None if st == k else klit(st)
        return f"{cls}({_args(klit(k), stride=stride, **extra)})"

    def forward(self, s, xs, outs):
        k, st, mode, pads = self._plan(s)
        x = xs[0]
        if not self.is_max and mode in ("dynamic", "asymmetric"):
            s.use("avg_pool_same")
            return f"avg_pool_same({x}, {lit(k)}, {lit(st)})"
        if mode == "dynamic":
            s.use("pad_same")
            x = f"pad_same({x}, {lit(k)}, {lit(st)}, value=-math.inf)"
        elif mode == "asymmetric":
            x = f"F.pad({x}, {lit(torch_pad_arg(pads))}, value=-math.inf)"
        return f"{s.attr}({x})"


@torch_op(
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
)
class GlobalPooling(TorchOp):
    def out_layouts(self, s):
        return [s.layouts[0] if s.a.keepdims else CL]

    def forward(self, s, xs, outs):
        n = s.rank - 2
        dims = tuple(range(2, 2 + n)) if s.layouts[0] == CF else tuple(range(1, 1 + n))
        d = lit(dims[0]) if n == 1 else lit(dims)
        fn = "mean" if "Average" in self.keras else "amax"
        keep = ", keepdim=True" if s.a.keepdims else ""
        return f"{atom(xs[0])}.{fn}({d}{keep})"


# -------------------------------------------------------- normalization
@torch_op("BatchNormalization")
class BatchNormalization(TorchOp):
    """KerasBatchNorm normalizes any dimension, so no layout change is needed."""

    regularized = {"gamma_regularizer": [".weight"], "beta_regularizer": [".bias"]}

    def check(self, s):
        if s.a.renorm:
            raise Unsupported(
                "BatchNormalization(renorm=true) is not supported by the torch target", arg="renorm"
            )

    def _dim(self, s):
        return torch_dim(s.a.axis, s.rank, s.layouts[0])

    def module(self, s):
        s.use("KerasBatchNorm")
        a = s.a
        c = s.x.shape[(a.axis if a.axis < 0 else a.axis - 1)]
        d = self._dim(s)
        return (
            "KerasBatchNorm("
            + _args(
                lit(c),
                dim=None if d == 1 else ("-1" if d == s.rank - 1 else lit(d)),
                eps=None if a.epsilon == 1e-3 else lit(float(a.epsilon)),
                momentum=None if a.momentum == 0.99 else lit(float(a.momentum)),
                center=None if a.center else "False",
                scale=None if a.scale else "False",
            )
            + ")"
        )

    def setup(self, s):
        if not s.a.trainable:
            return [
                f"{s.attr}.trainable = False  # Keras: a frozen BatchNormalization runs in inference mode"
            ]
        return []

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"

    def init(self, s):
        a = s.a
        lines = []
        if a.scale:
            lines.append(init_line(f"{s.attr}.weight", a.gamma_initializer, 1, 1))
        if a.center:
            lines.append(init_line(f"{s.attr}.bias", a.beta_initializer, 1, 1))
        lines.append(init_line(f"{s.attr}.running_mean", a.moving_mean_initializer, 1, 1))
        lines.append(init_line(f"{s.attr}.running_var", a.moving_variance_initializer, 1, 1))
        return lines

    def load(self, s):
        names = ([f"{s.attr}.weight"] if s.a.scale else []) + ([f"{s.attr}.bias"] if s.a.center else [])
        names += [f"{s.attr}.running_mean", f"{s.attr}.running_var"]
        return [f"_assign({n}, w[{i}])" for i, n in enumerate(names)]


@torch_op("LayerNormalization")
class LayerNormalization(TorchOp):
    layout = CL
    regularized = {"gamma_regularizer": [".weight"], "beta_regularizer": [".bias"]}

    def _axes(self, s):
        ax = s.a.axis
        axes = (ax,) if is_int(ax) else tuple(ax)
        return sorted(a + s.rank if a < 0 else a for a in axes)

    def check(self, s):
        axes = self._axes(s)
        if axes != list(range(s.rank - len(axes), s.rank)):
            raise Unsupported(
                f"LayerNormalization over axes {tuple(axes)} that are not the trailing axes of a "
                f"{s.rank}D input has no nn.LayerNorm spelling",
                arg="axis",
            )
        if s.a.center and not s.a.scale:
            raise Unsupported(
                "LayerNormalization(scale=false, center=true) has no nn.LayerNorm spelling", arg="scale"
            )
        if s.a.get("rms_scaling"):
            raise Unsupported(
                "LayerNormalization(rms_scaling=true) is not supported by the torch target", arg="rms_scaling"
            )

    def module(self, s):
        axes = self._axes(s)
        shape = [s.x.shape[a - 1] for a in axes]
        size = lit(shape[0]) if len(shape) == 1 else lit(shape)
        affine = s.a.scale or s.a.center
        return (
            "nn.LayerNorm("
            + _args(
                size,
                eps=lit(float(s.a.epsilon)),
                elementwise_affine=None if affine else "False",
                bias=None if (s.a.center or not affine) else "False",
            )
            + ")"
        )

    def forward(self, s, xs, outs):
        return f"{s.attr}({xs[0]})"

    def init(self, s):
        lines = []
        if s.a.scale:
            lines.append(init_line(f"{s.attr}.weight", s.a.gamma_initializer, 1, 1))
        if s.a.center:
            lines.append(init_line(f"{s.attr}.bias", s.a.beta_initializer, 1, 1))
        return lines

    def load(self, s):
        names = ([f"{s.attr}.weight"] if s.a.scale else []) + ([f"{s.attr}.bias"] if s.a.center else [])
        return [f"_assign({n}, w[{i}])" for i, n in enumerate(names)]


@torch_op("Normalization")
class Normalization(TorchOp):
    layout = CL

    def check(self, s):
        if s.a.invert:
            raise Unsupported("Normalization(invert=true) is not supported by the torch target", arg="invert")

    def _shape(self, s) -> tuple:
        axes = s.a.axis if not is_int(s.a.axis) else (s.a.axis,)
        keep = {a + s.rank if a < 0 else a for a in axes}
        return tuple(s.x.shape[a - 1] if a in keep else 1 for a in range(1, s.rank))

    def module(self, s):
        s.use("KerasNormalization")
        shape = self._shape(s)
        if s.a.mean is None:
            return f"KerasNormalization({lit(shape)})"

        def stat(v):
            if isinstance(v, (int, float)):
                return lit(float(v))
            flat = list(_flatten(v))
            if len(flat) == 1:
                return lit(float(flat[0]))
            return f"torch.tensor({lit([float(u) for u in flat])}).reshape({lit(shape)})"

        return f"KerasNormalization({lit(shape)}, mean={stat(s.a.mean)}, variance={stat(s.a.variance)})"

    def forward(self, s, xs, outs):
        x = xs[0] if s.x.dtype.startswith(("float", "bfloat")) else f"{atom(xs[0])}.float()"
        return f"{s.attr}({x})"

    def load(self, s):
        if s.a.mean is not None:
            return []
        return [
            f"_assign({s.attr}.mean, w[0].reshape({s.attr}.mean.shape))",
            f"_assign({s.attr}.variance, w[1].reshape({s.attr}.variance.shape))",
            f"_assign({s.attr}.count, w[2])",
        ]


def _flatten(v):
    if isinstance(v, (tuple, list)):
        for u in v:
            yield from _flatten(u)
    else:
        yield v


# --------------------------------------------------------------- merges
def merge_layout(s: Site, current: list) -> str:
    """One layout for all inputs of an element-wise merge: the majority, channels-first on a tie."""
    ranks = {t.rank for t in s.in_types}
    if len(ranks) > 1:
        return CL
    cf = sum(1 for x in current if x == CF)
    return CF if cf * 2 >= len(current) and cf else CL


class _Merge(TorchOp):
    def wants(self, s):
        lay = merge_layout(s, s.current)
        return [lay] * len(s.in_types)


@torch_op("Add")
class Add(_Merge):
    def forward(self, s, xs, outs):
        return " + ".join(xs)


@torch_op("Subtract")
class Subtract(_Merge):
    def forward(self, s, xs, outs):
        return f"{xs[0]} - {atom(xs[1])}"


@torch_op("Multiply")
class Multiply(_Merge):
    def forward(self, s, xs, outs):
        return " * ".join(atom(x) for x in xs)


@torch_op("Average")
class Average(_Merge):
    def forward(self, s, xs, outs):
        return f"({' + '.join(xs)}) / {len(xs)}"


@torch_op("Maximum", "Minimum")
class MaxMin(_Merge):
    def forward(self, s, xs, outs):
        fn = "torch.maximum" if self.keras == "Maximum" else "torch.minimum"
        expr = xs[0]
        for x in xs[1:]:
            expr = f"{fn}({expr}, {x})"
        return expr


@torch_op("Concatenate")
class Concatenate(_Merge):
    def forward(self, s, xs, outs):
        d = dim_text(s.a.axis, s.rank, s.layouts[0])
        return f"torch.cat([{', '.join(xs)}], dim={d})"


@torch_op("Dot")
class Dot(TorchOp):
    layout = CL

    def forward(self, s, xs, outs):
        a, b = xs
        r1, r2 = s.in_types[0].rank, s.in_types[1].rank
        pair = (s.a.axes, s.a.axes) if is_int(s.a.axes) else tuple(s.a.axes)
        ax = [p + r if p < 0 else p for p, r in zip(pair, (r1, r2))]
        if s.a.normalize:
            a, b = f"F.normalize({a}, dim={ax[0]}, eps=1e-7)", f"F.normalize({b}, dim={ax[1]}, eps=1e-7)"
        if r1 == r2 == 2:
            return f"({atom(a)} * {atom(b)}).sum(-1, keepdim=True)"
        if r1 == r2 == 3:
            letters1 = ["b", "i", "j"]
            letters2 = ["b", "k", "l"]
            letters2[ax[1]] = letters1[ax[0]]
            out = [c for i, c in enumerate(letters1) if i != ax[0]] + [
                c for i, c in enumerate(letters2) if i != ax[1] and i != 0
            ]
            eq = f"{''.join(letters1)},{''.join(letters2)}->{''.join(out)}"
            return f"torch.einsum({lit(eq)}, {a}, {b})"
        raise Unsupported("Dot is supported on 2D and 3D inputs by the torch target")


# ------------------------------------------------------------ recurrent
def _rnn_parts(op_name: str, a) -> tuple:
    """(torch class, gates, number of state tensors, frozen zero biases per direction)."""
    if op_name == "LSTM":
        return "nn.LSTM", 4, 2, 4 * a.units if a.use_bias else 0
    if op_name == "GRU":
        return "nn.GRU", 3, 1, 0
    return "nn.RNN", 1, 1, a.units if a.use_bias else 0


def _check_rnn(op_name: str, a, where: str = "") -> None:
    if op_name == "SimpleRNN":
        if a.activation not in ("tanh", "relu"):
            raise Unsupported(
                f'SimpleRNN(activation="{a.activation}") has no nn.RNN spelling (tanh or relu)',
                arg="activation",
            )
    else:
        if a.activation != "tanh" or a.recurrent_activation != "sigmoid":
            raise Unsupported(
                f"{op_name} with activation={a.activation!r}/recurrent_activation="
                f"{a.recurrent_activation!r} has no nn.{op_name} spelling (it needs tanh/sigmoid)",
                arg="activation",
            )
    if op_name == "GRU" and not a.reset_after:
        raise Unsupported(
            "GRU(reset_after=false) has no nn.GRU spelling",
            arg="reset_after",
            hint="use Keras's default reset_after=true",
        )
    if a.recurrent_dropout:
        raise Unsupported(
            f"{op_name}(recurrent_dropout=...) has no nn.{op_name} spelling", arg="recurrent_dropout"
        )
    if a.get("stateful"):
        raise Unsupported(f"{op_name}(stateful=true) is not supported", arg="stateful")


def _rnn_module(op_name: str, a, n_in: int, bidirectional: bool) -> str:
    cls, _, _, _ = _rnn_parts(op_name, a)
    kw = {}
    if op_name == "SimpleRNN" and a.activation == "relu":
        kw["nonlinearity"] = lit("relu")
    if not a.use_bias:
        kw["bias"] = "False"
    kw["batch_first"] = "True"
    if bidirectional:
        kw["bidirectional"] = "True"
    return f"{cls}({_args(lit(n_in), lit(a.units), **kw)})"


def _rnn_setup(op_name, a, attr, bidirectional) -> list:
    _, _, _, frozen = _rnn_parts(op_name, a)
    if not frozen:
        return []
    lines = []
    for sfx in ("_l0", "_l0_reverse") if bidirectional else ("_l0",):
        lines.append(f"{attr}.bias_hh{sfx}.requires_grad_(False)")
    lines.insert(0, "# Keras has one bias: torch's second one stays zero")
    return lines


def _rnn_init(op_name, a, attr, n_in, bidirectional) -> list:
    g = _rnn_parts(op_name, a)[1]
    u = a.units
    lines = []
    for sfx in ("_l0", "_l0_reverse") if bidirectional else ("_l0",):
        lines.append(init_line(f"{attr}.weight_ih{sfx}", a.kernel_initializer, n_in, g * u))
        lines.append(init_line(f"{attr}.weight_hh{sfx}", a.recurrent_initializer, u, g * u))
        if a.use_bias:
            lines.append(init_line(f"{attr}.bias_ih{sfx}", a.bias_initializer, 1, 1))
            lines.append(f"nn.init.zeros_({attr}.bias_hh{sfx})")
            if op_name == "LSTM" and a.unit_forget_bias:
                lines.append(f"nn.init.ones_({attr}.bias_ih{sfx}[{u}:{2 * u}])  # Keras unit_forget_bias")
    return lines


def _rnn_load(op_name, a, attr, bidirectional) -> list:
    lines = []
    for i, sfx in enumerate(("_l0", "_l0_reverse") if bidirectional else ("_l0",)):
        n = 3 if a.use_bias else 2
        k, r, b = (f"w[{i * n + j}]" for j in range(3))
        if op_name == "GRU":
            lines += [
                f"_assign({attr}.weight_ih{sfx}, _gru_gates(w[{i * n}], 1).T)",
                f"_assign({attr}.weight_hh{sfx}, _gru_gates(w[{i * n + 1}], 1).T)",
            ]
            if a.use_bias:
                lines += [
                    f"_assign({attr}.bias_ih{sfx}, _gru_gates(w[{i * n + 2}][0], 0))",
                    f"_assign({attr}.bias_hh{sfx}, _gru_gates(w[{i * n + 2}][1], 0))",
                ]
        else:
            lines += [f"_assign({attr}.weight_ih{sfx}, {k}.T)", f"_assign({attr}.weight_hh{sfx}, {r}.T)"]
            if a.use_bias:
                lines += [
                    f"_assign({attr}.bias_ih{sfx}, {b})",
                    f"_assign({attr}.bias_hh{sfx}, np.zeros_like({b}))",
                ]
    return lines


def _rnn_regularized(op_name, attr, bidirectional) -> dict:
    sfx = ("_l0", "_l0_reverse") if bidirectional else ("_l0",)
    bias = [f"{attr}.bias_ih{x}" for x in sfx] + (
        [f"{attr}.bias_hh{x}" for x in sfx] if op_name == "GRU" else []
    )
    return {
        "kernel_regularizer": [f"{attr}.weight_ih{x}" for x in sfx],
        "recurrent_regularizer": [f"{attr}.weight_hh{x}" for x in sfx],
        "bias_regularizer": bias,
    }


def _rnn_input(s: Site, a, x: str) -> str:
    if a.go_backwards:
        x = f"{atom(x)}.flip(1)"
    if a.dropout:
        # Keras drops the same input features at every step
        mask = f"F.dropout(torch.ones_like({atom(x)}[:, :1]), {lit(float(a.dropout))}, self.training)"
        x = f"{atom(x)} * {mask}"
    return x


@torch_op("LSTM", "GRU", "SimpleRNN")
class Recurrent(TorchOp):
    layout = CL

    def reads_inputs_once(self, call):
        return not call.layer.full_args.dropout

    def out_layouts(self, s):
        return [CL] * len(s.out_types)

    def check(self, s):
        _check_rnn(self.keras, s.a)

    def module(self, s):
        return _rnn_module(self.keras, s.a, s.x.shape[-1], False)

    def setup(self, s):
        return _rnn_setup(self.keras, s.a, s.attr, False)

    def init(self, s):
        return _rnn_init(self.keras, s.a, s.attr, s.x.shape[-1], False)

    def load(self, s):
        if self.keras == "GRU":
            s.use("_gru_gates")
        return _rnn_load(self.keras, s.a, s.attr, False)

    def regularizer_targets(self, s):
        return _rnn_regularized(self.keras, s.attr, False)

    def forward(self, s, xs, outs):
        a = s.a
        call = f"{s.attr}({_rnn_input(s, a, xs[0])})"
        last = "" if a.return_sequences else "[:, -1]"
        if not a.return_state:
            return f"{call}[0]{last}"
        y, states = outs[0], outs[1:]
        seq = y if y != "_" else s.temp("seq")
        if self.keras == "LSTM":
            lhs = f"{seq}, ({states[0]}, {states[1]})"
        else:
            lhs = f"{seq}, {states[0]}"
        lines = [f"{lhs} = {call}"]
        fix = []
        if y != "_" and last:
            fix.append((y, f"{y}{last}"))
        fix += [(st, f"{st}[0]") for st in states if st != "_"]
        if fix:
            lines.append(f"{', '.join(n for n, _ in fix)} = {', '.join(e for _, e in fix)}")
        return lines


@torch_op("Bidirectional")
class Bidirectional(TorchOp):
    layout = CL

    def reads_inputs_once(self, call):
        return not call.layer.full_args.layer.args.dropout

    def out_layouts(self, s):
        return [CL] * len(s.out_types)

    def _inner(self, s):
        inner = s.a.layer
        return inner.op.name, inner.args

    def check(self, s):
        if s.a.backward_layer is not None:
            raise Unsupported(
                "Bidirectional(backward_layer=...) is not supported by the torch target", arg="backward_layer"
            )
        name, a = self._inner(s)
        _check_rnn(name, a)
        if a.go_backwards:
            raise Unsupported("Bidirectional of a go_backwards layer is not supported", arg="layer")

    def module(self, s):
        name, a = self._inner(s)
        return _rnn_module(name, a, s.x.shape[-1], True)

    def setup(self, s):
        name, a = self._inner(s)
        return _rnn_setup(name, a, s.attr, True)

    def init(self, s):
        name, a = self._inner(s)
        return _rnn_init(name, a, s.attr, s.x.shape[-1], True)

    def load(self, s):
        name, a = self._inner(s)
        if name == "GRU":
            s.use("_gru_gates")
        return _rnn_load(name, a, s.attr, True)

    def regularizer_targets(self, s):
        name, _ = self._inner(s)
        return _rnn_regularized(name, s.attr, True)

    def regularizer_args(self, s):
        return self._inner(s)[1]

    @staticmethod
    def _merge(mode: str, f: str, b: str) -> str:
        if mode == "concat":
            return f"torch.cat([{f}, {b}], dim=-1)"
        if mode == "sum":
            return f"{f} + {b}"
        if mode == "mul":
            return f"{f} * {b}"
        return f"({f} + {b}) / 2"  # ave

    def forward(self, s, xs, outs):
        name, a = self._inner(s)
        mode = s.a.merge_mode
        u = a.units
        call = f"{s.attr}({_rnn_input(s, a, xs[0])})"
        n_y = 2 if mode is None else 1
        ys, states = outs[:n_y], outs[n_y:]
        if a.return_sequences and mode == "concat" and not a.return_state:
            return f"{call}[0]"
        lines = []
        seq = s.temp("seq") if a.return_sequences else "_"
        need_h = not a.return_sequences or (a.return_state and any(st != "_" for st in states))
        h = s.temp("h_n") if need_h else "_"
        c = "_"
        if name == "LSTM" and a.return_state and any(st != "_" for st in states[1::2]):
            c = s.temp("c_n")
        lhs = f"{seq}, ({h}, {c})" if name == "LSTM" and (h, c) != ("_", "_") else f"{seq}, {h}"
        lines.append(f"{lhs} = {call}")
        if a.return_sequences:
            fwd, bwd = f"{seq}[..., :{u}]", f"{seq}[..., {u}:]"
        else:
            fwd, bwd = f"{h}[0]", f"{h}[1]"
        assigns = []
        if mode is None:
            assigns += [(ys[0], fwd), (ys[1], bwd)]
        elif a.return_sequences and mode == "concat":
            assigns.append((ys[0], seq))
        else:
            assigns.append((ys[0], self._merge(mode, fwd, bwd)))
        if a.return_state:
            if name == "LSTM":
                exprs = [f"{h}[0]", f"{c}[0]", f"{h}[1]", f"{c}[1]"]
            else:
                exprs = [f"{h}[0]", f"{h}[1]"]
            assigns += list(zip(states, exprs))
        assigns = [(n, e) for n, e in assigns if n != "_"]
        for n, e in assigns:
            lines.append(f"{n} = {e}")
        return lines


# ------------------------------------------------------------ attention
@torch_op("MultiHeadAttention")
class MultiHeadAttention(TorchOp):
    layout = CL

    def reads_inputs_once(self, call):
        return len(call.inputs) == 3

    def check(self, s):
        a = s.a
        for arg in ("use_gate", "sliding_window"):
            if a.get(arg):
                raise Unsupported(
                    f"MultiHeadAttention({arg}=...) is not supported by the torch target", arg=arg
                )
        if any(t.rank != 3 for t in s.in_types):
            raise Unsupported("MultiHeadAttention is supported on (batch, steps, features) inputs only")
        axes = a.attention_axes
        if axes is not None and tuple((axes,) if is_int(axes) else axes) not in ((1,), (-2,)):
            raise Unsupported("MultiHeadAttention(attention_axes=...) is not supported", arg="attention_axes")
        if a.output_shape is not None and len(a.output_shape) != 1:
            raise Unsupported(
                "MultiHeadAttention with a multi-axis output_shape is not supported", arg="output_shape"
            )

    def _dims(self, s):
        a = s.a
        dq = s.in_types[0].shape[-1]
        dv = s.in_types[1].shape[-1]
        dk = s.in_types[2].shape[-1] if len(s.in_types) > 2 else dv
        vd = a.value_dim or a.key_dim
        out = a.output_shape[0] if a.output_shape else dq
        return dq, dk, dv, vd, out

    def _native(self, s):
        a = s.a
        dq, dk, dv, vd, out = self._dims(s)
        return a.num_heads * a.key_dim == dq and vd == a.key_dim and out == dq and a.use_bias

    def module(self, s):
        a = s.a
        dq, dk, dv, vd, out = self._dims(s)
        drop = lit(float(a.dropout)) if a.dropout else None
        if self._native(s):
            return (
                "nn.MultiheadAttention("
                + _args(
                    lit(dq),
                    lit(a.num_heads),
                    dropout=drop,
                    kdim=lit(dk) if dk != dq else None,
                    vdim=lit(dv) if dv != dq else None,
                    batch_first="True",
                )
                + ")"
            )
        s.use("KerasMultiHeadAttention")
        return (
            "KerasMultiHeadAttention("
            + _args(
                lit(dq),
                lit(dk),
                lit(dv),
                lit(a.num_heads),
                lit(a.key_dim),
                lit(vd),
                lit(out),
                use_bias=None if a.use_bias else "False",
                dropout=drop,
            )
            + ")"
        )

    def forward(self, s, xs, outs):
        q, v = xs[0], xs[1]
        k = xs[2] if len(xs) > 2 else v
        if self._native(s):
            return f"{s.attr}({q}, {k}, {v}, need_weights=False)[0]"
        return f"{s.attr}({q}, {v}, {k})" if len(xs) > 2 else f"{s.attr}({q}, {v})"

    def regularizer_targets(self, s):
        m = s.attr
        if not self._native(s):
            kernels = [f"{m}.{n}_kernel" for n in ("query", "key", "value", "output")]
            biases = [f"{m}.{n}_bias" for n in ("query", "key", "value", "output")] if s.a.use_bias else []
        elif self._same_kv_dims(s):
            kernels, biases = (
                [f"{m}.in_proj_weight", f"{m}.out_proj.weight"],
                [f"{m}.in_proj_bias", f"{m}.out_proj.bias"],
            )
        else:
            kernels = [f"{m}.{n}_proj_weight" for n in ("q", "k", "v")] + [f"{m}.out_proj.weight"]
            biases = [f"{m}.in_proj_bias", f"{m}.out_proj.bias"]
        return {"kernel_regularizer": kernels, "bias_regularizer": biases}

    def _same_kv_dims(self, s):
        dq, dk, dv, _, _ = self._dims(s)
        return dk == dq and dv == dq

    def init(self, s):
        a = s.a
        if not self._native(s):
            if a.kernel_initializer.lower().replace(
                "_", ""
            ) != "glorotuniform" or a.bias_initializer.lower() not in ("zeros", "zero"):
                raise Unsupported(
                    "MultiHeadAttention with non-default initializers is not supported",
                    arg="kernel_initializer",
                )
            return [f"{s.attr}.reset_parameters()"]
        dq, dk, dv, vd, out = self._dims(s)
        h = a.num_heads * a.key_dim
        ki = a.kernel_initializer
        lines = []
        if self._same_kv_dims(s):
            for i in range(3):
                lines.append(init_line(f"{s.attr}.in_proj_weight[{i * dq}:{(i + 1) * dq}]", ki, dq, h))
            lines.append(init_line(f"{s.attr}.in_proj_bias", a.bias_initializer, 1, 1))
        else:
            for name, d in (("q", dq), ("k", dk), ("v", dv)):
                lines.append(init_line(f"{s.attr}.{name}_proj_weight", ki, d, h))
            lines.append(init_line(f"{s.attr}.in_proj_bias", a.bias_initializer, 1, 1))
        lines.append(init_line(f"{s.attr}.out_proj.weight", ki, h, out))
        lines.append(init_line(f"{s.attr}.out_proj.bias", a.bias_initializer, 1, 1))
        return lines

    def load(self, s):
        # Keras order: query kernel/bias, key kernel/bias, value kernel/bias, output kernel/bias
        a = s.a
        if not self._native(s):
            m = s.attr
            if a.use_bias:
                names = [
                    "query_kernel",
                    "query_bias",
                    "key_kernel",
                    "key_bias",
                    "value_kernel",
                    "value_bias",
                    "output_kernel",
                    "output_bias",
                ]
            else:
                names = ["query_kernel", "key_kernel", "value_kernel", "output_kernel"]
            return [f"_assign({m}.{n}, w[{i}])" for i, n in enumerate(names)]
        dq = s.in_types[0].shape[-1]
        m = s.attr
        lines = []
        if self._same_kv_dims(s):
            lines.append(
                f"_assign({m}.in_proj_weight, np.concatenate([k.reshape(len(k), -1).T for k in w[0:6:2]]))"
            )
        else:
            lines += [
                f"_assign({m}.q_proj_weight, w[0].reshape(len(w[0]), -1).T)",
                f"_assign({m}.k_proj_weight, w[2].reshape(len(w[2]), -1).T)",
                f"_assign({m}.v_proj_weight, w[4].reshape(len(w[4]), -1).T)",
            ]
        lines.append(f"_assign({m}.in_proj_bias, np.concatenate([b.ravel() for b in w[1:6:2]]))")
        lines.append(f"_assign({m}.out_proj.weight, w[6].reshape(-1, {dq}).T)")
        lines.append(f"_assign({m}.out_proj.bias, w[7])")
        return lines
