"""`.torchlint_cache`: a warm run answers from the cache, and a changed file is checked again."""
import os
import shutil

import pytest

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


def _project_importing_base(root):
    """src/model.py stores modules in a plain list on a subclass of lib/base.py's Base, outside the run."""
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "src").mkdir()
    (root / "src" / "model.py").write_text(
        "from torch import nn\nfrom lib.base import Base\n\n\nclass Net(Base):\n    def __init__(self):\n"
        "        super().__init__()\n        self.layers = [nn.Linear(2, 2)]\n"
    )
    return root / "src"


def _write_base(root, source):
    (root / "lib").mkdir(exist_ok=True)
    (root / "lib" / "__init__.py").touch()
    base = root / "lib" / "base.py"
    mtime = base.stat().st_mtime_ns + 10**9 if base.exists() else None
    base.write_text(source)
    if mtime is not None:
        os.utime(base, ns=(mtime, mtime))  # a later stamp, however coarse the clock


def test_a_warm_run_over_unchanged_files_reads_neither_scans_nor_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = tmp_path / "src"
    shutil.copytree(FIXTURES / "positive", project)
    cold = run_cli([str(project)], cache=True)
    import torchlint.cache

    monkeypatch.setattr(torchlint.cache.Cache, "_read_scans", lambda self: pytest.fail("scans read"))
    monkeypatch.setattr("torchlint.runner._check_all", lambda *args: pytest.fail("files checked"))
    assert run_cli([str(project)], cache=True) == cold


def test_a_module_the_run_imports_from_outside_it_is_looked_up_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = _project_importing_base(tmp_path)
    assert "TL001" not in run_cli([str(source)], cache=True).stdout  # lib/base.py does not exist
    _write_base(tmp_path, "class Base:\n    pass\n")
    assert "TL001" not in run_cli([str(source)], cache=True).stdout  # it appears: not a module class
    _write_base(tmp_path, "from torch import nn\n\n\nclass Base(nn.Module):\n    pass\n")
    warm = run_cli([str(source)], cache=True)
    assert "TL001" in warm.stdout  # it changes: now it is one
    assert warm == run_cli([str(source)])
