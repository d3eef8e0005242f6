"""[tool.torchlint]: found upward, validated, overridden by flags."""
import json
import shutil

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURES

MMENGINE_MODEL = (
    "from mmengine.model import BaseModule\nimport timm\nimport torch.nn as nn\n\n"
    "class A(BaseModule):\n    def __init__(self):\n        super().__init__()\n"
    "        self.layers = [nn.Linear(1, 1)]\n        self.backbones = {'a': timm.create_model('x')}\n"
)


def _codes(result):
    return [(item["code"], item["location"]["row"]) for item in map(json.loads, result.stdout.splitlines())]


def _project(tmp_path, table: str):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.torchlint]\n" + table)
    return tmp_path


def test_module_bases_and_factories(tmp_path):
    _project(tmp_path, 'module-bases = ["mmengine.model.BaseModule"]\nmodule-factories = ["timm.create_model"]\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(MMENGINE_MODEL)
    result = run_cli(["--output-format", "json-lines", str(tmp_path / "src")])
    assert _codes(result) == [("TL001", 8), ("TL002", 9)]


def test_select_ignore_and_flags_override(tmp_path):
    _project(tmp_path, 'select = ["TL002"]\n')
    shutil.copy(FIXTURES / "positive" / "import_aliases.py", tmp_path / "m.py")
    assert _codes(run_cli(["--output-format", "json-lines", str(tmp_path)])) == [("TL002", 13)]
    overridden = run_cli(["--output-format", "json-lines", "--select", "TL001", str(tmp_path)])
    assert _codes(overridden) == [("TL001", 12), ("TL001", 14)]


def test_exclude_extend_exclude_and_force_exclude(tmp_path):
    _project(tmp_path, 'extend-exclude = ["generated", "legacy_*.py", "src/vendor/"]\n')
    for name in ("model.py", "legacy_model.py", "generated/model.py", "src/vendor/model.py", "src/vendor/deep/m.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "positive" / "list_literal.py", tmp_path / name)
    found = run_cli(["--output-format", "json-lines", str(tmp_path)]).stdout
    assert [json.loads(line)["filename"] for line in found.splitlines()] == [str(tmp_path / "model.py")]
    explicit = str(tmp_path / "legacy_model.py")
    assert run_cli([explicit]).exit_code == 1, "files named explicitly are checked..."
    assert run_cli(["--force-exclude", explicit]).exit_code == 0, "...unless --force-exclude"


def test_per_file_ignores(tmp_path):
    _project(tmp_path, '[tool.torchlint.per-file-ignores]\n"tests/*.py" = ["TL001"]\n')
    (tmp_path / "tests").mkdir()
    shutil.copy(FIXTURES / "positive" / "import_aliases.py", tmp_path / "tests" / "test_m.py")
    assert _codes(run_cli(["--output-format", "json-lines", str(tmp_path)])) == [("TL002", 13)]


def test_unsafe_fixes_from_config(tmp_path):
    _project(tmp_path, "unsafe-fixes = true\n")
    shutil.copy(FIXTURES / "positive" / "tuple_of_modules.py", tmp_path / "m.py")
    run_cli(["--fix", str(tmp_path)])
    assert (tmp_path / "m.py").read_bytes() == (FIXTURES / "positive" / "tuple_of_modules.unsafe.fixed.py").read_bytes()


def test_unknown_key_and_bad_value_are_one_line_errors(tmp_path):
    _project(tmp_path, 'selec = ["TL001"]\n')
    result = run_cli([str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "unknown key 'selec'" in result.stderr and "allowed:" in result.stderr
    _project(tmp_path, 'unsafe-fixes = "yes"\n')
    result = run_cli([str(tmp_path)])
    assert result.exit_code == 2 and "'unsafe-fixes' must be true or false" in result.stderr
    _project(tmp_path, 'select = "TL001"\n')
    assert "'select' must be a list of strings" in run_cli([str(tmp_path)]).stderr


def test_explicit_config_path(tmp_path):
    config = tmp_path / "elsewhere.toml"
    config.write_text('[tool.torchlint]\nignore = ["TL"]\n')
    target = FIXTURES / "positive" / "list_literal.py"
    assert run_cli(["--config", str(config), str(target)]).exit_code == 0
