"""`dataclass` and `field` as the standard library's, made cheaply.

`dataclasses.dataclass` writes the source of `__init__`, `__repr__`, `__eq__`...
of every class and compiles it when the module is imported, and gives each
class without a docstring one built by `inspect.signature`: for the ~90 classes
of the AST, the IR and the catalogs, ~40 ms of each cold `graphc check`, plus
~15 ms to import `dataclasses` and `inspect`.  This module makes the same
classes with the same behaviour for what graphc uses:

- `__init__` exactly as dataclasses writes it (positional fields in order,
  `kw_only` fields keyword-only, defaults, `default_factory`, `init=False`,
  frozen classes set through `object.__setattr__`, `__post_init__`), compiled
  the first time the class is instantiated (most classes of a run never are);
- `__repr__`, `__eq__` (compared fields, same class only) and, for frozen
  classes, `__hash__`, written once here over `operator.attrgetter`;
- `frozen=True` (FrozenInstanceError on assignment), `slots=True` (a new
  class with `__slots__`, as dataclasses makes), `__match_args__`;
- `__dataclass_fields__` ({name: Field}, in order) for code that walks the
  fields, and `fields(obj)`; `dataclasses.fields`, `dataclasses.replace` and
  `dataclasses.asdict` accept these classes too.

`order=True`, `unsafe_hash=True`, `InitVar` and `KW_ONLY` are not supported
(nothing in graphc uses them): a class asking for them gets the standard
library's dataclass.  Field annotations are read as strings (`from __future__
import annotations`); a `ClassVar[...]` annotation is not a field.
"""

from __future__ import annotations

from operator import attrgetter

__all__ = ["dataclass", "field", "fields", "FrozenInstanceError", "MISSING"]


