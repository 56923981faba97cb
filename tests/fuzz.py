"""`make fuzz`: many generated and mutated GDL programs through the compiler.

    python tests/fuzz.py -n 100000 [--workers 2] [--timeout 20] [--out fuzz-report.json]

Three generators, each input a pure function of (generator, seed) so that any
finding can be regenerated:

- grammar: random derivations of graphc/grammar/gdl.lark's rules (lark's own
  reading of the grammar, EBNF expanded), tokens joined by spaces, `_NL` as a
  newline; the lexer's post-processing (newlines dropped in brackets, a `{`
  after a value opens a block, `;` separates statements) is what makes these
  texts mean what the grammar derived;
- synth: models built from graphc's layer catalog (random layers, argument
  names and values, shapes), to reach shape inference and the emitters;
- mutate: every examples/*.gdl and graphc/stdlib/*.gdl (and the seed mistakes)
  with deleted, inserted, replaced or duplicated pieces, including other
  languages' habits (`//`, `elif`, curly quotes, a BOM, NUL bytes).

Each input is compiled (every diagnostic rendered), then, without errors,
emitted to Keras and PyTorch, and formatted by `graphc fmt` (twice: the layout
must be idempotent).  A finding is a traceback (anything but a diagnostic), a
worker that dies, or an input that runs past --timeout (a hang).  Findings are
grouped by where they are raised, minimized (lines, then characters), printed
and written to --out; the exit status is 1 when there is one.

Nothing is excluded from generation: the evaluator's budget
(graphc/compiler/budget.py) bounds power towers, repetitions and nested loops.
The normal test suite runs a few hundred inputs of each generator
(tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sys
import time
import traceback
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = sorted((ROOT / "examples").glob("*.gdl")) + sorted((ROOT / "graphc" / "stdlib").glob("*.gdl"))
SEEDS.append(ROOT / "tests" / "data" / "seed_mistakes.gdl")
GENERATORS = ("grammar", "synth", "mutate")
FMT_EVERY = 4  # `graphc fmt` (the slowest stage) runs on every 4th input of each generator

NAMES = (
    "x y z h a b c k n m i j out seq img tokens left right enc base block model units filters shape "
    "activation padding strides name dtype Input Dense Conv2D Conv1D LSTM GRU Embedding Flatten Dropout "
    "BatchNormalization add concatenate multiply range compile fit Xception ResNet50 VGG16 optimizer loss "
    "loss_weights metrics Adam SGD layers keras len min max print str int float list"
).split()
NUMBERS = ["0", "1", "2", "3", "4", "8", "16", "0.5", "1e-3", "2.0", ".5", "7"]
STRINGS = ['"relu"', '"same"', "'valid'", '"int32"', '"mse"', '"softmax"', '"x.gdl"', '""', '"a b"', r'"\n"']
FSTRINGS = ['f"d{i}"', 'f"{x}_{n:3d}"', "f'{k}'", 'f"{{}}"']
HABITS = [
    "//",
    " // note",
    "elif",
    "\u201crelu\u201d",
    "\u2018a\u2019",
    "\ufeff",
    "\u00a0",
    "\x00",
    "\u2212",
    "entr\u00e9e",
    "&&",
    "!",
    "/*",
    ":",
    "\t",
    "\r\n",
    "\\\n",
    "#",
    "\\",
]
TOKENS = [  # token soup and mutations (also tests/test_fuzz.py)
    "model",
    "block",
    "share",
    "output",
    "use",
    "for",
    "in",
    "if",
    "else",
    "return",
    "range",
    "true",
    "None",
    "x",
    "Dense",
    "LSTM",
    "Input(shape=(3,))",
    "add",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ";",
    "\n",
    "+",
    "*",
    "**",
    ".",
    "1",
    "-1",
    "0.0",
    '"same"',
    'f"{x}"',
    "(None, 3)",
    "[1, 2]",
    "{a: 1}",
    "Dense(2)(x)",
    "y",
    "Conv2D",
    "Input",
    "concatenate",
    "compile",
    "fit",
    ":",
    "-",
    "/",
    "==",
    "0",
    "2.5",
    "1e-3",
    "'relu'",
    'f"a{x}"',
    "shape=(3,)",
    "#c\n",
]


# ====================================================================== exclusions
# ====================================================================== grammar
@lru_cache(maxsize=None)
def _grammar():
    import lark

    from graphc.compiler.parse import GRAMMAR

    g = lark.Lark(GRAMMAR.read_text(), start="module", parser="lalr", lexer="basic")
    rules: dict = {}
    for r in g.rules:
        rules.setdefault(r.origin.name, []).append([(s.name, s.is_term) for s in r.expansion])
    literals = {t.name: t.pattern.value for t in g.terminals if t.pattern.type == "str"}
    # the least depth at which each rule can end (to finish a derivation)
    height = {n: float("inf") for n in rules}
    changed = True
    while changed:
        changed = False
        for n, alts in rules.items():
            for alt in alts:
                h = 1 + max((0 if term else height[s] for s, term in alt), default=0)
                if h < height[n]:
                    height[n], changed = h, True
    return rules, literals, height


def _terminal(rng: random.Random, name: str, literals: dict, depth: list) -> str:
    if name == "NAME":
        return rng.choice(NAMES) if rng.random() < 0.95 else rng.choice(["_", "a1", "Q", "foo_bar"])
    if name == "NUMBER":
        return rng.choice(NUMBERS)
    if name == "STRING":
        return rng.choice(STRINGS)
    if name == "FSTRING":
        return rng.choice(FSTRINGS)
    if name == "_NL":
        return "\n" + "  " * depth[0] if rng.random() < 0.9 else ";"
    if name in ("LBRACE", "DICT_LBRACE"):
        depth[0] += 1
        return "{"
    if name == "RBRACE":
        depth[0] = max(0, depth[0] - 1)
        return "}"
    if name == "TRUE":
        return rng.choice(["true", "True"])
    if name == "FALSE":
        return rng.choice(["false", "False"])
    if name == "COMP_OP":
        return rng.choice(["==", "!=", "<", "<=", ">", ">="])
    if name == "ADD_OP":
        return rng.choice(["+", "-"])
    if name == "MUL_OP":
        return rng.choice(["*", "/", "//", "%"])
    return literals.get(name, name.lower())


def _weight(alt: list, depth: int, max_depth: int) -> float:
    if not alt:
        return 0.2
    if all(name == "_NL" for name, _ in alt):  # a blank line
        return 0.1
    nonterminals = sum(not term for _, term in alt)
    return 1.0 + (nonterminals if depth < max_depth // 2 else 0)


def grammar_program(rng: random.Random, max_depth: int = 14) -> str:
    """A random derivation of the grammar (the start symbol `module`)."""
    rules, literals, height = _grammar()
    out: list = []
    depth = [0]
    stack = [("module", False, 0)]
    budget = 400  # symbols expanded, so that a derivation stays small
    while stack:
        name, term, d = stack.pop()
        if term:
            out.append(_terminal(rng, name, literals, depth))
            continue
        alts = rules[name]
        budget -= 1
        if d >= max_depth or budget <= 0:
            best = min(height[s] if not t else 0 for alt in alts for s, t in alt[:1] or [("", True)])
            alts = [a for a in alts if max((0 if t else height[s] for s, t in a), default=0) <= best] or alts
            alts = [min(alts, key=lambda a: max((0 if t else height[s] for s, t in a), default=0))]
        # empty alternatives (the end of a `*` or a `?`) are drawn less often,
        # so that derivations have some substance
        alt = rng.choices(alts, weights=[_weight(a, d, max_depth) for a in alts])[0]
        for s, t in reversed(alt):
            stack.append((s, t, d + 1))
    return " ".join(out) + "\n"


# ====================================================================== synth
VALUES = [
    "1",
    "2",
    "3",
    "4",
    "0",
    "-1",
    "0.5",
    "(2, 2)",
    "(1, 3)",
    "(3,)",
    "[1, 2]",
    '"same"',
    '"valid"',
    '"causal"',
    '"relu"',
    '"softmax"',
    '"bilinear"',
    '"int32"',
    "true",
    "false",
    "None",
    '"l2"',
    "((1, 0), (0, 1))",
    "LSTM(2)",
    "GRU(2, return_sequences=true)",
    '"channels_first"',
    "-2",
    "1e-3",
]


def synth_program(rng: random.Random) -> str:
    """A model calling random catalog layers with random arguments."""
    import graphc.ops  # noqa: F401 - fills the registry
    from graphc.ops.base import REGISTRY

    names = sorted(n for n in REGISTRY if n != "Input")
    rank = rng.choice([1, 2, 3])
    dims = ", ".join(rng.choice(["4", "5", "8", "None", "1", "3"]) for _ in range(rank))
    dtype = rng.choice(["", ', dtype="int32"'])
    lines = ["model m {", f"  x0 = Input(shape=({dims},){dtype})"]
    live = ["x0"]
    for i in range(rng.randint(1, 6)):
        op = REGISTRY[rng.choice(names)]
        args = []
        for p in op.params:
            if p.required or rng.random() < 0.25:
                v = rng.choice(VALUES)
                args.append(v if (p.positional and p.required and rng.random() < 0.7) else f"{p.name}={v}")
        pos = [a for a in args if "=" not in a.split("(")[0]]
        kw = [a for a in args if "=" in a.split("(")[0]]
        call_args = ", ".join(pos + kw)
        ins = rng.sample(live, k=min(len(live), rng.choice([1, 1, 2])))
        target = f"[{', '.join(ins)}]" if len(ins) > 1 or rng.random() < 0.1 else ins[0]
        lines.append(f"  x{i + 1} = {op.name}({call_args})({target})")
        live.append(f"x{i + 1}")
    lines.append(f"  output y = {live[-1]}")
    if rng.random() < 0.7:
        loss = rng.choice(
            [
                '"mse"',
                '"binary_crossentropy"',
                '"categorical_crossentropy"',
                '"sparse_categorical_crossentropy"',
            ]
        )
        optimizer = rng.choice(['"adam"', "SGD(momentum=0.9)", '"rmsprop"'])
        lines.append(f"  compile(optimizer={optimizer}, loss={loss})")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ====================================================================== mutate
@lru_cache(maxsize=None)
def _seed_texts() -> list:
    texts = []
    for p in SEEDS:
        text = p.read_text(encoding="utf-8")
        if p.parent.name == "stdlib":
            text = _one_model(text)  # a whole family of applications per input would be slow
        texts.append(text)
    return texts


def _one_model(text: str) -> str:
    """A stdlib file with its blocks and constants but only its first model."""
    parts = re.split(r"(?m)^(?=model\s)", text)
    return "".join(parts[:2])


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        pos = rng.randint(0, len(text))
        n = rng.randint(1, 12)
        op = rng.random()
        if op < 0.25:
            text = text[:pos] + text[pos + n :]
        elif op < 0.5:
            text = text[:pos] + rng.choice(TOKENS) + text[pos:]
        elif op < 0.65:
            text = text[:pos] + rng.choice(HABITS) + text[pos + rng.randint(0, 2) :]
        elif op < 0.8:
            text = text[:pos] + text[pos : pos + n] * 2 + text[pos + n :]
        elif op < 0.9:
            m = list(re.finditer(r"\b\d+\b", text))
            if m:
                k = rng.choice(m)
                text = text[: k.start()] + rng.choice(["0", "1", "-1", "3", "64", "2.5"]) + text[k.end() :]
        else:
            lines = text.splitlines(True)
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                text = "".join(lines)
    return text


def generate(kind: str, seed: int) -> str:
    rng = random.Random(f"{kind}:{seed}")
    if kind == "grammar":
        return grammar_program(rng)
    if kind == "synth":
        return synth_program(rng)
    return mutate(rng, rng.choice(_seed_texts()))


# ====================================================================== the property
class Finding(Exception):
    def __init__(self, kind: str, where: str, message: str):
        super().__init__(f"{kind} at {where}: {message}")
        self.kind, self.where, self.message = kind, where, message


def _where(tb) -> str:
    """The innermost graphc frame of a traceback (the signature of a crash)."""
    frames = [f for f in traceback.extract_tb(tb) if "graphc" in f.filename.replace(os.sep, "/")]
    f = (frames or traceback.extract_tb(tb))[-1]
    return f"{Path(f.filename).name}:{f.lineno} ({f.name})"


def check(text: str, fmt: bool = True) -> None:
    """Raise Finding unless the compiler only answered with diagnostics."""
    from graphc.api import emit
    from graphc.compiler.lower import compile_program
    from graphc.diagnostics import CompileError, render_github, render_json, render_text
    from graphc.fmt import format_source
    from graphc.targets.errors import EmitError

    stage = "compile"
    try:
        program = compile_program("fuzz.gdl", text)
        for d in program.diagnostics:
            render_text(d, program.sources)
            render_github(d)
        render_json(program.diagnostics)
        if not program.errors and program.graphs:
            stage = "emit"
            graph = program.entry()
            for target in ("keras", "torch"):
                try:
                    emit(program, graph, target, "fuzz.gdl")
                except EmitError:
                    pass
        if not fmt:
            return
        stage = "fmt"
        try:
            once = format_source(text, "fuzz.gdl")
        except CompileError:
            return
        if format_source(once, "fuzz.gdl") != once:
            raise Finding("fmt-not-idempotent", "fmt.py", "formatting the formatted text changes it")
    except (Finding, TimeoutError):
        raise
    except RecursionError as exc:  # deep nesting must be a diagnostic too
        raise Finding(f"{stage}: RecursionError", _where(exc.__traceback__), str(exc)[:200]) from None
    except Exception as exc:
        raise Finding(f"{stage}: {type(exc).__name__}", _where(exc.__traceback__), str(exc)[:200]) from None


def _alarm(signum, frame):
    raise TimeoutError("timed out")


def run_one(text: str, timeout: float, fmt: bool = True) -> tuple | None:
    """None, or (kind, where, message) of the finding."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        check(text, fmt)
    except TimeoutError:
        return ("hang", "-", f"more than {timeout:g} s")
    except Finding as f:
        return (f.kind, f.where, f.message)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


