"""More Keras layers in PyTorch (runtime/LAYERS.md): ReversibleEmbedding, HashedCrossing,
Pipeline.  All take Keras's layout (Pipeline: its layers' layout).

- ReversibleEmbedding(input_dim, output_dim, tie_weights=True, ...): a K.Embedding
  (nn.Embedding, `weight` is Keras's embeddings) whose forward(x, reverse=True) maps
  vectors (..., output_dim) to logits x @ embeddings.T (or x @ reverse_embeddings when
  tie_weights=False: Keras's (output_dim, input_dim) weight, drawn with the embeddings'
  initializer), optionally soft-capped: tanh(logits / cap) * cap.  Keras's weights:
  embeddings[, reverse_embeddings].  reverse_dtype: None, "float32" or "float64" (the
  half types are refused: TF's CPU half matmul rounds differently).  `sparse_square` as
  K.Embedding (only right when the tied weights get no dense gradient in the same step).
- HashedCrossing(num_bins, output_mode="int"): crosses two or more integer features of
  shape (N,) or (N, 1) as tf.sparse.cross_hashed does (FingerprintCat64 of the int64
  values from the key 0xDECAFCAFFE, modulo num_bins), on the CPU in NumPy; int64 ids, or
  their one-hot encodings (float32).  String features are not supported (no torch
  tensor holds strings).
- Pipeline(layers, *, channels_last=False): calls the K layers in order; with
  channels_last=True it takes and returns Keras's layout and gives each channels-first
  layer (CHANNELS_FIRST) channels-first tensors.  Its Keras weights are its layers'
  weights in order (the inner layers' specs move to the pipeline, as Keras's
  get_weights() lists them).  Training mode reaches the layers through torch's
  `train()` / `eval()`, as Keras passes `training` to each.  Masks are not carried.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from graphc_runtime.torch.layers import augmentation_more
from graphc_runtime.torch.layers.base import KerasLayer, Layer, initialize_
from graphc_runtime.torch.layers.core import Embedding

__all__ = ["ReversibleEmbedding", "HashedCrossing", "Pipeline"]


def _same(a):
    return a


_REVERSE_DTYPES = {None: None, "float32": torch.float32, "float64": torch.float64}


class ReversibleEmbedding(Embedding):
    """keras.layers.ReversibleEmbedding: Embedding, plus forward(x, reverse=True) -> logits."""

    def __init__(
        self,
        input_dim,
        output_dim,
        tie_weights=True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        reverse_dtype=None,
        logit_soft_cap=None,
        lora_rank=None,
        lora_alpha=None,
        *,
        sparse_square=False,
        name=None,
    ):
        if reverse_dtype not in _REVERSE_DTYPES:
            raise NotImplementedError(
                f"ReversibleEmbedding(reverse_dtype={reverse_dtype!r}) is not supported by graphc_runtime "
                "(None, 'float32' or 'float64')"
            )
        self.tie_weights = bool(tie_weights)
        Embedding.__init__(
            self,
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            sparse_square=sparse_square,
            name=name,
        )
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = None if logit_soft_cap is None else float(logit_soft_cap)
        if not self.tie_weights:
            self.reverse_embeddings = nn.Parameter(torch.empty(output_dim, input_dim))
            self.keras_weights_spec = (("weight", _same, _same), ("reverse_embeddings", _same, _same))
            self.reset_parameters()

    def reset_parameters(self):
        super().reset_parameters()
        if getattr(self, "reverse_embeddings", None) is not None:
            # Keras's fans of an (output_dim, input_dim) weight
            initialize_(self.reverse_embeddings, self.embeddings_initializer, self.output_dim, self.input_dim)

    def forward(self, x, reverse=False):
        if not reverse:
            return super().forward(x)
        kernel = self.weight.t() if self.tie_weights else self.reverse_embeddings
        dtype = _REVERSE_DTYPES[self.reverse_dtype]
        if dtype is not None:
            x, kernel = x.to(dtype), kernel.to(dtype)
        logits = torch.matmul(x, kernel.to(x.dtype))
        if self.logit_soft_cap is not None:
            logits = torch.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, ids, mask=None):
        return super().compute_mask(ids, mask)

    def extra_repr(self):
        return f"{super().extra_repr()}, tie_weights={self.tie_weights}"


# ------------------------------------------------------------------ HashedCrossing
_DEFAULT_HASH_KEY = np.uint64(0xDECAFCAFFE)
_K_MUL = np.uint64(0xC6A4A7935BD1E995)


def _shift_mix(v):
    return v ^ (v >> np.uint64(47))


def _fingerprint_cat64(fp1, fp2):
    """TensorFlow's FingerprintCat64 (tensorflow/core/platform/fingerprint.h), on uint64 arrays."""
    with np.errstate(over="ignore"):
        result = fp1 ^ _K_MUL
        result = result ^ (_shift_mix(fp2 * _K_MUL) * _K_MUL)
        result = result * _K_MUL
        result = _shift_mix(result) * _K_MUL
        return _shift_mix(result)


