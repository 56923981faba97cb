"""`--distribute mirrored|multi-worker`: data parallelism with the backend's own machinery.

- TensorFlow backend: `mirrored` is `tf.distribute.MirroredStrategy` over the local
  GPUs (the CPU when there is none); `multi-worker` is
  `tf.distribute.MultiWorkerMirroredStrategy` over the machines listed in the
  `TF_CONFIG` environment variable (start the same command on each, with its own
  `task.index`).  `batch_size` is the global batch: each step splits it over the
  replicas, and their gradients are summed, so training follows the same path as
  one device with the whole batch.
- JAX backend: `keras.distribution.DataParallel` over `keras.distribution.list_devices()`;
  `multi-worker` first calls `keras.distribution.initialize()` (which reads
  `KERAS_DISTRIBUTION_JOB_ADDRESSES`, `KERAS_DISTRIBUTION_NUM_PROCESSES` and
  `KERAS_DISTRIBUTION_PROCESS_ID`).
- The torch backend of Keras has neither: use graphc's PyTorch module, whose
  trainer runs DistributedDataParallel.
"""

from __future__ import annotations

import contextlib
import json
import os

import keras

from ..cli import UsageError

KINDS = ("mirrored", "multi-worker")
_STRATEGIES: dict = {}


class Distribution:
    """A strategy (TensorFlow) or a keras.distribution (JAX), with its scope and whether
    this process is the one that writes files and logs."""

    def __init__(self, kind: str | None, strategy=None):
        self.kind = kind
        self.strategy = strategy

    def scope(self):
        if self.strategy is None:
            return contextlib.nullcontext()
        return self.strategy.scope()

    @property
    def multi_worker(self) -> bool:
        """A TensorFlow MultiWorkerMirroredStrategy (whatever the number of workers)."""
        if self.strategy is None or keras.backend.backend() != "tensorflow":
            return False
        import tensorflow as tf

        return isinstance(self.strategy, tf.distribute.MultiWorkerMirroredStrategy)

    @property
    def replicas(self) -> int:
        if self.strategy is None:
            return 1
        n = getattr(self.strategy, "num_replicas_in_sync", None)
        if n is not None:
            return n
        return len(self.strategy.device_mesh.devices.ravel())

    @property
    def is_chief(self) -> bool:
        if self.strategy is None:
            return True
        if keras.backend.backend() == "jax":
            import jax

            return jax.process_index() == 0
        resolver = getattr(self.strategy, "cluster_resolver", None)
        if resolver is None or not getattr(self.strategy.extended, "_in_multi_worker_mode", lambda: False)():
            return True
        task_type, task_id = resolver.task_type, resolver.task_id
        if task_type == "chief":
            return True
        has_chief = "chief" in (resolver.cluster_spec().as_dict() or {})
        return not has_chief and task_type == "worker" and task_id == 0


def make(distribute) -> Distribution:
    """`distribute`: None, "mirrored", "multi-worker", or a ready tf.distribute.Strategy /
    keras.distribution.Distribution (tests pass one over logical CPU devices)."""
    if distribute is None:
        return Distribution(None)
    if not isinstance(distribute, str):
        return Distribution("custom", distribute)
    if distribute not in KINDS:
        raise UsageError(f"--distribute must be one of {', '.join(KINDS)}, got {distribute!r}")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        # One strategy per kind and process: TensorFlow creates a MultiWorkerMirroredStrategy
        # once per program, and several strategies' collectives can collide.
        if distribute not in _STRATEGIES:
            if distribute == "mirrored":
                _STRATEGIES[distribute] = tf.distribute.MirroredStrategy()
            else:
                _check_tf_config()
                _STRATEGIES[distribute] = tf.distribute.MultiWorkerMirroredStrategy()
        return Distribution(distribute, _STRATEGIES[distribute])
    if backend == "jax":
        if distribute == "multi-worker":
            keras.distribution.initialize()
        return Distribution(
            distribute, keras.distribution.DataParallel(devices=keras.distribution.list_devices())
        )
    raise UsageError(
        f"--distribute needs the TensorFlow or JAX backend of Keras (this is {backend}); "
        "for PyTorch, train graphc's PyTorch module, which runs DistributedDataParallel"
    )


def _check_tf_config():
    text = os.environ.get("TF_CONFIG")
    if not text:
        raise UsageError(
            "--distribute multi-worker needs TF_CONFIG, e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'
        )
    try:
        config = json.loads(text)
        config["cluster"]
        config["task"]["type"]
        config["task"]["index"]
    except (ValueError, KeyError, TypeError):
        raise UsageError(
            "TF_CONFIG must be JSON with 'cluster' and 'task': {'type': ..., 'index': ...}"
        ) from None
