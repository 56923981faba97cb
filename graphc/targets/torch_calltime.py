"""The PyTorch target's call-time arguments and Keras masks.

Call-time arguments are written as Keras spells them: the runtime's layers take the
same keywords (`self.decoder(dec_in, initial_state=[h, c])`, `self.attention(q, v,
attention_mask=m, use_causal_mask=True)`, `self.dropout(h, training=True)`, which
runs that call in training mode whatever the model's mode, runtime/LAYERS.md).

Masks are planned by the compiler (graphc/compiler/masks.py: which tensor carries which
`Mask`, which call receives which).  The emitted forward computes each mask once, where
Keras makes it (`mask = tokens != 0` for Embedding(mask_zero=true)), keeps it in a
variable, and passes it where Keras would (`self.lstm(x, mask=mask)`,
`self.mha(x, x, query_mask=mask, value_mask=mask)`, a masked mean for
GlobalAveragePooling1D); a block class takes the masks of its tensor parameters as
`<param>_mask=None`; the entry model attaches the masks of its outputs with
`losses.set_mask(y, mask)`, which the runtime's losses and metrics read (a masked
timestep does not count), as Keras's do.
"""

from __future__ import annotations

from graphc.compiler import masks as M
from graphc.compiler import syntax as S
from graphc.compiler.ir import BlockInstance
from graphc.compiler.specialize import Unexpressible
from graphc.diagnostics import Diagnostic
from graphc.targets import code as C
from graphc.targets.errors import EmitError
from graphc.targets.torch_layers import CL

TORCH = C.Name("torch")
LOSSES = C.Name("losses")

# merges whose values depend on their inputs' masks (Keras reads them in the merge itself)
MASKED_VALUE_MERGES = {"Multiply", "Maximum", "Minimum"}


class NoMaskCode(Exception):
    """A mask the walk cannot name (made in another class, a nested model...)."""


def _flat(v) -> list:
    return list(v) if isinstance(v, list) else [v]


def _none(v) -> bool:
    return all(m is None for m in _flat(v))


def needed_masks(graphs: list) -> set:
    """ids of the masks some call of `graphs` receives, that an entry output carries, and
    those they are made of."""
    out: set = set()

    def add(m):
        if m is None or id(m) in out:
            return
        out.add(id(m))
        for p in m.parts:
            add(p)

    for g in graphs:
        for o in g.outputs:
            add(output_mask(o.tensor))
        for n in g.calls:
            for v in n.masks_in.values():
                for m in _flat(v):
                    add(m)
            if n.layer.op is not None and n.layer.op.name in MASKED_VALUE_MERGES:
                for x in n.tensor_inputs():
                    add(M.effective(x, n))
    return out


def _okey(o):
    """Which occurrence a mask variable belongs to (one mask object can be a parameter's mask in
    one call of a block and not in another)."""
    return id(getattr(o, "owner", None))


def output_mask(t):
    """The mask an output carries once the model has run (MultiHeadAttention clears masks)."""
    return None if t.stripped_by else t.mask


