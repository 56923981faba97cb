"""--checkpoint-dir / --resume: a resumed CPU run ends with the weights of an uninterrupted one.

The model has Dropout, so this also needs the random-generator states (which
`save_weights` leaves out), the optimizer state and the data order of the
remaining epochs; the callbacks' state (EarlyStopping's patience counter and best
value) must continue too.
"""

from __future__ import annotations

import importlib
import json
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


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    import keras
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    tiny = fixture("keras_tiny")
    x, y = data.synthetic(tiny, 72, 0)

    def stopper():  # never stops here (patience 50); its counters must carry over
        return keras.callbacks.EarlyStopping(monitor="val_loss", patience=50, restore_best_weights=True)

    def csv(path):
        return keras.callbacks.CSVLogger(str(path))

    kw = dict(data=(x, y), seed=3, verbose=0, validation_split=0.25, batch_size=16)
    whole_stop = stopper()
    whole = fit(
        tiny, epochs=4, checkpoint_dir=tmp_path / "a", callbacks=[whole_stop, csv(tmp_path / "a.csv")], **kw
    )
    fit(tiny, epochs=2, checkpoint_dir=tmp_path / "b", callbacks=[stopper(), csv(tmp_path / "b.csv")], **kw)
    state = json.loads((tmp_path / "b" / "state.json").read_text())
    assert state["epoch"] == 2
    lines = []
    resumed_stop = stopper()
    resumed = fit(
        tiny,
        epochs=4,
        checkpoint_dir=tmp_path / "b",
        resume=True,
        callbacks=[resumed_stop, csv(tmp_path / "b.csv")],
        log=lines.append,
        **kw,
    )
    assert [line.split(" - ")[0] for line in lines] == ["epoch 3/4", "epoch 4/4"]
    assert resumed.history["loss"] == whole.history["loss"][2:]
    a, b = whole.model.get_weights(), resumed.model.get_weights()
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    opt_a = [v.numpy() for v in whole.model.optimizer.variables]
    opt_b = [v.numpy() for v in resumed.model.optimizer.variables]
    assert all(np.array_equal(p, q) for p, q in zip(opt_a, opt_b))
    assert (whole_stop.wait, whole_stop.best, whole_stop.best_epoch) == (
        resumed_stop.wait,
        resumed_stop.best,
        resumed_stop.best_epoch,
    )
    assert all(np.array_equal(p, q) for p, q in zip(whole_stop.best_weights, resumed_stop.best_weights))
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()  # the log continued

    # Nothing left to do: a third run returns at once.
    again = fit(tiny, epochs=4, checkpoint_dir=tmp_path / "b", resume=True, log=lines.append, **kw)
    assert again.history.get("loss", []) == []
    assert lines[-1].endswith("already trained for 4 epochs (of 4)")


def test_resume_refuses_a_checkpoint_of_another_model(tmp_path):
    from graphc_runtime import data
    from graphc_runtime.cli import UsageError
    from graphc_runtime.keras import fit

    tiny, scales = fixture("keras_tiny"), fixture("keras_scales")
    fit(tiny, data=data.synthetic(tiny, 16, 0), epochs=1, checkpoint_dir=tmp_path, verbose=0)
    with pytest.raises(UsageError, match="the checkpoint is of model 'tiny', not 'scales'"):
        fit(scales, data=scales.task_data(16, 0), epochs=2, checkpoint_dir=tmp_path, resume=True, verbose=0)


def test_resume_without_a_checkpoint_starts_from_the_beginning(tmp_path):
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    tiny = fixture("keras_tiny")
    h = fit(
        tiny,
        data=data.synthetic(tiny, 16, 0),
        epochs=1,
        checkpoint_dir=tmp_path / "new",
        resume=True,
        verbose=0,
    )
    assert len(h.history["loss"]) == 1
    assert json.loads((tmp_path / "new" / "state.json").read_text())["epoch"] == 1
