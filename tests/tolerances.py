"""Numeric tolerances of the parity tests, each derived from what float32
rounding can move (docs/testing.md explains them with examples).

Two correct float32 implementations of one network differ only by rounding:
every multiply-add rounds to 24 bits (unit roundoff u = 2**-24), and the two
frameworks sum in different orders (blocked GEMMs, Winograd, other threads).

Forward values (outputs, losses).  A reduction of n terms computed in float32
has an error below lambda * sqrt(n) * u times the size of its terms, except with
probability 2 * exp(-lambda**2 / 2) (Higham & Mary, "A new approach to
probabilistic rounding error analysis", SISC 2019); lambda = 8 makes that
2.5e-14 per reduction.  Along a network, each layer adds its reduction to the
rounding already carried by its inputs, which the layer passes on with unit
gain (initializers are variance-preserving, batch/layer normalization
rescales), so the relative error of an output stays below
lambda * sqrt(N) * u, where N sums the reduction lengths along the network:
every weighted layer's fan-in (times the time steps of a recurrent layer, plus
the sequence length of an attention layer).  The bound is computed for each
model from the Keras model itself (`forward_tolerance`), relative to
max(1, max |value|) (values below 1 in size are compared absolutely).

Weights after optimizer steps.  An optimizer moves each weight by a function
of its gradient; when the two frameworks' gradients of a weight differ by a
relative error nu, their steps differ by at most nu times the step for SGD and
momentum (steps are linear in the gradient), and by less for RMSprop/Adam-like
optimizers (their steps divide the gradient by a running scale of itself).
But when the rounding noise of a gradient is as large as the gradient itself
(an exactly zero gradient in exact arithmetic: a bias before batch
normalization, the key bias of attention), nu >= 1: the sign and size of the
gradient are noise, an adaptive optimizer still takes a step of up to about
the learning rate, and the two frameworks may step in opposite directions by
different amounts.  So each weight gets

    |w_keras - w_torch| <= min(1, LAMBDA * nu) * (the sum over the steps of
                           |Keras's step| + |torch's step|) + 2 * steps * u * |w|

(with nu >= 1 this is the most two steps can differ: such a weight is only
checked to have moved no more than the two optimizers moved it), with
nu = (rounding noise of its gradient) / |its gradient| + the forward tolerance.
The rounding noise of each gradient element is measured, not guessed: the
torch module's float32 gradient differs from the same module's float64
gradient by its rounding error (`gradient_noise`), one sample of the noise
Keras's float32 gradient also carries; LAMBDA samples bound it as above.  The last term is
the rounding of the weights themselves (one per step in each framework).
"""

from __future__ import annotations

import math

import numpy as np

U32 = 2.0**-24  # float32 unit roundoff
LAMBDA = 8.0  # probabilistic rounding bound: P(error > LAMBDA sqrt(n) u) <= 2 exp(-32)

RECURRENT = ("LSTM", "GRU", "SimpleRNN", "Bidirectional")


def _fan_in(weight) -> int:
    """Terms summed per output element by a layer using this weight (an upper bound)."""
    shape = tuple(weight.shape)
    name = weight.path.rsplit("/", 1)[-1]
    if name in ("kernel", "recurrent_kernel", "depthwise_kernel", "pointwise_kernel") and len(shape) >= 2:
        return int(np.prod(shape[:-1]))
    return 0


def _positions(layer) -> int:
    """Positions a pooling or attention layer sums over (its input's non-batch, non-channel axes)."""
    try:
        shape = tuple(layer.input.shape) if not isinstance(layer.input, list) else tuple(layer.input[0].shape)
    except (AttributeError, ValueError):
        return 1
    return int(np.prod([d or 1 for d in shape[1:-1]])) if len(shape) > 2 else 1


