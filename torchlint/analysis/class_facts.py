"""The facts the container analysis reads about a class, and the one place that decides them.

A reader (analysis/read_ast.py or analysis/read_cst.py) walks a method in source order and reports
each assignment, loop, return, deletion, call and operator to a `FactCollector`, as parser-neutral
expressions (analysis/syntax.py). The collector decides what each one is: a store on `self`, a fill
of a container, another use of an attribute, a local binding. Nothing here judges the class.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from torchlint.analysis import syntax as syn
from torchlint.analysis.syntax import Expr, Span

# Builtins that only read a container: passing `self.layers` to them does not hand it to torch.
_READ_ONLY_BUILTINS = frozenset(
    ("len", "enumerate", "zip", "reversed", "iter", "print", "range", "sorted", "sum", "any", "all", "min", "max",
     "list", "tuple", "map", "filter", "next", "repr", "str", "bool", "id", "hasattr", "getattr")
)
_TYPE_CHECKS = frozenset(("isinstance", "type", "issubclass"))
_CHILD_ITERATION = frozenset(("children", "named_children", "_modules"))
_MEMBERSHIP = frozenset(("In", "NotIn", "Is", "IsNot"))


class FillHow(enum.Enum):
    """How a container is filled after it is made."""

    APPEND = "append"
    EXTEND = "extend"
    INSERT = "insert"
    UPDATE = "update"
    SETDEFAULT = "setdefault"
    IADD = "iadd"  # `x += vs`
    SETITEM = "setitem"  # `x[k] = v`
    NESTED_APPEND = "nested append"  # `self.d[k].append(m)`: lists inside a dict
    NESTED_EXTEND = "nested extend"

    @property
    def nested(self) -> bool:
        return self in (FillHow.NESTED_APPEND, FillHow.NESTED_EXTEND)


# Methods that put values into a list or dict: their arguments are fills, not escapes.
FILL_METHODS: Dict[str, FillHow] = {
    how.value: how for how in (FillHow.APPEND, FillHow.EXTEND, FillHow.INSERT, FillHow.UPDATE, FillHow.SETDEFAULT)
}


class UseHow(enum.Enum):
    """Any other use of an attribute, for fix safety."""

    METHOD = "method"  # `self.x.index(m)`
    BUILTIN = "builtin"  # `sorted(self.x)`
    TYPE_CHECK = "type-check"  # `isinstance(self.x, list)`
    OPERATOR = "operator"  # `self.x + other`, `self.x *= 2`
    COMPARE = "compare"  # `self.x == []`
    SLICE = "slice"  # `self.x[1:]`, `self.x[a:b] = ...`, `del self.x[a:b]`
    DELETE = "delete"  # `del self.x[k]`


class StoreForm(enum.Enum):
    """Where a store's value sits in its statement: how a fix finds it again."""

    ASSIGN = "assign"  # `self.x = value` (one of its targets)
    ANNOTATED = "annotated"  # `self.x: T = value`
    UNPACKED = "unpacked"  # `self.a, self.b = va, vb`: `index` says which value
    SETATTR = "setattr"  # `setattr(self, "x", value)`


@dataclass(frozen=True)
class Store:
    """`self.<attribute> = value` (or an annotated assignment, or a literal setattr) in some method."""

    attribute: str
    value: Expr
    annotation: Optional[Expr]
    statement: Span  # the assignment statement, or the setattr call
    form: StoreForm
    method: "MethodFacts"
    order: int
    before_super_init: bool
    # Other targets of the same statement (`self.a = self.b = [...]`, `self.a, self.b = [...], [...]`).
    shares_statement: bool = False
    index: int = 0  # StoreForm.UNPACKED: the position of the value


@dataclass(frozen=True)
class Fill:
    """`x.append(v)`, `x.extend(vs)`, `x.insert(i, v)`, `x += vs`, `x[k] = v`, `x.update(d)`..."""

    how: FillHow
    args: Tuple[Expr, ...]
    key: Optional[Expr]
    method: "MethodFacts"
    order: int


@dataclass(frozen=True)
class Use:
    """Any other use of `self.<attribute>`: a method, an operator, a type check."""

    how: UseHow
    detail: str
    args: Tuple[Expr, ...] = ()


