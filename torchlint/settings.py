"""What a run is told to do: which codes, which fixes, which extra module classes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable, Tuple


@dataclass(frozen=True)
class ProjectKnowledge:
    """What is known beyond one file: module classes of other files of the run, and settings."""

    module_classes: FrozenSet[str] = frozenset()
    module_bases: FrozenSet[str] = frozenset()
    module_factories: FrozenSet[str] = frozenset()


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ("TL",)
    ignore: Tuple[str, ...] = ()
    unsafe_fixes: bool = False
    module_bases: Tuple[str, ...] = ()
    module_factories: Tuple[str, ...] = ()

    def selects(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.select) and not any(
            code.startswith(prefix) for prefix in self.ignore
        )

    def knowledge(self, module_classes: Iterable[str] = ()) -> ProjectKnowledge:
        return ProjectKnowledge(
            module_classes=frozenset(module_classes),
            module_bases=frozenset(self.module_bases),
            module_factories=frozenset(self.module_factories),
        )
