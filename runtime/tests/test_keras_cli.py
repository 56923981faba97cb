"""graphc_runtime.cli (the shared command line) and graphc_runtime.keras.main."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from graphc_runtime import cli
from graphc_runtime.data import DataError

HERE = Path(__file__).resolve().parent
RUNTIME = HERE.parent
ROOT = RUNTIME.parent
FIXTURES = HERE / "fixtures"

MODULE = types.SimpleNamespace(
    __doc__="Keras 3 model `m`.\n\nMore.", FIT_DEFAULTS={"epochs": 7, "batch_size": 64}
)


def fixture(name):
    if str(FIXTURES) not in sys.path:
        sys.path.insert(0, str(FIXTURES))
    return importlib.import_module(name)


# ------------------------------------------------------------------ the parser (fast)


def test_common_flags_and_defaults_from_fit():
    args = cli.parse_args(
        MODULE, ["--epochs", "3", "--data", "t.npz", "--val-data", "v", "--seed", "1"], "keras"
    )
    assert (args.epochs, args.batch_size, args.data, args.val_data, args.seed) == (3, None, "t.npz", "v", 1)
    kw = cli.fit_kwargs(args)
    assert kw["epochs"] == 3 and kw["batch_size"] is None  # None: the module's FIT_DEFAULTS
    help_text = cli.build_parser(MODULE, "keras").format_help()
    assert "Keras 3 model `m`." in help_text and "default 7" in help_text and "default 64" in help_text


def test_target_specific_flags():
    k = cli.parse_args(MODULE, ["--mixed-precision", "--distribute", "multi-worker"], "keras")
    assert (k.mixed_precision, k.distribute) == ("bf16", "multi-worker")
    assert cli.parse_args(MODULE, ["--mixed-precision", "fp16"], "keras").mixed_precision == "fp16"
    t = cli.parse_args(MODULE, ["--device", "cuda:1", "--amp", "--compile"], "torch")
    assert (t.device, t.amp, t.compile) == ("cuda:1", "bf16", True)
    for argv, target in ((["--amp"], "keras"), (["--distribute", "mirrored"], "torch")):
        with pytest.raises(SystemExit) as e:
            cli.parse_args(MODULE, argv, target)
        assert e.value.code == 2


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--resume"], "--resume needs --checkpoint-dir"),
        (["--epochs", "0"], "expected a number >= 1"),
        (["--batch-size", "x"], "expected a whole number"),
        (["--validation-split", "1.5"], "expected a fraction in [0, 1)"),
        (["--mixed-precision", "fp8"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        cli.parse_args(MODULE, argv, "keras")
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_user_errors_are_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.delenv("GRAPHC_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as e:
        with cli.user_errors():
            raise DataError("train.npz: missing target 'digit' (it has: pixels)")
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith(
        "error: train.npz: missing target 'digit' (it has: pixels)\n"
    )
    monkeypatch.setenv("GRAPHC_TRACEBACK", "1")
    with pytest.raises(cli.UsageError):
        with cli.user_errors():
            raise cli.UsageError("shown with its traceback")


# ------------------------------------------------------------------ keras main (slow)


@pytest.mark.slow
def test_main_trains_saves_and_prints_one_line_per_epoch(tmp_path, capsys):
    import keras
    from graphc_runtime import data

    tiny = fixture("keras_tiny")
    x, y = data.synthetic(tiny, 40, 0)
    np.savez(tmp_path / "train.npz", **x, **y)
    h = tiny.main(
        ["--data", str(tmp_path / "train.npz"), "--epochs", "2", "--seed", "0", "--quiet"]
        + ["--validation-split", "0.25", "--save", str(tmp_path / "m.keras")]
    )
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in out[:2]] == ["epoch 1/2", "epoch 2/2"]
    assert "val_loss: " in out[1] and out[2] == f"saved {tmp_path / 'm.keras'}"
    loaded = keras.models.load_model(tmp_path / "m.keras")
    for p, q in zip(loaded.predict(x, verbose=0), h.model.predict(x, verbose=0)):
        np.testing.assert_array_equal(p, q)


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv,message",
    [
        (["--data", "{tmp}/nope.npz"], "{tmp}/nope.npz: no such file or directory"),
        (
            ["--data", "{tmp}/bad.npz"],
            "{tmp}/bad.npz: target 'label': class ids must lie in [0, 3) for sparse_categorical_crossentropy; "
            "row 3 has 3",
        ),
        (["--save", "{tmp}/model.h5"], "--save {tmp}/model.h5: the name must end in .keras or .weights.h5"),
    ],
)
def test_main_user_errors_are_one_line(tmp_path, capsys, monkeypatch, argv, message):
    from graphc_runtime import data

    monkeypatch.delenv("GRAPHC_TRACEBACK", raising=False)
    tiny = fixture("keras_tiny")
    x, y = data.synthetic(tiny, 8, 0)
    y["label"][3] = 3
    np.savez(tmp_path / "bad.npz", **x, **y)
    with pytest.raises(SystemExit) as e:
        tiny.main([a.format(tmp=tmp_path) for a in argv] + ["--quiet"])
    assert e.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].endswith("error: " + message.format(tmp=tmp_path)), err


@pytest.mark.slow
def test_the_module_as_a_program(tmp_path):
    """`python OUT.py` with data that does not fit: exit status 2, one error line, no traceback."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(RUNTIME), str(ROOT)]),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    env.pop("GRAPHC_TRACEBACK", None)
    np.savez(tmp_path / "d.npz", features=np.zeros((4, 6), "float32"))
    r = subprocess.run(
        [sys.executable, str(FIXTURES / "keras_tiny.py"), "--data", str(tmp_path / "d.npz")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        f"keras_tiny.py: error: {tmp_path / 'd.npz'}: missing input 'tokens' (it has: features)"
    )
