"""graphc_runtime.torch.layers.applications (the layers keras.applications defines for
itself: ConvNeXt's LayerScale, InceptionResNetV2's CustomScaleLayer) against Keras's
own classes on TensorFlow.

Tolerances (float32, eps = 2**-23): LayerScale is one multiplication in both frameworks,
so the results are equal.  CustomScaleLayer computes x + r * scale: a kernel may contract
it into one fused multiply-add, which skips the rounding of r * scale (at most
eps/2 |r * scale|) and may then round the sum to the neighbouring float (eps |result|)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from graphc_runtime.torch import layers as K
from graphc_runtime.torch.layers.applications import CustomScaleLayer, LayerScale

pytestmark = pytest.mark.slow

EPS = float(np.finfo(np.float32).eps)


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    return keras


def test_layer_scale_equals_keras(keras):
    from keras.src.applications.convnext import LayerScale as KerasLayerScale

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 3, 6)).astype(np.float32)
    ref_layer = KerasLayerScale(0.5, 6, name="ls")
    ref_layer(x)  # build
    ours = LayerScale(init_values=0.5, projection_dim=6, input_shape=(None, 3, 3, 6), name="ls")
    # Keras's initial weights: the constant init_values
    np.testing.assert_array_equal(ours.keras_arrays()[0], ref_layer.get_weights()[0])
    gamma = rng.normal(size=(6,)).astype(np.float32)
    ref_layer.set_weights([gamma])
    K.load_keras_weights(torch.nn.Sequential(ours), {"ls": ref_layer.get_weights()})
    assert K.count_params(torch.nn.Sequential(ours)) == (ref_layer.count_params(), 0)
    ref = np.asarray(ref_layer(x))
    got = ours(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_array_equal(got, ref)


def test_custom_scale_layer_equals_keras(keras):
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer as KerasCustomScale

    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 4, 4, 5)).astype(np.float32)
    r = rng.normal(size=(2, 4, 4, 5)).astype(np.float32)
    ref_layer = KerasCustomScale(0.17, name="mix")
    ref = np.asarray(ref_layer([a, r]))
    ours = CustomScaleLayer(scale=0.17, input_shape=[(None, 4, 4, 5)] * 2, name="mix")
    got = ours([torch.from_numpy(a), torch.from_numpy(r)]).numpy()
    assert K.count_params(torch.nn.Sequential(ours)) == (0, 0) and ref_layer.count_params() == 0
    bound = EPS / 2 * np.abs(r * np.float32(0.17)) + EPS * np.abs(ref)
    assert np.all(np.abs(got - ref) <= bound)
