"""`path:row:col: CODE [*] message` lines, then a summary, as ruff prints them."""
from __future__ import annotations

from typing import List, Sequence

from torchlint.diagnostics import Diagnostic
from torchlint.reporters import Summary


def _line(diagnostic: Diagnostic, summary: Summary) -> str:
    marker = " [*]" if _applicable(diagnostic, summary) else ""
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    where = f"{diagnostic.filename}:{cell}{diagnostic.location.row}:{diagnostic.location.column}:"
    return f"{where} {diagnostic.code}{marker} {diagnostic.message}"


def _applicable(diagnostic: Diagnostic, summary: Summary) -> bool:
    return diagnostic.fix is not None and diagnostic.fix.applies(summary.unsafe_fixes)


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
        note = f"({hidden} hidden fix{'es' * (hidden != 1)} can be enabled with the `--unsafe-fixes` option)."
        lines.append(note if fixable else f"No fixes available {note}")
    return "\n".join(lines) + "\n"


def render_statistics(diagnostics: Sequence[Diagnostic], summary: Summary, as_json: bool = False) -> str:
    """`--statistics`: how many findings each code has, most first, as ruff prints them (a JSON list of
    {code, name, count, fixable} with a JSON output format)."""
    counts: dict = {}
    for diagnostic in diagnostics:
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
    fixable = {d.code for d in diagnostics if _applicable(d, summary)}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        import json

        entries = [{"code": code, "name": _name(code), "count": count, "fixable": code in fixable} for code, count in rows]
        return json.dumps(entries, indent=2) + "\n"
    return "".join(f"{count:>5}\t{code}\t{'[*] ' if code in fixable else ''}{_name(code)}\n" for code, count in rows)


def _name(code: str) -> str:
    from torchlint.rules import rules_by_code

    rule = rules_by_code().get(code)
    return rule.name if rule is not None else ""
