"""Which attributes of a module class hold plain containers of modules or parameters.

This is the one analysis every TL001-TL005 rule reads: it finds `self.x = [...]`-like stores, what
the container is filled with (at the store, by later `.append`/`[k] = v`/`+=`, through local names
and helper methods), and drops the look-alikes that torch does register some other way.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
import builtins
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple


from torchlint.analysis.class_facts import (
    CallFact, ClassFacts, Fill, FillHow, MethodFacts, Store, UnreadMethod, Use, target_names,
)
from torchlint.analysis import syntax as syn
from torchlint.analysis.syntax import dotted_name
from torchlint.analysis.imports import ImportMap
from torchlint.analysis.resolver import MODULE_KINDS, STATEFUL_MODULE_KINDS, Resolver, ValueKind
from torchlint.analysis.tensors import trainable_leaf
from torchlint.analysis.shapes import Family, Shape
from torchlint.torch_knowledge import MODULE_RETURNING_METHODS

# How far values are followed through locals, helpers and nested containers. Real code stays within
# four levels; the bound only stops self-referring bindings (`x = f(x)`) and keeps the work linear.
_MAX_DEPTH = 8


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
    imports: ImportMap  # the names visible where the class is defined

    @property
    def class_name(self) -> str:
        return self.facts.name


Origin = Tuple[str, ...]  # ("self",), ("attr", name) or ("local", method name, name)
_SELF: Origin = ("self",)
# Calls that hand back (some of) what they are given, the same objects: `d.values()`, `list(xs)`, `m.cuda()`.
_PASSING_METHODS = frozenset(("values", "items", "keys", "get", "pop", "popitem", "__getitem__")) | MODULE_RETURNING_METHODS
_PASSING_BUILTINS = frozenset(("list", "tuple", "reversed", "iter", "sorted", "enumerate", "zip", "dict", "set", "next",
                               "filter"))
_NEUTRAL: FrozenSet[ValueKind] = frozenset()  # an element read back from the container itself


class _Evaluator:
    def __init__(self, facts: ClassFacts, resolver: Resolver, shadowed: FrozenSet[str] = frozenset()) -> None:
        self.facts = facts
        self.resolver = resolver
        self.shadowed = shadowed
        self.registered: Set[Origin] = set()  # what reaches torch some other way (see _registered_origins)
        self.attribute: Optional[str] = None  # the attribute being judged
        # The origins of whole expressions, asked again and again by each round of _registered_origins
        # and by value_kinds: ids of the expression and its method -> (the two themselves, the origins).
        self._origins: Dict[Tuple[int, int], Tuple[syn.Expr, MethodFacts, FrozenSet[Origin]]] = {}

    # --- where values come from ---------------------------------------------------------------
    def origins(self, expr: syn.Expr, method: MethodFacts, depth: int = 0,
                scope: Optional[Dict[str, FrozenSet[Origin]]] = None) -> FrozenSet[Origin]:
        """The attributes of self, locals and self itself whose objects `expr` may evaluate to or contain."""
        if depth == 0 and scope is None:  # what follows depends on the facts alone, never on the evaluation
            known = self._origins.get((id(expr), id(method)))
            if known is None or known[0] is not expr or known[1] is not method:
                known = self._origins[id(expr), id(method)] = (expr, method, self._origins_of(expr, method, 0, None))
            return known[2]
        return self._origins_of(expr, method, depth, scope)

    def _origins_of(self, expr: syn.Expr, method: MethodFacts, depth: int,
                    scope: Optional[Dict[str, FrozenSet[Origin]]]) -> FrozenSet[Origin]:
        if depth > _MAX_DEPTH:
            return frozenset()
        step = depth + 1
        if isinstance(expr, syn.Name):
            if scope and expr.value in scope:
                return scope[expr.value]
            if expr.value == method.self_name:
                return frozenset((_SELF,))
            found: Set[Origin] = {("local", method.name, expr.value)}
            for value, _ in method.bindings.get(expr.value, []):
                if value is not expr and not (isinstance(value, syn.Name) and value.value == expr.value):
                    found |= self.origins(value, method, step)
            for iterated in method.iterated.get(expr.value, []):
                found |= self.origins(iterated, method, step)
            return frozenset(found)
        if isinstance(expr, syn.Attribute):
            if isinstance(expr.value, syn.Name) and expr.value.value == method.self_name:
                return frozenset((("attr", expr.attr),))
            return self.origins(expr.value, method, step, scope)
        if isinstance(expr, (syn.Subscript, syn.Starred, syn.Await)):
            return self.origins(expr.value, method, step, scope)
        if isinstance(expr, syn.NamedExpr):
            return self.origins(expr.value, method, step, scope) | self.origins(expr.target, method, step, scope)
        if isinstance(expr, syn.IfExp):
            return self.origins(expr.body, method, step, scope) | self.origins(expr.orelse, method, step, scope)
        if isinstance(expr, (syn.BinaryOperation, syn.BooleanOperation)):
            return self.origins(expr.left, method, step, scope) | self.origins(expr.right, method, step, scope)
        if isinstance(expr, (syn.List, syn.Tuple_, syn.Set)):
            return _union(self.origins(e, method, step, scope) for e in expr.elements)
        if isinstance(expr, syn.Dict):
            return _union(self.origins(e.value, method, step, scope) for e in expr.elements)
        if isinstance(expr, (syn.ListComp, syn.GeneratorExp, syn.SetComp, syn.DictComp)):
            inner = dict(scope or {})
            for comp in expr.generators:
                came_from = self.origins(comp.iter, method, step, inner)
                for name in target_names(comp.target):
                    inner[name.value] = came_from
            element = expr.value if isinstance(expr, syn.DictComp) else expr.elt
            return self.origins(element, method, step, inner)
        if isinstance(expr, syn.Call):
            func = expr.func
            helper = self._helper(func, method)
            if helper is not None:
                return _union(self.origins(value, helper, step) for value in helper.returns)
            if isinstance(func, syn.Attribute) and func.attr in _PASSING_METHODS:
                return self.origins(func.value, method, step, scope)
            if isinstance(func, syn.Name) and func.value in _PASSING_BUILTINS and func.value not in self.shadowed:
                return _union(self.origins(arg.value, method, step, scope) for arg in expr.args)
        return frozenset()

    # --- what values are ----------------------------------------------------------------------
    def value_kinds(self, expr: syn.Expr, method: MethodFacts, depth: int = 0) -> FrozenSet[ValueKind]:
        if depth > _MAX_DEPTH:
            return _UNKNOWN
        if self.registered and self.origins(expr, method) & self.registered:
            return frozenset((ValueKind.REGISTERED,))
        step = depth + 1
        if isinstance(expr, syn.Call):
            func = expr.func
            if isinstance(func, syn.Attribute) and func.attr in MODULE_RETURNING_METHODS:
                inner = self.value_kinds(func.value, method, step)
                if inner <= MODULE_KINDS:
                    return inner
            if self.resolver.qualify(func) == "copy.deepcopy" and expr.args:
                inner = self.value_kinds(expr.args[0].value, method, step)
                return inner if inner and inner <= MODULE_KINDS | {ValueKind.PARAMETER} else _UNKNOWN
            helper = self._helper(func, method)
            if helper is not None:
                return self.returned_kinds(helper, step)
            if isinstance(func, syn.Name) and func.value in method.bindings:  # `cls = nn.LSTM if c else nn.GRU`
                return self._class_kinds(func, method, step)
            if trainable_leaf(expr, self.resolver) is not None:
                return frozenset((ValueKind.TRAINABLE_TENSOR,))
            return self.resolver.kinds_of_call(func, expr)
        if isinstance(expr, syn.Constant) and expr.value is None:
            return frozenset((ValueKind.NONE,))
        if isinstance(expr, syn.Name):
            return self._local_kinds(expr.value, method, depth)
        if isinstance(expr, syn.IfExp):
            return self.value_kinds(expr.body, method, step) | self.value_kinds(expr.orelse, method, step)
        if isinstance(expr, syn.NamedExpr):
            return self.value_kinds(expr.value, method, step)
        if isinstance(expr, syn.Subscript) and self._is_current_attribute(expr.value, method):
            return _NEUTRAL  # `self.layers[i] = self.layers[i].to(device)`
        return _UNKNOWN

    def returned_kinds(self, method: MethodFacts, depth: int = 0) -> FrozenSet[ValueKind]:
        """What a function returns on every path: `def _make_layer(self): return nn.Sequential(...)`."""
        if not method.returns:
            return _UNKNOWN
        return _known_only(_union(self.value_kinds(value, method, depth + 1) for value in method.returns))

    def _class_kinds(self, func: syn.Name, method: MethodFacts, depth: int) -> FrozenSet[ValueKind]:
        """A call of a local bound to module classes: `cls = nn.LSTM if c else nn.GRU; cls(...)`."""
        bound = [value for value, _ in method.bindings.get(func.value, [])]
        kinds = _union(self._callable_kinds(value, method, depth) for value in bound)
        return _known_only(kinds) if bound else _UNKNOWN

    def _callable_kinds(self, value: syn.Expr, method: MethodFacts, depth: int) -> FrozenSet[ValueKind]:
        if isinstance(value, syn.IfExp):
            return self._callable_kinds(value.body, method, depth) | self._callable_kinds(value.orelse, method, depth)
        if isinstance(value, syn.Lambda):
            return self.value_kinds(value.body, method, depth + 1)
        if isinstance(value, (syn.Name, syn.Attribute)) and self.resolver.qualify(value) is not None:
            return self.resolver.kinds_of_call(value)
        return _UNKNOWN

    def _helper(self, func: syn.Expr, method: MethodFacts) -> Optional[MethodFacts]:
        """`self._make_layer` -> that method's facts (not the method being evaluated itself)."""
        if isinstance(func, syn.Attribute) and isinstance(func.value, syn.Name) and func.value.value == method.self_name:
            if func.attr in self.facts.unread:
                raise UnreadMethod(func.attr)
            helper = self.facts.methods.get(func.attr)
            return helper if helper is not method else None
        return None

    def _is_current_attribute(self, expr: syn.Expr, method: MethodFacts) -> bool:
        return (
            isinstance(expr, syn.Attribute) and isinstance(expr.value, syn.Name)
            and expr.value.value == method.self_name and expr.attr == self.attribute
        )

    def _local_kinds(self, name: str, method: MethodFacts, depth: int) -> FrozenSet[ValueKind]:
        # A local also stored on self or handed to a module class is registered there: an alias.
        if name in method.aliased_locals or any(
            self.resolver.is_registering_call(func) for func in method.escaped_locals.get(name, [])
        ):
            return frozenset((ValueKind.REGISTERED,))
        bound = [value for value, _ in method.bindings.get(name, []) if not _keeps_kind(value, name, self.resolver)]
        if not bound or any(isinstance(value, syn.Name) and value.value == name for value in bound):
            return _UNKNOWN  # a loop variable, an unpacked value, a parameter
        kinds = _union(self.value_kinds(value, method, depth + 1) for value in bound)
        return _UNKNOWN if len(bound) > 1 and ValueKind.UNKNOWN in kinds else kinds

    # --- containers ---------------------------------------------------------------------------
    def contents(self, expr: syn.Expr, method: MethodFacts, depth: int = 0) -> Optional[Contents]:
        """What a plain container expression holds; None when `expr` is not a plain container."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, syn.List):
            return self._elements(Shape.LIST, [e for e in expr.elements], method, depth)
        if isinstance(expr, syn.Tuple_):
            return self._elements(Shape.TUPLE, [e for e in expr.elements], method, depth)
        if isinstance(expr, (syn.ListComp, syn.GeneratorExp)):
            return self._element(expr.elt, method, depth, Shape.LIST)
        if isinstance(expr, syn.Dict):
            return self._dict(expr, method, depth)
        if isinstance(expr, syn.DictComp):
            element = self._element(expr.value, method, depth, Shape.DICT)
            return replace(element, shape=Shape.DICT, keys=(DYNAMIC_KEY,))
        if isinstance(expr, syn.BinaryOperation) and expr.operator == "Multiply":
            for side in (expr.left, expr.right):
                if isinstance(side, syn.List):
                    inner = self.contents(side, method, depth + 1)
                    return None if inner is None else replace(inner, repeated=True)
            return None
        if isinstance(expr, syn.BinaryOperation) and expr.operator == "Add":
            return self._concatenation(expr, method, depth)
        if isinstance(expr, syn.Call):
            return self._call(expr, method, depth)
        if isinstance(expr, syn.Name):
            return self._local_container(expr.value, method, depth)
        if isinstance(expr, syn.NamedExpr):
            return self.contents(expr.value, method, depth + 1)
        return None

    def _concatenation(self, expr: syn.BinaryOperation, method: MethodFacts, depth: int) -> Optional[Contents]:
        """`[a] + [b]`, `enc + dec`, `self.layers + [m]` (the attribute itself adds nothing new)."""
        sides = []
        for side in (expr.left, expr.right):
            if self._is_current_attribute(side, method):
                continue
            inner = self.contents(side, method, depth + 1)
            if inner is None or inner.shape is Shape.DICT:
                return None
            sides.append(inner)
        if not sides:
            return None
        result = sides[0]
        for other in sides[1:]:
            result = result.merge(replace(other, shape=result.shape))
        return result

    def _call(self, call: syn.Call, method: MethodFacts, depth: int) -> Optional[Contents]:
        func = call.func
        builtin = func.value if isinstance(func, syn.Name) and not self.resolver.imports.binds(func.value) else None
        qualified = self.resolver.qualify(func)
        if builtin in ("list", "tuple", "dict") or qualified == "collections.OrderedDict":
            shape = {"list": Shape.LIST, "tuple": Shape.TUPLE}.get(builtin or "", Shape.DICT)
            positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
            keywords = [arg for arg in call.args if arg.keyword is not None]
            if any(arg.star for arg in call.args) or len(positional) > 1:
                return None
            result = Contents(shape=shape)
            if positional:
                inner = self._zipped_values(positional[0].value, method, depth) if shape is Shape.DICT else None
                inner = inner or self.contents(positional[0].value, method, depth + 1)
                if inner is None:
                    return None
                result = replace(inner, shape=shape)
            for arg in keywords:
                assert arg.keyword is not None
                element = self._element(arg.value, method, depth, shape)
                result = result.merge(replace(element, keys=(Key(arg.keyword, False),)))
            return result
        if qualified == "collections.defaultdict" and len(call.args) == 1 and not call.args[0].keyword:
            return Contents(shape=Shape.DICT, keys=(DYNAMIC_KEY,))  # filled by `self.d[k].append(m)`
        if builtin == "map" and len(call.args) >= 2 and not any(arg.star or arg.keyword for arg in call.args):
            kinds = self._callable_kinds(call.args[0].value, method, depth + 1)
            return Contents(shape=Shape.LIST, kinds=kinds, all_known=ValueKind.UNKNOWN not in kinds)
        if isinstance(func, syn.Attribute) and dotted_name(func) in ("dict.fromkeys", "collections.OrderedDict.fromkeys"):
            given_value = len(call.args) > 1
            kinds = self.value_kinds(call.args[1].value, method, depth + 1) if given_value else frozenset((ValueKind.NONE,))
            return Contents(shape=Shape.DICT, kinds=kinds, all_known=ValueKind.UNKNOWN not in kinds,
                            keys=(DYNAMIC_KEY,), repeated=given_value)
        helper = self._helper(func, method)
        if helper is not None and len(helper.returns) == 1:
            return self.contents(helper.returns[0], helper, depth + 1)
        return None

    def _zipped_values(self, expr: syn.Expr, method: MethodFacts, depth: int) -> Optional[Contents]:
        """`dict(zip(names, modules))`: the values are the second sequence's elements, the keys unknown."""
        if (
            isinstance(expr, syn.Call) and isinstance(expr.func, syn.Name) and expr.func.value == "zip"
            and not self.resolver.imports.binds("zip") and len(expr.args) == 2
            and not any(arg.star or arg.keyword for arg in expr.args)
        ):
            values = self.contents(expr.args[1].value, method, depth + 1)
            return None if values is None else replace(values, shape=Shape.DICT, keys=(DYNAMIC_KEY,))
        return None

    def _local_container(self, name: str, method: MethodFacts, depth: int) -> Optional[Contents]:
        bound = method.bindings.get(name, [])
        if len(bound) != 1:
            return None
        built = self.contents(bound[0][0], method, depth + 1)
        if built is None:
            return None
        for fill in self.facts.fills_of_local(method, name):
            built = built.merge(self.fill_contents(fill, built.shape, depth + 1))
        if name in method.escaped_locals:
            built = replace(built, handed_on=True)
        return built

    def _elements(self, shape: Shape, elements, method: MethodFacts, depth: int) -> Contents:
        result = Contents(shape=shape)
        for element in elements:
            if isinstance(element, syn.Starred):  # `[*enc, *dec]`
                inner = self.contents(element.value, method, depth + 1)
                unpacked = _UNKNOWN_ELEMENT if inner is None or inner.shape is Shape.DICT else replace(inner, shape=shape)
                result = result.merge(unpacked)
            else:
                result = result.merge(self._element(element, method, depth, shape))
        return result

    def _element(self, value: syn.Expr, method: MethodFacts, depth: int, shape: Shape) -> Contents:
        if isinstance(value, (syn.List, syn.ListComp)):
            inner = self.contents(value, method, depth + 1)
            if inner is not None:
                return Contents(shape=shape, kinds=inner.kinds, all_known=inner.all_known, nested=True)
        kinds = self.value_kinds(value, method, depth + 1)
        return Contents(shape=shape, kinds=kinds, all_known=ValueKind.UNKNOWN not in kinds)

    def _dict(self, expr: syn.Dict, method: MethodFacts, depth: int) -> Contents:
        result = Contents(shape=Shape.DICT)
        for element in expr.elements:
            if element.key is None:  # `{**other}`
                result = result.merge(replace(_UNKNOWN_ELEMENT, shape=Shape.DICT, keys=(DYNAMIC_KEY,)))
                continue
            entry = self._element(element.value, method, depth, Shape.DICT)
            result = result.merge(replace(entry, keys=(_key(element.key),)))
        return result

    def fill_contents(self, fill: Fill, shape: Shape, depth: int = 0) -> Contents:
        if fill.how.nested:
            inner = (self.contents(fill.args[0], fill.method, depth + 1) if fill.how is FillHow.NESTED_EXTEND and fill.args
                     else self._element(fill.args[0], fill.method, depth, Shape.LIST) if len(fill.args) == 1 else None)
            if inner is None:
                return replace(_UNKNOWN_ELEMENT, shape=shape)
            return Contents(shape=shape, kinds=inner.kinds, all_known=inner.all_known, nested=True, keys=(DYNAMIC_KEY,))
        if fill.how in (FillHow.EXTEND, FillHow.IADD, FillHow.UPDATE):
            if not fill.args:
                return Contents(shape=shape) if fill.how is FillHow.UPDATE else _UNKNOWN_ELEMENT
            inner = self.contents(fill.args[0], fill.method, depth + 1)
            if inner is None:
                return replace(_UNKNOWN_ELEMENT, shape=shape, keys=(DYNAMIC_KEY,) if shape is Shape.DICT else ())
            return replace(inner, shape=shape)
        if len(fill.args) != 1:
            return _UNKNOWN_ELEMENT
        element = self._element(fill.args[0], fill.method, depth, shape)
        if shape is not Shape.DICT:
            return element
        if fill.how in (FillHow.SETITEM, FillHow.SETDEFAULT) and fill.key is not None:
            element = replace(element, keys=(_key(fill.key),))
        elif fill.how is FillHow.SETITEM:
            element = replace(element, keys=(DYNAMIC_KEY,))
        return element


