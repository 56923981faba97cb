"""graphc: compile GDL graph descriptions to Keras 3 and PyTorch training modules.

import graphc
source = graphc.compile_source(text, "keras")   # -> str, raises graphc.CompileError
diagnostics = graphc.check_file("model.gdl")     # -> list[graphc.Diagnostic]
"""

__version__ = "0.2.0.dev0"
__all__ = ["compile_source", "check_file", "CompileError", "Diagnostic", "__version__"]


def __getattr__(name):  # PEP 562: keep `import graphc` (and the CLI's start) cheap
    if name in ("compile_source", "check_file"):
        from graphc import api

        return getattr(api, name)
    if name in ("CompileError", "Diagnostic"):
        from graphc import diagnostics

        return getattr(diagnostics, name)
    raise AttributeError(f"module 'graphc' has no attribute {name!r}")
