"""`path:row:col: CODE [*] message` lines, then a summary, as ruff prints them."""
from __future__ import annotations

from typing import List, Sequence

from torchlint.diagnostics import Applicability, Diagnostic
from torchlint.reporters import Summary


def _line(diagnostic: Diagnostic, summary: Summary) -> str:
    marker = " [*]" if _applicable(diagnostic, summary) else ""
    where = f"{diagnostic.filename}:{diagnostic.location.row}:{diagnostic.location.column}:"
    return f"{where} {diagnostic.code}{marker} {diagnostic.message}"


def _applicable(diagnostic: Diagnostic, summary: Summary) -> bool:
    fix = diagnostic.fix
    return fix is not None and (fix.applicability is Applicability.SAFE or summary.unsafe_fixes)


def render_concise(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    return "".join(_line(diagnostic, summary) + "\n" for diagnostic in diagnostics)


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    lines: List[str] = [_line(diagnostic, summary) for diagnostic in diagnostics]
    count = len(diagnostics)
    if summary.fix_mode:
        if count or summary.fixed:
            lines.append(f"Found {count + summary.fixed} error{'s' * (count + summary.fixed != 1)} "
                         f"({summary.fixed} fixed, {count} remaining).")
        else:
            lines.append("All checks passed!")
    elif count:
        lines.append(f"Found {count} error{'s' * (count != 1)}.")
    else:
        lines.append("All checks passed!")
    fixable = sum(_applicable(d, summary) for d in diagnostics)
    hidden = sum(d.fix is not None and not _applicable(d, summary) for d in diagnostics)
    if fixable and not summary.fix_mode:
        lines.append(f"[*] {fixable} fixable with the `--fix` option.")
    if hidden:
        lines.append(f"No fixes available ({hidden} hidden fix{'es' * (hidden != 1)} "
                     "can be enabled with the `--unsafe-fixes` option).")
    return "\n".join(lines) + "\n"
