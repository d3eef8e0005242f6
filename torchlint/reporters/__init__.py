"""Output formats. Each module here renders the same findings for a different reader."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Sequence

from torchlint.diagnostics import Diagnostic


@dataclass(frozen=True)
class Summary:
    """What a run did, besides its findings: for the closing lines of human-readable formats."""

    fixed: int = 0
    fix_mode: bool = False
    unsafe_fixes: bool = False


Reporter = Callable[[Sequence[Diagnostic], Summary], str]
FORMATS = ("text", "concise", "json", "json-lines", "github", "sarif")


def reporters() -> Dict[str, Reporter]:
    from torchlint.reporters import github, json_format, sarif, text

    return {
        "text": text.render,
        "concise": text.render_concise,
        "json": json_format.render,
        "json-lines": json_format.render_lines,
        "github": github.render,
        "sarif": sarif.render,
    }
