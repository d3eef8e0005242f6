"""Decide what a name or a call is, in torch's terms: a module class, a module, a parameter."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Dict, Optional, Set

import libcst as cst

from torchlint.analysis.cst_names import dotted_name
from torchlint.analysis.imports import ImportMap
from torchlint.settings import ProjectKnowledge
from torchlint.torch_knowledge import (
    EXTRA_MODULE_BASES,
    PARAMETER_CLASSES,
    STATELESS_MODULE_CLASSES,
    is_unweighted_loss,
    torch_nn_class_name,
)


class ValueKind(enum.Enum):
    MODULE = "module"
    STATELESS_MODULE = "stateless module"
    PARAMETER = "parameter"
    UNKNOWN = "unknown"


@dataclass
class Resolver:
    imports: ImportMap
    project: ProjectKnowledge
    local_module_classes: Set[str] = field(default_factory=set)
    # Module-level functions of this file that always return a module (or a parameter).
    local_factories: Dict[str, "ValueKind"] = field(default_factory=dict)

    def is_module_class_name(self, qualified: str) -> bool:
        if torch_nn_class_name(qualified) is not None:
            return True
        return (
            qualified in EXTRA_MODULE_BASES
            or qualified in self.project.module_bases
            or qualified in self.local_module_classes
            or qualified in self.project.module_classes
        )

    def is_module_base(self, base: cst.BaseExpression) -> bool:
        if isinstance(base, cst.Subscript):  # Generic-style bases: `Base[T]`
            base = base.value
        qualified = self.qualify(base)
        return qualified is not None and self.is_module_class_name(qualified)

    def kind_of_call(self, func: cst.BaseExpression, call: Optional[cst.Call] = None) -> ValueKind:
        qualified = self.qualify(func)
        if qualified is None:
            return ValueKind.UNKNOWN
        if qualified in PARAMETER_CLASSES:
            return ValueKind.PARAMETER
        if qualified in self.local_factories:
            return self.local_factories[qualified]
        torch_name = torch_nn_class_name(qualified)
        if torch_name is not None:
            stateless = torch_name in STATELESS_MODULE_CLASSES or (
                call is not None and _unweighted_loss(torch_name, call)
            )
            return ValueKind.STATELESS_MODULE if stateless else ValueKind.MODULE
        if qualified in self.project.module_factories or self.is_module_class_name(qualified):
            return ValueKind.MODULE
        return ValueKind.UNKNOWN

    def is_registering_call(self, func: cst.BaseExpression) -> bool:
        """A call that registers what it is given: any module class (nn.ModuleList, nn.Sequential, Block)."""
        kind = self.kind_of_call(func)
        return kind in (ValueKind.MODULE, ValueKind.STATELESS_MODULE)

    def qualify(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.imports.qualify_dotted(dotted_name(expr))


def _unweighted_loss(torch_name: str, call: cst.Call) -> bool:
    return is_unweighted_loss(
        torch_name,
        positional=sum(1 for arg in call.args if arg.keyword is None and not arg.star),
        keywords=frozenset(arg.keyword.value for arg in call.args if arg.keyword is not None),
        unpacks=any(arg.star for arg in call.args),
    )
