"""The tables of docs/objects.md: every Keras object class GDL writes, from the catalog
(graphc/ops/objects.py).

    python -m graphc.tools.object_table            # rewrite the generated part of docs/objects.md
    python -m graphc.tools.object_table --check    # exit 1 when docs/objects.md is stale

Only the part between the `<!-- objects: begin -->` and `<!-- objects: end -->` markers
is generated; the prose around it is written by hand.  Never imports Keras.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "objects.md"
BEGIN, END = "<!-- objects: begin (python -m graphc.tools.object_table) -->", "<!-- objects: end -->"

TITLES = {
    "initializer": "Initializers",
    "regularizer": "Regularizers",
    "constraint": "Constraints",
    "loss": "Losses",
    "metric": "Metrics",
    "optimizer": "Optimizers",
    "schedule": "Learning-rate schedules",
    "callback": "Callbacks",
}


def _default(p) -> str:
    from graphc.ops.base import REQUIRED
    from graphc.ops.objects import _gdl

    if p.default is REQUIRED:
        return f"`{p.name}`"
    return f"`{p.name}={_gdl(p.default)}`"


def _torch(cls) -> str:
    if cls.torch is None:
        return "exact"
    if isinstance(cls.torch, str):
        return "not supported"
    why = cls.torch(cls.defaults()) if cls.name != "LossScaleOptimizer" else None
    if why:
        return "not supported"
    return {
        "LossScaleOptimizer": "exact (its inner optimizer must be)",
    }.get(cls.name, "exact, except " + _except(cls))


def _except(cls) -> str:
    names = [p.name for p in cls.params]
    if "input_axes" in names:
        return "`input_axes`/`output_axes`"
    if "axis" in names:
        return "`axis` other than 0"
    return "some arguments"


def render_tables() -> str:
    from graphc.ops import objects as O

    out = []
    for kind, title in TITLES.items():
        classes = O.CATALOG[kind]
        module = O.KINDS[kind][0]
        out += ["", f"### {title} (`{module}`, {len(classes)})", ""]
        out += ["| class | arguments (Keras's defaults) | also named | PyTorch target |", "|---|---|---|---|"]
        for name, cls in classes.items():
            args = ", ".join(_default(p) for p in cls.params) or "-"
            ids = [i for i, c in O.IDS[kind].items() if c is cls and i != name]
            also = ", ".join(f'`"{i}"`' for i in ids) or "-"
            doc = f" {cls.doc}" if cls.doc else ""
            out.append(f"| `{name}`<br>{doc.strip()} | {args} | {also} | {_torch(cls)} |")
    if O.METRIC_SPECIAL:
        out += [
            "",
            "`compile(metrics=...)` also takes " + ", ".join(f'`"{m}"`' for m in O.METRIC_SPECIAL) + ".",
        ]
    out += [
        "",
        "Keras classes GDL cannot write: "
        + "; ".join(f"`{n}` ({why.split(';')[0]})" for n, why in O.NOT_WRITABLE.items())
        + ".",
    ]
    return "\n".join(out).strip("\n")


def render(text: str | None = None) -> str:
    text = DOC.read_text(encoding="utf-8") if text is None else text
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{render_tables()}\n{END}{tail}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when docs/objects.md is stale")
    args = ap.parse_args(argv)
    new = render()
    if args.check:
        if DOC.read_text(encoding="utf-8") != new:
            print(f"{DOC} is stale: run `python -m graphc.tools.object_table`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
