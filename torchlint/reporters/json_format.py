"""ruff's JSON output shape, so tools that read ruff's JSON read torchlint's."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Sequence

from torchlint.diagnostics import Diagnostic, Location
from torchlint.reporters import Summary
from torchlint.rules import rules_by_code


def _location(location: Location) -> Dict[str, int]:
    return {"column": location.column, "row": location.row}


def as_dict(diagnostic: Diagnostic) -> Dict[str, Any]:
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.applicability.value,
            "edits": [
                {"content": edit.content, "end_location": _location(edit.end_location), "location": _location(edit.location)}
                for edit in diagnostic.fix.edits
            ],
            "message": diagnostic.fix.message,
        }
    rule = rules_by_code().get(diagnostic.code)
    return {
        "cell": diagnostic.cell,
        "code": diagnostic.code,
        "end_location": _location(diagnostic.end_location),
        "filename": os.path.abspath(diagnostic.filename),
        "fix": fix,
        "fix_note": diagnostic.fix_note,
        "location": _location(diagnostic.location),
        "message": diagnostic.message,
        "noqa_row": diagnostic.location.row,
        "url": rule.url() if rule is not None else None,
    }


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    return json.dumps([as_dict(d) for d in diagnostics], indent=2) + "\n"


def render_lines(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    return "".join(json.dumps(as_dict(d)) + "\n" for d in diagnostics)
