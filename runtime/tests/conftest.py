"""Test settings for graphc-runtime (also when pytest runs from runtime/)."""

import os

# Keras on TensorFlow is the reference the tests compare with.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: imports TensorFlow, Keras or PyTorch")
