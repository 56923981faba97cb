"""Folding repeated structure (conservative; a folded program that does not
check out is replaced by the flat one).  Run after the flat program is built.

1. Blocks.  Layers of Keras applications and of most hand-written models are
   named hierarchically (`conv2_block1_1_conv`): a run of consecutive
   statements whose names share a prefix (`conv2_block1`) is an instance of a
   candidate block; runs with the same structure (classes, name suffixes,
   wiring, which values leave the run) become one `block`, whose parameters
   are the input tensors, `name` (the prefix), and the arguments that differ
   between instances (equal ones stay literal; one that is an integer
   multiple of another is written `k * p`).  The prefix depth saving the most
   lines is applied first, then the others on what is left.
2. Names graphc would give anyway are dropped (to_gdl.elide_names).
3. Loops.  Consecutive calls of one block that form a chain and differ only
   by an integer in their name (`conv2_block2`, `conv2_block3`) become
   `for i in range(a, b) { x = blk(x, name=f"conv2_block{i}") }`; consecutive
   groups of identical statements forming a chain, named by the same integer
   pattern or by graphc's automatic names, become a `for` loop too.
"""

from __future__ import annotations

import re

from graphc.importer.layers import compact, make_ctor
from graphc.importer.program import (
    NO_DEFAULT,
    BlockCall,
    BlockDef,
    Call,
    Ctor,
    FStr,
    Loop,
    Namespace,
    Offset,
    Param,
    Scaled,
    Val,
    freeze,
)
from graphc.importer.to_gdl import elide_names, name_of

MAX_PARAMS = 6  # a block with more varying arguments than this is not "clear"
MAX_PERIOD = 8  # longest group of statements a loop repeats
MIN_BLOCK = 3  # statements in a block: two are clearer written out


def fold_program(prog, top_ns: Namespace, stats: dict) -> None:
    items = prog.body
    items = extract_blocks(prog, items, top_ns)
    elide_names(items, [inp.name for inp in prog.kmodel.inputs], [v for _, v in prog.outputs])
    items = fold_loops(prog, items, top_ns)
    prog.body = items
    stats["blocks"] = stats.get("blocks", 0) + len(prog.blocks)
    stats["loops"] = stats.get("loops", 0) + sum(isinstance(st, Loop) for st in items)


# ------------------------------------------------------------------ uses
def _users(items: list) -> dict:
    """id(Val) -> [index of the items reading it]"""
    out: dict = {}
    for i, st in enumerate(items):
        for v in _reads(st):
            out.setdefault(id(v), []).append(i)
    return out


def _reads(st) -> list:
    if hasattr(st, "tensor_inputs"):
        return st.tensor_inputs()
    return []


def _eligible(st) -> bool:
    return (
        isinstance(st, Call)
        and isinstance(st.callee, Ctor)
        and st.output is None
        and not any(v.pinned for v in st.outs)
        and getattr(st.callee, "spec", None) is not None
    )


# ------------------------------------------------------------------ blocks
def _prefix(name: str, depth: int) -> str | None:
    """The first `depth` `_`-separated components of `name`, if a suffix remains."""
    idx = -1
    for _ in range(depth):
        idx = name.find("_", idx + 1)
        if idx <= 0:
            return None
    if idx >= len(name) - 1:
        return None
    return name[:idx]


def _runs(items: list, depth: int) -> list:
    """[(start, end, prefix)]: maximal runs of >= 2 eligible statements with one prefix."""
    runs = []
    i = 0
    while i < len(items):
        st = items[i]
        p = _prefix(st.layer, depth) if _eligible(st) else None
        if p is None:
            i += 1
            continue
        j = i + 1
        while j < len(items) and _eligible(items[j]) and _prefix(items[j].layer, depth) == p:
            j += 1
        if j - i >= 2:
            runs.append((i, j, p))
        i = j
    return runs


def _args(st: Call) -> dict:
    """The layer's arguments, defaults filled (normalized by the catalog), without name."""
    spec = st.callee.spec
    full = spec.op.full(spec.given)
    return {k: v for k, v in full.items() if k != "name"}


