"""torchlint.runtime agrees with the static rules on every fixture, in torch."""
import re
import subprocess
import sys

import pytest

from tests.fixture_cases import FIXTURE_SELECT, FIXTURES, fixtures, import_file
from torchlint.files import discover
from torchlint.runner import run
from torchlint.settings import Settings

torch = pytest.importorskip("torch")
from torchlint.runtime import assert_registered, find_unregistered  # noqa: E402

POSITIVES = [f for f in fixtures("positive") if f.builds()]
NEGATIVES = [f for f in fixtures("negative") if f.builds()]


@pytest.fixture(scope="module")
def static_findings():
    found = {}
    for d in run(discover([str(FIXTURES)]), Settings(select=FIXTURE_SELECT)).diagnostics:
        attribute = re.match(r"self\.(\w+)", d.message).group(1)
        found.setdefault(d.filename, set()).add((attribute, d.code))
    return found


@pytest.mark.parametrize("fixture", POSITIVES, ids=lambda f: f.id)
def test_runtime_finds_what_the_linter_finds(fixture, static_findings):
    model, _ = import_file(fixture.path).build()
    at_runtime = {(item.path.split("[")[0], item.code) for item in find_unregistered(model)}
    assert at_runtime == static_findings[str(fixture.path)]
    assert all(item.parameters > 0 or item.kind in ("module", "plain tensor") for item in find_unregistered(model))


@pytest.mark.parametrize("fixture", [f for f in POSITIVES if f.fixed_path(unsafe=True)], ids=lambda f: f.id)
def test_fixed_models_have_nothing_unregistered(fixture):
    model, _ = import_file(fixture.fixed_path(unsafe=True)).build()
    assert find_unregistered(model) == []
    assert_registered(model)


@pytest.mark.parametrize("fixture", NEGATIVES, ids=lambda f: f.id)
def test_negative_models_have_nothing_unregistered(fixture):
    module = import_file(fixture.path)
    model, _ = module.build()
    hidden = set(getattr(module, "INTENTIONALLY_UNREGISTERED", ()))
    assert {item.path.split("[")[0] for item in find_unregistered(model)} == hidden


def test_assert_registered_lists_what_is_lost():
    model, _ = import_file(FIXTURES / "positive" / "parameter_dict.py").build()
    with pytest.raises(AssertionError) as raised:
        assert_registered(model)
    assert "TL005 bias['user']: unregistered parameter (3 parameters lost)" in str(raised.value)


def test_plain_trainable_tensor_attribute_is_found():
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.ones(3, requires_grad=True)
            self.frozen = torch.ones(3)

    scale, frozen = find_unregistered(Net())
    assert (scale.path, scale.kind, scale.parameters, scale.code) == ("scale", "tensor", 3, "TL006")
    assert (frozen.path, frozen.kind, frozen.code) == ("frozen", "plain tensor", "TL007")
    assert [item.path for item in find_unregistered(Net(), kinds=("tensor",))] == ["scale"]
    with pytest.raises(AssertionError):
        assert_registered(Net())
    assert_registered(torch.nn.Linear(1, 1), kinds=("plain tensor",))


def test_import_torchlint_does_not_import_torch():
    code = "import sys, torchlint, torchlint.cli; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_pytest_fixture_in_a_users_test_suite(tmp_path):
    (tmp_path / "test_user.py").write_text(
        "import torch\n\n"
        "class Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.layers = [torch.nn.Linear(2, 2)]\n\n"
        "def test_model(assert_registered):\n    assert_registered(Net())\n"
    )
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "TL001 layers[0]: unregistered module (6 parameters lost)" in result.stdout
