"""Keras pooling layers in PyTorch (runtime/LAYERS.md)."""

__all__: list = []
