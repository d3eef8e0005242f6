"""Analyse one read file: its nn.Module classes and their container and tensor attributes.

The file comes from either reader (analysis/read_ast.py, analysis/read_cst.py); what follows does not
know which.
"""
from __future__ import annotations

from dataclasses import replace
from typing import FrozenSet, Iterable, List, Protocol, Sequence, Set, Tuple, Union

from torchlint.analysis.class_facts import ClassFacts, MethodFacts, UnreadMethod
from torchlint.analysis.class_state import resolve_states
from torchlint.analysis.containers import (
    ContainerAttribute, candidate_attributes, find_container_attributes, returned_kinds, stores_plain_container,
)
from torchlint.analysis.imports import ClassRecord, ImportMap, ModuleRecords
from torchlint.analysis.read_ast import AstFile, ClassSyntax
from torchlint.analysis.resolver import MODULE_KINDS, Resolver, ValueKind
from torchlint.analysis.tensors import TensorAttribute, find_tensor_attributes, tensor_candidates
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import REGISTERING_CONTAINERS, torch_nn_class_name

Subject = Union[ContainerAttribute, TensorAttribute]


class ReadFile(Protocol):
    records: ModuleRecords

    def classes(self) -> List[ClassSyntax]: ...

    def class_facts(self, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts: ...

    def function_facts(self, shadowed: FrozenSet[str]) -> List[Tuple[ClassFacts, MethodFacts]]: ...


def analyse_module(
    file: ReadFile, imports: ImportMap, project: ProjectKnowledge, class_records: Iterable[ClassRecord] = ()
) -> List[Subject]:
    """What the rules judge: container attributes and tensor attributes of the file's module classes.
    `class_records`: the file's module-level classes with their state."""
    resolver = Resolver(imports=imports, project=project)
    own = {f"{imports.module_name}.{record.name}": record.state for record in class_records}
    resolver.class_states.update(resolve_states(own, project.class_states))
    classes = file.classes()
    resolvers = [_class_resolver(resolver, c) for c in classes]
    module_classes = _module_classes(classes, resolvers, imports.module_name)
    shadowed = shadowed_builtins(imports)
    _find_factories(file, resolver, shadowed)
    found: List[Subject] = []
    for syntax, class_resolver in zip(classes, resolvers):
        if id(syntax) in module_classes:
            facts = file.class_facts(syntax, shadowed)
            facts.subclasses_torch_container = any(_is_torch_container(class_resolver, b) for b in syntax.bases)
            found.extend(find_container_attributes(facts, class_resolver, shadowed))
            found.extend(find_tensor_attributes(facts, class_resolver))
    return found


def classes_that_may_hold_findings(file: AstFile, imports: ImportMap, trainable: bool, plain_tensors: bool) -> List[ClassSyntax]:
    """The classes with a base that could hold a finding, whatever the run knows about module classes:
    each stores on self a plain container (or a tensor the tensor rules judge). This is the first step
    of the analysis itself, run before the project's module classes are known. Most classes store
    neither, which the facts of their storing methods tell (`AstFile.storing_facts`)."""
    shadowed = shadowed_builtins(imports)
    resolver = Resolver(imports=imports, project=ProjectKnowledge())
    found = []
    for syntax in file.classes():
        if not syntax.bases:
            continue
        class_resolver = _class_resolver(resolver, syntax)
        facts = file.storing_facts(syntax, shadowed)
        if facts.unread:
            if _stores_nothing_judged(facts, class_resolver, shadowed, trainable, plain_tensors):
                continue
            facts = file.with_unread_methods(facts, syntax, shadowed)
        if candidate_attributes(facts, class_resolver, shadowed) or (
            (trainable or plain_tensors) and tensor_candidates(facts, class_resolver, trainable, plain_tensors)
        ):
            found.append(syntax)
    return found


def _stores_nothing_judged(stores: ClassFacts, resolver: Resolver, shadowed: FrozenSet[str], trainable: bool,
                           plain_tensors: bool) -> bool:
    """Whether no store on self makes a plain container or a tensor a selected tensor rule judges. Every
    candidate attribute (and tensor candidate) is such a store, so the class holds no finding."""
    try:
        if stores_plain_container(stores, resolver, shadowed):
            return False
    except UnreadMethod:  # a store's value comes from a method left unread
        return False
    return not ((trainable or plain_tensors) and tensor_candidates(stores, resolver, trainable, plain_tensors))


def module_class_positions(classes: Sequence[ClassSyntax], imports: ImportMap, project: ProjectKnowledge) -> Set[int]:
    """Which of a file's classes (`file.classes()`, their nodes not needed) are module classes, as
    `analyse_module` decides it: the positions in `classes`."""
    resolver = Resolver(imports=imports, project=project)
    found = _module_classes(classes, [_class_resolver(resolver, c) for c in classes], imports.module_name)
    return {position for position, syntax in enumerate(classes) if id(syntax) in found}


def _class_resolver(resolver: Resolver, syntax: ClassSyntax) -> Resolver:
    """The file's resolver, knowing also the imports of the functions the class is defined in."""
    if not syntax.local_imports:
        return resolver
    return replace(resolver, imports=resolver.imports.extended(syntax.local_imports))


_SHADOWABLE = ("list", "dict", "tuple", "len", "setattr", "super", "map", "zip", "reversed", "sorted", "iter",
               "enumerate", "filter", "next", "set")


def shadowed_builtins(imports: ImportMap) -> FrozenSet[str]:
    return frozenset(name for name in _SHADOWABLE if imports.binds(name))


def _find_factories(file: ReadFile, resolver: Resolver, shadowed: FrozenSet[str]) -> None:
    """Module-level functions that return a module on every path (`def conv3x3(...): return
    nn.Conv2d(...)`) make modules too; factories may call each other, hence the rounds (three: the
    longest chain of factories calling factories seen in the corpora is two)."""
    read = file.function_facts(shadowed)
    for _ in range(3):
        found = False
        for facts, method in read:
            qualified = f"{resolver.imports.module_name}.{facts.name}"
            kinds = returned_kinds(facts, method, resolver)
            if kinds <= _FACTORY_KINDS and resolver.local_factories.get(qualified) != kinds:
                resolver.local_factories[qualified] = kinds
                found = True
        if not found:
            return


_FACTORY_KINDS = MODULE_KINDS | {ValueKind.PARAMETER}


def _module_classes(classes: Sequence[ClassSyntax], resolvers: List[Resolver], module_name: str) -> Set[int]:
    """Classes whose bases reach a torch module class, through other classes of this file too."""
    found: Set[int] = set()
    changed = True
    while changed:
        changed = False
        for syntax, resolver in zip(classes, resolvers):
            if id(syntax) not in found and any(resolver.is_module_base(base) for base in syntax.bases):
                found.add(id(syntax))
                resolver.local_module_classes.add(f"{module_name}.{syntax.name}")
                changed = True
    return found


def _is_torch_container(resolver: Resolver, base) -> bool:
    return torch_nn_class_name(resolver.qualify(base) or "") in REGISTERING_CONTAINERS
