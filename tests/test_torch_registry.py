"""The PyTorch target's layer registry (graphc/targets/torch_layers.py) against the catalog and
the runtime, and the layers added last (L4) compiled to both targets and run.

Fast (no framework): every catalog layer has an ENTRIES entry or an UNSUPPORTED reason, never
both; every entry and every reason names a catalog class; every entry that builds a module
names a class the runtime exports (read from the runtime's source, without importing torch).

Slow: the runtime classes exist and are Keras layers; the runtime Pipeline's list of
channels-first classes matches the entries; and for each layer added in L4 a one-layer GDL
model is compiled to both targets, Keras's weights are copied into the PyTorch model and the
eval-mode outputs compared (random augmentations are the identity in inference in both; their
training-mode transforms and distributions are tested in runtime/tests/test_layers_more.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import graphc.ops  # noqa: F401  (fills the registry)
import graphc.ops.special  # noqa: F401
from graphc.ops.base import REGISTRY
from graphc.targets.torch_layers import CF, ENTRIES, UNSUPPORTED

ROOT = Path(__file__).resolve().parent.parent
LAYERS_DIR = ROOT / "runtime" / "graphc_runtime" / "torch" / "layers"


def catalog_classes() -> dict:
    """{class name: Op class} of every catalog layer (aliases folded), Input left out."""
    return {op.name: op for op in REGISTRY.values() if op.name != "Input"}


def runtime_exports() -> set:
    """The names graphc_runtime.torch.layers exports, read from its source: the explicit
    imports of __init__.py and the __all__ of each module it star-imports."""
    init = ast.parse((LAYERS_DIR / "__init__.py").read_text())
    names = set()
    for node in init.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module.rsplit(".", 1)[-1]
        if any(a.name == "*" for a in node.names):
            tree = ast.parse((LAYERS_DIR / f"{module}.py").read_text())
            for stmt in tree.body:
                if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets
                ):
                    names |= {ast.literal_eval(e) for e in stmt.value.elts}
        else:
            names |= {a.asname or a.name for a in node.names}
    return names


def test_every_catalog_layer_has_an_entry_or_a_reason():
    catalog = catalog_classes()
    missing = sorted(n for n, op in catalog.items() if op not in ENTRIES and n not in UNSUPPORTED)
    both = sorted(n for n, op in catalog.items() if op in ENTRIES and n in UNSUPPORTED)
    assert not missing, f"catalog layers with neither a torch entry nor an UNSUPPORTED reason: {missing}"
    assert not both, f"layers both spelled and refused: {both}"


def test_entries_and_reasons_name_catalog_layers():
    catalog = catalog_classes()
    for op in ENTRIES:
        assert catalog.get(op.name) is op, f"{op!r} is not the catalog's {op.name}"
    for name, reason in UNSUPPORTED.items():
        assert name in catalog, name
        assert isinstance(reason, str) and len(reason) > 40, (name, reason)


def test_coverage_is_at_least_95_percent():
    catalog = catalog_classes()
    covered = sum(1 for op in catalog.values() if op in ENTRIES)
    assert covered / len(catalog) >= 0.95, (covered, len(catalog))


def test_every_module_entry_names_a_runtime_class():
    exports = runtime_exports()
    assert {"Dense", "Conv2D", "AugMix", "MelSpectrogram", "Pipeline"} <= exports  # the reader works
    missing = sorted(op.name for op, e in ENTRIES.items() if e.inline is None and op.name not in exports)
    assert not missing, f"entries without a graphc_runtime.torch.layers class: {missing}"


# ---------------------------------------------------------------------- with the frameworks
@pytest.mark.slow
def test_runtime_classes_are_keras_layers():
    from graphc_runtime.torch import layers as K

    for op, e in ENTRIES.items():
        if e.inline is None:
            cls = getattr(K, op.name)
            assert issubclass(cls, K.KerasLayer), op.name


@pytest.mark.slow
def test_pipeline_knows_the_channels_first_layers():
    """The runtime Pipeline moves the channels for exactly the layers the compiler gives
    channels-first inputs (plus the global poolings, spelled inline, whose runtime classes
    take channels-first inputs too)."""
    from graphc_runtime.torch.layers.core_more import CHANNELS_FIRST

    cf = {op.name for op, e in ENTRIES.items() if e.layout == CF}
    pools = {f"Global{k}Pooling{n}D" for k in ("Average", "Max") for n in (1, 2, 3)}
    assert set(CHANNELS_FIRST) == cf | pools


# One tiny model per layer added in L4: (stem, GDL body, input ranges).  Images are values in
# [0, 255) (the default value_range), signals normal, ids integers.
IMG = "x = Input(shape=(9, 10, 3))"
L4_MODELS = {
    "auto_contrast": (IMG, "AutoContrast()(x)"),
    "auto_contrast_01": (IMG, "AutoContrast(value_range=(0, 1))(Rescaling(1.0 / 255)(x))"),
    "clahe": (IMG, "ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 3))(x)"),
    "solarization": (IMG, "Solarization(addition_factor=0.2, threshold_factor=0.5)(x)"),
    "color_degeneration": (IMG, "RandomColorDegeneration(0.5)(x)"),
    "hue": (IMG, "RandomHue(0.4)(x)"),
    "saturation": (IMG, "RandomSaturation(0.4)(x)"),
    "sharpness": (IMG, "RandomSharpness(0.5)(x)"),
    "posterization": (IMG, "RandomPosterization(4)(x)"),
    "invert": (IMG, "RandomInvert()(x)"),
    "grayscale": (IMG, "RandomGrayscale()(x)"),
    "gaussian_blur": (IMG, "RandomGaussianBlur(kernel_size=5)(x)"),
    "erasing": (IMG, "RandomErasing()(x)"),
    "color_jitter": (IMG, "RandomColorJitter(brightness_factor=0.2, hue_factor=0.1)(x)"),
    "shear": (IMG, "RandomShear(x_factor=0.3)(x)"),
    "perspective": (IMG, "RandomPerspective(scale=0.5)(x)"),
    "elastic": (IMG, "RandomElasticTransform()(x)"),
    "cut_mix": (IMG, "CutMix()(x)"),
    "mix_up": (IMG, "MixUp()(x)"),
    "rand_augment": (IMG, "RandAugment()(x)"),
    "aug_mix": (IMG, "AugMix()(x)"),
    # the random layers above are the identity at inference: follow some with a convolution
    "shear_conv": (IMG, "Conv2D(4, 3)(RandomShear(x_factor=0.3)(x))"),
    "mel": ("x = Input(shape=(64,))", "MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=6)(x)"),
    "mel_power": (
        "x = Input(shape=(64,))",
        "MelSpectrogram(fft_length=32, sequence_length=20, sequence_stride=8, num_mel_bins=5, "
        'power_to_db=false, window="hamming")(x)',
    ),
    "stft": ("x = Input(shape=(40, 2))", 'STFTSpectrogram(frame_length=8, mode="magnitude")(x)'),
    "stft_expand": (
        "x = Input(shape=(40, 3))",
        'STFTSpectrogram(frame_length=6, frame_step=2, fft_length=8, padding="same", expand_dims=true, mode="stft")(x)',
    ),
    "hashed_crossing": (
        'a = Input(shape=(1,), dtype="int64")\n  b = Input(shape=(1,), dtype="int64")',
        "HashedCrossing(13)([a, b])",
    ),
    "hashed_crossing_one_hot": (
        'a = Input(shape=(1,), dtype="int64")\n  b = Input(shape=(1,), dtype="int64")',
        'HashedCrossing(5, output_mode="one_hot")([a, b])',
    ),
    "reversible_embedding": (
        'ids = Input(shape=(5,), dtype="int32")\n  share emb = ReversibleEmbedding(30, 6, logit_soft_cap=2.0)',
        "emb(emb(ids), reverse=true)",
    ),
    "reversible_embedding_untied": (
        'ids = Input(shape=(5,), dtype="int32")\n  share emb = ReversibleEmbedding(30, 6, tie_weights=false)',
        "emb(emb(ids), reverse=true)",
    ),
    "spectral_norm_dense": ("x = Input(shape=(7,))", "SpectralNormalization(Dense(4))(x)"),
    "spectral_norm_conv": (IMG, 'SpectralNormalization(Conv2D(4, 3, padding="same"))(x)'),
    "pipeline": (IMG, "Pipeline([RandomFlip(), Conv2D(4, 3), BatchNormalization(), Flatten(), Dense(3)])(x)"),
}
XFAIL: dict = {}  # stem -> reason (strict): a known gap, flips when fixed


def program(stem: str) -> str:
    inputs, expr = L4_MODELS[stem]
    return f"""
