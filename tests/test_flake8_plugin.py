"""The real flake8, in a subprocess, reports exactly what the CLI reports, at the same columns."""
import json
import shutil
import subprocess
import sys

import pytest

from tests.cli_runner import main_in_a_fresh_interpreter, run_cli
from tests.fixture_cases import FIXTURES

pytest.importorskip("flake8")


def _flake8(*args, cwd=None):
    command = [sys.executable, "-m", "flake8", "--format=%(path)s:%(row)d:%(col)d: %(code)s", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def _cli_findings(path):
    out = run_cli(["--output-format", "json-lines", "--select", "TL0", str(path)]).stdout
    return sorted(
        f"{item['filename']}:{item['location']['row']}:{item['location']['column']}: {item['code']}"
        for item in map(json.loads, out.splitlines())
    )


def _flake8_findings(result):
    return sorted(line for line in result.stdout.splitlines() if line)


def test_same_findings_as_the_cli_on_every_fixture(tmp_path):
    # The cross-file fixture needs the project-wide index, which flake8 (one file at a time) lacks.
    single_files = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, single_files, ignore=shutil.ignore_patterns("cross_file"))
    result = _flake8("--select", "TL", str(single_files))
    assert result.returncode == 1, result.stderr
    assert _flake8_findings(result) == _cli_findings(single_files)
    assert len(_flake8_findings(result)) > 20


def test_flake8_noqa_select_and_extend_ignore(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "import_aliases.py", target)
    assert len(_flake8_findings(_flake8("--select", "TL", str(target)))) == 3
    assert [l.rsplit(" ", 1)[1] for l in _flake8_findings(_flake8("--select", "TL002", str(target)))] == ["TL002"]
    ignored = _flake8("--select", "TL", "--extend-ignore", "TL001", str(target))
    assert [l.rsplit(" ", 1)[1] for l in _flake8_findings(ignored)] == ["TL002"]
    text = target.read_text().replace("  # expect: TL002", "  # noqa: TL002")
    target.write_text(text)
    assert [l.rsplit(" ", 1)[1] for l in _flake8_findings(_flake8("--select", "TL", str(target)))] == ["TL001", "TL001"]
    disabled = _flake8("--select", "TL", "--disable-noqa", str(target))
    assert len(_flake8_findings(disabled)) == 3


def test_flake8_config_file_per_file_ignores_and_plugin_options(tmp_path):
    (tmp_path / "model.py").write_text(
        "from mmengine.model import BaseModule\nimport torch.nn as nn\n\n"
        "class A(BaseModule):\n    def __init__(self):\n        super().__init__()\n"
        "        self.layers = [nn.Linear(1, 1)]\n"
    )
    shutil.copy(FIXTURES / "positive" / "list_literal.py", tmp_path / "test_model.py")
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nselect = TL\nper-file-ignores =\n    test_*.py: TL001\n"
        "torchlint-module-bases = mmengine.model.BaseModule\n"
    )
    result = _flake8(".", cwd=tmp_path)
    assert _flake8_findings(result) == ["./model.py:7:9: TL001"]


def test_flake8_reads_module_bases_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.torchlint]\nmodule-bases = ["mmengine.model.BaseModule"]\n')
    (tmp_path / "model.py").write_text(
        "from mmengine.model import BaseModule\nimport torch.nn as nn\n\n"
        "class A(BaseModule):\n    def __init__(self):\n        super().__init__()\n"
        "        self.layers = [nn.Linear(1, 1)]\n"
    )
    assert _flake8_findings(_flake8("--select", "TL", "model.py", cwd=tmp_path)) == ["model.py:7:9: TL001"]


def test_flake8_lists_plugin_options():
    help_text = subprocess.run([sys.executable, "-m", "flake8", "--help"], capture_output=True, text=True).stdout
    assert "--torchlint-module-bases" in help_text
    assert "--torchlint-module-factories" in help_text


def test_the_plugin_never_imports_libcst():
    # flake8 shows no fix, so the plugin renders none: editors pay for `ast` and the analysis only.
    args = ["--select", "TL", str(FIXTURES / "positive" / "list_literal.py")]
    printed, imported, code = main_in_a_fresh_interpreter("flake8.main.cli", args, watched="libcst")
    assert "TL001" in printed
    assert (imported, code) == (False, 1)
