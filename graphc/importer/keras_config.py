"""Reading a Keras model's configuration without Keras.

A `.keras` file is a zip archive holding `config.json` (what
`keras.saving.serialize_keras_object(model)` wrote), `metadata.json` and the
weights; a bare JSON file holds the same dict (`model.to_json()`) or only its
`config` part (`model.get_config()`).  Only the standard library reads them
(zipfile, json): graphc never imports Keras.

The format (keras/src/models/functional.py, keras/src/saving/serialization_lib.py):

- a Functional model: `{"class_name": "Functional", "config": {"name", "trainable",
  "layers": [...], "input_layers": ..., "output_layers": ...}, "compile_config": ...}`;
  each layer is `{"class_name", "module", "registered_name", "config", "name",
  "inbound_nodes": [...]}`; each inbound node (one call of the layer) is
  `{"args": [...], "kwargs": {...}}` whose tensors are
  `{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, index]}}`
  (Keras 2 wrote a node as a list `[[layer, node, index, kwargs], ...]`);
  `input_layers`/`output_layers` are `[layer, node, index]` leaves in a list, a
  dict or alone.  A node index counts the calls of that layer saved in this
  config, except in `input_layers`/`output_layers`, where a nested Functional
  model's own built-in node counts as node 0.
- a Sequential model: `{"class_name": "Sequential", "config": {"name", "layers":
  [...], "build_input_shape"}}`: a chain, the first layer optionally an InputLayer.

Everything that comes out of the file is untrusted: sizes and nesting are
limited, and every malformed part is a `ConfigError` (one line), never a
traceback.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_CONFIG_BYTES = 64 * 1024 * 1024  # config.json, uncompressed
MAX_JSON_DEPTH = 200  # nesting of lists/dicts in the configuration
MAX_MODEL_DEPTH = 32  # models nested in models
MAX_LAYERS = 10_000  # layers in all models together (graphc's own limit per compilation)
MAX_NAME = 1_000  # characters in a layer, model or input name


class ConfigError(Exception):
    """The file is not a Keras model configuration graphc can read (one line)."""


# ------------------------------------------------------------------ reading
def read_json_file(path: str) -> dict:
    """The model configuration dict in a .keras archive or a JSON file."""
    p = Path(path)
    try:
        if zipfile.is_zipfile(p):
            return _read_zip(p)
        size = p.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: {size:,} bytes is more than the {MAX_CONFIG_BYTES:,} graphc reads")
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return loads(data, path)


def _read_zip(p: Path) -> dict:
    try:
        with zipfile.ZipFile(p) as zf:
            try:
                info = zf.getinfo("config.json")
            except KeyError:
                raise ConfigError(
                    f"{p}: no config.json in the archive (is it a Keras 3 .keras file?)"
                ) from None
            if info.file_size > MAX_CONFIG_BYTES:
                raise ConfigError(
                    f"{p}: config.json is {info.file_size:,} bytes, more than the {MAX_CONFIG_BYTES:,} "
                    "graphc reads"
                )
            with zf.open(info) as f:
                data = f.read(MAX_CONFIG_BYTES + 1)
            if len(data) > MAX_CONFIG_BYTES:
                raise ConfigError(f"{p}: config.json is larger than {MAX_CONFIG_BYTES:,} bytes")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise ConfigError(f"{p}: not a readable .keras archive: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read: {exc.strerror or exc}") from None
    return loads(data, f"{p}:config.json")


def _no_constant(name):
    # JSON has no NaN/Infinity; Python's json accepts them: keep them out
    raise ConfigError(f"the configuration contains {name}, which is not JSON")


def loads(data: bytes | str, where: str = "<config>") -> dict:
    """Parse JSON text with graphc's limits."""
    if isinstance(data, bytes):
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{where}: larger than {MAX_CONFIG_BYTES:,} bytes")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply (more than {MAX_JSON_DEPTH} levels)") from None
    except ValueError as exc:  # json.JSONDecodeError
        raise ConfigError(f"{where}: not valid JSON: {exc}") from None
    check_depth(value, where)
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a JSON object (a Keras model configuration)")
    return value


