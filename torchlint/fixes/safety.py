"""Is wrapping an attribute in a torch container safe, unsafe, or not to be done at all?

Every use the class makes of the attribute is named as an operation of torch_knowledge's table, which
tests/test_torch_knowledge.py derives by running each operation on the plain container and on the
torch container: an operation that raises on the torch container withholds the fix, one that behaves
differently makes it unsafe, and one the table does not know makes it unsafe too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from torchlint.analysis import syntax as syn
from torchlint.analysis.class_facts import Fill, FillHow, Use, UseHow
from torchlint.analysis.containers import ContainerAttribute, Key
from torchlint.analysis.resolver import MODULE_KINDS, ValueKind
from torchlint.analysis.shapes import Family, Shape
from torchlint.diagnostics import Applicability
from torchlint.torch_knowledge import CONTAINER_DIFFERENCES, DICT_OPERATIONS, LIST_OPERATIONS, MODULE_DICT_ATTRIBUTES

_MODULE_ATTRIBUTES = MODULE_DICT_ATTRIBUTES - {"clear", "items", "keys", "pop", "update", "values"}
_COMPARISONS = {"Equal": "==", "NotEqual": "!=", "LessThan": "<", "GreaterThan": ">", "LessThanEqual": "<=",
                "GreaterThanEqual": ">="}


@dataclass(frozen=True)
class Safety:
    """None applicability: no fix at all. `reasons` say why a fix is unsafe or absent."""

    applicability: Optional[Applicability]
    reasons: Tuple[str, ...] = ()


def assess(container: ContainerAttribute, target: str, always_unsafe: Optional[str] = None) -> Safety:
    blockers = _blockers(container, target)
    if blockers:
        return Safety(None, tuple(blockers))
    risks = _risks(container, target) + ([always_unsafe] if always_unsafe else [])
    return Safety(Applicability.UNSAFE if risks else Applicability.SAFE, tuple(sorted(set(risks))))


def _blockers(container: ContainerAttribute, target: str) -> List[str]:
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
    if any(store.shares_statement for store, _ in container.container_stores):
        reasons.append(f"{attribute} is assigned in a chained assignment together with another target")
    if not _holds_only_its_family(container):
        reasons.append(f"not every element of {attribute} is provably a {_element_word(container)}")
    if container.contents.nested and (container.family is Family.PARAMETERS or container.shape is Shape.DICT):
        reasons.append(f"{attribute} nests containers that nn.{target} cannot hold")
    if container.contents.nested and not all(
        isinstance(store.value, (syn.List, syn.ListComp)) for store, _ in container.container_stores
    ):
        reasons.append(f"{attribute} holds nested lists built somewhere torchlint cannot rewrite")
    if _shapes_differ(container):
        reasons.append(f"{attribute} is assigned both lists and dicts")
    for key in container.contents.keys:
        invalid = _invalid_key(key)
        if invalid:
            reasons.append(f"key {invalid} is not allowed in nn.{target}")
    if _local_filled_after_store(container):
        reasons.append(f"the local list stored in {attribute} is filled after the store; a copy would miss those")
    for operation, shown in _operations(container):
        if CONTAINER_DIFFERENCES[target].get(operation) == "fails":
            reasons.append(f"{shown} fails on nn.{target}")
    return sorted(set(reasons))


def _risks(container: ContainerAttribute, target: str) -> List[str]:
    """Reasons the rewrite may change behaviour that the code relies on: an unsafe fix."""
    attribute = f"self.{container.attribute}"
    reasons: List[str] = []
    if ValueKind.TRAINABLE_TENSOR in container.contents.kinds:
        reasons.append(f"nn.{target} turns the requires_grad tensors of {attribute} into new nn.Parameter objects")
    if container.contents.repeated:
        reasons.append(f"{attribute} repeats one module: registering it shares its weights under several names")
    if container.shape is Shape.DICT and any(key.value is None and not key.literal for key in container.contents.keys):
        reasons.append(f"{attribute} has keys that are not known statically and may be rejected by nn.{target}")
    known = DICT_OPERATIONS if target.endswith("Dict") else LIST_OPERATIONS
    for operation, shown in _operations(container):
        if operation not in known:
            reasons.append(f"torchlint does not know whether {shown} behaves the same on nn.{target}")
        elif CONTAINER_DIFFERENCES[target].get(operation) == "differs":
            reasons.append(f"{shown} behaves differently on nn.{target}")
    return sorted(set(reasons))


def _operations(container: ContainerAttribute) -> List[Tuple[str, str]]:
    """Each use and fill of the attribute as (operation of the table, how the message shows it)."""
    attribute = f"self.{container.attribute}"
    dict_like = container.shape is Shape.DICT
    found = [_use_operation(use, attribute, dict_like) for use in container.uses]
    found += [_fill_operation(fill, attribute, dict_like) for fill in container.fills]
    return found


def _use_operation(use: Use, attribute: str, dict_like: bool) -> Tuple[str, str]:
    if use.how is UseHow.METHOD:
        if not dict_like and use.detail in ("insert", "pop"):
            return _positional(use.detail, use.args[0] if use.args else None), f"{attribute}.{use.detail}(...)"
        return use.detail, f"{attribute}.{use.detail}()"
    if use.how in (UseHow.BUILTIN, UseHow.TYPE_CHECK):
        return use.detail, f"{use.detail}({attribute})"
    if use.how is UseHow.COMPARE:
        operator = _COMPARISONS.get(use.detail, use.detail)
        return operator, f"{attribute} {operator} ..."
    if use.how is UseHow.OPERATOR:
        return use.detail, f"... + {attribute}" if use.detail == "radd" else f"{attribute} used with {use.detail}"
    if use.how is UseHow.SLICE:
        return f"slice {use.detail}", f"{'del ' if use.detail == 'delete' else ''}{attribute}[a:b]{' = ...' if use.detail == 'assign' else ''}"
    return "del item", f"del {attribute}[...]"


def _fill_operation(fill: Fill, attribute: str, dict_like: bool) -> Tuple[str, str]:
    if fill.how is FillHow.SETITEM:
        operation = "set item" if dict_like or not _is_negative(fill.key) else "set item(negative)"
        return operation, f"{attribute}[...] = ..."
    if fill.how is FillHow.INSERT and not dict_like:
        return _positional("insert", fill.key), f"{attribute}.insert(...)"
    if fill.how is FillHow.IADD:
        return ("ior" if dict_like else "iadd"), f"{attribute} += ..."
    return fill.how.value, f"{attribute}.{fill.how.value}()"


def _positional(method: str, index: Optional[syn.Expr]) -> str:
    """`insert(0, m)` keeps the meaning; a negative or larger index does not (see the table)."""
    if index is None:
        return f"{method}()"
    if _is_negative(index):
        return f"{method}(negative)"
    if method == "insert" and isinstance(index, syn.Constant) and type(index.value) is int and index.value == 0:
        return "insert(0)"
    return f"{method}(index)"


def _is_negative(node: Optional[syn.Expr]) -> bool:
    return isinstance(node, syn.UnaryOperation) and node.operator == "Minus"


def _holds_only_its_family(container: ContainerAttribute) -> bool:
    kinds = container.contents.kinds
    if not container.contents.all_known:
        return False
    if container.family is Family.PARAMETERS:
        return kinds <= {ValueKind.PARAMETER, ValueKind.TRAINABLE_TENSOR, ValueKind.NONE}
    return kinds <= MODULE_KINDS | {ValueKind.NONE}


def _element_word(container: ContainerAttribute) -> str:
    return "parameter" if container.family is Family.PARAMETERS else "module"


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
        if isinstance(store.value, syn.Name):
            fills = container.facts.fills_of_local(store.method, store.value.value)
            if any(fill.order > store.order for fill in fills):
                return True
    return False
