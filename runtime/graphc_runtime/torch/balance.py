"""Automatic loss weights: LOSS_WEIGHTS = "auto".

Homoscedastic task uncertainty (Kendall, Gal and Cipolla, "Multi-Task Learning
Using Uncertainty to Weigh Losses for Scene Geometry and Semantics", CVPR
2018): one learned log-variance `s_i` per output, initialised to 0, and

    total = sum_i exp(-s_i) * L_i + s_i

optimised with the model's optimizer.  The weight of output i is exp(-s_i)
(logged as `<output>_loss_weight`); at the optimum exp(-s_i) = 1 / L_i, so
outputs whose losses differ by orders of magnitude are brought to the same
scale.  The `+ s_i` term keeps the weights from collapsing to 0.
"""

from __future__ import annotations

import torch
from torch import nn


class UncertaintyWeights(nn.Module):
    def __init__(self, names):
        super().__init__()
        self.names = list(names)
        self.log_vars = nn.Parameter(torch.zeros(len(self.names)))

    def forward(self, losses: dict):
        """The weighted total of `losses` ({output: scalar loss})."""
        total = None
        for i, name in enumerate(self.names):
            s = self.log_vars[i]
            term = torch.exp(-s) * losses[name] + s
            total = term if total is None else total + term
        return total

    def weights(self) -> dict:
        """{output: exp(-s)}, the current weight of each output's loss."""
        with torch.no_grad():
            w = torch.exp(-self.log_vars.detach().float()).cpu().tolist()
        return dict(zip(self.names, w))
