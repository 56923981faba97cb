"""IR -> a PyTorch training module (rendered through templates/torch_module.py.j2).

The walk: every model graph (the entry and each nested model) becomes an nn.Module
class.  Layers become attributes built in `__init__` from inferred sizes; each
call becomes a statement of `forward`.  Tensors carry a layout: image tensors
are channels-first (NCHW, NCL after Conv1D) as torch wants them, others stay as
Keras lays them out; a layout conversion is written only where an entry of
torch_ops.REGISTRY needs the other one, and at the model boundary (rank-4
inputs and outputs are NCHW).  Outputs whose last op is a sigmoid/softmax that
their loss can fuse (as Keras on TensorFlow does) are also returned as logits
when `forward(..., logits=True)`.

Each self-contained `block` call becomes an attribute holding an instance of an
nn.Module class for that block (one class per distinct generated body, shared
by the calls whose code is identical); its forward takes and returns tensors in
the layouts the walk has them in there.  Other block calls are inlined.
"""

from __future__ import annotations

import ast
import keyword
import re
from pathlib import Path

from graphc.compiler import vocab
from graphc.compiler.ir import BlockCall, Call, Graph, Layer, Tensor
from graphc.diagnostics import Diagnostic
from graphc.targets import common
from graphc.targets.errors import EmitError
from graphc.targets.keras_target import _flatten, _function_ok, _subtree_calls
from graphc.targets.pycode import Namespace, identifier, literal, reuse_or_take
from graphc.targets.torch_ops import CF, CL, FUSABLE, REGISTRY, Site, Unsupported, convert, dim_text, penalty

LINE = 88  # every emitted line fits black/ruff's default width (and the repo's 110)
HELPERS_DIR = common.TEMPLATES / "torch_helpers"
HELPER_FILES = ("layers.py", "functional.py", "weights.py", "losses.py", "optimizers.py")
HELPER_DEPS = {
    "avg_pool_same": ("pad_same",),
    "hinge": ("hinge_labels",),
    "squared_hinge": ("hinge_labels",),
    "KerasSGD": ("KerasOptimizer",),
    "KerasRMSprop": ("KerasOptimizer",),
    "KerasAdam": ("KerasOptimizer",),
    "KerasAdagrad": ("KerasOptimizer",),
    "KerasAdamax": ("KerasOptimizer",),
    "KerasNadam": ("KerasOptimizer",),
    "KerasAdadelta": ("KerasOptimizer",),
}
# optimizers whose second moments Keras-on-TF sums per token occurrence for embeddings
SPARSE_SQUARE_OPTIMIZERS = {"rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam"}
OPTIMIZER_CLASSES = {
    "sgd": "KerasSGD",
    "rmsprop": "KerasRMSprop",
    "adam": "KerasAdam",
    "adamw": "KerasAdam",
    "adagrad": "KerasAdagrad",
    "adamax": "KerasAdamax",
    "nadam": "KerasNadam",
    "adadelta": "KerasAdadelta",
}
MODULE_ATTRS = {
    "T_destination",
    "add_module",
    "apply",
    "bfloat16",
    "buffers",
    "call_super_init",
    "children",
    "compile",
    "cpu",
    "cuda",
    "double",
    "dump_patches",
    "eval",
    "extra_repr",
    "float",
    "forward",
    "get_buffer",
    "get_extra_state",
    "get_parameter",
    "get_submodule",
    "half",
    "ipu",
    "load_state_dict",
    "modules",
    "mtia",
    "named_buffers",
    "named_children",
    "named_modules",
    "named_parameters",
    "parameters",
    "register_backward_hook",
    "register_buffer",
    "register_forward_hook",
    "register_forward_pre_hook",
    "register_full_backward_hook",
    "register_full_backward_pre_hook",
    "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook",
    "register_module",
    "register_parameter",
    "register_state_dict_post_hook",
    "register_state_dict_pre_hook",
    "requires_grad_",
    "set_extra_state",
    "set_submodule",
    "share_memory",
    "state_dict",
    "to",
    "to_empty",
    "train",
    "training",
    "type",
    "xpu",
    "zero_grad",
    "reset_parameters",
    "load_keras_weights",
}
# names the module defines or imports at top level, never used for locals
MODULE_NAMES = {
    "argparse",
    "math",
    "time",
    "np",
    "torch",
    "nn",
    "F",
    "LOSSES",
    "LOSS_WEIGHTS",
    "LOGIT_OUTPUTS",
    "FIT_DEFAULTS",
    "INPUT_SPECS",
    "OUTPUT_SPECS",
    "CHANNELS_FIRST",
    "build_model",
    "train",
    "main",
    "compute_loss",
    "make_optimizer",
    "load_keras_weights",
    "count_params",
    "synthetic_data",
    "load_data",
    "to_torch",
    "evaluate",
    "logits",
    "self",
    "l",
    "O",
    "I",
    "_assign",
    "_keras_arrays",
    "_labels",
    "_output_dict",
}


class _Helpers:
    """The helper snippets in templates/torch_helpers, by name, in file order."""

    def __init__(self):
        self.order: list[str] = []
        self.text: dict[str, str] = {}
        for fname in HELPER_FILES:
            src = (HELPERS_DIR / fname).read_text(encoding="utf-8")
            parts = re.split(r"^# %% helper: (\w+)\n", src, flags=re.M)
            for name, body in zip(parts[1::2], parts[2::2]):
                self.order.append(name)
                self.text[name] = body.strip("\n")


_HELPERS: _Helpers | None = None


