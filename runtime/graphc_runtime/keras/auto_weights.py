"""`loss_weights="auto"`: learned per-output loss weights (homoscedastic uncertainty).

Kendall, Gal & Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses"
(CVPR 2018), in the form the PyTorch trainer uses too:

    total = sum_i (exp(-s_i) * L_i + s_i)

with one learned `s_i` (a log variance) per output, initialised to 0 (every weight
starts at 1).  `L_i` is output i's loss as Keras computes it (sample weights
included); the weight `exp(-s_i)` is logged each epoch as `<output>_loss_weight`,
and the `s_i` are a variable of the model, saved with it.
"""

from __future__ import annotations

import keras
from keras import ops


def _replicas() -> int:
    """Replicas a tf.distribute strategy splits each step over (1 elsewhere)."""
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


class _FunctionLoss(keras.losses.Loss):
    """A loss function as a Keras `Loss` (what Keras's compile does with a loss name)."""

    def __init__(self, fn, name):
        super().__init__(name=name)
        self.fn = fn

    def call(self, y_true, y_pred):
        # keras.losses.loss.squeeze_or_expand_to_same_rank: ranks one apart through a trailing 1.
        if len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
            y_true = ops.squeeze(y_true, -1) if len(y_pred.shape) != 1 else y_true
            if len(y_pred.shape) == 1:
                y_pred = ops.expand_dims(y_pred, -1)
        elif len(y_pred.shape) == len(y_true.shape) + 1 and y_pred.shape[-1] == 1:
            if len(y_true.shape) == 1:
                y_true = ops.expand_dims(y_true, -1)
            else:
                y_pred = ops.squeeze(y_pred, -1)
        return self.fn(y_true, y_pred)


def resolve_loss(identifier):
    """A Keras `Loss` object from a loss name or object."""
    loss = keras.losses.get(identifier)
    if isinstance(loss, keras.losses.Loss):
        return loss
    return _FunctionLoss(
        loss, identifier if isinstance(identifier, str) else getattr(loss, "__name__", "loss")
    )


@keras.saving.register_keras_serializable(package="graphc_runtime")
class UncertaintyWeightedModel(keras.Model):
    """A functional model trained on `sum_i exp(-s_i) * L_i + s_i` over its outputs.

    Make one from a built functional model with `UncertaintyWeightedModel.wrap(model)`
    (the layers are shared, not copied); compile it with `loss=` a dict keyed by
    output name and no `loss_weights`.  Logs `<output>_loss` (unweighted, as Keras
    does) and `loss` (the total above).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_log_variances = self.add_weight(
            shape=(len(self.output_names),),
            initializer="zeros",
            dtype=keras.config.floatx(),  # float32 also under a mixed-precision policy
            name="loss_log_variances",
        )
        self.output_loss_trackers = [keras.metrics.Mean(name=f"{n}_loss") for n in self.output_names]
        self._resolved_losses = None

    @classmethod
    def wrap(cls, model: keras.Model) -> UncertaintyWeightedModel:
        return cls(inputs=model.inputs, outputs=model.outputs, name=model.name)

    def current_loss_weights(self) -> dict:
        """`{output: exp(-s_i)}`, the weights the next step uses."""
        w = ops.convert_to_numpy(ops.exp(-self.loss_log_variances))
        return {n: float(v) for n, v in zip(self.output_names, w)}

    def _losses_by_output(self):
        if self._resolved_losses is None:
            loss = self.loss
            if not isinstance(loss, dict):
                items = loss if isinstance(loss, (list, tuple)) else [loss] * len(self.output_names)
                loss = dict(zip(self.output_names, items))
            self._resolved_losses = [resolve_loss(loss[n]) for n in self.output_names]
        return self._resolved_losses

    @staticmethod
    def _by_output(value, names):
        if value is None:
            return [None] * len(names)
        if isinstance(value, dict):
            return [value.get(n) for n in names]
        if isinstance(value, (list, tuple)):
            return list(value)
        return [value]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        names = list(self.output_names)
        ys = self._by_output(y, names)
        preds = self._by_output(y_pred, names)
        weights = self._by_output(sample_weight, names) if sample_weight is not None else [None] * len(names)
        if len(weights) == 1 and len(names) > 1:  # one weight array for every output, as Keras allows
            weights = weights * len(names)
        replicas = _replicas()
        batch = ops.shape(preds[0])[0]
        total = None
        for i, (loss_fn, y_t, y_p, sw) in enumerate(zip(self._losses_by_output(), ys, preds, weights)):
            # A Keras Loss divides by the number of replicas itself (scale_loss_for_distribution),
            # so the replicas' summed gradients are those of the global batch; the s_i term is
            # divided the same way.
            value = ops.cast(loss_fn(y_t, y_p, sw), self.loss_log_variances.dtype)
            self.output_loss_trackers[i].update_state(value * replicas, sample_weight=batch)
            s = self.loss_log_variances[i]
            term = ops.exp(-s) * value + s / replicas
            total = term if total is None else total + term
        for extra in self.losses:  # regularization penalties, added as Keras adds them (scaled
            total = total + ops.cast(
                self._aggregate_additional_loss(extra), total.dtype
            )  # per replica on TF)
        return total
