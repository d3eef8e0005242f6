"""A file whose classes that may hold a finding turn out to be no module classes is answered without
reading it again: the same answer the analysis gives, since it judges module classes alone."""
from pathlib import Path

import pytest

from tests.fixture_cases import FIXTURES
from tests.test_cross_file import PACKAGE
from torchlint import engine
from torchlint.engine import SourceFile, check_file, scan_file
from torchlint.runner import run
from torchlint.settings import Settings

ITEMS = '''from .config import Config
from .parts import Item


class Registry(Config):
    def __init__(self):
        super().__init__()
        self.items = [Item() for _ in range(3)]  # a container of modules if Config and Item are module classes
'''
PLAIN_CONFIG = "class Config:\n    pass\n"
MODULE_CONFIG = "import torch.nn as nn\n\n\nclass Config(nn.Module):\n    pass\n"
PARTS = "import torch.nn as nn\n\n\nclass Item(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
        "        self.proj = nn.Linear(2, 2)\n"


def _project(root: Path, config: str) -> Path:
    root.mkdir()
    for name, text in {"__init__.py": "", "config.py": config, "parts.py": PARTS, "registry.py": ITEMS}.items():
        (root / name).write_text(text)
    return root


def _analysed(monkeypatch) -> list:
    """The files the analysis reads, as the run goes."""
    read = []
    check = engine._check

    def spy(source, *args, **kwargs):
        read.append(Path(source.filename).name)
        return check(source, *args, **kwargs)

    monkeypatch.setattr(engine, "_check", spy)
    return read


def _files(root: Path) -> list:
    return sorted(root.rglob("*.py"))


def test_a_holding_class_that_is_no_module_class_is_not_read_again(tmp_path, monkeypatch):
    analysed = _analysed(monkeypatch)
    report = run(_files(_project(tmp_path / "pkg", PLAIN_CONFIG)), Settings())
    assert report.diagnostics == []
    assert "registry.py" not in analysed


def test_a_holding_class_that_is_a_module_class_is_analysed(tmp_path, monkeypatch):
    analysed = _analysed(monkeypatch)
    report = run(_files(_project(tmp_path / "pkg", MODULE_CONFIG)), Settings())
    assert [(Path(d.filename).name, d.location.row, d.code) for d in report.diagnostics] == [("registry.py", 8, "TL001")]
    assert "registry.py" in analysed


def test_a_file_changed_since_its_scan_is_analysed(tmp_path, monkeypatch):
    analysed = _analysed(monkeypatch)
    data = ITEMS.replace("from .config import Config", "import torch.nn as nn\nfrom .config import Config").encode()
    scan = scan_file(SourceFile(data, "registry.py", "pkg.registry", "pkg"), Settings())
    changed = data.replace(b"range(3)", b"range(4)")
    assert check_file(SourceFile(changed, "registry.py", "pkg.registry", "pkg"), Settings(), scan=scan).diagnostics == ()
    assert analysed == ["registry.py"]


def _answers(paths, settings=Settings()):
    report = run(paths, settings, fix=True)
    return (report.diagnostics,
            [(str(path), after) for path, _, after in report.changed])


@pytest.mark.parametrize("kind", ["positive", "negative", "package"])
def test_the_answers_are_the_analysis_own(tmp_path, monkeypatch, kind):
    if kind == "package":
        root = tmp_path / "pkg"
        root.mkdir()
        for name, text in PACKAGE.items():
            (root / name).write_text(text)
        paths = _files(root)
    else:
        paths = _files(FIXTURES / kind)
    answered = _answers(paths)
    monkeypatch.setattr(engine, "_holds_no_module_class", lambda *args: False)
    assert _answers(paths) == answered