def _signature(items: list, start: int, end: int, prefix: str, users: dict):
    run = items[start:end]
    local: dict = {}
    ext: list = []
    ext_ids: dict = {}

    def ref(v):
        if id(v) in local:
            return ("l",) + local[id(v)]
        if id(v) not in ext_ids:
            ext_ids[id(v)] = len(ext)
            ext.append(v)
        return ("e", ext_ids[id(v)])

    def struct(a):
        if isinstance(a, Val):
            return ref(a)
        if isinstance(a, (list, tuple)):
            return tuple(struct(x) for x in a)
        return ("c", freeze(a))

    parts = []
    for j, st in enumerate(run):
        suffix = st.layer[len(prefix) :]
        parts.append(
            (
                st.callee.cls,
                suffix,
                tuple(struct(a) for a in st.ins),
                tuple((k, struct(v)) for k, v in st.kw),
                len(st.outs),
                tuple(sorted(_args(st))),
            )
        )
        for k, v in enumerate(st.outs):
            local[id(v)] = (j, k)
    returned = []
    for j, st in enumerate(run):
        for k, v in enumerate(st.outs):
            if v.pinned or any(u < start or u >= end for u in users.get(id(v), ())):
                returned.append((j, k))
    return (tuple(parts), tuple(returned), len(ext)), ext, returned


def _plan_depth(items: list, depth: int) -> tuple:
    users = _users(items)
    groups: dict = {}
    for start, end, prefix in _runs(items, depth):
        sig, ext, returned = _signature(items, start, end, prefix, users)
        if not returned:
            continue
        groups.setdefault(sig, []).append((start, end, prefix, ext, returned))
    plans = []
    saving = 0
    for sig, insts in groups.items():
        if len(insts) < 2:
            continue
        length = len(sig[0])
        save = len(insts) * length - (length + 3) - len(insts)
        if save <= 0 or length < MIN_BLOCK:
            continue
        params = _params(items, insts)
        if params is None:
            continue
        plans.append((sig, insts, params))
        saving += save
    return saving, plans


def _params(items: list, insts: list):
    """The arguments that differ between instances: [(slot list, name, values, scaled-from)]
    or None when there are too many."""
    start0, end0 = insts[0][0], insts[0][1]
    n = end0 - start0
    slots = []  # (j, arg) -> values per instance
    for j in range(n):
        a0 = _args(items[start0 + j])
        for arg in a0:
            vals = [_args(items[s + j])[arg] for s, _, _, _, _ in insts]
            if not all(freeze(vals[0]) == freeze(v) for v in vals[1:]):
                slots.append(((j, arg), vals))
    groups: list = []  # [name, [slots], values, (k, other) or None]
    for slot, vals in slots:
        key = [freeze(v) for v in vals]
        for g in groups:
            if g[4] == key:
                g[1].append(slot)
                break
        else:
            groups.append([slot[1], [slot], vals, None, key])
    # k * p for integer multiples of another parameter (p stays a parameter of its own)
    bases: set = set()
    for g in groups:
        vals = g[2]
        if id(g) in bases or not all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            continue
        for h in groups:
            if h is g or h[3] is not None:
                continue
            base = h[2]
            if all(isinstance(b, int) and not isinstance(b, bool) and b > 0 for b in base):
                k = vals[0] // base[0] if base[0] else 0
                if k >= 2 and all(v == k * b for v, b in zip(vals, base)):
                    g[3] = (k, h)
                    bases.add(id(h))
                    break
    free = [g for g in groups if g[3] is None]
    if len(free) > MAX_PARAMS:
        return None
    return groups


def extract_blocks(prog, items: list, top_ns: Namespace) -> list:
    tried: set = set()
    while True:
        best = None
        for depth in range(1, 8):
            if depth in tried:
                continue
            saving, plans = _plan_depth(items, depth)
            if plans and (best is None or saving > best[0]):
                best = (saving, depth, plans)
        if best is None:
            return items
        _, depth, plans = best
        tried.add(depth)
        items = _apply_blocks(prog, items, plans, top_ns)


