"""The command line: exit codes, output formats, selection, --explain, bad input."""
import json
import shutil

from tests.cli_runner import main_in_a_fresh_interpreter, run_cli
from tests.fixture_cases import FIXTURES
from torchlint import __version__

LIST_LITERAL = FIXTURES / "positive" / "list_literal.py"
CLEAN = FIXTURES / "negative" / "plain_data.py"


def test_exit_codes():
    assert run_cli([str(CLEAN)]).exit_code == 0
    assert run_cli([str(LIST_LITERAL)]).exit_code == 1
    assert run_cli(["--exit-zero", str(LIST_LITERAL)]).exit_code == 0
    missing = run_cli(["no/such/path.py"])
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.stderr
    assert run_cli(["--no-such-flag"]).exit_code == 2


def test_text_output_names_place_code_and_fixability():
    result = run_cli([str(LIST_LITERAL)])
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{LIST_LITERAL}:11:9: TL001 [*] self.layers keeps nn.Modules in a plain list")
    assert "Found 1 error." in result.stdout
    assert "[*] 1 fixable with the `--fix` option." in result.stdout


def test_unsafe_fixes_are_hidden_until_asked_for():
    repeated = FIXTURES / "positive" / "repeated_module.py"
    plain = run_cli([str(repeated)])
    assert "[*]" not in plain.stdout
    assert "1 hidden fix can be enabled with the `--unsafe-fixes` option" in plain.stdout
    assert "[*]" in run_cli(["--unsafe-fixes", str(repeated)]).stdout


def test_a_check_in_a_text_format_never_imports_libcst():
    # Only the JSON formats show a fix's edits, which libcst renders; the others need its title.
    args = ["--no-cache", "--output-format", "concise", str(LIST_LITERAL)]
    printed, imported, code = main_in_a_fresh_interpreter("torchlint.cli", args, watched="libcst")
    assert "TL001 [*]" in printed
    assert (imported, code) == (False, 1)


def test_json_output_follows_ruffs_shape():
    result = run_cli(["--output-format", "json", str(LIST_LITERAL)])
    (item,) = json.loads(result.stdout)
    assert set(item) >= {"code", "message", "filename", "location", "end_location", "fix", "noqa_row", "url"}
    assert item["code"] == "TL001"
    assert item["location"] == {"row": 11, "column": 9}
    assert item["fix"]["applicability"] == "safe"
    (edit,) = item["fix"]["edits"]
    assert "nn.ModuleList([" in edit["content"]
    assert edit["location"]["row"] == 11


def test_json_lines_output():
    lines = run_cli(["--output-format", "json-lines", str(FIXTURES / "positive" / "import_aliases.py")]).stdout
    assert [json.loads(line)["code"] for line in lines.splitlines()] == ["TL001", "TL002", "TL001"]


def test_select_and_ignore_take_code_prefixes():
    target = str(FIXTURES / "positive" / "import_aliases.py")
    codes = lambda args: [json.loads(x)["code"] for x in run_cli([*args, "--output-format", "json-lines", target]).stdout.splitlines()]
    assert codes(["--select", "TL002"]) == ["TL002"]
    assert codes(["--ignore", "TL001"]) == ["TL002"]
    assert codes(["--select", "TL0", "--ignore", "TL00"]) == []


def test_explain_prints_the_rule_documentation():
    result = run_cli(["--explain", "tl002"])
    assert result.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert section in result.stdout
    unknown = run_cli(["--explain", "TL999"])
    assert unknown.exit_code == 2 and "unknown rule" in unknown.stderr


def test_version():
    assert run_cli(["--version"]).stdout.strip() == f"torchlint {__version__}"


def test_directories_are_searched_and_virtual_environments_skipped(tmp_path):
    shutil.copy(LIST_LITERAL, tmp_path / "model.py")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    shutil.copy(LIST_LITERAL, tmp_path / ".venv" / "lib" / "vendored.py")
    (tmp_path / "env2").mkdir()
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    shutil.copy(LIST_LITERAL, tmp_path / "env2" / "vendored.py")
    (tmp_path / "pkg.py").mkdir()  # a directory named like a file is searched as a directory
    shutil.copy(LIST_LITERAL, tmp_path / "pkg.py" / "inner.py")
    files = sorted(json.loads(x)["filename"] for x in run_cli(["--output-format", "json-lines", str(tmp_path)]).stdout.splitlines())
    assert files == [str(tmp_path / "model.py"), str(tmp_path / "pkg.py" / "inner.py")]


def test_syntax_error_is_reported_and_other_files_still_checked(tmp_path):
    (tmp_path / "broken.py").write_text("import torch\nclass Net(torch.nn.Module:\n    pass\n")
    shutil.copy(LIST_LITERAL, tmp_path / "model.py")
    result = run_cli(["--output-format", "json-lines", str(tmp_path)])
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(f["code"], f["location"]["row"]) for f in found] == [("TL900", 2), ("TL001", 11)]
    assert "line 2" in found[0]["message"]
    assert result.exit_code == 1


def test_non_utf8_file_gets_a_clear_diagnostic(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"import torch\nclass A(torch.nn.Module):\n    name = '\xe9'\n")
    result = run_cli(["--output-format", "json-lines", str(tmp_path)])
    (found,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert found["code"] == "TL900"
    assert "not valid utf-8" in found["message"]