def cross_hashed(columns, num_bins):
    """tf.sparse.cross_hashed of dense int64 columns (one value per row), modulo num_bins."""
    out = np.full(columns[0].shape, _DEFAULT_HASH_KEY, dtype=np.uint64)
    for col in columns:
        out = _fingerprint_cat64(out, col.astype(np.int64).view(np.uint64))
    return (out % np.uint64(num_bins)).astype(np.int64)


class HashedCrossing(Layer):
    """keras.layers.HashedCrossing(num_bins, output_mode="int"): forward([a, b, ...]) on
    integer tensors of one shape, (N,) or (N, 1)."""

    def __init__(self, num_bins, output_mode="int", sparse=False, *, name=None, dtype=None):
        Layer.__init__(self, name=name)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"HashedCrossing: output_mode must be 'int' or 'one_hot', got {output_mode!r}")
        if sparse:
            raise NotImplementedError("HashedCrossing(sparse=True) is not supported by graphc_runtime")
        self.num_bins, self.output_mode = int(num_bins), output_mode
        self.dtype = dtype

    def forward(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("HashedCrossing takes a list of at least two tensors")
        shape = tuple(inputs[0].shape)
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"HashedCrossing inputs must have shape (N,) or (N, 1), got {shape}")
        if any(tuple(t.shape) != shape for t in inputs[1:]):
            raise ValueError("HashedCrossing inputs must all have the same shape")
        if any(t.is_floating_point() or t.is_complex() for t in inputs):
            raise TypeError("HashedCrossing inputs must be integers (string features are not supported)")
        cols = [t.detach().reshape(-1).cpu().numpy() for t in inputs]
        ids = torch.from_numpy(cross_hashed(cols, self.num_bins)).reshape(shape).to(inputs[0].device)
        if self.output_mode == "int":
            return ids
        flat = ids.reshape(-1) if len(shape) == 2 else ids  # Keras drops a trailing axis of size 1
        out = torch.zeros(*flat.shape, self.num_bins, dtype=torch.float32, device=ids.device)
        return out.scatter_(-1, flat.unsqueeze(-1), 1.0)

    def extra_repr(self):
        return f"num_bins={self.num_bins}, output_mode={self.output_mode!r}, name={self.name!r}"


# ------------------------------------------------------------------ Pipeline
# the K classes that take channels-first tensors (runtime/LAYERS.md: convolutions, pooling,
# padding, cropping, upsampling, spatial dropout, image preprocessing and augmentation, STFT)
CHANNELS_FIRST = frozenset(
    [f"{kind}{n}D" for kind in ("Conv", "SeparableConv", "DepthwiseConv") for n in (1, 2, 3)]
    + [f"Conv{n}DTranspose" for n in (1, 2, 3)]
    + [
        f"{kind}{n}D"
        for kind in (
            "MaxPooling",
            "AveragePooling",
            "GlobalMaxPooling",
            "GlobalAveragePooling",
            "AdaptiveMaxPooling",
            "AdaptiveAveragePooling",
            "UpSampling",
            "ZeroPadding",
            "Cropping",
            "SpatialDropout",
        )
        for n in (1, 2, 3)
    ]
    + [
        "Resizing",
        "CenterCrop",
        "RandomCrop",
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
        "RandomTranslation",
        "RandomContrast",
        "RandomBrightness",
        "STFTSpectrogram",
    ]
    + list(augmentation_more.__all__)
) - {"SeparableConv3D", "DepthwiseConv3D", "Equalization"}  # Equalization: not in the catalog


class Pipeline(Layer):
    """keras.layers.Pipeline(layers): the layers called in order on one tensor.

    With `channels_last=True` (what the compiler builds) the input and output are in
    Keras's layout and each channels-first layer (CHANNELS_FIRST) gets its input moved to
    channels-first (the channels axis moved back for the next layer that is not)."""

    def __init__(self, layers, *, channels_last=False, name=None):
        Layer.__init__(self, name=name)
        if not all(isinstance(layer, KerasLayer) for layer in layers):
            raise TypeError("Pipeline takes K layers")
        self.layers = nn.ModuleList(layers)
        self.channels_last = bool(channels_last)
        spec = []
        for i, layer in enumerate(self.layers):
            spec += [(f"layers.{i}.{path}", to_t, to_k) for path, to_t, to_k in layer.keras_weights_spec]
            layer.keras_weights_spec = ()  # the pipeline loads them (as Keras lists them)
        self.keras_weights_spec = tuple(spec)

    def forward(self, x):
        cf = False  # x is channels-first now
        for layer in self.layers:
            want = self.channels_last and type(layer).__name__ in CHANNELS_FIRST
            if x.dim() > 2 and want != cf:
                x = x.movedim(-1, 1) if want else x.movedim(1, -1)
            x = layer(x)
            cf = want and x.dim() > 2
        return x.movedim(1, -1) if cf else x

    def regularization_loss(self):
        total = None
        for layer in self.layers:
            p = layer.regularization_loss()
            if p is not None:
                total = p if total is None else total + p
        return total

    def apply_constraints(self):
        for layer in self.layers:
            layer.apply_constraints()

    def extra_repr(self):
        return f"channels_last={self.channels_last}, name={self.name!r}"
