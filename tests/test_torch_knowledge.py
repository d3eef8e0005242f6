"""torchlint's tables about torch, re-derived from the installed torch so they cannot drift."""
from torch import nn

from tests.torch_derivations import stateless_module_classes, torch_nn_module_classes
from torchlint import torch_knowledge as knowledge


def test_module_classes_match_torch_nn():
    assert knowledge.TORCH_NN_MODULE_CLASSES == torch_nn_module_classes()


def test_stateless_classes_match_torch():
    assert knowledge.STATELESS_MODULE_CLASSES == stateless_module_classes()


def test_dropout_and_norm_layers_are_not_stateless():
    for name in ("Dropout", "BatchNorm2d", "LayerNorm", "RReLU", "Linear"):
        assert name not in knowledge.STATELESS_MODULE_CLASSES


def test_module_dict_attributes_match_torch():
    assert knowledge.MODULE_DICT_ATTRIBUTES == frozenset(n for n in dir(nn.ModuleDict()) if n.isidentifier())


def test_module_dict_rejects_its_attribute_names_as_keys():
    for key in ("type", "to", "forward", "keys", "items", "training", "cuda", "float"):
        try:
            nn.ModuleDict({key: nn.Linear(1, 1)})
        except KeyError:
            continue
        raise AssertionError(f"nn.ModuleDict accepted {key!r}")


def _own_methods(container: type) -> frozenset:
    return frozenset(name for name in vars(container) if not name.startswith("_") and callable(vars(container)[name]))


def test_container_method_tables_match_torch():
    assert knowledge.MODULE_LIST_METHODS == _own_methods(nn.ModuleList) - {"extra_repr"}
    assert knowledge.MODULE_DICT_METHODS == _own_methods(nn.ModuleDict)
    assert knowledge.PARAMETER_LIST_METHODS == _own_methods(nn.ParameterList) - {"extra_repr"}
    assert knowledge.PARAMETER_DICT_METHODS == _own_methods(nn.ParameterDict) - {"extra_repr"}


def test_parameter_classes_are_torch_parameter():
    assert nn.Parameter is nn.parameter.Parameter
    assert "torch.nn.Parameter" in knowledge.PARAMETER_CLASSES


def test_module_returning_methods_return_the_module():
    module = nn.Linear(1, 1)
    for name in knowledge.MODULE_RETURNING_METHODS - {"cuda", "type", "bfloat16"}:
        method = getattr(module, name)
        result = method(False) if name in ("train", "requires_grad_") else method()
        assert isinstance(result, nn.Module), name


def test_weighted_losses_own_nothing_without_a_weight():
    import inspect

    from torch.nn.modules.loss import _Loss

    def owns_only_a_weight(cls) -> bool:
        try:
            instance = cls()
        except TypeError:  # needs sizes: it has parameters of its own (LinearCrossEntropyLoss)
            return False
        return not any(True for _ in instance.parameters())

    derived = {
        name
        for name in torch_nn_module_classes() - knowledge.STATELESS_MODULE_CLASSES
        if issubclass(getattr(nn, name), _Loss)
        and "weight" in inspect.signature(getattr(nn, name).__init__).parameters
        and owns_only_a_weight(getattr(nn, name))
    }
    assert set(knowledge.WEIGHTED_LOSS_WEIGHT_POSITION) == derived
    for name, position in knowledge.WEIGHTED_LOSS_WEIGHT_POSITION.items():
        cls = getattr(nn, name)
        assert list(inspect.signature(cls.__init__).parameters)[1 + position] == "weight"
        assert [b for b in cls().buffers()] == []