model m_{stem} {{
  {inputs}
  output y = {expr}
  compile(optimizer="adam", loss="mse")
}}
"""


def inputs(km, n=3, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    x = {}
    for name, (shape, dtype, high) in km.INPUT_SPECS.items():
        size = (n, *shape)
        if np.dtype(dtype).kind in "iu":
            x[name] = rng.integers(-5 if high is None else 0, high or 1000, size=size).astype(dtype)
        elif len(shape) == 3:  # images
            x[name] = (rng.random(size) * 255).astype(dtype)
        else:
            x[name] = rng.normal(size=size).astype(dtype)
    return x


# Tolerance: these outputs come from at most ~100-term float32 sums (a 3x3x3 convolution,
# a 16..32-point FFT with a mel projection, a 6-term embedding dot product) computed in
# other orders by the two frameworks: within 2 * (n + 1) * eps * sum|terms| of each other
# (Higham 4.3), below 1e-5 relative to the output's magnitude for n <= 100 and terms of the
# output's size; the FFT adds log2(n) * eps rounding per stage.  The dB outputs are
# 10 log10 of powers, whose relative errors of that size move them by < 1e-4 absolute.
REL_TOL = 1e-5
DB_TOL = 1e-4


@pytest.mark.slow
@pytest.mark.parametrize(
    "stem",
    [
        pytest.param(s, marks=pytest.mark.xfail(reason=XFAIL[s], strict=True)) if s in XFAIL else s
        for s in L4_MODELS
    ],
)
def test_l4_layers_compile_to_both_targets_and_agree_in_inference(stem, tmp_path):
    import keras
    import torch_helpers as th

    km, tm, _ = th.emit_pair(program(stem), tmp_path, stem)
    keras.utils.set_random_seed(0)
    kmodel = km.build_model()
    th.randomize(kmodel, 1)
    tmodel = th.torch_from_keras(tm, kmodel)
    assert tm.count_params(tmodel) == th.keras_param_counts(kmodel)
    x = inputs(km)
    (k_out,), (t_out,) = th.predict_both(km, tm, kmodel, tmodel, x)
    assert k_out.shape == t_out.shape and k_out.dtype == t_out.dtype, (k_out.shape, t_out.shape)
    if np.issubdtype(k_out.dtype, np.integer):
        assert np.array_equal(k_out, t_out)
        return
    if stem == "mel":
        np.testing.assert_allclose(t_out, k_out, rtol=0, atol=DB_TOL)
    else:
        assert th.rel_diff(k_out, t_out) < REL_TOL, th.rel_diff(k_out, t_out)
    inner = L4_MODELS[stem][1]
    if inner.startswith(("Random", "Solarization", "CutMix", "MixUp", "RandAugment", "AugMix")):
        assert np.array_equal(t_out, x["x"])  # the identity at inference, in both


def _layer(src: str, tmp_path, name: str):
    """The applied layer `name` of a one-model program, and its input tensors."""
    from graphc.compiler.interpreter import compile_program

    path = tmp_path / "m.gdl"
    path.write_text(src)
    program = compile_program(str(path), src)
    assert not program.errors, [d.header() for d in program.errors]
    for item in program.entry().items:
        layer = getattr(item, "layer", None)
        if layer is not None and layer.op is not None and layer.op.name == name:
            return layer, item.tensor_inputs()
    raise AssertionError(name)


REFUSALS = [
    (
        "x = Input(shape=(4,))",
        'SpectralNormalization(EinsumDense("ab,bc->ac", 3))(x)',
        "SpectralNormalization",
        "layer",
    ),
    (
        "x = Input(shape=(5, 5, 2))",
        "SpectralNormalization(DepthwiseConv2D(3))(x)",
        "SpectralNormalization",
        "layer",
    ),
    ("x = Input(shape=(4, 6))", "ReversibleEmbedding(9, 6)(x, reverse=true, )", None, None),
    (
        "x = Input(shape=(4, 6))",
        'ReversibleEmbedding(9, 6, reverse_dtype="float16")(x, reverse=true)',
        "ReversibleEmbedding",
        "reverse_dtype",
    ),
    ("x = Input(shape=(4, 6))", "Pipeline([Dense(3), LayerNormalization(axis=-1)])(x)", "Pipeline", "layers"),
    ("x = Input(shape=(4, 6))", "Pipeline([Dense(3), LayerNormalization()])(x)", None, None),
    (
        'a = Input(shape=(1,), dtype="string")\n  b = Input(shape=(1,), dtype="int64")',
        "HashedCrossing(4)([a, b])",
        "HashedCrossing",
        None,
    ),
]


@pytest.mark.parametrize("row", REFUSALS, ids=[r[1] for r in REFUSALS])
def test_entries_refuse_what_the_runtime_cannot_compute(row, tmp_path):
    inputs, expr, refused, arg = row
    src = f"model m {{\n  {inputs}\n  output y = {expr}\n}}\n"
    name = refused or expr.split("(")[0]
    layer, xs = _layer(src, tmp_path, name)
    entry = ENTRIES[layer.op]
    exc = entry.refuse(layer.full_args, xs) if entry.refuse else None
    if refused is None:
        assert exc is None
    else:
        assert exc is not None and exc.arg == arg and refused.split("(")[0] in exc.message, exc


@pytest.mark.slow
def test_spectral_normalization_wraps_what_the_runtime_wraps():
    from graphc_runtime.torch.layers.normalization import _KERNELS

    from graphc.targets.torch_layers import SPECTRAL_NORM_INNER

    assert set(SPECTRAL_NORM_INNER) == set(_KERNELS)
