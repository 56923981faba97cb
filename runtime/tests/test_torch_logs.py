"""graphc_runtime.logs.format_logs: the epoch line both trainers print (no framework)."""

from __future__ import annotations

import pytest

logs = pytest.importorskip("graphc_runtime.logs")


def test_epoch_line_format():
    line = logs.format_logs(3, 10, {"loss": 0.12344, "digit_loss": 1.5, "val_loss": 2.0})
    assert line == "epoch 3/10 - loss: 0.1234 - digit_loss: 1.5000 - val_loss: 2.0000"


def test_values_as_keras_progress_bar_writes_them():
    # keras.src.utils.progbar: "%.4f" when abs(value) > 1e-3, else "%.4e"
    assert logs.format_value(0.0012) == "0.0012"
    assert logs.format_value(0.001) == "1.0000e-03"
    assert logs.format_value(-2.5e-5) == "-2.5000e-05"
    assert logs.format_value(0.0) == "0.0000e+00"
    assert logs.format_value(123.456789) == "123.4568"
    assert logs.format_value(float("nan")) == "nan"
    assert logs.format_value([0.5, 0.25]) == "[0.5000, 0.2500]"
    assert logs.format_value(True) == "True"


def test_importing_the_runtime_imports_no_framework():
    """The runtime installs without PyTorch or Keras: `import graphc_runtime.torch`
    and `import graphc_runtime.keras` must work there."""
    import subprocess
    import sys
    from pathlib import Path

    runtime = Path(__file__).resolve().parents[1]
    code = (
        "import sys, graphc_runtime.torch, graphc_runtime.keras, graphc_runtime.logs\n"
        "print(sorted({'torch', 'keras', 'tensorflow'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=runtime, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_both_targets_order_the_line_the_same_way():
    """loss, the outputs' losses in output order, the rest by name, then val_ likewise,
    whatever order a trainer logged them in (Keras-TF by name, the PyTorch trainer its own)."""
    outputs = ["large", "digit"]
    torch_order = {
        "loss": 1.0,
        "large_accuracy": 0.5,
        "digit_accuracy": 0.6,
        "large_loss": 0.3,
        "digit_loss": 0.7,
        "digit_loss_weight": 1.1,
        "val_loss": 2.0,
        "val_large_accuracy": 0.4,
        "val_digit_accuracy": 0.5,
        "val_large_loss": 0.2,
        "val_digit_loss": 1.8,
        "learning_rate": 0.01,
    }
    keras_order = dict(sorted(torch_order.items()))
    expected = [
        "loss",
        "large_loss",
        "digit_loss",
        "digit_accuracy",
        "digit_loss_weight",
        "large_accuracy",
        "learning_rate",
        "val_loss",
        "val_large_loss",
        "val_digit_loss",
        "val_digit_accuracy",
        "val_large_accuracy",
    ]
    for given in (torch_order, keras_order):
        ordered = logs.order_logs(given, outputs)
        assert list(ordered) == expected
        assert ordered == given  # the same values
    assert list(logs.order_logs({"accuracy": 1, "loss": 2}, ())) == ["loss", "accuracy"]
