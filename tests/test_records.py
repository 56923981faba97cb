"""graphc.records makes classes that behave as the standard library's dataclasses
(the reference, run side by side here) for every option graphc uses
(tests/test_check_fast_path.py: `graphc check` imports neither)."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest

from graphc import records

ROOT = Path(__file__).resolve().parent.parent


def family(dc, field):
    """The same class definitions, made by `dc` / `field` (stdlib or graphc.records)."""

    @dc(slots=True, eq=False)
    class Node:
        span: Any = field(default=0, compare=False, repr=False, kw_only=True)

    @dc(slots=True, eq=False)
    class Call(Node):
        func: Any
        args: list
        kwargs: list = field(default_factory=list)

    @dc(frozen=True, slots=True)
    class Span:
        line: int
        col: int
        end: int = 0

    @dc(frozen=True)
    class Type:
        shape: tuple
        dtype: str = "float32"
        note: str = field(default="", compare=False)

    @dc
    class Mutable:
        kind: ClassVar[str] = "node"
        name: str
        items: list = field(default_factory=list)
        count: int = 3
        hidden: int = field(default=7, init=False)
        made: dict = field(default_factory=dict, init=False)

    @dc(eq=False)
    class Sub(Mutable):
        extra: Any = None

        def __post_init__(self):
            self.count += 1

    @dc(frozen=True, eq=False, repr=False)
    class Opaque:
        value: Any

    return {c.__name__: c for c in (Node, Call, Span, Type, Mutable, Sub, Opaque)}


STD = family(dataclasses.dataclass, dataclasses.field)
OURS = family(records.dataclass, records.field)

CALLS = [
    ("Call", (1, [2]), {}),
    ("Call", (1, [2], [3]), {"span": 9}),
    ("Call", (), {"func": 1, "args": [], "kwargs": [4], "span": 2}),
    ("Call", (1,), {}),  # missing argument
    ("Call", (1, 2, 3, 4), {}),  # too many
    ("Call", (1, 2), {"bogus": 1}),
    ("Call", (1, 2, 3), {"func": 1}),  # given twice
    ("Span", (1, 2), {}),
    ("Span", (1, 2, 3), {}),
    ("Type", ((1, 2),), {}),
    ("Type", ((1, 2), "int32", "x"), {}),
    ("Mutable", ("a",), {}),
    ("Mutable", ("a", [1], 5), {}),
    ("Mutable", ("a",), {"hidden": 1}),  # init=False: not a parameter
    ("Sub", ("a",), {"extra": {1: 2}}),
    ("Sub", ("a", [], 1, 2), {}),
    ("Opaque", (3,), {}),
    ("Node", (), {}),
    ("Node", (1,), {}),  # span is keyword-only
]


def outcome(classes, name, args, kwargs):
    try:
        obj = classes[name](*args, **kwargs)
    except TypeError as exc:
        return ("TypeError", type(exc).__name__)
    cls = type(obj)
    state = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return (
        state,
        re.sub(r" at 0x[0-9a-f]+", "", repr(obj).replace(cls.__qualname__, name)),
        [f.name for f in dataclasses.fields(cls)],
        list(cls.__dataclass_fields__),  # ClassVars too
        getattr(cls, "__match_args__", None),
        cls.__hash__ is None,
        hasattr(obj, "__dict__"),
    )


@pytest.mark.parametrize("name,args,kwargs", CALLS)
def test_same_construction_repr_fields_as_dataclasses(name, args, kwargs):
    assert outcome(OURS, name, args, kwargs) == outcome(STD, name, args, kwargs)


@pytest.mark.parametrize(
    "name,a,b",
    [
        ("Span", (1, 2), (1, 2)),
        ("Span", (1, 2), (1, 3)),
        ("Type", ((1,), "f", "x"), ((1,), "f", "y")),  # `note` is not compared
        ("Type", ((1,),), ((2,),)),
        ("Mutable", ("a", [1]), ("a", [1])),
        ("Call", (1, 2), (1, 2)),  # eq=False: identity
        ("Sub", ("a",), ("a",)),
    ],
)
def test_same_equality_and_hash(name, a, b):
    def facts(classes):
        x, y = classes[name](*a), classes[name](*b)
        out = [x == y, x != y, x == x, x == "other"]
        if type(x).__hash__ is not None:
            out += [hash(x) == hash(y)]
        return out

    assert facts(OURS) == facts(STD)


def test_frozen_and_slots():
    for classes in (STD, OURS):
        s = classes["Span"](1, 2)
        with pytest.raises(
            dataclasses.FrozenInstanceError if classes is STD else records.FrozenInstanceError
        ):
            s.line = 3
        with pytest.raises(AttributeError):
            del s.col
        assert not hasattr(s, "__dict__") and type(s).__slots__ == ("line", "col", "end")
        assert copy.deepcopy(s) == s and copy.copy(s) == s  # via __getstate__/__setstate__ (as pickle)
        c = classes["Call"](1, [2])
        with pytest.raises(AttributeError):
            c.other = 1  # slots: no other attributes
        assert type(c).__slots__ == ("func", "args", "kwargs")
        m = classes["Mutable"]("a")
        assert m.kind == "node" and "kind" not in [f.name for f in dataclasses.fields(m)]
        assert classes["Mutable"]("a").items is not m.items  # a new list each time
    assert issubclass(records.FrozenInstanceError, AttributeError)


def test_dataclasses_functions_accept_records():
    c = OURS["Call"](1, [2], span=5)
    assert dataclasses.is_dataclass(c)
    assert dataclasses.replace(c, func=9).func == 9 and dataclasses.replace(c, func=9).span == 5
    assert dataclasses.asdict(OURS["Span"](1, 2)) == {"line": 1, "col": 2, "end": 0}
    assert [f.name for f in records.fields(c)] == ["span", "func", "args", "kwargs"]


def test_definition_errors_as_dataclasses():
    for dc, field in ((dataclasses.dataclass, dataclasses.field), (records.dataclass, records.field)):
        with pytest.raises(TypeError):

            @dc
            class A:
                x: int = 1
                y: int

        with pytest.raises(ValueError):

            @dc
            class B:
                x: list = []  # noqa: RUF012

        with pytest.raises(TypeError):

            @dc(frozen=True)
            class C(family(dc, field)["Mutable"]):
                z: int = 0