def _union(sets: Iterable[FrozenSet]) -> FrozenSet:
    result: FrozenSet = frozenset()
    for each in sets:
        result = result | each
    return result


def _known_only(kinds: FrozenSet[ValueKind]) -> FrozenSet[ValueKind]:
    """Kinds a factory or a class variable makes on every path: modules or parameters, or nothing known."""
    if kinds and kinds <= MODULE_KINDS | {ValueKind.PARAMETER}:
        return kinds
    return _UNKNOWN


def _keeps_kind(value: syn.Expr, name: str, resolver: Resolver) -> bool:
    """`m = m.cuda()`, `m = copy.deepcopy(m)`: a rebinding that keeps what `m` already was."""
    if not isinstance(value, syn.Call):
        return False
    func = value.func
    if isinstance(func, syn.Attribute) and func.attr in MODULE_RETURNING_METHODS:
        return isinstance(func.value, syn.Name) and func.value.value == name
    return (
        resolver.qualify(func) == "copy.deepcopy" and len(value.args) == 1
        and isinstance(value.args[0].value, syn.Name) and value.args[0].value.value == name
    )


_UNKNOWN: FrozenSet[ValueKind] = frozenset((ValueKind.UNKNOWN,))


def _key(node: syn.Expr) -> Key:
    if isinstance(node, syn.Constant) and node.value is not Ellipsis:
        return Key(node.value, True) if isinstance(node.value, str) else Key(None, True)
    return DYNAMIC_KEY


