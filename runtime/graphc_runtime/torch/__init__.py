"""Keras training semantics in PyTorch (imports torch)."""
