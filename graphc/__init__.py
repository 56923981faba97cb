"""graphc: compile GDL graph descriptions to Keras 3 and PyTorch training modules."""

from graphc.api import check_file, compile_source
from graphc.diagnostics import CompileError, Diagnostic

__version__ = "0.1.0"
__all__ = ["compile_source", "check_file", "CompileError", "Diagnostic", "__version__"]
