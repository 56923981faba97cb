"""graphc_runtime.torch.schedules against keras.optimizers.schedules.

Each schedule is evaluated at steps 0..STEPS-1 (past every boundary, decay
end, warmup end and restart of the configurations below) by Keras on
TensorFlow and by ours.  Ours repeats Keras's float32 operations; `+ - * /`,
sqrt and floor are correctly rounded on both sides, so the only differences
come from `pow`, `cos` and `log`, which TensorFlow takes from Eigen and we
from the C library: each may differ by an ulp (2^-24 relative to a value of
magnitude <= 1), and what follows scales it by at most the largest learning
rate of the configuration, lr_max, adding a rounding of its own.  Hence the
bound |keras - ours| <= 2^-22 * lr_max (four ulps of the largest value).
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

STEPS = 160

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.96}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 1e-3, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [10, 50, 100], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("PiecewiseConstantDecay", {"boundaries": [3], "values": [0.3, 0.7]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 100}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 30, "end_learning_rate": 0.01, "power": 0.5},
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 25, "power": 2.0, "cycle": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 100}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 60, "alpha": 0.1}),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 80,
            "warmup_target": 0.1,
            "warmup_steps": 20,
            "alpha": 0.05,
        },
    ),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.01, "decay_steps": 50, "warmup_target": 0.003, "warmup_steps": 7},
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 10}),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 9, "t_mul": 1.0, "m_mul": 0.8},
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 7, "t_mul": 1.5, "m_mul": 0.9, "alpha": 0.1},
    ),
]


def _case_id(case):
    name, kwargs = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


@pytest.fixture(scope="module")
def fw():
    keras = pytest.importorskip("keras")
    from graphc_runtime.torch import schedules

    return keras, schedules


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_schedule_matches_keras_at_every_step(fw, case):
    keras, schedules = fw
    name, kwargs = case
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    ours = getattr(schedules, name)(**kwargs)
    expected = np.array([float(np.asarray(theirs(step))) for step in range(STEPS)])
    got = np.array([ours(step) for step in range(STEPS)])
    assert all(isinstance(v, float) for v in got.tolist())
    scales = [kwargs.get(k) for k in ("initial_learning_rate", "end_learning_rate", "warmup_target")]
    lr_max = max(abs(v) for v in scales + list(kwargs.get("values", [])) if v is not None)
    if name == "PiecewiseConstantDecay":
        np.testing.assert_array_equal(got, expected)  # no arithmetic at all
    bound = 2.0**-22 * lr_max
    worst = float(np.abs(got - expected).max())
    assert worst <= bound, (worst, bound, int(np.abs(got - expected).argmax()))
    assert ours.get_config() == theirs.get_config()


def test_optimizer_evaluates_the_schedule_like_keras(fw):
    """Keras calls the schedule with its raw iteration count before the update
    (with gradient accumulation, the count includes accumulating calls)."""
    keras, schedules = fw
    torch = pytest.importorskip("torch")
    from graphc_runtime.torch import optim

    kwargs = {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}
    seen = []

    class Recording(schedules.ExponentialDecay):
        def __call__(self, step):
            seen.append(int(step))
            return super().__call__(step)

    p = torch.nn.Parameter(torch.ones(2))
    opt = optim.SGD([p], learning_rate=Recording(**kwargs), gradient_accumulation_steps=2)
    seen.clear()
    for _ in range(6):
        p.grad = torch.ones(2)
        opt.step()
    assert seen == [1, 3, 5]  # updates on the 2nd, 4th and 6th calls (Keras: `self._iterations`)
    assert opt.iterations == 3
    keras_schedule = keras.optimizers.schedules.ExponentialDecay(**kwargs)
    assert opt.param_groups[0]["lr"] == float(np.asarray(keras_schedule(5)))
