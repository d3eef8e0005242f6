"""One walk over the methods of a class, recording every fact the container analysis needs.

Nothing here decides anything: it records where attributes of `self` are stored, filled, used,
passed on or registered, and what local names are bound to, in source order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from torchlint.analysis.walk import children, walk

# Builtins that only read a container: passing `self.layers` to them does not hand it to torch.
_READ_ONLY_BUILTINS = frozenset(
    ("len", "enumerate", "zip", "reversed", "iter", "print", "range", "sorted", "sum", "any", "all", "min", "max",
     "list", "tuple", "map", "filter", "next", "repr", "str", "bool", "id", "hasattr", "getattr")
)
_TYPE_CHECKS = frozenset(("isinstance", "type", "issubclass"))
# Methods that put values into a list or dict: their arguments are fills, not escapes.
FILL_METHODS = frozenset(("append", "extend", "insert", "update", "setdefault"))
_REGISTERING_METHODS = frozenset(("add_module", "register_module", "register_parameter", "__setattr__"))
_CHILD_ITERATION = frozenset(("children", "named_children", "_modules"))


@dataclass(frozen=True)
class Store:
    """`self.<attribute> = value` (or an annotated assignment) in some method."""

    attribute: str
    statement: cst.CSTNode
    value: cst.BaseExpression
    annotation: Optional[cst.Annotation]
    method: "MethodFacts"
    order: int
    before_super_init: bool


@dataclass(frozen=True)
class Fill:
    """`x.append(v)`, `x.extend(vs)`, `x.insert(i, v)`, `x += vs`, `x[k] = v`, `x.update(d)`..."""

    how: str  # a FILL_METHODS name, "iadd" or "setitem"
    args: Tuple[cst.BaseExpression, ...]
    key: Optional[cst.BaseExpression]
    method: "MethodFacts"
    order: int


@dataclass(frozen=True)
class Use:
    """Any other use of `self.<attribute>`, for fix safety: a method, an operator, a type check."""

    how: str  # "method", "type-check", "operator", "compare", "subscript", "delete", "item-assign"
    detail: str
    node: cst.CSTNode


@dataclass(eq=False)
class MethodFacts:
    name: str
    node: cst.FunctionDef
    self_name: str
    bindings: Dict[str, List[Tuple[cst.BaseExpression, int]]] = field(default_factory=dict)
    local_fills: Dict[str, List[Fill]] = field(default_factory=dict)
    # local name -> the callables it was passed to (other than read-only builtins and list fills)
    escaped_locals: Dict[str, List[cst.BaseExpression]] = field(default_factory=dict)
    aliased_locals: Set[str] = field(default_factory=set)
    returns: List[cst.BaseExpression] = field(default_factory=list)
    registers: bool = False


@dataclass(eq=False)
class ClassFacts:
    node: Union[cst.ClassDef, cst.FunctionDef]
    methods: Dict[str, MethodFacts] = field(default_factory=dict)
    stores: Dict[str, List[Store]] = field(default_factory=dict)
    fills: Dict[str, List[Fill]] = field(default_factory=dict)
    uses: Dict[str, List[Use]] = field(default_factory=dict)
    escaped: Set[str] = field(default_factory=set)
    registered: Set[str] = field(default_factory=set)
    iterates_children: bool = False
    subclasses_torch_container: bool = False

    @property
    def name(self) -> str:
        return self.node.name.value


def collect_function_facts(function: cst.FunctionDef, shadowed_builtins: Set[str]) -> Tuple[ClassFacts, MethodFacts]:
    """A module-level function, read like a method of a class of its own (to judge what it returns)."""
    facts = ClassFacts(node=function)
    method = MethodFacts(name=function.name.value, node=function, self_name=_first_parameter(function) or "")
    facts.methods[method.name] = method
    _MethodWalker(facts, method, [0], shadowed_builtins).run(function.body)
    return facts, method


def collect_class_facts(class_node: cst.ClassDef, shadowed_builtins: Set[str]) -> ClassFacts:
    facts = ClassFacts(node=class_node)
    order = [0]
    for statement in class_node.body.body:
        if not isinstance(statement, cst.FunctionDef) or _is_static_or_class_method(statement):
            continue
        self_name = _first_parameter(statement)
        if self_name is None:
            continue
        method = MethodFacts(name=statement.name.value, node=statement, self_name=self_name)
        facts.methods[method.name] = method
        _MethodWalker(facts, method, order, shadowed_builtins).run(statement.body)
    return facts


def _is_static_or_class_method(function: cst.FunctionDef) -> bool:
    for decorator in function.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Name) and target.value in ("staticmethod", "classmethod"):
            return True
    return False


def _first_parameter(function: cst.FunctionDef) -> Optional[str]:
    params = list(function.params.posonly_params) + list(function.params.params)
    return params[0].name.value if params else None


class _MethodWalker:
    """Visits a method's nodes in source order, with `visit_<Type>` / `leave_<Type>` handlers."""

    def __init__(self, facts: ClassFacts, method: MethodFacts, order: List[int], shadowed: Set[str]) -> None:
        self.facts = facts
        self.method = method
        self.order = order
        self.shadowed = shadowed
        self.super_init_seen = method.name != "__init__"
        self.loops_over: List[Set[str]] = []

    def run(self, root: cst.CSTNode) -> None:
        _LEAVE = object()
        pending: list = [root]
        while pending:
            node = pending.pop()
            if node is _LEAVE:
                self.leave_For()
                continue
            handler = _HANDLERS.get(type(node))
            if handler is not None:
                handler(self, node)
            if type(node) is cst.For:
                pending.append(_LEAVE)
            pending.extend(reversed(list(children(node))))

    # --- helpers -------------------------------------------------------------------------------
    def _tick(self) -> int:
        self.order[0] += 1
        return self.order[0]

    def self_attribute(self, node: cst.CSTNode) -> Optional[str]:
        """`self.layers` -> "layers"; anything else -> None."""
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == self.method.self_name
        ):
            return node.attr.value
        return None

    def _builtin(self, func: cst.BaseExpression, names: frozenset) -> Optional[str]:
        if isinstance(func, cst.Name) and func.value in names and func.value not in self.shadowed:
            return func.value
        return None

    def _add_fill(self, target: cst.BaseExpression, fill_how: str, args, key=None) -> None:
        fill = Fill(how=fill_how, args=tuple(args), key=key, method=self.method, order=self._tick())
        attribute = self.self_attribute(target)
        if attribute is not None:
            self.facts.fills.setdefault(attribute, []).append(fill)
        elif isinstance(target, cst.Name):
            self.method.local_fills.setdefault(target.value, []).append(fill)

    def _add_use(self, attribute: str, how: str, detail: str, node: cst.CSTNode) -> None:
        self.facts.uses.setdefault(attribute, []).append(Use(how=how, detail=detail, node=node))

    # --- stores ---------------------------------------------------------------------------------
    def _store(self, target: cst.BaseExpression, value: cst.BaseExpression, statement, annotation=None) -> None:
        attribute = self.self_attribute(target)
        if attribute is not None:
            self.facts.stores.setdefault(attribute, []).append(
                Store(attribute, statement, value, annotation, self.method, self._tick(), not self.super_init_seen)
            )
            if isinstance(value, cst.Name):
                self.method.aliased_locals.add(value.value)
        elif isinstance(target, cst.Name):
            self.method.bindings.setdefault(target.value, []).append((value, self._tick()))
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            key = index.value if isinstance(index, cst.Index) else None
            self._add_fill(target.value, "setitem", [value], key)
            if self.self_attribute(target.value) is not None and key is None:
                self._add_use(self.self_attribute(target.value), "subscript", "slice assignment", target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:  # unpacking binds names to unknown values
                if isinstance(element.value, cst.Name):
                    self.method.bindings.setdefault(element.value.value, []).append((element.value, self._tick()))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._store(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target, node.value, node, node.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, cst.AddAssign):
            self._add_fill(node.target, "iadd", [node.value])
        elif self.self_attribute(node.target) is not None:
            self._add_use(self.self_attribute(node.target), "operator", type(node.operator).__name__, node)

    def visit_For(self, node: cst.For) -> None:
        self.loops_over.append(self._attributes_in(node.iter))
        if isinstance(node.target, cst.Name):
            self.method.bindings.setdefault(node.target.value, []).append((node.target, self._tick()))

    def leave_For(self) -> None:
        self.loops_over.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.method.returns.append(node.value)

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and self.self_attribute(target.value) is not None:
            self._add_use(self.self_attribute(target.value), "delete", "del item", node)

    # --- calls ----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._is_super_init(func):
            self.super_init_seen = True
        if self._is_registration(node):
            self.method.registers = True
            self.facts.registered.update(self._attributes_in(node))
            for attributes in self.loops_over:
                self.facts.registered.update(attributes)
        if isinstance(func, cst.Attribute):
            receiver_attribute = self.self_attribute(func.value)
            if func.attr.value in FILL_METHODS and (receiver_attribute is not None or isinstance(func.value, cst.Name)):
                args = [arg.value for arg in node.args]
                if func.attr.value in ("insert", "setdefault"):  # the first argument is a position or key
                    self._add_fill(func.value, func.attr.value, args[1:], args[0] if args else None)
                else:
                    self._add_fill(func.value, func.attr.value, args)
            elif receiver_attribute is not None:
                self._add_use(receiver_attribute, "method", func.attr.value, node)
            if self.self_attribute(func) in _CHILD_ITERATION:
                self.facts.iterates_children = True
        type_check = self._builtin(func, _TYPE_CHECKS)
        read_only = self._builtin(func, _READ_ONLY_BUILTINS)
        is_fill = isinstance(func, cst.Attribute) and func.attr.value in FILL_METHODS
        for arg in node.args:
            attribute = self.self_attribute(arg.value)
            if attribute is not None:
                if type_check:
                    self._add_use(attribute, "type-check", type_check, node)
                elif not read_only:  # handed to a call, `other.append(self.layers)` included
                    self.facts.escaped.add(attribute)
            elif isinstance(arg.value, cst.Name) and not read_only and not is_fill and not type_check:
                self.method.escaped_locals.setdefault(arg.value.value, []).append(func)

    def _is_super_init(self, func: cst.BaseExpression) -> bool:
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
            return False
        receiver = func.value
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name):
            return receiver.func.value == "super"
        return isinstance(receiver, (cst.Name, cst.Attribute))  # `nn.Module.__init__(self)`

    def _is_registration(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _REGISTERING_METHODS:
            return True
        return (
            isinstance(func, cst.Name)
            and func.value == "setattr"
            and bool(node.args)
            and isinstance(node.args[0].value, cst.Name)
            and node.args[0].value.value == self.method.self_name
        )

    def _attributes_in(self, node: cst.CSTNode) -> Set[str]:
        return {name for name in map(self.self_attribute, walk(node)) if name is not None}

    # --- other uses of self.<attribute> -----------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.self_attribute(node) in _CHILD_ITERATION:
            self.facts.iterates_children = True

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        for side in (node.left, node.right):
            attribute = self.self_attribute(side)
            if attribute is not None:
                self._add_use(attribute, "operator", type(node.operator).__name__, node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operands = [node.left] + [target.comparator for target in node.comparisons]
        operators = [type(target.operator).__name__ for target in node.comparisons]
        for operand in operands:
            attribute = self.self_attribute(operand)
            if attribute is not None and any(op not in ("In", "NotIn", "Is", "IsNot") for op in operators):
                self._add_use(attribute, "compare", ",".join(operators), node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        attribute = self.self_attribute(node.value)
        if attribute is not None:
            for element in node.slice:
                index = element.slice
                self._add_use(attribute, "subscript", "key" if isinstance(index, cst.Index) else "slice", index)


_HANDLERS = {
    getattr(cst, name[len("visit_"):]): handler
    for name, handler in vars(_MethodWalker).items()
    if name.startswith("visit_")
}
