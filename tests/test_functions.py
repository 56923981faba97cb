"""Functions on tensors (graphc/catalog/functions.py, graphc/compiler/functions.py,
graphc/targets/torch_functions.py).

The catalog is checked against real Keras (slow tier): every row of CASES is
computed by graphc's rule and by `keras.ops.NAME` on KerasTensors (batch axis
None), and the output shapes and dtypes must be equal; rows Keras rejects must
be rejected by graphc too.  POLICY rows are calls Keras accepts that graphc
refuses on purpose, because they would reduce, move or misalign the batch axis
(graphc keeps every tensor of a model batch-first).  Nothing expected in the
slow tier is hard-coded: Keras (and torch, for the dtype model) is the oracle.

The fast tier checks the evaluator (OpNodes, the operator rule, located
diagnostics in the user's terms) and the emitted code, without frameworks.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

from graphc.api import emit  # noqa: E402
from graphc.catalog.functions import BATCH, FUNCTIONS, Spec, keras_op_base, result_type  # noqa: E402
from graphc.compiler.ir import LayerNode, OpNode, lint  # noqa: E402
from graphc.compiler.lower import compile_program  # noqa: E402
from graphc.ops.base import ArgError, ShapeError  # noqa: E402

slow = pytest.mark.slow


# ====================================================================== the case table
def T(*shape, dtype="float32"):
    """A tensor of a model: the batch axis, then `shape`."""
    return Spec((BATCH, *shape), dtype)


def K(*shape, dtype="float32"):
    """A tensor made from constants: no batch axis."""
    return Spec(tuple(shape), dtype)


class Case:
    def __init__(self, fn, *args, policy=False, strict=False, **kw):
        self.fn, self.args, self.kw, self.policy, self.strict = fn, args, kw, policy, strict

    def __repr__(self):
        parts = [repr(a) if not isinstance(a, Spec) else _spec_text(a) for a in self.args]
        parts += [f"{k}={v!r}" for k, v in self.kw.items()]
        return f"{self.fn}({', '.join(parts)})"


def _spec_text(s: Spec) -> str:
    return f"{'T' if s.batched else 'K'}{s}:{s.dtype}"


def C(fn, *args, **kw):
    return Case(fn, *args, **kw)


def POL(fn, *args, **kw):
    """graphc refuses on purpose: the batch axis would be reduced, moved or misaligned."""
    return Case(fn, *args, policy=True, **kw)


def STRICT(fn, *args, **kw):
    """graphc refuses what Keras accepts on KerasTensors but TensorFlow refuses to run."""
    return Case(fn, *args, strict=True, **kw)


def MISMATCH(fn, *args, **kw):
    """graphc refuses what TensorFlow runs with another dtype than Keras declares."""
    return Case(fn, *args, strict="dtype", **kw)


DTYPES = ["float32", "float16", "bfloat16", "float64", "int32", "int64", "int8", "uint8", "bool"]
UNARY = [
    "abs",
    "absolute",
    "negative",
    "sign",
    "square",
    "sqrt",
    "exp",
    "log",
    "log1p",
    "sin",
    "cos",
    "tanh",
    "floor",
    "ceil",
    "relu",
    "sigmoid",
    "logical_not",
    "gelu",
    "softmax",
    "round",
]
BINARY = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "mod",
    "power",
    "minimum",
    "maximum",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
]
REDUCE = ["mean", "sum", "max", "min", "prod", "std", "var", "logsumexp"]

CASES: list = []
for name in UNARY:
    for dt in DTYPES:
        CASES.append(C(name, T(4, 5, dtype=dt)))
    CASES.append(C(name, T(None, 3)))
    CASES.append(C(name, K(2, 3, dtype="int32")))
CASES += [
    C("gelu", T(3), approximate=False),
    C("softmax", T(4, 5), axis=1),
    C("softmax", T(4, 5), axis=-2),
    C("softmax", T(4, 5), axis=3),
    POL("softmax", T(4, 5), axis=0),
    POL("softmax", T(4, 5), axis=None),
    C("round", T(4), decimals=2),
    C("round", T(4, dtype="int32"), decimals=-1),
    C("clip", T(4, 5), 0.0, 1.0),
    C("clip", T(4, 5, dtype="int32"), 0, 3),
    C("clip", T(4, 5, dtype="bool"), 0, 1),
    C("clip", T(4, 5, dtype="float16"), -1, 1),
    C("cast", T(4, 5), "int32"),
    C("cast", T(4, 5, dtype="int32"), dtype="bool"),
    C("cast", T(None), "float16"),
    C("ones_like", T(4, 5)),
    C("ones_like", T(4, 5), dtype="int32"),
    C("zeros_like", T(4, dtype="int32")),
    C("zeros_like", K(3, dtype="int32"), "float32"),
]
OPERANDS = [
    (T(4, 5), T(4, 5)),
    (T(4, 5), K(5)),
    (T(4, 5), K(4, 1)),
    (T(4, 1), K(1, 6)),
    (T(None, 5), T(1, 5)),
    (T(4, 5), 2),
    (T(4, 5), 2.5),
    (2.5, T(4, 5)),
    (T(4, 5, dtype="int32"), 2),
    (T(4, 5, dtype="int32"), 2.5),
    (T(4, 5, dtype="int32"), T(4, 5, dtype="int64")),
    (T(4, 5, dtype="int8"), T(4, 5, dtype="uint8")),
    (T(4, 5, dtype="float16"), T(4, 5, dtype="bfloat16")),
    (T(4, 5, dtype="float16"), 2.5),
    (T(4, 5, dtype="bool"), T(4, 5, dtype="bool")),
    (T(4, 5, dtype="bool"), 1),
    (T(4, 5, dtype="int64"), T(4, 5)),
    (K(3, dtype="int32"), K(3, dtype="int32")),
]
for name in BINARY:
    for a, b in OPERANDS:
        CASES.append(C(name, a, b))
    CASES.append(POL(name, T(4, 5), T(5)))  # the batch axis of x2 would meet the 4 of x1
    CASES.append(C(name, T(4, 5), K(3)))  # Keras cannot broadcast 5 and 3
CASES += [
    C("where", T(4, 5, dtype="bool"), T(4, 5), T(4, 5)),
    C("where", T(4, 5, dtype="bool"), T(4, 5), 0.0),
    C("where", T(4, 5, dtype="bool"), 1, 0),
    C("where", T(4, 5, dtype="bool"), 1.0, T(4, 1, dtype="int32")),
    C("where", T(4, 1), T(1, 5, dtype="int32"), K(5, dtype="int64")),
]
for name in REDUCE + ["argmax", "argmin", "norm"]:
    for dt in ("float32", "int32", "bool", "float16", "int8", "uint8"):
        CASES.append(C(name, T(4, 5, dtype=dt), axis=-1))
    for kw in (
        {"axis": 1},
        {"axis": 1, "keepdims": True},
        {"axis": -1, "keepdims": True},
        {"axis": (1, 2)},
        {"axis": (2, 1), "keepdims": True},
        {"axis": 5},
        {"axis": -4},
    ):
        if name in ("argmax", "argmin") and isinstance(kw["axis"], tuple):
            continue
        if name == "norm" and kw["axis"] in (5, -4):
            continue
        CASES.append(C(name, T(4, 5), **kw))
    CASES.append(POL(name, T(4, 5), axis=0))
    CASES.append(POL(name, T(4, 5)))
    CASES.append(C(name, T(None, 3), axis=-1))
    if name not in ("norm",):
        CASES.append(C(name, K(3, 4, dtype="int32")))
        CASES.append(C(name, K(3, 4), keepdims=True))
CASES += [
    C("max", T(4, 5), axis=-1, initial=0.0),
    MISMATCH("prod", T(4, 5, dtype="int32"), axis=-1, dtype="float32"),  # TensorFlow ignores dtype
    C("prod", T(4, 5, dtype="int32"), axis=-1, dtype="int32"),
    C("norm", T(4, 5), ord=1, axis=-1),
    C("norm", T(4, 5), ord=float("inf"), axis=-1),
    C("norm", T(4, 5), ord=0, axis=-1),
    C("norm", T(4, 5), ord=3, axis=-1),
    C("norm", T(4, 5), ord="fro", axis=(1, 2)),
    C("norm", T(4, 5), ord="nuc", axis=(1, 2)),
    C("norm", T(4, 5), ord=-2, axis=(1, 2), keepdims=True),
    C("norm", T(4, 5), ord="fro", axis=-1),
    C("norm", T(4, 5), ord=3, axis=(1, 2)),
    STRICT("norm", T(4, 5, 6), axis=(1, 2, 3)),
    C("norm", K(3, 4)),
    C("cumsum", T(4, 5), axis=-1),
    C("cumsum", T(4, 5, dtype="bool"), axis=1),
    C("cumsum", T(4, 5, dtype="int32"), axis=1, dtype="float32"),
    C("cumsum", T(4, 5), axis=3),
    POL("cumsum", T(4, 5)),
    POL("cumsum", T(4, 5), axis=0),
    C("cumsum", K(3, 4)),
    C("flip", T(4, 5), axis=1),
    C("flip", T(4, 5), axis=(1, -1)),
    C("flip", T(4, 5)),
    C("flip", T(4, 5), axis=4),
    C("roll", T(4, 5), 2, axis=1),
    C("roll", T(4, 5), (1, -1), axis=(1, 2)),
    STRICT("roll", T(4, 5), 1, axis=(1, 2)),
    C("roll", K(4, 5), 3),
    POL("roll", T(4, 5), 3),
    C("top_k", T(4, 5), 2),
    C("top_k", T(4, 5, dtype="int32"), 5, sorted=False),
    STRICT("top_k", T(4, 5), 6),
    C("top_k", T(None), 3),
    POL("top_k", T(), 1),
    C("matmul", T(4, 5), T(5, 6)),
    C("matmul", T(4, 5), K(5, 6)),
    C("matmul", T(4, 5), K(5)),
    C("matmul", T(3, 4, 5), K(5, 2)),
    C("matmul", T(4, 5, dtype="int8"), T(5, 2, dtype="int8")),
    C("matmul", T(4, 5, dtype="int32"), K(5, 2)),
    C("matmul", T(4, 5), T(4, 6)),
    C("matmul", T(None, 5), T(5, None)),
    POL("matmul", K(3, 4), T(4)),
    C("matmul", K(2, 3), K(3, 4)),
    C("einsum", "bij,bjk->bik", T(3, 4), T(4, 5)),
    C("einsum", "bij,jk->bik", T(3, 4), K(4, 5)),
    C("einsum", "...ij,...jk->...ik", T(3, 4), K(4, 5)),
    C("einsum", "bij->bji", T(3, 4)),
    C("einsum", "bi,bi->b", T(3), T(3)),
    C("einsum", "bij,bkj->bik", T(3, 4, dtype="int32"), T(5, 4, dtype="int32")),
    C("einsum", "bij", T(3, 4)),
    POL("einsum", "bij,bjk", T(3, 4), T(4, 5)),  # implicit output: b is summed over
    STRICT("einsum", "bij,bjk->bik", T(3, 4), T(5, 5)),
    POL("einsum", "bi,bi->i", T(3), T(3)),
    C("transpose", T(4, 5), (0, 2, 1)),
    C("transpose", T(4, 5), axes=(0, -1, 1)),
    C("transpose", T(4, 5), (0, 1)),
    C("transpose", T(4, 5), (0, 1, 1)),
    POL("transpose", T(4, 5)),
    POL("transpose", T(4, 5), (1, 0, 2)),
    C("transpose", K(2, 3)),
    C("reshape", T(4, 6), (-1, 2, 12)),
    C("reshape", T(4, 6), (-1, 24)),
    C("reshape", T(4, 6), (-1, 2, -1)),
    POL("reshape", T(4, 6), (-1, 5)),
    POL("reshape", T(4, 6), (2, 12)),
    POL("reshape", T(None, 6), (-1, 6)),
    C("reshape", K(2, 6), (3, 4)),
    C("reshape", K(2, 6), (-1, 4)),
    C("reshape", K(2, 6), (5, -1)),
    C("reshape", K(2, 6), -1),
    C("expand_dims", T(4, 5), 1),
    C("expand_dims", T(4, 5), -1),
    C("expand_dims", T(4, 5), (1, 3)),
    C("expand_dims", T(4, 5), 5),
    POL("expand_dims", T(4, 5), 0),
    C("squeeze", T(1, 5, 1)),
    C("squeeze", T(1, 5, 1), axis=1),
    C("squeeze", T(1, 5, 1), axis=(1, -1)),
    C("squeeze", T(1, 5, 1), axis=2),
    C("squeeze", T(None, 5), axis=1),
    C("concatenate", [T(4, 5), T(4, 3)], axis=-1),
    C("concatenate", [T(4, 5), T(2, 5), T(1, 5, dtype="int32")], axis=1),
    C("concatenate", [T(None, 5), T(4, 5)], axis=1),
    C("concatenate", [T(4, 5), T(3, 5)], axis=-1),
    C("concatenate", [T(4, 5, dtype="float16"), T(4, 5, dtype="int32")], axis=-1),
    POL("concatenate", [T(4, 5), T(4, 5)]),
    C("concatenate", [K(2, 3), K(4, 3)]),
    C("stack", [T(4, 5), T(4, 5)], axis=1),
    C("stack", [T(4, 5), T(4, 5), T(4, 5)], axis=-1),
    C("stack", [T(4, 5), T(4, 6)], axis=1),
    POL("stack", [T(4, 5), T(4, 5)]),
    C("split", T(4, 6), 2, axis=-1),
    C("split", T(4, 6), 3, axis=2),
    C("split", T(4, 6), [1, 4], axis=-1),
    C("split", T(4, 6), 4, axis=-1),
    C("split", T(None, 6), 2, axis=1),
    POL("split", T(4, 6), 2),
    C("tile", T(4, 5), (1, 2, 3)),
    C("tile", T(4, 5), 2),
    C("tile", T(None, 5), (1, 1, 2)),
    POL("tile", T(4, 5), (2, 1, 1)),
    POL("tile", T(4, 5), (1, 1, 1, 2)),
    C("tile", K(2, 3), (2, 1, 2)),
    C("repeat", T(4, 5), 2, axis=1),
    C("repeat", T(4, 5), [1, 2, 3, 4, 5], axis=-1),
    C("repeat", T(None, 5), 3, axis=1),
    C("repeat", T(4, 5), [1, 2], axis=-1),
    POL("repeat", T(4, 5), 2),
    POL("repeat", T(4, 5), 2, axis=0),
    C("repeat", K(2, 3), 2),
    C("one_hot", T(4, dtype="int32"), 3),
    C("one_hot", T(4, dtype="int32"), 3, axis=1),
    C("one_hot", T(4, dtype="int64"), 3, dtype="int32"),
    C("one_hot", T(4, dtype="int32"), 3, axis=2),
    POL("one_hot", T(4, dtype="int32"), 3, axis=0),
    C("arange", 10),
    C("arange", 2, 10, 3),
    C("arange", 0.0, 1.0, 0.25),
    C("arange", 5, dtype="float32"),
    C("arange", 10, 2, -2),
    C("arange", 3, 1),
    C("getitem", T(4, 5), (slice(None), 0)),
    C("getitem", T(4, 5), (Ellipsis, slice(None, 2))),
    C("getitem", T(4, 5), (slice(None), slice(None, None, 2))),
    C("getitem", T(4, 5), (slice(None), -1, slice(None))),
    C("getitem", T(4, 5), (slice(None), None)),
    C("getitem", T(4, 5), (Ellipsis, None, 1)),
    C("getitem", T(None, 5), (slice(None), 1, slice(1, -1))),
    C("getitem", T(4, 5), (slice(None), slice(None, None, -1))),
    C("getitem", T(4, 5), (slice(None), 4)),
    C("getitem", T(4, 5), (slice(None), 0, 0, 0)),
    POL("getitem", T(4, 5), (0,)),
    POL("getitem", T(4, 5), (slice(1, None),)),
    POL("getitem", T(4, 5), (None,)),
    C("getitem", K(4, 5), (1, slice(2, 4))),
]


def _case_id(c) -> str:
    return repr(c)[:90]


# ====================================================================== slow: against Keras
def _keras():
    return pytest.importorskip("keras")


def _to_keras(v, keras):
    if isinstance(v, Spec):
        return keras.KerasTensor(tuple(None if d is BATCH else d for d in v.shape), dtype=v.dtype)
    if isinstance(v, list):
        return [_to_keras(x, keras) for x in v]
    return v


def _keras_result(case, keras):
    """[(shape, dtype)] from Keras, or the exception it raises."""
    import warnings

    args = [_to_keras(a, keras) for a in case.args]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.fn == "getitem":
                out = args[0][args[1]]
            elif case.fn == "arange":
                out = keras.ops.arange(*args, **case.kw)  # no tensor input: computed at once
            else:
                out = getattr(keras.ops, case.fn)(*args, **case.kw)
    except Exception as exc:  # noqa: BLE001 - any rejection counts
        return exc
    outs = out if isinstance(out, (list, tuple)) else [out]
    from keras.src.backend import standardize_dtype

    return [(tuple(o.shape), standardize_dtype(o.dtype)) for o in outs]


def _keras_run(case, keras):
    """Run the function on concrete arrays (unknown sizes 2): the result, or the exception."""
    import numpy as np

    def arr(v):
        if isinstance(v, Spec):
            shape = tuple(2 if d is BATCH else 8 if d is None else d for d in v.shape)
            return np.ones(shape, dtype=v.dtype)
        if isinstance(v, list):
            return [arr(x) for x in v]
        return v

    try:
        args = [arr(a) for a in case.args]
        return getattr(keras.ops, case.fn)(*args, **case.kw)
    except Exception as exc:  # noqa: BLE001
        return exc


def _graphc_result(case):
    fn = FUNCTIONS[case.fn]
    try:
        a = fn.bind(list(case.args), dict(case.kw))
        outs = fn.run(a)
    except (ArgError, ShapeError) as exc:
        return exc
    return [(tuple(None if d is BATCH else d for d in o.shape), o.dtype) for o in outs]


@slow
@pytest.mark.parametrize("name", sorted({c.fn for c in CASES}))
def test_against_keras(name):
    keras = _keras()
    failures = []
    for case in [c for c in CASES if c.fn == name]:
        ours = _graphc_result(case)
        ref = _keras_result(case, keras)
        if case.policy:
            if not isinstance(ours, (ArgError, ShapeError)) or "batch" not in ours.message:
                failures.append(f"{case}: graphc should refuse (batch axis), got {ours}")
            continue
        if isinstance(ref, Exception):
            if not isinstance(ours, (ArgError, ShapeError)):
                failures.append(f"{case}: Keras raises {type(ref).__name__}: {ref}; graphc gives {ours}")
            continue
        if isinstance(ours, Exception):
            # graphc refuses what Keras declares only where TensorFlow cannot run it (or, for
            # MISMATCH rows, computes another dtype than Keras declares)
            run = _keras_run(case, keras)
            if case.strict == "dtype":
                if _dtypes(run) == [d for _, d in ref]:
                    failures.append(f"{case}: graphc refuses ({ours.message}), but TensorFlow computes it")
            elif not isinstance(run, Exception):
                failures.append(f"{case}: graphc refuses ({ours.message}), but TensorFlow runs it")
            continue
        if case.strict:
            failures.append(f"{case}: graphc should refuse, got {ours}")
            continue
        if ours != ref:
            failures.append(f"{case}: Keras {ref} != graphc {ours}")
            continue
        # what graphc accepts, TensorFlow runs, with the dtype Keras declares
        if case.fn != "getitem":
            run = _keras_run(case, keras)
            if isinstance(run, Exception):
                failures.append(f"{case}: graphc accepts, TensorFlow fails: {str(run)[:200]}")
            elif _dtypes(run) != [d for _, d in ours] and repr(case) not in SPEC_RUNTIME_DIFFER:
                failures.append(f"{case}: TensorFlow computes {_dtypes(run)}, Keras declares {ours}")
    assert not failures, "\n".join(failures)


# Keras declares one dtype and TensorFlow computes another: graphc follows the declaration
# (what every later shape and dtype rule of Keras sees); the PyTorch module computes it
SPEC_RUNTIME_DIFFER = {
    "mod(T(None, 4, 5):float16, 2.5)",  # TensorFlow converts 2.5 to float32 first
    "logsumexp(T(None, 4, 5):float16, axis=-1)",  # Keras declares the default float dtype
}


def _dtypes(out) -> list:
    from keras.src.backend import standardize_dtype

    outs = out if isinstance(out, (list, tuple)) else [out]
    return [standardize_dtype(o.dtype) for o in outs]


@slow
def test_clip_int_tensor_float_bounds_fails_in_tensorflow():
    import numpy as np

    keras = _keras()
    with pytest.raises(Exception):  # noqa: B017
        keras.ops.clip(np.arange(4, dtype="int32"), 0.5, 2.5)
    with pytest.raises(ArgError, match="integer bounds"):
        FUNCTIONS["clip"].bind([T(4, dtype="int32"), 0.5, 2.5], {})


@slow
def test_result_type_against_keras():
    import itertools

    _keras()
    from keras.src.backend.common import dtypes

    kinds = [*DTYPES, "int16", "uint16", int, float, bool]
    for a, b in itertools.product(kinds, kinds):
        for args in ((a,), (a, b), (a, b, float)):
            assert result_type(*args) == dtypes.result_type(*args), args


@slow
def test_keras_op_names():
    """The names Keras gives the ops (graphc keeps auto-named layers clear of them)."""
    keras = _keras()
    import warnings

    for name in sorted(FUNCTIONS):
        case = next(
            (
                c
                for c in CASES
                if c.fn == name and not c.policy and not isinstance(_graphc_result(c), Exception)
            ),
            None,
        )
        if case is None or name == "arange":
            continue
        args = [_to_keras(a, keras) for a in case.args]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = args[0][args[1]] if name == "getitem" else getattr(keras.ops, name)(*args, **case.kw)
        out = out[0] if isinstance(out, (list, tuple)) else out
        op = out._keras_history.operation.name
        base = keras_op_base(FUNCTIONS[name])
        assert op == base or (op.startswith(base + "_") and op[len(base) + 1 :].isdigit()), (name, op)


@slow
def test_torch_dtype_model():
    """torch_functions.torch_result is torch.result_type."""
    import itertools

    torch = pytest.importorskip("torch")
    from graphc.targets.torch_functions import promote, torch_result

    dts = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
    for a, b in itertools.product(dts, dts):
        assert promote(a, b) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).split(".")[1]
        ta = torch.zeros(2, dtype=getattr(torch, a))
        tb0 = torch.zeros((), dtype=getattr(torch, b))
        got = str(torch.result_type(ta, tb0)).split(".")[1]
        assert torch_result([Spec((2,), a), Spec((), b)]) == got, (a, b)
        for s in (True, 2, 2.5):
            got = str(torch.result_type(ta, s)).split(".")[1]
            assert torch_result([Spec((2,), a), s]) == got, (a, s)


# ====================================================================== fast: the catalog alone
def test_every_function_has_rows():
    covered = {c.fn for c in CASES}
    assert set(FUNCTIONS) - covered == set()


REQUIRED = (
    "abs sqrt square exp log log1p sin cos tanh sigmoid relu gelu softmax negative sign floor ceil round "
    "clip minimum maximum add subtract multiply divide power mean sum max min prod std var argmax argmin "
    "logsumexp norm matmul einsum transpose reshape expand_dims squeeze concatenate stack split tile repeat "
    "flip roll cumsum where cast one_hot arange ones_like zeros_like top_k getitem"
).split()


def test_required_functions():
    assert [n for n in REQUIRED if n not in FUNCTIONS] == []


def test_policy_rows_are_refused_with_the_batch_axis_named():
    for case in [c for c in CASES if c.policy]:
        ours = _graphc_result(case)
        assert isinstance(ours, (ArgError, ShapeError)), case
        assert "batch" in ours.message, (case, ours.message)


def test_axis_message():
    e = _graphc_result(C("mean", T(4, 5), axis=5))
    assert e.message == "ops.mean: axis 5 is out of range for a 3D tensor (axes -3..2)"
    assert e.arg == "axis"


def test_broadcast_message_names_both_shapes():
    e = _graphc_result(C("add", T(4, 5), K(3)))
    assert "(None, 4, 5)" in e.message and "(3,)" in e.message


# ====================================================================== fast: the evaluator
def _compile(tmp_path, text, name="m.gdl"):
    p = Path(tmp_path) / name
    p.write_text(text)
    return compile_program(str(p))


def _errors(program):
    return [(d.span.line, d.span.col, d.code, d.message, d.hint) for d in program.errors]


MLP = """
model m {
  x = Input(shape=(6, 5))
  y = Input(shape=(6, 5))
  %s
}
"""


def test_ops_make_opnodes(tmp_path):
    p = _compile(
        tmp_path,
        MLP
        % """h = ops.mean(x, axis=-1, keepdims=true)
  a = x + y
  b = x + 1.0
  c = keras.ops.sqrt(ops.square(x - h) + 1e-5)
  output out = Dense(2)(ops.concatenate([a, b, c], axis=-1))""",
    )
    assert not p.errors, _errors(p)
    g = p.entry()
    assert lint(g) == []
    kinds = [(type(n).__name__, getattr(getattr(n, "fn", None), "name", None)) for n in g.nodes]
    assert ("LayerNode", None) in kinds  # a + b of one shape: Keras's Add layer, as before
    assert [k for k in kinds if k[0] == "OpNode"] == [
        ("OpNode", "mean"),
        ("OpNode", "add"),
        ("OpNode", "subtract"),
        ("OpNode", "square"),
        ("OpNode", "add"),
        ("OpNode", "sqrt"),
        ("OpNode", "concatenate"),
    ]
    merge = next(n for n in g.nodes if isinstance(n, LayerNode) and n.layer.op.name == "Add")
    assert merge.outputs[0].type.shape == (6, 5)
    cat = next(n for n in g.nodes if isinstance(n, OpNode) and n.fn.name == "concatenate")
    assert cat.outputs[0].type.shape == (6, 15)
    assert cat.args["axis"] == -1 and len(cat.args["xs"]) == 3


def test_matmul_operator(tmp_path):
    """`a @ b` is ops.matmul (Python's operator, Keras's function); on numbers it is a
    located type error, as Python raises TypeError for `2 @ 3`."""
    p = _compile(tmp_path, MLP % "w = Input(shape=(5, 3))\n  output out = Dense(2)(x @ w)")
    assert not p.errors, _errors(p)
    (mm,) = [n for n in p.entry().nodes if isinstance(n, OpNode)]
    assert mm.fn.name == "matmul" and mm.outputs[0].type.shape == (6, 3)

    p = _compile(tmp_path, MLP % "k = 2 @ 3\n  output out = Dense(2)(x)")
    ((line, _, code, msg, _),) = _errors(p)
    assert (line, code, msg) == (5, "type-error", "cannot apply `@` to an int and an int")


def test_located_errors(tmp_path):
    p = _compile(tmp_path, MLP % "output out = Dense(2)(ops.mean(x, axis=5))")
    ((line, col, code, msg, _),) = _errors(p)
    assert (line, code) == (5, "argument-value")
    assert msg == "ops.mean: axis 5 is out of range for a 3D tensor (axes -3..2)"
    assert col == len("  output out = Dense(2)(ops.mean(x, ") + 1  # the caret on `axis=5`

    p = _compile(tmp_path, MLP % "z = ops.add(x, ops.arange(4))")
    ((_, _, code, msg, hint),) = _errors(p)
    assert code == "shape-mismatch" and "(None, 6, 5)" in msg and "(4,)" in msg

    p = _compile(tmp_path, MLP % "z = ops.meen(x)")
    ((_, _, code, msg, hint),) = _errors(p)
    assert code == "undefined-name" and "ops.meen" in msg and "mean" in hint

    p = _compile(tmp_path, MLP % "z = ops.mean(x, axs=1)")
    ((_, _, code, msg, hint),) = _errors(p)
    assert code == "unknown-argument" and "axis" in hint

    p = _compile(tmp_path, MLP % "z = ops.sum(x)")
    ((_, _, code, msg, hint),) = _errors(p)
    assert "batch axis" in msg and "axis=" in hint

    p = _compile(tmp_path, MLP % "z = x / ops.sqrt(16.0)")
    ((_, _, code, msg, hint),) = _errors(p)
    assert code == "argument-type" and "16 ** 0.5" in hint

    p = _compile(tmp_path, MLP % "z = not x")
    assert "logical_not" in _errors(p)[0][4]

    p = _compile(tmp_path, MLP % "z = 0 < x < 1")
    assert "logical_and" in _errors(p)[0][4]

    p = _compile(tmp_path, MLP % 'z = x + "a"')
    assert _errors(p)[0][2] == "type-error"

    p = _compile(tmp_path, MLP % "z = Dense(3)(ops.arange(4))")
    ((_, _, code, msg, hint),) = _errors(p)
    assert code == "type-error" and "batch axis" in msg and "zeros_like" in hint


def test_split_and_top_k_unpack(tmp_path):
    p = _compile(
        tmp_path,
        MLP
        % """a, b = ops.split(x, [2], axis=-1)
  v, i = ops.top_k(b, 2)
  output out = Dense(1)(ops.concatenate([a, v, ops.cast(i, "float32")], axis=-1))""",
    )
    assert not p.errors, _errors(p)
    g = p.entry()
    split = next(n for n in g.nodes if isinstance(n, OpNode) and n.fn.name == "split")
    assert [t.type.shape for t in split.outputs] == [(6, 2), (6, 3)]
    topk = next(n for n in g.nodes if isinstance(n, OpNode) and n.fn.name == "top_k")
    assert [t.type.dtype for t in topk.outputs] == ["float32", "int32"]


def test_unbatched_constants(tmp_path):
    p = _compile(
        tmp_path,
        """
