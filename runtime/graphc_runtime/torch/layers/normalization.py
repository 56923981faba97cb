"""Keras normalization layers in PyTorch (runtime/LAYERS.md)."""

__all__: list = []
