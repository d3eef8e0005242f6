"""What an instance of a user-defined module class owns, read off CPython's `ast` of its class.

A container of modules loses what its modules own: parameters, buffers, or behaviour that depends on
`train()` / `eval()`. A class whose `__init__` (and the helper methods it calls) creates none of these
loses nothing when it is left unregistered, exactly like `nn.ReLU`. The answer is conservative: any
call that might create a module or a tensor torch registers, and any dynamic registration, makes the
state unknown, which counts as stateful.

A class's own answer may depend on other classes (its bases, the classes it instantiates); those are
named in `depends_on` and resolved over the whole run by `resolve_states`.
"""
from __future__ import annotations

import ast
import builtins
from collections import deque
from operator import attrgetter
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

from torchlint.analysis.ast_names import dotted_name
from torchlint.analysis.imports import ImportMap, OwnState
from torchlint.analysis.source_lines import lines_naming, says_within
from torchlint.torch_knowledge import (
    BUFFERS,
    MODE,
    PARAMETER_CLASSES,
    PARAMETERS,
    State,
    torch_module_state,
    torch_nn_class_name,
)

_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) - {"eval", "exec", "setattr", "__import__"}
_DYNAMIC_REGISTRATION = frozenset(("add_module", "register_module", "__setattr__", "set_submodule"))
_STATE_OVERRIDES = frozenset(("__setattr__", "_apply", "__getstate__", "__setstate__", "_load_from_state_dict"))
# Modules whose functions never build a torch module or tensor that torch registers.
_PURE_MODULES = ("math", "numpy", "operator", "functools", "itertools", "warnings", "logging", "typing", "einops",
                 "collections", "inspect", "re", "os")
_TORCH_NAMESPACES_THAT_BUILD = ("torch.nn.", "torch.jit.", "torch.ao.", "torch.quantization.", "torch.fx.")


def own_state(node: ast.ClassDef, imports: ImportMap, training_lines: Optional[Sequence[int]] = None) -> OwnState:
    """`training_lines`: the lines of the file that say `training` (`training_lines_of`), None when any
    line may. Only a method on such a line is read for `x.training`; `__init__` and its helpers are read
    for their calls."""
    methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if _STATE_OVERRIDES & set(methods):
        return OwnState(None)
    owns: Set[str] = set()
    depends: List[str] = []
    for base in node.bases:
        qualified = imports.qualify_dotted(dotted_name(base))
        if qualified is None:
            return OwnState(None)
        if qualified in ("torch.nn.Module", "torch.nn.modules.module.Module"):
            continue
        if qualified.startswith("torch.") or qualified in ("object", "abc.ABC", "typing.Generic"):
            state = _torch_class_state(qualified, None)
            if state is None:
                return OwnState(None)
            owns |= state
            continue
        depends.append(qualified)
    read: Dict[str, Tuple[bool, List[ast.Call]]] = {}

    def read_method(name: str) -> Tuple[bool, List[ast.Call]]:
        if name not in read:
            read[name] = _read(methods[name])
        return read[name]

    if any(read_method(name)[0] for name, f in methods.items() if _may_say_training(f, training_lines)):
        owns.add(MODE)  # train/eval behaviour
    for method in _init_and_its_helpers(methods, read_method):
        for call in read_method(method)[1]:
            verdict = _call_state(call, imports, methods)
            if verdict is None:
                return OwnState(None)
            made, dependency = verdict
            owns |= made
            if dependency is not None:
                depends.append(dependency)
    return OwnState(frozenset(owns), tuple(dict.fromkeys(depends)))


def training_lines_of(data: bytes) -> List[int]:
    """The lines on which the file may say `training` (`source_lines.lines_naming`)."""
    return lines_naming(data, b"training")


def _may_say_training(function: ast.AST, training_lines: Optional[Sequence[int]]) -> bool:
    return training_lines is None or says_within(training_lines, function)


def _init_and_its_helpers(
    methods: Mapping[str, ast.AST], read_method: Callable[[str], Tuple[bool, List[ast.Call]]]
) -> List[str]:
    found: List[str] = []
    pending = ["__init__"] if "__init__" in methods else []
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.append(name)
        for call in read_method(name)[1]:
            func = call.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
                if func.attr in methods:
                    pending.append(func.attr)
    return found


def _read(function: ast.AST) -> Tuple[bool, List[ast.Call]]:
    """One walk of a method (in `ast.walk`'s order): does it read `<name>.training`, and its calls."""
    reads_training = False
    calls: List[ast.Call] = []
    pending = deque([function])
    take, extend, append, getters = pending.popleft, pending.extend, pending.append, _CHILDREN
    while pending:
        node = take()
        kind = type(node)
        if kind is ast.Call:
            calls.append(node)  # type: ignore[arg-type]
        elif kind is ast.Attribute and node.attr == "training" and type(node.value) is ast.Name:  # type: ignore[attr-defined]
            reads_training = True
        for value in (getters.get(kind) or _children(kind))(node):
            if type(value) is list:
                extend([item for item in value if type(item) not in _LEAVES and isinstance(item, ast.AST)])
            elif type(value) not in _LEAVES and isinstance(value, ast.AST):
                append(value)
    return reads_training, calls