def reduction_length(kmodel, x: dict, y: dict | None = None) -> int:
    """N: the summed reduction lengths along the network (see the module docstring):
    each layer's fan-in, times the steps of a recurrent layer; the positions a
    pooling or attention layer sums over; and, for losses, the label elements
    averaged.  Shared layers and sub-models count once per call; the number of
    steps is the longest axis 1 of the data."""
    import keras

    arrays = [np.asarray(a) for a in [*x.values(), *(y or {}).values()]]
    steps = max((a.shape[1] for a in arrays if a.ndim >= 2), default=1)
    batch = len(arrays[0])
    total = sum(a.size for a in (np.asarray(b) for b in (y or {}).values()))

    def walk(model, calls):
        nonlocal total
        for layer in model.layers:
            n_calls = calls * max(1, len(getattr(layer, "_inbound_nodes", [])))
            if isinstance(layer, keras.Model):
                walk(layer, n_calls)
                continue
            kind = type(layer).__name__
            n = max((_fan_in(w) for w in layer.weights), default=0)
            if kind in RECURRENT:
                n *= steps
            if "Pooling" in kind or kind in ("MultiHeadAttention", "LayerNormalization"):
                n += _positions(layer)
            if kind == "BatchNormalization":  # batch statistics in training
                n += batch * _positions(layer)
            total += n * n_calls

    walk(kmodel, 1)
    return max(total, 1)


def forward_tolerance(kmodel, x: dict, y: dict | None = None) -> float:
    """Relative tolerance, to max(1, max |value|), of outputs (and, given the
    labels y, of losses)."""
    return LAMBDA * math.sqrt(reduction_length(kmodel, x, y)) * U32


def gradient_noise(tmod, tmodel, x: dict, y: dict) -> dict:
    """{parameter name: (g, |g - g64|)}: each float32 gradient element of the
    training loss (graphc_runtime.torch's own forward and loss, on the batch x, y
    of NumPy arrays) and its rounding error, measured against the same module's
    gradient in float64."""
    import copy

    import torch
    from graphc_runtime.torch import trainer

    def grads(model, dtype):
        run = trainer._Run(tmod, model, device="cpu", training=True)
        xs, ys, ws = run.batch_tensors((x, y, None))
        xs = {k: v.to(dtype) if v.is_floating_point() else v for k, v in xs.items()}
        ys = {k: v.to(dtype) if v.is_floating_point() else v for k, v in ys.items()}
        run._prepare(xs, ys)
        model.train()
        model.zero_grad(set_to_none=True)
        preds = run.predictions(xs, run.forward)
        run._build(xs, ys, preds)
        total, _ = run.compute_losses(ys, preds, ws)
        total.backward()
        out = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}
        model.zero_grad(set_to_none=True)
        return out

    # copies: batch statistics move in train mode, and the trainer may adapt the model
    model64 = copy.deepcopy(tmodel).double()
    g = grads(copy.deepcopy(tmodel), torch.float32)
    # the runtime computes some values in float32 on purpose, as Keras does
    # (`x.float()`): in the reference run they stay float64
    to_float = torch.Tensor.float
    torch.Tensor.float = lambda t, *a, **k: t if t.dtype == torch.float64 else to_float(t, *a, **k)
    try:
        g64 = grads(model64, torch.float64)
    finally:
        torch.Tensor.float = to_float
    return {k: (g[k], (g[k].double() - g64[k]).abs().float()) for k in g}


def _nu(g, d, fwd_tol):
    """The relative rounding noise of each gradient element: d / |g| plus the forward
    tolerance.  A gradient that is exactly 0 in float32 and float64 alike has no terms
    (an unused embedding row, a dead unit): it is exact.  One that rounds to 0 in
    float32 only is all noise (d / |g| is then infinite)."""
    import torch

    exact_zero = (g == 0) & (d == 0)
    return torch.where(exact_zero, torch.zeros_like(g), d / g.abs().clamp_min(1e-30)) + fwd_tol


def weight_tolerances(noise: dict, moved: dict, weights: dict, n_steps: int, fwd_tol: float) -> dict:
    """{parameter name: per-element tolerance} (see the module docstring).

    noise: gradient_noise(); moved: {name: the sum over the steps of |Keras's step| +
    |torch's step|}; weights: {name: final torch weights}."""
    out = {}
    for name, w in weights.items():
        rounding = 2 * n_steps * U32 * w.abs()
        if name not in noise:  # no gradient (frozen): only the rounding of the weight itself
            out[name] = rounding + moved.get(name, 0 * w)
            continue
        g, d = noise[name]
        out[name] = (LAMBDA * _nu(g, d, fwd_tol)).clamp(max=1.0) * moved[name] + rounding
    return out


def noise_dominated(noise: dict, moved: dict, fwd_tol: float) -> tuple[int, int]:
    """(elements that moved with a gradient at its rounding noise, elements that moved)."""
    hit = total = 0
    for name, (g, d) in noise.items():
        m = moved[name] > 0
        hit += int(((LAMBDA * _nu(g, d, fwd_tol) >= 1) & m).sum())
        total += int(m.sum())
    return hit, total
