"""What keras.layers exports that GDL cannot express, and why (docs/layers.md lists it; the
compiler can quote the reason when a program names one of these)."""

from __future__ import annotations

NOT_EXPRESSIBLE: dict[str, str] = {
    "Lambda": "wraps a Python function, and GDL has no Python code: write the computation with layers "
    "(or a block)",
    "Layer": "the base class of custom layers, which are Python classes",
    "Wrapper": "the abstract base class of wrappers: use TimeDistributed, Bidirectional or "
    "SpectralNormalization",
    "InputLayer": "Keras's internal input layer: declare inputs with Input(shape=...)",
    "InputSpec": "not a layer: the input constraints of a Python layer class",
    "FlaxLayer": "wraps a Flax module (Python code, JAX backend only)",
    "JaxLayer": "wraps JAX functions (Python code, JAX backend only)",
    "TorchModuleWrapper": "wraps a torch.nn.Module (a Python object, torch backend only)",
    "TFSMLayer": "loads a TensorFlow SavedModel from disk at run time; its shapes and weights are "
    "unknown until then",
    "Equalization": "Keras 3.15 cannot build a functional model with it (its output spec is its "
    "input tensor: 'part of a cycle'); equalize images before the model",
    "MaxNumBoundingBoxes": "works on bounding-box dicts of detection data pipelines, which GDL's "
    "tensors do not express",
}

# non-layer names keras.layers exports (besides Input and the merge functions)
NOT_LAYERS: dict[str, str] = {
    "serialize": "not a layer: turns a layer object into a config dict (Python API)",
    "deserialize": "not a layer: builds a layer object from a config dict (Python API)",
}