def check_depth(value, where: str = "<config>") -> None:
    """Iteratively: nesting of at most MAX_JSON_DEPTH, strings that are valid Unicode
    (and Keras's `shared_object_id` markers dropped)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > MAX_JSON_DEPTH:
            raise ConfigError(f"{where}: nested too deeply (more than {MAX_JSON_DEPTH} levels)")
        if isinstance(v, dict):
            if "class_name" in v:
                # Keras's marker of one object saved at several places (it builds it once):
                # not part of what the object is
                v.pop("shared_object_id", None)
            for k, x in v.items():
                _check_text(k, where)
                stack.append((x, d + 1))
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
        elif isinstance(v, str):
            _check_text(v, where)
        elif isinstance(v, float) and not math.isfinite(v):
            raise ConfigError(f"{where}: contains a non-finite number")


def _check_text(s: str, where: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(
            f"{where}: contains a string that is not valid Unicode (a lone surrogate)"
        ) from None


# ------------------------------------------------------------------ the model
@dataclass(frozen=True)
class Ref:
    """A tensor: result `index` of call `node` of layer `layer`."""

    layer: str
    node: int
    index: int


@dataclass(eq=False)
class KCall:
    """One call of a layer (a Keras node): its positional and keyword arguments,
    tensors as Refs, other values as the JSON gave them."""

    layer: "KLayer"
    index: int
    args: list
    kwargs: dict


@dataclass(eq=False)
class KLayer:
    name: str
    class_name: str
    module: str | None
    registered_name: str | None
    config: dict
    calls: list = field(default_factory=list)
    model: "KModel | None" = None  # a nested Functional or Sequential model


@dataclass(eq=False)
class KInput:
    name: str
    config: dict  # the InputLayer's config (batch_shape, dtype, sparse, ragged, optional)


@dataclass(eq=False)
class KModel:
    name: str
    kind: str  # "functional" | "sequential"
    inputs: list  # [KInput] in the model's input order
    input_struct: str  # "single" | "list" | "dict"
    input_keys: list  # dict keys when input_struct == "dict"
    layers: list  # [KLayer] (InputLayers excluded), in the configuration's order
    outputs: list  # [(dict key or None, Ref)], in the model's output order
    output_struct: str  # "single" | "list" | "dict"
    config: dict
    compile_config: dict | None = None

    def layer(self, name: str) -> KLayer | None:
        return self._by_name.get(name)

    @property
    def _by_name(self) -> dict:
        d = self.__dict__.get("_names")
        if d is None:
            d = {la.name: la for la in self.layers}
            self.__dict__["_names"] = d
        return d


def _name(v, what: str) -> str:
    if not isinstance(v, str) or not v:
        raise ConfigError(f"{what} has no name (expected a non-empty string, got {_short(v)})")
    if len(v) > MAX_NAME:
        raise ConfigError(f"{what} has a name of {len(v):,} characters (at most {MAX_NAME:,})")
    return v


def _short(v) -> str:
    text = json.dumps(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _obj(v, what: str) -> dict:
    if not isinstance(v, dict):
        raise ConfigError(f"{what}: expected an object, got {_short(v)}")
    return v


class _Counter:
    def __init__(self):
        self.layers = 0

    def add(self, n: int = 1):
        self.layers += n
        if self.layers > MAX_LAYERS:
            raise ConfigError(f"more than {MAX_LAYERS:,} layers")


def parse_model(top: dict) -> KModel:
    """The model in a configuration dict (`to_json()`, `.keras`'s config.json, or
    `get_config()` of a Functional/Sequential model)."""
    top = _obj(top, "the configuration")
    compile_config = top.get("compile_config")
    if "class_name" in top and "config" in top:
        model = _parse_any(
            top.get("class_name"), top.get("config"), top.get("registered_name"), 0, _Counter()
        )
    elif "layers" in top:  # a bare get_config()
        kind = "Functional" if "input_layers" in top else "Sequential"
        model = _parse_any(kind, top, None, 0, _Counter())
    else:
        raise ConfigError("not a Keras model configuration (no class_name/config, no layers)")
    if compile_config is not None and not isinstance(compile_config, dict):
        raise ConfigError("compile_config is not an object")
    model.compile_config = compile_config
    return model


MODEL_CLASSES = {"Functional": "functional", "Model": "functional", "Sequential": "sequential"}


def _parse_any(class_name, config, registered, depth: int, counter: _Counter) -> KModel:
    if depth > MAX_MODEL_DEPTH:
        raise ConfigError(f"models nested more than {MAX_MODEL_DEPTH} deep")
    config = _obj(config, "the model configuration")
    kind = MODEL_CLASSES.get(class_name) if isinstance(class_name, str) else None
    if kind == "functional" and "layers" not in config:
        kind = None
    if kind is None:
        raise ConfigError(
            f"a model of class {_short(class_name)} is not a Functional or Sequential model "
            "(subclassed models have no layer graph in their configuration; graphc imports "
            "functional and Sequential models)"
        )
    if registered not in (None, class_name, f"keras>{class_name}") and not str(registered).startswith(
        "keras"
    ):
        raise ConfigError(f"the model class {_short(registered)} is a custom subclass of {class_name}")
    if kind == "sequential":
        return _parse_sequential(config, depth, counter)
    return _parse_functional(config, depth, counter)


def _layer_entry(ld, where: str) -> tuple:
    ld = _obj(ld, where)
    cls = ld.get("class_name")
    if not isinstance(cls, str) or not cls:
        raise ConfigError(f"{where}: no class_name")
    cfg = ld.get("config", {})
    if cfg is None:
        cfg = {}
    cfg = _obj(cfg, f"{where} ({cls}) config")
    name = ld.get("name", cfg.get("name"))
    module = ld.get("module")
    reg = ld.get("registered_name")
    if module is not None and not isinstance(module, str):
        raise ConfigError(f"{where}: module is not a string")
    if reg is not None and not isinstance(reg, str):
        raise ConfigError(f"{where}: registered_name is not a string")
    return cls, cfg, name, module, reg


def _input(name: str, cfg: dict) -> KInput:
    return KInput(name, cfg)


def _parse_functional(config: dict, depth: int, counter: _Counter) -> KModel:
    mname = _name(config.get("name"), "the model")
    layers_data = config.get("layers")
    if not isinstance(layers_data, list):
        raise ConfigError(f"model {mname!r}: `layers` is not a list")
    counter.add(len(layers_data))
    layers: list = []
    inputs: dict = {}
    seen: set = set()
    for i, ld in enumerate(layers_data):
        cls, cfg, name, module, reg = _layer_entry(ld, f"model {mname!r} layer {i}")
        name = _name(name, f"model {mname!r} layer {i} ({cls})")
        if name in seen:
            raise ConfigError(f"model {mname!r}: two layers are named {name!r}")
        seen.add(name)
        if cls == "InputLayer":
            inputs[name] = _input(name, cfg)
            continue
        layer = KLayer(name, cls, module, reg, cfg)
        if cls in MODEL_CLASSES and isinstance(cfg, dict) and "layers" in cfg:
            layer.model = _parse_any(cls, cfg, reg, depth + 1, counter)
        nodes = ld.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise ConfigError(f"layer {name!r}: inbound_nodes is not a list")
        for j, nd in enumerate(nodes):
            args, kwargs = _node(nd, f"layer {name!r} call {j}")
            layer.calls.append(KCall(layer, j, args, kwargs))
        layers.append(layer)
    model = KModel(mname, "functional", [], "list", [], layers, [], "list", config)
    by_name = {la.name: la for la in layers}

    def leaf(v) -> bool:
        return (
            isinstance(v, list)
            and len(v) == 3
            and isinstance(v[0], str)
            and all(isinstance(x, int) and not isinstance(x, bool) for x in v[1:])
        )

    def ref(v, where: str, output: bool) -> Ref:
        name, node, index = v
        if name in inputs:
            if node != 0 or index != 0:
                raise ConfigError(
                    f"model {mname!r}: {where} refers to input {name!r} node {node} index {index}"
                )
            return Ref(name, 0, 0)
        layer = by_name.get(name)
        if layer is None:
            raise ConfigError(f"model {mname!r}: {where} refers to an unknown layer {name!r}")
        if output and layer.class_name == "Functional" and layer.model is not None:
            node -= 1  # a nested Functional's built-in node is node 0 there
        if not 0 <= node < len(layer.calls) or index < 0:
            raise ConfigError(
                f"model {mname!r}: {where} refers to call {node} of layer {name!r}, which has none"
            )
        return Ref(name, node, index)

    def structure(v, where: str, output: bool) -> tuple:
        """(struct kind, dict keys, [Ref])"""
        if leaf(v):
            return "single", [], [ref(v, where, output)]
        if isinstance(v, dict):
            keys, refs = [], []
            for k, x in v.items():
                if not leaf(x):
                    raise ConfigError(
                        f"model {mname!r}: {where} {k!r} is nested (graphc reads flat structures)"
                    )
                keys.append(k)
                refs.append(ref(x, where, output))
            return "dict", keys, refs
        if isinstance(v, list) and v and all(leaf(x) for x in v):
            return "list", [], [ref(x, where, output) for x in v]
        raise ConfigError(f"model {mname!r}: {where} is not a list of [layer, node, index] (got {_short(v)})")

    kind, keys, refs = structure(config.get("input_layers"), "input_layers", True)
    for r in refs:
        if r.layer not in inputs:
            raise ConfigError(f"model {mname!r}: input {r.layer!r} is not an InputLayer")
    model.input_struct, model.input_keys = kind, keys
    model.inputs = [inputs[r.layer] for r in refs]
    kind, keys, refs = structure(config.get("output_layers"), "output_layers", True)
    model.output_struct = kind
    model.outputs = list(zip(keys or [None] * len(refs), refs))
    # every tensor of every call must exist
    for layer in layers:
        for call in layer.calls:
            for r in iter_refs((call.args, call.kwargs)):
                if r.layer not in inputs and r.layer not in by_name:
                    raise ConfigError(f"layer {layer.name!r} is applied to the unknown layer {r.layer!r}")
                if r.layer in by_name and not 0 <= r.node < len(by_name[r.layer].calls):
                    raise ConfigError(
                        f"layer {layer.name!r} is applied to call {r.node} of layer {r.layer!r}, which has "
                        f"{len(by_name[r.layer].calls)}"
                    )
                if r.index < 0:
                    raise ConfigError(f"layer {layer.name!r}: negative tensor index")
    return model


def _tensor(v, where: str):
    """A serialized argument: Refs for tensors, tuples for Keras's __tuple__."""
    if isinstance(v, dict):
        cls = v.get("class_name")
        if cls == "__keras_tensor__":
            cfg = _obj(v.get("config"), where)
            h = cfg.get("keras_history")
            if not (
                isinstance(h, list)
                and len(h) == 3
                and isinstance(h[0], str)
                and all(isinstance(x, int) and not isinstance(x, bool) for x in h[1:])
            ):
                raise ConfigError(f"{where}: a tensor without a valid keras_history")
            return Ref(h[0], h[1], h[2])
        if cls == "__tuple__":
            cfg = _obj(v.get("config"), where)
            items = cfg.get("value")
            if not isinstance(items, list):
                raise ConfigError(f"{where}: a malformed tuple")
            return tuple(_tensor(x, where) for x in items)
        return {k: _tensor(x, where) for k, x in v.items()}
    if isinstance(v, list):
        return [_tensor(x, where) for x in v]
    return v