def returned_kinds(facts: ClassFacts, method: MethodFacts, resolver: Resolver) -> FrozenSet[ValueKind]:
    return _Evaluator(facts, resolver).returned_kinds(method)


def candidate_attributes(facts: ClassFacts, resolver: Resolver, shadowed: FrozenSet[str] = frozenset()) -> Set[str]:
    """The attributes that hold a plain container of modules or parameters if every named callable of
    the file is a module class (`resolver` is made optimistic here). Every finding is about one of them,
    whatever the run turns out to know about module classes."""
    evaluator = _Evaluator(facts, replace(resolver, optimistic=True), shadowed)
    found = set()
    for attribute in _plain(evaluator, facts):
        merged = _merged(evaluator, facts, attribute, facts.stores[attribute])[1]
        if merged is not None and merged.kinds & _MAY_BE_FOUND:
            found.add(attribute)
    return found


def stores_plain_container(facts: ClassFacts, resolver: Resolver, shadowed: FrozenSet[str] = frozenset()) -> bool:
    """Whether some store on self makes a plain container: each candidate attribute is stored one. Asks
    only for the methods that store and the methods they call (UnreadMethod for one left unread)."""
    return bool(_plain(_Evaluator(facts, replace(resolver, optimistic=True), shadowed), facts))


