"""Helper modules that generated PyTorch code includes only when it uses them.

The emitter (graphc/targets/torch_target.py) copies each `# %% helper: NAME` section
verbatim into a generated module; the imports above the first section are there so
that this file lints on its own, and name what the sections may use.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


# %% helper: KerasBatchNorm
class KerasBatchNorm(nn.Module):
    """keras.layers.BatchNormalization normalizing dimension `dim`.

    Training uses the batch statistics and updates the moving ones as Keras does:
    `new = momentum * old + (1 - momentum) * batch`, with the biased batch
    variance (torch's BatchNorm uses the unbiased one).  Inference, or a layer
    built with trainable=False, uses the moving statistics.  Statistics are
    computed in float32, as Keras does.
    """

    def __init__(
        self,
        num_features,
        dim=1,
        eps=1e-3,
        momentum=0.99,
        center=True,
        scale=True,
    ):
        super().__init__()
        self.dim = dim
        self.eps = eps
        self.momentum = momentum
        self.trainable = True
        if scale:
            self.weight = nn.Parameter(torch.ones(num_features))
        else:
            self.register_parameter("weight", None)
        if center:
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("bias", None)
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        dim = self.dim % x.ndim
        shape = [1] * x.ndim
        shape[dim] = -1
        x32 = x.float()
        if self.training and self.trainable:
            dims = [d for d in range(x.ndim) if d != dim]
            var, mean = torch.var_mean(x32, dim=dims, correction=0)
            with torch.no_grad():
                m = self.momentum
                self.running_mean.copy_(self.running_mean * m + mean * (1.0 - m))
                self.running_var.copy_(self.running_var * m + var * (1.0 - m))
        else:
            mean, var = self.running_mean, self.running_var
        y = (x32 - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.view(shape)
        if self.bias is not None:
            y = y + self.bias.view(shape)
        return y.to(x.dtype)

    def extra_repr(self):
        n = self.running_mean.numel()
        return f"{n}, dim={self.dim}, eps={self.eps}, momentum={self.momentum} (Keras)"


# %% helper: KerasEmbedding
class KerasEmbedding(nn.Embedding):
    """nn.Embedding that also records, for Keras's optimizers, the squared gradient
    summed per token occurrence.

    Keras on TensorFlow gives embeddings sparse gradients (one row per occurrence),
    and its Adam/RMSprop/... square them row by row before summing; a dense torch
    gradient would square the sum instead.  The Keras* optimizers of this module
    read `weight.keras_sq_grad` when it is there.
    """

    def forward(self, ids):
        out = super().forward(ids)
        if out.requires_grad:
            weight = self.weight

            def record(grad):
                rows = (grad * grad).reshape(-1, grad.shape[-1]).to(weight.dtype)
                sq = torch.zeros_like(weight).index_add_(0, ids.reshape(-1), rows)
                prev = getattr(weight, "keras_sq_grad", None)
                weight.keras_sq_grad = sq if prev is None else prev + sq

            out.register_hook(record)
        return out


# %% helper: KerasMultiHeadAttention
class KerasMultiHeadAttention(nn.Module):
    """keras.layers.MultiHeadAttention with Keras's parameter shapes, for the
    configurations nn.MultiheadAttention cannot express (key_dim * num_heads
    different from the query size, value_dim, output_shape, use_bias=False).
    forward(query, value, key=None) follows Keras's argument order."""

    def __init__(
        self,
        query_dim,
        key_dim_in,
        value_dim_in,
        num_heads,
        key_dim,
        value_dim,
        output_dim,
        use_bias=True,
        dropout=0.0,
    ):
        super().__init__()
        h = num_heads
        self.query_kernel = nn.Parameter(torch.empty(query_dim, h, key_dim))
        self.key_kernel = nn.Parameter(torch.empty(key_dim_in, h, key_dim))
        self.value_kernel = nn.Parameter(torch.empty(value_dim_in, h, value_dim))
        self.output_kernel = nn.Parameter(torch.empty(h, value_dim, output_dim))
        self.use_bias = use_bias
        if use_bias:
            self.query_bias = nn.Parameter(torch.zeros(h, key_dim))
            self.key_bias = nn.Parameter(torch.zeros(h, key_dim))
            self.value_bias = nn.Parameter(torch.zeros(h, value_dim))
            self.output_bias = nn.Parameter(torch.zeros(output_dim))
        self.scale = 1.0 / math.sqrt(float(key_dim))
        self.dropout = nn.Dropout(dropout)
        self.reset_parameters()

    def reset_parameters(self):
        """Keras: glorot_uniform over (input size, heads * size) per projection."""
        for w in (self.query_kernel, self.key_kernel, self.value_kernel):
            limit = math.sqrt(6.0 / (w.shape[0] + w.shape[1] * w.shape[2]))
            nn.init.uniform_(w, -limit, limit)
        w = self.output_kernel
        limit = math.sqrt(6.0 / (w.shape[0] * w.shape[1] + w.shape[2]))
        nn.init.uniform_(w, -limit, limit)
        if self.use_bias:
            for b in (self.query_bias, self.key_bias, self.value_bias):
                nn.init.zeros_(b)
            nn.init.zeros_(self.output_bias)

    def forward(self, query, value, key=None):
        key = value if key is None else key
        q = torch.einsum("btd,dhk->bthk", query, self.query_kernel)
        k = torch.einsum("bsd,dhk->bshk", key, self.key_kernel)
        v = torch.einsum("bsd,dhk->bshk", value, self.value_kernel)
        if self.use_bias:
            q, k, v = q + self.query_bias, k + self.key_bias, v + self.value_bias
        scores = torch.einsum("bshk,bthk->bhts", k, q * self.scale)
        probs = self.dropout(torch.softmax(scores, dim=-1))
        out = torch.einsum("bhts,bshv->bthv", probs, v)
        out = torch.einsum("bthv,hvo->bto", out, self.output_kernel)
        return out + self.output_bias if self.use_bias else out


# %% helper: pad_same
def pad_same(x, kernel, stride, dilation=None, value=0.0):
    """Pad the trailing spatial dimensions of an N, C, ... tensor as TensorFlow's
    padding="same" does: out = ceil(n / stride), the odd pixel at the end."""
    pads = []
    dilation = dilation or (1,) * len(kernel)
    for n, k, s, d in reversed(list(zip(x.shape[2:], kernel, stride, dilation))):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)


