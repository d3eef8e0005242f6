"""Analyse one parsed file: its imports, its nn.Module classes and their container attributes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, List, Set, Tuple

import libcst as cst

from torchlint.analysis.class_facts import collect_class_facts
from torchlint.analysis.containers import ContainerAttribute, find_container_attributes
from torchlint.analysis.imports import ImportMap
from torchlint.analysis.resolver import Resolver
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import REGISTERING_CONTAINERS, torch_nn_class_name


@dataclass(frozen=True)
class ClassSummary:
    """A top-level class as other files see it: for the project-wide index of module classes."""

    qualified_name: str
    bases: Tuple[str, ...]


@dataclass(frozen=True)
class FileAnalysis:
    containers: Tuple[ContainerAttribute, ...]
    imports: ImportMap
    classes: Tuple[ClassSummary, ...]
    unresolved: FrozenSet[str]


def analyse_module(module: cst.Module, module_name: str, package: str, project: ProjectKnowledge) -> FileAnalysis:
    imports = ImportMap.from_module(module, module_name, package)
    resolver = Resolver(imports=imports, project=project)
    class_nodes = _all_classes(module)
    module_classes = _module_classes(class_nodes, resolver, module_name)
    shadowed = {name for name in ("list", "dict", "tuple", "len", "setattr", "super") if imports.binds(name)}
    containers: List[ContainerAttribute] = []
    for node in module_classes:
        facts = collect_class_facts(node, shadowed)
        facts.subclasses_torch_container = any(_is_torch_container(resolver, base) for base in _bases(node))
        containers.extend(find_container_attributes(facts, resolver))
    top_level = _top_level(module)
    summaries = tuple(
        ClassSummary(f"{module_name}.{node.name.value}", tuple(filter(None, map(imports.qualify, _bases(node)))))
        for node in class_nodes
        if node in top_level
    )
    own_prefix = f"{module_name}."
    unresolved = frozenset(name for name in resolver.unresolved if not name.startswith(own_prefix))
    return FileAnalysis(tuple(containers), imports, summaries, unresolved)


def _module_classes(class_nodes: List[cst.ClassDef], resolver: Resolver, module_name: str) -> List[cst.ClassDef]:
    """Classes whose bases reach a torch module class, through other classes of this file too."""
    found: List[cst.ClassDef] = []
    pending = list(class_nodes)
    changed = True
    while changed:
        changed = False
        for node in list(pending):
            if any(resolver.is_module_base(base) for base in _bases(node)):
                found.append(node)
                pending.remove(node)
                resolver.local_module_classes.add(f"{module_name}.{node.name.value}")
                changed = True
    found.sort(key=class_nodes.index)
    return found


def _is_torch_container(resolver: Resolver, base: cst.BaseExpression) -> bool:
    qualified = resolver.qualify(base) or ""
    return torch_nn_class_name(qualified) in REGISTERING_CONTAINERS


def _bases(node: cst.ClassDef) -> List[cst.BaseExpression]:
    return [arg.value for arg in node.bases if arg.keyword is None]


def _top_level(module: cst.Module) -> Set[cst.ClassDef]:
    return {statement for statement in module.body if isinstance(statement, cst.ClassDef)}


def _all_classes(module: cst.Module) -> List[cst.ClassDef]:
    classes: List[cst.ClassDef] = []

    class _Collect(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            classes.append(node)

    module.visit(_Collect())
    return classes
