"""Tensors stored on `self` that torch does not register: trainable leaves that are not parameters
(TL006), and tensors made in `__init__` that `forward` combines with its inputs without moving them
to the inputs' device (TL007).

Precision first: only tensors made here by a torch factory count; an attribute handed to
`nn.Parameter` / `register_buffer` / `register_parameter`, returned by a method (a deliberate
exclusion such as DARTS's `arch_parameters()`), moved in `forward` (`.to(x.device)`, `.type_as(x)`,
`.cuda()`), or owned by a class that manages its own state (`_apply`, `__setattr__`) is left alone.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import List, Optional, Set, Tuple

from torchlint.analysis.class_facts import ClassFacts, MethodFacts, Store, Use
from torchlint.analysis.imports import ImportMap
from torchlint.analysis.resolver import Resolver
from torchlint.analysis.tensors_table import RANDOM_FACTORIES, TENSOR_FACTORIES, TENSOR_METHODS
from torchlint.analysis import syntax as syn
from torchlint.analysis.syntax import walk

_MOVES = frozenset(("to", "type_as", "cuda", "cpu", "to_device", "as_subclass"))
_REGISTERS = frozenset(("register_buffer", "register_parameter"))
_REGISTERING_CLASSES = frozenset(("torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.nn.Buffer",
                                  "torch.nn.parameter.Buffer"))
_MAX_DEPTH = 6  # tensor methods chained on a factory (`torch.zeros(n).float().unsqueeze(0)`), and locals
_STATE_MANAGERS = frozenset(("_apply", "__setattr__"))


class LeafForm(enum.Enum):
    """How a store makes a trainable leaf, so that the fix can make the same tensor without it."""

    KEYWORD = "factory(..., requires_grad=True)"
    METHOD = "factory(...).requires_grad_()"
    VARIABLE = "Variable(factory(...), requires_grad=True)"


class TensorProblem(enum.Enum):
    TRAINABLE_LEAF = "requires_grad tensor"  # TL006
    UNMOVED_TENSOR = "tensor forward combines with its inputs"  # TL007


@dataclass(frozen=True)
class TensorAttribute:
    """`self.<attribute>` of a module class holds a tensor that should be a parameter or a buffer."""

    facts: ClassFacts
    attribute: str
    problem: TensorProblem
    store: Store
    other_stores: Tuple[Store, ...]
    uses: Tuple[Use, ...]
    imports: ImportMap
    fresh_leaf: Optional[LeafForm] = None  # TL006: how the trainable leaf is made
    pure: bool = False  # TL007: the tensor is a function of the constructor's arguments only (no randomness)

    @property
    def class_name(self) -> str:
        return self.facts.name


def find_tensor_attributes(facts: ClassFacts, resolver: Resolver) -> List[TensorAttribute]:
    if _STATE_MANAGERS & set(facts.methods):
        return []
    registered = _registered_or_exported(facts, resolver)
    found: List[TensorAttribute] = []
    for attribute, stores in facts.stores.items():
        if attribute in registered or any(store.before_super_init for store in stores):
            continue
        first = stores[0]
        others = tuple(stores[1:])
        if first.method.name != "__init__":
            continue  # made while the model runs or trains (a Lagrange multiplier, a cache): not a weight
        leaf = trainable_leaf(first.value, resolver)
        uses = tuple(facts.uses.get(attribute, []))
        if leaf is not None:
            found.append(TensorAttribute(facts, attribute, TensorProblem.TRAINABLE_LEAF, first, others, uses,
                                         resolver.imports, fresh_leaf=leaf))
            continue
        made = _made_tensor(first.value, first.method, resolver)
        if made is None or _requires_grad(first.value):
            continue
        if any(store.method.name == "forward" for store in others):  # `self.pe = self.pe.to(x.device)`
            continue
        if _combined_with_inputs_unmoved(facts, attribute, resolver):
            found.append(TensorAttribute(facts, attribute, TensorProblem.UNMOVED_TENSOR, first, others, uses,
                                         resolver.imports, pure=not made))
    return found


def tensor_candidates(facts: ClassFacts, resolver: Resolver, trainable: bool = True, plain: bool = True) -> bool:
    """Whether some store makes a tensor a tensor rule judges (`trainable`: TL006, `plain`: TL007)."""
    for stores in facts.stores.values():
        for store in stores:
            if trainable and trainable_leaf(store.value, resolver) is not None:
                return True
            if plain and _made_tensor(store.value, store.method, resolver) is not None:
                return True
    return False


def trainable_leaf(value: syn.Expr, resolver: Resolver) -> Optional[LeafForm]:
    """`torch.randn(d, requires_grad=True)`, `torch.zeros(d).requires_grad_()`,
    `Variable(torch.ones(d), requires_grad=True)`: a fresh leaf made by a torch factory; else None."""
    if not isinstance(value, syn.Call):
        return None
    func = value.func
    if isinstance(func, syn.Attribute) and func.attr == "requires_grad_":
        literal_true = not value.args or (len(value.args) == 1 and _is_true(value.args[0].value))
        inner = func.value
        if literal_true and isinstance(inner, syn.Call) and _factory_name(inner, resolver) and not _requires_grad(inner):
            return LeafForm.METHOD
        return None
    grad = [arg for arg in value.args if arg.keyword == "requires_grad"]
    if len(grad) != 1 or not _is_true(grad[0].value):
        return None
    qualified = resolver.qualify(func)
    if qualified in ("torch.autograd.Variable", "torch.autograd.variable.Variable"):
        positional = [arg for arg in value.args if arg.keyword is None]
        if len(positional) == 1 and isinstance(positional[0].value, syn.Call) and _factory_name(positional[0].value, resolver):
            return LeafForm.VARIABLE
        return None
    return None if _factory_name(value, resolver) is None else LeafForm.KEYWORD


def _factory_name(call: syn.Call, resolver: Resolver) -> Optional[str]:
    qualified = resolver.qualify(call.func)
    if qualified is None or not qualified.startswith("torch.") or qualified.count(".") != 1:
        return None
    name = qualified.split(".", 1)[1]
    return name if name in TENSOR_FACTORIES else None


def _made_tensor(value: syn.Expr, method: MethodFacts, resolver: Resolver, depth: int = 0) -> Optional[bool]:
    """None: not a tensor made here by torch; else whether it depends on random numbers."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, syn.Call):
        name = _factory_name(value, resolver)
        if name is not None:
            return name in RANDOM_FACTORIES
        func = value.func
        if isinstance(func, syn.Attribute) and func.attr in TENSOR_METHODS:
            return _made_tensor(func.value, method, resolver, depth + 1)
        return None
    if isinstance(value, syn.Name):
        bound = method.bindings.get(value.value, [])
        if len(bound) == 1:
            return _made_tensor(bound[0][0], method, resolver, depth + 1)
    return None


