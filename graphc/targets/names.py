"""One namespace per scope of generated code, knowing the names it must not take.

Every identifier a target generates (functions, classes, parameters, local
variables, attributes) is taken from a `Namespace`, seeded with what the
scope must not shadow: Python keywords and builtins, the framework names the
module imports, and the module-level names its template defines (LOSSES,
build_model, ...).  A GDL block called `LOSSES` or `np` therefore becomes
`LOSSES_`/`np_` (cf. torch.fx's _Namespace).
"""

from __future__ import annotations

import builtins
import keyword

from graphc.targets.escape import identifier

PYTHON = frozenset(set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)))

# names every generated module defines or imports at top level (both targets)
MODULE_NAMES = frozenset(
    {
        "argparse",
        "math",
        "sys",
        "time",
        "np",
        "keras",
        "layers",
        "ops",
        "torch",
        "nn",
        "F",
        "rt",
        "graphc_runtime",
        "RUNTIME_API",
        "LOSSES",
        "LOSS_WEIGHTS",
        "METRICS",
        "LOGIT_OUTPUTS",
        "FIT_DEFAULTS",
        "INPUT_SPECS",
        "OUTPUT_SPECS",
        "CHANNELS_FIRST",
        "build_model",
        "compile_model",
        "make_optimizer",
        "make_callbacks",
        "compute_loss",
        "load_keras_weights",
        "count_params",
        "synthetic_data",
        "load_data",
        "to_torch",
        "evaluate",
        "train",
        "main",
    }
)

# attributes of nn.Module that a submodule attribute must not replace
MODULE_ATTRS = frozenset(
    {
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
        "regularization_loss",
        "apply_constraints",
    }
)


class Namespace:
    """Unique, legal, non-shadowing Python names.

    A child namespace (a function's or a class's locals) never takes a name its
    ancestors hold, and an ancestor never takes a name a descendant holds, also
    when the name is taken after the child was made (a module-level class named
    after a function's locals were chosen)."""

    def __init__(self, reserved=(), parent: "Namespace | None" = None, python: bool = True):
        self.used = (set(PYTHON) if python else set()) | set(reserved)
        self.parent = parent
        self.children: list = []
        if parent is not None:
            parent.children.append(self)

    def _held(self, name: str) -> bool:
        ns = self
        while ns is not None:
            if name in ns.used:
                return True
            ns = ns.parent
        return self._below(name)

    def _below(self, name: str) -> bool:
        return any(name in c.used or c._below(name) for c in self.children)

    def take(self, base: str) -> str:
        base = identifier(base)
        if not self._held(base):
            self.used.add(base)
            return base
        i = 1
        while self._held(f"{base}_{i}"):
            i += 1
        name = f"{base}_{i}"
        self.used.add(name)
        return name

    def reserve(self, name: str) -> None:
        self.used.add(name)

    def __contains__(self, name: str) -> bool:
        return self._held(name)

    def child(self, reserved=()) -> "Namespace":
        return Namespace(reserved, parent=self, python=False)


def module_namespace(extra=()) -> Namespace:
    """The top-level namespace of a generated module."""
    return Namespace(MODULE_NAMES | set(extra))
