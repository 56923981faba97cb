"""Keras 3's optimizers for PyTorch, update for update.

`SGD`, `RMSprop`, `Adam`, `AdamW`, `Adagrad`, `Adamax`, `Nadam`, `Adadelta`,
`Lion`, `Adafactor`, `Ftrl` and `LossScaleOptimizer` take `params` first (an
iterable of tensors, of `(name, tensor)` pairs, or of param-group dicts, as
`torch.optim` does), then `keras.optimizers.X`'s arguments with Keras's
defaults (`learning_rate` a float or a `graphc_runtime.torch.schedules`
schedule).  They are `torch.optim.Optimizer`s: `step()`, `zero_grad()`,
`state_dict()` / `load_state_dict()` (exact: a run resumed from a checkpoint
ends with the same weights as one that never stopped) and param groups work
as usual; a group may override the hyperparameters (`"lr"`, `"weight_decay"`,
`"beta_1"`, ...).

What makes them Keras's
-----------------------
- Each variable's update repeats Keras's `update_step` operation for
  operation: every product, sum, quotient and square root is the one Keras
  rounds, in the variable's dtype, with hyperparameters rounded as Keras
  rounds them (Python arithmetic on Python floats such as `1 - beta_1`, then
  the dtype; the learning rate kept in float32 and cast to the variable's
  dtype; scalar factors such as Adam's `alpha` computed in that dtype).  No
  fused op (lerp, addcmul, addcdiv, `alpha=`) is used, as those round
  differently, and square roots are correctly rounded as TensorFlow's are
  (torch's CPU `sqrt` is not).  With float32 weights the updates of SGD,
  RMSprop, Adam, AdamW, Adagrad, Adamax, Nadam, Adadelta, Lion and Adafactor
  are those of Keras 3 on TensorFlow bit for bit in the tests; what may differ
  is the last bit of a scalar `pow` (bias corrections: the C library here,
  Eigen in TensorFlow), the order of a sum (norms for clipping, Adafactor's
  means) and Ftrl's elementwise `pow`.
- Keras's order of operations in `apply`: gradients divided by
  `loss_scale_factor`; gradient accumulation (`gradient_accumulation_steps=k`:
  the first k-1 calls only add to accumulators, the k-th updates with the
  mean); clipping (`clipnorm` per tensor as `tf.clip_by_norm`,
  `global_clipnorm` as Keras's `clip_by_global_norm`, `clipvalue`); decoupled
  weight decay `p -= p * weight_decay * lr` before the update; the update; the
  moving average of the weights (`use_ema`, `ema_momentum`,
  `ema_overwrite_frequency`; `finalize_variable_values()` copies the averages
  into the weights, as Keras's `fit` does at the end); then the iteration
  count grows by one.
- `iterations` is Keras's: the number of `step()` calls, divided by
  `gradient_accumulation_steps` when accumulating.  A schedule is evaluated,
  as Keras does, at the raw count before the update (the first update uses
  `schedule(0)`); its value is also written to each group's `"lr"`.
  `state_dict()` saves the count (and Nadam's momentum product) under
  `"keras"`.

Sparse second moments (embeddings)
----------------------------------
Keras on TensorFlow gives an Embedding's weights a sparse gradient
(`tf.IndexedSlices`, one row per token occurrence) and squares it row by row,
so the second moments of Adam, AdamW, Nadam, RMSprop, Adagrad, Adadelta, Ftrl
and Adafactor add the *sum of the squares per occurrence*, not the square of
the summed gradient.  Protocol: a parameter may carry an attribute
`keras_sq_grad`, a tensor shaped like it holding, for each row, the sum over
the occurrences of that token of the squared gradient (the emitted
`KerasEmbedding`'s backward hook accumulates it).  The optimizers use it
wherever Keras squares that gradient (times the square of the clipping factor
when the gradient is clipped, divided by the square of the loss scale; the
norm that `clipnorm`/`global_clipnorm` take of that gradient is Keras's too,
the square root of its sum; Keras's `global_clipnorm` then multiplies the
sparse gradient by a tensor, which makes it dense, so from there on the dense
gradient is squared, as here), and every `step()` deletes the attribute from
every parameter (it belongs to one backward pass).  Left as the dense
gradient gives them, where Keras's per-occurrence arithmetic cannot be
recovered from the sum of squares: `clipvalue` (Keras clips each occurrence),
Adamax (Keras's `max(beta_2 * u, |g|)` takes the sum of `|g|` per occurrence);
with gradient accumulation Keras densifies the gradients, so the attribute is
ignored there, as in Keras.

Not supported: sparse torch gradients (`nn.Embedding(sparse=True)`) and
Keras's `overwrite_with_gradient` variables (float8 training).

Speed
-----
On CPU, torch's multi-tensor ops are a C++ loop over the tensors, and the
update is bound by memory traffic: Keras's update takes more elementwise
passes than torch.optim's fused ones (Adam: 12 against 7).  So on CPU the
parameters and their state are cut into pieces of `CPU_CHUNK` elements (1-D
views; large tensors are split) and each piece goes through the whole update
while it is in cache, with NumPy ufuncs writing into reused scratch buffers
(correctly rounded sqrt, no allocation) on `torch.get_num_threads()` threads.
Elsewhere (CUDA, bfloat16, `CPU_CHUNK = 0`) the update runs as
`torch._foreach_*` ops over all the parameters of a group, device and dtype.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch.autograd.graph import increment_version

from .schedules import LearningRateSchedule

__all__ = [
    "Optimizer",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Adamax",
    "Nadam",
    "Adadelta",
    "Lion",
    "Adafactor",
    "Ftrl",
    "LossScaleOptimizer",
]

#: Elements per piece of the CPU update (a piece of every array an update
#: touches stays in the L2 cache).  0: no pieces, multi-tensor torch ops over
#: whole tensors (what CUDA uses).
CPU_CHUNK = 1 << 16

_NP_DTYPES = {torch.float32: np.float32, torch.float64: np.float64, torch.float16: np.float16}

_COMMON = (
    "weight_decay",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
    "name",
)


def _common(args):
    """The base optimizer's arguments out of a subclass's `locals()`."""
    return {k: args[k] for k in _COMMON}


class _Num:
    """Scalar arithmetic in a tensor dtype, as Keras does it on scalar tensors:
    `num(x)` rounds a Python number (or another scalar) to the dtype, and
    `+ - * /` between such scalars stay in it.  NumPy scalars, or 0-d CPU
    tensors for the dtypes NumPy lacks (bfloat16)."""

    def __init__(self, dtype):
        self.dtype = dtype
        self._np = _NP_DTYPES.get(dtype)

    def __call__(self, x):
        if self._np is not None:
            return self._np(x)
        if isinstance(x, torch.Tensor):
            return x.to(self.dtype)
        return torch.tensor(float(x), dtype=self.dtype)

    def sqrt(self, x):
        return np.sqrt(x) if self._np is not None else torch.sqrt(x)

    def pow(self, a, b):
        return np.power(a, b) if self._np is not None else torch.pow(a, b)

    def minimum(self, a, b):
        return np.minimum(a, b) if self._np is not None else torch.minimum(a, b)


def _lr32(value) -> np.float32:
    """Keras keeps the learning rate in a float32 variable."""
    if isinstance(value, torch.Tensor):
        value = value.item()
    return np.float32(value)


def _exact_sqrt(tensors):
    """Square roots rounded as TensorFlow's (correctly): torch's CPU sqrt is one
    ulp off for about a fifth of float32 inputs, NumPy's (the processor's
    instruction) is exact, and so is CUDA's."""
    if tensors[0].device.type == "cpu" and tensors[0].dtype in _NP_DTYPES:
        out = [torch.empty_like(t) for t in tensors]
        for t, o in zip(tensors, out):
            np.sqrt(t.numpy(), out=o.numpy())
        return out
    return torch._foreach_sqrt(tensors)


