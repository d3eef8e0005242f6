"""Is wrapping an attribute in a torch container safe, unsafe, or not to be done at all?

Each reason below comes from how torch's containers differ from list, tuple and dict (see
torch/nn/modules/container.py): missing methods, key rules, ordering, registration side effects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Tuple

import libcst as cst

from torchlint.analysis.containers import ContainerAttribute, Key
from torchlint.analysis.shapes import Family, Shape
from torchlint.analysis.resolver import ValueKind
from torchlint.diagnostics import Applicability
from torchlint.torch_knowledge import (
    MODULE_DICT_ATTRIBUTES,
    MODULE_DICT_METHODS,
    MODULE_LIST_METHODS,
    PARAMETER_DICT_METHODS,
    PARAMETER_LIST_METHODS,
)

_LIST_METHODS = frozenset(("append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"))
_DICT_METHODS = frozenset(
    ("clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values")
)
_MODULE_ATTRIBUTES = MODULE_DICT_ATTRIBUTES - MODULE_DICT_METHODS
_ORDERLESS_USES = frozenset(("type-check", "operator", "compare"))


@dataclass(frozen=True)
class Safety:
    """None applicability: no fix at all. `reasons` say why a fix is unsafe or absent."""

    applicability: Optional[Applicability]
    reasons: Tuple[str, ...] = ()


@dataclass(frozen=True)
class _Target:
    name: str
    methods: FrozenSet[str]
    fills: FrozenSet[str]
    supports_delete: bool


_TARGETS = {
    "ModuleList": _Target("ModuleList", MODULE_LIST_METHODS, frozenset(("append", "extend", "insert", "iadd", "setitem")), True),
    "ModuleDict": _Target("ModuleDict", MODULE_DICT_METHODS, frozenset(("setitem", "update")), True),
    "ParameterList": _Target("ParameterList", PARAMETER_LIST_METHODS, frozenset(("append", "extend", "iadd", "setitem")), False),
    "ParameterDict": _Target("ParameterDict", PARAMETER_DICT_METHODS, frozenset(("setitem", "update", "setdefault")), True),
}


def assess(container: ContainerAttribute, target_name: str) -> Safety:
    target = _TARGETS[target_name]
    blockers = _blockers(container, target)
    if blockers:
        return Safety(None, tuple(blockers))
    risks = _risks(container, target)
    return Safety(Applicability.UNSAFE if risks else Applicability.SAFE, tuple(risks))


def _blockers(container: ContainerAttribute, target: _Target) -> List[str]:
    """Reasons the rewrite would crash or change what the model computes: no fix."""
    attribute = f"self.{container.attribute}"
    facts = container.facts
    reasons: List[str] = []
    if facts.subclasses_torch_container or facts.iterates_children:
        reasons.append(
            f"{container.class_name} iterates its own children, so a newly registered child would change its forward"
        )
    if container.attribute in _MODULE_ATTRIBUTES:
        reasons.append(f"{attribute} would be shadowed by the nn.Module attribute of the same name")
    if container.other_stores:
        reasons.append(f"{attribute} is also assigned something that is not a plain container")
    if not _holds_only_its_family(container):
        reasons.append(f"not every element of {attribute} is provably a {_element_word(container)}")
    if container.contents.nested and (container.family is not Family.MODULES or container.shape is Shape.DICT):
        reasons.append(f"{attribute} nests containers that nn.{target.name} cannot hold")
    if container.contents.nested and not all(
        isinstance(store.value, (cst.List, cst.ListComp)) for store, _ in container.container_stores
    ):
        reasons.append(f"{attribute} holds nested lists built somewhere torchlint cannot rewrite")
    if _shapes_differ(container):
        reasons.append(f"{attribute} is assigned both lists and dicts")
    for key in container.contents.keys:
        invalid = _invalid_key(key)
        if invalid:
            reasons.append(f"key {invalid} is not allowed in nn.{target.name}")
    for fill in container.fills:
        if fill.how not in target.fills:
            reasons.append(f"{attribute}.{fill.how}() does not exist on nn.{target.name}")
    for use in container.uses:
        if use.how == "method" and (use.detail in _LIST_METHODS | _DICT_METHODS) and use.detail not in target.methods:
            reasons.append(f"{attribute}.{use.detail}() does not exist on nn.{target.name}")
        elif use.how == "delete" and not target.supports_delete:
            reasons.append(f"nn.{target.name} does not support del {attribute}[...]")
    if _local_filled_after_store(container):
        reasons.append(f"the local list stored in {attribute} is filled after the store; a copy would miss those")
    return sorted(set(reasons))


def _risks(container: ContainerAttribute, target: _Target) -> List[str]:
    """Reasons the rewrite may change behaviour that the code relies on: an unsafe fix."""
    attribute = f"self.{container.attribute}"
    reasons: List[str] = []
    if container.shape is Shape.TUPLE:
        reasons.append(f"{attribute} becomes mutable and no longer compares, hashes or adds like a tuple")
    if container.contents.repeated:
        reasons.append(f"{attribute} repeats one module: registering it shares its weights under several names")
    if container.shape is Shape.DICT and any(key.value is None and not key.literal for key in container.contents.keys):
        reasons.append(f"{attribute} has keys that are not known statically and may be rejected by nn.{target.name}")
    if target.name == "ParameterDict":
        reasons.append("nn.ParameterDict built from a dict orders its keys alphabetically")
    for use in container.uses:
        if use.how in _ORDERLESS_USES:
            reasons.append(f"{attribute} is used with {use.detail}, which behaves differently on nn.{target.name}")
    return sorted(set(reasons))


def _holds_only_its_family(container: ContainerAttribute) -> bool:
    kinds = container.contents.kinds
    if not container.contents.all_known:
        return False
    if container.family is Family.MODULES:
        return kinds <= {ValueKind.MODULE, ValueKind.STATELESS_MODULE}
    return kinds == {ValueKind.PARAMETER}


def _element_word(container: ContainerAttribute) -> str:
    return "module" if container.family is Family.MODULES else "parameter"


def _shapes_differ(container: ContainerAttribute) -> bool:
    shapes = {contents.shape for _, contents in container.container_stores}
    return Shape.DICT in shapes and len(shapes) > 1


def _invalid_key(key: Key) -> Optional[str]:
    if key.value is None:
        return "of a type other than str" if key.literal else None
    if key.value == "" or "." in key.value or key.value in MODULE_DICT_ATTRIBUTES:
        return repr(key.value)
    return None


def _local_filled_after_store(container: ContainerAttribute) -> bool:
    for store, _ in container.container_stores:
        if isinstance(store.value, cst.Name):
            fills = store.method.local_fills.get(store.value.value, [])
            if any(fill.order > store.order for fill in fills):
                return True
    return False