def _block_name(prefix: str, suffix: str, top_ns: Namespace) -> str:
    """From the instances' common prefix without its numbers (`conv2_block1` ->
    `conv_block`), else from the first layer's suffix (`_sepconv1_act` -> `sepconv_block`)."""
    base = re.sub(r"_+", "_", re.sub(r"[^A-Za-z_]+", "", prefix)).strip("_")
    if base in ("", "block"):
        words = re.findall(r"[A-Za-z]+", suffix)
        base = words[0] if words else ""
    base = base.lower() or "repeated"
    if not base.endswith("block"):
        base = f"{base}_block"
    return top_ns.fresh(base, "block")


def _apply_blocks(prog, items: list, plans: list, top_ns: Namespace) -> list:
    replace: dict = {}  # start -> (end, BlockCall)
    for _sig, insts, groups in plans:
        start0, end0, prefix0, ext0, returned0 = insts[0]
        template = items[start0:end0]
        bname = _block_name(prefix0, template[0].layer[len(prefix0) :], top_ns)
        ns = Namespace(parent=top_ns)
        ns.take("name")
        # tensor parameters
        tparams = []
        pool = ["x", "y", "z"]
        for i, _ in enumerate(ext0):
            nm = pool[i] if i < len(pool) else f"x{i + 1}"
            tparams.append(Val(("param", nm), var=ns.take(nm), pinned=True, reusable=True))
        # value parameters
        pnames = {}
        for g in groups:
            if g[3] is None:
                nm = g[0] if ns.is_free(g[0]) else ns.fresh(g[0])
                ns.take(nm)
                pnames[id(g)] = nm
        slot_value = {}
        for g in groups:
            for slot in g[1]:
                if g[3] is None:
                    slot_value[slot] = Param(pnames[id(g)])
                else:
                    k, h = g[3]
                    slot_value[slot] = Scaled(k, pnames[id(h)])
        # the body: the first instance's statements over the parameters
        mapping = {id(v): p for v, p in zip(ext0, tparams)}
        body = []
        for j, st in enumerate(template):
            spec = st.callee.spec
            given = dict(spec.given)
            for (jj, arg), value in slot_value.items():
                if jj == j:
                    given[arg] = value
            suffix = st.layer[len(prefix0) :]
            ctor = make_ctor(spec.op, given)
            ctor.kw.append(("name", FStr((Param("name"), suffix))))
            outs = []
            for v in st.outs:
                nv = Val((suffix.strip("_") or "t", j))
                mapping[id(v)] = nv
                outs.append(nv)
            body.append(
                Call(
                    outs, ctor, _remap(st.ins, mapping), [(k, _remap(x, mapping)) for k, x in st.kw], st.layer
                )
            )
        returns = [mapping[id(template[j].outs[k])] for j, k in returned0]
        params = [(p.var, NO_DEFAULT) for p in tparams] + [("name", NO_DEFAULT)]
        params += [(pnames[id(g)], NO_DEFAULT) for g in groups if g[3] is None]
        bd = BlockDef(bname, params, body, tparams, returns)
        bd.ns = ns
        prog.blocks.append(bd)
        for start, end, prefix, ext, returned in insts:
            kw = [("name", prefix)]
            for g in groups:
                if g[3] is None:
                    i = [x[0] for x in insts].index(start)
                    kw.append((pnames[id(g)], _printable(items, start, g, i)))
            outs = [items[start + j].outs[k] for j, k in returned]
            call = BlockCall(outs, bd, list(ext), kw, prefix)
            call.layer_names = [st.layer for st in items[start:end]]
            replace[start] = (end, call)
    out = []
    i = 0
    while i < len(items):
        if i in replace:
            end, call = replace[i]
            out.append(call)
            i = end
        else:
            out.append(items[i])
            i += 1
    return out


