"""Hostile trees, files and settings: each answered with a clear message and exit status, never a
traceback or a hang; and `--fix` never loses anybody's edit."""
import os
import subprocess
import sys

import pytest

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURES

MODEL = (FIXTURES / "positive" / "list_literal.py").read_bytes()
FIXED = (FIXTURES / "positive" / "list_literal.fixed.py").read_bytes()


def _cli_subprocess(args, cwd, timeout=60):
    """For inputs that could hang a run (FIFOs): a separate process with a deadline."""
    return subprocess.run([sys.executable, "-m", "torchlint", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_py_is_reported_not_read(tmp_path):
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "a.py").write_bytes(MODEL)
    os.mkfifo(tmp_path / "tree" / "x.py")
    for target in ("tree", "tree/x.py"):
        result = _cli_subprocess([target], tmp_path)
        assert result.returncode == 1
        assert "x.py:1:1: TL900 cannot read: not a regular file" in result.stdout
        assert "Traceback" not in result.stderr


def test_a_directory_named_py_is_searched(tmp_path):
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "model.py").write_bytes(MODEL)
    result = run_cli([str(tmp_path / "x.py")])
    assert result.exit_code == 1 and "model.py:11:9: TL001" in result.stdout


def test_a_symlink_loop_named_first_does_not_stop_the_run(tmp_path):
    (tmp_path / "a.py").write_bytes(MODEL)
    os.symlink("loop2.py", tmp_path / "loop1.py")
    os.symlink("loop1.py", tmp_path / "loop2.py")
    result = run_cli([str(tmp_path / "loop1.py"), str(tmp_path / "a.py")])
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert "loop1.py:1:1: TL900 cannot read" in result.stdout and "a.py:11:9: TL001" in result.stdout


def test_a_line_of_a_megabyte(tmp_path):
    target = tmp_path / "wide.py"
    target.write_text(MODEL.decode() + "TABLE = '" + "x" * 1_000_000 + "'\n")
    result = run_cli([str(target)])
    assert result.exit_code == 1 and result.stdout.count("TL001") == 1


def test_utf16_file_is_tl900_and_counted(tmp_path):
    target = tmp_path / "wide.py"
    target.write_bytes(MODEL.decode().encode("utf-16"))
    result = run_cli([str(target)])
    assert result.exit_code == 1 and "TL900 cannot read: the file is UTF-16" in result.stdout
    statistics = run_cli(["--statistics", str(target)])
    assert "1\tTL900" in statistics.stdout


def test_undecodable_file_is_tl900_and_counted_in_statistics(tmp_path):
    (tmp_path / "latin.py").write_bytes(MODEL + b"# caf\xe9\n")
    result = run_cli(["--statistics", "--output-format", "json", str(tmp_path)])
    assert '"code": "TL900"' in result.stdout and '"count": 1' in result.stdout


def test_statistics_honour_json(tmp_path):
    (tmp_path / "a.py").write_bytes(MODEL)
    result = run_cli(["--statistics", "--output-format", "json", str(tmp_path)])
    import json

    assert json.loads(result.stdout) == [{"code": "TL001", "name": "modules-in-plain-list", "count": 1, "fixable": True}]


@pytest.mark.parametrize("spelling", ["same twice", "folder and file", "relative, other folder, absolute"])
def test_one_result_per_file_however_it_is_named(tmp_path, monkeypatch, spelling):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_bytes(MODEL)
    monkeypatch.chdir(tmp_path / "src")
    names = {
        "same twice": ["a.py", "a.py"],
        "folder and file": [".", "a.py"],
        "relative, other folder, absolute": ["a.py", "../src/a.py", str(tmp_path / "src" / "a.py")],
    }[spelling]
    result = run_cli(names)
    assert result.stdout.count("TL001") == 1 and "Found 1 error." in result.stdout


@pytest.mark.parametrize("selector", ["XX", "TL01", "TL9999"])
def test_unknown_selector_is_an_error(tmp_path, selector):
    (tmp_path / "a.py").write_bytes(MODEL)
    for flag in ("--select", "--ignore"):
        result = run_cli([flag, selector, str(tmp_path)])
        assert result.exit_code == 2 and f"unknown rule selector {selector!r}" in result.stderr


