"""End to end: examples/digits (prepare.py's data, digits.gdl's module) through the command line.

Held-out (test split, never seen in training or early stopping) accuracy of the
`digit` output must reach 95 %, and the saved model must reload and predict
exactly what the trained one does.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_example_end_to_end(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sklearn", reason="scikit-learn (the digits data) is not installed")
    import keras

    prepare = load_file("digits_prepare", ROOT / "examples" / "digits" / "prepare.py")
    sys.path.insert(0, str(HERE / "fixtures"))
    digits = importlib.import_module("keras_digits")

    sizes = prepare.write(str(tmp_path / "data"))
    assert sizes == {"train": 1258, "val": 269, "test": 270}  # 1,797 images, 70/15/15 per class
    test = np.load(tmp_path / "data" / "test.npz")

    monkeypatch.chdir(tmp_path)  # the GDL callbacks write best.keras and log.csv here
    h = digits.main(
        ["--data", "data/train.npz", "--val-data", "data/val.npz", "--epochs", "12", "--seed", "0", "--quiet"]
        + ["--save", "digits.keras"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("epoch 1/12 - loss: ") and lines[-1] == "saved digits.keras"

    predicted = h.model.predict({"pixels": test["pixels"]}, verbose=0)
    accuracy = float(np.mean(predicted[0].argmax(-1) == test["digit"]))
    assert accuracy >= 0.95, accuracy
    large = float(np.mean((predicted[1] > 0.5) == (test["large"] > 0.5)))
    assert large >= 0.9, large

    loaded = keras.models.load_model("digits.keras")
    again = loaded.predict({"pixels": test["pixels"]}, verbose=0)
    for p, q in zip(again, predicted):
        np.testing.assert_array_equal(p, q)

    # The GDL fit(callbacks=[...]) ran: the best model so far and one CSV row per epoch.
    assert (tmp_path / "best.keras").exists()
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(h.history["loss"]) and "val_digit_accuracy" in rows[0]
    print(f"digits: held-out accuracy {accuracy:.4f} (digit), {large:.4f} (large) after {len(rows)} epochs")
