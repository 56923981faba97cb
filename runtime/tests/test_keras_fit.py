"""graphc_runtime.keras.fit: Keras's own fit, fed by graphc_runtime.data.

Keras is the reference: with shuffling off, `fit` on arrays must end with the
weights Keras's own `model.fit` reaches on the same arrays from the same start,
bit for bit (same batches, same ops, same order).
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name):
    if str(FIXTURES) not in sys.path:
        sys.path.insert(0, str(FIXTURES))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def tiny():
    return fixture("keras_tiny")


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b))


def twin_models(module, seed=0):
    """Two models with the same initial weights and random-generator states."""
    import keras

    keras.utils.set_random_seed(seed)
    ours = module.build_model()
    keras.utils.set_random_seed(seed)
    ref = module.build_model()
    return ours, ref


def compile_ref(module, ref):
    ref.compile(
        optimizer=module.make_optimizer(ref),
        loss=module.LOSSES,
        loss_weights=module.LOSS_WEIGHTS,
        metrics=module.METRICS,
    )


def single_output_module():
    import keras
    from keras import layers

    def build_model():
        x = keras.Input(shape=(8,), name="x")
        h = layers.Dense(16, activation="relu", name="dense")(x)
        return keras.Model([x], [layers.Dense(3, activation="softmax", name="c")(h)], name="single")

    return types.SimpleNamespace(
        INPUT_SPECS={"x": ((8,), "float32", None)},
        OUTPUT_SPECS={"c": ((), "sparse", 3)},
        LOSSES={"c": "sparse_categorical_crossentropy"},
        LOSS_WEIGHTS={"c": 1.0},
        METRICS={"c": ["accuracy"]},
        FIT_DEFAULTS={"epochs": 2, "batch_size": 8},
        build_model=build_model,
        make_optimizer=lambda model: keras.optimizers.SGD(learning_rate=0.1),
        make_callbacks=lambda: [],
    )


def test_arrays_train_exactly_as_kerass_own_fit(tiny):
    """Sample weights per output, validation_split (of the sample weights too), epoch log lines."""
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    x, y = data.synthetic(tiny, 50, 0)
    sw = {"value": np.linspace(0, 2, 50).astype("float32"), "flag": np.full(50, 0.5, "float32")}
    ours, ref = twin_models(tiny)
    compile_ref(tiny, ref)
    kw = dict(batch_size=16, epochs=2, shuffle=False, verbose=0, validation_split=0.3)
    h_ref = ref.fit(
        x,
        (y["value"], y["label"], y["flag"]),
        sample_weight=(sw["value"], np.ones(50, "float32"), sw["flag"]),
        **kw,
    )
    lines = []
    h = fit(tiny, ours, (x, y), sample_weight=sw, log=lines.append, **kw)
    assert h.history == h_ref.history
    assert weights_equal(ours.get_weights(), ref.get_weights())

    assert len(lines) == 2 and lines[1].startswith("epoch 2/2 - ")
    fields = dict(part.split(": ") for part in lines[1].split(" - ")[1:])
    assert set(fields) == set(h.history)
    for key, values in h.history.items():
        assert float(fields[key]) == pytest.approx(values[1], abs=5e-5)  # printed with 4 decimals


def test_class_weight_single_output_is_kerass():
    from graphc_runtime.keras import fit

    m = single_output_module()
    rng = np.random.default_rng(0)
    x = {"x": rng.normal(size=(40, 8)).astype("float32")}
    y = {"c": rng.integers(0, 3, size=40).astype("int32")}
    cw = {0: 0.5, 1: 2.0, 2: 1.0}
    ours, ref = twin_models(m)
    compile_ref(m, ref)
    ref.fit(x, y["c"], class_weight=cw, batch_size=8, epochs=2, shuffle=False, verbose=0)
    fit(m, ours, (x, y), class_weight=cw, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert weights_equal(ours.get_weights(), ref.get_weights())


def test_class_weight_per_output_is_kerass_rule_as_sample_weights(tiny):
    """Keras takes class_weight for one output only; keyed by output it becomes that
    output's sample weights by Keras's rule (keras' class_weight_to_sample_weights)."""
    from graphc_runtime import data
    from graphc_runtime.keras import fit
    from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights

    x, y = data.synthetic(tiny, 48, 2)
    cw = {"label": {0: 0.25, 1: 4.0}, "flag": {1: 3.0}}
    ours, ref = twin_models(tiny, 2)
    compile_ref(tiny, ref)
    sw = (
        np.ones(48, "float32"),
        class_weight_to_sample_weights(y["label"], cw["label"]),
        class_weight_to_sample_weights(y["flag"], cw["flag"]),
    )
    ref.fit(
        x,
        (y["value"], y["label"], y["flag"]),
        sample_weight=sw,
        batch_size=16,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    fit(tiny, ours, (x, y), class_weight=cw, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert weights_equal(ours.get_weights(), ref.get_weights())


def test_seed_repeats_a_run_bit_for_bit_and_another_seed_does_not(tiny):
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    x, y = data.synthetic(tiny, 64, 0)
    runs = [fit(tiny, data=(x, y), epochs=2, seed=s, verbose=0) for s in (11, 11, 12)]
    a, b, c = (r.model.get_weights() for r in runs)
    assert weights_equal(a, b)
    assert runs[0].history == runs[1].history
    assert not weights_equal(a, c)


def test_pydataset_tf_data_and_memory_mapped_directories(tiny, tmp_path):
    import keras
    import tensorflow as tf
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    x, y = data.synthetic(tiny, 32, 0)

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            s = slice(8 * i, 8 * i + 8)
            return {k: v[s] for k, v in x.items()}, {k: v[s] for k, v in y.items()}

    val = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    h = fit(tiny, data=Batches(), val_data=val, epochs=1, seed=0, verbose=0)
    assert np.isfinite(h.history["loss"][0]) and np.isfinite(h.history["val_loss"][0])

    for k, v in {**x, **y}.items():
        np.save(tmp_path / f"{k}.npy", v)
    h = fit(
        tiny,
        data=str(tmp_path),
        val_data=str(tmp_path),
        epochs=3,
        initial_epoch=1,
        validation_freq=2,
        verbose=0,
    )
    assert len(h.history["loss"]) == 2  # epochs 2 and 3
    assert len(h.history["val_loss"]) == 1  # validated after epoch 2 only


def test_data_errors_come_before_training(tiny):
    import tensorflow as tf
    from graphc_runtime import data
    from graphc_runtime.data import DataError
    from graphc_runtime.keras import fit

    x, y = data.synthetic(tiny, 32, 0)
    y["label"][30] = 7
    with pytest.raises(DataError, match=r"training data: target 'label': class ids must lie in \[0, 3\)"):
        fit(tiny, data=(x, y), epochs=1, verbose=0)
    x2, y2 = data.synthetic(tiny, 8, 0)
    x2["tokens"][0, 0] = 20
    with pytest.raises(DataError, match=r"validation data: input 'tokens': ids must lie in \[0, 20\)"):
        fit(tiny, data=data.synthetic(tiny, 8, 1), val_data=(x2, y2), epochs=1, verbose=0)
    y["label"][:] = 5  # a dataset is checked on its first batch
    bad = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    with pytest.raises(DataError, match=r"training data \(first batch\): target 'label'"):
        fit(tiny, data=bad, epochs=1, verbose=0)


def test_steps_per_epoch_continues_through_the_data(tiny):
    """With steps_per_epoch, Keras reads on where the last epoch stopped; the array stream does too."""
    from graphc_runtime import data
    from graphc_runtime.keras import ArrayDataset

    x, y = data.synthetic(tiny, 20, 0)
    ds = ArrayDataset(x, y, output_names=list(y), batch_size=8, shuffle=True, seed=5, repeat=True, start=4)
    per_pass = data.batch_order(20, 8, True, 5, 1)  # batches 3, 4, 5 of the stream are pass 1
    np.testing.assert_array_equal(ds.indices(0), per_pass[1])


def test_mixed_precision_policies(tiny):
    import keras
    from graphc_runtime import data
    from graphc_runtime.keras import fit

    x, y = data.synthetic(tiny, 32, 0)
    before = keras.config.dtype_policy().name
    for flag, policy, optimizer in (
        ("bf16", "mixed_bfloat16", "Adam"),
        ("fp16", "mixed_float16", "LossScaleOptimizer"),
    ):
        h = fit(tiny, data=(x, y), epochs=1, seed=0, verbose=0, mixed_precision=flag)
        model = h.model
        assert model.get_layer("dense").dtype_policy.name == policy
        assert model.get_layer("dense").compute_dtype == policy.split("_")[1]
        for name in ("value", "label", "flag"):  # outputs, hence losses, in float32
            assert model.get_layer(name).compute_dtype == "float32"
        assert all(str(p.dtype) == "float32" for p in model.predict(x, verbose=0))
        assert type(model.optimizer).__name__ == optimizer  # Keras adds loss scaling for float16
        assert np.isfinite(h.history["loss"][0])
        assert keras.config.dtype_policy().name == before  # the global policy is restored


def test_no_loss_is_a_usage_error(tiny):
    from graphc_runtime.cli import UsageError
    from graphc_runtime.keras import fit

    m = types.SimpleNamespace(**{k: getattr(tiny, k) for k in ("INPUT_SPECS", "OUTPUT_SPECS", "build_model")})
    m.LOSSES = {}
    with pytest.raises(UsageError, match="no compile"):
        fit(m)
