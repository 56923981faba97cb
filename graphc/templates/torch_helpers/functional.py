"""Keras activations without a torch.nn.functional twin, included when used."""

import torch


# %% helper: sparse_plus
def sparse_plus(x):
    """Keras sparse_plus: 0 below -1, x above 1, (x + 1)^2 / 4 between."""
    return torch.where(x <= -1, 0.0, torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


# %% helper: sparse_sigmoid
def sparse_sigmoid(x):
    """Keras sparse_sigmoid: 0.5 * (x + 1) clipped to [0, 1]."""
    return torch.where(x <= -1, 0.0, torch.where(x >= 1, 1.0, 0.5 * (x + 1)))


# %% helper: squareplus
def squareplus(x, b=4.0):
    """Keras squareplus: (x + sqrt(x^2 + b)) / 2."""
    return (x + torch.sqrt(x * x + b)) / 2


# %% helper: sparsemax
def sparsemax(x, dim=-1):
    """Keras sparsemax, as its TensorFlow backend computes it."""
    z, _ = torch.sort(x, dim=dim, descending=True)
    cumsum = torch.cumsum(z, dim=dim)
    shape = [1] * x.ndim
    shape[dim] = -1
    r = torch.arange(1, x.shape[dim] + 1, dtype=x.dtype, device=x.device).view(shape)
    support = z - (cumsum - 1) / r > 0
    k = support.to(x.dtype).sum(dim, keepdim=True)
    tau = (torch.where(support, cumsum, 0.0).sum(dim, keepdim=True) - 1) / k
    return torch.clamp_min(x - tau, 0.0)