def minimize(text: str, signature: tuple, timeout: float) -> str:
    """Greedy reduction (lines, then characters) keeping the same finding."""

    def same(t):
        r = run_one(t, timeout, fmt=signature[0].startswith("fmt"))
        return r is not None and r[:2] == signature[:2]

    for unit in ("lines", "chars"):
        chunk = max(1, (len(text.splitlines(True)) if unit == "lines" else len(text)) // 2)
        while chunk >= 1:
            parts = text.splitlines(True) if unit == "lines" else list(text)
            i, changed = 0, False
            while i < len(parts):
                candidate = "".join(parts[:i] + parts[i + chunk :])
                if candidate != text and same(candidate):
                    text, parts, changed = candidate, parts[:i] + parts[i + chunk :], True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
    return text


# ====================================================================== driver
def _worker(conn, timeout):
    import warnings

    warnings.simplefilter("ignore")
    while True:
        task = conn.recv()
        if task is None:
            return
        kind, seed = task
        if kind == "minimize":
            text, signature = seed
            conn.send(minimize(text, signature, timeout))
            continue
        text = generate(kind, seed)
        conn.send((kind, seed, run_one(text, timeout, fmt=seed % FMT_EVERY == 0)))


def main(argv=None) -> int:
    import multiprocessing as mp

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000, help="number of inputs (split over the generators)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it is a hang")
    ap.add_argument("--seed", type=int, default=0, help="first seed (inputs are seed, seed+1, ...)")
    ap.add_argument("--out", default="fuzz-report.json")
    args = ap.parse_args(argv)

    tasks = [(GENERATORS[i % 3], args.seed + i // 3) for i in range(args.n)]
    ctx = mp.get_context("fork")
    workers = []

    def spawn():
        a, b = ctx.Pipe()
        p = ctx.Process(target=_worker, args=(b, args.timeout), daemon=True)
        p.start()
        return [p, a, None, 0.0]

    workers = [spawn() for _ in range(max(1, args.workers))]
    findings: dict = {}
    counts = {g: 0 for g in GENERATORS}
    start = time.time()
    next_task = 0
    done = 0
    last_report = start
    while done < len(tasks):
        for w in workers:
            p, conn, task, since = w
            if task is None and next_task < len(tasks):
                w[2], w[3] = tasks[next_task], time.time()
                conn.send(tasks[next_task])
                next_task += 1
                continue
            if task is None:
                continue
            if conn.poll():
                try:
                    kind, seed, result = conn.recv()
                except EOFError:
                    result = ("worker died", "-", f"exit code {p.exitcode}")
                    kind, seed = task
                    w[:] = spawn()
                counts[kind] += 1
                done += 1
                w[2] = None
                if result is not None:
                    key = (result[0], result[1])
                    findings.setdefault(key, {"count": 0, "first": (kind, seed), "message": result[2]})
                    findings[key]["count"] += 1
            elif not p.is_alive() or time.time() - since > args.timeout + 10:
                p.kill()
                p.join()
                kind, seed = task
                key = ("worker died" if time.time() - since <= args.timeout + 10 else "hang", "-")
                findings.setdefault(key, {"count": 0, "first": (kind, seed), "message": "no answer"})
                findings[key]["count"] += 1
                counts[kind] += 1
                done += 1
                w[:] = spawn()
        if all(w[2] is not None for w in workers) or next_task >= len(tasks):
            time.sleep(0.0005)
        if time.time() - last_report > 60:
            last_report = time.time()
            print(f"  {done} inputs, {len(findings)} findings, {time.time() - start:.0f} s", file=sys.stderr)
    elapsed = time.time() - start

    report = {"inputs": counts, "seconds": round(elapsed, 1), "timeout": args.timeout, "findings": []}
    for (kind, where), f in sorted(findings.items()):
        text = generate(*f["first"])
        w = workers[0]
        w[1].send(("minimize", (text, (kind, where))))
        small = w[1].recv() if kind != "hang" else text
        report["findings"].append(
            {
                "kind": kind,
                "where": where,
                "count": f["count"],
                "message": f["message"],
                "input": f["first"],
                "minimal": small,
            }
        )
    for w in workers:
        w[1].send(None)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(counts.values())
    print(
        f"fuzz: {total} inputs ({', '.join(f'{k} {v}' for k, v in counts.items())}) in {elapsed:.0f} s "
        f"({1000 * elapsed / max(total, 1) * max(1, args.workers):.1f} ms per input per worker), "
        f"{len(report['findings'])} findings -> {args.out}"
    )
    for f in report["findings"]:
        print(f"- {f['kind']} at {f['where']} ({f['count']}x): {f['message']}\n  minimal: {f['minimal']!r}")
    return 1 if report["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