@dataclass(frozen=True)
class CallFact:
    """A call with arguments, other than a fill or a read-only builtin: it may register what it gets."""

    func: Expr
    args: Tuple[syn.Arg, ...]
    method: "MethodFacts"


@dataclass(eq=False)
class MethodFacts:
    name: str
    self_name: str
    parameters: Tuple[str, ...] = ()  # after self
    bindings: Dict[str, List[Tuple[Expr, int]]] = field(default_factory=dict)
    # loop variable -> what the loop iterates (`for b in self.blocks`: "b" -> `self.blocks`)
    iterated: Dict[str, List[Expr]] = field(default_factory=dict)
    # local name -> the callables it was passed to (other than read-only builtins and list fills)
    escaped_locals: Dict[str, List[Expr]] = field(default_factory=dict)
    aliased_locals: Set[str] = field(default_factory=set)
    returns: List[Expr] = field(default_factory=list)
    # The outermost expressions of the method's statements, in source order (read for `forward`).
    expressions: List[Expr] = field(default_factory=list)


@dataclass(eq=False)
class ClassFacts:
    name: str
    methods: Dict[str, MethodFacts] = field(default_factory=dict)
    stores: Dict[str, List[Store]] = field(default_factory=dict)
    fills: Dict[str, List[Fill]] = field(default_factory=dict)
    uses: Dict[str, List[Use]] = field(default_factory=dict)
    escaped: Set[str] = field(default_factory=set)
    calls: List[CallFact] = field(default_factory=list)
    # method -> local name -> the fills of that local (`layers.append(b)`). Kept here, not on the method:
    # a fill names its method, and the cycle would live until the garbage collector found it.
    local_fills: Dict[MethodFacts, Dict[str, List[Fill]]] = field(default_factory=dict)
    iterates_children: bool = False
    subclasses_torch_container: bool = False
    # Instance methods left unread (AstFile.storing_facts): the facts of the others are a part of the
    # class's, enough to judge its stores as long as no unread method is asked for (UnreadMethod).
    unread: FrozenSet[str] = frozenset()
    # The last tick of the class's source order, which a reading of more methods goes on from.
    order: List[int] = field(default_factory=lambda: [0])

    def fills_of_local(self, method: MethodFacts, name: str) -> List[Fill]:
        return self.local_fills.get(method, {}).get(name, [])


class UnreadMethod(Exception):
    """A method the facts left unread (ClassFacts.unread) was asked for: the class must be read whole."""


# A function as a reader sees it: its name, its positional parameters, its body (the reader's own node).
Function = Tuple[str, Tuple[str, ...], Any]
Walk = Callable[[Any, "FactCollector"], None]
# Where a node of the reader's parser stands. Asked only for what the facts keep (a store's statement):
# most statements and calls are no store, and their spans would cost a good part of a class's reading.
SpanOf = Callable[[Any], Span]


def read_class(name: str, methods: Iterable[Function], walk: Walk, span_of: SpanOf, shadowed: FrozenSet[str],
               facts: Optional[ClassFacts] = None) -> ClassFacts:
    """A class from its instance methods (a method without parameters has no `self`: skipped). `facts`:
    those of other methods of the class, which these methods' are added to."""
    facts = ClassFacts(name=name) if facts is None else facts
    for method_name, parameters, body in methods:
        if parameters:
            method = MethodFacts(name=method_name, self_name=parameters[0], parameters=parameters[1:])
            facts.methods[method.name] = method
            walk(body, FactCollector(facts, method, facts.order, span_of, shadowed))
    return facts


def read_function(function: Function, walk: Walk, span_of: SpanOf, shadowed: FrozenSet[str]) -> Tuple[ClassFacts, MethodFacts]:
    """A module-level function, read like the one method of a class of its own."""
    name, parameters, body = function
    facts = ClassFacts(name=name)
    method = MethodFacts(name=name, self_name=parameters[0] if parameters else "", parameters=parameters[1:])
    facts.methods[name] = method
    walk(body, FactCollector(facts, method, [0], span_of, shadowed))
    return facts, method


