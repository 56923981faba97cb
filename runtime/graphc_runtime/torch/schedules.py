"""Keras 3's learning-rate schedules (`keras.optimizers.schedules`), for the
optimizers of `graphc_runtime.torch.optim`.

Each class takes Keras's arguments with Keras's defaults, and `schedule(step)`
returns, as a Python float, the float32 value Keras returns for that step: the
arithmetic is Keras's, operation for operation, in float32 (NumPy float32
scalars).  `+ - * /`, `sqrt` and `floor` are correctly rounded, so they agree
bit for bit; `pow`, `cos` and `log` come from the C library here and from
Eigen in TensorFlow, which may differ in the last bit (one float32 ulp) of
such an intermediate.

An optimizer of `graphc_runtime.torch.optim` created with a schedule as its
`learning_rate` evaluates it, as Keras does, at its raw iteration count before
the update: the first update uses `schedule(0)`; with
`gradient_accumulation_steps=k` the count includes the accumulating calls
(updates use `schedule(k - 1)`, `schedule(2k - 1)`, ...).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
]

_f32 = np.float32


def _step(step) -> int:
    """The optimizer's iteration count as an int (Keras's int64 variable)."""
    if hasattr(step, "item"):
        step = step.item()
    return int(step)


class LearningRateSchedule:
    """Base class (keras.optimizers.schedules.LearningRateSchedule): subclasses
    define `__call__(step)` returning the learning rate for an iteration count."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()`."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


def _positive_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (the exponent
    floored when `staircase`)."""

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _positive_steps("decay_steps", decay_steps)

    def __call__(self, step):
        p = _f32(_step(step)) / _f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return float(_f32(self.initial_learning_rate) * np.power(_f32(self.decay_rate), p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, `values[-1]` after the last."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = _step(step)
        # Keras casts the boundaries to the step's integer dtype (truncation)
        bounds = [int(b) for b in self.boundaries]
        if step <= bounds[0]:
            return float(_f32(self.values[0]))
        if step > bounds[-1]:
            return float(_f32(self.values[-1]))
        for low, high, value in zip(bounds[:-1], bounds[1:], self.values[1:-1]):
            if low < step <= high:
                return float(_f32(value))
        return 0.0  # unreachable for increasing boundaries; Keras's sum of indicators is 0 too

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end`, the step
    clamped to `decay_steps` (or `decay_steps` stretched to the next multiple
    when `cycle`)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _positive_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial = _f32(self.initial_learning_rate)
        end = _f32(self.end_learning_rate)
        power = _f32(self.power)
        global_step = _f32(_step(step))
        decay_steps = _f32(self.decay_steps)
        if self.cycle:
            if global_step == 0:
                multiplier = _f32(1.0)
            else:
                multiplier = np.ceil(global_step / _f32(self.decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            global_step = np.minimum(global_step, decay_steps)
        p = global_step / decay_steps
        return float((initial - end) * np.power(_f32(1) - p, power) + end)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (the
    quotient floored when `staircase`)."""

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _positive_steps("decay_steps", decay_steps)

    def __call__(self, step):
        p = _f32(_step(step)) / _f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        denom = _f32(1) + _f32(self.decay_rate) * p
        return float(_f32(self.initial_learning_rate) / denom)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` (or, after a linear warmup of
    `warmup_steps` to `warmup_target`, from `warmup_target`) to
    `alpha * that` over `decay_steps` steps."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _positive_steps("decay_steps", decay_steps)

    def _decay(self, step, decay_steps, decay_from_lr):
        completed_fraction = step / decay_steps
        cosine_decayed = _f32(0.5) * (_f32(1.0) + np.cos(_f32(math.pi) * completed_fraction))
        # (1 - alpha) is Python arithmetic in Keras, rounded to float32 once
        decayed = _f32(1 - self.alpha) * cosine_decayed + _f32(self.alpha)
        return decay_from_lr * decayed

    def __call__(self, step):
        initial = _f32(self.initial_learning_rate)
        decay_steps = _f32(self.decay_steps)
        global_step = _f32(_step(step))
        if self.warmup_target is None:
            global_step = np.minimum(global_step, decay_steps)
            return float(self._decay(global_step, decay_steps, initial))
        warmup_target = _f32(self.warmup_target)
        warmup_steps = _f32(self.warmup_steps)
        global_step = np.minimum(global_step, decay_steps + warmup_steps)
        if global_step < warmup_steps:
            completed_fraction = global_step / warmup_steps
            return float((warmup_target - initial) * completed_fraction + initial)
        return float(self._decay(global_step - warmup_steps, decay_steps, warmup_target))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods of `first_decay_steps`,
    each `t_mul` times longer than the last, peaks multiplied by `m_mul`."""

    def __init__(
        self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"
    ):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _positive_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        initial = _f32(self.initial_learning_rate)
        first_decay_steps = _f32(self.first_decay_steps)
        alpha = _f32(self.alpha)
        t_mul = _f32(self._t_mul)
        m_mul = _f32(self._m_mul)
        one = _f32(1.0)
        completed_fraction = _f32(_step(step)) / first_decay_steps
        if t_mul == one:
            i_restart = np.floor(completed_fraction)
            completed_fraction = completed_fraction - i_restart
        else:
            i_restart = np.floor(np.log(one - completed_fraction * (one - t_mul)) / np.log(t_mul))
            sum_r = (one - np.power(t_mul, i_restart)) / (one - t_mul)
            completed_fraction = (completed_fraction - sum_r) / np.power(t_mul, i_restart)
        m_fac = np.power(m_mul, i_restart)
        cosine_decayed = _f32(0.5) * m_fac * (one + np.cos(_f32(math.pi) * completed_fraction))
        decayed = (one - alpha) * cosine_decayed + alpha
        return float(initial * decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
