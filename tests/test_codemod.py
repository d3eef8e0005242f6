"""The fixer as a LibCST codemod, run through the real `python -m libcst.tool codemod`."""
import shutil
import subprocess
import sys

from tests.fixture_cases import FIXTURES


def test_libcst_tool_runs_the_codemod(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "list_literal.py", target)
    untouched = tmp_path / "clean.py"
    shutil.copy(FIXTURES / "negative" / "plain_data.py", untouched)
    command = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
               "torchlint.codemod.RegisterSubmodulesCommand", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (FIXTURES / "positive" / "list_literal.fixed.py").read_bytes()
    assert untouched.read_bytes() == (FIXTURES / "negative" / "plain_data.py").read_bytes()


def test_codemod_unsafe_fixes_flag(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "tuple_of_modules.py", target)
    command = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
               "torchlint.codemod.RegisterSubmodulesCommand", "--unsafe-fixes", str(target)]
    subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=True)
    assert target.read_bytes() == (FIXTURES / "positive" / "tuple_of_modules.unsafe.fixed.py").read_bytes()
