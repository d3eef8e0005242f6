"""Which attributes of a module class hold plain containers of modules or parameters.

This is the one analysis every TL001-TL005 rule reads: it finds `self.x = [...]`-like stores, what
the container is filled with (at the store, by later `.append`/`[k] = v`/`+=`, through local names
and helper methods), and drops the look-alikes that torch does register some other way.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import FrozenSet, List, Optional, Tuple

import libcst as cst

from torchlint.analysis.class_facts import ClassFacts, Fill, MethodFacts, Store, Use
from torchlint.analysis.resolver import Resolver, ValueKind
from torchlint.analysis.shapes import Family, Shape
from torchlint.torch_knowledge import MODULE_RETURNING_METHODS

_MAX_DEPTH = 8
_MODULE_KINDS = frozenset((ValueKind.MODULE, ValueKind.STATELESS_MODULE))


@dataclass(frozen=True)
class Key:
    """A dict key: its value when it is a plain string literal, else None (dynamic)."""

    value: Optional[str]
    literal: bool  # a literal of another type (int, bytes...): known, and not a string


DYNAMIC_KEY = Key(value=None, literal=False)


@dataclass(frozen=True)
class Contents:
    shape: Shape
    kinds: FrozenSet[ValueKind] = frozenset()
    all_known: bool = True  # every element is provably a module or a parameter
    nested: bool = False  # elements are themselves lists of modules
    keys: Tuple[Key, ...] = ()
    repeated: bool = False  # `[m] * n`: one module, n references
    handed_on: bool = False  # built from a local that is also passed to some call

    def merge(self, other: "Contents") -> "Contents":
        return Contents(
            shape=self.shape,
            kinds=self.kinds | other.kinds,
            all_known=self.all_known and other.all_known,
            nested=self.nested or other.nested,
            keys=self.keys + other.keys,
            repeated=self.repeated or other.repeated,
            handed_on=self.handed_on or other.handed_on,
        )


_UNKNOWN_ELEMENT = Contents(shape=Shape.LIST, kinds=frozenset((ValueKind.UNKNOWN,)), all_known=False)


@dataclass(frozen=True)
class ContainerAttribute:
    """`self.<attribute>` of a module class holds a plain container of modules or parameters."""

    facts: ClassFacts
    attribute: str
    shape: Shape
    family: Family
    contents: Contents
    anchor: Store  # the statement the finding is reported at
    container_stores: Tuple[Tuple[Store, Contents], ...]
    other_stores: Tuple[Store, ...]
    fills: Tuple[Fill, ...]
    uses: Tuple[Use, ...]

    @property
    def class_name(self) -> str:
        return self.facts.name


class _Evaluator:
    def __init__(self, facts: ClassFacts, resolver: Resolver) -> None:
        self.facts = facts
        self.resolver = resolver

    def value_kind(self, expr: cst.BaseExpression, method: MethodFacts, depth: int = 0) -> ValueKind:
        if depth > _MAX_DEPTH:
            return ValueKind.UNKNOWN
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in MODULE_RETURNING_METHODS:
                inner = self.value_kind(func.value, method, depth + 1)
                if inner in _MODULE_KINDS:
                    return inner
            if self.resolver.qualify(func) == "copy.deepcopy" and expr.args:
                inner = self.value_kind(expr.args[0].value, method, depth + 1)
                return inner if inner in _MODULE_KINDS else ValueKind.UNKNOWN
            helper = self._helper(func, method)
            if helper is not None:
                return self.returned_kind(helper, depth + 1)
            return self.resolver.kind_of_call(func, expr)
        if isinstance(expr, cst.Name):
            return self._local_kind(expr.value, method, depth)
        return ValueKind.UNKNOWN

    def returned_kind(self, method: MethodFacts, depth: int = 0) -> ValueKind:
        """What a function returns on every path: `def _make_layer(self): return nn.Sequential(...)`."""
        kinds = {self.value_kind(value, method, depth + 1) for value in method.returns}
        return kinds.pop() if len(kinds) == 1 else ValueKind.UNKNOWN

    def _helper(self, func: cst.BaseExpression, method: MethodFacts) -> Optional[MethodFacts]:
        """`self._make_layer` -> that method's facts (not the method being evaluated itself)."""
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == method.self_name:
            helper = self.facts.methods.get(func.attr.value)
            return helper if helper is not method else None
        return None

    def _local_kind(self, name: str, method: MethodFacts, depth: int) -> ValueKind:
        # A local also stored on self or handed to a module class is registered there: an alias.
        if name in method.aliased_locals or any(
            self.resolver.is_registering_call(func) for func in method.escaped_locals.get(name, [])
        ):
            return ValueKind.UNKNOWN
        bound = method.bindings.get(name, [])
        kinds = {self.value_kind(value, method, depth + 1) for value, _ in bound if value is not None}
        if len(kinds) == 1 and all(not isinstance(value, cst.Name) or value.value != name for value, _ in bound):
            return kinds.pop()
        return ValueKind.UNKNOWN

    def contents(self, expr: cst.BaseExpression, method: MethodFacts, depth: int = 0) -> Optional[Contents]:
        """What a plain container expression holds; None when `expr` is not a plain container."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.List):
            return self._elements(Shape.LIST, [e for e in expr.elements], method, depth)
        if isinstance(expr, cst.Tuple):
            return self._elements(Shape.TUPLE, [e for e in expr.elements], method, depth)
        if isinstance(expr, (cst.ListComp, cst.GeneratorExp)):
            return self._element(expr.elt, method, depth, Shape.LIST)
        if isinstance(expr, cst.Dict):
            return self._dict(expr, method, depth)
        if isinstance(expr, cst.DictComp):
            element = self._element(expr.value, method, depth, Shape.DICT)
            return replace(element, shape=Shape.DICT, keys=(DYNAMIC_KEY,))
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Multiply):
            for side in (expr.left, expr.right):
                if isinstance(side, cst.List):
                    inner = self.contents(side, method, depth + 1)
                    return None if inner is None else replace(inner, repeated=True)
            return None
        if isinstance(expr, cst.Call):
            return self._call(expr, method, depth)
        if isinstance(expr, cst.Name):
            return self._local_container(expr.value, method, depth)
        return None

    def _call(self, call: cst.Call, method: MethodFacts, depth: int) -> Optional[Contents]:
        func = call.func
        if isinstance(func, cst.Name) and func.value in ("list", "tuple", "dict"):
            if self.resolver.imports.binds(func.value):
                return None
            shape = {"list": Shape.LIST, "tuple": Shape.TUPLE, "dict": Shape.DICT}[func.value]
            positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
            keywords = [arg for arg in call.args if arg.keyword is not None]
            if any(arg.star for arg in call.args) or len(positional) > 1:
                return None
            result = Contents(shape=shape)
            if positional:
                inner = self.contents(positional[0].value, method, depth + 1)
                if inner is None:
                    return None
                result = replace(inner, shape=shape)
            for arg in keywords:
                assert arg.keyword is not None
                element = self._element(arg.value, method, depth, shape)
                result = result.merge(replace(element, keys=(Key(arg.keyword.value, False),)))
            return result
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.value.value == method.self_name and func.attr.value in self.facts.methods:
                helper = self.facts.methods[func.attr.value]
                if len(helper.returns) == 1 and helper is not method:
                    return self.contents(helper.returns[0], helper, depth + 1)
        return None

    def _local_container(self, name: str, method: MethodFacts, depth: int) -> Optional[Contents]:
        bound = method.bindings.get(name, [])
        if len(bound) != 1:
            return None
        built = self.contents(bound[0][0], method, depth + 1)
        if built is None:
            return None
        for fill in method.local_fills.get(name, []):
            built = built.merge(self.fill_contents(fill, built.shape, depth + 1))
        if name in method.escaped_locals:
            built = replace(built, handed_on=True)
        return built

    def _elements(self, shape: Shape, elements, method: MethodFacts, depth: int) -> Contents:
        result = Contents(shape=shape)
        for element in elements:
            if isinstance(element, cst.StarredElement):
                result = result.merge(_UNKNOWN_ELEMENT)
            else:
                result = result.merge(self._element(element.value, method, depth, shape))
        return result

    def _element(self, value: cst.BaseExpression, method: MethodFacts, depth: int, shape: Shape) -> Contents:
        if isinstance(value, (cst.List, cst.ListComp)):
            inner = self.contents(value, method, depth + 1)
            if inner is not None:
                return Contents(shape=shape, kinds=inner.kinds, all_known=inner.all_known, nested=True)
        kind = self.value_kind(value, method, depth + 1)
        return Contents(shape=shape, kinds=frozenset((kind,)), all_known=kind is not ValueKind.UNKNOWN)

    def _dict(self, expr: cst.Dict, method: MethodFacts, depth: int) -> Contents:
        result = Contents(shape=Shape.DICT)
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                result = result.merge(replace(_UNKNOWN_ELEMENT, shape=Shape.DICT, keys=(DYNAMIC_KEY,)))
                continue
            entry = self._element(element.value, method, depth, Shape.DICT)
            result = result.merge(replace(entry, keys=(_key(element.key),)))
        return result

    def fill_contents(self, fill: Fill, shape: Shape, depth: int = 0) -> Contents:
        if fill.how in ("extend", "iadd", "update"):
            if not fill.args:
                return Contents(shape=shape) if fill.how == "update" else _UNKNOWN_ELEMENT
            inner = self.contents(fill.args[0], fill.method, depth + 1)
            if inner is None:
                return replace(_UNKNOWN_ELEMENT, shape=shape, keys=(DYNAMIC_KEY,) if shape is Shape.DICT else ())
            return replace(inner, shape=shape)
        if len(fill.args) != 1:
            return _UNKNOWN_ELEMENT
        element = self._element(fill.args[0], fill.method, depth, shape)
        if fill.how in ("setitem", "setdefault") and fill.key is not None:
            element = replace(element, keys=(_key(fill.key),))
        elif fill.how == "setitem":
            element = replace(element, keys=(DYNAMIC_KEY,))
        return element


def _key(node: cst.BaseExpression) -> Key:
    if isinstance(node, cst.SimpleString):
        evaluated = node.evaluated_value
        if isinstance(evaluated, str):
            return Key(evaluated, True)
        return Key(None, True)
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)) or (
        isinstance(node, cst.Name) and node.value in ("None", "True", "False")
    ):
        return Key(None, True)
    return DYNAMIC_KEY


def returned_kind(facts: ClassFacts, method: MethodFacts, resolver: Resolver) -> ValueKind:
    return _Evaluator(facts, resolver).returned_kind(method)


def find_container_attributes(facts: ClassFacts, resolver: Resolver) -> List[ContainerAttribute]:
    evaluator = _Evaluator(facts, resolver)
    found: List[ContainerAttribute] = []
    for attribute, stores in facts.stores.items():
        found_one = _container_attribute(evaluator, facts, attribute, stores)
        if found_one is not None:
            found.append(found_one)
    return found


def _container_attribute(
    evaluator: _Evaluator, facts: ClassFacts, attribute: str, stores: List[Store]
) -> Optional[ContainerAttribute]:
    container_stores = []
    other_stores = []
    for store in stores:
        contents = evaluator.contents(store.value, store.method)
        if contents is None:
            other_stores.append(store)
        else:
            container_stores.append((store, contents))
    if not container_stores or _registered_some_other_way(evaluator, facts, attribute, container_stores, other_stores):
        return None
    if any(store.before_super_init for store, _ in container_stores):
        return None
    anchor, merged = container_stores[0]
    for _, contents in container_stores[1:]:
        merged = merged.merge(contents)
    fills = tuple(facts.fills.get(attribute, []))
    for fill in fills:
        merged = merged.merge(evaluator.fill_contents(fill, merged.shape))
    family = _family(merged)
    if family is None:
        return None
    return ContainerAttribute(
        facts=facts,
        attribute=attribute,
        shape=merged.shape,
        family=family,
        contents=merged,
        anchor=anchor,
        container_stores=tuple(container_stores),
        other_stores=tuple(other_stores),
        fills=fills,
        uses=tuple(facts.uses.get(attribute, [])),
    )


def _registered_some_other_way(evaluator, facts, attribute, container_stores, other_stores) -> bool:
    """Look-alikes: the container, or its elements, reach torch through another path."""
    if attribute in facts.escaped or attribute in facts.registered:
        return True
    for store in other_stores:
        if isinstance(store.value, cst.Call) and evaluator.resolver.is_registering_call(store.value.func):
            return True
    for store, contents in container_stores:
        if contents.handed_on or store.method.registers:
            return True
    return any(fill.method.registers for fill in facts.fills.get(attribute, []))


def _family(contents: Contents) -> Optional[Family]:
    if ValueKind.MODULE in contents.kinds:
        return Family.MODULES
    if ValueKind.PARAMETER in contents.kinds:
        return Family.PARAMETERS
    return None
