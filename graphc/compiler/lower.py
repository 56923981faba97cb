"""Compatibility facade: the evaluator lives in graphc/compiler/interpreter.py
and its rooms (see that module's docstring)."""

from graphc.compiler.graphs import reinfer, snake  # noqa: F401
from graphc.compiler.interpreter import Interpreter, Program, compile_program  # noqa: F401
