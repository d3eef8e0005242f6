"""`.torchlint_cache`: a warm run answers from the cache, and a changed file is checked again."""
import os
import shutil

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURES


def test_warm_run_reuses_results_and_sees_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = tmp_path / "src"
    shutil.copytree(FIXTURES / "positive", project)
    cold = run_cli([str(project)], cache=True)
    assert (tmp_path / ".torchlint_cache" / "CACHEDIR.TAG").exists()

    calls = []
    import torchlint.engine as engine

    original = engine.scan_file
    monkeypatch.setattr(engine, "scan_file", lambda *a, **k: calls.append(a) or original(*a, **k))
    monkeypatch.setattr("torchlint.runner.scan_file", engine.scan_file)
    warm = run_cli([str(project)], cache=True)
    assert warm.stdout == cold.stdout
    assert calls == [], "nothing changed, so nothing is scanned again"

    model = project / "list_literal.py"
    model.write_text(model.read_text().replace("[nn.Linear(width, width), ", "nn.ModuleList([nn.Linear(width, width), ").replace("width)]  # expect", "width)])  # expect"))
    os.utime(model, ns=(model.stat().st_atime_ns, model.stat().st_mtime_ns + 10**9))
    changed = run_cli([str(project)], cache=True)
    assert len(calls) == 1
    assert "list_literal.py" not in changed.stdout
    assert run_cli([str(project)]).stdout == changed.stdout, "the cache agrees with an uncached run"


def test_no_cache_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "positive" / "list_literal.py", tmp_path / "m.py")
    run_cli([str(tmp_path / "m.py")])
    assert not (tmp_path / ".torchlint_cache").exists()


def test_a_text_run_cached_without_edits_does_not_answer_a_json_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "positive" / "list_literal.py", tmp_path / "m.py")
    run_cli([str(tmp_path / "m.py")], cache=True)  # text: fixes are described by title only
    cached = run_cli(["--output-format", "json", str(tmp_path / "m.py")], cache=True)
    uncached = run_cli(["--output-format", "json", str(tmp_path / "m.py")])
    assert cached.stdout == uncached.stdout
    assert '"edits": [' in cached.stdout and '"content"' in cached.stdout
