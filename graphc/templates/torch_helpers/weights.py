"""Weight-copy helpers for `load_keras_weights`, included when used."""

import numpy as np


# %% helper: _gru_gates
def _gru_gates(a, axis):
    """Keras orders GRU gates (update z, reset r, candidate h); torch (r, z, n)."""
    z, r, h = np.split(a, 3, axis)
    return np.concatenate([r, z, h], axis)
