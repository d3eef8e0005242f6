"""What a run is told to do: which codes, which fixes, which extra module classes."""
from __future__ import annotations

import fnmatch
from functools import lru_cache
import os
from dataclasses import dataclass, field
from typing import FrozenSet, Iterable, Mapping, Optional, Tuple

from torchlint.torch_knowledge import State


@dataclass(frozen=True)
class ProjectKnowledge:
    """What is known beyond one file: module classes of other files of the run, and settings."""

    module_classes: FrozenSet[str] = frozenset()
    # What instances of module classes of other files own (torch_knowledge.State), by qualified name.
    class_states: Mapping[str, State] = field(default_factory=dict)
    module_bases: FrozenSet[str] = frozenset()
    module_factories: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ("TL",)
    ignore: Tuple[str, ...] = ()
    unsafe_fixes: bool = False
    module_bases: Tuple[str, ...] = ()
    module_factories: Tuple[str, ...] = ()
    # (glob, code prefixes): globs match a file's name or its path relative to `root`.
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    root: str = "."
    # flake8 applies its own noqa (and --disable-noqa); everyone else gets torchlint's.
    honour_noqa: bool = True

    def selects(self, code: str) -> bool:
        if code in _opt_in_codes() and code not in self.select:
            return False
        return any(code.startswith(prefix) for prefix in self.select) and not any(
            code.startswith(prefix) for prefix in self.ignore
        )

    def selects_in(self, code: str, filename: str) -> bool:
        if not self.selects(code):
            return False
        if not self.per_file_ignores:
            return True
        relative = os.path.relpath(os.path.abspath(filename), os.path.abspath(self.root)).replace(os.sep, "/")
        name = os.path.basename(filename)
        for pattern, codes in self.per_file_ignores:
            if (fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern)) and any(
                code.startswith(prefix) for prefix in codes
            ):
                return False
        return True

    def knowledge(
        self, module_classes: Iterable[str] = (), class_states: Optional[Mapping[str, State]] = None
    ) -> ProjectKnowledge:
        return ProjectKnowledge(
            module_classes=frozenset(module_classes),
            class_states=class_states or {},
            module_bases=frozenset(self.module_bases),
            module_factories=frozenset(self.module_factories),
        )


@lru_cache(maxsize=8)
def stateless_modules_selected(settings: Settings) -> bool:
    """Does some selected rule report containers of modules that own nothing (an opt-in rule)?"""
    from torchlint.analysis.shapes import Family
    from torchlint.rules import all_rules

    return any(getattr(rule, "family", None) is Family.STATELESS_MODULES and settings.selects(rule.code)
               for rule in all_rules())


@lru_cache(maxsize=8)
def tensor_rules_selected(settings: Settings) -> Tuple[bool, bool]:
    """(is the rule about trainable tensors selected, is the rule about tensors that should be buffers)."""
    from torchlint.rules import all_rules

    problems = {getattr(rule, "problem", None) for rule in all_rules() if settings.selects(rule.code)}
    names = {problem.name for problem in problems if problem is not None}
    return "TRAINABLE_LEAF" in names, "UNMOVED_TENSOR" in names


@lru_cache(maxsize=1)
def _opt_in_codes() -> FrozenSet[str]:
    from torchlint.rules import all_rules

    return frozenset(rule.code for rule in all_rules() if rule.opt_in)
