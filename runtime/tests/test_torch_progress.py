"""The progress bar: drawn on terminals only, with running values; gone at epoch end."""

from __future__ import annotations

import io

import pytest

P = pytest.importorskip("graphc_runtime.torch.progress")

pytestmark = pytest.mark.slow  # imports torch (graphc_runtime.torch)


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("use_rich", [False, True])
def test_bar_on_a_terminal(use_rich, monkeypatch):
    if use_rich:
        pytest.importorskip("rich")
    monkeypatch.setattr(P, "REFRESH_S", 0.0)
    stream = Tty()
    bar = P.Progress(enabled=True, stream=stream)
    if not use_rich:
        bar._rich = None
    bar.epoch_start(0, 2, 4)
    for i in range(4):
        bar.step(i + 1, lambda: {"loss": 0.5, "digit_accuracy": 0.25})
    text = stream.getvalue()
    assert "epoch 1/2" in text and "4/4" in text and "loss: 0.5000 - digit_accuracy: 0.2500" in text
    bar.epoch_end()
    if not use_rich:
        assert stream.getvalue().endswith("\r\x1b[K")  # the line is cleared


def test_no_bar_in_pipes_or_when_quiet():
    stream = io.StringIO()
    for bar in (P.Progress(enabled=True, stream=stream), P.Progress(enabled=False, stream=Tty())):
        bar.epoch_start(0, 1, 2)
        bar.step(1, lambda: {"loss": 1.0})
        bar.epoch_end()
    assert stream.getvalue() == ""
