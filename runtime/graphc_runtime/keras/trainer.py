"""`fit(module, ...)` and `main(module, argv)`: train a graphc-generated Keras module with Keras's `fit`."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

import keras
import numpy as np

from .. import cli
from .. import data as gdata
from ..cli import UsageError
from ..data import DataError
from ..logs import format_logs, order_logs  # shared with the PyTorch trainer
from . import checkpoint as ckpt
from . import distribute as dist
from .auto_weights import UncertaintyWeightedModel
from .dataset import ArrayDataset

# Arguments of keras.Model.fit that graphc's FIT_DEFAULTS and fit(...) may carry.
FIT_KEYS = (
    "epochs",
    "batch_size",
    "steps_per_epoch",
    "validation_split",
    "shuffle",
    "class_weight",
    "sample_weight",
    "initial_epoch",
    "validation_freq",
)
_DEFAULTS = {
    "epochs": 1,
    "batch_size": 32,
    "steps_per_epoch": None,
    "validation_split": 0.0,
    "shuffle": True,
    "class_weight": None,
    "sample_weight": None,
    "initial_epoch": 0,
    "validation_freq": 1,
}
POLICIES = {"bf16": "mixed_bfloat16", "fp16": "mixed_float16"}


class EpochLog(keras.callbacks.Callback):
    """Calls `write` with the one-line log (graphc_runtime.logs.format_logs) after each epoch,
    in the order both targets print (graphc_runtime.logs.order_logs)."""

    def __init__(self, write, outputs=()):
        super().__init__()
        self.write = write
        self.outputs = list(outputs)

    def ordered(self, logs: dict) -> dict:
        return order_logs(logs, self.outputs)

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params.get("epochs") or epoch + 1
        self.write(format_logs(epoch + 1, epochs, self.ordered(logs or {})))


class LossWeightLog(keras.callbacks.Callback):
    """Adds `<output>_loss_weight` (exp(-s_i)) to the epoch's logs for `loss_weights="auto"`."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and isinstance(self.model, UncertaintyWeightedModel):
            for name, w in self.model.current_loss_weights().items():
                logs[f"{name}_loss_weight"] = w


def _is_dataset(obj) -> bool:
    if isinstance(obj, keras.utils.PyDataset):
        return True
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        try:
            import tensorflow as tf

            return isinstance(obj, tf.data.Dataset)
        except ImportError:  # pragma: no cover
            return False
    return False


def _first_batch(ds):
    if isinstance(ds, keras.utils.PyDataset):
        return ds[0]
    return next(iter(ds.take(1)))


def _check_dataset(module, ds, where):
    """Check the first batch of a tf.data.Dataset / PyDataset: (inputs_by_name, targets_by_name)."""
    batch = _first_batch(ds)
    if not isinstance(batch, (tuple, list)) or len(batch) not in (2, 3):
        raise DataError(f"{where}: batches must be (inputs_by_name, targets_by_name[, sample_weights])")
    x, y = batch[0], batch[1]
    x = {k: np.asarray(v) for k, v in x.items()} if isinstance(x, dict) else x
    y = {k: np.asarray(v) for k, v in y.items()} if isinstance(y, dict) else y
    if not isinstance(x, dict) or not isinstance(y, dict):
        raise DataError(f"{where}: batches must be (inputs_by_name, targets_by_name): dicts keyed by name")
    gdata.check(module, x, y, where=f"{where} (first batch)")


def _as_arrays(module, d, where):
    """(inputs, targets[, sample_weight]) from a tuple of dicts or a path."""
    if isinstance(d, (str, os.PathLike)):
        inputs, targets = gdata.load(d, module)
        return inputs, targets, None
    if not isinstance(d, (tuple, list)) or len(d) not in (2, 3):
        raise DataError(f"{where}: expected (inputs, targets) dicts of arrays, a path, or a dataset")
    inputs, targets = d[0], d[1]
    sw = d[2] if len(d) == 3 else None
    return inputs, targets, sw


def _where(d, default):
    return os.fspath(d) if isinstance(d, (str, os.PathLike)) else default


