"""Helpers shared by the code generators: literals, identifiers, line fitting."""

from __future__ import annotations

import builtins
import json
import keyword
import math
import re

LINE = 88  # emitted code fits ruff's/black's default line length


def literal(v) -> str:
    """A Python literal for a compile-time value (never raw user text)."""
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        if math.isnan(v):
            return "float('nan')"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, tuple):
        inner = ", ".join(literal(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no literal for {type(v).__name__}")


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | set(dir(builtins))
    | {
        "keras",
        "layers",
        "np",
        "torch",
        "nn",
        "F",
        "self",
        "model",
        "inputs",
        "outputs",
    }
)


def identifier(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not s or s[0].isdigit():
        s = "_" + s
    assert _IDENT.match(s)
    return s


class Namespace:
    """Unique, legal, non-shadowing Python names (cf. torch.fx's _Namespace)."""

    def __init__(self, reserved=()):
        self.used = set(RESERVED) | set(reserved)

    def take(self, base: str) -> str:
        base = identifier(base)
        if base not in self.used:
            self.used.add(base)
            return base
        i = 1
        while f"{base}_{i}" in self.used:
            i += 1
        name = f"{base}_{i}"
        self.used.add(name)
        return name


def reuse_or_take(ns: Namespace, base: str, value_id: int, at: int, last: dict, holder: dict) -> str:
    """A Python name for value `value_id` (bound at statement `at`), from `base`.

    GDL rebinds names freely (`x = f(x)`); the generated code keeps the GDL name
    while the value it held is no longer read after `at` (`last` maps a value to
    the last statement reading it), and takes a fresh variant (`x_1`) otherwise.
    `holder` maps each name to the value it holds now."""
    base = identifier(base)
    cur = holder.get(base)
    if base in ns.used and not (cur is not None and last.get(cur, -1) <= at):
        name = ns.take(base)
    else:
        ns.used.add(base)
        name = base
    holder[name] = value_id
    return name


def fits(line: str, indent: int = 4) -> bool:
    return indent + len(line) <= LINE


def exploded_call(head: str, args: list[str], indent: int) -> list[str]:
    """`head(` + one argument per line + `)` with a magic trailing comma (ruff-stable).
    Lines are indented relative to the statement; `indent` is where it will sit."""
    return [head + "("] + [f"    {a}," for a in args] + [")"]


def wrapped_call(head: str, args: list[str], indent: int) -> list[str]:
    """`head(args)` laid out as ruff/black would: one line, or the arguments on one
    indented line, or one argument per line with a trailing comma."""
    one = f"{head}({', '.join(args)})"
    if indent + len(one) <= LINE:
        return [one]
    inner = ", ".join(args)
    if indent + 4 + len(inner) <= LINE and not any("\n" in a for a in args):
        return [head + "(", "    " + inner, ")"]
    return exploded_call(head, args, indent)
