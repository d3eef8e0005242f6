"""The data every door (CLI, flake8, codemod) speaks: findings, their fixes and locations."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple


class Applicability(str, enum.Enum):
    """How sure a fix is to keep behaviour, as ruff spells it."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a file: 1-based row and 1-based column, as ruff's JSON reports them."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between two locations with `content`."""

    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: Tuple[Edit, ...] = ()

    def applies(self, unsafe_fixes: bool) -> bool:
        """The one answer to "does `--fix` apply this?": safe fixes always, unsafe ones when asked."""
        return self.applicability is Applicability.SAFE or unsafe_fixes


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    filename: str
    location: Location
    end_location: Location
    fix: Optional[Fix] = None
    # Why an offered rewrite is unsafe or absent; shown by --explain and in JSON.
    fix_note: Optional[str] = field(default=None, compare=False)
    cell: Optional[int] = None  # in a notebook: the cell (1-based); rows and columns are the cell's own

    def sort_key(self) -> tuple:
        return (self.filename, self.cell or 0, self.location, self.code)