model m {
  tokens = Input(shape=(8,), dtype="int32")
  positions = ops.zeros_like(tokens) + ops.arange(8)
  output out = Dense(1)(Embedding(8, 4)(positions))
}
""",
    )
    assert not p.errors, _errors(p)
    g = p.entry()
    ar = next(n for n in g.nodes if isinstance(n, OpNode) and n.fn.name == "arange")
    assert str(ar.outputs[0].type) == "(8,)" and ar.outputs[0].type.dtype == "int32"
    add = next(n for n in g.nodes if isinstance(n, OpNode) and n.fn.name == "add")
    assert str(add.outputs[0].type) == "(None, 8)"


BLOCK = """
block norm(x, axis) {
  m = ops.mean(x, axis=axis, keepdims=true)
  return (x - m) / ops.sqrt(ops.var(x, axis=axis, keepdims=true) + 0.001)
}

model m {
  img = Input(shape=(8, 8, 3))
  x = Conv2D(4, 3, padding="same")(img)
  a = norm(x, -1)
  b = norm(x, 1)
  output out = Dense(2)(ops.mean(a + b, axis=(1, 2)))
}
"""


def _imports_ops(code: str) -> bool:
    """Whether the module imports keras.ops (`from keras import layers, ops`)."""
    import re

    return re.search(r"^from keras import (.*, )?ops(,|$)", code, re.M) is not None


def test_emitted_keras(tmp_path):
    p = _compile(tmp_path, BLOCK)
    assert not p.errors, _errors(p)
    code = emit(p, p.entry(), "keras", "m.gdl")
    assert _imports_ops(code)
    # one function for both calls, the axis a parameter, written as the user wrote it
    assert "def norm(x, axis):" in code
    assert "m = ops.mean(x, axis=axis, keepdims=True)" in code
    assert "return (x - m) / ops.sqrt(ops.var(x, axis=axis, keepdims=True) + 0.001)" in code

    p = _compile(tmp_path, MLP % "output out = Dense(2)(x)", "plain.gdl")
    assert not _imports_ops(emit(p, p.entry(), "keras", "plain.gdl"))

    p = _compile(tmp_path, MLP % "output out = Dense(1)(ops.where(x == 0, 1.0, -x))", "eq.gdl")
    code = emit(p, p.entry(), "keras", "eq.gdl")
    assert "ops.where(ops.equal(x, 0), 1.0, -x)" in code  # KerasTensor has no == operator


def test_keras_names_layers_that_ops_share_names_with(tmp_path):
    """x + y of one shape is Keras's Add layer, x + 1 an add op: Keras names both from one
    counter, so graphc leaves the layer's name to Keras (a name it passes is not counted)."""
    p = _compile(tmp_path, MLP % "output out = Dense(1)((x + y) + 1.0)")
    assert not p.errors, _errors(p)
    code = emit(p, p.entry(), "keras", "m.gdl")
    assert "layers.add([x, y]) + 1.0" in code
    p = _compile(tmp_path, MLP % "output out = Dense(1)(x + y)", "plain.gdl")
    assert 'layers.add([x, y], name="add")' in emit(p, p.entry(), "keras", "plain.gdl")


