"""Layer classes keras.applications defines for itself, imported as `extern layer`s.

ConvNeXt's `LayerScale` and InceptionResNetV2's `CustomScaleLayer` are not
keras.layers classes, so GDL's catalog has no entry for them; a model using one
is still imported: the GDL file starts with an `extern layer` declaration
(docs/extern.md) naming Keras's own class (the one the original model was built
from) and graphc_runtime's PyTorch class, with the shape and parameter rules.
Any other class of a module outside keras.layers is reported, as before.  The
shape rules check what Keras would check when it builds the layer (the channels
LayerScale scales, the two shapes CustomScaleLayer adds): a configuration that
breaks them is a model Keras cannot build, and the import reports it
(`error(...)` in a rule is an `argument-value` diagnostic).

The declarations are compiled once, by graphc itself, to give the importer
their catalog entries (an Op like any other): arguments are then planned,
checked and verified exactly as for a built-in layer.
"""

from __future__ import annotations

# (Keras module, class name) -> the declaration the GDL file starts with
KNOWN: dict = {
    ("keras.src.applications.convnext", "LayerScale"): """\
# ConvNeXt's learned per-channel scale (keras.applications defines it for itself)
extern layer LayerScale(init_values: float, projection_dim: int) {
  keras = "keras.src.applications.convnext.LayerScale"
  torch = "graphc_runtime.torch.layers.applications.LayerScale"
  output_shape(x) = x if x[-1] == projection_dim or x[-1] == None else error(
    f"LayerScale scales {projection_dim} channels (projection_dim), its input has {x[-1]}",
  )
  params(x) = projection_dim
}""",
    ("keras.src.applications.inception_resnet_v2", "CustomScaleLayer"): """\
# InceptionResNetV2's scaled residual, a + b * scale (keras.applications defines it for itself)
extern layer CustomScaleLayer(scale: float) {
  keras = "keras.src.applications.inception_resnet_v2.CustomScaleLayer"
  torch = "graphc_runtime.torch.layers.applications.CustomScaleLayer"
  output_shape(a, b) = a if a == b else error(
    f"CustomScaleLayer adds two tensors of one shape, got {a} and {b}",
  )
  params(a, b) = 0
}""",
}

_OPS: dict = {}


def known(cls: str, module) -> bool:
    return (module, cls) in KNOWN


def names() -> set:
    """The class names the declarations bind (reserved for generated variables)."""
    return {cls for _, cls in KNOWN}


def op_of(cls: str, module):
    """The catalog entry (an ExternOp subclass) of a known class, compiled once."""
    key = (module, cls)
    op = _OPS.get(key)
    if op is None:
        from graphc.compiler.interpreter import compile_program

        program = compile_program("applications.gdl", KNOWN[key] + "\n")
        if program.errors:  # a broken table entry: an internal error, tested
            raise AssertionError(f"extern declaration of {cls}: {program.errors[0].header()}")
        op = _OPS[key] = program.env.names[cls].op
    return op


def declaration(op) -> str:
    """The GDL text declaring `op` (an Op op_of returned)."""
    for key, found in _OPS.items():
        if found is op:
            return KNOWN[key]
    raise KeyError(op.name)


def is_known_op(op) -> bool:
    return any(found is op for found in _OPS.values())
