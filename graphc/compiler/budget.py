"""One evaluation budget per compilation: every GDL program ends, in bounded
time and memory, whatever its text.

The limits are far above what real models need (the largest Keras
application, EfficientNetB7, applies 816 layers and evaluates in 14,421
steps); a program that reaches one gets a located `limit` diagnostic naming
it.  docs/language.md lists them.
"""

from __future__ import annotations

from graphc.records import dataclass

MAX_SOURCE_BYTES = 10_000_000  # one .gdl file
MAX_TOKENS = 1_000_000  # tokens in one .gdl file (the largest stdlib file has about 3,000)
MAX_NESTING = 1_000  # brackets and blocks open at once in one .gdl file
MAX_STEPS = 1_000_000  # expressions and statements evaluated, loop iterations included
MAX_INT_BITS = 256  # size of a compile-time integer
MAX_STRING = 100_000  # characters in one string
MAX_ITEMS = 100_000  # items in one list, tuple, dict or range that is materialised
MAX_LAYERS = 10_000  # layers and ops in one compilation
MAX_DEPTH = 100  # nested block/model calls
MAX_EXPR_DEPTH = 200  # nesting of one expression
MAX_DIAGNOSTICS = 1_000  # errors and warnings reported by one compilation

LIMITS = {
    "source": (MAX_SOURCE_BYTES, "bytes in a source file"),
    "tokens": (MAX_TOKENS, "tokens in a source file"),
    "nesting": (MAX_NESTING, "brackets and blocks open at once"),
    "steps": (MAX_STEPS, "evaluation steps per compilation"),
    "int": (MAX_INT_BITS, "bits in a compile-time integer"),
    "string": (MAX_STRING, "characters in a string"),
    "items": (MAX_ITEMS, "items in a list, tuple, dict or range"),
    "layers": (MAX_LAYERS, "layers and tensor operations per compilation"),
    "depth": (MAX_DEPTH, "nested block and model calls"),
    "expr-depth": (MAX_EXPR_DEPTH, "levels of nesting in one expression"),
    "diagnostics": (MAX_DIAGNOSTICS, "errors and warnings per compilation"),
}


GLOBAL = frozenset({"steps", "layers", "diagnostics"})  # limits that end the whole compilation


class Exhausted(Exception):
    """The compilation's budget is spent (its `limit` diagnostic is reported): stop."""


class LimitExceeded(Exception):
    def __init__(self, kind: str, detail: str = ""):
        limit, what = LIMITS[kind]
        msg = f"this program exceeds graphc's limit of {limit:,} {what}"
        super().__init__(msg + (f" ({detail})" if detail else ""))
        self.kind = kind
        self.message = msg + (f" ({detail})" if detail else "")


@dataclass
class Budget:
    steps: int = 0
    layers: int = 0

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise LimitExceeded("steps")

    def layer(self) -> None:
        self.layers += 1
        if self.layers > MAX_LAYERS:
            raise LimitExceeded("layers")


def check_value(v) -> None:
    """Raise LimitExceeded when a value computed at compile time is too big."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v.bit_length() > MAX_INT_BITS:
            raise LimitExceeded("int")
    elif isinstance(v, str):
        if len(v) > MAX_STRING:
            raise LimitExceeded("string")
    elif isinstance(v, (list, tuple, dict, range)):
        if safe_len(v) > MAX_ITEMS:
            raise LimitExceeded("items")


def safe_len(v) -> int:
    """len(v), or a number above every limit when Python cannot say (`range(2**100)`)."""
    try:
        return len(v)
    except OverflowError:
        return 2**63  # more than a machine word: above every limit


def _size(v) -> int:
    if isinstance(v, (str, list, tuple, dict)):
        return len(v)
    return 0


def check_binop(op: str, a, b) -> None:
    """Refuse, before computing it, a result that would break a limit
    (`10 ** 10 ** 10`, `"ab" * 10 ** 10`, `[0] * 10 ** 9`)."""
    ints = isinstance(a, int) and isinstance(b, int)
    if op == "**" and ints:
        if b > 0 and abs(a) > 1 and b * (abs(a).bit_length() - 1) > MAX_INT_BITS:
            raise LimitExceeded("int")
    elif op == "**" and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return  # floats overflow into an OverflowError the evaluator reports
    elif op == "*":
        if ints:
            if a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
                raise LimitExceeded("int")
        elif isinstance(a, int) and isinstance(b, (str, list, tuple)):
            _check_repeat(b, a)
        elif isinstance(b, int) and isinstance(a, (str, list, tuple)):
            _check_repeat(a, b)
    elif op == "+":
        if isinstance(a, (str, list, tuple)) and type(a) is type(b):
            if len(a) + len(b) > (MAX_STRING if isinstance(a, str) else MAX_ITEMS):
                raise LimitExceeded("string" if isinstance(a, str) else "items")


def _check_repeat(seq, n: int) -> None:
    if n > 0 and len(seq) * n > (MAX_STRING if isinstance(seq, str) else MAX_ITEMS):
        raise LimitExceeded("string" if isinstance(seq, str) else "items")