def test_emitted_torch_layouts(tmp_path):
    p = _compile(tmp_path, BLOCK)
    assert not p.errors, _errors(p)
    code = emit(p, p.entry(), "torch", "m.gdl")
    # the image stays channels-first: Keras's axis -1 (channels) is torch's 1, axis 1 (rows) is 2
    assert "x.mean(1, keepdim=True)" in code or "x.mean(self.dim, keepdim=True)" in code
    assert "torch.var(x, " in code and "correction=0" in code
    assert ".permute(" not in code.split("class M")[1]  # no conversion back to channels-last
    # the mean over rows and columns of the sum: dims (2, 3) of NCHW
    assert ".mean((2, 3))" in code


def test_torch_unsupported_is_located(tmp_path):
    p = _compile(tmp_path, MLP % "v, i = ops.top_k(x, 2, sorted=false)\n  output out = Dense(1)(v)")
    assert not p.errors, _errors(p)
    from graphc.targets.errors import EmitError

    with pytest.raises(EmitError) as e:
        emit(p, p.entry(), "torch", "m.gdl")
    d = e.value.diagnostics[0] if hasattr(e.value, "diagnostics") else e.value.diagnostic
    assert d.code == "unsupported" and d.span.line == 5 and "top_k" in d.message


def test_layout_plan():
    """torch_functions.plan: which reductions keep an NCHW tensor channels-first."""
    from graphc.targets.torch_functions import CF, CL, layout_of_perm, perm

    # NHWC (B,H,W,C) kept as (B,C,H,W): torch dim i holds Keras axis perm[i]
    assert perm(CF, 4) == [0, 3, 1, 2]
    assert perm(CF, 3) == [0, 2, 1]
    assert perm(CL, 4) == [0, 1, 2, 3]
    # reducing H (Keras axis 1) of (B,C,H,W) leaves (B,C,W): Keras axes [0,3,2] -> renumbered [0,2,1],
    # the channels-first layout of a rank-3 tensor
    assert layout_of_perm([0, 2, 1]) == CF
    # reducing C leaves (B,H,W) in Keras's order
    assert layout_of_perm([0, 1, 2]) == CL
    assert layout_of_perm([0, 2, 3, 1]) is None


