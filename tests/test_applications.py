"""Keras applications written in GDL (graphc/stdlib/*.gdl), checked against
keras.applications built in the test: parameter counts (trainable and not),
output shapes, the number of layers, the layers in Keras's construction order
(class, name, weight shapes), and the model name.

Every expected value comes from Keras at test time. Each Keras configuration is
built once (cached); only a summary of it is kept, so memory stays flat."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, LazyModule

from graphc.compiler.lower import compile_program, snake

keras = LazyModule("keras")

STDLIB = ROOT / "graphc" / "stdlib"


# ---------------------------------------------------------------- Keras side
def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


@functools.lru_cache(maxsize=None)
def keras_facts(app: str, kwargs: tuple) -> dict:
    """Build keras.applications.<app>(weights=None, **kwargs) in a fresh Keras
    session (so auto-names start at conv2d, conv2d_1, ...) and summarise it.
    `layers` lists every layer but the InputLayer in construction order, which
    is the order graphc keeps (Keras's model.layers is topologically sorted)."""
    from keras.src.layers.layer import Layer

    created = []
    original = Layer.__init__

    def recording_init(self, *args, **kw):
        original(self, *args, **kw)
        created.append(self)

    keras.backend.clear_session()
    Layer.__init__ = recording_init
    try:
        model = getattr(keras.applications, app)(weights=None, **dict(kwargs))
    finally:
        Layer.__init__ = original
    order = {id(layer): i for i, layer in enumerate(created)}
    layers = sorted(model.layers, key=lambda layer: order[id(layer)])
    facts = {
        "name": model.name,
        "n_layers": len(model.layers),
        "input_shape": tuple(model.input_shape[1:]),
        "output_shape": tuple(model.output_shape[1:]),
        "trainable": _count(model.trainable_weights),
        "non_trainable": _count(model.non_trainable_weights),
        "layers": [
            (layer.__class__.__name__, layer.name, [tuple(w.shape) for w in layer.weights])
            for layer in layers
            if layer.__class__.__name__ != "InputLayer"
        ],
    }
    keras.backend.clear_session()
    return facts


# --------------------------------------------------------------- graphc side
def _gdl(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return repr(v)


def wrapper_source(app: str, shape: tuple, kwargs: dict) -> str:
    args = ", ".join(["weights=None"] + [f"{k}={_gdl(v)}" for k, v in kwargs.items()])
    return f"model m {{\n  x = Input(shape={_gdl(shape)})\n  b = {app}({args})\n  output y = b(x)\n}}\n"


def compile_wrapper(app: str, shape: tuple, kwargs: dict):
    """The wrapper model m and the application's graph inside it."""
    program = compile_program("<test>.gdl", wrapper_source(app, shape, kwargs))
    assert not program.errors, [d.header() for d in program.errors]
    outer = program.graphs["m"]
    (inner,) = [layer.graph for layer in outer.layers if layer.graph is not None]
    return outer, inner


def graphc_layers(graph) -> list:
    return [(layer.type_name, layer.name, [tuple(w.shape) for w in layer.weights]) for layer in graph.layers]


# ------------------------------------------------------------------- cases
# (application, small valid input size, non-square size for the `max` case)
APPS = {
    "Xception": ((71, 71, 3), (80, 99, 3)),
    "ResNet50": ((32, 32, 3), (65, 47, 3)),
    "ResNet101": ((32, 32, 3), (65, 47, 3)),
    "InceptionV3": ((75, 75, 3), (99, 80, 3)),
    "MobileNet": ((96, 96, 3), (65, 47, 3)),
    "MobileNetV2": ((96, 96, 3), (65, 47, 3)),
    "DenseNet121": ((32, 32, 3), (65, 47, 3)),
    "EfficientNetB0": ((96, 96, 3), (65, 47, 3)),
}
HEAVY = {"ResNet101"}


def _cases():
    for app, (small, odd) in APPS.items():
        configs = [
            ("top_default", {}),
            ("top_small", {"include_top": True, "input_shape": small, "classes": 10}),
            ("notop", {"include_top": False}),
            ("notop_avg_small", {"include_top": False, "input_shape": small, "pooling": "avg"}),
            ("notop_max_odd", {"include_top": False, "input_shape": odd, "pooling": "max"}),
        ]
        for cid, kw in configs:
            if app in HEAVY and cid in ("top_default", "notop_avg_small"):
                continue
            marks = [pytest.mark.slow] if app in HEAVY else []
            yield pytest.param(app, kw, id=f"{app}-{cid}", marks=marks)


# Further Keras arguments and further members of the families, fewer configurations each.
EXTRA = [
    (
        "MobileNet",
        "alpha_dm",
        dict(alpha=0.5, depth_multiplier=2, dropout=0.25, input_shape=(128, 128, 3), classes=10),
    ),
    (
        "MobileNet",
        "alpha_named",
        dict(alpha=0.75, include_top=False, input_shape=(160, 160, 3), name="mobile"),
    ),
    ("MobileNetV2", "alpha_small", dict(alpha=0.35, include_top=False, input_shape=(97, 96, 3))),
    (
        "MobileNetV2",
        "alpha_wide",
        dict(alpha=1.4, input_shape=(96, 96, 3), classes=10, classifier_activation=None),
    ),
    ("ResNet152", "notop", dict(include_top=False)),
    ("DenseNet169", "notop_avg_small", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    ("DenseNet201", "top_default", dict()),
    ("EfficientNetB1", "notop_max_odd", dict(include_top=False, input_shape=(65, 47, 3), pooling="max")),
    ("EfficientNetB2", "top_small", dict(input_shape=(64, 64, 3), classes=10)),
    ("EfficientNetB3", "notop", dict(include_top=False)),
    ("EfficientNetB4", "notop_avg_small", dict(include_top=False, input_shape=(33, 33, 3), pooling="avg")),
    ("EfficientNetB7", "top_default", dict()),
]
HEAVY_EXTRA = {"ResNet152", "DenseNet201", "EfficientNetB7"}

# The keyword arguments as given; Keras computes the rest.
CASES = list(_cases()) + [
    pytest.param(app, kw, id=f"{app}-{cid}", marks=[pytest.mark.slow] if app in HEAVY_EXTRA else [])
    for app, cid, kw in EXTRA
]

# Model names Keras computes from the arguments (mobilenet_1.00_224): GDL has no
# way to compute a model's name in its body, so these keep their own default.
COMPUTED_NAMES = {"MobileNet", "MobileNetV2"}


def _auto_named(cls: str, name: str) -> bool:
    return re.fullmatch(rf"{snake(cls)}(_\d+)?", name) is not None


@pytest.mark.slow
@pytest.mark.parametrize("app, kwargs", CASES)
def test_application_matches_keras(app, kwargs):
    k = keras_facts(app, tuple(sorted(kwargs.items())))
    outer, g = compile_wrapper(app, k["input_shape"], kwargs)

    assert (g.trainable_params, g.non_trainable_params) == (k["trainable"], k["non_trainable"])
    assert (outer.trainable_params, outer.non_trainable_params) == (k["trainable"], k["non_trainable"])
    assert tuple(g.inputs[0].type.shape) == k["input_shape"]
    assert tuple(g.outputs[0][1].type.shape) == k["output_shape"]
    assert tuple(outer.outputs[0][1].type.shape) == k["output_shape"]
    assert len(g.layers) + len(g.inputs) == k["n_layers"]
    if app not in COMPUTED_NAMES or "name" in kwargs:
        assert g.name == k["name"]

    mine = graphc_layers(g)
    # the same layer classes in the same (construction) order
    assert [c for c, _, _ in mine] == [c for c, _, _ in k["layers"]]
    # every layer with weights: same name, same weight shapes, same order
    assert [(n, w) for _, n, w in mine if w] == [(n, w) for _, n, w in k["layers"] if w]
    # weightless layers: Keras's name, except where Keras auto-names them
    for (cls, name, w), (_, kname, _) in zip(mine, k["layers"]):
        assert name == kname or (not w and _auto_named(cls, kname)), (name, kname)


# ------------------------------------------------------- the emitted Keras code
# The Keras module graphc writes for a program using an application builds the
# same network: keras.applications' weights load into it layer by layer, by
# name, and it then computes the same outputs.
EMITTED = [
    ("Xception", {"include_top": False, "input_shape": (71, 71, 3), "pooling": "avg"}),
    ("InceptionV3", {"include_top": False, "input_shape": (75, 75, 3)}),
    ("MobileNetV2", {"include_top": True, "input_shape": (65, 47, 3), "classes": 10}),
    ("EfficientNetB0", {"include_top": True, "input_shape": (65, 47, 3), "classes": 10}),
]


@pytest.mark.slow
@pytest.mark.parametrize("app, kwargs", EMITTED, ids=[a for a, _ in EMITTED])
def test_emitted_model_takes_keras_weights_by_name(tmp_path, app, kwargs):
    from helpers import import_file

    from graphc.api import compile_source

    shape = kwargs["input_shape"]
    out = tmp_path / f"{app.lower()}_keras.py"
    out.write_text(compile_source(wrapper_source(app, shape, kwargs), "keras", path=f"{app.lower()}.gdl"))
    keras.backend.clear_session()
    built = import_file(out).build_model()
    (mine,) = [layer for layer in built.layers if isinstance(layer, keras.Model)]
    reference = getattr(keras.applications, app)(weights=None, **kwargs)
    rng = np.random.default_rng(0)
    loaded = 0
    for layer in reference.layers:
        if layer.weights:
            # random values everywhere (batch-norm statistics included), so that
            # a weight landing in the wrong layer shows in the outputs
            weights = [rng.normal(size=w.shape).astype("float32") * 0.1 for w in layer.weights]
            weights = [
                np.abs(v) + 0.5 if w.path.endswith("variance") else v for w, v in zip(layer.weights, weights)
            ]
            layer.set_weights(weights)
            mine.get_layer(layer.name).set_weights(weights)
            loaded += 1
    assert loaded == sum(1 for layer in mine.layers if layer.weights)
    x = rng.uniform(0, 255, size=(2, *shape)).astype("float32")
    np.testing.assert_allclose(
        built.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )
    keras.backend.clear_session()


# ------------------------------------------------------------ weights, names
ALL_APPS = sorted(set(APPS) | {app for app, _, _ in EXTRA})


def test_every_application_is_registered():
    from graphc import stdlib

    for app in ALL_APPS:
        assert Path(stdlib.path_for(app)).parent == STDLIB, app


@pytest.mark.parametrize("app", ALL_APPS)
@pytest.mark.parametrize("weights", ['weights="imagenet", ', ""], ids=["imagenet", "default"])
def test_pretrained_weights_are_a_located_error(app, weights):
    src = f"model m {{\n  x = Input(shape=(96, 96, 3))\n  b = {app}({weights}include_top=false)\n  output y = b(x)\n}}\n"
    program = compile_program("w.gdl", src)
    errors = [d for d in program.errors if d.code == "unsupported"]
    assert len(errors) == 1, [d.header() for d in program.errors]
    d = errors[0]
    assert (d.file, d.span.line) == ("w.gdl", 3)
    assert "imagenet" in d.message and app in d.message
    assert d.hint and "weights=None" in d.hint


# ------------------------------------------------------------ the spec's example
@pytest.mark.slow
def test_stereo_depth_matches_keras():
    from keras import layers

    program = compile_program(str(ROOT / "examples" / "stereo_depth.gdl"))
    assert not program.errors, [d.header() for d in program.errors]
    g = program.entry()
    assert g.name == "stereo_depth"

    keras.backend.clear_session()
    left = keras.Input(shape=(250, 250, 3), name="left")
    right = keras.Input(shape=(250, 250, 3), name="right")
    base = keras.applications.Xception(weights=None, include_top=False)
    merged = layers.concatenate([base(left), base(right)], axis=-1)
    depth = layers.Dense(1, name="depth")(layers.GlobalAveragePooling2D()(merged))
    model = keras.Model([left, right], depth)

    # docs/language.md (Complete examples) states the count: 20,865,577
    assert g.trainable_params + g.non_trainable_params == model.count_params() == 20_865_577
    assert g.trainable_params == _count(model.trainable_weights)
    assert g.non_trainable_params == _count(model.non_trainable_weights)
    assert tuple(g.outputs[0][1].type.shape) == tuple(model.output_shape[1:])
    (shared,) = [layer for layer in g.layers if layer.graph is not None]
    assert len(shared.calls) == 2 and shared.graph.name == base.name
    keras.backend.clear_session()