def _sample_weights(module, output_names, sw, class_weight, targets):
    """Per-output sample weights from `sample_weight` and `class_weight` (Keras's rules)."""
    if sw is not None and not isinstance(sw, dict):
        if len(output_names) != 1:
            raise UsageError(
                "sample_weight must be a dict keyed by output name for a model with several outputs"
            )
        sw = {output_names[0]: sw}
    if class_weight:
        if sw:
            raise UsageError("class_weight and sample_weight cannot be used together (as in Keras)")
        per_output = None
        if all(k in output_names for k in class_weight) and all(
            isinstance(v, dict) for v in class_weight.values()
        ):
            per_output = class_weight
        if per_output is None:
            if len(output_names) != 1:
                raise UsageError(
                    "class_weight must be keyed by output name for a model with several outputs, "
                    "e.g. {'digit': {0: 1.0, 1: 2.0}}"
                )
            per_output = {output_names[0]: class_weight}
        sw = {n: gdata.class_weight_to_sample_weight(targets[n], cw) for n, cw in per_output.items()}
    if sw:
        unknown = [k for k in sw if k not in output_names]
        if unknown:
            raise UsageError(f"sample_weight for unknown outputs {unknown}; the outputs are {output_names}")
        n = len(next(iter(targets.values())))
        for k, v in sw.items():
            if np.shape(v)[:1] != (n,):
                raise DataError(f"sample_weight {k!r}: shape {np.shape(v)}, expected ({n},) like the targets")
    return sw or None


@contextlib.contextmanager
def _policy(name):
    if name is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def build(module, *, mixed_precision=None):
    """The module's model, with the auto-weight wrapper when LOSS_WEIGHTS == "auto", uncompiled.

    Under a mixed-precision policy the output layers compute in float32 (Keras's advice
    for numerically stable softmax/sigmoid outputs), so losses see float32 predictions.
    """
    policy = POLICIES.get(mixed_precision, mixed_precision)
    if mixed_precision is not None and policy not in POLICIES.values():
        raise UsageError(f"--mixed-precision must be bf16 or fp16, got {mixed_precision!r}")
    with _policy(policy):
        model = module.build_model()
    if policy is not None:
        names = {layer.name for layer in model.layers}
        for name in model.output_names:
            if name in names:  # graphc names the layer that produces an output after it
                model.get_layer(name).dtype_policy = "float32"
    if getattr(module, "LOSS_WEIGHTS", None) == "auto" and not isinstance(model, UncertaintyWeightedModel):
        with _policy(policy):
            model = UncertaintyWeightedModel.wrap(model)
    return model


def compile_model(module, model):
    """Compile `model` with the module's optimizer, LOSSES, LOSS_WEIGHTS and METRICS."""
    losses = getattr(module, "LOSSES", None)
    if not losses:
        raise UsageError("the model has no compile(...) in its GDL: nothing to train")
    weights = getattr(module, "LOSS_WEIGHTS", None)
    auto = weights == "auto"
    if auto and not isinstance(model, UncertaintyWeightedModel):
        model = UncertaintyWeightedModel.wrap(model)
    if hasattr(module, "make_optimizer"):
        optimizer = module.make_optimizer(model)
    elif hasattr(module, "compile_model"):  # modules generated before API level 1
        module.compile_model(model)
        return model
    else:
        optimizer = "rmsprop"
    model.compile(
        optimizer=optimizer,
        loss=dict(losses),
        loss_weights=None if auto else (dict(weights) if weights else None),
        metrics=dict(getattr(module, "METRICS", None) or {}) or None,
    )
    return model


def fit(
    module,
    model=None,
    data=None,
    val_data=None,
    *,
    callbacks=None,
    seed=None,
    verbose="auto",
    log=None,
    checkpoint_dir=None,
    resume=False,
    mixed_precision=None,
    distribute=None,
    validation_data=None,
    **fit_args,
):
    """Build (unless `model` is given), compile (unless compiled) and fit; returns Keras's History
    (the trained model is `history.model`).

    - `data`, `val_data` (alias `validation_data`): `(inputs, targets)` or
      `(inputs, targets, sample_weight)` with dicts of arrays keyed by name, a path
      (`.npz` or a directory of `.npy`), a `tf.data.Dataset` or a `keras.utils.PyDataset`
      yielding `(inputs_by_name, targets_by_name)`.  Without `data`: synthetic data.
      Arrays are checked first (`graphc_runtime.data.check`; one-line DataError).
    - `fit_args`: Keras's fit arguments (`epochs`, `batch_size`, `steps_per_epoch`,
      `validation_split`, `shuffle`, `class_weight`, `sample_weight`, `initial_epoch`,
      `validation_freq`); None or absent means the module's FIT_DEFAULTS.
      `class_weight` may also be keyed by output name; `sample_weight` is keyed by
      output name (an array for one output).
    - `callbacks`: added after the module's `make_callbacks()`.
    - `seed`: seeds Python, NumPy and the backend and makes TensorFlow ops deterministic,
      so a CPU run repeats bit for bit.  The data order always follows a seed
      (drawn at random without one, and kept in checkpoints).
    - `log`: called with the one-line log after each epoch (`print` on the command line).
    - `checkpoint_dir`, `resume`: see graphc_runtime.keras.checkpoint.
    - `mixed_precision`: "bf16" or "fp16" (Keras policies mixed_bfloat16 / mixed_float16).
    - `distribute`: "mirrored", "multi-worker", or a tf.distribute.Strategy.
    """
    unknown = [k for k in fit_args if k not in FIT_KEYS]
    if unknown:
        raise TypeError(f"fit() got unexpected arguments {unknown}")
    args = dict(_DEFAULTS)
    args.update({k: v for k, v in (getattr(module, "FIT_DEFAULTS", None) or {}).items() if k in FIT_KEYS})
    args.update({k: v for k, v in fit_args.items() if v is not None})
    if val_data is None:
        val_data = validation_data
    if resume and not checkpoint_dir:
        raise UsageError("resume needs a checkpoint directory")
    if not getattr(module, "LOSSES", None):
        raise UsageError("the model has no compile(...) in its GDL: nothing to train")

    if seed is not None:
        keras.utils.set_random_seed(seed)
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()

    state = ckpt.read_state(checkpoint_dir) if resume else None
    if state is not None:
        data_seed = state["data_seed"]
    elif seed is not None:
        data_seed = seed
    else:
        data_seed = int(np.random.SeedSequence().entropy % 2**31)

    distribution = dist.make(distribute)
    with distribution.scope():
        return _fit(
            module,
            model,
            data,
            val_data,
            args,
            callbacks,
            verbose,
            log,
            checkpoint_dir,
            state,
            data_seed,
            seed,
            mixed_precision,
            distribution,
        )


