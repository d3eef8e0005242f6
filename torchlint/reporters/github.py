"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
from __future__ import annotations

from typing import Sequence

from torchlint.diagnostics import Diagnostic
from torchlint.reporters import Summary


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    lines = []
    for d in diagnostics:
        properties = ",".join(
            (
                f"title={_escape_property(f'torchlint ({d.code})')}",
                f"file={_escape_property(d.filename)}",
                f"line={d.location.row}",
                f"col={d.location.column}",
                f"endLine={d.end_location.row}",
                f"endColumn={d.end_location.column}",
            )
        )
        lines.append(f"::error {properties}::{_escape_data(f'{d.code} {d.message}')}\n")
    return "".join(lines)
