"""Keras normalization layers in PyTorch (runtime/LAYERS.md).

Classes: BatchNormalization, LayerNormalization, GroupNormalization,
RMSNormalization, UnitNormalization, SpectralNormalization, Normalization.

Axis arguments are torch dimensions, `dim=` in Keras's place of `axis` (the
compiler converts): BatchNormalization and GroupNormalization normalize per
channel of dimension `dim` of a tensor in any layout; LayerNormalization,
RMSNormalization and UnitNormalization take one dimension or a list of them.
Normalization (the preprocessing layer) takes Keras's layout.  Statistics are
computed in float32 (float64 for float64 inputs) and the result cast back, as
Keras does, with Keras's formulas: x * inv + (beta - mean * inv) with
inv = rsqrt(var + epsilon) * gamma, the biased variance.

Not supported (NotImplementedError at construction, the argument named):
BatchNormalization(renorm=True) (batch renormalization's extra moving
statistics are not implemented), BatchNormalization(synchronized=True) (a
cross-replica mean needs a process group; single-process Keras computes
E[x^2] - E[x]^2 there, a different formula), SpectralNormalization of a layer
other than Dense, Embedding, Conv1D/2D/3D, Conv1D/2D/3DTranspose (the torch
dimension of Keras's last kernel axis is only known for those).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from graphc_runtime.torch.layers.base import KerasLayer, Layer, initialize_
from graphc_runtime.torch.layers.core import keras_fans

__all__ = [
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "RMSNormalization",
    "UnitNormalization",
    "SpectralNormalization",
    "Normalization",
]


def _same(a):
    return a


def _compute_dtype(x):
    """Keras's result_type(x.dtype, "float32"): float64 stays, everything else is float32."""
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def _dims(dim) -> tuple:
    return tuple(int(d) for d in dim) if isinstance(dim, (list, tuple)) else (int(dim),)


def _broadcast(v, dims, x):
    """`v` (its axes are the dimensions `dims` of x, in that order) shaped to broadcast against x."""
    order = sorted(range(len(dims)), key=lambda i: dims[i])
    if order != list(range(len(dims))):
        v = v.permute(order)
    shape = [1] * x.ndim
    for d in dims:
        shape[d] = x.shape[d]
    return v.reshape(shape)


def _spec(present):
    """keras_weights_spec of the 1-D weights present, in Keras's order."""
    return tuple((path, _same, _same) for path, ok in present if ok)


class _KerasAffine:
    """gamma/beta bookkeeping shared by the normalizations with Keras's
    center/scale: the spec, regularizers and constraints of the weights present."""

    def _affine_init(self, name, scale, center, shape, gamma_initializer, beta_initializer, **kw):
        self.gamma_initializer, self.beta_initializer = gamma_initializer, beta_initializer
        self._keras_init(name, **kw)
        self.keras_weights_spec = _spec((("weight", scale), ("bias", center)))
        self.regularized = {
            k: v
            for k, v, ok in (
                ("gamma_regularizer", ("weight", None), scale),
                ("beta_regularizer", ("bias", None), center),
            )
            if ok
        }
        axes = tuple(range(len(shape)))  # Keras's constraints norm axis 0 of gamma: its first dimension
        self.constrained = {
            k: v
            for k, v, ok in (
                ("gamma_constraint", ("weight", axes[:1]), scale),
                ("beta_constraint", ("bias", axes[:1]), center),
            )
            if ok
        }

    def _affine_reset(self):
        if getattr(self, "weight", None) is not None:
            initialize_(self.weight, self.gamma_initializer, *keras_fans(self.weight.shape))
        if getattr(self, "bias", None) is not None:
            initialize_(self.bias, self.beta_initializer, *keras_fans(self.bias.shape))