# REGISTERED too: with every callable a module class, more values look registered than really are.
_MAY_BE_FOUND = MODULE_KINDS | {ValueKind.PARAMETER, ValueKind.TRAINABLE_TENSOR, ValueKind.REGISTERED}


def _plain(evaluator: "_Evaluator", facts: ClassFacts) -> Set[str]:
    return {
        attribute for attribute, stores in facts.stores.items()
        if any(evaluator.contents(store.value, store.method) is not None for store in stores)
    }


def find_container_attributes(
    facts: ClassFacts, resolver: Resolver, shadowed: FrozenSet[str] = frozenset()
) -> List[ContainerAttribute]:
    evaluator = _Evaluator(facts, resolver, shadowed)
    plain = _plain(evaluator, facts)
    evaluator.registered = _registered_origins(evaluator, facts, plain)
    found: List[ContainerAttribute] = []
    for attribute, stores in facts.stores.items():
        if attribute in plain:
            evaluator.attribute = attribute
            found_one = _container_attribute(evaluator, facts, attribute, stores)
            if found_one is not None:
                found.append(found_one)
    return found


_REGISTERING_SELF_METHODS = frozenset(
    ("add_module", "register_module", "register_parameter", "register_buffer", "__setattr__", "set_submodule")
)


def _registered_origins(evaluator: _Evaluator, facts: ClassFacts, plain: Set[str]) -> Set[Origin]:
    """Everything whose objects reach torch some other way than a plain container on self: handed to a
    module class, stored directly on self, put into a registered container, registered by name, or
    handed to a call together with self or a submodule (which may register it)."""
    origins = evaluator.origins
    registered: Set[Origin] = set()
    submodules: Set[Origin] = {_SELF}
    for attribute, stores in facts.stores.items():
        if attribute not in plain:
            submodules.add(("attr", attribute))
            for store in stores:  # `self.conv = conv`, `self.weight = lin.weight`, `self.a = self._make()`
                if _same_object(store.value):
                    registered |= origins(store.value, store.method)
                if isinstance(store.value, syn.Name):
                    submodules.add(("local", store.method.name, store.value.value))
    for changed in range(_MAX_DEPTH):
        before = len(registered)
        for call in facts.calls:
            registered |= _registered_by_call(evaluator, call, submodules | registered)
        for attribute, fills in facts.fills.items():
            if attribute not in plain or ("attr", attribute) in registered:  # `self.model.append(b)`
                for fill in fills:
                    registered |= _union(origins(arg, fill.method) for arg in fill.args)
        for attribute, stores in facts.stores.items():
            if ("attr", attribute) in registered:
                registered |= _union(origins(store.value, store.method) for store in stores)
        for method in facts.methods.values():
            for name, fills in facts.local_fills.get(method, {}).items():
                if ("local", method.name, name) in registered:
                    registered |= _union(origins(arg, fill.method) for fill in fills for arg in fill.args)
        if len(registered) == before:
            break
    return registered