def _fit(
    module,
    model,
    data,
    val_data,
    args,
    callbacks,
    verbose,
    log,
    checkpoint_dir,
    state,
    data_seed,
    seed,
    mixed_precision,
    distribution,
):
    if model is None:
        model = build(module, mixed_precision=mixed_precision)
    if not model.compiled:
        model = compile_model(module, model)
    output_names = [n for n in model.output_names if n in gdata.trained_outputs(module)] or list(
        gdata.trained_outputs(module)
    )

    batch_size = int(args["batch_size"])
    steps = args["steps_per_epoch"]
    epochs = int(args["epochs"])
    shuffle = args["shuffle"]
    initial_epoch = int(args["initial_epoch"] or 0)
    class_weight = args["class_weight"]
    keras_class_weight = None

    # Training data.
    if data is None:
        n = batch_size * (steps or 4)
        inputs, targets = gdata.synthetic(module, n, seed or 0)
        data = (inputs, targets)
    if _is_dataset(data):
        _check_dataset(module, data, "training data")
        if args["validation_split"]:
            raise UsageError("validation_split needs arrays; give a dataset validation data instead")
        train = data
        keras_class_weight = class_weight
        sw = None
    else:
        inputs, targets, sw = _as_arrays(module, data, "training data")
        gdata.check(module, inputs, targets, where=_where(data, "training data"))
        sw = _sample_weights(
            module, output_names, sw if sw is not None else args["sample_weight"], class_weight, targets
        )
        if args["validation_split"] and val_data is None:
            if sw is not None:
                (inputs, targets, sw), (vi, vt, vsw) = gdata.split(
                    inputs, targets, args["validation_split"], sw
                )
            else:
                (inputs, targets), (vi, vt) = gdata.split(inputs, targets, args["validation_split"])
                vsw = None
            val_data = (vi, vt, vsw) if vsw else (vi, vt)
        train = None

    per_pass = None
    if train is None:
        per_pass = gdata.num_batches(gdata.num_samples(inputs, targets), batch_size)
        steps = steps or per_pass

    # Resume: weights, optimizer, RNG states; the epoch to continue from.
    if state is not None:
        _warn_if_changed(state, batch_size, steps)
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        ckpt.restore_model(model, checkpoint_dir, state)
        initial_epoch = state["epoch"]

    if train is None:
        train = ArrayDataset(
            inputs,
            targets,
            output_names=output_names,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=data_seed,
            sample_weight=sw,
            input_specs=gdata.input_specs(module),
            output_specs=gdata.output_specs(module),
            repeat=True,
            start=initial_epoch * steps,
        )

    # Validation data.
    validation = None
    if val_data is not None:
        if _is_dataset(val_data):
            _check_dataset(module, val_data, "validation data")
            validation = val_data
        else:
            vi, vt, vsw = _as_arrays(module, val_data, "validation data")
            gdata.check(module, vi, vt, where=_where(val_data, "validation data"))
            vsw = _sample_weights(module, output_names, vsw, None, vt)
            validation = ArrayDataset(
                vi,
                vt,
                output_names=output_names,
                batch_size=batch_size,
                sample_weight=vsw,
                input_specs=gdata.input_specs(module),
                output_specs=gdata.output_specs(module),
            )

    # Callbacks: loss-weight logging first (so every later callback sees the keys), the
    # module's and the caller's, the epoch line, and the checkpoint last (it restores the
    # others' state after Keras resets it in on_train_begin).
    chief = distribution.is_chief
    cbs = []
    if isinstance(model, UncertaintyWeightedModel):
        cbs.append(LossWeightLog())
    if hasattr(module, "make_callbacks"):
        cbs.extend(module.make_callbacks())
    cbs.extend(callbacks or [])
    if state is not None:
        for cb in cbs:
            if isinstance(cb, keras.callbacks.CSVLogger):
                cb.append = True  # continue the log of the interrupted run
    if log is not None and chief:
        cbs.append(EpochLog(log, output_names))
    if checkpoint_dir:
        run = {"data_seed": data_seed, "batch_size": batch_size, "steps_per_epoch": steps}
        cbs.append(ckpt.Checkpoint(checkpoint_dir, list(cbs), run, restore=state, chief=chief))

    if distribution.multi_worker:
        _prebuild(model, train)
    if state is not None and initial_epoch >= epochs and log is not None and chief:
        log(f"{checkpoint_dir}: already trained for {initial_epoch} epochs (of {epochs})")
    return model.fit(
        train,
        epochs=epochs,
        steps_per_epoch=steps,
        # ArrayDataset shuffles itself (reproducibly); Keras shuffles the batches of a finite PyDataset.
        shuffle=False if isinstance(train, ArrayDataset) else shuffle,
        validation_data=validation,
        validation_freq=args["validation_freq"],
        class_weight=keras_class_weight,
        initial_epoch=initial_epoch,
        callbacks=cbs,
        verbose=verbose if chief else 0,
    )


