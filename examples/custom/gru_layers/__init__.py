"""A tiny package of a team's own layer, loss and metric, each written once for Keras
(keras_layers.py) and once for PyTorch (torch_layers.py), declared to graphc with
`extern` in ../forecast.gdl (docs/extern.md).

The Keras module imports only Keras, the PyTorch module only torch and
graphc_runtime: import the one you need.
"""
