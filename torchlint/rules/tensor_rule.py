"""The shared check of the rules about tensors stored on self (TL006, TL007)."""
from __future__ import annotations

import abc
from typing import TYPE_CHECKING, ClassVar, List, Optional, Tuple

from torchlint.diagnostics import Applicability
from torchlint.rules.base import Finding, ProposedFix, Rule

if TYPE_CHECKING:
    from torchlint.analysis.tensors import TensorAttribute, TensorProblem
    from torchlint.fixes.naming import ImportNeeded
    from torchlint.fixes.replacements import Rewrite


class TensorRule(Rule):
    problem: ClassVar["TensorProblem"]

    def check(self, subject) -> Optional[Finding]:
        from torchlint.analysis.tensors import TensorAttribute, messages_for

        if not isinstance(subject, TensorAttribute) or subject.problem is not self.problem:
            return None
        message, title = messages_for(subject)
        applicability, note = self.fix_safety(subject)
        if applicability is None:
            return Finding(self.code, message, subject.store.statement, None, note)
        rewrites, imports = self.rewrites(subject)
        fix = ProposedFix(applicability, title, tuple(rewrites), tuple(imports))
        return Finding(self.code, message, subject.store.statement, fix, note)

    @abc.abstractmethod
    def fix_safety(self, subject: "TensorAttribute") -> Tuple[Optional[Applicability], Optional[str]]:
        """(applicability or None for no fix, the note saying why)."""

    @abc.abstractmethod
    def rewrites(self, subject: "TensorAttribute") -> Tuple[List["Rewrite"], List["ImportNeeded"]]:
        """What the fix rewrites, and the imports it needs."""


def type_checked(subject: "TensorAttribute") -> bool:
    from torchlint.analysis.class_facts import UseHow

    return any(use.how is UseHow.TYPE_CHECK for use in subject.uses)


SAFE = Applicability.SAFE
UNSAFE = Applicability.UNSAFE
