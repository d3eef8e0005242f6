"""Decide what a name or a call is, in torch's terms: a module class, a module, a parameter."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Optional, Set

from torchlint.analysis import syntax as syn
from torchlint.analysis.syntax import dotted_name
from torchlint.analysis.imports import ImportMap
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import (
    BUFFERS,
    EXTRA_MODULE_BASES,
    MODE,
    PARAMETER_CLASSES,
    PARAMETERS,
    State,
    torch_module_state,
    torch_nn_class_name,
)


class ValueKind(enum.Enum):
    MODULE = "module"  # a module whose state is not known
    PARAMETERIZED_MODULE = "module with parameters"
    BUFFERED_MODULE = "module with buffers"
    MODE_MODULE = "module that acts by train/eval mode"
    STATELESS_MODULE = "stateless module"
    PARAMETER = "parameter"
    TRAINABLE_TENSOR = "tensor with requires_grad=True"  # nn.ParameterList / ParameterDict make it a parameter
    NONE = "None"  # a placeholder nn.ModuleList accepts
    REGISTERED = "registered elsewhere"  # the same object reaches torch another way
    UNKNOWN = "unknown"


MODULE_KINDS = frozenset(
    (ValueKind.MODULE, ValueKind.PARAMETERIZED_MODULE, ValueKind.BUFFERED_MODULE, ValueKind.MODE_MODULE,
     ValueKind.STATELESS_MODULE)
)
STATEFUL_MODULE_KINDS = MODULE_KINDS - {ValueKind.STATELESS_MODULE}


def module_kind(state: State) -> ValueKind:
    if state is None:
        return ValueKind.MODULE
    if PARAMETERS in state:
        return ValueKind.PARAMETERIZED_MODULE
    if BUFFERS in state:
        return ValueKind.BUFFERED_MODULE
    if MODE in state:
        return ValueKind.MODE_MODULE
    return ValueKind.STATELESS_MODULE


@dataclass
class Resolver:
    imports: ImportMap
    project: ProjectKnowledge
    local_module_classes: Set[str] = field(default_factory=set)
    # What instances of the module classes of this file and of the run own.
    class_states: Dict[str, State] = field(default_factory=dict)
    # Module-level functions of this file that always return a module (or a parameter).
    local_factories: Dict[str, FrozenSet[ValueKind]] = field(default_factory=dict)
    # Before the run knows its module classes: a call of any named callable might make a module.
    optimistic: bool = False

    def is_module_class_name(self, qualified: str) -> bool:
        if torch_nn_class_name(qualified) is not None:
            return True
        return (
            qualified in EXTRA_MODULE_BASES
            or qualified in self.project.module_bases
            or qualified in self.local_module_classes
            or qualified in self.project.module_classes
        )

    def is_module_base(self, base: syn.Expr) -> bool:
        if isinstance(base, syn.Subscript):  # Generic-style bases: `Base[T]`
            base = base.value
        qualified = self.qualify(base)
        return qualified is not None and self.is_module_class_name(qualified)

    def kinds_of_call(self, func: syn.Expr, call: Optional[syn.Call] = None) -> FrozenSet[ValueKind]:
        qualified = self.qualify(func)
        if qualified is None:
            return frozenset((ValueKind.UNKNOWN,))
        if qualified in PARAMETER_CLASSES:
            return frozenset((ValueKind.PARAMETER,))
        if qualified in self.local_factories:
            return self.local_factories[qualified]
        torch_name = torch_nn_class_name(qualified)
        if torch_name is not None:
            return frozenset((module_kind(_torch_state(torch_name, call)),))
        if qualified in self.class_states or qualified in self.project.class_states:
            state = self.class_states.get(qualified, self.project.class_states.get(qualified))
            return frozenset((module_kind(state),))
        if qualified in self.project.module_factories or self.is_module_class_name(qualified) or self.optimistic:
            return frozenset((ValueKind.MODULE,))
        return frozenset((ValueKind.UNKNOWN,))

    def is_registering_call(self, func: syn.Expr) -> bool:
        """A call that registers what it is given: any module class (nn.ModuleList, nn.Sequential, Block)."""
        return bool(self.kinds_of_call(func) & MODULE_KINDS)

    def qualify(self, expr: syn.Expr) -> Optional[str]:
        return self.imports.qualify_dotted(dotted_name(expr))


def _torch_state(torch_name: str, call: Optional[syn.Call]) -> State:
    if call is None:
        return torch_module_state(torch_name, 0, frozenset(), False)
    return torch_module_state(
        torch_name,
        positional=sum(1 for arg in call.args if arg.keyword is None and not arg.star),
        keywords=frozenset(arg.keyword for arg in call.args if arg.keyword is not None),
        unpacks=any(arg.star for arg in call.args),
    )
