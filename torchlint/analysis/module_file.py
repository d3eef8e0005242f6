"""Analyse one parsed file: its nn.Module classes and their container attributes."""
from __future__ import annotations

from dataclasses import replace
from typing import Dict, FrozenSet, Iterable, List, Set, Tuple, Union

import libcst as cst

from torchlint.analysis.class_facts import collect_class_facts, collect_function_facts
from torchlint.analysis.class_state import resolve_states
from torchlint.analysis.containers import ContainerAttribute, find_container_attributes, returned_kinds
from torchlint.analysis.cst_names import import_statement
from torchlint.analysis.imports import ClassRecord, ImportMap, ImportStatement
from torchlint.analysis.tensors import TensorAttribute, find_tensor_attributes
from torchlint.analysis.resolver import MODULE_KINDS, Resolver, ValueKind
from torchlint.analysis.walk import children
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import REGISTERING_CONTAINERS, torch_nn_class_name


def analyse_module(
    module: cst.Module, imports: ImportMap, project: ProjectKnowledge, class_records: Iterable[ClassRecord] = ()
) -> List[Union[ContainerAttribute, TensorAttribute]]:
    """What the rules judge: container attributes and tensor attributes of the file's module classes.
    `class_records`: the file's module-level classes as the `ast` stage read them, with their state."""
    resolver = Resolver(imports=imports, project=project)
    own = {f"{imports.module_name}.{record.name}": record.state for record in class_records}
    resolver.class_states.update(resolve_states(own, project.class_states))
    classes = _all_classes(module)
    resolvers = {node: replace(resolver, imports=imports.extended(local)) if local else resolver
                 for node, local in classes}
    class_nodes = [node for node, _ in classes]
    module_classes = _module_classes(class_nodes, resolvers, imports.module_name)
    shadowed = frozenset(name for name in _SHADOWABLE if imports.binds(name))
    _find_factories(module, resolver, shadowed)
    containers: List[Union[ContainerAttribute, TensorAttribute]] = []
    for node in class_nodes:
        if node in module_classes:
            facts = collect_class_facts(node, set(shadowed))
            facts.subclasses_torch_container = any(_is_torch_container(resolvers[node], base) for base in _bases(node))
            containers.extend(find_container_attributes(facts, resolvers[node], shadowed))
            containers.extend(find_tensor_attributes(facts, resolvers[node]))
    return containers


_SHADOWABLE = ("list", "dict", "tuple", "len", "setattr", "super", "map", "zip", "reversed", "sorted", "iter",
               "enumerate", "filter", "next", "set")


def _find_factories(module: cst.Module, resolver: Resolver, shadowed: FrozenSet[str]) -> None:
    """Module-level functions that return a module on every path (`def conv3x3(...): return
    nn.Conv2d(...)`) make modules too; factories may call each other, hence the rounds."""
    functions = [statement for statement in module.body if isinstance(statement, cst.FunctionDef)]
    read = [(f, *collect_function_facts(f, set(shadowed))) for f in functions]
    for _ in range(3):
        found = False
        for function, facts, method in read:
            qualified = f"{resolver.imports.module_name}.{function.name.value}"
            kinds = returned_kinds(facts, method, resolver)
            if kinds <= _FACTORY_KINDS and resolver.local_factories.get(qualified) != kinds:
                resolver.local_factories[qualified] = kinds
                found = True
        if not found:
            return


_FACTORY_KINDS = MODULE_KINDS | {ValueKind.PARAMETER}


def _module_classes(
    class_nodes: List[cst.ClassDef], resolvers: Dict[cst.ClassDef, Resolver], module_name: str
) -> Set[cst.ClassDef]:
    """Classes whose bases reach a torch module class, through other classes of this file too."""
    found: Set[cst.ClassDef] = set()
    changed = True
    while changed:
        changed = False
        for node in class_nodes:
            if node not in found and any(resolvers[node].is_module_base(base) for base in _bases(node)):
                found.add(node)
                resolvers[node].local_module_classes.add(f"{module_name}.{node.name.value}")
                changed = True
    return found


def _is_torch_container(resolver: Resolver, base: cst.BaseExpression) -> bool:
    return torch_nn_class_name(resolver.qualify(base) or "") in REGISTERING_CONTAINERS


def _bases(node: cst.ClassDef) -> List[cst.BaseExpression]:
    return [arg.value for arg in node.bases if arg.keyword is None]


def _all_classes(module: cst.Module) -> List[Tuple[cst.ClassDef, Tuple[ImportStatement, ...]]]:
    """Every class statement, nested ones included, with the imports of the functions it is defined
    in; expressions are never entered."""
    classes: List[Tuple[cst.ClassDef, Tuple[ImportStatement, ...]]] = []
    pending: List[Tuple[cst.CSTNode, Tuple[ImportStatement, ...]]] = [(node, ()) for node in reversed(module.body)]
    while pending:
        node, imports = pending.pop()
        if isinstance(node, cst.ClassDef):
            classes.append((node, imports))
        if isinstance(node, cst.FunctionDef):
            imports = imports + tuple(import_statement(s) for s in _simple_statements(node.body))
        if isinstance(node, _BLOCK_NODES):
            pending.extend((c, imports) for c in reversed([c for c in children(node) if isinstance(c, _BLOCK_NODES)]))
    return classes


def _simple_statements(block: cst.BaseSuite) -> List[Union[cst.Import, cst.ImportFrom]]:
    """The import statements directly in a function's body (and its if/try/with blocks)."""
    found: List[Union[cst.Import, cst.ImportFrom]] = []
    pending: List[cst.CSTNode] = [block]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            found.append(node)
        elif isinstance(node, (cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.If, cst.Try,
                               cst.With, cst.Else, cst.Finally, cst.ExceptHandler)):
            pending.extend(children(node))
    return found


_BLOCK_NODES = (cst.BaseCompoundStatement, cst.IndentedBlock, cst.Else, cst.Finally, cst.ExceptHandler,
                cst.ExceptStarHandler, cst.MatchCase)
