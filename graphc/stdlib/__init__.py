"""graphc's standard library: Keras applications written in GDL, usable by name
with no `use` (`share base = Xception(weights=None, include_top=false)`).

Each entry maps a Keras application name to the .gdl file beside this one that
defines a model of that name, with Keras's signature (include_top, weights,
input_shape, pooling, classes, classifier_activation, name).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

APPLICATIONS: dict[str, str] = {}
for _p in sorted(HERE.glob("*.gdl")):
    for _line in _p.read_text(encoding="utf-8").splitlines():
        if _line.startswith("model ") and "(" in _line:
            _name = _line[len("model ") :].split("(", 1)[0].strip()
            if _name[:1].isupper():
                APPLICATIONS[_name] = str(_p)


def path_for(name: str) -> str | None:
    return APPLICATIONS.get(name)


def is_stdlib(path: str) -> bool:
    try:
        return Path(path).resolve().parent == HERE
    except OSError:
        return False
