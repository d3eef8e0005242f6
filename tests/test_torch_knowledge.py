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
    arguments = {"train": (False,), "requires_grad_": (False,), "apply": (lambda m: None,), "to_empty": ()}
    for name in knowledge.MODULE_RETURNING_METHODS - {"cuda", "type", "bfloat16"}:
        method = getattr(module, name)
        result = method(device="cpu") if name == "to_empty" else method(*arguments.get(name, ()))
        assert result is module, name


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


def test_container_operation_table_matches_torch():
    """Each operation a class may apply to the attribute, run on the plain and on the torch container."""
    from tests.torch_derivations import DICT_OPERATIONS, LIST_OPERATIONS, container_operation_verdicts

    assert knowledge.LIST_OPERATIONS == frozenset(LIST_OPERATIONS)
    assert knowledge.DICT_OPERATIONS == frozenset(DICT_OPERATIONS)
    for target in ("ModuleList", "ParameterList", "ModuleDict", "ParameterDict"):
        derived = {op: verdict for op, verdict in container_operation_verdicts(target).items() if verdict != "same"}
        assert knowledge.CONTAINER_DIFFERENCES[target] == derived, target


def test_issue_examples_behave_as_the_table_says():
    import pytest
    import torch

    with pytest.raises(KeyError):
        list(reversed(nn.ModuleDict({"a": nn.Linear(1, 1)})))
    layers = nn.ModuleList([nn.Linear(1, 1)])
    with pytest.raises(TypeError):
        layers[-1:] = [nn.Linear(1, 1)]
    with pytest.raises(Exception):
        nn.ModuleList([nn.Linear(1, 1)]).insert(-1, nn.Linear(1, 1))
    grown = nn.ModuleList([nn.Linear(1, 1)])
    grown.insert(5, nn.Linear(1, 1))
    with pytest.raises(Exception):
        grown[1]
    assert torch.nn.ModuleList([None])[0] is None, "ModuleList keeps None placeholders"


def test_module_state_tables_match_torch():
    from tests.torch_derivations import _instance, behaves_by_mode

    for name in knowledge.PARAMETER_MODULE_CLASSES:
        instance = _instance(getattr(nn, name)) or _BUILD_BY_HAND[name]()
        assert any(True for _ in instance.parameters()), name
    for name in knowledge.MODE_ONLY_MODULE_CLASSES:
        instance = _instance(getattr(nn, name))
        assert not any(True for _ in instance.parameters()) and not any(True for _ in instance.buffers()), name
        assert behaves_by_mode(getattr(nn, name)), name
    derived_parameterized = set()
    for name in torch_nn_module_classes() - knowledge.STATELESS_MODULE_CLASSES:
        instance = _instance(getattr(nn, name))
        if instance is not None and any(True for _ in instance.parameters()):
            derived_parameterized.add(name)
    assert derived_parameterized <= knowledge.PARAMETER_MODULE_CLASSES
    for name, switches in knowledge.STATE_SWITCHES.items():
        import inspect

        parameters = list(inspect.signature(getattr(nn, name).__init__).parameters)[1:]
        for switch, position in switches.items():
            assert parameters[position] == switch, (name, switch)


_BUILD_BY_HAND = {
    "AdaptiveLogSoftmaxWithLoss": lambda: nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5]),
    "GRU": lambda: nn.GRU(2, 2), "LSTM": lambda: nn.LSTM(2, 2), "RNN": lambda: nn.RNN(2, 2),
    "TransformerEncoder": lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), 1),
    "TransformerDecoder": lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2), 1),
}