def _requires_grad(call: syn.Expr) -> bool:
    return isinstance(call, syn.Call) and any(arg.keyword == "requires_grad" for arg in call.args)


def _is_true(node: syn.Expr) -> bool:
    return isinstance(node, syn.Constant) and node.value is True


def _registered_or_exported(facts: ClassFacts, resolver: Resolver) -> Set[str]:
    """Attributes handed to nn.Parameter / register_buffer / register_parameter / setattr, and attributes
    a method returns (itself, or inside a list or another attribute's list): deliberately kept apart."""
    found: Set[str] = set()
    for call in facts.calls:
        func = call.func
        registering = (
            (isinstance(func, syn.Attribute) and func.attr in _REGISTERS)
            or resolver.qualify(func) in _REGISTERING_CLASSES
            or (isinstance(func, syn.Name) and func.value == "setattr")
        )
        if registering:
            for arg in call.args:
                found |= _attributes(arg.value, call.method)
    lists = {
        attribute: set().union(*(_attributes(store.value, store.method) for store in stores))
        for attribute, stores in facts.stores.items()
        if any(isinstance(store.value, (syn.List, syn.Tuple_)) for store in stores)
    }
    for method in facts.methods.values():
        if method.name == "forward":
            continue
        for returned in method.returns:
            if isinstance(returned, (syn.Attribute, syn.List, syn.Tuple_)):
                for name in _attributes(returned, method):
                    found |= {name} | lists.get(name, set())
    return found


def _attributes(node: syn.Expr, method: MethodFacts) -> Set[str]:
    return {
        n.attr for n in walk(node)
        if isinstance(n, syn.Attribute) and isinstance(n.value, syn.Name) and n.value.value == method.self_name
    }


def _combined_with_inputs_unmoved(facts: ClassFacts, attribute: str, resolver: Resolver) -> bool:
    """`forward` does arithmetic or calls torch with `self.<attribute>` and one of its own arguments, and
    nothing in that expression moves the attribute to the argument's device."""
    forward = facts.methods.get("forward")
    if forward is None:
        return False
    inputs = set(forward.parameters)
    if not inputs:
        return False
    nodes = (node for expression in forward.expressions for node in walk(expression))
    for node in nodes:
        if not isinstance(node, (syn.BinaryOperation, syn.Call)):
            continue
        names = {n.value for n in walk(node) if isinstance(n, syn.Name)}
        if not (names & inputs) or attribute not in _attributes(node, forward):
            continue
        if isinstance(node, syn.Call) and not (resolver.qualify(node.func) or "").startswith("torch."):
            continue
        if any(isinstance(n, syn.Call) and isinstance(n.func, syn.Attribute) and n.func.attr in _MOVES
               for n in walk(node)):
            return False  # moved where it is used: the author handles the device
        return True
    return False


def messages_for(attribute: TensorAttribute) -> Tuple[str, str]:
    """(what is wrong, what the fix does)."""
    name = f"self.{attribute.attribute}"
    if attribute.problem is TensorProblem.TRAINABLE_LEAF:
        return (
            f"{name} is a tensor with requires_grad=True, not an nn.Parameter: it is missing from .parameters() "
            f"(an optimizer built from them never updates it), state_dict() and .to(); use nn.Parameter",
            f"Wrap {name} in nn.Parameter",
        )
    return (
        f"{name} is a plain tensor that forward combines with its inputs: .to(device) leaves it behind, "
        f"state_dict() drops it and .half() does not convert it; register it with self.register_buffer",
        f"Register {name} as a buffer",
    )

