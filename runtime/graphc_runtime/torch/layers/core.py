"""Keras core layers in PyTorch (runtime/LAYERS.md): Dense, ..."""

from __future__ import annotations

from torch import nn

from graphc_runtime.torch.layers.base import KerasLayer, activation, initialize_

__all__ = ["Dense"]


class Dense(KerasLayer, nn.Linear):
    """keras.layers.Dense on the last axis.  `in_features`: the input's last axis.

    Keras's kernel is (in, units), torch's weight (units, in): load_keras transposes."""

    keras_weights_spec = (("weight", lambda a: a.T, lambda t: t.T),)
    regularized = {"kernel_regularizer": ("weight", None), "bias_regularizer": ("bias", None)}
    # Keras's constraints norm the kernel over axis 0 (the inputs): torch's dimension 1
    constrained = {"kernel_constraint": ("weight", 1), "bias_constraint": ("bias", 0)}

    def __init__(
        self,
        in_features,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        *,
        name=None,
    ):
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        nn.Linear.__init__(self, in_features, units, bias=use_bias)
        self._keras_init(
            name,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        if use_bias:
            self.keras_weights_spec = Dense.keras_weights_spec + (("bias", lambda a: a, lambda t: t),)
        self.activation_name = activation
        self._activation = _act(activation)
        if activity_regularizer is not None:
            raise NotImplementedError("Dense(activity_regularizer=...) is not supported yet")

    def reset_parameters(self):
        if not hasattr(self, "kernel_initializer"):  # nn.Linear.__init__ calls it before ours is set
            return
        initialize_(self.weight, self.kernel_initializer, self.in_features, self.out_features)
        if self.bias is not None:
            initialize_(self.bias, self.bias_initializer, self.in_features, self.out_features)

    def forward(self, x):
        return self._activation(nn.Linear.forward(self, x), -1)

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return f"{nn.Linear.extra_repr(self)}{act}, name={self.name!r}"


def _act(name):
    return activation(name)
