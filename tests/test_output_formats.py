"""Each output format's structure, not just that it prints."""
import json
from pathlib import Path

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURES

TARGET = FIXTURES / "positive" / "import_aliases.py"


def test_github_annotations():
    lines = run_cli(["--output-format", "github", str(TARGET)]).stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"::error title=torchlint (TL001),file={TARGET},line=12,col=9,endLine=12,endColumn=")
    assert lines[0].split("::", 2)[2].startswith("TL001 self.direct keeps nn.Modules")


def test_sarif_2_1_0():
    log = json.loads(run_cli(["--output-format", "sarif", str(TARGET)]).stdout)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted({rule["id"] for rule in rules})
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["helpUri"].startswith("https://")
    assert [r["ruleId"] for r in run["results"]] == ["TL001", "TL002", "TL001"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "TL001"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == Path(TARGET).resolve().as_uri()
    assert location["region"]["startLine"] == 12 and location["region"]["startColumn"] == 9


def test_statistics_counts_per_code():
    out = run_cli(["--statistics", str(TARGET)]).stdout.splitlines()
    assert out == ["    2\tTL001\t[*] modules-in-plain-list", "    1\tTL002\t[*] modules-in-plain-dict"]


def test_concise_has_no_summary():
    out = run_cli(["--output-format", "concise", str(TARGET)]).stdout.splitlines()
    assert len(out) == 3 and all(": TL00" in line for line in out)


def test_every_format_has_a_reporter():
    from torchlint.reporters import FORMATS, reporters

    assert set(FORMATS) == set(reporters())