def _helpers() -> _Helpers:
    global _HELPERS
    if _HELPERS is None:
        _HELPERS = _Helpers()
    return _HELPERS


def safe_text(text: str) -> str:
    """User text (file names, argument values) for comments and docstrings: characters
    that could end a comment or a docstring, or start an escape, become `?`."""
    return re.sub(r"[^A-Za-z0-9 _.,:;=+\-/()\[\]{}<>'@#%&*!?]", "?", text)


def _where(obj) -> str:
    return safe_text(common.where(obj))


def fits(line: str, indent: int) -> bool:
    return indent + len(line) <= LINE


def class_name(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+|_", name) if p]
    s = "".join(p[:1].upper() + p[1:] for p in parts) or "Model"
    return identifier(s if not s[0].isdigit() else "Model" + s)


# ------------------------------------------------------------ line fitting
def _names_in(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _computes(node) -> bool:
    """A sub-expression worth a statement of its own: it calls or indexes something."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Starred)):
        return False
    return any(isinstance(n, (ast.Call, ast.Subscript)) for n in ast.walk(node))


def _candidates(node):
    """Sub-expressions that may be computed first (outermost first)."""
    out = []
    if isinstance(node, ast.Call):
        out += [a for a in node.args if _computes(a)]
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, (ast.Call, ast.Subscript)):
            out.append(node.func.value)
    elif isinstance(node, ast.Subscript):
        if not isinstance(node.value, ast.Name):
            out.append(node.value)
    elif isinstance(node, ast.BinOp):
        out += [x for x in (node.left, node.right) if _computes(x)]
    elif isinstance(node, ast.Attribute):
        if isinstance(node.value, (ast.Call, ast.Subscript)):
            out.append(node.value)
    return out


def split_statement(line: str, indent: int, temp) -> list[str]:
    """`target = expr` too long for one line -> several statements computing parts
    of `expr` first (into the target itself when it is not read again)."""
    if fits(line, indent):
        return [line]
    try:
        tree = ast.parse(line)
    except SyntaxError:  # pragma: no cover
        return [line]
    stmt = tree.body[0] if len(tree.body) == 1 else None
    if (
        not isinstance(stmt, ast.Assign)
        or len(stmt.targets) != 1
        or not isinstance(stmt.targets[0], ast.Name)
    ):
        return _explode(line, indent)
    target = stmt.targets[0].id
    value = stmt.value
    cands = _candidates(value)
    if not cands:
        return _explode(line, indent)
    part = max(cands, key=lambda n: len(ast.get_source_segment(line, n)))
    seg = ast.get_source_segment(line, part)
    start = part.col_offset
    end = part.end_col_offset
    rest = line[:start] + "\0" + line[end:]
    rest_names = _names_in(ast.parse(rest.replace("\0", "_x_")).body[0].value) - {"_x_"}
    name = target if target not in rest_names else temp(target)
    first = f"{name} = {seg}"
    second = rest.replace("\0", name)
    return split_statement(first, indent, temp) + split_statement(second, indent, temp)


def _explode(line: str, indent: int) -> list[str]:
    """A statement too long for one line, in the exploded form black and ruff keep:
    one argument (or list item) per line, each with a trailing comma."""
    try:
        stmt = ast.parse(line).body[0]
    except SyntaxError:  # pragma: no cover
        return [line]
    node = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr, ast.Return)) else None
    if not isinstance(node, (ast.Call, ast.List, ast.Tuple)):
        return [line]
    head = line[: node.col_offset]
    tail = line[node.end_col_offset :]
    body = _explode_node(line, node, indent)
    if body is None:
        return [line]
    return [head + body[0]] + body[1:-1] + [body[-1] + tail]


def _explode_node(src: str, node, indent: int):
    """Lines for `node` exploded at its outer brackets (inner ones too when needed);
    the first line continues the statement, the others are relative to `indent`."""
    if isinstance(node, ast.Call) and (node.args or node.keywords):
        open_, close = src[node.col_offset : node.func.end_col_offset] + "(", ")"
        items = [(None, a) for a in node.args] + [(k.arg, k.value) for k in node.keywords]
    elif isinstance(node, (ast.List, ast.Tuple)) and node.elts and src[node.col_offset] in "[(":
        open_, close = src[node.col_offset], "]" if src[node.col_offset] == "[" else ")"
        items = [(None, e) for e in node.elts]
    else:
        return None
    lines = [open_]
    pad = 4
    for key, value in items:
        text = ast.get_source_segment(src, value)
        prefix = "" if key is None else f"{key}="
        if isinstance(value, ast.Starred) or key is None and text.startswith("**"):
            prefix = ""
        item = f"{prefix}{text},"
        if not fits(" " * pad + item, indent):
            sub = _explode_node(src, value, indent + pad)
            if sub is not None:
                lines.append(" " * pad + prefix + sub[0])
                lines += [" " * pad + x for x in sub[1:-1]]
                lines.append(" " * pad + sub[-1] + ",")
                continue
        lines.append(" " * pad + item)
    lines.append(close)
    return lines


def with_comment(lines: list[str], comment: str, indent: int) -> list[str]:
    """Put `# comment` after the first line, or on its own line above when too long."""
    if not lines:
        return lines
    first = f"{lines[0]}  # {comment}"
    if fits(first, indent) and len(lines) == 1 or fits(first, indent) and not lines[0].endswith("("):
        return [first] + lines[1:]
    return [f"# {comment}"] + lines


# ------------------------------------------------------------ one module class
class _ClassEmitter:
    """One nn.Module class: a model graph, or (`block` set) one block call, whose
    inputs arrive in `in_layouts` and whose `layers` are those of its calls."""

    def __init__(
        self,
        em: "_TorchEmitter",
        graph: Graph,
        name: str | None,
        entry: bool,
        block: BlockCall | None = None,
        in_layouts: list | None = None,
        layers: list | None = None,
    ):
        self.em = em
        self.g = graph
        self.name = name
        self.entry = entry
        self.block = block
        if block is None:
            self.inputs = list(graph.inputs)
            self.input_bases = [common.input_name(t) for t in graph.inputs]
            self.in_layouts = [boundary_layout(t) for t in graph.inputs]
            self.out_tensors = [t for _, t, _ in graph.outputs]
            self.calls = list(graph.calls)
            self.layers = list(graph.layers)
            items = graph.items or graph.calls
        else:
            pairs = [(p, v) for p, v in block.params if isinstance(v, Tensor)]
            self.inputs = [v for _, v in pairs]
            self.input_bases = [p for p, _ in pairs]
            self.in_layouts = list(in_layouts)
            self.out_tensors = list(block.outputs)
            self.calls = _subtree_calls(block)
            self.layers = list(layers)
            items = block.items
        self.items = _flatten(items, em.block_ok)
        self.block_em: dict[int, tuple] = {}  # block call id -> (class name, emitter)
        self.block_attr: dict[int, str] = {}
        self.attrs = Namespace()
        self.attrs.used = set(MODULE_ATTRS) | set(keyword.kwlist)  # attributes may shadow builtins
        self.layer_attr: dict[int, str] = {}
        self.ns = Namespace(MODULE_NAMES | set(em.global_names))
        self.init_lines: list[str] = []
        self.reset_lines: list[str] = []
        self.load_lines: list[str] = []
        self.forward_lines: list[str] = []
        self.reg_terms: list[str] = []
        if entry:
            self.logit_idx = {i for i, (n, _, _) in enumerate(graph.outputs) if n in em.logit_outputs}
        elif block is not None:
            self.logit_idx = set()
        else:
            self.logit_idx = em.graph_logits.get(id(graph), set())

    # -- errors
    def fail(self, layer_or_call, exc: Unsupported):
        span = layer_or_call.span
        diag = Diagnostic(
            layer_or_call.file, span, "error", "unsupported", f"torch target: {exc.message}", exc.hint
        )
        raise EmitError(diag)

    def temp(self, base: str) -> str:
        return self.ns.take(base)

    def use(self, helper: str) -> None:
        self.em.use(helper)

    @property
    def sparse_second_moments(self) -> bool:
        return self.em.sparse_second_moments

    def out_layouts_of(self, site: Site) -> list:
        lays = site.op.out_layouts(site)
        return [CL if t.rank <= 2 else lay for t, lay in zip(site.out_types, lays)]

    # -- building
    def build(self):
        self._plan_layouts()
        owner = {}
        for it in self.items:
            if isinstance(it, BlockCall):
                self.block_em[it.id] = self.em.block_class(it, self)
                for c in _subtree_calls(it):
                    owner.setdefault(c.layer.id, it)
        done = set()
        for layer in self.layers:
            bc = owner.get(layer.id)
            if bc is None:
                self._build_layer(layer)
            elif bc.id not in done:
                done.add(bc.id)
                self._build_block(bc)
        self._forward()

    def _relative(self, layer: Layer) -> str | None:
        """`conv2d_1` for layer `residual_1_conv2d_1` in block call `residual_1`."""
        b = self.block
        if b is not None and not layer.explicit_name and layer.name.startswith(b.instance + "_"):
            return layer.name[len(b.instance) + 1 :]
        return None

    def _keras_name(self, layer: Layer, suffix: str = "") -> str:
        """The expression for the Keras name of `layer` in `load_keras_weights`."""
        rel = self._relative(layer)
        if rel is not None:
            return f"prefix + instance + {literal('_' + rel + suffix)}"
        return f"prefix + {literal(layer.name + suffix)}"

    def _build_block(self, bc: BlockCall):
        cls, ce = self.block_em[bc.id]
        attr = "self." + self.attrs.take(bc.instance)
        self.block_attr[bc.id] = attr
        self.init_lines += with_comment([f"{attr} = {cls}()"], _where(bc), 8)
        self.reset_lines.append(f"{attr}.reset_parameters()")
        if ce.reg_terms:
            self.reg_terms.append(f"{attr}.regularization_loss()")
        load = f"{attr}.load_keras_weights(weights, prefix, {literal(bc.instance)})"
        self.load_lines += _fit_lines([load], 8, self.temp)

    def _op(self, layer):
        op = REGISTRY.get(layer.op.name)
        if op is None:
            self.fail(
                layer,
                Unsupported(
                    f"the layer {layer.op.name} has no PyTorch spelling yet",
                    hint="use the Keras target for this model",
                ),
            )
        return op

    def _make_site(self, layer: Layer, call, attr, layouts: dict) -> Site:
        """A call's site with its input layouts decided: what the inputs are in now
        (`current`) and what the entry wants them in (`layouts`)."""
        site = Site(layer, call, attr, self)
        site.op = self._op(layer)
        site.current = [layouts[t.id] for t in call.inputs]
        site.layouts = list(site.current)
        try:
            wants = site.op.wants(site)
        except Unsupported as exc:
            self.fail(call, exc)
        site.layouts = [
            CL if t.type.rank <= 2 else (w or cur) for t, w, cur in zip(call.inputs, wants, site.current)
        ]
        return site

    def _regularizers(self, layer, site):
        args = site.op.regularizer_args(site) if hasattr(site.op, "regularizer_args") else site.a
        for a in (site.a, args):
            if a.get("activity_regularizer"):
                self.fail(
                    layer,
                    Unsupported(
                        "activity_regularizer is not supported by the torch target",
                        arg="activity_regularizer",
                    ),
                )
        try:
            for arg, tensors in site.op.regularizer_targets(site).items():
                name = args.get(arg)
                if not name:
                    continue
                for t in tensors:
                    pen = penalty(t, name)
                    if pen is not None:
                        self.reg_terms.append(pen)
        except Unsupported as exc:
            self.fail(layer, exc)

    def _plan_layouts(self):
        """Walk the calls once to decide every tensor's layout (no code yet)."""
        layouts = {t.id: lay for t, lay in zip(self.inputs, self.in_layouts)}
        self.plan = layouts
        self.first_layouts: dict[int, list] = {}
        for call in self.calls:
            layer = call.layer
            if layer.graph is not None:
                for t, (_, st, _) in zip(call.outputs, layer.graph.outputs):
                    layouts[t.id] = boundary_layout(st)
                continue
            site = self._make_site(layer, call, None, layouts)
            self.first_layouts.setdefault(layer.id, list(site.layouts))
            try:
                out_lays = self.out_layouts_of(site)
            except Unsupported as exc:
                self.fail(call, exc)
            for t, lay in zip(call.outputs, out_lays):
                layouts[t.id] = lay

    def _build_layer(self, layer: Layer):
        where = _where(layer.calls[0]) if layer.calls else _where(layer)
        trainable = getattr(layer, "full_args", {}).get("trainable", True)
        if layer.graph is not None:
            attr = "self." + self.attrs.take(self._relative(layer) or layer.name)
            self.layer_attr[layer.id] = attr
            cls = self.em.class_of[id(layer.graph)]
            self.init_lines += with_comment([f"{attr} = {cls}()"], where, 8)
            self.reset_lines.append(f"{attr}.reset_parameters()")
            if self.em.has_reg.get(id(layer.graph)):
                self.reg_terms.append(f"{attr}.regularization_loss()")
            load = f"{attr}.load_keras_weights(weights, {self._keras_name(layer, '/')})"
            self.load_lines += _fit_lines([load], 8, self.temp)
            return
        if not layer.calls:
            return
        call = layer.calls[0]
        site = Site(layer, call, None, self)
        site.op = self._op(layer)
        site.layouts = list(self.first_layouts[layer.id])
        site.current = list(site.layouts)
        try:
            site.op.check(site)
            ctor = site.op.module(site)
        except Unsupported as exc:
            self.fail(layer, exc)
        if ctor is None:
            return
        attr = "self." + self.attrs.take(self._relative(layer) or layer.name)
        self.layer_attr[layer.id] = attr
        site.attr = attr
        try:
            self.init_lines += with_comment(_fit_lines([f"{attr} = {ctor}"], 8, self.temp), where, 8)
            self.init_lines += _fit_lines(site.op.setup(site), 8, self.temp)
            if not trainable:
                self.init_lines.append(f"{attr}.requires_grad_(False)  # trainable=False in Keras")
            self.reset_lines += _fit_lines(site.op.init(site), 8, self.temp)
            load = _fit_lines(site.op.load(site), 8, self.temp)
        except Unsupported as exc:
            self.fail(layer, exc)
        self._regularizers(layer, site)
        if load:
            n = len(layer.weights)
            line = f"w = _keras_arrays(weights, {self._keras_name(layer)}, {n})"
            self.load_lines += _fit_lines([line], 8, self.temp)
            self.load_lines += load

    # -- forward
    def _inline_plan(self, uses) -> set:
        """Calls written inside their consumer's expression (`torch.cat([self.lstm(left)...`):
        common.inline_plan, minus consumers that read an input twice, and minus
        calls whose deferral would cross a statement."""
        items = self.items
        out_ids = {t.id for t in self.out_tensors}
        plan = common.inline_plan(items, uses, out_ids, lambda layer: layer.graph is None or not layer.shared)
        consumer = {}
        for it in items:
            for t in common.item_inputs(it):
                consumer.setdefault(t.id, it)
        calls = [it for it in items if isinstance(it, Call)]
        for call in calls:
            if call.id not in plan:
                continue
            if call.layer.graph is not None or call.id in self.em.split_calls:
                plan.discard(call.id)
                continue
            cons = consumer.get(call.outputs[0].id)
            if cons is None or (isinstance(cons, Call) and cons.layer.graph is None and not _inline_ok(cons)):
                plan.discard(call.id)
        changed = True
        pos = {c.id: i for i, c in enumerate(items)}
        while changed:
            changed = False
            for call in calls:
                if call.id not in plan:
                    continue
                cons = consumer[call.outputs[0].id]
                between = items[pos[call.id] + 1 : pos[cons.id]]
                if any(c.id not in plan for c in between):
                    plan.discard(call.id)
                    changed = True
        return plan

    def _run_call(self, site, call, outs, names, exprs, pre):
        """An entry's forward code for `call`, its inputs converted to the wanted layouts
        (inputs written twice by the entry are bound to names first, in `pre`)."""
        pre.clear()
        xs = [
            convert(exprs.get(t.id, names.get(t.id)), t.type.rank, cur, lay)
            for t, cur, lay in zip(call.inputs, site.current, site.layouts)
        ]
        if not site.op.reads_inputs_once(call):
            for i, (t, x) in enumerate(zip(call.inputs, xs)):
                if not _is_name(x):
                    tmp = self.ns.take(f"{t.var or 'x'}_{site.layouts[i]}")
                    pre.append(f"{tmp} = {x}")
                    exprs.pop(t.id, None)
                    xs[i] = tmp
        try:
            return site.op.forward(site, xs, outs), self.out_layouts_of(site)
        except Unsupported as exc:
            self.fail(call, exc)

    def _forward(self):
        uses: dict[int, int] = {}
        last: dict[int, int] = {}
        for i, it in enumerate(self.items):
            for t in common.item_inputs(it):
                uses[t.id] = uses.get(t.id, 0) + 1
                last[t.id] = i
        for t in self.out_tensors:
            uses[t.id] = uses.get(t.id, 0) + 1
            last[t.id] = len(self.items)
        self.layouts: dict[int, str] = {}
        names: dict[int, str] = {}
        holder: dict[str, int] = {}
        logits_name: dict[int, str] = {}
        exprs: dict[int, str] = {}  # inlined results, by tensor id
        inline_src: dict[int, tuple] = {}  # their calls
        inline = self._inline_plan(uses)

        def name_tensor(t, base, at):
            name = names[t.id] = reuse_or_take(self.ns, base, t.id, at, last, holder)
            return name

        def value(t):
            return exprs.pop(t.id) if t.id in exprs else names[t.id]

        params = []
        for t, base, lay in zip(self.inputs, self.input_bases, self.in_layouts):
            params.append(name_tensor(t, base, -1))
            self.layouts[t.id] = lay
        self.params = params
        out_ids = {t.id for t in self.out_tensors}
        lines = self.forward_lines

        def out_names(call, idx, base):
            outs = []
            for t in call.outputs:
                used = uses.get(t.id, 0) > 0 or t.id in out_ids
                outs.append(name_tensor(t, t.var or base, idx) if used or len(call.outputs) == 1 else "_")
            return outs

        for idx, call in enumerate(self.items):
            where = _where(call)
            if isinstance(call, BlockCall):
                _, ce = self.block_em[call.id]
                xs = [value(t) for t in ce.inputs]
                outs = out_names(call, idx, call.instance)
                for t in call.outputs:
                    self.layouts[t.id] = ce.layouts[t.id]
                stmt = f"{self.block_attr[call.id]}({', '.join(xs)})"
                if outs:
                    stmt = f"{', '.join(outs)} = {stmt}"
                lines += with_comment(_fit_lines([stmt], 8, self.temp), where, 8)
                continue
            layer = call.layer
            if layer.graph is not None:
                sub = layer.graph
                xs = [
                    convert(value(t), t.type.rank, self.layouts[t.id], boundary_layout(gi))
                    for t, gi in zip(call.inputs, sub.inputs)
                ]
                outs = out_names(call, idx, layer.name)
                for t, (_, st, _) in zip(call.outputs, sub.outputs):
                    self.layouts[t.id] = boundary_layout(st)
                split = self.em.nested_logits.get(call.id, set())
                lhs = list(outs)
                after = []
                for i in sorted(split):
                    t = call.outputs[i]
                    lg = lhs[i] = self.ns.take(f"{outs[i]}_logits")
                    logits_name[t.id] = lg
                    act, axis = self.em.nested_act[(id(sub), i)]
                    if act == "sigmoid":
                        after.append(f"{outs[i]} = torch.sigmoid({lg})")
                    else:
                        dim = dim_text(axis, t.type.rank, self.layouts[t.id])
                        after.append(f"{outs[i]} = F.softmax({lg}, dim={dim})")
                if split:
                    xs.append("logits=True")
                stmt = f"{', '.join(lhs)} = {self.layer_attr[layer.id]}({', '.join(xs)})"
                lines += with_comment(_fit_lines([stmt] + after, 8, self.temp), where, 8)
                continue
            site = self._make_site(layer, call, self.layer_attr.get(layer.id), self.layouts)
            inlined = call.id in inline
            outs = ["_inline_"] if inlined else out_names(call, idx, layer.name)
            site.used = [o != "_" for o in outs]
            site.split = call.id in self.em.split_calls

            pre: list[str] = []

            def run(site=site, call=call, outs=outs, pre=pre):
                return self._run_call(site, call, outs, names, exprs, pre)

            code, out_lays = run()
            first = f"{outs[0]} = {code}" if isinstance(code, str) else code[0]
            pending = [t for t in call.inputs if t.id in exprs]
            if pending and not inlined and not fits(first, 8):
                # too long with its inputs written inside: name them first
                for t in pending:
                    pcall, pidx = inline_src[t.id]
                    n = name_tensor(t, t.var or pcall.layer.name, pidx)
                    stmt = f"{n} = {exprs.pop(t.id)}"
                    lines.extend(with_comment(_fit_lines([stmt], 8, self.temp), _where(pcall), 8))
                code, out_lays = run()
            for t in call.inputs:
                exprs.pop(t.id, None)
            for t, lay in zip(call.outputs, out_lays):
                self.layouts[t.id] = lay
            if inlined:
                if isinstance(code, str):
                    exprs[call.outputs[0].id] = code
                    inline_src[call.outputs[0].id] = (call, idx)
                    continue
                # several statements after all: name the result
                outs = out_names(call, idx, layer.name)
                code, _ = run(outs=outs)
            if isinstance(code, str):
                stmts = [] if code == outs[0] else [f"{outs[0]} = {code}"]  # no `x = x`
            else:
                stmts = list(code)
            if pre:
                lines.extend(_fit_lines(pre, 8, self.temp))
            if site.split and site.final_activation is not None:
                act, dim = site.final_activation
                y = outs[0]
                if isinstance(code, str) and _is_name(code):
                    lg = code
                    stmts = []
                else:
                    lg = self.ns.take(f"{y}_logits")
                    stmts = [f"{lg} = {code}"] if isinstance(code, str) else stmts + [f"{lg} = {y}"]
                if act == "sigmoid":
                    stmts.append(f"{y} = torch.sigmoid({lg})")
                else:
                    stmts.append(f"{y} = F.softmax({lg}, dim={dim})")
                logits_name[call.outputs[0].id] = lg
            if layer.op.name == "Identity" and call.inputs[0].id in logits_name:
                logits_name[call.outputs[0].id] = logits_name[call.inputs[0].id]
            lines += with_comment(_fit_lines(stmts, 8, self.temp), where, 8)
        # return, in the boundary layout
        outs, louts = [], []
        for t in self.out_tensors:
            want = boundary_layout(t) if self.block is None else self.layouts[t.id]
            n = names[t.id]
            if self.layouts[t.id] != want:
                lines += _fit_lines(
                    [f"{n} = {convert(n, t.type.rank, self.layouts[t.id], want)}"], 8, self.temp
                )
            outs.append(n)
            lg = logits_name.get(t.id)
            if lg is not None and len(louts) in self.logit_idx:
                if self.layouts[t.id] != want:
                    lines.append(f"{lg} = {convert(lg, t.type.rank, self.layouts[t.id], want)}")
                louts.append(lg)
            else:
                louts.append(n)
        if self.logit_idx:
            lines += ["if logits:"] + ["    " + x for x in _return(louts, 12)]
        lines += _return(outs, 8)

    def context(self) -> dict:
        g = self.g
        with_logits = self.entry or bool(self.logit_idx)
        args = ", ".join(["self"] + self.params + (["logits=False"] if with_logits else []))
        sig = f"def forward({args}):"
        if not fits(sig, 4):
            sig = (
                ["def forward(", "    self,"]
                + [f"    {p}," for p in self.params]
                + (["    logits=False,"] if with_logits else [])
                + ["):"]
            )
        else:
            sig = [sig]
        if self.block is not None:
            desc = f"Block `{safe_text(self.block.name)}` ({safe_text(common.where_def(self.block))})"
        else:
            desc = f"The `{g.name}` model ({_where(g)})"
        if self.block is None and g.args:
            desc += ", built with " + safe_text(
                ", ".join(f"{k}={literal(v)}" for k, v in sorted(g.args.items()))
            )
        reg = []
        if self.reg_terms:
            reg = _fit_lines(
                [f"loss = {self.reg_terms[0]}"] + [f"loss = loss + {t}" for t in self.reg_terms[1:]],
                8,
                self.temp,
            ) + ["return loss"]
        return {
            "name": self.name,
            "doc": desc + ".",
            "reg": reg,
            "init": self.init_lines,
            "reset": self.reset_lines,
            "load": self.load_lines,
            "forward_sig": sig,
            "forward": self.forward_lines,
            "entry": self.entry,
            "block": self.block is not None,
            "inputs": self.params,
        }


def _return(names: list[str], indent: int) -> list[str]:
    line = "return " + ", ".join(names)
    if fits(line, indent):
        return [line]
    return ["return ("] + [f"    {n}," for n in names] + [")"]


def _inline_ok(call) -> bool:
    """Whether the consumer's forward reads each input once (so an inlined input is computed once)."""
    op = REGISTRY.get(call.layer.op.name)
    return op is not None and op.reads_inputs_once(call)


def _is_name(expr: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", expr))


def _fit_lines(lines: list[str], indent: int, temp) -> list[str]:
    """Every line within the width: trailing comments move above their statement,
    long statements are split (black/ruff leave the result as it is)."""
    out = []
    for line in (part for text in lines for part in text.split("\n")):
        comment = None
        if "  # " in line and not fits(line, indent):
            code, comment = line.rsplit("  # ", 1)
            if "'" in comment or '"' in comment:
                code, comment = line, None
            else:
                line = code
        if comment is not None:
            out.append(f"# {comment}")
        out += split_statement(line, indent, temp)
    return out


def boundary_layout(t) -> str:
    """Model inputs and outputs: rank-4 (batch + 3) tensors are NCHW, others as in Keras."""
    rank = t.type.rank if hasattr(t, "type") else t
    return CF if rank == 4 else CL


# ------------------------------------------------------------ the program
class _TorchEmitter:
    def __init__(self, program, graph: Graph, source_name: str):
        self.program = program
        self.g = graph
        self.source = source_name
        self.used_helpers: set = set()
        self.class_of: dict[int, str] = {}
        comp = graph.compile or {}
        opt = comp.get("optimizer")
        self.optimizer = opt.name if opt is not None else "rmsprop"
        self.sparse_second_moments = self.optimizer in SPARSE_SQUARE_OPTIMIZERS
        self.losses = {e.output: e for e in comp.get("losses", [])}
        self.logit_chain: set = set()  # Identity calls between a logit and its output
        self.split_calls, self.logit_outputs = self._fusable()
        self.logit_calls = self.split_calls | set(self.nested_logits) | self.logit_chain
        self.global_names: set = set()
        self.has_reg: dict[int, bool] = {}
        self.cls_ns = Namespace()
        self.block_classes: list[dict] = []  # contexts, in definition order
        self.block_keys: dict[tuple, str] = {}  # (block name, body) -> class name

    def block_ok(self, bc: BlockCall) -> bool:
        """Whether a block call becomes a module of its own: as for a Keras function,
        and none of its calls takes part in returning logits."""
        if not _function_ok(bc):
            return False
        calls = _subtree_calls(bc)
        if any(c.id in self.logit_calls for c in calls):
            return False
        made = {t.id for c in calls for t in c.outputs}
        made |= {v.id for _, v in bc.params if isinstance(v, Tensor)}
        return all(t.id in made for t in bc.outputs)

    def block_class(self, bc: BlockCall, parent: "_ClassEmitter") -> tuple:
        """(class name, emitter) for a block call of `parent`: one class per
        distinct generated body."""
        inputs = [v for _, v in bc.params if isinstance(v, Tensor)]
        ids = {c.layer.id for c in _subtree_calls(bc)}
        layers = [layer for layer in parent.layers if layer.id in ids]
        in_layouts = [parent.plan[t.id] for t in inputs]
        ce = _ClassEmitter(self, parent.g, None, False, bc, in_layouts, layers)
        ce.build()
        ctx = ce.context()
        body = tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(ctx.items()) if k != "name"
        )
        outs = tuple(ce.layouts[t.id] for t in bc.outputs)
        key = (bc.name, tuple(in_layouts), outs, body)
        name = self.block_keys.get(key)
        if name is None:
            base = class_name(bc.name)
            name, i = base, 1
            while name in self.cls_ns.used:
                i += 1
                name = f"{base}{i}"
            self.cls_ns.used.add(name)
            self.global_names.add(name)
            self.block_keys[key] = name
            ctx["name"] = name
            self.block_classes.append(ctx)
        return name, ce

    def use(self, helper: str) -> None:
        if helper in self.used_helpers:
            return
        self.used_helpers.add(helper)
        for dep in HELPER_DEPS.get(helper, ()):
            self.use(dep)

    def _fusable(self):
        """Calls whose final sigmoid/softmax is split off, and the outputs that return logits.

        Keras on TensorFlow keeps the logits of every sigmoid/softmax result
        (`_keras_logits`, or the op's input) and each crossentropy loss uses them
        (even binary_crossentropy after a softmax, even with from_logits=True).
        Through Identity layers and nested models too: a nested model then returns
        logits for that output when called with logits=True.
        """
        self.nested_logits: dict[int, set] = {}  # nested call id -> output indices
        self.graph_logits: dict[int, set] = {}  # id(sub-graph) -> output indices
        self.nested_act: dict[tuple, tuple] = {}  # (id(sub-graph), index) -> (activation, Keras axis)
        calls: set = set()

        def mark(t):
            src = t
            while (
                src.call is not None
                and src.call.layer.op is not None
                and src.call.layer.op.name == "Identity"
            ):
                self.logit_chain.add(src.call.id)
                src = src.call.inputs[0]
            if src.call is None:
                return None
            layer = src.call.layer
            if layer.graph is not None:
                sub = layer.graph
                act = mark(sub.outputs[src.index][1])
                if act is not None:
                    self.graph_logits.setdefault(id(sub), set()).add(src.index)
                    self.nested_logits.setdefault(src.call.id, set()).add(src.index)
                    self.nested_act[(id(sub), src.index)] = act
                return act
            act = _final_activation(src)
            if act not in FUSABLE:
                return None
            calls.add(src.call.id)
            a = layer.full_args
            axis = a.get("axis", -1) if layer.op.name == "Softmax" else -1
            return act, axis[0] if isinstance(axis, (tuple, list)) else axis

        outs = []
        for name, t, _ in self.g.outputs:
            e = self.losses.get(name)
            if e is not None and e.loss in vocab.PROBABILISTIC and mark(t) is not None:
                outs.append(name)
        return calls, outs

    def emit(self) -> str:
        helpers = _helpers()
        self.global_names = set(helpers.order)
        subs = common.subgraphs_postorder(self.g)
        cls_ns = self.cls_ns = Namespace(MODULE_NAMES | set(helpers.order))
        for sub in subs:
            self.class_of[id(sub)] = cls_ns.take(class_name(sub.name))
        entry_cls = cls_ns.take(class_name(self.g.name))
        self.global_names |= set(self.class_of.values()) | {entry_cls}
        classes = []
        for sub in subs + [self.g]:
            name = entry_cls if sub is self.g else self.class_of[id(sub)]
            ce = _ClassEmitter(self, sub, name, sub is self.g)
            ce.build()
            self.has_reg[id(sub)] = bool(ce.reg_terms)
            classes += self.block_classes
            self.block_classes = []
            classes.append(ce.context())
        ctx = common.training_context(self.g)
        opt_cls, opt_args, opt_doc = self._optimizer()
        self.use(opt_cls)
        loss_blocks = self._loss_blocks()
        helper_text = [helpers.text[n] for n in helpers.order if n in self.used_helpers]
        ctx.update(
            source=safe_text(self.source),
            model_name=self.g.name,
            entry_class=entry_cls,
            classes=classes,
            helpers=helper_text,
            logit_outputs=self.logit_outputs,
            channels_first=[n for n, t in zip(ctx["input_names"], self.g.inputs) if boundary_layout(t) == CF]
            + [n for n, t, _ in self.g.outputs if boundary_layout(t) == CF],
            optimizer_class=opt_cls,
            optimizer_args=opt_args,
            optimizer_doc=safe_text(opt_doc),
            loss_blocks=loss_blocks,
            sparse_moments=self.sparse_second_moments and "KerasEmbedding" in self.used_helpers,
            has_reg=self.has_reg[id(self.g)],
            losses_items=[(e.output, literal(e.loss)) for e in self.losses.values()],
            lit=literal,
        )
        text = common.render("torch_module.py.j2", ctx)
        return _fix_imports(text)

    def _optimizer(self):
        comp = self.g.compile or {}
        opt = comp.get("optimizer")
        name = opt.name if opt is not None else "rmsprop"
        cls = OPTIMIZER_CLASSES.get(name)
        if cls is None:  # pragma: no cover - vocab and this table list the same optimizers
            raise EmitError(
                Diagnostic(
                    self.g.file,
                    self.g.span,
                    "error",
                    "unsupported",
                    f"torch target: no Keras-exact PyTorch optimizer for {name!r}",
                )
            )
        keras_cls, defaults = vocab.OPTIMIZERS[name]
        config = dict(defaults)
        config.update({k: v for k, v in (opt.config if opt else {}).items() if k != "name"})
        args = []
        for k, v in config.items():
            if v is None:
                continue
            key = "lr" if k == "learning_rate" else k
            args.append(f"{key}={literal(v)}")
        doc = (
            f"keras.optimizers.{keras_cls}("
            + ", ".join(f"{k}={literal(v)}" for k, v in (opt.config if opt else {}).items() if k != "name")
            + ")"
        )
        return cls, args, doc

    def _loss_blocks(self) -> list:
        blocks = []
        for name, t, _ in self.g.outputs:
            e = self.losses.get(name)
            if e is None:
                continue
            dim = 1 if boundary_layout(t) == CF else -1
            logits = name in self.logit_outputs or bool(e.config.get("from_logits"))
            blocks.append({"name": name, "lines": self._loss_lines(e, dim, logits, t.type.rank)})
        return blocks

    def _loss_lines(self, e, dim: int, logits: bool, rank: int) -> list[str]:
        loss = e.loss
        n = literal(e.output)
        sparse = loss == "sparse_categorical_crossentropy"
        cls_dim = (1 if dim == 1 else rank - 1) if sparse else None
        lines = [
            f"pred = outputs[{n}]",
            f"true = _labels(targets[{n}], pred{', ' + str(cls_dim) if sparse else ''})",
        ]
        ls = float(e.config.get("label_smoothing", 0.0) or 0.0)
        move = dim == -1 and rank > 2
        if loss == "binary_crossentropy":
            if ls:
                lines.append(f"true = true * {literal(1.0 - ls)} + {literal(0.5 * ls)}")
            expr = (
                "F.binary_cross_entropy_with_logits(pred, true)"
                if logits
                else self._helper("binary_crossentropy_probs", "pred, true")
            )
        elif loss == "categorical_crossentropy":
            if logits:
                smooth = f", label_smoothing={literal(ls)}" if ls else ""
                expr = (
                    (
                        "F.cross_entropy(pred.movedim(-1, 1), true.movedim(-1, 1)"
                        if move
                        else "F.cross_entropy(pred, true"
                    )
                    + smooth
                    + ")"
                )
            else:
                if ls:
                    lines.append(f"true = true * {literal(1.0 - ls)} + {literal(ls)} / true.shape[{dim}]")
                expr = self._helper("categorical_crossentropy_probs", f"pred, true, {dim}")
        elif sparse:
            expr = (
                ("F.cross_entropy(pred.movedim(-1, 1), true)" if move else "F.cross_entropy(pred, true)")
                if logits
                else self._helper("sparse_categorical_crossentropy_probs", f"pred, true, {dim}")
            )
        elif loss == "mean_squared_error":
            expr = "F.mse_loss(pred, true)"
        elif loss == "mean_absolute_error":
            expr = "F.l1_loss(pred, true)"
        elif loss == "huber":
            delta = float(e.config.get("delta", 1.0))
            expr = (
                "F.huber_loss(pred, true)"
                if delta == 1.0
                else f"F.huber_loss(pred, true, delta={literal(delta)})"
            )
        elif loss in ("kl_divergence", "cosine_similarity"):
            expr = self._helper(loss, f"pred, true, {dim}")
        else:
            expr = self._helper(loss, "pred, true")
        lines.append(f"losses[{n}] = {expr}")
        return lines

    def _helper(self, name: str, args: str) -> str:
        if name not in _helpers().text:
            raise EmitError(
                Diagnostic(
                    self.g.file,
                    self.g.span,
                    "error",
                    "unsupported",
                    f"torch target: the loss {name!r} has no PyTorch spelling yet",
                )
            )
        self.use(name)
        return f"{name}({args})"


def _final_activation(t) -> str | None:
    """The activation that produced `t` when it is the call's last op ("softmax" only
    over the last axis)."""
    call = t.call
    layer = call.layer
    name = layer.op.name
    a = layer.full_args
    if name == "Softmax":
        axis = a.get("axis", -1)
        return "softmax" if not isinstance(axis, (tuple, list)) or len(axis) == 1 else None
    if name == "Activation":
        return a.get("activation")
    if "activation" in a and name in REGISTRY and name not in ("LSTM", "GRU", "SimpleRNN", "Bidirectional"):
        return a.get("activation")
    return None


_IMPORT_USES = {
    "math": r"\bmath\.",
    "time": r"\btime\.",
}


def _fix_imports(text: str) -> str:
    """Drop the optional standard-library imports the module does not use."""
    for mod, pattern in _IMPORT_USES.items():
        body = text.replace(f"import {mod}\n", "", 1)
        if not re.search(pattern, body):
            text = body
    return text


def emit_torch(program, graph: Graph, source_name: str) -> str:
    """The PyTorch module for `graph` (the entry model of `program`), as text."""
    return _TorchEmitter(program, graph, source_name).emit()


def default_output_path(src: str) -> str:
    return str(Path(src).with_suffix("")) + "_torch.py"
