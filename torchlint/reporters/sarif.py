"""SARIF 2.1.0, which code-scanning dashboards read: one rule entry per code, one result per finding."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Sequence

from torchlint.diagnostics import Diagnostic
from torchlint.reporters import Summary
from torchlint.rules import all_codes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_entry(rule) -> Dict[str, Any]:
    documentation = rule.explain()
    what = documentation.split("## What it does", 1)[-1].split("##", 1)[0].strip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.name.replace("-", " ")},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": documentation, "markdown": documentation},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": "error"},
    }


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    from torchlint import __version__

    rules = list(all_codes())
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, -1),
            "level": "error",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(d.filename).resolve().as_uri()},
                        "region": {
                            "startLine": d.location.row,
                            "startColumn": d.location.column,
                            "endLine": d.end_location.row,
                            "endColumn": d.end_location.column,
                        },
                    },
                    **({"properties": {"cell": d.cell}} if d.cell is not None else {}),
                }
            ],
        }
        for d in diagnostics
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "torchlint",
                        "version": __version__,
                        "informationUri": "https://github.com/torchlint/torchlint",
                        "rules": [_rule_entry(rule) for rule in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