def test_keras_op_base_names():
    assert keras_op_base(FUNCTIONS["abs"]) == "absolute"
    assert keras_op_base(FUNCTIONS["getitem"]) == "get_item"
    assert keras_op_base(FUNCTIONS["true_divide"]) == "true_divide"


def test_negative_slice_steps_read_forward():
    """torch slices forward only: x[a:b:-s] is read from the flipped axis (numpy is the reference)."""
    import itertools

    import numpy as np

    from graphc.targets.torch_functions import forward_key

    x = np.arange(3 * 7 * 5).reshape(3, 7, 5)
    bounds = [None, 0, 2, 5, 6, 7, -1, -3, -7]
    for start, stop, step in itertools.product(bounds, bounds, [-1, -2, -3]):
        for key in ((slice(None), slice(start, stop, step)), (Ellipsis, slice(start, stop, step), 1)):
            flips, items = forward_key(key, (BATCH, 7, 5))
            got = np.flip(x, flips)[items] if flips else x[items]
            assert np.array_equal(got, x[key]), key
            assert all(i.step is None or i.step > 0 for i in items if isinstance(i, slice))


def test_summary_names_the_op_that_feeds_a_layer(tmp_path):
    """`graphc summary`'s Connected-to column names a keras.ops result by its function
    (it showed `?`: ops make no layer)."""
    from graphc.summary import summary

    p = _compile(tmp_path, MLP % "h = ops.abs(x - y)\n  output out = Dense(2)(h)")
    assert not p.errors, _errors(p)
    row = next(r for r in summary(p.entry()).splitlines() if r.startswith("out (Dense)"))
    assert row.rstrip().endswith("ops.abs:h"), row