# ---------------------------------------------------------------------- backends
# An update is written once against one of these: "vectors" are lists of
# tensors (_TorchOps, multi-tensor ops) or 1-D NumPy arrays (_NumpyOps, one
# piece).  Scalars are dtype scalars (_Num).  Methods ending in `_` work in
# place; the others return a new vector.


class _TorchOps:
    """Multi-tensor torch ops over lists of tensors of one device and dtype."""

    def __init__(self, device, dtype):
        self.device, self.dtype = device, dtype

    def _scalar_divisor(self, y):
        # CUDA divides by a CPU scalar through its reciprocal (one more
        # rounding than Keras's division): give it a device tensor
        if self.device.type == "cpu":
            return float(y)
        return torch.tensor(float(y), dtype=self.dtype, device=self.device)

    def add(self, x, y):
        return torch._foreach_add(x, y if isinstance(y, (list, tuple)) else float(y))

    def add_(self, x, y):
        torch._foreach_add_(x, y if isinstance(y, (list, tuple)) else float(y))

    def sub(self, x, y):
        return torch._foreach_sub(x, y)

    def sub_(self, x, y):
        torch._foreach_sub_(x, y)

    def mul(self, x, y):
        return torch._foreach_mul(x, y if isinstance(y, (list, tuple)) else float(y))

    def mul_(self, x, y):
        torch._foreach_mul_(x, y if isinstance(y, (list, tuple)) else float(y))

    def div(self, x, y):
        return torch._foreach_div(x, y if isinstance(y, (list, tuple)) else self._scalar_divisor(y))

    def div_(self, x, y):
        torch._foreach_div_(x, y if isinstance(y, (list, tuple)) else self._scalar_divisor(y))

    def sqrt(self, x):
        return _exact_sqrt(x)

    def sqrt_(self, x):
        if self.device.type == "cpu" and self.dtype in _NP_DTYPES:
            for t in x:
                a = t.numpy()
                np.sqrt(a, out=a)
        else:
            torch._foreach_sqrt_(x)

    def abs(self, x):
        return torch._foreach_abs(x)

    def maximum_(self, x, y):
        torch._foreach_maximum_(x, y)

    def neg_(self, x):
        torch._foreach_neg_(x)

    def sign_(self, x):
        torch._foreach_sign_(x)

    def clamp_max(self, x, s):
        return torch._foreach_clamp_max(x, float(s))

    def clamp_min_(self, x, s):
        torch._foreach_clamp_min_(x, float(s))

    def pow(self, x, s):
        return torch._foreach_pow(x, float(s))

    def copy_(self, x, y):
        torch._foreach_copy_(x, y)

    def square(self, g, sq):
        """g * g, or (a copy of) keras_sq_grad where there is one (sq: None or
        a list with None where there is none)."""
        if sq is None:
            return torch._foreach_mul(g, g)
        return [g_ * g_ if s is None else s.clone() for g_, s in zip(g, sq)]

    def sq_times_ratio2_(self, x, sq, num, den):
        """Where there is a keras_sq_grad: x = sq * (num / den)^2."""
        if sq is not None:
            for i, s in enumerate(sq):
                if s is not None:
                    ratio = num[i] / den[i]
                    x[i].copy_(s * (ratio * ratio))


class _NumpyOps:
    """NumPy ufuncs on one piece (1-D arrays), temporaries in reused buffers."""

    def __init__(self):
        self._buffers = []
        self._next = 0

    def reset(self):
        self._next = 0

    def _tmp(self, like):
        i = self._next
        self._next += 1
        if i == len(self._buffers):
            self._buffers.append(None)
        buf = self._buffers[i]
        if buf is None or buf.dtype != like.dtype or buf.size < like.size:
            buf = self._buffers[i] = np.empty(max(like.size, CPU_CHUNK), like.dtype)
        return buf[: like.size]

    def add(self, x, y):
        return np.add(x, y, out=self._tmp(x))

    def add_(self, x, y):
        np.add(x, y, out=x)

    def sub(self, x, y):
        return np.subtract(x, y, out=self._tmp(x))

    def sub_(self, x, y):
        np.subtract(x, y, out=x)

    def mul(self, x, y):
        return np.multiply(x, y, out=self._tmp(x))

    def mul_(self, x, y):
        np.multiply(x, y, out=x)

    def div(self, x, y):
        return np.divide(x, y, out=self._tmp(x))

    def div_(self, x, y):
        np.divide(x, y, out=x)

    def sqrt(self, x):
        return np.sqrt(x, out=self._tmp(x))

    def sqrt_(self, x):
        np.sqrt(x, out=x)

    def abs(self, x):
        return np.abs(x, out=self._tmp(x))

    def maximum_(self, x, y):
        np.maximum(x, y, out=x)

    def neg_(self, x):
        np.negative(x, out=x)

    def sign_(self, x):
        np.sign(x, out=x)

    def clamp_max(self, x, s):
        return np.minimum(x, s, out=self._tmp(x))

    def clamp_min_(self, x, s):
        np.maximum(x, s, out=x)

    def pow(self, x, s):
        return np.power(x, s, out=self._tmp(x))

    def copy_(self, x, y):
        np.copyto(x, y)

    def square(self, g, sq):
        if sq is not None:
            out = self._tmp(g)
            np.copyto(out, sq)
            return out
        return np.multiply(g, g, out=self._tmp(g))

    def sq_times_ratio2_(self, x, sq, num, den):
        if sq is not None:
            ratio = np.divide(num, den, out=self._tmp(num))
            np.multiply(ratio, ratio, out=ratio)
            np.multiply(sq, ratio, out=x)


_POOL = None


def _forget_pool():
    global _POOL
    _POOL = None  # a forked child has none of the parent's threads


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _thread_pool(workers):
    global _POOL
    if _POOL is None or _POOL._max_workers != workers:
        if _POOL is not None:
            _POOL.shutdown(wait=False)
        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="graphc-optim")
    return _POOL