# ------------------------------------------------------------------ BatchNormalization
class BatchNormalization(_KerasAffine, KerasLayer, _BatchNorm):
    """keras.layers.BatchNormalization normalizing torch dimension `dim` (Keras's
    `axis`, converted by the compiler; default -1, Keras's layout).
    `num_features`: the size of that dimension.

    Training (self.training and self.trainable) uses the batch statistics
    (the biased variance, float32) and updates the moving ones as Keras does:
    new = old * momentum + batch * (1 - momentum).  Otherwise the moving
    statistics are used: a layer built with trainable=False (keyword) runs in
    inference mode even while training, and its gamma/beta are frozen, as
    Keras's.  forward(x, mask=None): with Keras's mask (x's shape without
    the last dimension; Keras's layout), the training statistics count the
    kept positions only.  `momentum`, `eps` hold torch's meanings
    (1 - Keras's momentum, epsilon); `keras_momentum` holds Keras's."""

    def __init__(
        self,
        num_features,
        dim=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        *,
        trainable=True,
        name=None,
    ):
        if renorm:
            raise NotImplementedError("BatchNormalization(renorm=True) is not supported by graphc_runtime")
        if synchronized:
            raise NotImplementedError(
                "BatchNormalization(synchronized=True) is not supported by graphc_runtime"
            )
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.gamma_initializer, self.beta_initializer = gamma_initializer, beta_initializer
        _BatchNorm.__init__(
            self, num_features, float(epsilon), 1.0 - float(momentum), affine=True, bias=center
        )
        if not scale:
            self.register_parameter("weight", None)
        self.register_buffer("num_batches_tracked", None)  # Keras has no such counter (count_params)
        self._affine_init(
            name,
            scale,
            center,
            (num_features,),
            gamma_initializer,
            beta_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self.keras_weights_spec += _spec((("running_mean", True), ("running_var", True)))
        self.dim = int(dim)
        self.keras_momentum = float(momentum)
        self.center, self.scale = bool(center), bool(scale)
        self.trainable = trainable
        self._keras_ready = True
        self.reset_parameters()

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for p in (self.weight, self.bias):
            if p is not None:
                p.requires_grad_(self._trainable)

    def reset_parameters(self):
        if not getattr(self, "_keras_ready", False):  # torch's __init__ calls it before ours is done
            return
        self._affine_reset()
        n = self.num_features
        initialize_(self.running_mean, self.moving_mean_initializer, n, n)
        initialize_(self.running_var, self.moving_variance_initializer, n, n)

    def _moments(self, x, mask, dim):
        dims = [d for d in range(x.ndim) if d != dim]
        if mask is None:
            var, mean = torch.var_mean(x, dim=dims, correction=0)
            return mean, var
        if mask.ndim != x.ndim - 1:
            raise ValueError(
                f"BatchNormalization: the mask {tuple(mask.shape)} must have one dimension less than "
                f"the input {tuple(x.shape)}"
            )
        # keras.src.layers.normalization.batch_normalization.BatchNormalization._moments
        m = mask.unsqueeze(-1).expand(x.shape).bool()
        zero = torch.zeros((), dtype=x.dtype, device=x.device)
        weights = m.to(x.dtype).sum(dim=dims, keepdim=True)
        mean = torch.where(m, x, zero).sum(dim=dims, keepdim=True) / (weights + 1e-7)
        var = torch.where(m, x - mean, zero).square().sum(dim=dims, keepdim=True) / (weights + 1e-7)
        return mean.reshape(-1), var.reshape(-1)

    def _fused(self, x, mask) -> bool:
        """Whether torch's fused batch_norm computes Keras's formula here: no mask,
        the channels on dimension 1, float32 input and statistics (Keras's compute
        dtype: nothing to cast).  Its CPU kernel computes x * inv + (beta - mean *
        inv) with inv = gamma / sqrt(var + epsilon), the biased variance, as
        tf.nn.batch_normalization does, and its backward is the exact gradient of
        that formula with the batch statistics (autograd through our own formula
        computes the same, with three passes more over the tensor each way)."""
        return (
            mask is None
            and x.ndim >= 2
            and self.dim % x.ndim == 1
            and x.dtype == torch.float32
            and self.running_mean.dtype == torch.float32
            and (self.weight is None or self.weight.dtype == torch.float32)
            and (self.bias is None or self.bias.dtype == torch.float32)
        )

    def forward(self, x, mask=None):
        if self._fused(x, mask):
            if not (self.training and self.trainable):
                return F.batch_norm(
                    x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps
                )
            n = x.numel() // x.shape[1]  # values per channel
            if n > 1:  # (torch refuses one value per channel; Keras's variance is then 0: below)
                # momentum 1 makes torch write the batch mean and the unbiased variance
                # (sum of squares / (n - 1)) into these; Keras keeps the biased one
                mean, var = torch.zeros_like(self.running_mean), torch.ones_like(self.running_var)
                y = F.batch_norm(x, mean, var, self.weight, self.bias, True, 1.0, self.eps)
                with torch.no_grad():
                    m = self.keras_momentum
                    var = var * ((n - 1) / n)
                    self.running_mean.copy_(self.running_mean * m + mean * (1.0 - m))
                    self.running_var.copy_(self.running_var * m + var * (1.0 - m))
                return y
        dim = self.dim % x.ndim
        x32 = x.to(_compute_dtype(x))
        if self.training and self.trainable:
            mean, var = self._moments(x32, mask, dim)
            with torch.no_grad():
                m = self.keras_momentum
                self.running_mean.copy_(self.running_mean * m + mean * (1.0 - m))
                self.running_var.copy_(self.running_var * m + var * (1.0 - m))
        else:
            mean, var = self.running_mean.to(x32.dtype), self.running_var.to(x32.dtype)
        # tf.nn.batch_normalization
        inv = torch.rsqrt(var + self.eps)
        if self.weight is not None:
            inv = inv * self.weight.to(x32.dtype)
        offset = -mean * inv if self.bias is None else self.bias.to(x32.dtype) - mean * inv
        shape = [1] * x.ndim
        shape[dim] = -1
        return (x32 * inv.view(shape) + offset.view(shape)).to(x.dtype)

    def extra_repr(self):
        return (
            f"{self.num_features}, dim={self.dim}, momentum={self.keras_momentum} (Keras), "
            f"epsilon={self.eps}, center={self.center}, scale={self.scale}, trainable={self.trainable}, "
            f"name={self.name!r}"
        )


# ------------------------------------------------------------------ LayerNormalization
class LayerNormalization(_KerasAffine, KerasLayer, nn.LayerNorm):
    """keras.layers.LayerNormalization over torch dimension(s) `dim` (Keras's
    `axis`, converted by the compiler, listed in the order of Keras's sorted
    axes).  `normalized_shape`: the sizes of those dimensions in that order
    (Keras's gamma/beta shape; `weight`/`bias` have it).  Keras's formula:
    moments over `dim`, x * inv + (beta - mean * inv).  `rms_scaling=True`
    (Keras's deprecated keyword) scales x by rsqrt(variance + epsilon) * gamma."""

    def __init__(
        self,
        normalized_shape,
        dim=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        *,
        rms_scaling=False,
        name=None,
    ):
        shape = _dims(normalized_shape)
        self.dims = _dims(dim)
        if len(shape) != len(self.dims):
            raise ValueError(f"LayerNormalization: normalized_shape {shape} does not match dim {self.dims}")
        has_gamma = bool(scale or rms_scaling)
        has_beta = bool(center and not rms_scaling)
        self.gamma_initializer, self.beta_initializer = gamma_initializer, beta_initializer
        nn.LayerNorm.__init__(
            self, shape, eps=float(epsilon), elementwise_affine=has_gamma or has_beta, bias=has_beta
        )
        if not has_gamma:
            self.register_parameter("weight", None)
        self._affine_init(
            name,
            has_gamma,
            has_beta,
            shape,
            gamma_initializer,
            beta_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self.rms_scaling = bool(rms_scaling)
        self.center, self.scale = bool(center), bool(scale)
        self._keras_ready = True
        self.reset_parameters()

    def reset_parameters(self):
        if getattr(self, "_keras_ready", False):  # torch's __init__ calls it before ours is done
            self._affine_reset()

    def forward(self, x):
        dims = tuple(d % x.ndim for d in self.dims)
        x32 = x.to(_compute_dtype(x))
        gamma = None if self.weight is None else _broadcast(self.weight.to(x32.dtype), dims, x32)
        beta = None if self.bias is None else _broadcast(self.bias.to(x32.dtype), dims, x32)
        var, mean = torch.var_mean(x32, dim=dims, correction=0, keepdim=True)
        inv = torch.rsqrt(var + self.eps)
        if self.rms_scaling:
            y = x32 * inv
            return (y if gamma is None else y * gamma).to(x.dtype)
        if gamma is not None:
            inv = inv * gamma
        res = -mean * inv
        if beta is not None:
            res = res + beta
        return (x32 * inv + res).to(x.dtype)

    def extra_repr(self):
        return (
            f"{tuple(self.normalized_shape)}, dim={self.dims}, epsilon={self.eps}, center={self.center}, "
            f"scale={self.scale}, name={self.name!r}"
        )


# ------------------------------------------------------------------ GroupNormalization
class GroupNormalization(_KerasAffine, KerasLayer, nn.GroupNorm):
    """keras.layers.GroupNormalization: channels of torch dimension `dim` (Keras's
    `axis`) split into `groups` contiguous groups (-1: one per channel), each
    normalized over its channels and all other non-batch dimensions.
    `num_channels`: the size of dimension `dim`."""

    def __init__(
        self,
        num_channels,
        groups=32,
        dim=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        *,
        name=None,
    ):
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"GroupNormalization(groups=...) must be a positive integer or -1, got {groups!r}"
            )
        groups = num_channels if groups == -1 else groups
        if num_channels < groups or num_channels % groups:
            raise ValueError(
                f"GroupNormalization: {num_channels} channels cannot be split into {groups} groups"
            )
        self.gamma_initializer, self.beta_initializer = gamma_initializer, beta_initializer
        nn.GroupNorm.__init__(self, groups, num_channels, eps=float(epsilon), affine=True)
        if not scale:
            self.register_parameter("weight", None)
        if not center:
            self.register_parameter("bias", None)
        self._affine_init(
            name,
            scale,
            center,
            (num_channels,),
            gamma_initializer,
            beta_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
        )
        self.dim = int(dim)
        self.center, self.scale = bool(center), bool(scale)
        self._keras_ready = True
        self.reset_parameters()

    def reset_parameters(self):
        if getattr(self, "_keras_ready", False):  # torch's __init__ calls it before ours is done
            self._affine_reset()

    def forward(self, x):
        d = self.dim % x.ndim
        g, c = self.num_groups, self.num_channels
        x32 = x.to(_compute_dtype(x))
        xr = x32.reshape(*x.shape[:d], g, c // g, *x.shape[d + 1 :])
        axes = [a for a in range(1, xr.ndim) if a != d]
        var, mean = torch.var_mean(xr, dim=axes, correction=0, keepdim=True)
        shape = [1] * xr.ndim
        shape[d], shape[d + 1] = g, c // g
        inv = torch.rsqrt(var + self.eps)
        if self.weight is not None:
            inv = inv * self.weight.to(xr.dtype).reshape(shape)
        res = -mean * inv
        if self.bias is not None:
            res = res + self.bias.to(xr.dtype).reshape(shape)
        return (xr * inv + res).reshape(x.shape).to(x.dtype)

    def extra_repr(self):
        return (
            f"{self.num_groups}, {self.num_channels}, dim={self.dim}, epsilon={self.eps}, name={self.name!r}"
        )


# ------------------------------------------------------------------ RMSNormalization
class RMSNormalization(KerasLayer, nn.RMSNorm):
    """keras.layers.RMSNormalization(axis=-1, epsilon=1e-6): x * rsqrt(mean(x**2) +
    epsilon) * scale over torch dimension(s) `dim`.  `normalized_shape`: the
    sizes of those dimensions (Keras's `scale` shape, in the order of Keras's
    sorted axes).  Keras multiplies by `scale` with plain broadcasting, i.e.
    along its trailing axes: `dim` must be the image of Keras's trailing axes
    (any other Keras axis would broadcast scale elsewhere; the compiler rejects it)."""

    keras_weights_spec = (("weight", _same, _same),)

    def __init__(self, normalized_shape, dim=-1, epsilon=1e-6, *, name=None):
        shape = _dims(normalized_shape)
        self.dims = _dims(dim)
        if len(shape) != len(self.dims):
            raise ValueError(f"RMSNormalization: normalized_shape {shape} does not match dim {self.dims}")
        nn.RMSNorm.__init__(self, shape, eps=float(epsilon), elementwise_affine=True)
        self._keras_init(name)
        self.epsilon = float(epsilon)

    def reset_parameters(self):
        if self.weight is not None:
            nn.init.ones_(self.weight)  # Keras: initializer "ones", fixed

    def forward(self, x):
        dims = tuple(d % x.ndim for d in self.dims)
        x32 = x.to(_compute_dtype(x))
        rrms = torch.rsqrt(x32.square().mean(dim=dims, keepdim=True) + self.epsilon)
        return (x32 * rrms * _broadcast(self.weight.to(x32.dtype), dims, x32)).to(x.dtype)

    def extra_repr(self):
        return f"{tuple(self.normalized_shape)}, dim={self.dims}, epsilon={self.epsilon}, name={self.name!r}"


# ------------------------------------------------------------------ UnitNormalization
class UnitNormalization(Layer):
    """keras.layers.UnitNormalization(axis=-1) over torch dimension(s) `dim`:
    x * min(rsqrt(sum(x**2)), 1e12) (keras.ops.normalize, epsilon 1e-12)."""

    def __init__(self, dim=-1, *, name=None):
        super().__init__(name=name)
        self.dims = _dims(dim)

    def forward(self, x):
        inv = torch.rsqrt(x.square().sum(dim=self.dims, keepdim=True))
        return x * torch.clamp(inv, max=1.0 / 1e-12)

    def extra_repr(self):
        return f"dim={self.dims}, name={self.name!r}"


# ------------------------------------------------------------------ SpectralNormalization
# Keras's `kernel` of each wrappable layer: (torch attribute, torch dimension of Keras's last kernel axis)
_KERNELS = {
    "Dense": ("weight", 0),  # Keras (in, units); torch (units, in)
    "Embedding": ("weight", 1),  # same layout in both
    # Conv: Keras (k..., in/g, filters), torch (filters, in/g, k...)
    **{f"Conv{n}D": ("weight", 0) for n in (1, 2, 3)},
    # ConvTranspose: Keras (k..., filters, in), torch (in, filters/g, k...)
    **{f"Conv{n}DTranspose": ("weight", 0) for n in (1, 2, 3)},
}


def _normalize_all(v):
    """keras.ops.normalize(v, axis=None): v * min(rsqrt(sum(v**2)), 1 / 1e-7)."""
    return v * torch.clamp(torch.rsqrt(v.square().sum()), max=1.0 / 1e-7)


class SpectralNormalization(Layer):
    """keras.layers.SpectralNormalization(layer, power_iterations=1): wraps a K
    layer (Dense, Embedding, Conv*D, Conv*DTranspose).  In training, before
    calling the layer it runs Keras's power iteration on Keras's kernel
    reshaped to (-1, last axis) starting from `vector_u` (a (1, last axis)
    buffer, Keras's non-trainable weight) and replaces the kernel by
    kernel / sigma in place (no gradient through the normalization, as Keras's
    assign), unless the kernel is all zeros.  In inference it only calls the
    layer.  The output is cast to the input's dtype, as Keras does.

    The wrapped layer's Keras arrays are the wrapper's (its own spec is moved
    here, so load_keras_weights finds them under the wrapper's name)."""

    def __init__(self, layer, power_iterations=1, *, name=None):
        kind = type(layer).__name__
        if kind not in _KERNELS or not isinstance(layer, KerasLayer):
            raise NotImplementedError(
                f"SpectralNormalization of {kind} is not supported by graphc_runtime "
                f"(supported: {', '.join(sorted(_KERNELS))})"
            )
        if power_iterations <= 0:
            raise ValueError(
                f"SpectralNormalization(power_iterations=...) must be > 0, got {power_iterations!r}"
            )
        super().__init__(name=name)
        self.layer = layer
        self.power_iterations = int(power_iterations)
        self._kernel_attr, self._kernel_dim = _KERNELS[kind]
        kernel = self._kernel()
        self.register_buffer("vector_u", torch.zeros(1, kernel.shape[self._kernel_dim], dtype=kernel.dtype))
        inner = tuple(
            ("layer." + path, to_torch, to_keras) for path, to_torch, to_keras in layer.keras_weights_spec
        )
        # Keras's order: the kernel (tracked by the wrapper itself), vector_u, the layer's other weights
        self.keras_weights_spec = inner[:1] + (("vector_u", _same, _same),) + inner[1:]
        layer.keras_weights_spec = ()  # the wrapper loads them (base._walk visits the inner layer too)
        self.reset_parameters()

    def _kernel(self):
        return getattr(self.layer, self._kernel_attr)

    def reset_parameters(self):
        if hasattr(self, "vector_u"):
            initialize_(self.vector_u, {"class_name": "TruncatedNormal", "config": {"stddev": 0.02}}, 1, 1)

    @torch.no_grad()
    def normalize_weights(self):
        """Keras's normalized_weights, assigned in place: (vector_u, kernel / sigma)."""
        kernel = self._kernel()
        if bool((kernel == 0).all()):
            return
        w = kernel.movedim(self._kernel_dim, -1).reshape(-1, kernel.shape[self._kernel_dim])
        u = self.vector_u
        for _ in range(self.power_iterations):
            v = _normalize_all(u @ w.T)
            u = _normalize_all(v @ w)
        sigma = (v @ w) @ u.T
        self.vector_u.copy_(u)
        kernel.copy_(kernel / sigma.reshape(()))

    def forward(self, x, *args, **kwargs):
        if self.training:
            self.normalize_weights()
        return self.layer(x, *args, **kwargs).to(x.dtype)

    # the wrapped layer's regularizers and constraints are the wrapper's (weight walks
    # stop at a KerasLayer: its sub-layers are its own business)
    def regularization_loss(self):
        return self.layer.regularization_loss()

    def apply_constraints(self):
        self.layer.apply_constraints()

    def extra_repr(self):
        return f"power_iterations={self.power_iterations}, name={self.name!r}"


# ------------------------------------------------------------------ Normalization (preprocessing)
class Normalization(Layer):
    """keras.layers.Normalization on Keras's layout: (x - mean) / max(sqrt(variance), 1e-7),
    or with invert=True mean + x * max(sqrt(variance), 1e-7), in float32.

    `input_shape`: the input's shape without the batch axis.  `dim`: the kept
    dimensions (Keras's `axis`; an int, a list, or None for one mean/variance
    for all).  Given `mean`/`variance` are constants (Keras broadcasts them
    from the trailing kept axes); without them the layer has Keras's adapted
    weights mean, variance (the kept axes' shape) and count, loaded with
    load_keras (adapt() itself is Keras's job)."""

    def __init__(self, input_shape, dim=-1, mean=None, variance=None, invert=False, *, name=None):
        super().__init__(name=name)
        input_shape = tuple(int(d) for d in input_shape)
        ndim = len(input_shape) + 1
        dims = () if dim is None else _dims(dim)
        if any(not -ndim <= d < ndim for d in dims):
            raise ValueError(f"Normalization: dim {dims} out of range for a {ndim}D input")
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither")
        keep = tuple(sorted(d % ndim for d in dims))
        if 0 in keep:
            raise ValueError("Normalization cannot keep the batch dimension")
        self.keep = keep
        self.invert = bool(invert)
        self.broadcast_shape = tuple(input_shape[d - 1] if d in keep else 1 for d in range(1, ndim))
        stats_shape = tuple(input_shape[d - 1] for d in keep)
        self.adapted = mean is None
        if self.adapted:
            self.register_buffer("mean", torch.zeros(stats_shape))
            self.register_buffer("variance", torch.ones(stats_shape))
            self.register_buffer("count", torch.zeros((), dtype=torch.int64))
            self.keras_weights_spec = (
                ("mean", _same, _same),
                ("variance", _same, _same),
                ("count", _same, _same),
            )
        else:
            mean, variance = np.asarray(mean, dtype=np.float32), np.asarray(variance, dtype=np.float32)
            if mean.shape != variance.shape or mean.ndim > len(keep):
                raise ValueError(
                    f"Normalization: mean {mean.shape} and variance {variance.shape} must have one shape, "
                    f"of rank <= {len(keep)}"
                )
            full = (1,) + self.broadcast_shape
            if mean.ndim:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[keep[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(expanded), variance.reshape(expanded)
            mean = np.broadcast_to(mean, full)[0]
            variance = np.broadcast_to(variance, full)[0]
            self.register_buffer("mean", torch.tensor(mean.copy()), persistent=False)
            self.register_buffer("variance", torch.tensor(variance.copy()), persistent=False)

    def forward(self, x):
        x = x.to(torch.float32)  # Keras: the layer's compute dtype
        mean = self.mean.to(x.dtype).reshape(self.broadcast_shape)
        variance = self.variance.to(x.dtype).reshape(self.broadcast_shape)
        std = torch.clamp(torch.sqrt(variance), min=1e-7)
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def extra_repr(self):
        return f"keep={self.keep}, invert={self.invert}, adapted={self.adapted}, name={self.name!r}"
