"""graphc_runtime.torch.callbacks take Keras's decisions: the same log sequences
are fed to keras.callbacks.X (on a small compiled Keras model) and to ours (on
a stand-in model with a torch optimizer); stop epochs, best values, waits,
restored weights, learning rates, saved files and CSV rows must be equal."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")
C = pytest.importorskip("graphc_runtime.torch.callbacks")
M = pytest.importorskip("graphc_runtime.torch.metrics")

pytestmark = pytest.mark.slow


def _sequences():
    rng = np.random.default_rng(0)
    seqs = [
        [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.89, 0.95, 0.97, 0.99, 1.0, 1.01],
        [0.5, 0.5, 0.5, 0.49, 0.5, 0.5, 0.5, 0.5],  # ties and tiny improvements
        [2.0, 1.0, 0.5, 0.25, 0.2, 0.19, 0.185, 0.184, 0.2, 0.3],
    ]
    walk = np.cumsum(rng.normal(0, 0.05, size=15)) + 1.0
    seqs.append([float(np.float32(v)) for v in walk])
    return seqs


SEQS = _sequences()


@pytest.fixture(scope="module")
def kmodel():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid", name="out")])
    m.compile(
        optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="binary_crossentropy", metrics=["accuracy"]
    )
    m.evaluate(np.zeros((2, 2), "float32"), np.zeros((2, 1), "float32"), verbose=0)  # builds the metrics
    return m


class Stand:
    """What our callbacks see as self.model."""

    def __init__(self, lr=1.0):
        self.stop_training = False
        self.param = torch.nn.Parameter(torch.zeros(1))
        self.optimizer = torch.optim.SGD([self.param], lr=lr)
        self.metrics = [M.BinaryAccuracy(name="accuracy")]
        self.output_names = ["out"]
        self.output_metrics = {"out": self.metrics}
        self.is_main_process = True
        self.saved = []

    def get_weights(self):
        return {"w": self.param.detach().clone()}

    def set_weights(self, w):
        with torch.no_grad():
            self.param.copy_(w["w"])

    def save(self, path):
        torch.save({"w": self.param.detach()}, path)
        self.saved.append(os.path.basename(path))

    def save_weights(self, path):
        self.save(path)


def _keras_marker(kmodel, epoch):
    """Weights that say which epoch they are from."""
    kernel, _ = kmodel.get_layer("out").get_weights()
    kmodel.get_layer("out").set_weights([kernel, np.array([float(epoch)], "float32")])


def _our_marker(stand, epoch):
    with torch.no_grad():
        stand.param.fill_(float(epoch))


def _drive(cb, model, logs_seq, marker=None):
    cb.set_model(model)
    cb.on_train_begin()
    stop = None
    for epoch, logs in enumerate(logs_seq):
        if marker:
            marker(epoch)
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            stop = epoch
            break
    cb.on_train_end()
    return stop


EARLY = [
    dict(patience=p, min_delta=d, mode=mode, baseline=b, start_from_epoch=s, restore_best_weights=r)
    for p, d, mode, b, s, r in itertools.product(
        [0, 1, 3], [0, 0.01], ["auto", "max"], [None, 0.95], [0, 2], [False, True]
    )
]


@pytest.mark.parametrize("seq", range(len(SEQS)))
def test_early_stopping_decides_like_keras(kmodel, seq):
    for kwargs in EARLY:
        for monitor in ("val_loss", "val_accuracy"):
            logs = [
                {"loss": v + 0.1, "val_loss": v, "accuracy": 1 - v, "val_accuracy": 1 - v} for v in SEQS[seq]
            ]
            kmodel.stop_training = False
            kcb = keras.callbacks.EarlyStopping(monitor=monitor, **kwargs)
            stand = Stand()
            tcb = C.EarlyStopping(monitor=monitor, **kwargs)
            ks = _drive(kcb, kmodel, logs, lambda e: _keras_marker(kmodel, e))
            ts = _drive(tcb, stand, logs, lambda e, s=stand: _our_marker(s, e))
            where = (seq, monitor, kwargs)
            assert ts == ks, where
            assert (tcb.stopped_epoch, tcb.wait, tcb.best, tcb.best_epoch) == (
                kcb.stopped_epoch,
                kcb.wait,
                kcb.best,
                kcb.best_epoch,
            ), where
            if kwargs["restore_best_weights"]:
                kbias = float(kmodel.get_layer("out").get_weights()[1][0])
                assert float(stand.param) == kbias, where


@pytest.mark.parametrize("seq", range(len(SEQS)))
def test_reduce_lr_on_plateau_decides_like_keras(kmodel, seq):
    for patience, factor, min_delta, cooldown, min_lr, mode in itertools.product(
        [0, 1, 2], [0.5, 0.1], [1e-4, 0.05], [0, 1], [0.0, 0.2], ["auto"]
    ):
        kw = dict(
            patience=patience, factor=factor, min_delta=min_delta, cooldown=cooldown, min_lr=min_lr, mode=mode
        )
        kmodel.optimizer.learning_rate.assign(1.0)
        stand = Stand(lr=1.0)
        kcb = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kw)
        tcb = C.ReduceLROnPlateau(monitor="val_loss", **kw)
        for cb, model in ((kcb, kmodel), (tcb, stand)):
            cb.set_model(model)
            cb.on_train_begin()
        for epoch, v in enumerate(SEQS[seq]):
            klogs, tlogs = {"val_loss": v}, {"val_loss": v}
            kcb.on_epoch_end(epoch, klogs)
            tcb.on_epoch_end(epoch, tlogs)
            klr = float(np.asarray(kmodel.optimizer.learning_rate))
            tlr = C.get_learning_rate(stand.optimizer)
            assert tlr == klr, (seq, kw, epoch)
            assert tlogs == klogs  # both log the learning rate
            assert (tcb.wait, tcb.cooldown_counter, tcb.best) == (kcb.wait, kcb.cooldown_counter, kcb.best)


def test_model_checkpoint_saves_like_keras(kmodel, tmp_path):
    for save_best_only, mode, monitor in itertools.product(
        [False, True], ["auto", "max"], ["val_loss", "val_accuracy"]
    ):
        kdir = tmp_path / f"k{save_best_only}{mode}{monitor}"
        tdir = tmp_path / f"t{save_best_only}{mode}{monitor}"
        pattern = "m-{epoch:02d}-{val_loss:.3f}.keras"
        kcb = keras.callbacks.ModelCheckpoint(
            str(kdir / pattern), monitor=monitor, save_best_only=save_best_only, mode=mode
        )
        tcb = C.ModelCheckpoint(
            str(tdir / pattern), monitor=monitor, save_best_only=save_best_only, mode=mode
        )
        logs = [{"val_loss": v, "val_accuracy": 1 - v} for v in SEQS[0]]
        kmodel.stop_training = False
        _drive(kcb, kmodel, logs)
        _drive(tcb, Stand(), logs)
        # the same files, with PyTorch endings: m-01-1.000.keras is m-01-1.000.pt
        assert sorted(os.listdir(tdir)) == sorted(C.torch_filepath(n) for n in os.listdir(kdir))
        assert all(n.endswith(".pt") for n in os.listdir(tdir))
        assert tcb.best == kcb.best
    # every N batches
    kcb = keras.callbacks.ModelCheckpoint(str(tmp_path / "kb" / "b-{epoch}-{batch}.keras"), save_freq=3)
    tcb = C.ModelCheckpoint(str(tmp_path / "tb" / "b-{epoch}-{batch}.keras"), save_freq=3)
    for cb, model in ((kcb, kmodel), (tcb, Stand())):
        cb.set_model(model)
        cb.on_train_begin()
        for epoch in range(2):
            cb.on_epoch_begin(epoch)
            for batch in range(5):
                cb.on_train_batch_end(batch, {"loss": 0.5})
    assert sorted(os.listdir(tmp_path / "tb")) == sorted(
        C.torch_filepath(n) for n in os.listdir(tmp_path / "kb")
    )


def test_model_checkpoint_writes_pytorch_endings_for_keras_ones(tmp_path):
    """best.keras -> best.pt (model, optimizer, epoch), w.weights.h5 -> w.weights.pt (the
    state_dict); names without a Keras ending are kept."""
    assert C.torch_filepath("run/best.keras") == "run/best.pt"
    assert C.torch_filepath("w-{epoch:02d}.weights.h5") == "w-{epoch:02d}.weights.pt"
    assert C.torch_filepath("legacy.h5") == "legacy.pt"
    assert C.torch_filepath("mine.ckpt") == "mine.ckpt"
    assert C.torch_filepath("a.keras.bak") == "a.keras.bak"
    stand = Stand()
    for name, weights_only in (("best.keras", False), ("w.weights.h5", True)):
        cb = C.ModelCheckpoint(str(tmp_path / name), save_weights_only=weights_only)
        _drive(cb, stand, [{"val_loss": 1.0}])
    assert sorted(os.listdir(tmp_path)) == ["best.pt", "w.weights.pt"]


def test_csv_logger_writes_like_keras(kmodel, tmp_path):
    logs = [{"loss": v, "accuracy": 1 - v, "val_loss": v + 0.1, "val_accuracy": 0.5} for v in SEQS[2]]
    train_only = [{"loss": v, "accuracy": 1 - v} for v in SEQS[1]]
    for name, seq, kw in [
        ("a", logs, {}),
        ("b", train_only, {"separator": ";"}),
        ("c", logs, {"append": True}),
    ]:
        kpath, tpath = tmp_path / f"k{name}.csv", tmp_path / f"t{name}.csv"
        for _ in range(2 if kw.get("append") else 1):
            _drive(keras.callbacks.CSVLogger(str(kpath), **kw), kmodel, seq)
            _drive(C.CSVLogger(str(tpath), **kw), Stand(), seq)
        assert tpath.read_text() == kpath.read_text(), name


def test_learning_rate_scheduler_and_terminate_on_nan_like_keras(kmodel):
    def schedules():
        return [lambda epoch, lr: lr * 0.5 if epoch % 2 else lr, lambda epoch: 0.1 / (epoch + 1)]

    for ks, ts in zip(schedules(), schedules()):
        kmodel.optimizer.learning_rate.assign(1.0)
        stand = Stand(lr=1.0)
        kcb, tcb = keras.callbacks.LearningRateScheduler(ks), C.LearningRateScheduler(ts)
        kcb.set_model(kmodel)
        tcb.set_model(stand)
        for epoch in range(6):
            kcb.on_epoch_begin(epoch)
            tcb.on_epoch_begin(epoch)
            klogs, tlogs = {}, {}
            kcb.on_epoch_end(epoch, klogs)
            tcb.on_epoch_end(epoch, tlogs)
            assert tlogs == klogs
    for values in ([0.5, 0.4, float("nan"), 0.3], [0.5, float("inf")], [0.1, 0.2]):
        stops = []
        for cb, model in ((keras.callbacks.TerminateOnNaN(), kmodel), (C.TerminateOnNaN(), Stand())):
            model.stop_training = False
            cb.set_model(model)
            stop = None
            for batch, v in enumerate(values):
                cb.on_train_batch_end(batch, {"loss": v})
                if model.stop_training:
                    stop = batch
                    break
            stops.append(stop)
        assert stops[0] == stops[1], values
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        cb = C.TerminateOnNaN(raise_error=True)
        cb.set_model(Stand())
        cb.on_batch_end(0, {"loss": float("nan")})


def test_auto_mode_on_per_output_names_where_keras_gives_up():
    """Keras raises for mode='auto' on `val_<output>_<metric>`; ours decides from the metric."""
    stand = Stand()
    acc = M.BinaryAccuracy(name="accuracy")
    stand.metrics = [acc]
    stand.output_names = ["digit", "score"]
    stand.output_metrics = {"digit": [acc], "score": []}
    up = C.EarlyStopping(monitor="val_digit_accuracy")
    up.set_model(stand)
    up._set_monitor_op()
    assert up.monitor_op(2, 1)
    down = C.EarlyStopping(monitor="val_score_loss")
    down.set_model(stand)
    down._set_monitor_op()
    assert down.monitor_op(1, 2)
    unknown = C.EarlyStopping(monitor="val_whatever")
    unknown.set_model(stand)
    with pytest.raises(ValueError, match="mode='max' or mode='min'"):
        unknown._set_monitor_op()


def test_tensorboard_without_the_package_says_so(capsys, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("torch.utils.tensorboard"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    cb = C.TensorBoard("logs")
    cb.set_model(Stand())
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    out = capsys.readouterr().out
    assert "pip install tensorboard" in out and out.count("\n") == 1


def test_tensorboard_writes_what_keras_writes(kmodel, tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import event_accumulator as ea

    logs = [{"loss": v, "accuracy": 1 - v, "val_loss": v + 0.1, "val_accuracy": 0.5} for v in SEQS[2][:3]]
    kmodel.optimizer.learning_rate.assign(0.25)
    stand = Stand(lr=0.25)
    for cb, model in (
        (keras.callbacks.TensorBoard(str(tmp_path / "k"), write_graph=False), kmodel),
        (C.TensorBoard(str(tmp_path / "t")), stand),
    ):
        _drive(cb, model, logs)

    def read(path):
        acc = ea.EventAccumulator(str(path), size_guidance={ea.TENSORS: 0, ea.SCALARS: 0})
        acc.Reload()
        out = {}
        for tag in acc.Tags()["scalars"]:
            out[tag] = [(e.step, e.value) for e in acc.Scalars(tag)]
        for tag in acc.Tags()["tensors"]:
            out[tag] = [
                (
                    e.step,
                    float(np.frombuffer(e.tensor_proto.tensor_content, np.float32)[0])
                    if e.tensor_proto.tensor_content
                    else e.tensor_proto.float_val[0],
                )
                for e in acc.Tensors(tag)
            ]
        return out

    for sub in ("train", "validation"):
        k, t = read(tmp_path / "k" / sub), read(tmp_path / "t" / sub)
        assert sorted(t) == sorted(k) and k, (sub, sorted(k), sorted(t))
        for tag in k:
            assert [s for s, _ in t[tag]] == [s for s, _ in k[tag]], tag
            np.testing.assert_allclose([v for _, v in t[tag]], [v for _, v in k[tag]], rtol=1e-7, err_msg=tag)
