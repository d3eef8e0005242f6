"""The real `pre-commit try-repo` runs both hooks of .pre-commit-hooks.yaml on a buggy model."""
import os
import shutil
import subprocess
import sys

import pytest

from tests.fixture_cases import FIXTURES, ROOT

pytest.importorskip("pre_commit")

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def _pre_commit(hook, repo, env):
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_check_and_fix_hooks(tmp_path):
    repo = tmp_path / "user-project"
    repo.mkdir()
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    shutil.copy(FIXTURES / "positive" / "list_literal.py", repo / "model.py")
    shutil.copy(FIXTURES / "positive" / "tuple_of_modules.py", repo / "pair.py")
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)

    check = _pre_commit("torchlint", repo, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "TL001" in check.stdout and "TL003" in check.stdout

    fix = _pre_commit("torchlint-fix", repo, env)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert (repo / "model.py").read_bytes() == (FIXTURES / "positive" / "list_literal.fixed.py").read_bytes()
    assert (repo / "pair.py").read_bytes() == (FIXTURES / "positive" / "tuple_of_modules.py").read_bytes()

    (repo / "pair.py").unlink()
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    again = _pre_commit("torchlint-fix", repo, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _pre_commit("torchlint", repo, env).returncode == 0


def test_fix_hook_leaves_excluded_folders_alone(tmp_path):
    repo = tmp_path / "user-project"
    repo.mkdir()
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    (repo / "pyproject.toml").write_text('[tool.torchlint]\nextend-exclude = ["third_party"]\n')
    for folder in ("third_party/vendored", "build"):
        (repo / folder).mkdir(parents=True)
        shutil.copy(FIXTURES / "positive" / "list_literal.py", repo / folder / "x.py")
    subprocess.run(["git", "add", "-f", "."], cwd=repo, check=True, env=env)
    fix = _pre_commit("torchlint-fix", repo, env)
    assert fix.returncode == 0, fix.stdout + fix.stderr
    original = (FIXTURES / "positive" / "list_literal.py").read_bytes()
    assert (repo / "third_party" / "vendored" / "x.py").read_bytes() == original
    assert (repo / "build" / "x.py").read_bytes() == original