class ExpressionReader:
    """What both readers share: each node of their parser converted once, by the reader's table."""

    converters: ClassVar[Dict[type, Callable[[Any, Any], Expr]]]

    def __init__(self) -> None:
        self.seen: Dict[int, Expr] = {}

    def expression(self, node: Any) -> Expr:
        key = id(node)
        converted = self.seen.get(key)
        if converted is None:
            convert = self.converters.get(type(node))
            converted = syn.Other() if convert is None else convert(self, node)
            self.seen[key] = converted
        return converted

    def optional(self, node: Any) -> Optional[Expr]:
        return None if node is None else self.expression(node)

    def outermost(self, collector: "FactCollector", *nodes: Any) -> None:
        """Report the outermost expressions of a statement (only `forward`'s are kept)."""
        if collector.method.name == "forward":
            for node in nodes:
                if node is not None:
                    collector.expression(self.expression(node))


class FactCollector:
    """Receives one method's events in source order; `order` is shared by the methods of a class. Events
    name their statement or call by the reader's own node; `span_of` says where it stands."""

    def __init__(self, facts: ClassFacts, method: MethodFacts, order: List[int], span_of: SpanOf,
                 shadowed: FrozenSet[str]) -> None:
        self.facts = facts
        self.method = method
        self.order = order
        self.span_of = span_of
        self.shadowed = shadowed
        self.super_init_seen = method.name != "__init__"

    def _tick(self) -> int:
        self.order[0] += 1
        return self.order[0]

    def self_attribute(self, node: Optional[Expr]) -> Optional[str]:
        """`self.layers` -> "layers"; anything else -> None."""
        if isinstance(node, syn.Attribute) and isinstance(node.value, syn.Name) and node.value.value == self.method.self_name:
            return node.attr
        return None

    def _add_fill(self, target: Expr, how: FillHow, args: Sequence[Expr], key: Optional[Expr] = None) -> None:
        fill = Fill(how=how, args=tuple(args), key=key, method=self.method, order=self._tick())
        attribute = self.self_attribute(target)
        if attribute is not None:
            self.facts.fills.setdefault(attribute, []).append(fill)
        elif isinstance(target, syn.Name):
            self.facts.local_fills.setdefault(self.method, {}).setdefault(target.value, []).append(fill)

    def _add_use(self, attribute: str, how: UseHow, detail: str, args: Tuple[Expr, ...] = ()) -> None:
        self.facts.uses.setdefault(attribute, []).append(Use(how=how, detail=detail, args=args))

    def _bind(self, name: str, value: Expr) -> None:
        self.method.bindings.setdefault(name, []).append((value, self._tick()))

    # --- statements -----------------------------------------------------------------------------
    def expression(self, node: Expr) -> None:
        """An outermost expression of a statement of the method."""
        if self.method.name == "forward":
            self.method.expressions.append(node)

    def assign(self, targets: Sequence[Expr], value: Expr, statement: Any, annotation: Optional[Expr] = None) -> None:
        form = StoreForm.ASSIGN if annotation is None else StoreForm.ANNOTATED
        for target in targets:
            self._store(target, value, statement, form, annotation, shared=len(targets) > 1)

    def _store(self, target: Expr, value: Expr, statement: Any, form: StoreForm, annotation: Optional[Expr] = None,
               shared: bool = False, index: int = 0) -> None:
        attribute = self.self_attribute(target)
        if attribute is not None:
            self.facts.stores.setdefault(attribute, []).append(
                Store(attribute, value, annotation, self.span_of(statement), form, self.method, self._tick(),
                      not self.super_init_seen, shared, index)
            )
            if isinstance(value, syn.Name):
                self.method.aliased_locals.add(value.value)
        elif isinstance(target, syn.Name):
            self._bind(target.value, value)
        elif isinstance(target, syn.Subscript):
            index_value = target.single_index
            if index_value is not None:
                self._add_fill(target.value, FillHow.SETITEM, [value], index_value)
            elif self.self_attribute(target.value) is not None:
                self._add_use(self.self_attribute(target.value), UseHow.SLICE, "assign")  # type: ignore[arg-type]
        elif isinstance(target, (syn.Tuple_, syn.List)):
            pairs = _pairs(target, value)
            if pairs is not None:  # `self.a, self.b = [...], [...]`: each target gets its own value
                for position, (each_target, each_value) in enumerate(pairs):
                    self._store(each_target, each_value, statement, StoreForm.UNPACKED, index=position)
                return
            for element in target.elements:  # unpacking binds names to unknown values
                if isinstance(element, syn.Starred):
                    element = element.value
                if isinstance(element, syn.Name):
                    self._bind(element.value, element)
                elif self.self_attribute(element) is not None:
                    self._store(element, element, statement, form, shared=True)

    def named_expression(self, target: Expr, value: Expr) -> None:
        if isinstance(target, syn.Name):
            self._bind(target.value, value)

    def augmented(self, target: Expr, operator: str, value: Expr) -> None:
        """`target <operator>= value`; `operator` as libcst names it ("AddAssign", "MultiplyAssign")."""
        if operator == "AddAssign":
            self._add_fill(target, FillHow.IADD, [value])
        elif self.self_attribute(target) is not None:
            self._add_use(self.self_attribute(target), UseHow.OPERATOR, operator)  # type: ignore[arg-type]

    def loop(self, target: Expr, iterated: Expr) -> None:
        for name in target_names(target):
            self._bind(name.value, name)
            self.method.iterated.setdefault(name.value, []).append(iterated)

    def returned(self, value: Expr) -> None:
        self.method.returns.append(value)

    def deleted(self, targets: Sequence[Expr]) -> None:
        for target in targets:
            if isinstance(target, syn.Subscript) and self.self_attribute(target.value) is not None:
                how = UseHow.DELETE if target.single_index is not None else UseHow.SLICE
                self._add_use(self.self_attribute(target.value), how, "delete")  # type: ignore[arg-type]

    # --- expressions ------------------------------------------------------------------------------
    def call(self, node: syn.Call, where: Any) -> None:
        """`where`: the reader's node of the call (a literal setattr is reported there)."""
        func, args = node.func, node.args
        fill_how: Optional[FillHow] = None
        type_check = read_only = None
        if isinstance(func, syn.Attribute):
            if _is_super_init(func):
                self.super_init_seen = True
            fill_how = self._method_call(func, args)
        elif isinstance(func, syn.Name) and func.value not in self.shadowed:
            literal_setattr = self._literal_setattr(node) if func.value == "setattr" else None
            if literal_setattr is not None:  # `setattr(self, "layers", [...])` is a store
                self._store(literal_setattr[0], literal_setattr[1], where, StoreForm.SETATTR)
            type_check = func.value if func.value in _TYPE_CHECKS else None
            read_only = func.value if func.value in _READ_ONLY_BUILTINS else None
        handed_over = fill_how is None and not read_only and not type_check
        for arg in args:
            attribute = self.self_attribute(arg.value)
            if attribute is not None:
                if type_check:
                    self._add_use(attribute, UseHow.TYPE_CHECK, type_check)
                elif read_only:
                    self._add_use(attribute, UseHow.BUILTIN, read_only)
                else:  # handed to a call, `other.append(self.layers)` included
                    self.facts.escaped.add(attribute)
            elif handed_over and isinstance(arg.value, syn.Name):
                self.method.escaped_locals.setdefault(arg.value.value, []).append(func)
        if args and handed_over:
            self.facts.calls.append(CallFact(func, args, self.method))

    def _method_call(self, func: syn.Attribute, args: Tuple[syn.Arg, ...]) -> Optional[FillHow]:
        """`receiver.method(args)`: a fill, or a use of an attribute. Says how it fills, if it does."""
        fill_how = FILL_METHODS.get(func.attr)
        receiver_attribute = self.self_attribute(func.value)
        if fill_how is not None or receiver_attribute is not None:
            values = tuple(arg.value for arg in args)
            if fill_how is not None and (receiver_attribute is not None or isinstance(func.value, syn.Name)):
                if fill_how in (FillHow.INSERT, FillHow.SETDEFAULT):  # the first argument is a position or key
                    self._add_fill(func.value, fill_how, values[1:], values[0] if values else None)
                else:
                    self._add_fill(func.value, fill_how, values)
            elif receiver_attribute is not None:
                self._add_use(receiver_attribute, UseHow.METHOD, func.attr, values)
            if fill_how in (FillHow.APPEND, FillHow.EXTEND) and isinstance(func.value, syn.Subscript):
                inner = self.self_attribute(func.value.value)  # `self.d[k].append(m)`: lists inside a dict
                if inner is not None:
                    nested = FillHow.NESTED_APPEND if fill_how is FillHow.APPEND else FillHow.NESTED_EXTEND
                    fill = Fill(how=nested, args=values, key=None, method=self.method, order=self._tick())
                    self.facts.fills.setdefault(inner, []).append(fill)
        if func.attr in _CHILD_ITERATION and self.self_attribute(func) is not None:
            self.facts.iterates_children = True
        return fill_how

    def _literal_setattr(self, node: syn.Call) -> Optional[Tuple[Expr, Expr]]:
        args = node.args
        if (
            isinstance(node.func, syn.Name) and node.func.value == "setattr" and "setattr" not in self.shadowed
            and len(args) == 3 and all(arg.keyword is None and not arg.star for arg in args)
            and isinstance(args[0].value, syn.Name) and args[0].value.value == self.method.self_name
            and isinstance(args[1].value, syn.Constant)
        ):
            name = args[1].value.value
            if isinstance(name, str) and name.isidentifier():
                return syn.Attribute(args[0].value, name), args[2].value
        return None

    # The only attribute names `attribute` looks at: a reader need not report the others.
    WATCHED_ATTRIBUTES: ClassVar[FrozenSet[str]] = _CHILD_ITERATION

    def attribute(self, node: syn.Attribute) -> None:
        if self.self_attribute(node) in _CHILD_ITERATION:
            self.facts.iterates_children = True

    def binary(self, node: syn.BinaryOperation) -> None:
        operator = node.operator
        # `[m] + self.x` fails on nn.ModuleList; what `other + self.x` does depends on `other`
        right = "radd" if operator == "Add" and isinstance(node.left, (syn.List, syn.ListComp)) else f"r{operator}"
        for side, detail in ((node.left, operator), (node.right, right)):
            attribute = self.self_attribute(side)
            if attribute is not None:
                self._add_use(attribute, UseHow.OPERATOR, detail)

    def comparison(self, operands: Sequence[Expr], operators: Sequence[str]) -> None:
        """`operators` as libcst names them ("Equal", "In", "IsNot"...)."""
        if all(operator in _MEMBERSHIP for operator in operators):
            return
        for operand in operands:
            attribute = self.self_attribute(operand)
            if attribute is not None:
                self._add_use(attribute, UseHow.COMPARE, ",".join(operators))

    def subscript(self, node: syn.Subscript) -> None:
        attribute = self.self_attribute(node.value)
        if attribute is not None:
            for element in node.elements:
                if isinstance(element, syn.Slice):
                    self._add_use(attribute, UseHow.SLICE, "read")


def _is_super_init(func: Expr) -> bool:
    if not (isinstance(func, syn.Attribute) and func.attr == "__init__"):
        return False
    receiver = func.value
    if isinstance(receiver, syn.Call) and isinstance(receiver.func, syn.Name):
        return receiver.func.value == "super"
    return isinstance(receiver, (syn.Name, syn.Attribute))  # `nn.Module.__init__(self)`


def target_names(target: Expr) -> List[syn.Name]:
    """The names an assignment or loop target binds: `a`, `(a, b)`, `[a, (b, c)]`."""
    if isinstance(target, syn.Name):
        return [target]
    if isinstance(target, syn.Starred):
        return target_names(target.value)
    if isinstance(target, (syn.Tuple_, syn.List)):
        return [name for element in target.elements for name in target_names(element)]
    return []


def _pairs(target, value) -> Optional[List[Tuple[Expr, Expr]]]:
    if not isinstance(value, (syn.Tuple_, syn.List)) or len(value.elements) != len(target.elements):
        return None
    if any(isinstance(e, syn.Starred) for e in (*target.elements, *value.elements)):
        return None
    return list(zip(target.elements, value.elements))
