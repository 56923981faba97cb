"""graphc's standard library: Keras applications written in GDL, usable by name
with no `use` (`share base = Xception(weights=None, include_top=false)`).

Each entry maps a Keras application name to the .gdl file beside this one that
defines a model of that name, with Keras's signature (include_top, weights,
input_shape, pooling, classes, classifier_activation, name).
"""

from __future__ import annotations

import os

# os.path, not pathlib: `graphc check` of a file that uses an application does without pathlib
HERE = os.path.dirname(os.path.realpath(__file__))

APPLICATIONS: dict[str, str] = {}
for _n in sorted(os.listdir(HERE)):
    if not _n.endswith(".gdl"):
        continue
    _p = os.path.join(HERE, _n)
    with open(_p, encoding="utf-8") as _f:
        _text = _f.read()
    for _line in _text.splitlines():
        if _line.startswith("model ") and "(" in _line:
            _name = _line[len("model ") :].split("(", 1)[0].strip()
            if _name[:1].isupper():
                APPLICATIONS[_name] = _p


def path_for(name: str) -> str | None:
    return APPLICATIONS.get(name)


def is_stdlib(path: str) -> bool:
    from graphc.compiler.modules import _resolve

    return os.path.dirname(_resolve(path)) == HERE
