"""`graphc import`: existing Keras models to GDL.

    from graphc.importer import import_file
    result = import_file("model.keras")      # raises ImportFailed (problems, one line each)
    print(result.text)

keras_config.py reads the configuration (standard library only), layers.py
plans each layer with the catalog, to_gdl.py writes the program, fold.py folds
repeated structure into blocks and loops, verify.py checks that graphc compiles
the text back to the same layers, calls, inputs and outputs.
"""

from __future__ import annotations

from graphc.importer.keras_config import ConfigError, parse_model, read_json_file
from graphc.importer.to_gdl import ImportFailed, Result

__all__ = ["import_file", "import_config", "ImportFailed", "ConfigError", "Result"]


def import_file(path: str, model_name: str | None = None, fold: bool = True) -> Result:
    """A .keras archive or a JSON configuration file -> GDL."""
    from pathlib import Path

    cfg = read_json_file(path)
    return import_config(cfg, source=Path(path).name, model_name=model_name, fold=fold)


def import_config(
    cfg: dict, source: str = "<config>", model_name: str | None = None, fold: bool = True
) -> Result:
    """A configuration dict (`model.to_json()` parsed, or config.json) -> GDL."""
    from graphc.importer.convert import convert

    try:
        model = parse_model(cfg)
    except RecursionError:
        raise ConfigError("the configuration is nested too deeply") from None
    return convert(model, source=source, model_name=model_name, fold=fold)
