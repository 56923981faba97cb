"""The one path by which text from a .gdl file (or its name) reaches emitted code.

- `py_literal(value)`: a compile-time value as a Python literal (strings
  escaped so that nothing but the literal can come out of them: quotes,
  backslashes, newlines, line and paragraph separators and every other
  non-printable character are escapes).
- `comment(text)` / `doc(text)`: text for a `#` comment or a docstring line:
  everything that could end the comment or docstring, or start a new line for
  any tool (U+2028, U+0085, ...), becomes `?`.
- `identifier(text)`: a legal Python identifier made from any text (names are
  then made unique and non-shadowing by graphc.targets.names.Namespace).

`Safe` marks text produced here (or by the code printer); the templates
refuse anything else (graphc/targets/common.py renders with a `finalize`
that checks it).
"""

from __future__ import annotations

import keyword
import math
import re

__all__ = ["Safe", "py_literal", "py_string", "comment", "doc", "identifier", "number_text"]


class Safe(str):
    """Text that is safe to paste into generated code where it is used."""

    __slots__ = ()


_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?\Z")


def _escape_char(ch: str, quote: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch == quote:
        return "\\" + quote
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if ch.isprintable():
        return ch
    o = ord(ch)
    if o < 0x100:
        return f"\\x{o:02x}"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def py_string(s: str) -> str:
    """A Python string literal for `s`; double quotes unless the text holds more
    double than single quotes (ruff's preference)."""
    quote = "'" if s.count('"') > s.count("'") else '"'
    return quote + "".join(_escape_char(ch, quote) for ch in s) + quote


def fstring_text(s: str, quote: str = '"') -> str:
    """The literal part of an f-string: escaped, braces doubled."""
    return "".join(_escape_char(ch, quote) for ch in s).replace("{", "{{").replace("}", "}}")


def number_text(v, text: str | None = None) -> str:
    """A number as written in the source (`1e-3`, `0.25`) when that spelling is a
    plain decimal literal equal to `v`, else Python's repr."""
    if text is not None and _NUMBER.match(text):
        try:
            same = (
                (float(text) == v)
                if isinstance(v, float)
                else (int(text) == v and "." not in text and "e" not in text.lower())
            )
        except ValueError:  # pragma: no cover - the pattern only matches numbers
            same = False
        if same:
            return text
    return _number(v)


def _number(v) -> str:
    if isinstance(v, float):
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        if math.isnan(v):
            return "float('nan')"
    return repr(v)


def py_literal(v) -> str:
    """A Python literal for a compile-time value (never raw user text)."""
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, str):
        return py_string(v)
    if isinstance(v, tuple):
        inner = ", ".join(py_literal(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(py_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no literal for {type(v).__name__}")


def comment(text: str) -> Safe:
    """Text for a `#` comment: one line, printable characters only."""
    return Safe("".join(ch if ch.isprintable() else "?" for ch in str(text)))


def doc(text: str) -> Safe:
    """Text for a line of a docstring: a comment's rules, and no quote or
    backslash that could end the docstring or start an escape."""
    return Safe("".join("?" if (not ch.isprintable() or ch in '"\\') else ch for ch in str(text)))


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def identifier(name: str) -> str:
    """A legal Python identifier from any text (ASCII letters, digits, `_`)."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", str(name))
    if not s or s[0].isdigit():
        s = "_" + s
    if keyword.iskeyword(s) or keyword.issoftkeyword(s):
        s += "_"
    assert _IDENT.match(s)
    return s