class _Bucket:
    """The parameters of one group, device and dtype that have a gradient."""

    __slots__ = ("group", "device", "dtype", "params", "grads", "sqs")

    def __init__(self, group, device, dtype):
        self.group, self.device, self.dtype = group, device, dtype
        self.params, self.grads, self.sqs = [], [], []


class _Plan:
    """A bucket cut into pieces for the NumPy update: `pieces[k] = (row, start,
    stop)` over the flattened tensors, their parameter and state views,
    whether each takes weight decay; rows that cannot be flattened (not
    contiguous) go to the torch update."""

    __slots__ = ("pieces", "params", "states", "decay", "torch_rows", "ends", "numpy_rows")


class Optimizer(torch.optim.Optimizer):
    """Base class of the Keras optimizers (keras.optimizers.Optimizer's common
    arguments).  Subclasses define `_active_states` (names of the per-parameter
    state), `_new_state`, `_prepare` (per-step scalars) and `_update` (the
    update of a vector of parameters), or `_update_tensor` with `_elementwise
    = False`."""

    _state_names: tuple = ()
    _elementwise = True  # the update may run on pieces of tensors

    def __init__(
        self,
        params,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        hyper=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=3)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                f"be set. Received: clipnorm={clipnorm}, "
                f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.name = name or self.__class__.__name__.lower()
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._iterations = 0
        self._plans = {}
        self._numpy_ops = []
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._learning_rate = None  # a schedule or a callable; None: each group's "lr"
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            lr = float(self._scheduled_lr())
        elif isinstance(learning_rate, (int, float, np.floating, np.integer)) and not isinstance(
            learning_rate, bool
        ):
            lr = float(np.float32(learning_rate))
        else:
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance "
                "of LearningRateSchedule, or a callable "
                "(that takes in the current iteration value "
                "and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={learning_rate}"
            )
        defaults = {"lr": lr, "weight_decay": weight_decay, **(hyper or {})}
        super().__init__(params, defaults)

    # ------------------------------------------------------------------ Keras API
    @property
    def iterations(self) -> int:
        """Keras's iteration count (steps // gradient_accumulation_steps)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next update (the first group's)."""
        if self._learning_rate is not None:
            return float(self._scheduled_lr())
        return float(np.float32(self.param_groups[0]["lr"]))

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule`"
                " object as its `learning_rate` constructor argument, "
                "hence its learning rate is not settable. If you need the"
                " learning rate to be settable, you should instantiate "
                "the optimizer with a float `learning_rate` argument."
            )
        self._learning_rate = None
        for group in self.param_groups:
            group["lr"] = float(np.float32(value))

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` (Keras's train step scales the loss before
        the backward pass; `step()` divides the gradients back)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude tensors (`var_list`), or parameters whose name contains a
        match of one of `var_names` (regular expressions searched in torch's
        parameter names: create the optimizer with `model.named_parameters()`),
        from weight decay."""
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        if var_names:
            if not all("param_names" in g for g in self.param_groups):
                raise ValueError(
                    "exclude_from_weight_decay(var_names=...) needs parameter names: "
                    "create the optimizer with model.named_parameters()"
                )
            self._exclude_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_pattern = None
        self._plans.clear()

    def finalize_variable_values(self, var_list=None):
        """With `use_ema`, copy the moving averages into the weights (Keras's
        `fit` does it after the last epoch)."""
        if not self.use_ema:
            return
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    average = self.state[p].get("average") if p in self.state else None
                    if average is not None:
                        p.copy_(average)

    # ------------------------------------------------------------------ torch API
    def add_param_group(self, param_group):
        if "learning_rate" in param_group:  # Keras's name for torch's "lr"
            param_group = dict(param_group)
            param_group["lr"] = param_group.pop("learning_rate")
        super().add_param_group(param_group)
        plans = getattr(self, "_plans", None)
        if plans is not None:
            plans.clear()

    def state_dict(self):
        state = super().state_dict()
        state["keras"] = self._keras_state()
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        keras_state = state_dict.pop("keras", None)
        super().load_state_dict(state_dict)
        if keras_state is not None:
            self._load_keras_state(keras_state)
        self._plans = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_plans"], state["_numpy_ops"] = {}, []  # views and scratch buffers
        return state

    def _keras_state(self):
        return {"iterations": self._iterations}

    def _load_keras_state(self, state):
        self._iterations = int(state["iterations"])

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._apply(self.loss_scale_factor)
        return loss

    # ------------------------------------------------------------------ the step
    def _scheduled_lr(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return _lr32(self._learning_rate(self._iterations))
        return _lr32(self._learning_rate())

    def _drop_sq_grads(self):
        for group in self.param_groups:
            for p in group["params"]:
                p.__dict__.pop("keras_sq_grad", None)

    def _collect(self):
        """Buckets of (params, grads, keras_sq_grads) by group, device and dtype;
        removes keras_sq_grad from every parameter."""
        buckets = []
        for group in self.param_groups:
            by_key = {}
            for p in group["params"]:
                sq = p.__dict__.pop("keras_sq_grad", None)
                g = p.grad
                if g is None:
                    continue
                if g.is_sparse:
                    raise NotImplementedError(
                        f"{self.__class__.__name__}: sparse gradients (nn.Embedding(sparse=True)) are not "
                        "supported; use a dense Embedding (Keras's sparse updates are reproduced "
                        "through keras_sq_grad)"
                    )
                if g.dtype != p.dtype:
                    g = g.to(p.dtype)
                key = (p.device, p.dtype)
                bucket = by_key.get(key)
                if bucket is None:
                    bucket = by_key[key] = _Bucket(group, p.device, p.dtype)
                    buckets.append(bucket)
                bucket.params.append(p)
                bucket.grads.append(g.detach())
                bucket.sqs.append(None if sq is None else sq.detach().to(p.dtype))
        for b in buckets:
            if all(s is None for s in b.sqs):
                b.sqs = None
        return buckets

    def _apply(self, unscale):
        buckets = self._collect()
        if not buckets:
            raise ValueError("No gradients provided for any variable.")
        if unscale is not None:
            for b in buckets:
                ops = _TorchOps(b.device, b.dtype)
                b.grads = ops.div(b.grads, _Num(b.dtype)(unscale))
                if b.sqs is not None:  # Keras squares g / scale
                    b.sqs = [None if s is None else s / (float(unscale) * float(unscale)) for s in b.sqs]
        k = self.gradient_accumulation_steps
        if k:
            update = (self._iterations + 1) % k == 0
            for b in buckets:
                b.sqs = None  # Keras densifies accumulated gradients
                accumulators = []
                for p in b.params:
                    state = self.state[p]
                    if "gradient_accumulator" not in state:
                        state["gradient_accumulator"] = torch.zeros_like(p)
                    accumulators.append(state["gradient_accumulator"])
                if update:
                    ops = _TorchOps(b.device, b.dtype)
                    grads = ops.add(b.grads, accumulators)
                    ops.div_(grads, _Num(b.dtype)(k))
                    b.grads = grads
                    torch._foreach_zero_(accumulators)
                else:
                    torch._foreach_add_(accumulators, b.grads)
            if not update:
                self._update_ema()
                self._iterations += 1
                return
        self._clip(buckets)
        self._before_update(buckets)
        for b in buckets:
            self._update_bucket(b)
        self._update_ema()
        self._iterations += 1

    # -- clipping
    def _norms(self, b):
        norms = list(torch._foreach_norm(b.grads))
        if b.sqs is not None:  # Keras's norm of a sparse gradient: over its occurrences
            for i, s in enumerate(b.sqs):
                if s is not None:
                    norms[i] = torch.sqrt(s.sum())
        return norms

    def _clip(self, buckets):
        if self.clipnorm and self.clipnorm > 0:
            for b in buckets:
                c = float(_Num(b.dtype)(self.clipnorm))
                denominators = torch._foreach_clamp_min(self._norms(b), c)  # max(norm, clipnorm)
                grads = torch._foreach_mul(b.grads, c)  # tf.clip_by_norm: g * clipnorm / max(...)
                torch._foreach_div_(grads, denominators)
                b.grads = grads
                if b.sqs is not None:
                    b.sqs = [None if s is None else s * (c / d) ** 2 for s, d in zip(b.sqs, denominators)]
        elif self.global_clipnorm and self.global_clipnorm > 0:
            device = buckets[0].device
            norms = [n.to(device=device, dtype=torch.float32) for b in buckets for n in self._norms(b)]
            norm = torch.linalg.vector_norm(torch.stack(norms))
            limit = torch.tensor(np.float32(1.0 / self.global_clipnorm), device=device)
            scale = torch.minimum(torch.ones_like(norm) / norm, limit) * float(
                np.float32(self.global_clipnorm)
            )
            scale = scale + (norm - norm)  # NaN when the norm is not finite, as Keras
            for b in buckets:
                b.grads = torch._foreach_mul(b.grads, scale.to(device=b.device, dtype=b.dtype))
                b.sqs = None  # Keras's `IndexedSlices * scale` is a dense tensor
        elif self.clipvalue and self.clipvalue > 0:
            for b in buckets:
                v = float(_Num(b.dtype)(self.clipvalue))
                grads = torch._foreach_clamp_max(b.grads, v)  # tf.clip_by_value: min, then max
                torch._foreach_clamp_min_(grads, -v)
                b.grads = grads

    # -- weight decay and update
    def _decay_rows(self, group, params):
        """Indices into `params` of the tensors that take weight decay."""
        if not self._exclude_ids and self._exclude_pattern is None:
            return list(range(len(params)))
        names = group.get("param_names")
        index = {id(p): i for i, p in enumerate(group["params"])}
        rows = []
        for r, p in enumerate(params):
            if id(p) in self._exclude_ids:
                continue
            if self._exclude_pattern is not None and names is not None:
                if self._exclude_pattern.search(names[index[id(p)]]):
                    continue
            rows.append(r)
        return rows

    def _before_update(self, buckets):
        """Once per update, before the variables' updates (Nadam)."""

    def _active_states(self, group):
        return self._state_names

    def _new_state(self, p, name, group):
        return torch.zeros_like(p)

    def _ensure_state(self, b):
        """The state dicts of a bucket's parameters, creating what is missing."""
        names = self._active_states(b.group)
        states = []
        for p in b.params:
            state = self.state[p]
            for name in names:
                if name not in state:
                    state[name] = self._new_state(p, name, b.group)
            states.append(state)
        return states

    def _lr_for(self, group):
        if self._learning_rate is not None:
            lr = self._scheduled_lr()
            group["lr"] = float(lr)
            return lr
        return np.float32(group["lr"])

    @staticmethod
    def _weight_decay(o, p, wd, lr):
        # Keras: variable - variable * wd * lr
        t = o.mul(p, wd)
        o.mul_(t, lr)
        o.sub_(p, t)

    def _update_bucket(self, b):
        group = b.group
        num = _Num(b.dtype)
        lr = num(self._lr_for(group))
        sc = self._prepare(group, num, lr)
        states = self._ensure_state(b)
        wd = num(group["weight_decay"]) if group["weight_decay"] else None
        if not self._elementwise:
            decay = self._decay_rows(group, b.params) if wd is not None else []
            if decay:
                self._weight_decay(_TorchOps(b.device, b.dtype), [b.params[i] for i in decay], wd, lr)
            for i, p in enumerate(b.params):
                self._update_tensor(sc, p, b.grads[i], None if b.sqs is None else b.sqs[i], states[i], num)
            return
        names = self._active_states(group)
        if b.device.type == "cpu" and b.dtype in _NP_DTYPES and CPU_CHUNK:
            plan = self._plan(b, states, names)
            self._numpy_update(plan, b, sc, wd, lr, names)
            rows = plan.torch_rows
        else:
            rows = list(range(len(b.params)))
        if rows:
            self._torch_update(b, rows, states, names, sc, wd, lr)

    def _torch_update(self, b, rows, states, names, sc, wd, lr):
        o = _TorchOps(b.device, b.dtype)
        params = [b.params[r] for r in rows]
        if wd is not None:
            decay = self._decay_rows(b.group, params)
            if decay:
                self._weight_decay(o, [params[i] for i in decay], wd, lr)
        sqs = None
        if b.sqs is not None:
            sqs = [b.sqs[r] for r in rows]
            if all(s is None for s in sqs):
                sqs = None
        S = {name: [states[r][name] for r in rows] for name in names}
        self._update(o, sc, params, [b.grads[r] for r in rows], sqs, S)

    def _plan(self, b, states, names):
        key = (
            id(b.group),
            b.dtype,
            tuple((id(p), p.data_ptr()) for p in b.params),
            tuple(id(s[name]) for s in states for name in names),
        )
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        if len(self._plans) > 64:
            self._plans.clear()
        chunk = CPU_CHUNK
        decay_rows = set(self._decay_rows(b.group, b.params))
        plan = _Plan()
        plan.pieces, plan.params, plan.decay, plan.torch_rows, plan.numpy_rows = [], [], [], [], []
        plan.states = {name: [] for name in names}
        for r, (p, state) in enumerate(zip(b.params, states)):
            tensors = [p] + [state[name] for name in names]
            if not all(t.is_contiguous() for t in tensors):
                plan.torch_rows.append(r)
                continue
            plan.numpy_rows.append(r)
            flat_p = p.detach().numpy().reshape(-1)
            flat_s = {name: state[name].numpy().reshape(-1) for name in names}
            n = flat_p.size
            for start in range(0, n, chunk):
                stop = min(start + chunk, n)
                plan.pieces.append((r, start, stop))
                plan.params.append(flat_p[start:stop])
                for name in names:
                    plan.states[name].append(flat_s[name][start:stop])
                plan.decay.append(r in decay_rows)
        sizes = np.cumsum([stop - start for _, start, stop in plan.pieces])
        plan.ends = sizes.tolist()
        self._plans[key] = plan
        return plan

    def _numpy_update(self, plan, b, sc, wd, lr, names):
        if not plan.pieces:
            return
        grads = [None] * len(b.params)
        sqs = [None] * len(b.params)
        for r in plan.numpy_rows:
            g = b.grads[r]
            grads[r] = (g if g.is_contiguous() else g.contiguous()).numpy().reshape(-1)
            if b.sqs is not None and b.sqs[r] is not None:
                s = b.sqs[r]
                sqs[r] = (s if s.is_contiguous() else s.contiguous()).numpy().reshape(-1)
        pieces, params, states, decay = plan.pieces, plan.params, plan.states, plan.decay
        update = self._update

        def run(o, first, last):
            for k in range(first, last):
                r, start, stop = pieces[k]
                o.reset()
                p = params[k]
                if wd is not None and decay[k]:
                    self._weight_decay(o, p, wd, lr)
                sq = sqs[r]
                update(
                    o,
                    sc,
                    p,
                    grads[r][start:stop],
                    None if sq is None else sq[start:stop],
                    {n: states[n][k] for n in names},
                )

        workers = max(1, min(torch.get_num_threads(), len(pieces)))
        while len(self._numpy_ops) < workers:
            self._numpy_ops.append(_NumpyOps())
        if workers == 1:
            run(self._numpy_ops[0], 0, len(pieces))
        else:
            # contiguous runs of pieces with about the same number of elements
            total = plan.ends[-1]
            bounds = [0] + [
                bisect.bisect_left(plan.ends, total * (i + 1) / workers) + 1 for i in range(workers - 1)
            ]
            bounds.append(len(pieces))
            bounds = [min(x, len(pieces)) for x in bounds]
            pool = _thread_pool(workers)
            futures = [
                pool.submit(run, self._numpy_ops[i], bounds[i], bounds[i + 1])
                for i in range(workers)
                if bounds[i] < bounds[i + 1]
            ]
            for f in futures:
                f.result()
        # NumPy wrote the parameters behind autograd's back: tell it
        increment_version([b.params[r] for r in plan.numpy_rows])

    # -- EMA
    def _update_ema(self):
        if not self.use_ema:
            return
        not_first_step = self.iterations != 0
        by_key = {}
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                if "average" not in state:
                    state["average"] = torch.zeros_like(p)
                params, averages = by_key.setdefault((p.device, p.dtype), ([], []))
                params.append(p)
                averages.append(state["average"])
        for (_, dtype), (params, averages) in by_key.items():
            num = _Num(dtype)
            momentum = num(float(not_first_step)) * num(self.ema_momentum)
            torch._foreach_mul_(averages, float(momentum))
            t = torch._foreach_mul(params, float(num(1) - momentum))
            torch._foreach_add_(averages, t)  # momentum * average + (1 - momentum) * variable
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            for params, averages in by_key.values():
                torch._foreach_copy_(params, averages)

    # -- subclasses
    def _prepare(self, group, num, lr):
        """Per-step scalars of a bucket (dtype scalars)."""
        return {"lr": lr}

    def _update(self, o, sc, P, G, SQ, S):
        """Update the parameters P from the gradients G, the keras_sq_grads SQ
        (None, or None where absent) and the state S[name], with backend `o`."""
        raise NotImplementedError

    def _update_tensor(self, sc, p, g, sq, state, num):
        raise NotImplementedError


