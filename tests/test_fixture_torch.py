"""Proof in torch: positives lose parameters before the fix and register all of them after it."""
import pytest

from tests.fixture_cases import fixtures, import_file
from tests.torch_proof import assert_fully_registered, buffer_count, parameter_count, run_model, stored_but_unregistered

torch = pytest.importorskip("torch")

POSITIVES = [f for f in fixtures("positive") if f.builds()]
NEGATIVES = [f for f in fixtures("negative") if f.builds()]


def test_every_positive_fixture_builds():
    assert len(POSITIVES) == len(fixtures("positive"))


@pytest.mark.parametrize("fixture", POSITIVES, ids=lambda f: f.id)
def test_original_model_loses_parameters(fixture):
    module = import_file(fixture.path)
    model, example = module.build()
    run_model(module, model, example)  # the buggy model runs: nothing warns
    assert stored_but_unregistered(model), "the bug should be observable in torch"
    lost_buffers = buffer_count(model) < getattr(module, "BUFFERS", 0)
    assert parameter_count(model) < module.PARAMETERS or lost_buffers


@pytest.mark.parametrize("fixture", [f for f in POSITIVES if f.fixed_path(unsafe=True)], ids=lambda f: f.id)
def test_fixed_model_registers_everything(fixture):
    fixed = fixture.fixed_path(unsafe=True)
    module = import_file(fixed)
    assert_fully_registered(module, module.PARAMETERS)


@pytest.mark.parametrize("fixture", NEGATIVES, ids=lambda f: f.id)
def test_negative_model_loses_nothing(fixture):
    module = import_file(fixture.path)
    model, example = module.build()
    run_model(module, model, example)
    hidden = set(getattr(module, "INTENTIONALLY_UNREGISTERED", ()))
    lost = [path for path, _ in stored_but_unregistered(model) if path.split("[")[0] not in hidden]
    assert lost == []
    assert parameter_count(model) == module.PARAMETERS


@pytest.mark.parametrize("fixture", [f for f in POSITIVES if f.fixed_path(unsafe=True)], ids=lambda f: f.id)
def test_fixed_model_computes_what_the_original_computed(fixture):
    """Registration is all a fix changes: with the same seed, the same outputs, in training and in eval."""
    original, fixed = import_file(fixture.path), import_file(fixture.fixed_path(unsafe=True), "fixed_under_test")
    outputs = []
    for module in (original, fixed):
        torch.manual_seed(0)
        model, example = module.build()
        torch.manual_seed(1)
        trained = run_model(module, model, example)
        outputs.append(trained.detach())
    assert torch.equal(outputs[0], outputs[1])