def _registered_by_call(evaluator: _Evaluator, call: CallFact, submodules: Set[Origin]) -> FrozenSet[Origin]:
    """What `call` may register. `submodules`: self, its submodules, and everything known registered so far."""
    func, method = call.func, call.method
    arguments = [arg.value for arg in call.args]
    helper = evaluator._helper(func, method)
    if helper is not None:  # a helper of the class: what its parameters are handed to decides
        return _union(
            evaluator.origins(value, method)
            for parameter, value in _bind_arguments(helper, call.args)
            if ("local", helper.name, parameter) in submodules
        )
    if evaluator.resolver.is_registering_call(func):  # nn.Sequential(*blocks), Block(self.cells[0])
        return _union(evaluator.origins(value, method) for value in arguments)
    if isinstance(func, syn.Attribute):
        receiver = evaluator.origins(func.value, method)
        if receiver == frozenset((_SELF,)) and func.attr not in _REGISTERING_SELF_METHODS:
            return frozenset()  # an nn.Module method of self that registers nothing (apply, to, ...)
        if receiver & submodules and not _calls_a_submodule(func):  # `self.net.add_module(k, m)`
            return _union(evaluator.origins(value, method) for value in arguments)
    if _cannot_register(evaluator, func, method):
        return frozenset()
    participants = _union(evaluator.origins(value, method) for value in arguments)
    if participants & submodules:  # `set_module_by_path(self.net, path, wrapper)`
        return participants
    return frozenset()


