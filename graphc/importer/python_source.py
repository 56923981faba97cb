"""`graphc import --python pkg.module:build_fn`: build the model by running the
user's code, then convert its configuration like a .keras file.

This EXECUTES the user's module (and so imports Keras and whatever else it
imports).  graphc itself imports nothing from Keras here: it calls the
model's own `to_json()` and `get_compile_config()`.
"""

from __future__ import annotations

import importlib
import json
import re
import sys

from graphc.importer.keras_config import ConfigError, loads

SPEC = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)\Z")


def config_from_python(spec: str) -> dict:
    """The configuration dict of the model `pkg.module:build_fn()` returns."""
    m = SPEC.match(spec)
    if m is None:
        raise ConfigError(f"--python expects MODULE:FUNCTION (e.g. mypkg.models:build_model), got {spec!r}")
    module_name, fn_name = m.groups()
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")  # as `python -m` does: modules in the working directory
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - the user's code: any failure is reported in one line
        raise ConfigError(f"cannot import {module_name}: {type(exc).__name__}: {exc}") from None
    fn = getattr(module, fn_name, None)
    if fn is None or not callable(fn):
        raise ConfigError(f"{module_name} has no function {fn_name}")
    try:
        model = fn()
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(f"{spec}() failed: {type(exc).__name__}: {exc}") from None
    to_json = getattr(model, "to_json", None)
    if not callable(to_json):
        raise ConfigError(f"{spec}() returned {type(model).__name__}, not a Keras model")
    try:
        cfg = loads(to_json(), f"{spec}()")
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a subclassed model that cannot serialize
        raise ConfigError(
            f"{spec}(): the model's configuration cannot be read: {type(exc).__name__}: {exc}"
        ) from None
    get_cc = getattr(model, "get_compile_config", None)
    if getattr(model, "compiled", False) and callable(get_cc):
        try:
            cc = json.loads(json.dumps(get_cc(), default=_unserializable))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{spec}(): the compile configuration cannot be read: {exc}") from None
        if cc:
            cfg["compile_config"] = cc
    return cfg


def _unserializable(o):
    raise TypeError(f"{type(o).__name__} is not serializable")