# The walk leaves out what holds no call and no attribute: the fields that hold names, operators or
# `ctx`, and nodes without children. Leaving out leaves keeps every other node's place in the order.
_NOT_NODES = frozenset(("ctx", "op", "ops", "id", "attr", "arg", "name", "names", "module", "level", "type_comment",
                        "kind", "conversion", "is_async", "kwd_attrs"))
_LEAVES = frozenset((ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue))
_CHILDREN: Dict[type, Callable[[Any], Sequence[Any]]] = {}


def _children(kind: type) -> Callable[[Any], Sequence[Any]]:
    """A getter of the fields of a node type that may hold nodes, as a tuple."""
    getter = _CHILDREN.get(kind)
    if getter is None:
        names = tuple(name for name in kind._fields if name not in _NOT_NODES)  # type: ignore[attr-defined]
        if len(names) == 1:
            one = attrgetter(names[0])
            getter = _CHILDREN[kind] = lambda node: (one(node),)
        else:
            getter = _CHILDREN[kind] = attrgetter(*names) if names else (lambda node: ())
    return getter


def _call_state(call: ast.Call, imports: ImportMap, methods: Mapping[str, ast.AST]) -> Optional[Tuple[FrozenSet[str], Optional[str]]]:
    """(what the call creates, a class it depends on), or None when it may create anything."""
    nothing: FrozenSet[str] = frozenset()
    func = call.func
    if isinstance(func, ast.Attribute):
        receiver = func.value
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            if func.attr == "register_buffer":
                return frozenset((BUFFERS,)), None
            if func.attr == "register_parameter":
                return frozenset((PARAMETERS,)), None
            if func.attr in _DYNAMIC_REGISTRATION:
                return None
            return nothing, None  # a helper (walked itself) or a method of a torch base
        if func.attr == "__init__":
            return nothing, None  # `super().__init__()`, `nn.Module.__init__(self)`
    dotted = dotted_name(func)
    if dotted is None:
        return _method_of_a_value(func)
    if isinstance(func, ast.Name) and func.id in _BUILTINS and not imports.binds(func.id):
        return nothing, None  # _BUILTINS leaves out setattr, eval and exec: they are handled below
    if isinstance(func, ast.Name) and func.id in ("setattr", "eval", "exec") and not imports.binds(func.id):
        return None
    qualified = imports.qualify_dotted(dotted)
    if qualified is None:
        return _method_of_a_value(func)
    if qualified in PARAMETER_CLASSES:
        return frozenset((PARAMETERS,)), None
    if qualified.startswith("torch."):
        state = _torch_class_state(qualified, call)
        return None if state is None else (state, None)
    if qualified.split(".", 1)[0] in _PURE_MODULES:
        return nothing, None
    return nothing, qualified  # a class or function of the project, or of another package


def _method_of_a_value(func: ast.AST) -> Optional[Tuple[FrozenSet[str], Optional[str]]]:
    """`x.view(...)`, `cfg.get(...)`, `"{}".format(...)`: a method of some value. Copies and builders may
    make modules; other methods return what their receiver already was."""
    if isinstance(func, ast.Attribute) and func.attr not in ("copy", "deepcopy", "build", "create", "make",
                                                              "from_config", "from_pretrained", "instantiate", "clone"):
        return frozenset(), None
    return None


def _torch_class_state(qualified: str, call: Optional[ast.Call]) -> State:
    name = torch_nn_class_name(qualified)
    if name is None:
        if qualified.startswith(_TORCH_NAMESPACES_THAT_BUILD) and not qualified.startswith(
            ("torch.nn.functional.", "torch.nn.init.")
        ):
            return None
        return frozenset()  # torch.zeros, torch.arange, F.relu...: plain tensors, nothing torch registers
    if call is None:
        return torch_module_state(name, 0, frozenset(), False)
    positional = sum(1 for a in call.args if not isinstance(a, ast.Starred))
    keywords = frozenset(k.arg for k in call.keywords if k.arg)
    unpacks = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
    return torch_module_state(name, positional, keywords, unpacks)


def resolve_states(own: Mapping[str, OwnState], known: Mapping[str, State] = {}) -> Dict[str, State]:
    """Each class's full state: its own, plus that of every class it depends on. A dependency that is
    neither in `own` nor in `known` is not a module class of the run: it creates nothing torch
    registers only if it is not a module class at all, which `module_classes` tells the caller."""
    resolved: Dict[str, State] = dict(known)
    visiting: Set[str] = set()

    def state_of(name: str) -> State:
        if name in resolved:
            return resolved[name]
        record = own.get(name)
        if record is None or name in visiting:
            return None
        visiting.add(name)
        total: Optional[Set[str]] = set(record.owns) if record.owns is not None else None
        for dependency in record.depends_on:
            if total is None:
                break
            if dependency not in own and dependency not in known:
                total = None  # a class outside the run: it may own anything
                break
            other = state_of(dependency)
            total = None if other is None else total | other
        visiting.discard(name)
        resolved[name] = None if total is None else frozenset(total)
        return resolved[name]

    for name in own:
        state_of(name)
    return resolved

