"""The shared check of the rules about tensors stored on self (TL006, TL007)."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Optional

from torchlint.diagnostics import Applicability
from torchlint.rules.base import Finding, ProposedFix, Rule

if TYPE_CHECKING:
    from torchlint.analysis.tensors import TensorAttribute, TensorProblem


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
        replacements, imports = self.replacements(subject)
        fix = ProposedFix(applicability, title, tuple(replacements), tuple(imports))
        return Finding(self.code, message, subject.store.statement, fix, note)

    def fix_safety(self, subject: "TensorAttribute"):
        """(applicability or None for no fix, the note saying why)."""
        raise NotImplementedError

    def replacements(self, subject: "TensorAttribute"):
        raise NotImplementedError


def type_checked(subject: "TensorAttribute") -> bool:
    return any(use.how == "type-check" for use in subject.uses)


SAFE = Applicability.SAFE
UNSAFE = Applicability.UNSAFE