# %% helper: avg_pool_same
def avg_pool_same(x, kernel, stride):
    """AveragePooling with TensorFlow's padding="same": the padded positions do not
    count in the average (asymmetric padding, odd pixel at the end)."""
    pool = F.avg_pool1d if x.ndim == 3 else F.avg_pool2d
    total = pool(pad_same(x, kernel, stride), kernel, stride)
    ones = torch.ones_like(x[:1, :1])
    count = pool(pad_same(ones, kernel, stride), kernel, stride)
    return total / count


# %% helper: KerasNormalization
class KerasNormalization(nn.Module):
    """keras.layers.Normalization: (x - mean) / max(sqrt(variance), 1e-7) with fixed
    statistics (given to the layer, or adapted in Keras and copied over)."""

    def __init__(self, shape, mean=None, variance=None):
        super().__init__()
        # Keras's adapt() statistics are weights (saved); given ones are constants
        adapted = mean is None
        mean = torch.as_tensor(0.0 if adapted else mean, dtype=torch.float32)
        variance = torch.as_tensor(1.0 if adapted else variance, dtype=torch.float32)
        mean, variance = mean.expand(shape).clone(), variance.expand(shape).clone()
        self.register_buffer("mean", mean, persistent=adapted)
        self.register_buffer("variance", variance, persistent=adapted)
        if adapted:
            self.register_buffer("count", torch.zeros(()))

    def forward(self, x):
        return (x - self.mean) / torch.sqrt(self.variance).clamp_min(1e-7)
