"""graphc_runtime.torch.fit/evaluate/predict: Keras's fit semantics, checkpoints
and exact resumption, determinism, mixed precision, automatic loss weights,
channels-first outputs, torch data sets and the command line.

The fit-vs-Keras tests train the same two-head MLP (weights copied from the
Keras model) with plain SGD, which updates identically in both frameworks
for a constant learning rate (parity.md section 8: 7.5e-9 after 3 steps), and
compare every logged value.  Tolerance: each logged value is a float32 mean
over at most 32 samples computed from weights that have taken at most 12 SGD
steps; the weights drift by <= 12 steps x ~1e-7 relative rounding each (1.2e-6),
and a loss of order 1 with gradients of order 1 moves by the same relative
amount, plus the summation-order error of the running means (log2(32) x 6e-8):
1e-5 relative leaves a margin of ~5x.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
T = pytest.importorskip("graphc_runtime.torch")
from graphc_runtime.torch import callbacks as C  # noqa: E402
from graphc_runtime.torch import losses as L  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fixtures import cnn_segment, lstm_text, mlp_two_heads, two_scales  # noqa: E402

pytestmark = pytest.mark.slow
RTOL = 1e-5
RUNTIME = HERE.parent


def _variant(base, **overrides):
    """A copy of a fixture module with some names replaced."""
    m = types.ModuleType(base.__name__ + "_variant")
    m.__dict__.update({k: v for k, v in vars(base).items() if not k.startswith("__")})
    m.__dict__.update(overrides)
    return m


def _mlp_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = {"x": rng.normal(size=(n, 6)).astype("float32"), "tag": rng.normal(size=(n, 2)).astype("float32")}
    y = {
        "digit": rng.integers(0, 3, size=(n,)).astype("int32"),
        "score": rng.normal(size=(n, 1)).astype("float32"),
    }
    return x, y


def _final_weights(history):
    return {k: v.detach().clone() for k, v in history.model.module.state_dict().items()}


def _assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


# --------------------------------------------------------------------------
# Keras's fit semantics, against Keras


def _keras_two_heads(keras, heads=("digit", "score")):
    x = keras.Input((6,), name="x")
    tag = keras.Input((2,), name="tag")
    h = keras.layers.Concatenate()([x, tag])
    h = keras.layers.Dense(
        16, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3), name="hidden"
    )(h)
    outs = {}
    if "digit" in heads:
        outs["digit"] = keras.layers.Dense(3, activation="softmax", name="digit")(h)
    if "score" in heads:
        outs["score"] = keras.layers.Dense(1, name="score", kernel_constraint=keras.constraints.MaxNorm(2.0))(
            h
        )
    return keras.Model({"x": x, "tag": tag}, outs if len(outs) > 1 else outs["digit"])


def _copy_keras_weights(kmodel, tmodel):
    with torch.no_grad():
        for name in ("hidden", "digit", "score"):
            try:
                layer = kmodel.get_layer(name)
            except ValueError:
                continue
            kernel, bias = layer.get_weights()
            getattr(tmodel, name).weight.copy_(torch.as_tensor(kernel.T))
            getattr(tmodel, name).bias.copy_(torch.as_tensor(bias))


class _SingleHead(mlp_two_heads.TwoHeads):
    def forward(self, x, tag, logits=False):
        return super().forward(x, tag, logits=logits)[0]


@pytest.mark.parametrize("weights", ["none", "shared", "per_output"])
def test_fit_logs_match_keras(weights):
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(1)
    kmodel = _keras_two_heads(keras)
    kmodel.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss={"digit": "sparse_categorical_crossentropy", "score": "mse"},
        loss_weights={"digit": 1.0, "score": 0.5},
        metrics={"digit": ["accuracy"], "score": ["mae"]},
    )
    tmodel = mlp_two_heads.TwoHeads(dropout=0.0)
    _copy_keras_weights(kmodel, tmodel)
    x, y = _mlp_data()
    rng = np.random.default_rng(3)
    sw = None
    if weights == "shared":
        sw = rng.uniform(0, 2, size=(40,)).astype("float32")
    elif weights == "per_output":
        sw = {
            "digit": rng.uniform(0, 2, size=(40,)).astype("float32"),
            "score": rng.uniform(0, 2, size=(40,)).astype("float32"),
        }
    args = dict(batch_size=8, epochs=3, validation_split=0.2, shuffle=False)
    kh = kmodel.fit(x, y, sample_weight=sw, verbose=0, **args).history
    module = _variant(
        mlp_two_heads,
        METRICS={"digit": ["accuracy"], "score": ["mae"]},
        make_optimizer=lambda m: torch.optim.SGD(m.parameters(), lr=0.1),
    )
    th = T.fit(module, tmodel, (x, y), sample_weight=sw, quiet=True, **args).history
    # the same names (Keras-TF orders them alphabetically, graphc puts loss first)
    assert sorted(th) == sorted(kh), (list(th), list(kh))
    for key in kh:
        np.testing.assert_allclose(th[key], kh[key], rtol=RTOL, atol=1e-7, err_msg=key)


def test_class_weight_single_output_matches_keras():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(2)
    kmodel = _keras_two_heads(keras, heads=("digit",))
    kmodel.compile(
        optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["acc"]
    )
    tmodel = _SingleHead(dropout=0.0)
    _copy_keras_weights(kmodel, tmodel)
    x, y = _mlp_data()
    cw = {0: 0.5, 1: 2.0, 2: 1.5}
    args = dict(batch_size=16, epochs=2, validation_split=0.25, shuffle=False, class_weight=cw)
    kh = kmodel.fit(x, y["digit"], verbose=0, **args).history
    module = _variant(
        mlp_two_heads,
        OUTPUT_SPECS={"digit": ((), "sparse", 3)},
        LOSSES={"digit": "sparse_categorical_crossentropy"},
        LOSS_WEIGHTS={"digit": 1.0},
        METRICS={"digit": ["acc"]},
        make_optimizer=lambda m: torch.optim.SGD(m.parameters(), lr=0.1),
    )
    th = T.fit(module, tmodel, (x, {"digit": y["digit"]}), quiet=True, **args).history
    assert sorted(th) == sorted(kh)
    for key in kh:
        np.testing.assert_allclose(th[key], kh[key], rtol=RTOL, atol=1e-7, err_msg=key)


def test_steps_per_epoch_continues_like_keras():
    """With steps_per_epoch, Keras's epochs continue through the data and end early
    when a pass runs out; the batches must be the same ones."""
    pytest.importorskip("keras")
    from graphc_runtime.torch import batches
    from keras.src.trainers.epoch_iterator import EpochIterator as KerasIterator

    n, bs = 21, 4
    for steps in (2, 3, 7, None):
        kit = KerasIterator(x=np.arange(n), batch_size=bs, steps_per_epoch=steps, shuffle=False)
        ours = batches.EpochIterator(batches.ArraySource({"i": np.arange(n)}, {}), bs, steps)
        for _ in range(5):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # both warn when a pass runs out mid-epoch
                kb = [
                    np.asarray(data[0][0] if isinstance(data[0], tuple) else data[0]).tolist()
                    for _, _, data in kit
                ]
                tb = [batch[0]["i"].tolist() for _, batch in ours.epoch()]
            assert tb == kb, (steps, tb, kb)


# --------------------------------------------------------------------------
# checkpoints, resumption, determinism


def _resume_callbacks(tmp_path, schedule=False):
    return [
        C.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
        *(
            []
            if schedule
            else [C.ReduceLROnPlateau(monitor="val_digit_loss", patience=1, factor=0.5, min_delta=0.5)]
        ),
        C.CSVLogger(str(tmp_path / "log.csv")),
    ]


def _optimizer_module(name):
    if name == "torch.optim.Adam":
        return mlp_two_heads
    optim = pytest.importorskip("graphc_runtime.torch.optim")
    schedules = pytest.importorskip("graphc_runtime.torch.schedules")
    if name == "optim.Adam":
        return _variant(
            mlp_two_heads, make_optimizer=lambda m: optim.Adam(m.parameters(), learning_rate=0.01)
        )
    return _variant(
        mlp_two_heads,
        make_optimizer=lambda m: optim.RMSprop(
            m.parameters(), learning_rate=schedules.ExponentialDecay(0.01, 3, 0.5)
        ),
    )


@pytest.mark.filterwarnings("ignore:Your input ran out of data")
@pytest.mark.parametrize("optimizer", ["torch.optim.Adam", "optim.Adam", "optim.RMSprop+schedule"])
def test_resume_continues_bit_identically(tmp_path, optimizer):
    """2 epochs, then resume for 2 more == 4 straight epochs: same weights to the bit,
    same history, same CSV rows (dropout, shuffling and steps_per_epoch carry-over on),
    with torch's Adam and the runtime's Keras optimizers (a schedule's learning rate
    cannot be set: no ReduceLROnPlateau there, as in Keras)."""
    module = _optimizer_module(optimizer)
    schedule = "schedule" in optimizer
    x, y = _mlp_data(n=50)
    args = dict(batch_size=8, steps_per_epoch=4, validation_split=0.2, seed=7, quiet=True)
    straight_dir = tmp_path / "straight"
    straight_dir.mkdir()
    straight = T.fit(
        module, data=(x, y), epochs=4, callbacks=_resume_callbacks(straight_dir, schedule), **args
    )

    split_dir = tmp_path / "split"
    split_dir.mkdir()
    ckpt = tmp_path / "ckpt"
    T.fit(
        module,
        data=(x, y),
        epochs=2,
        checkpoint_dir=ckpt,
        callbacks=_resume_callbacks(split_dir, schedule),
        **args,
    )
    assert (ckpt / "last.pt").exists()
    # a fresh process would rebuild everything: other initial weights and generators too
    torch.manual_seed(12345)
    np.random.seed(54321)
    resumed = T.fit(
        module,
        data=(x, y),
        epochs=4,
        checkpoint_dir=ckpt,
        resume=True,
        callbacks=_resume_callbacks(split_dir, schedule),
        **args,
    )
    _assert_same_weights(_final_weights(resumed), _final_weights(straight))
    assert resumed.history == straight.history
    assert (split_dir / "log.csv").read_text() == (straight_dir / "log.csv").read_text()
    assert len(list(csv.reader(open(split_dir / "log.csv")))) == 5


def test_seeded_cpu_runs_are_repeatable():
    x, y = _mlp_data()
    a = T.fit(mlp_two_heads, data=(x, y), epochs=2, seed=3, quiet=True)
    b = T.fit(mlp_two_heads, data=(x, y), epochs=2, seed=3, quiet=True)
    c = T.fit(mlp_two_heads, data=(x, y), epochs=2, seed=4, quiet=True)
    _assert_same_weights(_final_weights(a), _final_weights(b))
    assert a.history == b.history
    assert not torch.equal(_final_weights(a)["hidden.weight"], _final_weights(c)["hidden.weight"])


def test_backup_and_restore_resumes_after_a_crash(tmp_path):
    x, y = _mlp_data()

    class Crash(C.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    backup = tmp_path / "backup"
    straight = T.fit(mlp_two_heads, data=(x, y), epochs=3, seed=1, quiet=True)
    with pytest.raises(KeyboardInterrupt):
        T.fit(
            mlp_two_heads,
            data=(x, y),
            epochs=3,
            seed=1,
            quiet=True,
            callbacks=[C.BackupAndRestore(backup), Crash()],
        )
    assert (backup / "latest.pt").exists()
    resumed = T.fit(
        mlp_two_heads, data=(x, y), epochs=3, seed=1, quiet=True, callbacks=[C.BackupAndRestore(backup)]
    )
    assert not backup.exists()  # deleted at the end, as Keras does
    _assert_same_weights(_final_weights(resumed), _final_weights(straight))
    assert resumed.history["loss"] == straight.history["loss"]


# --------------------------------------------------------------------------
# mixed precision


def test_amp_bf16_on_cpu_trains_an_lstm_and_losses_are_float32():
    seen = []

    class Spy(L.BinaryCrossentropy):
        def call(self, y_true, y_pred):
            seen.append(y_pred.dtype)
            return super().call(y_true, y_pred)

    module = _variant(lstm_text, LOSSES={"flag": Spy()})
    model = lstm_text.build_model()
    h = T.fit(module, model, epochs=2, seed=0, amp="bf16", quiet=True)
    assert all(np.isfinite(h.history["loss"]))
    assert seen and set(seen) == {torch.float32}
    assert "forward" not in model.lstm.__dict__  # the float32 patch is removed after fit
    with torch.autocast("cpu", dtype=torch.bfloat16), pytest.raises(RuntimeError, match="primitive"):
        model.lstm(torch.zeros(2, 3, 8))  # what the patch avoids (PyTorch 2.x on oneDNN)


def test_fp16_needs_cuda():
    with pytest.raises(ValueError, match="needs a CUDA device"):
        T.fit(mlp_two_heads, epochs=1, amp="fp16", device="cpu", quiet=True)


# --------------------------------------------------------------------------
# automatic loss weights


def test_auto_loss_weights_learn_two_tasks_1000x_apart():
    data = two_scales.data(128)
    h = T.fit(two_scales, two_scales.build_model(), data, epochs=30, seed=0, quiet=True).history
    big, small = np.array(h["big_loss"]), np.array(h["small_loss"])
    assert big[0] / small[0] > 1000  # the premise: scales ~1000x apart
    assert big[-1] < 0.05 * big[0] and small[-1] < 0.5 * small[0]  # both tasks learn
    wb, ws = np.array(h["big_loss_weight"]), np.array(h["small_loss_weight"])
    assert wb[0] < 1.0 < ws[0]  # weights move the right way from exp(0) = 1 at once
    assert ws[-1] / wb[-1] > 5  # the small task's loss ends up weighted >5x more than the big one's


def test_auto_loss_weights_are_checkpointed(tmp_path):
    data = two_scales.data(64)
    h = T.fit(
        two_scales, two_scales.build_model(), data, epochs=2, seed=0, quiet=True, checkpoint_dir=tmp_path
    )
    payload = torch.load(tmp_path / "last.pt", weights_only=False)
    s = payload["balancer"]["log_vars"]
    np.testing.assert_allclose(
        np.exp(-s.numpy()), [h.history["big_loss_weight"][-1], h.history["small_loss_weight"][-1]], rtol=1e-6
    )
    # the balancer's parameters are a group of the model's optimizer
    assert len(payload["optimizer"]["param_groups"]) == 2


# --------------------------------------------------------------------------
# layouts and data sources


def test_channels_first_outputs_give_keras_losses_and_channels_last_predictions():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = {"image": rng.normal(size=(10, 6, 6, 2)).astype("float32")}
    y = {
        "mask": np.eye(3, dtype="float32")[rng.integers(0, 3, size=(10, 6, 6))],
        "flag": rng.integers(0, 2, size=(10, 1)).astype("float32"),
    }
    torch.manual_seed(0)
    model = cnn_segment.build_model()
    logs = T.evaluate(cnn_segment, model, (x, y), batch_size=4)
    pred = T.predict(cnn_segment, model, x, batch_size=4)
    assert pred["mask"].shape == (10, 6, 6, 3) and pred["flag"].shape == (10, 1)
    np.testing.assert_allclose(pred["mask"].sum(-1), 1.0, rtol=1e-6)
    # Keras computes the same losses and metrics from the channels_last predictions
    # (moderate logits: the fused and clipped forms agree to float32 rounding)
    kmask = keras.losses.CategoricalCrossentropy()
    kflag = keras.losses.BinaryCrossentropy()
    parts = {"mask_loss": [], "flag_loss": []}
    for i in range(0, 10, 4):
        s = slice(i, i + 4)
        parts["mask_loss"].append((float(kmask(y["mask"][s], pred["mask"][s])), len(y["mask"][s])))
        parts["flag_loss"].append((float(kflag(y["flag"][s], pred["flag"][s])), len(y["flag"][s])))
    for key, vals in parts.items():
        expected = sum(v * n for v, n in vals) / 10
        assert logs[key] == pytest.approx(expected, rel=1e-5), key
    acc = keras.metrics.CategoricalAccuracy()
    acc.update_state(y["mask"], pred["mask"])
    assert logs["mask_accuracy"] == pytest.approx(float(acc.result()), rel=1e-6)


class _PairDataset(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(next(iter(self.x.values())))

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.x.items()}, {k: v[i] for k, v in self.y.items()}


def test_dataset_and_dataloader_train_like_arrays():
    x, y = _mlp_data(n=32)
    common = dict(epochs=2, batch_size=8, shuffle=False, seed=5, quiet=True)
    module = _variant(mlp_two_heads, build_model=lambda: mlp_two_heads.TwoHeads(dropout=0.0))
    a = T.fit(module, data=(x, y), **common)
    b = T.fit(module, data=_PairDataset(x, y), **common)
    loader = torch.utils.data.DataLoader(_PairDataset(x, y), batch_size=8)
    c = T.fit(module, data=loader, **common)
    for other in (b, c):
        for k in a.history:
            np.testing.assert_allclose(other.history[k], a.history[k], rtol=1e-6, err_msg=k)


def test_data_errors_are_one_line(tmp_path):
    x, y = _mlp_data()
    x["x"] = x["x"][:, :5]
    with pytest.raises(T.DataError) as e:
        T.fit(mlp_two_heads, data=(x, y), epochs=1, quiet=True)
    assert "\n" not in str(e.value) and "'x'" in str(e.value)


def test_validation_freq_and_initial_epoch():
    x, y = _mlp_data()
    h = T.fit(
        mlp_two_heads,
        data=(x, y),
        epochs=5,
        initial_epoch=1,
        validation_split=0.2,
        validation_freq=2,
        seed=0,
        quiet=True,
    )
    assert h.epoch == [1, 2, 3, 4]
    assert len(h.history["loss"]) == 4
    assert len(h.history["val_loss"]) == 2  # after epochs 2 and 4 (1-based)


# --------------------------------------------------------------------------
# the command line


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(RUNTIME), str(HERE), env.get("PYTHONPATH", "")])
    return env


def test_command_line_trains_saves_and_reports_bad_data_in_one_line(tmp_path):
    script = HERE / "fixtures" / "mlp_two_heads.py"
    out = tmp_path / "w.pt"
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "2", "--seed", "1", "--save", str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("epoch ")]
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2 - loss: ")
    assert "digit_accuracy: " in lines[0]
    assert r.stdout.splitlines()[-1] == f"saved {out}"
    assert set(torch.load(out)) == set(mlp_two_heads.build_model().state_dict())
    # --quiet as the Keras module takes it: no progress bar, still one line per epoch
    r = subprocess.run(
        [sys.executable, str(script), "--epochs", "2", "--seed", "1", "--quiet"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert [ln.split(" - ")[0] for ln in r.stdout.splitlines()] == ["epoch 1/2", "epoch 2/2"]
    # the order of the Keras module's line: loss, the outputs' losses, the rest by name
    keys = [part.split(":")[0] for part in r.stdout.splitlines()[0].split(" - ")[1:]]
    assert keys[:3] == ["loss", "digit_loss", "score_loss"] and keys[3:] == sorted(keys[3:]), keys
    # a Keras name for a PyTorch state_dict is refused in one line, before training
    r = subprocess.run(
        [sys.executable, str(script), "--save", str(tmp_path / "m.keras")],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "name it .pt" in r.stderr, r.stderr
    bad = tmp_path / "bad.npz"
    x, y = _mlp_data()
    np.savez(bad, x=x["x"], digit=y["digit"], score=y["score"])  # no "tag"
    r = subprocess.run(
        [sys.executable, str(script), "--data", str(bad)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "tag" in r.stderr, r.stderr


GOLDEN = RUNTIME.parent / "tests" / "golden"


@pytest.mark.parametrize("name", ["mnist_cnn", "profile", "residual", "siamese_encoder"])
def test_runtime_evaluates_emitted_modules_like_their_inline_trainer(name):
    """The emitted modules of today carry their own loss code (compute_loss/evaluate);
    the runtime, reading only their protocol names, must compute the same losses.
    Tolerance: the same float32 operations in another order: 1e-6 relative."""
    import importlib.util

    path = GOLDEN / f"{name}_torch.py"
    if not path.exists():
        pytest.skip(f"no {path.name}")
    spec = importlib.util.spec_from_file_location(f"golden_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "evaluate") or not hasattr(module, "synthetic_data"):
        pytest.skip("the emitted module no longer has its inline trainer")
    torch.manual_seed(0)
    model = module.build_model()
    data = module.synthetic_data(20, seed=1)
    expected = module.evaluate(model, data, batch_size=8)
    got = T.evaluate(module, model, data, batch_size=8)
    assert got["loss"] == pytest.approx(expected["loss"], rel=1e-6)
    for key, value in got.items():
        assert value == pytest.approx(expected[key], rel=1e-6), key


@pytest.mark.skipif(
    not os.environ.get("GRAPHC_TEST_COMPILE"),
    reason="torch.compile on CPU takes ~40 s: set GRAPHC_TEST_COMPILE=1",
)
def test_compile_trains_like_eager():
    x, y = _mlp_data()
    module = _variant(mlp_two_heads, build_model=lambda: mlp_two_heads.TwoHeads(dropout=0.0))
    eager = T.fit(module, data=(x, y), epochs=2, seed=0, quiet=True)
    compiled = T.fit(module, data=(x, y), epochs=2, seed=0, quiet=True, compile=True)
    # inductor fuses and reorders float32 operations: the same bound as the Keras comparison
    for k in eager.history:
        np.testing.assert_allclose(compiled.history[k], eager.history[k], rtol=RTOL, err_msg=k)
