"""Analyse one parsed file: its nn.Module classes and their container attributes."""
from __future__ import annotations

from typing import List, Set

import libcst as cst

from torchlint.analysis.class_facts import collect_class_facts, collect_function_facts
from torchlint.analysis.containers import ContainerAttribute, find_container_attributes, returned_kind
from torchlint.analysis.imports import ImportMap
from torchlint.analysis.resolver import Resolver, ValueKind
from torchlint.analysis.walk import children
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import REGISTERING_CONTAINERS, torch_nn_class_name


def analyse_module(module: cst.Module, imports: ImportMap, project: ProjectKnowledge) -> List[ContainerAttribute]:
    resolver = Resolver(imports=imports, project=project)
    class_nodes = _all_classes(module)
    module_classes = _module_classes(class_nodes, resolver, imports.module_name)
    shadowed = {name for name in ("list", "dict", "tuple", "len", "setattr", "super") if imports.binds(name)}
    _find_factories(module, resolver, shadowed)
    containers: List[ContainerAttribute] = []
    for node in class_nodes:
        if node in module_classes:
            facts = collect_class_facts(node, shadowed)
            facts.subclasses_torch_container = any(_is_torch_container(resolver, base) for base in _bases(node))
            containers.extend(find_container_attributes(facts, resolver))
    return containers


def _find_factories(module: cst.Module, resolver: Resolver, shadowed: Set[str]) -> None:
    """Module-level functions that return a module on every path (`def conv3x3(...): return
    nn.Conv2d(...)`) make modules too; factories may call each other, hence the rounds."""
    functions = [statement for statement in module.body if isinstance(statement, cst.FunctionDef)]
    read = [(f, *collect_function_facts(f, shadowed)) for f in functions]
    for _ in range(3):
        found = False
        for function, facts, method in read:
            qualified = f"{resolver.imports.module_name}.{function.name.value}"
            kind = returned_kind(facts, method, resolver)
            if kind in _FACTORY_KINDS and resolver.local_factories.get(qualified) is not kind:
                resolver.local_factories[qualified] = kind
                found = True
        if not found:
            return


_FACTORY_KINDS = (ValueKind.MODULE, ValueKind.STATELESS_MODULE, ValueKind.PARAMETER)


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
