"""Bad input: every case ends with a clear one-line message or a clean result, never a traceback."""
import json
import os
import shutil

import pytest

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURES

MODEL = (FIXTURES / "positive" / "list_literal.py").read_bytes()
FIXED = (FIXTURES / "positive" / "list_literal.fixed.py").read_bytes()


def _findings(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def _lint(*paths, extra=()):
    return run_cli(["--output-format", "json-lines", *extra, *map(str, paths)])


def test_empty_and_comment_only_files(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "comments.py").write_text("# import torch\n# class Net(torch.nn.Module): ...\n")
    result = _lint(tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_binary_file_named_py(tmp_path):
    # Bytes that may hold a module class are read, and refused in one line; bytes without a class
    # statement that has a base list are skipped like any file that cannot hold one.
    (tmp_path / "blob.py").write_bytes(b"\x00\x01class Net(torch.nn.Module) \xff\xfe" * 50)
    (tmp_path / "other_blob.py").write_bytes(b"\x00\x01torch class \xff\xfe" * 50)
    shutil.copy(FIXTURES / "positive" / "list_literal.py", tmp_path / "model.py")
    found = _findings(_lint(tmp_path))
    assert [f["code"] for f in found] == ["TL900", "TL001"]
    assert "cannot read" in found[0]["message"]


def test_very_large_file(tmp_path):
    body = "".join(f"        self.w{i} = nn.Linear(2, 2)\n" for i in range(50_000))
    source = f"import torch.nn as nn\n\nclass Big(nn.Module):\n    def __init__(self):\n        super().__init__()\n{body}" \
             "        self.layers = [nn.Linear(2, 2)]\n"
    (tmp_path / "big.py").write_text(source)
    found = _findings(_lint(tmp_path))
    assert [(f["code"], f["location"]["row"]) for f in found] == [("TL001", 50_006)]


@pytest.mark.parametrize(
    "expression,code",
    [
        ("(" * 150 + "1" + ")" * 150, "TL001"),
        ("[" * 90 + "]" * 90, "TL001"),
        # Deeper than CPython can compile: libcst's native parser would overflow its stack (and
        # kill the process) on such input, so it never sees it.
        ("+".join(["1"] * 20_000), "TL900"),
        ("-" * 5_000 + "1", "TL900"),
    ],
    ids=["parentheses", "nested-lists", "long-sum", "unary-chain"],
)
def test_deeply_nested_expressions(tmp_path, expression, code):
    (tmp_path / "deep.py").write_bytes(MODEL + f"\nVALUE = {expression}\n".encode())
    result = _lint(tmp_path)
    assert result.exit_code == 1 and result.stderr == ""
    assert [f["code"] for f in _findings(result)] == [code]


def test_broken_symlink_and_symlink_loop(tmp_path):
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "model.py").write_bytes(MODEL)
    result = _lint(tmp_path)
    found = _findings(result)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert sorted((os.path.basename(f["filename"]), f["code"]) for f in found) == [
        ("a.py", "TL900"), ("b.py", "TL900"), ("dangling.py", "TL900"), ("model.py", "TL001")
    ]
    assert all("cannot read" in f["message"] for f in found if f["code"] == "TL900")


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "secret.py").write_bytes(MODEL)
    (tmp_path / "model.py").write_bytes(MODEL)
    original = os.open

    def open_unless_secret(path, *args, **kwargs):  # a chmod would not stop root
        if os.path.basename(path) == "secret.py":
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_unless_secret)
    found = _findings(_lint(tmp_path))
    assert [(os.path.basename(f["filename"]), f["code"]) for f in found] == [("model.py", "TL001"), ("secret.py", "TL900")]
    assert found[1]["message"] == "cannot read: Permission denied"


def test_read_only_file_under_fix(tmp_path):
    (tmp_path / "locked.py").write_bytes(MODEL)
    (tmp_path / "locked.py").chmod(0o444)
    (tmp_path / "open.py").write_bytes(MODEL)
    result = run_cli(["--fix", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "locked.py" in result.stderr
    assert (tmp_path / "locked.py").read_bytes() == MODEL
    assert (tmp_path / "open.py").read_bytes() == FIXED
    assert "locked.py:11:9: TL001" in result.stdout, "the unfixed finding is still reported"


def test_file_deleted_or_changed_during_the_run(tmp_path, monkeypatch):
    for name in ("gone.py", "changed.py", "model.py"):
        (tmp_path / name).write_bytes(MODEL)
    import torchlint.runner as runner

    original = runner._check_path

    def racing(task):
        path = task[0]
        if path.name == "gone.py" and path.exists():
            path.unlink()
        if path.name == "changed.py":
            path.write_bytes(b"import torch\n")
        return original(task)

    monkeypatch.setattr(runner, "_check_path", racing)
    found = _findings(_lint(tmp_path))
    assert sorted((os.path.basename(f["filename"]), f["code"]) for f in found) == [("gone.py", "TL900"), ("model.py", "TL001")]


def test_path_that_does_not_exist():
    result = run_cli(["does/not/exist.py"])
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0


def _tabs(source: bytes) -> bytes:
    lines = source.split(b"\n")
    return b"\n".join(b"\t" * ((len(l) - len(l.lstrip(b" "))) // 4) + l.lstrip(b" ") for l in lines)


def test_bom_crlf_and_tabs_are_reported_at_the_right_place(tmp_path):
    source = b"\xef\xbb\xbf" + _tabs(MODEL).replace(b"\n", b"\r\n")
    (tmp_path / "m.py").write_bytes(source)
    (found,) = _findings(_lint(tmp_path))
    assert (found["code"], found["location"]["row"], found["location"]["column"]) == ("TL001", 11, 3)
    run_cli(["--fix", str(tmp_path)])
    fixed = (tmp_path / "m.py").read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") and b"\t\tself.layers = nn.ModuleList([" in fixed and b"\r\n" in fixed
    assert fixed.count(b"\n") == fixed.count(b"\r\n")
