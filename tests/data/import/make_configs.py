"""Regenerate the Keras configurations the fast import tests read (needs Keras):

    python tests/data/import/make_configs.py

Each file is what Keras 3 writes for a small functional/Sequential model
(`model.to_json()`, plus `compile_config` from `model.get_compile_config()`
when it is compiled): the tests read real Keras output without importing Keras."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras import layers  # noqa: E402

HERE = Path(__file__).resolve().parent


def save(model, name: str) -> None:
    cfg = json.loads(model.to_json())
    if model.compiled:
        cfg["compile_config"] = model.get_compile_config()
    (HERE / f"{name}.json").write_text(json.dumps(cfg, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def shared_dict():
    a = keras.Input((8,), name="a")
    b = keras.Input((8,), name="b")
    shared = layers.Dense(4, activation="relu", name="shared")
    x = layers.concatenate([shared(a), shared(b)], name="cat")
    o1 = layers.Dense(1, name="out1")(x)
    o2 = layers.Dense(2, kernel_initializer="he_normal", name="out2")(x)
    m = keras.Model([a, b], {"o1": o1, "o2": o2}, name="two_towers")
    m.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss={"o1": "mse", "o2": "mae"},
        loss_weights={"o1": 0.5, "o2": 1.0},
        metrics={"o1": ["mae"]},
    )
    return m


def profile():
    text = keras.Input((None,), dtype="int32", name="text")
    x = layers.Embedding(100, 16)(text)
    for _ in range(4):
        x = layers.LSTM(8, return_sequences=True)(x)
    x = layers.LSTM(8)(x)
    x = layers.Dense(8, activation="relu")(x)
    outs = [
        layers.Dense(1, name="age")(x),
        layers.Dense(10, activation="softmax", name="income")(x),
        layers.Dense(1, activation="sigmoid", name="gender")(x),
    ]
    m = keras.Model(text, outs, name="profile")
    m.compile(
        optimizer="rmsprop",
        loss={"age": "mse", "income": "categorical_crossentropy", "gender": "binary_crossentropy"},
        loss_weights={"age": 0.25, "income": 1.0, "gender": 10.0},
    )
    return m


def nested():
    i = keras.Input((16,), name="seq")
    enc = keras.Model(i, layers.Dense(8, activation="tanh", name="emb")(i), name="encoder")
    head = keras.Sequential(
        [keras.Input((8,)), layers.Dense(4, name="h1"), layers.Dense(2, name="h2")], name="head"
    )
    a = keras.Input((16,), name="left")
    b = keras.Input((16,), name="right")
    ea, eb = enc(a), enc(b)
    y = layers.Subtract(name="diff")([head(ea), layers.Dense(2, name="proj")(eb)])
    return keras.Model([a, b], y, name="siamese")


def rnn():
    x = keras.Input((5, 3), name="x")
    y = layers.Bidirectional(layers.LSTM(4, return_sequences=True))(x)
    z = layers.TimeDistributed(layers.Dense(2))(y)
    w, h, _ = layers.LSTM(3, return_state=True, name="enc_lstm")(z)
    return keras.Model(x, [w, h], name="rnn")


def mnist_seq():
    m = keras.Sequential(
        [
            keras.Input((28, 28, 1), name="image"),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ],
        name="mnist",
    )
    m.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return m


def lambda_layer():
    x = keras.Input((4,), name="x")
    return keras.Model(x, layers.Lambda(lambda t: t * 2, name="double")(x), name="with_lambda")


@keras.saving.register_keras_serializable(package="mine")
class Scale(layers.Layer):
    def call(self, x):
        return x * 2.0


def custom_layer():
    x = keras.Input((4,), name="x")
    return keras.Model(x, layers.Dense(2, name="d")(Scale(name="scale")(x)), name="with_custom")


def ops_model():
    x = keras.Input((4,), name="x")
    y = layers.Dense(4, name="d")(x)
    s = x + y  # keras.ops.add of two tensors
    t = s * 0.5  # keras.ops.multiply with a constant
    return keras.Model(x, layers.Dense(1, name="out")(t), name="with_ops")


def seeded():
    x = keras.Input((4,), name="x")
    y = layers.Dense(2, kernel_initializer=keras.initializers.HeNormal(seed=1), name="d")(x)
    return keras.Model(x, y, name="seeded")


@keras.saving.register_keras_serializable(package="mine")
class Halves(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return keras.ops.full(shape, 0.5, dtype=dtype)


def custom_init():
    x = keras.Input((4,), name="x")
    return keras.Model(x, layers.Dense(2, kernel_initializer=Halves(), name="d")(x), name="custom_init")


def unknown_op():
    x = keras.Input((4,), name="x")
    return keras.Model(x, layers.Dense(1, name="out")(keras.ops.cumprod(x, axis=-1)), name="with_cumprod")


def objects():
    """Keras objects with arguments in layers and in compile."""
    x = keras.Input((6,), name="features")
    h = layers.Dense(
        8,
        activation="relu",
        kernel_initializer=keras.initializers.VarianceScaling(scale=2.0, mode="fan_out"),
        bias_initializer=keras.initializers.Constant(0.1),
        kernel_regularizer=keras.regularizers.L2(1e-4),
        kernel_constraint=keras.constraints.MaxNorm(3),
        name="hidden",
    )(x)
    y = layers.Dense(3, name="logits")(h)
    m = keras.Model(x, y, name="with_objects")
    m.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=keras.optimizers.schedules.ExponentialDecay(1e-3, 1000, 0.9), global_clipnorm=1.0
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2)],
    )
    return m


def residual():
    """Three stages of two residual units each, named stage{s}_unit{u}_..."""
    x = inp = keras.Input((16, 16, 8), name="image")
    for s, f in enumerate((8, 16, 32), start=1):
        for u in range(1, 3):
            p = f"stage{s}_unit{u}"
            stride = 2 if (u == 1 and s > 1) else 1
            y = layers.Conv2D(f, 3, strides=stride, padding="same", name=f"{p}_conv1")(x)
            y = layers.BatchNormalization(name=f"{p}_bn1")(y)
            y = layers.Activation("relu", name=f"{p}_relu1")(y)
            y = layers.Conv2D(f, 3, padding="same", name=f"{p}_conv2")(y)
            y = layers.BatchNormalization(name=f"{p}_bn2")(y)
            if u == 1:
                x = layers.Conv2D(f, 1, strides=stride, name=f"{p}_proj")(x)
            x = layers.Add(name=f"{p}_add")([x, y])
            x = layers.Activation("relu", name=f"{p}_out")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inp, layers.Dense(10, activation="softmax", name="probs")(x), name="resnet_mini")


def attention():
    q = keras.Input((6, 8), name="query")
    v = keras.Input((7, 8), name="value")
    y = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(q, v)
    return keras.Model([q, v], layers.GlobalAveragePooling1D(name="pool")(y), name="attend")


def app_layers():
    """The layers keras.applications defines for itself (not in keras.layers):
    ConvNeXt's LayerScale and InceptionResNetV2's CustomScaleLayer."""
    from keras.src.applications.convnext import LayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    x = keras.Input((5, 5, 8), name="image")
    h = layers.Conv2D(8, 3, padding="same", name="conv")(x)
    h = LayerScale(0.1, 8, name="layer_scale")(h)
    y = CustomScaleLayer(0.17, name="scaled_residual")([x, h])
    out = layers.Dense(3, name="out")(layers.GlobalAveragePooling2D(name="pool")(y))
    return keras.Model(x, out, name="app_layers")


MODELS = {
    "shared_dict": shared_dict,
    "profile": profile,
    "nested": nested,
    "rnn": rnn,
    "mnist_seq": mnist_seq,
    "lambda": lambda_layer,
    "custom": custom_layer,
    "ops": ops_model,
    "seeded": seeded,
    "custom_init": custom_init,
    "unknown_op": unknown_op,
    "objects": objects,
    "residual": residual,
    "attention": attention,
    "app_layers": app_layers,
}

if __name__ == "__main__":
    for name, build in MODELS.items():
        keras.backend.clear_session()
        save(build(), name)
        print("wrote", name)
