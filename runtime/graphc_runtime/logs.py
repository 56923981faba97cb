"""The one-line epoch summary both trainers print (no framework imports).

    epoch 3/10 - loss: 0.1234 - digit_loss: 0.1234 - digit_accuracy: 0.9612 - val_loss: 0.2031

Values are written as Keras's progress bar writes them: 4 decimals, or 4
significant digits in exponent notation when the magnitude is 1e-3 or less (0 too);
vector-valued metrics (per-class F1, several thresholds) as lists.

Both trainers print the logs in one order (`order_logs`): `loss`, the outputs'
losses in output order, every other value by name; then the same for `val_`.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["format_logs", "format_value", "order_logs"]


def format_value(value) -> str:
    """One logged value as text."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if abs(value) > 1e-3:
        return f"{value:.4f}"
    return f"{value:.4e}"


def format_logs(epoch: int, epochs: int, logs: dict) -> str:
    """`epoch N/M - name: value - ...`; `epoch` is the 1-based number printed."""
    parts = [f"epoch {epoch}/{epochs}"]
    parts += [f"{name}: {format_value(value)}" for name, value in logs.items()]
    return " - ".join(parts)


def order_logs(logs: dict, outputs=()) -> dict:
    """`logs` in the order the epoch line shows them: `loss`, `<output>_loss` in the
    order of `outputs`, the other training values by name (metrics, learned loss
    weights, the learning rate), then the `val_` values in the same order.  Keras on
    TensorFlow hands its callbacks the logs by name and the PyTorch trainer in its own
    order: this gives the two targets one line."""
    losses = {f"{o}_loss": i for i, o in enumerate(outputs)}

    def rank(key):
        val = key.startswith("val_")
        base = key[4:] if val else key
        if base == "loss":
            return (val, 0, 0, "")
        if base in losses:
            return (val, 1, losses[base], "")
        return (val, 2, 0, base)

    return {k: logs[k] for k in sorted(logs, key=rank)}
