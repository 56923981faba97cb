"""--distribute: data parallelism follows the path of one device with the whole batch.

Each run trains `keras_scales` (two outputs, learned loss weights) from the same
seed on the same batches, in float64 (`keras.config.set_floatx`) and with SGD, so
that the only difference between one device and several replicas is the grouping
of the gradient sums.

Tolerance: a step's gradient is a sum over the batch's 32 samples; split over 2
replicas and all-reduced, the grouping changes and the sum moves by at most
31 * 2**-53 (6.9e-15) of the sum of the terms' magnitudes.  SGD passes that to the
weights times the learning rate (0.01); the test takes 6 steps, and on a model
this small each step can amplify a difference by a factor of order one (weights
and activations below 10), so the weights agree within ~1e-14.  1e-10 leaves four
orders of magnitude, and is ten million times smaller than what a real
difference moves (a wrong replica scaling of a loss or of the s_i term changes a
step by lr * gradient ~ 1e-3).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
RUNTIME = HERE.parent
ROOT = RUNTIME.parent
TOL = 1e-10

WORKER = r"""
import importlib, json, os, sys, types
mode, configs, out = sys.argv[1:4]
import tensorflow as tf
if mode == "mirrored-2cpu":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
import numpy as np
keras.config.set_floatx("float64")
sys.path.insert(0, os.environ["FIXTURES"])
scales = importlib.import_module("keras_scales")
from graphc_runtime.keras import fit

results = {}
# One strategy per process (TensorFlow's collectives do not expect several).
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]) if mode == "mirrored-2cpu" else None
for weights in configs.split(","):
    module = types.SimpleNamespace(**{k: getattr(scales, k) for k in dir(scales) if k.isupper() or k == "build_model"})
    module.make_optimizer = lambda model: keras.optimizers.SGD(learning_rate=0.01)
    module.make_callbacks = lambda: []
    if weights == "fixed":
        module.LOSS_WEIGHTS = {"big": 0.001, "small": 1.0}
    x, y = scales.task_data(96, 0)
    distribute = {"single": None, "multi-worker": "multi-worker"}.get(mode)
    if strategy is not None:
        distribute = strategy
    h = fit(
        module,
        data=(x, y),
        epochs=2,
        batch_size=32,
        seed=5,
        verbose=0,
        distribute=distribute,
        checkpoint_dir=os.environ.get("CHECKPOINT_DIR"),
    )
    replicas = h.model.distribute_strategy.num_replicas_in_sync
    np.savez(f"{out}-{weights}.npz", *[np.asarray(w) for w in h.model.get_weights()])
    results[weights] = {"replicas": replicas, "loss": h.history["loss"]}
print(json.dumps(results))
"""


def run_workers(tmp_path, jobs, timeout=420):
    """Start every (args, extra_env) job at once; return their parsed last stdout lines."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(RUNTIME), str(ROOT), env.get("PYTHONPATH", "")])
    env["FIXTURES"] = str(HERE / "fixtures")
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    procs = []
    for args, extra in jobs:
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script), *args],
                env={**env, **extra},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            assert p.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return results


def max_diff(a, b):
    a, b = np.load(a), np.load(b)
    assert a.files == b.files
    return max(float(np.abs(a[k] - b[k]).max()) for k in a.files)


def test_mirrored_over_two_cpu_replicas_equals_one_device(tmp_path):
    one, two = run_workers(
        tmp_path,
        [
            (["single", "auto,fixed", str(tmp_path / "one")], {}),
            (["mirrored-2cpu", "auto,fixed", str(tmp_path / "two")], {}),
        ],
    )
    for weights in ("auto", "fixed"):  # learned loss weights (graphc's compute_loss), and Keras's own
        assert (one[weights]["replicas"], two[weights]["replicas"]) == (1, 2)
        assert max_diff(tmp_path / f"one-{weights}.npz", tmp_path / f"two-{weights}.npz") <= TOL
        np.testing.assert_allclose(two[weights]["loss"], one[weights]["loss"], rtol=TOL)


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_multi_worker_two_processes_equal_one_process(tmp_path):
    ports = [free_port(), free_port()]
    cluster = {"worker": [f"localhost:{p}" for p in ports]}
    jobs = [(["single", "auto", str(tmp_path / "one")], {})]
    for i in range(2):
        config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})
        env = {"TF_CONFIG": config, "CHECKPOINT_DIR": str(tmp_path / "checkpoint")}
        jobs.append((["multi-worker", "auto", str(tmp_path / f"w{i}")], env))
    one, w0, w1 = (r["auto"] for r in run_workers(tmp_path, jobs))
    assert (w0["replicas"], w1["replicas"]) == (2, 2)
    assert (
        max_diff(tmp_path / "w0-auto.npz", tmp_path / "w1-auto.npz") == 0.0
    )  # all-reduced: the same weights
    assert max_diff(tmp_path / "one-auto.npz", tmp_path / "w0-auto.npz") <= TOL
    np.testing.assert_allclose(w0["loss"], one["loss"], rtol=TOL)
    # Both workers save each epoch (saving runs collectives); only the chief's files stay.
    state = json.loads((tmp_path / "checkpoint" / "state.json").read_text())
    assert state["epoch"] == 2
    assert sorted(os.listdir(tmp_path / "checkpoint")) == [
        "epoch-00002.state.npz",
        "epoch-00002.weights.h5",
        "state.json",
    ]


def test_multi_worker_without_tf_config_is_one_line():
    from graphc_runtime.cli import UsageError
    from graphc_runtime.keras import distribute

    saved = os.environ.pop("TF_CONFIG", None)
    try:
        with pytest.raises(UsageError, match="--distribute multi-worker needs TF_CONFIG"):
            distribute.make("multi-worker")
    finally:
        if saved is not None:
            os.environ["TF_CONFIG"] = saved


def test_jax_backend_uses_keras_distribution_data_parallel(tmp_path):
    pytest.importorskip(
        "jax", reason="JAX is not installed: keras.distribution.DataParallel is untested here"
    )
    code = (
        "import sys, importlib; sys.path.insert(0, sys.argv[1]);"
        "import keras; assert keras.backend.backend() == 'jax';"
        "from graphc_runtime.keras import fit; from graphc_runtime import data;"
        "m = importlib.import_module('keras_tiny');"
        "h = fit(m, data=data.synthetic(m, 32, 0), epochs=1, seed=0, verbose=0, distribute='mirrored');"
        "assert type(keras.distribution.distribution()).__name__ in ('NoneType', 'DataParallel');"
        "print(h.history['loss'])"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": os.pathsep.join([str(RUNTIME), str(ROOT)])}
    r = subprocess.run(
        [sys.executable, "-c", code, str(HERE / "fixtures")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