CONFIGS = {
    "a directory": (None, "cannot read"),
    "a binary file": (b"\x00\x01\xff binary", "cannot read"),
    "invalid TOML": (b"[tool.torchlint\n", "cannot read"),
    "a string where a list belongs": (b'[tool.torchlint]\nselect = "TL001"\n', "must be a list of strings"),
    "a boolean of the wrong type": (b"[tool.torchlint]\nunsafe-fixes = 1\n", "must be true or false"),
    "an unknown code": (b'[tool.torchlint]\nselect = ["XX"]\n', "unknown rule selector 'XX'"),
    "a malformed module base": (b'[tool.torchlint]\nmodule-bases = ["not a name!"]\n', "is not a dotted name"),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_bad_configuration_is_one_line_and_exit_2(tmp_path, name):
    content, said = CONFIGS[name]
    config = tmp_path / "conf"
    if content is None:
        config.mkdir()
    else:
        config.write_bytes(content)
    (tmp_path / "a.py").write_bytes(MODEL)
    result = run_cli(["--config", str(config), str(tmp_path / "a.py")])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and said in result.stderr


@pytest.mark.parametrize("folder", ["third_party", "build", ".venv", "node_modules"])
def test_force_exclude_matches_every_parent_folder(tmp_path, monkeypatch, folder):
    (tmp_path / "pyproject.toml").write_text('[tool.torchlint]\nextend-exclude = ["third_party"]\n')
    (tmp_path / folder / "pkg").mkdir(parents=True)
    (tmp_path / folder / "pkg" / "x.py").write_bytes(MODEL)
    monkeypatch.chdir(tmp_path)
    named = f"{folder}/pkg/x.py"
    assert run_cli(["--force-exclude", "--fix", named]).exit_code == 0
    assert (tmp_path / named).read_bytes() == MODEL
    assert run_cli([named]).exit_code == 1, "without --force-exclude a file named on the command line is checked"


def test_read_only_file_and_folder_under_fix(tmp_path):
    for name in ("locked", "open"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_bytes(MODEL)
    (tmp_path / "open" / "b.py").write_bytes(MODEL)
    (tmp_path / "open" / "b.py").chmod(0o444)
    (tmp_path / "locked").chmod(0o555)
    try:
        result = run_cli(["--fix", str(tmp_path)])
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "read-only" in result.stderr
    assert (tmp_path / "open" / "a.py").read_bytes() == FIXED, "the other files are still fixed"
    assert (tmp_path / "locked" / "a.py").read_bytes() == MODEL and (tmp_path / "open" / "b.py").read_bytes() == MODEL


def test_full_disk_keeps_the_original(tmp_path, monkeypatch):
    import errno

    target = tmp_path / "a.py"
    target.write_bytes(MODEL)

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run_cli(["--fix", str(target)])
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert target.read_bytes() == MODEL
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"], "no temporary file is left behind"


def test_a_file_saved_by_an_editor_during_the_run_keeps_the_editors_text(tmp_path, monkeypatch):
    import torchlint.runner as runner

    target = tmp_path / "a.py"
    target.write_bytes(MODEL)
    edited = MODEL + b"# saved by the editor\n"
    real_run = runner.run

    def run_then_save(*args, **kwargs):
        report = real_run(*args, **kwargs)
        target.write_bytes(edited)  # between the read and the write
        return report

    monkeypatch.setattr(runner, "run", run_then_save)
    result = run_cli(["--fix", str(target)])
    assert target.read_bytes() == edited
    assert "changed since it was read" in result.stderr and result.exit_code == 1


def test_two_fix_runs_at_once_lose_no_edit(tmp_path):
    for index in range(120):
        (tmp_path / f"m{index}.py").write_bytes(MODEL)
    runs = [subprocess.Popen([sys.executable, "-m", "torchlint", "--fix", str(tmp_path)], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    for process in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode in (0, 1) and b"Traceback" not in stderr
    assert {p.read_bytes() for p in tmp_path.glob("*.py")} == {FIXED}


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_cache_is_treated_as_empty(tmp_path, monkeypatch, damage):
    (tmp_path / "a.py").write_bytes(MODEL)
    monkeypatch.chdir(tmp_path)
    assert run_cli(["a.py"], cache=True).exit_code == 1
    cache_files = list((tmp_path / ".torchlint_cache").glob("*.pickle"))
    assert len(cache_files) == 2  # results, scans
    for cache_file in cache_files:
        data = cache_file.read_bytes()
        cache_file.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x80\x04garbage", "empty": b""}[damage])
    result = run_cli(["a.py"], cache=True)
    assert result.exit_code == 1 and "TL001" in result.stdout and result.stderr == ""
