"""Analyse one parsed file: its nn.Module classes and their container attributes."""
from __future__ import annotations

from typing import FrozenSet, Iterable, List, Set

import libcst as cst

from torchlint.analysis.class_facts import collect_class_facts, collect_function_facts
from torchlint.analysis.class_state import resolve_states
from torchlint.analysis.containers import ContainerAttribute, find_container_attributes, returned_kinds
from torchlint.analysis.imports import ClassRecord, ImportMap
from torchlint.analysis.resolver import MODULE_KINDS, Resolver, ValueKind
from torchlint.analysis.walk import children
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import REGISTERING_CONTAINERS, torch_nn_class_name


def analyse_module(
    module: cst.Module, imports: ImportMap, project: ProjectKnowledge, class_records: Iterable[ClassRecord] = ()
) -> List[ContainerAttribute]:
    """`class_records`: the file's module-level classes as the `ast` stage read them, with their state."""
    resolver = Resolver(imports=imports, project=project)
    own = {f"{imports.module_name}.{record.name}": record.state for record in class_records}
    resolver.class_states.update(resolve_states(own, project.class_states))
    class_nodes = _all_classes(module)
    module_classes = _module_classes(class_nodes, resolver, imports.module_name)
    shadowed = frozenset(name for name in _SHADOWABLE if imports.binds(name))
    _find_factories(module, resolver, shadowed)
    containers: List[ContainerAttribute] = []
    for node in class_nodes:
        if node in module_classes:
            facts = collect_class_facts(node, set(shadowed))
            facts.subclasses_torch_container = any(_is_torch_container(resolver, base) for base in _bases(node))
            containers.extend(find_container_attributes(facts, resolver, shadowed))
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


def _module_classes(class_nodes: List[cst.ClassDef], resolver: Resolver, module_name: str) -> Set[cst.ClassDef]:
    """Classes whose bases reach a torch module class, through other classes of this file too."""
    found: Set[cst.ClassDef] = set()
    changed = True
    while changed:
        changed = False
        for node in class_nodes:
            if node not in found and any(resolver.is_module_base(base) for base in _bases(node)):
                found.add(node)
                resolver.local_module_classes.add(f"{module_name}.{node.name.value}")
                changed = True
    return found


def _is_torch_container(resolver: Resolver, base: cst.BaseExpression) -> bool:
    return torch_nn_class_name(resolver.qualify(base) or "") in REGISTERING_CONTAINERS


def _bases(node: cst.ClassDef) -> List[cst.BaseExpression]:
    return [arg.value for arg in node.bases if arg.keyword is None]


def _all_classes(module: cst.Module) -> List[cst.ClassDef]:
    """Every class statement, nested ones included; expressions are never entered."""
    classes: List[cst.ClassDef] = []
    pending: List[cst.CSTNode] = list(reversed(module.body))
    while pending:
        node = pending.pop()
        if isinstance(node, cst.ClassDef):
            classes.append(node)
        if isinstance(node, _BLOCK_NODES):
            pending.extend(reversed([c for c in children(node) if isinstance(c, _BLOCK_NODES)]))
    return classes


_BLOCK_NODES = (cst.BaseCompoundStatement, cst.IndentedBlock, cst.Else, cst.Finally, cst.ExceptHandler,
                cst.ExceptStarHandler, cst.MatchCase)