def _same_object(expr: syn.Expr) -> bool:
    """An expression that hands back an existing object (which torch registers when stored on self),
    not a new list or tuple built from it."""
    if isinstance(expr, (syn.Name, syn.Attribute, syn.Subscript)):
        return True
    if isinstance(expr, syn.IfExp):
        return _same_object(expr.body) or _same_object(expr.orelse)
    if isinstance(expr, syn.NamedExpr):
        return _same_object(expr.value)
    if isinstance(expr, syn.Call):
        func = expr.func
        return isinstance(func, syn.Attribute) and (
            func.attr in MODULE_RETURNING_METHODS or isinstance(func.value, syn.Name)
        )
    return False


def _calls_a_submodule(func: syn.Attribute) -> bool:
    """`self.block.forward(x)`: a module's forward or one of its tensor methods hands nothing over."""
    return func.attr in ("forward", "__call__")


def _cannot_register(evaluator: _Evaluator, func: syn.Expr, method: MethodFacts) -> bool:
    """torch functions (`nn.init.*`, `F.*`, `torch.cat`), builtins, and calling a module itself."""
    qualified = evaluator.resolver.qualify(func)
    if qualified is not None and qualified.split(".", 1)[0] in ("torch", "builtins", "math", "numpy", "logging"):
        return True
    if isinstance(func, syn.Name) and qualified is None and func.value in _BUILTIN_NAMES:
        return func.value != "setattr"  # `setattr(self, name, m)` registers m
    return isinstance(func, (syn.Subscript, syn.Call)) or (
        isinstance(func, syn.Attribute) and isinstance(func.value, syn.Name) and func.value.value == method.self_name
    )


