"""Training helpers for graphc-generated Keras modules (imports keras)."""
