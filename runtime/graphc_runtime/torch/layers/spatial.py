"""Keras spatial layers in PyTorch (runtime/LAYERS.md): UpSampling, ZeroPadding, Cropping 1-D/2-D/3-D."""

__all__: list = []