def _printable(items, start, g, i):
    """An instance's value of a parameter, spelled as the layer's catalog would read it."""
    (j, arg) = g[1][0]
    st = items[start + j]
    spec = st.callee.spec
    p = next(p for p in spec.op.all_params() if p.name == arg)
    v = spec.given.get(arg, g[2][i])
    return compact(p, v)


def _remap(a, mapping):
    if isinstance(a, Val):
        return mapping.get(id(a), a)
    if isinstance(a, list):
        return [_remap(x, mapping) for x in a]
    if isinstance(a, tuple):
        return tuple(_remap(x, mapping) for x in a)
    return a


# ------------------------------------------------------------------ loops
_INT = re.compile(r"\d+")


def _int_pattern(names: list):
    """(prefix, start, suffix) when names[r] == f"{prefix}{start + r}{suffix}", else None."""
    first = names[0]
    for m in _INT.finditer(first):
        pre, suf = first[: m.start()], first[m.end() :]
        a = int(m.group())
        if m.group() != str(a):  # leading zeros
            continue
        ok = all(n == f"{pre}{a + r}{suf}" for r, n in enumerate(names))
        if ok:
            return pre, a, suf
    return None


def fold_loops(prog, items: list, top_ns: Namespace) -> list:
    out: list = []
    i = 0
    ns = prog.ns
    users = _users(items)  # indices into `items`, which is read, never changed
    while i < len(items):
        loop = _block_loop(items, i, ns, users) or _plain_loop(items, i, ns, users)
        if loop is None:
            out.append(items[i])
            i += 1
            continue
        st, end = loop
        out.append(st)
        i = end
    return out


def _block_loop(items: list, i: int, ns: Namespace, users: dict):
    st = items[i]
    if not isinstance(st, BlockCall) or len(st.outs) != 1 or len(st.ins) != 1:
        return None
    j = i + 1
    while (
        j < len(items)
        and isinstance(items[j], BlockCall)
        and items[j].block is st.block
        and len(items[j].ins) == 1
        and items[j].ins[0] is items[j - 1].outs[0]
        and users.get(id(items[j - 1].outs[0]), []) == [j]
        and not items[j - 1].outs[0].pinned
        and [kv for kv in items[j].kw if kv[0] != "name"] == [kv for kv in st.kw if kv[0] != "name"]
    ):
        j += 1
    k = j - i
    if k < 2:
        return None
    pat = _int_pattern([items[r].prefix for r in range(i, j)])
    if pat is None:
        return None
    v_in = st.ins[0]
    if v_in.pinned or any(u >= j for u in users.get(id(v_in), [])):
        return None
    pre, a, suf = pat
    var = _loop_var(ns)
    body_in, body_out = Val(("loop", i, "in")), Val(("loop", i, "out"))
    kw = [
        (kk, FStr(tuple(x for x in (pre, Param(var), suf) if x != ""))) if kk == "name" else (kk, vv)
        for kk, vv in st.kw
    ]
    call = BlockCall([body_out], st.block, [body_in], kw, "")
    loop = Loop(var, a, a + k, [call], [v_in], [items[j - 1].outs[0]], body_in, body_out)
    loop.layer_names = [n for r in range(i, j) for n in items[r].layer_names]
    return loop, j


def _loop_var(ns: Namespace) -> str:
    """`i` for every loop of a model (loops do not nest; the name is kept from tensors)."""
    if "i" in ns.taken:
        return "i"
    return ns.take("i") if ns.is_free("i") else ns.fresh("i")


def _plain_loop(items: list, i: int, ns: Namespace, users: dict):
    if not _eligible(items[i]):
        return None
    for p in range(1, MAX_PERIOD + 1):
        res = _plain_loop_period(items, i, p, users, ns)
        if res is not None:
            return res
    return None


