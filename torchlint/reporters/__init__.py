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
SHOWING_EDITS = frozenset(("json", "json-lines"))  # the others need a fix's title and applicability only


_WHERE = {  # format -> (module in this package, function): only the chosen one is imported
    "text": ("text", "render"),
    "concise": ("text", "render_concise"),
    "json": ("json_format", "render"),
    "json-lines": ("json_format", "render_lines"),
    "github": ("github", "render"),
    "sarif": ("sarif", "render"),
}


def reporter(name: str) -> Reporter:
    import importlib

    module, function = _WHERE[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def reporters() -> Dict[str, Reporter]:
    return {name: reporter(name) for name in FORMATS}
