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


def test_importing_the_torch_runtime_does_not_import_torch():
    """The runtime installs without PyTorch: `import graphc_runtime.torch` must work there."""
    import subprocess
    import sys
    from pathlib import Path

    runtime = Path(__file__).resolve().parents[1]
    code = "import sys, graphc_runtime.torch, graphc_runtime.logs; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=runtime, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
