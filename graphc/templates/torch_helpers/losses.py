"""Keras losses without an exact torch.nn.functional twin, included when used.

Each takes (pred, target, dim): `dim` is the axis Keras reduces per sample (its
last axis; 1 for channels-first outputs), and returns Keras's default reduction,
the mean over everything else.  See graphc/targets/torch_target.py.
"""

import math

import torch
import torch.nn.functional as F


# %% helper: binary_crossentropy_probs
def binary_crossentropy_probs(pred, target, dim=-1):
    """Keras binary_crossentropy on probabilities (clipped to [1e-7, 1 - 1e-7])."""
    p = pred.clamp(1e-7, 1.0 - 1e-7)
    return -(target * torch.log(p) + (1.0 - target) * torch.log(1.0 - p)).mean()


# %% helper: categorical_crossentropy_probs
def categorical_crossentropy_probs(pred, target, dim=-1):
    """Keras categorical_crossentropy on probabilities (renormalized, clipped)."""
    p = (pred / pred.sum(dim, keepdim=True)).clamp(1e-7, 1.0 - 1e-7)
    return -(target * torch.log(p)).sum(dim).mean()


# %% helper: sparse_categorical_crossentropy_probs
def sparse_categorical_crossentropy_probs(pred, target, dim=-1):
    """Keras sparse_categorical_crossentropy on probabilities (clipped)."""
    log_p = torch.log(pred.clamp(1e-7, 1.0 - 1e-7))
    return F.cross_entropy(log_p.movedim(dim, 1), target)


# %% helper: kl_divergence
def kl_divergence(pred, target, dim=-1):
    """Keras kl_divergence: both sides clipped to [1e-7, 1]."""
    t = target.clamp(1e-7, 1.0)
    p = pred.clamp(1e-7, 1.0)
    return (t * torch.log(t / p)).sum(dim).mean()


# %% helper: log_cosh
def log_cosh(pred, target, dim=-1):
    """Keras log_cosh, in its overflow-free form x + softplus(-2x) - log(2)."""
    x = pred - target
    return (x + F.softplus(-2.0 * x) - math.log(2.0)).mean()


# %% helper: mean_absolute_percentage_error
def mean_absolute_percentage_error(pred, target, dim=-1):
    """Keras mean_absolute_percentage_error (in percent)."""
    return 100.0 * ((target - pred) / target.abs().clamp_min(1e-7)).abs().mean()


# %% helper: mean_squared_logarithmic_error
def mean_squared_logarithmic_error(pred, target, dim=-1):
    """Keras mean_squared_logarithmic_error."""
    first = torch.log(pred.clamp_min(1e-7) + 1.0)
    second = torch.log(target.clamp_min(1e-7) + 1.0)
    return (first - second).square().mean()


# %% helper: poisson
def poisson(pred, target, dim=-1):
    """Keras poisson."""
    return (pred - target * torch.log(pred + 1e-7)).mean()


# %% helper: hinge_labels
def hinge_labels(target):
    """Keras turns 0/1 labels into -1/1 for the hinge losses."""
    if bool(((target == 0) | (target == 1)).all()):
        return 2.0 * target - 1.0
    return target


# %% helper: hinge
def hinge(pred, target, dim=-1):
    """Keras hinge."""
    return (1.0 - hinge_labels(target) * pred).clamp_min(0.0).mean()


# %% helper: squared_hinge
def squared_hinge(pred, target, dim=-1):
    """Keras squared_hinge."""
    return (1.0 - hinge_labels(target) * pred).clamp_min(0.0).square().mean()


# %% helper: cosine_similarity
def cosine_similarity(pred, target, dim=-1):
    """Keras cosine_similarity: minus the cosine, L2-normalized Keras's way."""

    def normalize(x):
        inv = torch.rsqrt(x.square().sum(dim, keepdim=True)).clamp_max(1e7)
        return x * inv

    return -(normalize(target) * normalize(pred)).sum(dim).mean()
