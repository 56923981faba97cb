"""loss_weights="auto": total = sum_i(exp(-s_i) * L_i + s_i), s_i learned (Kendall, Gal & Cipolla 2018)."""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name):
    if str(FIXTURES) not in sys.path:
        sys.path.insert(0, str(FIXTURES))
    return importlib.import_module(name)


def test_the_loss_is_the_formula_over_kerass_own_losses():
    import keras
    from graphc_runtime.keras import build, compile_model

    scales = fixture("keras_scales")
    keras.utils.set_random_seed(0)
    model = compile_model(scales, build(scales))
    s = np.array([0.7, -1.3], "float32")
    model.loss_log_variances.assign(s)
    x, y = scales.task_data(32, 0)
    sw = np.linspace(0.0, 1.0, 32).astype("float32")
    pred = model(x, training=False)
    total = float(model.compute_loss(x, (y["big"], y["small"]), pred, sample_weight=(sw, None)))
    # The reference: Keras's loss objects, and the formula written out.
    big = float(keras.losses.MeanSquaredError()(y["big"], pred[0], sample_weight=sw))
    small = float(keras.losses.BinaryCrossentropy()(y["small"], pred[1]))
    expected = math.exp(-0.7) * big + 0.7 + math.exp(1.3) * small - 1.3
    # float32: each of the ~6 operations rounds by at most 2**-24 relative, the terms are
    # positive but s enters with both signs: |error| <= 6 * 2**-24 * (sum of |terms|).
    bound = 6 * 2**-24 * (math.exp(-0.7) * big + 0.7 + math.exp(1.3) * small + 1.3)
    assert abs(total - expected) <= bound
    assert big > 500 * small  # the two losses differ by orders of magnitude


def test_two_tasks_1000x_apart_both_learn_and_the_weights_are_logged_and_saved(tmp_path):
    import keras
    from graphc_runtime.keras import UncertaintyWeightedModel, fit

    scales = fixture("keras_scales")
    x, y = scales.task_data(1024, 0)
    vx, vy = scales.task_data(512, 1)
    lines = []
    h = fit(scales, data=(x, y), val_data=(vx, vy), epochs=10, seed=1, verbose=0, log=lines.append)
    first, last = (dict(p.split(": ") for p in line.split(" - ")[1:]) for line in (lines[0], lines[-1]))
    assert float(first["big_loss"]) > 1000 * float(first["small_loss"]) / 2  # 1000x apart at the start
    # Both learn.  big: an untrained model's MSE is the target variance (~1000); learnt, it is
    # a few units.  small: a linear rule, chance is 0.5.
    assert h.history["val_big_loss"][-1] < 0.01 * float(np.var(vy["big"]))
    assert h.history["val_small_accuracy"][-1] >= 0.9
    # The weights are exp(-s_i), logged every epoch; the minimum of exp(-s) L + s is at
    # exp(-s) = 1 / L, so the small loss gets the larger weight.
    weights = h.model.current_loss_weights()
    assert h.history["small_loss_weight"][-1] == pytest.approx(weights["small"])
    assert h.history["big_loss_weight"][-1] == pytest.approx(weights["big"])
    assert float(last["small_loss_weight"]) == pytest.approx(weights["small"], abs=5e-5)
    assert weights["small"] > 1.0 > weights["big"] * 1.2
    # Saved with the model.
    h.model.save(tmp_path / "scales.keras")
    loaded = keras.models.load_model(tmp_path / "scales.keras")
    assert isinstance(loaded, UncertaintyWeightedModel)
    assert loaded.current_loss_weights() == weights
    np.testing.assert_array_equal(loaded.predict(vx, verbose=0)[0], h.model.predict(vx, verbose=0)[0])