class _Missing:
    __slots__ = ()

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()
_HAS_FACTORY = _Missing()  # the default of an __init__ parameter whose field has a default_factory


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (as dataclasses.FrozenInstanceError)."""


class Field:
    __slots__ = (
        "name",
        "type",
        "default",
        "default_factory",
        "init",
        "repr",
        "hash",
        "compare",
        "kw_only",
        "classvar",
    )

    def __init__(self, default, default_factory, init, repr, hash, compare, kw_only, classvar=False):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = self.type = None
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.hash, self.compare, self.kw_only = init, repr, hash, compare, kw_only
        self.classvar = (
            classvar  # a ClassVar: listed in __dataclass_fields__ (as dataclasses does), not a field
        )

    def __repr__(self):
        return f"Field(name={self.name!r}, default={self.default!r}, kw_only={self.kw_only!r})"

    @property
    def _field_type(self):
        """What dataclasses.fields() and replace() look for: only a caller that has
        imported dataclasses asks, so importing it here costs nothing more."""
        import dataclasses

        return dataclasses._FIELD_CLASSVAR if self.classvar else dataclasses._FIELD


def field(
    *,
    default=MISSING,
    default_factory=MISSING,
    init=True,
    repr=True,
    hash=None,
    compare=True,
    kw_only=MISSING,
):
    return Field(default, default_factory, init, repr, hash, compare, kw_only)


def fields(obj) -> tuple:
    """The fields of a record class or instance, in order."""
    try:
        return tuple(f for f in obj.__dataclass_fields__.values() if not f.classvar)
    except AttributeError:
        raise TypeError("must be called with a dataclass type or instance") from None


def _is_classvar(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


def dataclass(
    cls=None,
    /,
    *,
    init=True,
    repr=True,
    eq=True,
    order=False,
    unsafe_hash=False,
    frozen=False,
    match_args=True,
    kw_only=False,
    slots=False,
):
    options = (init, repr, eq, frozen, match_args, kw_only, slots)
    if order or unsafe_hash:  # not needed by graphc: the standard library's
        import dataclasses

        std = dataclasses.dataclass(
            init=init,
            repr=repr,
            eq=eq,
            order=order,
            unsafe_hash=unsafe_hash,
            frozen=frozen,
            match_args=match_args,
            kw_only=kw_only,
            slots=slots,
        )
        return std if cls is None else std(cls)
    if cls is None:
        return lambda c: _process(c, *options)
    return _process(cls, *options)


def _process(cls, init, repr_, eq, frozen, match_args, kw_only, slots):
    body = cls.__dict__
    body_names = set(body)
    all_fields: dict = {}
    for base in cls.__mro__[-1:0:-1]:
        base_fields = base.__dict__.get("__dataclass_fields__")
        if base_fields is not None:
            all_fields.update(base_fields)
    own = []
    for name, annotation in body.get("__annotations__", {}).items():
        value = body.get(name, MISSING)
        if _is_classvar(annotation):
            f = Field(value, MISSING, True, True, None, True, False, classvar=True)
            f.name, f.type = name, annotation
            all_fields[name] = f
            continue
        if isinstance(value, Field):
            f = value
        else:
            f = Field(value, MISSING, True, True, None, True, MISSING)
        if f.kw_only is MISSING:
            f.kw_only = kw_only
        f.name, f.type = name, annotation
        if f.default_factory is MISSING and isinstance(f.default, (list, dict, set)):
            raise ValueError(
                f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory"
            )
        own.append(f)
        all_fields[name] = f
        # the class attribute: the default value, or none (dataclasses' rule)
        if isinstance(value, Field):
            if f.default is MISSING:
                if name in body:
                    delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    for name, value in body.items():
        if isinstance(value, Field) and name not in all_fields:
            raise TypeError(f"{name!r} is a field but has no type annotation")

    for base in cls.__mro__[1:-1]:
        params = base.__dict__.get("__record_frozen__")
        if params is not None and params != frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one" if frozen else
                            "cannot inherit non-frozen dataclass from a frozen one")  # fmt: skip

    cls.__dataclass_fields__ = all_fields
    cls.__record_frozen__ = frozen
    flds = [f for f in all_fields.values() if not f.classvar]
    if init:
        positional = [f for f in flds if f.init and not f.kw_only]
        seen_default = False
        for f in positional:
            if f.default is not MISSING or f.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
        _set_if_absent(cls, "__init__", _lazy_init(flds, frozen))
    if repr_:
        _set_if_absent(cls, "__repr__", _make_repr([f.name for f in flds if f.repr]))
    if eq:
        compared = tuple(f.name for f in flds if f.compare)
        _set_if_absent(cls, "__eq__", _make_eq(compared))
        if "__hash__" not in body:
            # dataclasses' table: eq and frozen -> a hash of the compared fields; eq only -> unhashable
            cls.__hash__ = _make_hash(tuple(f.name for f in flds if (f.compare if f.hash is None else f.hash))) if frozen else None  # fmt: skip
    if match_args:
        _set_if_absent(cls, "__match_args__", tuple(f.name for f in flds if f.init and not f.kw_only))
    if slots:
        cls = _add_slots(cls, [f.name for f in own])
    if frozen:
        _add_frozen(cls, body_names)
    init_fn = cls.__dict__.get("__init__")
    if getattr(init_fn, "__record_owner__", None) is not None:
        init_fn.__record_owner__[0] = cls
    return cls


def _add_frozen(cls, body_names):
    names = frozenset(cls.__dataclass_fields__)  # ClassVars too, as dataclasses

    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    for fn in (__setattr__, __delattr__):
        if fn.__name__ in body_names:
            raise TypeError(f"cannot overwrite attribute {fn.__name__} in class {cls.__name__}")
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
        type.__setattr__(cls, fn.__name__, fn)
    if "__slots__" in cls.__dict__:
        # pickling and copying of frozen slotted records (dataclasses' _dataclass_getstate)
        state_names = [f.name for f in fields(cls)]

        def __getstate__(self):
            return [getattr(self, n) for n in state_names]

        def __setstate__(self, state):
            for n, v in zip(state_names, state):
                object.__setattr__(self, n, v)

        for fn in (__getstate__, __setstate__):
            if fn.__name__ not in body_names:
                type.__setattr__(cls, fn.__name__, fn)


def _set_if_absent(cls, name, value):
    if name not in cls.__dict__:
        if callable(value) and hasattr(value, "__qualname__"):
            value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)


def _add_slots(cls, own_names):
    """A new class with __slots__ for the fields (what dataclasses does)."""
    inherited = set()
    for base in cls.__mro__[1:-1]:
        inherited.update(base.__dict__.get("__slots__", ()))
    body = dict(cls.__dict__)
    names = tuple(n for n in own_names if n not in inherited)  # (not the ClassVars)
    body["__slots__"] = names
    for n in names:
        body.pop(n, None)  # default values live in __init__
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    new = type(cls)(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    return new


# ----------------------------------------------------------------- methods
def _lazy_init(flds, frozen):
    """An __init__ that compiles the real one at the first call, installs it on
    its class and runs it."""
    owner = [None]  # the class (set on first call; slots=True makes a new one)

    def __init__(self, *args, **kwargs):
        cls = owner[0]
        if cls is None:
            # the class whose __dict__ holds this function
            for klass in type(self).__mro__:
                if klass.__dict__.get("__init__") is __init__:
                    cls = klass
                    break
        real = _compile_init(flds, frozen, cls)
        type.__setattr__(cls, "__init__", real)
        real(self, *args, **kwargs)

    __init__.__record_owner__ = owner
    return __init__


def _compile_init(flds, frozen, cls):
    ns = {"MISSING": MISSING, "_HAS_FACTORY": _HAS_FACTORY, "__object_setattr": object.__setattr__}
    pos, kw, lines = [], [], []
    for f in flds:
        if f.init:
            if f.default is not MISSING:
                ns[f"__dflt_{f.name}"] = f.default
                param = f"{f.name}=__dflt_{f.name}"
            elif f.default_factory is not MISSING:
                param = f"{f.name}=_HAS_FACTORY"
            else:
                param = f.name
            (kw if f.kw_only else pos).append(param)
        if f.default_factory is not MISSING:
            ns[f"__factory_{f.name}"] = f.default_factory
            if f.init:
                value = f"__factory_{f.name}() if {f.name} is _HAS_FACTORY else {f.name}"
            else:
                value = f"__factory_{f.name}()"
        elif f.init:
            value = f.name
        elif f.default is not MISSING:
            ns[f"__dflt_{f.name}"] = f.default
            value = f"__dflt_{f.name}"
        else:
            continue
        if frozen:
            lines.append(f"__object_setattr(self, {f.name!r}, {value})")
        else:
            lines.append(f"self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    params = ["self", *pos] + (["*", *kw] if kw else [])
    src = f"def __init__({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in lines or ["pass"])
    exec(src, ns)
    fn = ns["__init__"]
    fn.__qualname__ = f"{cls.__qualname__}.__init__"
    return fn


def _make_repr(names):
    get = [attrgetter(n) for n in names]

    def __repr__(self):
        key = id(self)
        if key in _repr_running:
            return "..."
        _repr_running.add(key)
        try:
            inner = ", ".join(f"{n}={g(self)!r}" for n, g in zip(names, get))
        finally:
            _repr_running.discard(key)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


_repr_running: set = set()


def _make_eq(names):
    if not names:

        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return True
            return NotImplemented

        return __eq__
    get = attrgetter(*names) if len(names) > 1 else (lambda o, _g=attrgetter(names[0]): (_g(o),))

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return get(self) == get(other)
        return NotImplemented

    return __eq__


def _make_hash(names):
    if not names:
        return lambda self: hash(())
    get = attrgetter(*names) if len(names) > 1 else (lambda o, _g=attrgetter(names[0]): (_g(o),))

    def __hash__(self):
        return hash(get(self))

    return __hash__