class CallTimeWalk:
    """Mixin of TorchWalk: call-time keywords and masks (see the module doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mask_vars: dict = {}  # (occurrence, id(Mask)) -> Python name holding it in this forward
        # (GDL tensor parameter, "run" | "built") -> forward's `<param>_mask` parameter: the mask
        # the parameter carries when the model runs, or the one recorded when it was built
        self.mask_params: dict = {}
        self.root_occs: list = []

    def start(self, stmts, occs):
        self.root_occs = list(occs)
        return super().start(stmts, occs)

    # ------------------------------------------------------------ diagnostics
    def mask_unsupported(self, node, message, hint=None):
        raise EmitError(
            Diagnostic(node.file, node.span, "error", "unsupported", f"torch target: {message}", hint)
        )

    def check_mask_order(self, nodes):
        for n in nodes:
            if n.mask_order is not None:
                t, s = n.mask_order
                self.mask_unsupported(
                    n,
                    f"Keras clears the mask of `{t.var or 'its input'}` when the MultiHeadAttention of "
                    f"line {s.span.line} runs; whether this layer still sees it depends on the order "
                    "Keras runs the layers in",
                    "apply this layer to a tensor computed after that MultiHeadAttention, or before it "
                    "in a way the attention depends on",
                )

    # ------------------------------------------------------------ masks as code
    def mask_code(self, ms: list, occs: list, node=None) -> C.Expr | None:
        """Code for the mask that is `ms[i]` in occurrence i (None: no mask anywhere)."""
        if all(m is None for m in ms):
            return None
        names = {self.mask_vars.get((_okey(o), id(m))) for o, m in zip(occs, ms)}
        if len(names) == 1 and None not in names:
            return C.Name(names.pop())
        param = self._param_mask(ms, occs)
        if param is not None:
            return C.Name(param)
        if any(m is None for m in ms):
            raise Unexpressible()
        kinds = {m.kind for m in ms}
        if len(kinds) != 1:
            raise Unexpressible()
        kind = kinds.pop()
        if kind == "or":
            if len({len(m.parts) for m in ms}) != 1:
                raise Unexpressible()
            parts = [self.mask_code([m.parts[i] for m in ms], occs, node) for i in range(len(ms[0].parts))]
            value = parts[0]
            for p in parts[1:]:
                value = C.Bin("|", value, p)
            return self._mask_var(ms, occs, value, "mask", node)
        if kind == "concat":
            if len({len(m.parts) for m in ms}) != 1 or len({m.arg for m in ms}) != 1:
                raise Unexpressible()
            if any(p is None for m in ms for p in m.parts):
                raise NoMaskCode("Concatenate of masked and unmasked tensors along a time axis")
            parts = [self.mask_code([m.parts[i] for m in ms], occs, node) for i in range(len(ms[0].parts))]
            value = C.Call(C.Attr(TORCH, "cat"), (C.List(tuple(parts)),), (("dim", C.lit(ms[0].arg)),))
            return self._mask_var(ms, occs, value, "mask", node)
        if kind == "nested":  # the nested model's class attached it: read it from the tensor
            held = [
                self._holding(
                    m.node.outputs[
                        next(i for i, o in enumerate(m.node.layer.graph.outputs) if o.name == m.arg)
                    ]
                )
                for m in ms
            ]
            if len(set(held)) != 1 or held[0] is None:
                raise NoMaskCode("the mask of a nested model's output used where no variable holds it")
            value = C.Call(C.Attr(LOSSES, "get_mask"), (C.Name(held[0]),))
            self.em.uses_losses = True
            return self._mask_var(ms, occs, value, "mask", node)
        raise NoMaskCode("a mask made in another block or model")

    def _holding(self, t):
        """The variable that holds tensor `t` now (a model's forward), or None."""
        for name, tid in self.holder.items():
            if tid == t.id:
                return name
        return None

    def _mask_var(self, ms, occs, value, base, node=None) -> C.Expr:
        name = self.ns.take(base)
        self.pending.append(C.Assign([C.Name(name)], value, self.where(node) if node is not None else None))
        for o, m in zip(occs, ms):
            self.mask_vars[(_okey(o), id(m))] = name
        return C.Name(name)

    def _param_mask(self, ms, occs):
        """`<param>_mask` when `ms` are the masks of one tensor parameter of this block class (as it
        runs, or as recorded when the model was built)."""
        owners = [getattr(o, "owner", None) for o in occs]
        if not all(isinstance(b, BlockInstance) for b in owners):
            return None
        for p in self.params:
            ts = [dict(b.params).get(p) for b in owners]
            for world, attr in (("run", "mask"), ("built", "sym_mask")):
                if all(getattr(t, attr, None) is m for t, m in zip(ts, ms)) and any(
                    m is not None for m in ms
                ):
                    key = (p, world)
                    if key not in self.mask_params:  # `x_mask`; the other world's `x_built_mask`
                        other = any(q == p for q, _ in self.mask_params)
                        label = ("built_" if world == "built" else "run_") if other else ""
                        self.mask_params[key] = self.ns.take(f"{self.params[p]}_{label}mask")
                    for o, m in zip(occs, ms):
                        if m is not None:
                            self.mask_vars[(_okey(o), id(m))] = self.mask_params[key]
                    return self.mask_params[key]
        return None

    def mask_arg(self, values: list, occs: list, node) -> C.Expr | None:
        """A mask argument per occurrence: a Mask, None, or a list of them (Attention's [q, v])."""
        try:
            if any(isinstance(v, list) for v in values):
                if not all(isinstance(v, list) and len(v) == len(values[0]) for v in values):
                    raise Unexpressible()
                if all(_none(v) for v in values):
                    return None
                items = [self.mask_code([v[i] for v in values], occs, node) for i in range(len(values[0]))]
                return C.List(tuple(C.lit(None) if x is None else x for x in items))
            return self.mask_code(values, occs, node)
        except NoMaskCode as exc:
            self.mask_unsupported(node, f"{exc} cannot be passed on yet")

    # ------------------------------------------------------------ call keywords
    def calltime_kwargs(self, nodes, e, occs) -> list:
        """The keywords of a layer call besides its inputs and call options: the tensors given
        at the call (`initial_state=[h, c]`, `attention_mask=m`) and the masks Keras passes."""
        node0 = nodes[0]
        op = node0.layer.op
        self.check_mask_order(nodes)
        out = []
        given = {k.name: k.value for k in e.kwargs} if isinstance(e, S.Call) else {}
        for name in op.call_tensors:
            if name in node0.call_tensors and name in given:
                code = self.tensor_arg(given[name], occs)
                if name == "mask" or name.endswith("_mask"):
                    code = self._held(code, node0)
                out.append((name, code))
                self._remember_given(nodes, occs, name, code)
            elif name in node0.masks_in:
                code = self.mask_arg([n.masks_in.get(name) for n in nodes], occs, node0)
                if code is not None:
                    out.append((name, code))
        if op.name in MASKED_VALUE_MERGES:
            values = [[M.effective(x, n) for x in n.tensor_inputs()] for n in nodes]
            code = self.mask_arg(values, occs, node0)
            if code is not None:
                out.append(("mask", code))
        return out

    def _held(self, code, node):
        """A mask given as an expression (`mask=ops.not_equal(tokens, 0)`) is computed into a
        variable first: the layers after this one may receive it too."""
        if isinstance(code, C.List):
            return C.List(tuple(self._held(c, node) for c in code.items))
        if isinstance(code, (C.Name, C.Lit)):
            return code
        name = C.Name(self.ns.take("mask"))
        self.pending.append(C.Assign([name], code, self.where(node)))
        return name

    def _remember_given(self, nodes, occs, name, code):
        """A mask given at the call that a later layer reads (a returned sequence's mask)."""
        for n, o in zip(nodes, occs):
            v = n.masks_in.get(name)
            if isinstance(v, list) and isinstance(code, C.List):
                for m, c in zip(v, code.items):
                    if m is not None and isinstance(c, C.Name):
                        self.mask_vars[(_okey(o), id(m))] = c.id
            elif v is not None and not isinstance(v, list) and isinstance(code, C.Name):
                self.mask_vars[(_okey(o), id(v))] = code.id

    def model_call_kwargs(self, nodes, e, occs) -> list:
        """`training=` of a nested model's call; masks do not cross into nested models yet."""
        for n in nodes:
            if any(m is not None for v in n.masks_in.values() for m in _flat(v)):
                self.mask_unsupported(
                    n,
                    f"the masks of the tensors given to the nested model `{n.layer.name}` are not passed "
                    "into its class yet",
                )
        out = []
        for k in e.kwargs if isinstance(e, S.Call) else []:
            if k.name in nodes[0].call_args:
                from graphc.compiler import provenance as P

                pairs = [(n.call_args[k.name], n.call_syms.get(k.name, P.OPAQUE)) for n in nodes]
                out.append((k.name, self.value(pairs, occs, k.name)))
        return out

    def block_mask_args(self, cls, instances, occs) -> list:
        """The `<param>_mask=` keywords of a call of a block class that takes masks."""
        out = []
        for (p, world), py in getattr(cls, "mask_params", {}).items():
            attr = "mask" if world == "run" else "sym_mask"
            code = self.mask_arg([getattr(dict(bi.params)[p], attr) for bi in instances], occs, instances[0])
            if code is not None:
                out.append((py, code))
        return out

    # ------------------------------------------------------------ masks made here
    def made_masks(self, nodes, occs, ins: list) -> list:
        """Masks the call makes (Embedding(mask_zero=true), Masking), computed from its input
        before the call: `mask = tokens != 0`.  Returns `ins` with the input held in a variable
        when it is an expression (it is read twice)."""
        needed = self.em.needed_masks
        per_out = []
        for i in range(len(nodes[0].outputs)):
            ms = [n.outputs[i].mask for n in nodes]
            if all(m is not None and m.node is n and m.kind in ("zero", "value") for m, n in zip(ms, nodes)):
                if any(id(m) in needed for m in ms):
                    per_out.append(ms)
        if not per_out:
            return ins
        if len({(m.kind, m.arg) for ms in per_out for m in ms}) != 1:
            raise Unexpressible()
        code, lay, ts = ins[0]
        if not isinstance(code, C.Name):
            held = C.Name(self.ns.take("ids" if per_out[0][0].kind == "zero" else "inputs"))
            self.pending.append(C.Assign([held], code))
            ins = [(held, lay, ts)] + list(ins[1:])
            code = held
        m0 = per_out[0][0]
        if m0.kind == "zero":
            value = C.Compare(code, (("!=", C.lit(0)),))
        else:
            if lay != CL:
                raise Unexpressible()
            value = C.Call(C.Attr(C.Compare(code, (("!=", C.lit(m0.arg)),)), "any"), (C.lit(-1),))
        for ms in per_out:
            self._mask_var(ms, occs, value, "mask", nodes[0])
            value = C.Name(self.mask_vars[(_okey(occs[0]), id(ms[0]))])
        return ins

    # ------------------------------------------------------------ layers a mask changes
    def mask_needs_module(self, nodes) -> bool:
        """A layer written inline without a mask that takes its module with one (Softmax, and
        the merges whose values depend on masks)."""
        n0 = nodes[0]
        name = n0.layer.op.name
        if name == "Softmax":
            return any(not _none(n.masks_in.get("mask")) for n in nodes)
        if name in MASKED_VALUE_MERGES:
            return any(M.effective(x, n) is not None for n in nodes for x in n.tensor_inputs())
        return False

    def masked_pool(self, nodes, ins, occs):
        """GlobalAveragePooling1D of a masked sequence: Keras's mean of the kept steps,
        `(x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)`."""
        n0 = nodes[0]
        if n0.layer.op.name != "GlobalAveragePooling1D":
            return None
        values = [n.masks_in.get("mask") for n in nodes]
        if all(v is None for v in values):
            return None
        self.check_mask_order(nodes)
        mask = self.mask_arg(values, occs, n0)
        if any(v is None for v in values):
            raise Unexpressible()
        x, lay = ins[0][0], ins[0][1]
        keep = n0.layer.full_args.get("keepdims", False)
        feat, steps = (-1, 1) if lay == CL else (1, 2)
        weighted = C.Bin("*", x, C.Call(C.Attr(mask, "unsqueeze"), (C.lit(feat),)))
        kw = (("keepdim", C.lit(True)),) if keep else ()
        total = C.Call(C.Attr(weighted, "sum"), (C.lit(steps),), kw)
        count = C.Call(C.Attr(mask, "sum"), (C.lit(1),), (("keepdim", C.lit(True)),))
        if keep:
            count = C.Call(C.Attr(count, "unsqueeze"), (C.lit(feat),))
        return C.Bin("/", total, count)

    # ------------------------------------------------------------ outputs
    def output_mask_stmts(self, g, codes: list, logit_codes: list, entry: bool = True) -> list:
        """`losses.set_mask(y, mask)` for the model's outputs that carry a mask (and for the logits
        returned in their place), before its return: the losses read them (the entry model), or
        the caller of a nested model (`losses.get_mask(h)`)."""
        out = []
        saved, self.pending = self.pending, []
        try:
            for o, code, lcode in zip(g.outputs, codes, logit_codes):
                m = output_mask(o.tensor)
                if m is None:
                    continue
                try:
                    mask = self.mask_code([m], self.root_occs)
                except NoMaskCode as exc:
                    n = o.tensor.node
                    self.mask_unsupported(
                        n, f"the output `{o.name}` carries {exc}, which is not passed on yet"
                    )
                for c in (code, lcode) if C.text(lcode) != C.text(code) else (code,):
                    if not isinstance(c, C.Name):
                        self.mask_unsupported(
                            o.tensor.node, f"the output `{o.name}` is converted before its return"
                        )
                    comment = (
                        None
                        if out
                        else "Keras's output mask: "
                        + ("the loss and metrics skip masked steps" if entry else "the caller reads it")
                    )
                    out.append(C.ExprStmt(C.Call(C.Attr(LOSSES, "set_mask"), (c, mask)), comment))
            self.em.uses_losses = self.em.uses_losses or bool(out)
            return self.pending + out
        finally:
            self.pending = saved
