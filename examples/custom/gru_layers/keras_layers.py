"""Keras 3 implementations: the gated residual network (GRN) unit of the Temporal
Fusion Transformer (Lim et al., 2021), the quantile (pinball) loss and a coverage
metric.  Weights are created in a fixed order with `add_weight`, so that
`layer.get_weights()` is [w1, b1, w2, b2, w_gate, b_gate, w_value, b_value,
(w_skip, b_skip when the input width differs from `units`), gamma, beta], which
torch_layers.GatedResidual.load_keras reads."""

from __future__ import annotations

import keras
from keras import layers, ops

EPSILON = 1e-3  # keras.layers.LayerNormalization's default epsilon


@keras.saving.register_keras_serializable(package="gru_layers")
class GatedResidual(layers.Layer):
    """y = LayerNorm(skip(x) + GLU(dropout(W2 elu(W1 x + b1) + b2))), on the last axis.

    skip(x) is x when its width is `units`, else a linear projection; the GLU is
    sigmoid(Wg h + bg) * (Wv h + bv)."""

    def __init__(self, units, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.rate = float(dropout)
        self.dropout = layers.Dropout(self.rate) if self.rate else None

    def build(self, input_shape):
        d, u = int(input_shape[-1]), self.units

        def dense(name, n_in):
            w = self.add_weight(shape=(n_in, u), initializer="glorot_uniform", name=f"{name}_kernel")
            b = self.add_weight(shape=(u,), initializer="zeros", name=f"{name}_bias")
            return w, b

        self.w1, self.b1 = dense("hidden", d)
        self.w2, self.b2 = dense("output", u)
        self.wg, self.bg = dense("gate", u)
        self.wv, self.bv = dense("value", u)
        self.skip = dense("skip", d) if d != u else None
        self.gamma = self.add_weight(shape=(u,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(u,), initializer="zeros", name="beta")

    def call(self, x, training=None):
        h = ops.elu(ops.matmul(x, self.w1) + self.b1)
        h = ops.matmul(h, self.w2) + self.b2
        if self.dropout is not None:
            h = self.dropout(h, training=training)
        g = ops.sigmoid(ops.matmul(h, self.wg) + self.bg) * (ops.matmul(h, self.wv) + self.bv)
        skip = x if self.skip is None else ops.matmul(x, self.skip[0]) + self.skip[1]
        y = skip + g
        mean = ops.mean(y, axis=-1, keepdims=True)
        var = ops.mean(ops.square(y - mean), axis=-1, keepdims=True)
        return (y - mean) / ops.sqrt(var + EPSILON) * self.gamma + self.beta

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "dropout": self.rate}


@keras.saving.register_keras_serializable(package="gru_layers")
class QuantileLoss(keras.losses.Loss):
    """The pinball loss of quantile `quantile`: mean over the last axis of
    max(q * e, (q - 1) * e), e = y_true - y_pred."""

    def __init__(self, quantile=0.5, name="quantile_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.quantile = float(quantile)

    def call(self, y_true, y_pred):
        e = ops.cast(y_true, y_pred.dtype) - y_pred
        q = self.quantile
        return ops.mean(ops.maximum(q * e, (q - 1.0) * e), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantile": self.quantile}


def _coverage(y_true, y_pred):
    return ops.mean(ops.cast(ops.cast(y_true, y_pred.dtype) <= y_pred, "float32"), axis=-1)


@keras.saving.register_keras_serializable(package="gru_layers")
class Coverage(keras.metrics.MeanMetricWrapper):
    """The fraction of targets at or below the prediction (a quantile forecast of
    quantile q should cover about q of them)."""

    def __init__(self, name="coverage", dtype=None):
        super().__init__(_coverage, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
