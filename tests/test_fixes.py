"""`--fix` on copies of the fixtures: the expected text, idempotent, and a model that still runs."""
import shutil

import pytest

from tests.cli_runner import run_cli
from tests.fixture_cases import FIXTURE_SELECT, FIXTURES, fixtures, import_file
from tests.torch_proof import run_model

POSITIVES = fixtures("positive")


def _copy(fixture, tmp_path):
    """Copy the fixture (its whole package, for multi-file fixtures) and return the copied path."""
    source_dir = fixture.path.parent
    if (source_dir / "__init__.py").exists():
        target_dir = tmp_path / source_dir.name
        shutil.copytree(source_dir, target_dir)
        return target_dir / fixture.path.name, target_dir
    target = tmp_path / fixture.path.name
    shutil.copy(fixture.path, target)
    return target, target


@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
@pytest.mark.parametrize("fixture", POSITIVES, ids=lambda f: f.id)
def test_fix_gives_expected_text_and_is_idempotent(fixture, unsafe, tmp_path):
    copied, lint_target = _copy(fixture, tmp_path)
    flags = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]
    select = ["--select", ",".join(FIXTURE_SELECT)]
    run_cli([*flags, *select, str(lint_target)])
    expected = fixture.fixed_path(unsafe)
    expected_bytes = expected.read_bytes() if expected else fixture.path.read_bytes()
    assert copied.read_bytes() == expected_bytes

    second = run_cli([*flags, *select, str(lint_target)])
    assert copied.read_bytes() == expected_bytes, "a second --fix must change nothing"
    if expected is not None:
        check = run_cli(["--output-format", "concise", *select, str(copied)])
        assert check.stdout == "", "nothing that was fixed may be reported again"
    assert second.exit_code in (0, 1)


@pytest.mark.parametrize("fixture", [f for f in POSITIVES if f.fixed_path(unsafe=False) is None], ids=lambda f: f.id)
def test_fix_leaves_unsafe_and_unfixable_models_running(fixture, tmp_path):
    pytest.importorskip("torch")
    copied, lint_target = _copy(fixture, tmp_path)
    result = run_cli(["--fix", "--select", ",".join(FIXTURE_SELECT), str(lint_target)])
    assert result.exit_code == 1, "findings remain, so --fix exits 1"
    module = import_file(copied)
    model, example = module.build()
    run_model(module, model, example)


def test_fix_exit_code_is_zero_when_everything_was_fixed(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "list_literal.py", target)
    result = run_cli(["--fix", str(target)])
    assert result.exit_code == 0
    assert "1 fixed, 0 remaining" in result.stdout


def test_diff_prints_without_writing(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "list_literal.py", target)
    before = target.read_bytes()
    result = run_cli(["--diff", str(target)])
    assert result.exit_code == 1
    assert "+        self.layers = nn.ModuleList([" in result.stdout
    assert target.read_bytes() == before
    clean = run_cli(["--diff", str(FIXTURES / "negative" / "plain_data.py")])
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_fix_keeps_file_permissions(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "list_literal.py", target)
    target.chmod(0o640)
    run_cli(["--fix", str(target)])
    assert target.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [target], "no temporary file is left behind"


BYTE_EXACT = {
    "form feed": b"import torch.nn as nn\n\x0c\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                 b"        self.x = [nn.Linear(1, 1)]\n",
    "whitespace-only last line": b"import torch.nn as nn\n\nclass A(nn.Module):\n    def __init__(self):\n"
                                 b"        super().__init__()\n        self.x = [nn.Linear(1, 1)]\n   ",
    "lone CR": b"import torch.nn as nn\r\rclass A(nn.Module):\r    def __init__(self):\r        super().__init__()\r"
               b"        self.x = [nn.Linear(1, 1)]\r",
}


@pytest.mark.parametrize("name", sorted(BYTE_EXACT))
def test_fix_changes_nothing_outside_the_rewritten_expression(name, tmp_path):
    target = tmp_path / "model.py"
    target.write_bytes(BYTE_EXACT[name])
    run_cli(["--fix", str(target)])
    assert target.read_bytes() == BYTE_EXACT[name].replace(b"[nn.Linear(1, 1)]", b"nn.ModuleList([nn.Linear(1, 1)])")


def test_fix_keeps_hard_links(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(FIXTURES / "positive" / "list_literal.py", target)
    link = tmp_path / "linked.py"
    link.hardlink_to(target)
    run_cli(["--fix", str(target)])
    assert target.stat().st_ino == link.stat().st_ino
    assert b"nn.ModuleList(" in link.read_bytes()


def test_fix_text_costs_linear_time_in_the_number_of_findings():
    """A 2,500-finding file builds every fix text in one pass: counted in calls, not timed."""
    from unittest import mock

    from torchlint import lint_source
    from torchlint.fixes import edits

    classes = "".join(
        f"class M{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        f"        self.x = [nn.Linear(1, 1)]\n        self.y = [nn.Linear(1, 1)]\n"
        for i in range(1250)
    )
    source = "from torch import nn\n\n" + classes
    with mock.patch.object(edits, "_NEWLINE", wraps=edits._NEWLINE) as newline:
        diagnostics = lint_source(source)
    assert len(diagnostics) == 2500 and all(d.fix is not None for d in diagnostics)
    assert newline.split.call_count <= 1, "the file is split into lines once, not once per finding"