def _bind_arguments(helper: MethodFacts, args: Tuple[syn.Arg, ...]) -> List[Tuple[str, syn.Expr]]:
    bound = []
    for position, arg in enumerate(args):
        if arg.star:
            continue
        if arg.keyword is not None:
            bound.append((arg.keyword, arg.value))
        elif position < len(helper.parameters):
            bound.append((helper.parameters[position], arg.value))
    return bound


_BUILTIN_NAMES = frozenset(dir(builtins))


def _merged(
    evaluator: _Evaluator, facts: ClassFacts, attribute: str, stores: List[Store]
) -> Tuple[List[Tuple[Store, Contents]], Optional[Contents], List[Store]]:
    """(the stores of a plain container with their contents, what they and the fills hold together,
    the other stores)."""
    container_stores: List[Tuple[Store, Contents]] = []
    other_stores: List[Store] = []
    for store in stores:
        contents = evaluator.contents(store.value, store.method)
        if contents is None:
            other_stores.append(store)
        else:
            container_stores.append((store, contents))
    if not container_stores:
        return container_stores, None, other_stores
    merged = container_stores[0][1]
    for _, contents in container_stores[1:]:
        merged = merged.merge(contents)
    for fill in facts.fills.get(attribute, []):
        merged = merged.merge(evaluator.fill_contents(fill, merged.shape))
    return container_stores, merged, other_stores