# ---------------------------------------------------------------------- SGD
class SGD(Optimizer):
    """keras.optimizers.SGD: `m = momentum * m - lr * g; p += m` (Nesterov:
    `p += momentum * m - lr * g`); without momentum `p -= lr * g`."""

    def __init__(
        self,
        params,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if (
            not isinstance(momentum, (float, int))
            or isinstance(momentum, bool)
            or momentum < 0
            or momentum > 1
        ):
            raise ValueError("`momentum` must be a float between [0, 1].")
        hyper = {"momentum": momentum, "nesterov": nesterov}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _active_states(self, group):
        return ("momentum",) if group["momentum"] != 0 else ()

    def _prepare(self, group, num, lr):
        return {"lr": lr, "momentum": num(group["momentum"]), "nesterov": group["nesterov"]}

    def _update(self, o, sc, P, G, SQ, S):
        gl = o.mul(G, sc["lr"])
        M = S.get("momentum")
        if M is None:
            o.sub_(P, gl)
            return
        momentum = sc["momentum"]
        o.mul_(M, momentum)
        o.sub_(M, gl)  # m = m * momentum - g * lr
        if sc["nesterov"]:
            t = o.mul(M, momentum)
            o.sub_(t, gl)
            o.add_(P, t)
        else:
            o.add_(P, M)


# ---------------------------------------------------------------------- RMSprop
class RMSprop(Optimizer):
    """keras.optimizers.RMSprop: `v = rho * v + (1 - rho) * g^2;
    p -= lr * g / sqrt(v + epsilon)` (epsilon inside the root, unlike torch),
    with Keras's momentum and centered variants."""

    def __init__(
        self,
        params,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"rho": rho, "momentum": momentum, "epsilon": epsilon, "centered": centered}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _active_states(self, group):
        names = ("velocity",)
        if group["momentum"] > 0:
            names += ("momentum",)
        if group["centered"]:
            names += ("average_gradient",)
        return names

    def _prepare(self, group, num, lr):
        return {
            "lr": lr,
            "rho": num(group["rho"]),
            "one_minus_rho": num(1 - group["rho"]),
            "epsilon": num(group["epsilon"]),
            "momentum": num(group["momentum"]) if group["momentum"] > 0 else None,
            "centered": group["centered"],
        }

    def _update(self, o, sc, P, G, SQ, S):
        V = S["velocity"]
        rho, c = sc["rho"], sc["one_minus_rho"]
        gg = o.square(G, SQ)
        o.mul_(gg, c)
        o.mul_(V, rho)
        o.add_(V, gg)  # v = rho * v + (1 - rho) * g^2
        if sc["centered"]:
            A = S["average_gradient"]
            t = o.mul(G, c)
            o.mul_(A, rho)
            o.add_(A, t)
            t = o.mul(A, A)
            denominator = o.sub(V, t)  # v - a^2 + epsilon
            o.add_(denominator, sc["epsilon"])
        else:
            denominator = o.add(V, sc["epsilon"])
        o.sqrt_(denominator)
        increment = o.mul(G, sc["lr"])
        o.div_(increment, denominator)
        if sc["momentum"] is not None:
            M = S["momentum"]
            o.mul_(M, sc["momentum"])
            o.add_(M, increment)
            o.sub_(P, M)
        else:
            o.sub_(P, increment)


# ---------------------------------------------------------------------- Adam
class Adam(Optimizer):
    """keras.optimizers.Adam: `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);
    m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2);
    p -= m * alpha / (sqrt(v) + epsilon)` (epsilon on the uncorrected root)."""

    def __init__(
        self,
        params,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon, "amsgrad": amsgrad}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _active_states(self, group):
        if group["amsgrad"]:
            return ("momentum", "velocity", "velocity_hat")
        return ("momentum", "velocity")

    def _prepare(self, group, num, lr):
        t = num(self.iterations + 1)
        one = num(1)
        beta_1_power = num.pow(num(group["beta_1"]), t)
        beta_2_power = num.pow(num(group["beta_2"]), t)
        return {
            "alpha": lr * num.sqrt(one - beta_2_power) / (one - beta_1_power),
            "c1": num(1 - group["beta_1"]),
            "c2": num(1 - group["beta_2"]),
            "epsilon": num(group["epsilon"]),
            "amsgrad": group["amsgrad"],
        }

    def _update(self, o, sc, P, G, SQ, S):
        M, V = S["momentum"], S["velocity"]
        t = o.sub(G, M)
        o.mul_(t, sc["c1"])
        o.add_(M, t)  # m += (g - m) * (1 - beta_1)
        gg = o.square(G, SQ)
        o.sub_(gg, V)
        o.mul_(gg, sc["c2"])
        o.add_(V, gg)  # v += (g^2 - v) * (1 - beta_2)
        if sc["amsgrad"]:
            VH = S["velocity_hat"]
            o.maximum_(VH, V)
            V = VH
        denominator = o.sqrt(V)
        o.add_(denominator, sc["epsilon"])
        u = o.mul(M, sc["alpha"])
        o.div_(u, denominator)
        o.sub_(P, u)  # p -= m * alpha / (sqrt(v) + epsilon)


class AdamW(Adam):
    """keras.optimizers.AdamW: Adam with decoupled weight decay (default 0.004)."""

    def __init__(
        self,
        params,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(
            params, learning_rate, beta_1, beta_2, epsilon, amsgrad, **_common(locals()), **kwargs
        )


# ---------------------------------------------------------------------- Adagrad
class Adagrad(Optimizer):
    """keras.optimizers.Adagrad: `acc += g^2; p -= lr * g / sqrt(acc + epsilon)`."""

    _state_names = ("accumulator",)

    def __init__(
        self,
        params,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"initial_accumulator_value": initial_accumulator_value, "epsilon": epsilon}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _new_state(self, p, name, group):
        return torch.full_like(p, group["initial_accumulator_value"])

    def _prepare(self, group, num, lr):
        return {"lr": lr, "epsilon": num(group["epsilon"])}

    def _update(self, o, sc, P, G, SQ, S):
        A = S["accumulator"]
        o.add_(A, o.square(G, SQ))
        increment = o.mul(G, sc["lr"])
        denominator = o.add(A, sc["epsilon"])
        o.sqrt_(denominator)
        o.div_(increment, denominator)
        o.sub_(P, increment)


# ---------------------------------------------------------------------- Adamax
class Adamax(Optimizer):
    """keras.optimizers.Adamax: `m += (g - m) * (1 - beta_1);
    u = max(beta_2 * u, |g|); p -= lr * m / ((1 - beta_1^t) * (u + epsilon))`."""

    _state_names = ("momentum", "norm")

    def __init__(
        self,
        params,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _prepare(self, group, num, lr):
        t = num(self.iterations + 1)
        beta_1_power = num.pow(num(group["beta_1"]), t)
        return {
            "lr": lr,
            "c1": num(1 - group["beta_1"]),
            "beta_2": num(group["beta_2"]),
            "epsilon": num(group["epsilon"]),
            "correction": num(1) - beta_1_power,
        }

    def _update(self, o, sc, P, G, SQ, S):
        M, U = S["momentum"], S["norm"]
        t = o.sub(G, M)
        o.mul_(t, sc["c1"])
        o.add_(M, t)
        o.mul_(U, sc["beta_2"])
        o.maximum_(U, o.abs(G))  # u = max(beta_2 * u, |g|)
        numerator = o.mul(M, sc["lr"])
        denominator = o.add(U, sc["epsilon"])
        o.mul_(denominator, sc["correction"])
        o.div_(numerator, denominator)
        o.sub_(P, numerator)


# ---------------------------------------------------------------------- Nadam
class Nadam(Optimizer):
    """keras.optimizers.Nadam (Keras's momentum schedule, decay 0.96)."""

    _state_names = ("momentum", "velocity")

    def __init__(
        self,
        params,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)
        # Keras's `_u_product` variable, in the dtype of the first variable
        self._u_product_dtype = self.param_groups[0]["params"][0].dtype
        self._u_product = float(_Num(self._u_product_dtype)(1.0))

    def _keras_state(self):
        return {"iterations": self._iterations, "u_product": self._u_product}

    def _load_keras_state(self, state):
        super()._load_keras_state(state)
        self._u_product = float(state["u_product"])

    def _before_update(self, buckets):
        # u_product = u_product * beta_1 * (1 - 0.5 * 0.96^t), in Keras's order
        num = _Num(self._u_product_dtype)
        beta_1 = self.param_groups[0]["beta_1"]
        factor = num(1.0) - num(0.5) * num.pow(num(0.96), num(self.iterations + 1))
        self._u_product = float(num(self._u_product) * num(beta_1) * factor)

    def _prepare(self, group, num, lr):
        one, half = num(1.0), num(0.5)
        decay = num(0.96)
        beta_1, beta_2 = num(group["beta_1"]), num(group["beta_2"])
        t, t1 = num(self.iterations + 1), num(self.iterations + 2)
        u_t = beta_1 * (one - half * num.pow(decay, t))
        u_t_1 = beta_1 * (one - half * num.pow(decay, t1))
        u_product_t = num(self._u_product)
        u_product_t_1 = u_product_t * u_t_1
        return {
            "lr": lr,
            "c1": one - beta_1,
            "c2": one - beta_2,
            "u_t_1": u_t_1,
            "m_div": one - u_product_t_1,
            "g_coef": one - u_t,
            "g_div": one - u_product_t,
            "v_div": one - num.pow(beta_2, t),
            "epsilon": num(group["epsilon"]),
        }

    def _update(self, o, sc, P, G, SQ, S):
        M, V = S["momentum"], S["velocity"]
        t = o.sub(G, M)
        o.mul_(t, sc["c1"])
        o.add_(M, t)
        gg = o.square(G, SQ)
        o.sub_(gg, V)
        o.mul_(gg, sc["c2"])
        o.add_(V, gg)
        m_hat = o.mul(M, sc["u_t_1"])  # u_t_1 * m / (1 - u_product_t_1)
        o.div_(m_hat, sc["m_div"])
        t = o.mul(G, sc["g_coef"])  # + (1 - u_t) * g / (1 - u_product_t)
        o.div_(t, sc["g_div"])
        o.add_(m_hat, t)
        v_hat = o.div(V, sc["v_div"])
        o.sqrt_(v_hat)
        o.add_(v_hat, sc["epsilon"])
        o.mul_(m_hat, sc["lr"])
        o.div_(m_hat, v_hat)
        o.sub_(P, m_hat)


# ---------------------------------------------------------------------- Adadelta
class Adadelta(Optimizer):
    """keras.optimizers.Adadelta: `acc_g = rho * acc_g + (1 - rho) * g^2;
    delta = -sqrt(acc_d + eps) * g / sqrt(acc_g + eps);
    acc_d = rho * acc_d + (1 - rho) * delta^2; p += lr * delta`."""

    _state_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(
        self,
        params,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {"rho": rho, "epsilon": epsilon}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _prepare(self, group, num, lr):
        return {
            "lr": lr,
            "rho": num(group["rho"]),
            "c": num(1 - group["rho"]),
            "epsilon": num(group["epsilon"]),
        }

    def _update(self, o, sc, P, G, SQ, S):
        AG, AD = S["accumulated_grad"], S["accumulated_delta_var"]
        rho, c, eps = sc["rho"], sc["c"], sc["epsilon"]
        gg = o.square(G, SQ)
        o.mul_(gg, c)
        o.mul_(AG, rho)
        o.add_(AG, gg)
        rms_delta = o.add(AD, eps)
        o.sqrt_(rms_delta)
        rms_grad = o.add(AG, eps)
        o.sqrt_(rms_grad)
        delta = o.mul(rms_delta, G)
        o.div_(delta, rms_grad)
        o.neg_(delta)  # -(rms(acc_delta) * g) / rms(acc_grad)
        dd = o.mul(delta, delta)
        o.sq_times_ratio2_(dd, SQ, rms_delta, rms_grad)  # Keras squares the sparse delta per occurrence
        o.mul_(dd, c)
        o.mul_(AD, rho)
        o.add_(AD, dd)
        o.mul_(delta, sc["lr"])
        o.add_(P, delta)


# ---------------------------------------------------------------------- Lion
class Lion(Optimizer):
    """keras.optimizers.Lion: `p -= lr * sign(beta_1 * m + (1 - beta_1) * g);
    m = beta_2 * m + (1 - beta_2) * g`."""

    _state_names = ("momentum",)

    def __init__(
        self,
        params,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        hyper = {"beta_1": beta_1, "beta_2": beta_2}
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _prepare(self, group, num, lr):
        one = num(1.0)
        beta_1, beta_2 = num(group["beta_1"]), num(group["beta_2"])
        return {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "c1": one - beta_1, "c2": one - beta_2}

    def _update(self, o, sc, P, G, SQ, S):
        M = S["momentum"]
        u = o.mul(M, sc["beta_1"])
        o.add_(u, o.mul(G, sc["c1"]))
        o.sign_(u)
        o.mul_(u, sc["lr"])
        o.sub_(P, u)
        o.mul_(M, sc["beta_2"])
        o.add_(M, o.mul(G, sc["c2"]))


# ---------------------------------------------------------------------- Ftrl
class Ftrl(Optimizer):
    """keras.optimizers.Ftrl (Follow The Regularized Leader).  Its elementwise
    `pow` is the C library's here and Eigen's in TensorFlow: weights agree with
    Keras's to a few float32 ulps, not bit for bit."""

    _state_names = ("accumulator", "linear")

    def __init__(
        self,
        params,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        checks = [
            ("initial_accumulator_value", initial_accumulator_value < 0.0, "positive or zero"),
            ("learning_rate_power", learning_rate_power > 0.0, "negative or zero"),
            ("l1_regularization_strength", l1_regularization_strength < 0.0, "positive or zero"),
            ("l2_regularization_strength", l2_regularization_strength < 0.0, "positive or zero"),
            (
                "l2_shrinkage_regularization_strength",
                l2_shrinkage_regularization_strength < 0.0,
                "positive or zero",
            ),
        ]
        for arg, bad, what in checks:
            if bad:
                raise ValueError(f"`{arg}` needs to be {what}. Received: {arg}={locals()[arg]}.")
        hyper = {
            "learning_rate_power": learning_rate_power,
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
            "beta": beta,
        }
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    def _new_state(self, p, name, group):
        if name == "accumulator":
            return torch.full_like(p, group["initial_accumulator_value"])
        return torch.zeros_like(p)

    def _prepare(self, group, num, lr):
        # l2_reg = l2 + beta / (2 * lr), in float32 tensors as Keras
        l2_reg = num(group["l2_regularization_strength"]) + num(group["beta"]) / (num(2.0) * lr)
        return {
            "lr": lr,
            "power": num(-group["learning_rate_power"]),
            "shrinkage": num(2 * group["l2_shrinkage_regularization_strength"]),
            "l1": num(group["l1_regularization_strength"]),
            "two_l2_reg": num(2) * l2_reg,
        }

    def _update(self, o, sc, P, G, SQ, S):
        A, L = S["accumulator"], S["linear"]
        grad_to_use = o.mul(P, sc["shrinkage"])
        o.add_(grad_to_use, G)  # g + 2 * l2_shrinkage * p
        new_accum = o.add(A, o.square(G, SQ))
        new_power = o.pow(new_accum, sc["power"])
        t = o.sub(new_power, o.pow(A, sc["power"]))
        o.div_(t, sc["lr"])
        o.mul_(t, P)
        o.sub_(grad_to_use, t)
        o.add_(L, grad_to_use)
        quadratic = o.div(new_power, sc["lr"])
        o.add_(quadratic, sc["two_l2_reg"])
        clipped = o.clamp_max(L, sc["l1"])
        o.clamp_min_(clipped, -sc["l1"])
        o.sub_(clipped, L)
        o.div_(clipped, quadratic)
        o.copy_(P, clipped)
        o.copy_(A, new_accum)


# ---------------------------------------------------------------------- Adafactor
class Adafactor(Optimizer):
    """keras.optimizers.Adafactor (factored second moments over the last two
    axes of each variable).

    Keras factors the last two axes of the *Keras* variable; torch lays some
    weights out differently (Linear's weight is Keras's kernel transposed,
    Conv's is (out, in, *k) where Keras's is (*k, in, out)).  A parameter may
    carry `keras_axes`, the permutation such that `p.permute(keras_axes)` is
    laid out as the Keras variable; without it the torch layout is factored,
    which for a transposed matrix differs from Keras only by rounding, but for
    a convolution kernel factors different axes."""

    _state_names = ("r", "c", "velocity")
    _elementwise = False

    def __init__(
        self,
        params,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        hyper = {
            "beta_2_decay": beta_2_decay,
            "epsilon_1": epsilon_1,
            "epsilon_2": epsilon_2,
            "clip_threshold": clip_threshold,
            "relative_step": relative_step,
        }
        super().__init__(params, learning_rate, hyper=hyper, **_common(locals()), **kwargs)

    @staticmethod
    def _keras_view(t, p):
        axes = getattr(p, "keras_axes", None)
        return t if axes is None else t.permute(*axes)

    def _ensure_state(self, b):
        states = []
        for p in b.params:
            state = self.state[p]
            if "velocity" not in state:
                v = self._keras_view(p, p)
                if v.dim() >= 2:
                    state["r"] = torch.zeros(v.shape[:-1], dtype=p.dtype, device=p.device)
                    state["c"] = torch.zeros(v.shape[:-2] + v.shape[-1:], dtype=p.dtype, device=p.device)
                state["velocity"] = torch.zeros(v.shape, dtype=p.dtype, device=p.device)
            states.append(state)
        return states

    def _prepare(self, group, num, lr):
        one = num(1.0)
        t = num(self.iterations + 1)
        inv_sqrt_t = one / num.sqrt(t)
        if self._learning_rate is None and group["relative_step"]:
            lr = num.minimum(lr, inv_sqrt_t)
        beta_2_t = one - num.pow(t, num(group["beta_2_decay"]))
        return {
            "rho_t": num.minimum(lr, inv_sqrt_t),
            "epsilon_1": num(group["epsilon_1"]),
            "epsilon_2": num(group["epsilon_2"]),
            "clip_threshold": num(group["clip_threshold"]),
            "beta_2_t": beta_2_t,
            "one_minus_beta_2_t": one - beta_2_t,
        }

    def _update_tensor(self, sc, p, g, sq, state, num):
        var = self._keras_view(p, p)
        g = self._keras_view(g, p)
        if sq is not None:
            sq = self._keras_view(sq, p)
        b, cb = float(sc["beta_2_t"]), float(sc["one_minus_beta_2_t"])
        rms_var = _sqrt1(torch.mean(var * var))
        alpha_t = torch.clamp_min(rms_var, float(sc["epsilon_2"])) * float(sc["rho_t"])
        regulated = (g * g if sq is None else sq) + float(sc["epsilon_1"])
        v = state["velocity"]
        if var.dim() >= 2:
            r, c = state["r"], state["c"]
            r.copy_(r * b + torch.mean(regulated, dim=-1) * cb)
            c.copy_(c * b + torch.mean(regulated, dim=-2) * cb)
            v.copy_((r / torch.mean(r, dim=-1, keepdim=True)).unsqueeze(-1) * c.unsqueeze(-2))
        else:
            v.copy_(v * b + regulated * cb)
        u_t = g / _sqrt1(v)
        if sq is None:
            rms_u = _sqrt1(torch.mean(u_t * u_t))
        else:  # Keras's mean over the occurrences of the sparse u_t, squared
            rms_u = _sqrt1(torch.sum(sq / v) / sq.numel())
        u_hat = u_t / torch.clamp_min(rms_u / float(sc["clip_threshold"]), 1.0)
        var.sub_(alpha_t * u_hat)


def _sqrt1(t):
    return _exact_sqrt([t])[0]


# ---------------------------------------------------------------------- loss scaling
class LossScaleOptimizer(torch.optim.Optimizer):
    """keras.optimizers.LossScaleOptimizer: dynamic loss scaling around an
    optimizer of this module.

    `scale_loss(loss)` multiplies the loss by the current scale (call it before
    `backward()`); `step()` skips the update and halves the scale when a
    gradient is not finite, otherwise divides the gradients by the scale,
    steps the inner optimizer, and doubles the scale after
    `dynamic_growth_steps` finite steps in a row, exactly as Keras.
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. "
                "Instead, simply set `loss_scale_factor` directly on the `inner_optimizer`."
            )
        base_defaults = {
            "weight_decay": None,
            "clipnorm": None,
            "global_clipnorm": None,
            "clipvalue": None,
            "use_ema": False,
            "ema_momentum": 0.99,
            "ema_overwrite_frequency": None,
            "loss_scale_factor": None,
            "gradient_accumulation_steps": None,
        }
        for arg, default in base_defaults.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer wraps an optimizer of graphc_runtime.torch.optim")
        # torch.optim.Optimizer's bookkeeping, without a second set of groups
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self.inner_optimizer = inner_optimizer
        self._patch_step_function()
        self.name = name or "loss_scale_optimizer"
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        inner_optimizer.loss_scale_factor = None
        self.step_counter = 0
        self.dynamic_scale = float(np.float32(initial_scale))

    # the groups and state are the inner optimizer's
    @property
    def param_groups(self):
        return self.inner_optimizer.param_groups

    @param_groups.setter
    def param_groups(self, value):
        self.inner_optimizer.param_groups = value

    @property
    def state(self):
        return self.inner_optimizer.state

    @state.setter
    def state(self, value):
        self.inner_optimizer.state = value

    @property
    def defaults(self):
        return self.inner_optimizer.defaults

    @defaults.setter
    def defaults(self, value):
        self.inner_optimizer.defaults = value

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__.update(state)

    def add_param_group(self, param_group):
        self.inner_optimizer.add_param_group(param_group)

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        return loss * float(np.float32(self.dynamic_scale))

    def finalize_variable_values(self, var_list=None):
        self.inner_optimizer.finalize_variable_values(var_list)

    def state_dict(self):
        state = self.inner_optimizer.state_dict()
        state["loss_scale"] = {"step_counter": self.step_counter, "dynamic_scale": self.dynamic_scale}
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        own = state_dict.pop("loss_scale", None)
        self.inner_optimizer.load_state_dict(state_dict)
        if own is not None:
            self.step_counter = int(own["step_counter"])
            self.dynamic_scale = float(own["dynamic_scale"])

    def _finite(self):
        """Keras's check_finite: every gradient entry is finite."""
        grads = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    grads.setdefault((p.grad.device, p.grad.dtype), []).append(p.grad)
        for same in grads.values():
            # max |g| is inf or nan exactly when some entry is
            if not bool(torch.stack(torch._foreach_norm(same, ord=math.inf)).isfinite().all()):
                return False
        return True

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if self._finite():
            self.inner_optimizer._apply(self.dynamic_scale)
            if self.step_counter == self.dynamic_growth_steps - 1:
                self.step_counter = 0
                self.dynamic_scale = float(np.float32(self.dynamic_scale) * np.float32(2.0))
            else:
                self.step_counter += 1
        else:
            self.inner_optimizer._drop_sq_grads()
            self.step_counter = 0
            self.dynamic_scale = float(np.float32(self.dynamic_scale) * np.float32(0.5))
        return loss
