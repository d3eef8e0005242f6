"""What a rule is: a code, its documentation and examples, and a check over container attributes.

Rules never edit code: they return findings with rewrites (fixes/replacements.py), and fixes/edits.py
turns those into text edits.
"""
from __future__ import annotations

import abc
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, FrozenSet, Optional, Tuple

from torchlint.analysis.shapes import Family, Shape
from torchlint.diagnostics import Applicability

if TYPE_CHECKING:  # rules are listed (--explain, reports) without loading libcst
    from torchlint.analysis.containers import ContainerAttribute
    from torchlint.analysis.resolver import ValueKind

DOCS_URL = "https://github.com/torchlint/torchlint/blob/main/docs/rules.md#{code}"


def block(text: str) -> str:
    """A code block written indented inside a rule class, as the file it stands for."""
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Example:
    """An invalid example, written as an indented block (see `block`): `code` is reported at `line` and
    `column` (from 1); `fixed` is what `--fix --unsafe-fixes` makes of it."""

    code: str
    line: int
    column: int
    fixed: Optional[str] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", block(self.code))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", block(self.fixed))


@dataclass(frozen=True)
class ProposedFix:
    applicability: Applicability
    title: str
    rewrites: Tuple[Any, ...]  # fixes.replacements.Rewrite
    imports: Tuple[Any, ...] = ()  # fixes.naming.ImportNeeded


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    span: Tuple[int, int, int, int]  # the statement reported (analysis/syntax.py's Span)
    fix: Optional[ProposedFix] = None
    fix_note: Optional[str] = field(default=None)


class Code:
    """A documented code: a rule, or a problem the engine reports itself (TL900)."""

    code: ClassVar[str]
    name: ClassVar[str]
    # ruff's sections: What it does / Why is this bad? / Example / Use instead / Fix safety.
    documentation: ClassVar[str]
    # An opt-in code is reported only when selected by name (`--select TL008`), never by a prefix.
    opt_in: ClassVar[bool] = False

    @classmethod
    def explain(cls) -> str:
        return f"{cls.code} ({cls.name})\n\n{textwrap.dedent(cls.documentation).strip()}\n"

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code.lower())


class Rule(Code, abc.ABC):
    """A check over the subjects of the analysis, with its valid and invalid examples."""

    valid: ClassVar[Tuple[str, ...]] = ()
    invalid: ClassVar[Tuple[Example, ...]] = ()

    @abc.abstractmethod
    def check(self, subject: Any) -> Optional[Finding]:
        """A finding about one subject of the analysis (a container or tensor attribute), or None."""


_A_CONTAINER = {Shape.LIST: "a plain list", Shape.DICT: "a plain dict", Shape.TUPLE: "a tuple"}


def what_is_lost(kinds: "FrozenSet[ValueKind]", family: Family) -> str:
    """The message's claim, true for every element it speaks of."""
    from torchlint.analysis.resolver import ValueKind

    if family is Family.PARAMETERS:
        return "they are missing from .parameters(), state_dict() and .to()"
    if family is Family.STATELESS_MODULES:
        return "they own nothing today, but .modules(), hooks and print(model) never see them"
    if ValueKind.PARAMETERIZED_MODULE in kinds:
        return "their parameters are invisible to .parameters(), state_dict(), .to() and eval()"
    if ValueKind.MODULE in kinds:
        return "they are not submodules, so .parameters(), state_dict(), .to() and eval() never reach them"
    if ValueKind.BUFFERED_MODULE in kinds:
        mode = " and eval() never reaches them" if ValueKind.MODE_MODULE in kinds else ""
        return f"their buffers are missing from state_dict() and left behind by .to(){mode}"
    return "eval() and train() never reach them, so they act in training mode forever"


def _held(container: "ContainerAttribute") -> str:
    from torchlint.analysis.resolver import ValueKind

    if container.family is Family.MODULES:
        return "nn.Modules"
    if container.family is Family.STATELESS_MODULES:
        return "stateless nn.Modules"
    trainable = ValueKind.TRAINABLE_TENSOR in container.contents.kinds
    if trainable and ValueKind.PARAMETER in container.contents.kinds:
        return "nn.Parameters and tensors with requires_grad=True"
    return "tensors with requires_grad=True" if trainable else "nn.Parameters"


class ContainerRule(Rule):
    """A rule for one (container shape, element family) pair, fixed by one torch container."""

    shapes: ClassVar[Tuple[Shape, ...]]
    family: ClassVar[Family]
    torch_container: ClassVar[str]

    def container_for(self, shape: Shape) -> str:
        return self.torch_container

    def check(self, container: Any) -> Optional[Finding]:
        from torchlint.fixes.naming import container_reference
        from torchlint.fixes.replacements import wrap_stores
        from torchlint.fixes.safety import assess

        from torchlint.analysis.containers import ContainerAttribute

        if not isinstance(container, ContainerAttribute):
            return None
        if container.shape not in self.shapes or container.family is not self.family:
            return None
        attribute = f"self.{container.attribute}"
        torch_container = self.container_for(container.shape)
        held = _held(container)
        lost = what_is_lost(container.contents.kinds, self.family)
        message = f"{attribute} keeps {held} in {_A_CONTAINER[container.shape]}: {lost}; use nn.{torch_container}"
        safety = assess(container, torch_container, self.always_unsafe(container))
        note = "; ".join(safety.reasons) or None
        if safety.applicability is None:
            return Finding(self.code, message, container.anchor.statement, None, note)
        reference, needed = container_reference(container.imports, torch_container, container.anchor.method)
        fix = ProposedFix(
            applicability=safety.applicability,
            title=f"Wrap {attribute} in nn.{torch_container}",
            rewrites=tuple(wrap_stores(container, reference)),
            imports=(needed,) if needed else (),
        )
        return Finding(self.code, message, container.anchor.statement, fix, note)

    def always_unsafe(self, container: "ContainerAttribute") -> Optional[str]:
        """A reason this rule's fix can never be safe (a tuple becomes mutable...); None when it can."""
        return None