def _prebuild(model, train):
    """Work around two Keras 3.15 bugs with MultiWorkerMirroredStrategy.

    First, build the model, its compiled loss and metrics on one local batch before `fit`.

    Keras 3.15's TensorFlow `fit` builds them from the first distributed batch, reduced
    with `strategy.reduce("MEAN", batch)`, which MultiWorkerMirroredStrategy cannot do
    on a nested batch (a ValueError about converting PerReplica values); this does the
    same build from a local batch and skips that step.  Private Keras API, used for
    multi-worker training only.
    """
    batch = _first_batch(train)
    batch = tuple(batch) if isinstance(batch, list) else batch
    model._symbolic_build(data_batch=batch)
    model._maybe_symbolic_build = lambda iterator=None, data_batch=None: None
    # Keras reduces each step's scalar logs with strategy.reduce("MEAN", v, axis=0), which
    # fails on scalars under MultiWorkerMirroredStrategy ("Invalid reduction dimension 0",
    # tensorflow/tensorflow#72388): hand it one-element vectors, which it averages over the
    # replicas into the scalars it expects.
    for step in ("train_step", "test_step"):
        setattr(model, step, _vector_logs(getattr(model, step)))


def _vector_logs(step):
    def wrapped(data):
        return {k: keras.ops.reshape(v, (1,)) for k, v in step(data).items()}

    return wrapped


def _warn_if_changed(state, batch_size, steps):
    for key, value in (("batch_size", batch_size), ("steps_per_epoch", steps)):
        if state.get(key) not in (None, value):
            sys.stderr.write(
                f"warning: resuming with {key} {value}, the checkpoint was trained with {state[key]}: "
                "the run will not continue exactly\n"
            )


def save(model, path):
    """`.weights.h5`: weights only; anything else: a `.keras` model file."""
    path = os.fspath(path)
    if path.endswith(".weights.h5"):
        model.save_weights(path)
    else:
        if not path.endswith(".keras"):
            raise UsageError(f"--save {path}: the name must end in .keras or .weights.h5")
        model.save(path)


def main(module, argv=None):
    """The module's command line (graphc_runtime.cli); returns the History."""
    args = cli.parse_args(module, argv, "keras")
    with cli.user_errors():
        if args.save and not (args.save.endswith(".keras") or args.save.endswith(".weights.h5")):
            raise UsageError(f"--save {args.save}: the name must end in .keras or .weights.h5")
        verbose = 0 if args.quiet or not sys.stdout.isatty() else 1
        history = fit(
            module,
            data=args.data,  # paths: loaded and checked by fit, errors name the file
            val_data=args.val_data,
            **cli.fit_kwargs(args),
            mixed_precision=args.mixed_precision,
            distribute=args.distribute,
            verbose=verbose,
            log=lambda line: print(line, flush=True),
        )
        if args.save:
            if _chief(history.model):
                save(history.model, args.save)
                print(f"saved {args.save}", flush=True)
            else:  # every worker saves (collective operations); the others into scratch space
                with tempfile.TemporaryDirectory() as scratch:
                    save(history.model, os.path.join(scratch, os.path.basename(args.save)))
    return history


def _chief(model) -> bool:
    strategy = getattr(model, "distribute_strategy", None)
    if strategy is None or keras.backend.backend() != "tensorflow":
        return True
    return dist.Distribution("custom", strategy).is_chief