def _container_attribute(
    evaluator: _Evaluator, facts: ClassFacts, attribute: str, stores: List[Store]
) -> Optional[ContainerAttribute]:
    container_stores, merged, other_stores = _merged(evaluator, facts, attribute, stores)
    if merged is None or _registered_some_other_way(evaluator, facts, attribute, container_stores, other_stores):
        return None
    if any(store.before_super_init for store, _ in container_stores):
        return None
    anchor = container_stores[0][0]
    fills = tuple(facts.fills.get(attribute, []))
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
        imports=evaluator.resolver.imports,
    )


def _registered_some_other_way(evaluator, facts, attribute, container_stores, other_stores) -> bool:
    """Look-alikes: the container, or its elements, reach torch through another path."""
    if attribute in facts.escaped or ("attr", attribute) in evaluator.registered:
        return True
    for store in other_stores:
        if isinstance(store.value, syn.Call) and evaluator.resolver.is_registering_call(store.value.func):
            return True
    for store, contents in container_stores:
        if contents.handed_on:
            return True
        if isinstance(store.value, syn.Name) and evaluator.origins(store.value, store.method) & evaluator.registered:
            return True  # `self.convs = convs` where `convs` itself is handed to nn.Sequential
    return False


def _family(contents: Contents) -> Optional[Family]:
    if ValueKind.REGISTERED in contents.kinds:
        return None
    if contents.kinds & STATEFUL_MODULE_KINDS:
        return Family.MODULES
    if contents.kinds & {ValueKind.PARAMETER, ValueKind.TRAINABLE_TENSOR}:
        return Family.PARAMETERS
    if ValueKind.STATELESS_MODULE in contents.kinds:
        return Family.STATELESS_MODULES
    return None