def _node(nd, where: str) -> tuple:
    if isinstance(nd, dict):
        args = nd.get("args", [])
        kwargs = nd.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise ConfigError(f"{where}: args/kwargs malformed")
        return [_tensor(a, where) for a in args], {k: _tensor(v, where) for k, v in kwargs.items()}
    if isinstance(nd, list):  # Keras 2: [[layer, node, index, kwargs], ...]
        refs, kwargs = [], {}
        for x in nd:
            if not (
                isinstance(x, list)
                and len(x) in (3, 4)
                and isinstance(x[0], str)
                and all(isinstance(i, int) and not isinstance(i, bool) for i in x[1:3])
            ):
                raise ConfigError(f"{where}: a malformed (Keras 2) node entry {_short(x)}")
            refs.append(Ref(x[0], x[1], x[2]))
            if len(x) == 4:
                if not isinstance(x[3], dict):
                    raise ConfigError(f"{where}: malformed call arguments")
                kwargs.update({k: _tensor(v, where) for k, v in x[3].items()})
        return [refs[0] if len(refs) == 1 else refs], kwargs
    raise ConfigError(f"{where}: a node is neither an object nor a list")


def iter_refs(v):
    if isinstance(v, Ref):
        yield v
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from iter_refs(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from iter_refs(x)


def _parse_sequential(config: dict, depth: int, counter: _Counter) -> KModel:
    mname = _name(config.get("name"), "the Sequential model")
    layers_data = config.get("layers")
    if not isinstance(layers_data, list):
        raise ConfigError(f"model {mname!r}: `layers` is not a list")
    counter.add(len(layers_data))
    inp = None
    layers: list = []
    seen: set = set()
    for i, ld in enumerate(layers_data):
        cls, cfg, name, module, reg = _layer_entry(ld, f"model {mname!r} layer {i}")
        name = _name(name, f"model {mname!r} layer {i} ({cls})")
        if name in seen:
            raise ConfigError(f"model {mname!r}: two layers are named {name!r}")
        seen.add(name)
        if cls == "InputLayer":
            if i != 0:
                raise ConfigError(f"Sequential model {mname!r}: an InputLayer that is not the first layer")
            inp = _input(name, cfg)
            continue
        layer = KLayer(name, cls, module, reg, cfg)
        if cls in MODEL_CLASSES and "layers" in cfg:
            layer.model = _parse_any(cls, cfg, reg, depth + 1, counter)
        layers.append(layer)
    if inp is None:
        shape = config.get("build_input_shape")
        if not isinstance(shape, list) or not shape:
            raise ConfigError(
                f"Sequential model {mname!r} has no input shape (it was never built): build it "
                "(model.build(input_shape) or a keras.Input first layer) and save it again"
            )
        inp = KInput("input_layer", {"batch_shape": shape, "dtype": "float32"})
        if inp.name in seen:
            raise ConfigError(f"Sequential model {mname!r}: a layer is named {inp.name!r}")
    if not layers:
        raise ConfigError(f"Sequential model {mname!r} has no layers")
    prev = Ref(inp.name, 0, 0)
    for layer in layers:
        layer.calls.append(KCall(layer, 0, [prev], {}))
        prev = Ref(layer.name, 0, 0)
    return KModel(mname, "sequential", [inp], "single", [], layers, [(None, prev)], "single", config)
