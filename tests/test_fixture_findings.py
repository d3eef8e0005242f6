"""Every fixture reports exactly the findings written in its `# expect:` comments."""
import pytest

from tests.fixture_cases import FIXTURE_SELECT, FIXTURES, fixtures
from torchlint.runner import run
from torchlint.files import discover
from torchlint.settings import Settings


@pytest.fixture(scope="module")
def findings_by_file():
    report = run(discover([str(FIXTURES)]), Settings(select=FIXTURE_SELECT))
    found = {}
    for diagnostic in report.diagnostics:
        found.setdefault(diagnostic.filename, []).append((diagnostic.location.row, diagnostic.code))
    return found


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda f: f.id)
def test_fixture_reports_exactly_its_expected_findings(fixture, findings_by_file):
    assert sorted(findings_by_file.get(str(fixture.path), [])) == fixture.expected()


@pytest.mark.parametrize("fixture", fixtures("positive"), ids=lambda f: f.id)
def test_positive_fixture_expects_something(fixture):
    assert fixture.expected(), "a positive fixture must carry at least one `# expect:` comment"


@pytest.mark.parametrize("fixture", fixtures("negative"), ids=lambda f: f.id)
def test_negative_fixture_expects_nothing(fixture):
    assert fixture.expected() == []


def test_fixed_fixtures_report_nothing(findings_by_file):
    fixed = [path for path in FIXTURES.rglob("*.fixed.py")]
    assert fixed
    for path in fixed:
        assert findings_by_file.get(str(path), []) == [], path
