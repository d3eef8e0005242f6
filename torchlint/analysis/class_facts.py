"""One walk over the methods of a class, recording every fact the container analysis needs.

Nothing here decides anything: it records where attributes of `self` are stored, filled, used,
passed on or registered, and what local names are bound to, in source order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from torchlint.analysis.walk import children

# Builtins that only read a container: passing `self.layers` to them does not hand it to torch.
_READ_ONLY_BUILTINS = frozenset(
    ("len", "enumerate", "zip", "reversed", "iter", "print", "range", "sorted", "sum", "any", "all", "min", "max",
     "list", "tuple", "map", "filter", "next", "repr", "str", "bool", "id", "hasattr", "getattr")
)
_TYPE_CHECKS = frozenset(("isinstance", "type", "issubclass"))
# Methods that put values into a list or dict: their arguments are fills, not escapes.
FILL_METHODS = frozenset(("append", "extend", "insert", "update", "setdefault"))
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
    # Other targets of the same statement (`self.a = self.b = [...]`, `self.a, self.b = [...], [...]`).
    shares_statement: bool = False


@dataclass(frozen=True)
class Fill:
    """`x.append(v)`, `x.extend(vs)`, `x.insert(i, v)`, `x += vs`, `x[k] = v`, `x.update(d)`..."""

    how: str  # a FILL_METHODS name, "iadd", "setitem", or "nested append" / "nested extend" (`self.d[k].append(m)`)
    args: Tuple[cst.BaseExpression, ...]
    key: Optional[cst.BaseExpression]
    method: "MethodFacts"
    order: int


@dataclass(frozen=True)
class Use:
    """Any other use of `self.<attribute>`, for fix safety: a method, an operator, a type check."""

    how: str  # "method", "builtin", "type-check", "operator", "compare", "subscript", "slice", "delete"...
    detail: str
    node: cst.CSTNode
    args: Tuple[cst.BaseExpression, ...] = ()


@dataclass(frozen=True)
class CallFact:
    """A call with arguments, other than a fill or a read-only builtin: it may register what it gets."""

    func: cst.BaseExpression
    args: Tuple[cst.Arg, ...]
    method: "MethodFacts"


@dataclass(eq=False)
class MethodFacts:
    name: str
    node: cst.FunctionDef
    self_name: str
    parameters: Tuple[str, ...] = ()  # after self
    bindings: Dict[str, List[Tuple[cst.BaseExpression, int]]] = field(default_factory=dict)
    # loop variable -> what the loop iterates (`for b in self.blocks`: "b" -> `self.blocks`)
    iterated: Dict[str, List[cst.BaseExpression]] = field(default_factory=dict)
    local_fills: Dict[str, List[Fill]] = field(default_factory=dict)
    # local name -> the callables it was passed to (other than read-only builtins and list fills)
    escaped_locals: Dict[str, List[cst.BaseExpression]] = field(default_factory=dict)
    aliased_locals: Set[str] = field(default_factory=set)
    returns: List[cst.BaseExpression] = field(default_factory=list)


@dataclass(eq=False)
class ClassFacts:
    node: Union[cst.ClassDef, cst.FunctionDef]
    methods: Dict[str, MethodFacts] = field(default_factory=dict)
    stores: Dict[str, List[Store]] = field(default_factory=dict)
    fills: Dict[str, List[Fill]] = field(default_factory=dict)
    uses: Dict[str, List[Use]] = field(default_factory=dict)
    escaped: Set[str] = field(default_factory=set)
    calls: List[CallFact] = field(default_factory=list)
    iterates_children: bool = False
    subclasses_torch_container: bool = False

    @property
    def name(self) -> str:
        return self.node.name.value


def collect_function_facts(function: cst.FunctionDef, shadowed_builtins: Set[str]) -> Tuple[ClassFacts, MethodFacts]:
    """A module-level function, read like a method of a class of its own (to judge what it returns)."""
    facts = ClassFacts(node=function)
    method = MethodFacts(
        name=function.name.value, node=function, self_name=_first_parameter(function) or "",
        parameters=_parameters(function)[1:],
    )
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
        method = MethodFacts(
            name=statement.name.value, node=statement, self_name=self_name, parameters=_parameters(statement)[1:]
        )
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
    params = _parameters(function)
    return params[0] if params else None


def _parameters(function: cst.FunctionDef) -> Tuple[str, ...]:
    return tuple(p.name.value for p in (*function.params.posonly_params, *function.params.params))


class _MethodWalker:
    """Visits a method's nodes in source order, with `visit_<Type>` / `leave_<Type>` handlers."""

    def __init__(self, facts: ClassFacts, method: MethodFacts, order: List[int], shadowed: Set[str]) -> None:
        self.facts = facts
        self.method = method
        self.order = order
        self.shadowed = shadowed
        self.super_init_seen = method.name != "__init__"

    def run(self, root: cst.CSTNode) -> None:
        pending: list = [root]
        while pending:
            node = pending.pop()
            handler = _HANDLERS.get(type(node))
            if handler is not None:
                handler(self, node)
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

    def _add_use(self, attribute: str, how: str, detail: str, node: cst.CSTNode, args=()) -> None:
        self.facts.uses.setdefault(attribute, []).append(Use(how=how, detail=detail, node=node, args=args))

    # --- stores ---------------------------------------------------------------------------------
    def _store(
        self, target: cst.BaseExpression, value: cst.BaseExpression, statement, annotation=None, shared=False
    ) -> None:
        attribute = self.self_attribute(target)
        if attribute is not None:
            self.facts.stores.setdefault(attribute, []).append(
                Store(attribute, statement, value, annotation, self.method, self._tick(), not self.super_init_seen,
                      shared)
            )
            if isinstance(value, cst.Name):
                self.method.aliased_locals.add(value.value)
        elif isinstance(target, cst.Name):
            self.method.bindings.setdefault(target.value, []).append((value, self._tick()))
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            if isinstance(index, cst.Index):
                self._add_fill(target.value, "setitem", [value], index.value)
            elif self.self_attribute(target.value) is not None:
                self._add_use(self.self_attribute(target.value), "slice", "assign", target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            pairs = _pairs(target, value)
            if pairs is not None:  # `self.a, self.b = [...], [...]`: each target gets its own value
                for each_target, each_value in pairs:
                    self._store(each_target, each_value, statement)
                return
            for element in target.elements:  # unpacking binds names to unknown values
                if isinstance(element.value, cst.Name):
                    self.method.bindings.setdefault(element.value.value, []).append((element.value, self._tick()))
                elif self.self_attribute(element.value) is not None:
                    self._store(element.value, element.value, statement, shared=True)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._store(target.target, node.value, node, shared=len(node.targets) > 1)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._store(node.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target, node.value, node, node.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, cst.AddAssign):
            self._add_fill(node.target, "iadd", [node.value])
        elif self.self_attribute(node.target) is not None:
            self._add_use(self.self_attribute(node.target), "operator", type(node.operator).__name__, node)

    def visit_For(self, node: cst.For) -> None:
        for name in target_names(node.target):
            self.method.bindings.setdefault(name.value, []).append((name, self._tick()))
            self.method.iterated.setdefault(name.value, []).append(node.iter)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.method.returns.append(node.value)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
        for target in targets:
            target = getattr(target, "value", target)
            if isinstance(target, cst.Subscript) and self.self_attribute(target.value) is not None:
                index = target.slice[0].slice if len(target.slice) == 1 else None
                how = "delete" if isinstance(index, cst.Index) else "slice"
                self._add_use(self.self_attribute(target.value), how, "delete", node)

    # --- calls ----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._is_super_init(func):
            self.super_init_seen = True
        literal_setattr = self._literal_setattr(node)
        if literal_setattr is not None:  # `setattr(self, "layers", [...])` is a store
            self._store(literal_setattr[0], literal_setattr[1], node)
        if isinstance(func, cst.Attribute):
            receiver_attribute = self.self_attribute(func.value)
            if func.attr.value in FILL_METHODS and (receiver_attribute is not None or isinstance(func.value, cst.Name)):
                args = [arg.value for arg in node.args]
                if func.attr.value in ("insert", "setdefault"):  # the first argument is a position or key
                    self._add_fill(func.value, func.attr.value, args[1:], args[0] if args else None)
                else:
                    self._add_fill(func.value, func.attr.value, args)
            elif receiver_attribute is not None:
                self._add_use(receiver_attribute, "method", func.attr.value, node, tuple(a.value for a in node.args))
            if func.attr.value in ("append", "extend") and isinstance(func.value, cst.Subscript):
                inner = self.self_attribute(func.value.value)  # `self.d[k].append(m)`: lists inside a dict
                if inner is not None:
                    fill = Fill(how=f"nested {func.attr.value}", args=tuple(a.value for a in node.args), key=None,
                                method=self.method, order=self._tick())
                    self.facts.fills.setdefault(inner, []).append(fill)
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
                elif read_only:
                    self._add_use(attribute, "builtin", read_only, node)
                else:  # handed to a call, `other.append(self.layers)` included
                    self.facts.escaped.add(attribute)
            elif isinstance(arg.value, cst.Name) and not read_only and not is_fill and not type_check:
                self.method.escaped_locals.setdefault(arg.value.value, []).append(func)
        if node.args and not is_fill and not read_only and not type_check:
            self.facts.calls.append(CallFact(func, tuple(node.args), self.method))

    def _literal_setattr(self, node: cst.Call):
        if (
            isinstance(node.func, cst.Name) and node.func.value == "setattr" and "setattr" not in self.shadowed
            and len(node.args) == 3 and all(arg.keyword is None and not arg.star for arg in node.args)
            and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value == self.method.self_name
            and isinstance(node.args[1].value, cst.SimpleString)
        ):
            name = node.args[1].value.evaluated_value
            if isinstance(name, str) and name.isidentifier():
                return cst.Attribute(value=node.args[0].value, attr=cst.Name(name)), node.args[2].value
        return None

    def _is_super_init(self, func: cst.BaseExpression) -> bool:
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
            return False
        receiver = func.value
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name):
            return receiver.func.value == "super"
        return isinstance(receiver, (cst.Name, cst.Attribute))  # `nn.Module.__init__(self)`

    # --- other uses of self.<attribute> -----------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.self_attribute(node) in _CHILD_ITERATION:
            self.facts.iterates_children = True

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        operator = type(node.operator).__name__
        # `[m] + self.x` fails on nn.ModuleList; what `other + self.x` does depends on `other`
        right = "radd" if operator == "Add" and isinstance(node.left, (cst.List, cst.ListComp)) else f"r{operator}"
        for side, detail in ((node.left, operator), (node.right, right)):
            attribute = self.self_attribute(side)
            if attribute is not None:
                self._add_use(attribute, "operator", detail, node)

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
                if not isinstance(element.slice, cst.Index):
                    self._add_use(attribute, "slice", "read", node)


def target_names(target: cst.BaseExpression) -> List[cst.Name]:
    """The names an assignment or loop target binds: `a`, `(a, b)`, `[a, (b, c)]`."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    return []


def _pairs(target: Union[cst.Tuple, cst.List], value: cst.BaseExpression):
    if not isinstance(value, (cst.Tuple, cst.List)) or len(value.elements) != len(target.elements):
        return None
    if any(isinstance(e, cst.StarredElement) for e in (*target.elements, *value.elements)):
        return None
    return [(t.value, v.value) for t, v in zip(target.elements, value.elements)]


_HANDLERS = {
    getattr(cst, name[len("visit_"):]): handler
    for name, handler in vars(_MethodWalker).items()
    if name.startswith("visit_")
}