def _group_sig(items: list, start: int, p: int):
    """(structure, names) of the p statements from `start` when they form one
    group of a chain: single results, inputs from the group or one outside value."""
    local: dict = {}
    outside = None
    parts = []
    names = []
    for j in range(p):
        if start + j >= len(items):
            return None
        st = items[start + j]
        if not _eligible(st) or len(st.outs) != 1:
            return None

        def ref(v):
            nonlocal outside
            if id(v) in local:
                return ("l", local[id(v)])
            if outside is None:
                outside = v
            if v is not outside:
                raise _NoGroup
            return ("o",)

        def struct(a):
            if isinstance(a, Val):
                return ref(a)
            if isinstance(a, (list, tuple)):
                return tuple(struct(x) for x in a)
            return ("c", freeze(a))

        try:
            ins = tuple(struct(a) for a in st.ins)
            kw = tuple((k, struct(v)) for k, v in st.kw)
        except _NoGroup:
            return None
        ctor = st.callee
        named = name_of(ctor)
        bare = Ctor(ctor.cls, ctor.pos, [(k, v) for k, v in ctor.kw if k != "name"])
        parts.append((bare.sig(), ins, kw, named is None))
        names.append(st.layer if named is not None else None)
        local[id(st.outs[0])] = j
    if outside is None:
        return None
    return tuple(parts), names, outside


class _NoGroup(Exception):
    pass


def _plain_loop_period(items: list, i: int, p: int, users: dict, ns: Namespace):
    first = _group_sig(items, i, p)
    if first is None:
        return None
    sig0, names0, outside0 = first
    groups = [(i, names0, outside0)]
    r = i + p
    while True:
        g = _group_sig(items, r, p)
        if g is None or g[0] != sig0 or g[2] is not items[r - 1].outs[0]:
            break
        groups.append((r, g[1], g[2]))
        r += p
    k = len(groups)
    if k < (3 if p == 1 else 2):
        return None
    end = i + p * k
    # values made inside a group are used only inside it, except the chain
    for gi, (s, _, _) in enumerate(groups):
        for j in range(p):
            v = items[s + j].outs[0]
            uses = users.get(id(v), [])
            if j == p - 1:
                if gi < k - 1:
                    if uses != [u for u in uses if s + p <= u < s + 2 * p] or not uses:
                        return None
                continue
            if any(u < s or u >= s + p for u in uses):
                return None
    v_in = outside0
    if v_in.pinned or any(u >= end for u in users.get(id(v_in), [])):
        return None
    # names per position: all automatic, or one integer pattern
    var = None
    name_parts = []
    for j in range(p):
        col = [g[1][j] for g in groups]
        if all(n is None for n in col):
            name_parts.append(None)
            continue
        if any(n is None for n in col):
            return None
        pat = _int_pattern(col)
        if pat is None:
            return None
        name_parts.append(pat)
    starts = [pat[1] for pat in name_parts if pat is not None]
    if len(set(starts)) > 1:
        # names numbered out of step with the group (the group straddles two
        # repetitions of something else): not a clear loop
        return None
    a = starts[0] if starts else 0
    var = _loop_var(ns)
    body = []
    mapping: dict = {}
    body_in = Val(("loop", i, "in"))
    mapping[id(v_in)] = body_in
    template = items[i : i + p]
    for j, st in enumerate(template):
        ctor = st.callee
        kw = [(kk, vv) for kk, vv in ctor.kw if kk != "name"]
        pat = name_parts[j]
        if pat is not None:
            pre, s0, suf = pat
            field = Param(var) if s0 == a else Offset(var, s0 - a)
            kw.append(("name", FStr(tuple(x for x in (pre, field, suf) if x != ""))))
        c = Ctor(ctor.cls, ctor.pos, kw)
        c.spec = getattr(ctor, "spec", None)
        outs = [Val(("loop", i, j))]
        for v, nv in zip(st.outs, outs):
            mapping[id(v)] = nv
        body.append(
            Call(outs, c, _remap(st.ins, mapping), [(kk, _remap(x, mapping)) for kk, x in st.kw], st.layer)
        )
    body_out = body[-1].outs[0]
    loop = Loop(var, a, a + k, body, [v_in], [items[end - 1].outs[0]], body_in, body_out)
    loop.layer_names = [items[s].layer for s in range(i, end)]
    return loop, end
