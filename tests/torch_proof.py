"""Proof in torch: what a live model stores on itself but never registers."""
from __future__ import annotations

from typing import List, Tuple

import torch
from torch import nn

from tests.torch_derivations import carries_state


def stored_but_unregistered(model: nn.Module, depth: int = 3) -> List[Tuple[str, object]]:
    """Modules and parameters reachable through plain containers on any submodule, not registered."""
    registered_params = {id(p) for p in model.parameters()}
    registered_buffers = {id(b) for b in model.buffers()}
    registered_modules = {id(m) for m in model.modules()}
    lost: List[Tuple[str, object]] = []

    def module_lost(module: nn.Module) -> bool:
        """Its parameters or buffers are missing, or train()/eval() would not reach it."""
        if id(module) in registered_modules or not carries_state(module):
            return False
        return (
            any(id(p) not in registered_params for p in module.parameters())
            or any(id(b) not in registered_buffers for b in module.buffers())
            or any(_reads_training(type(m)) for m in module.modules())
        )

    def visit(path: str, value: object, level: int) -> None:
        if isinstance(value, nn.Parameter):
            if id(value) not in registered_params:
                lost.append((path, value))
        elif isinstance(value, torch.Tensor):  # a trainable leaf (TL006) or, on self, a tensor that is no buffer (TL007)
            if id(value) not in registered_params and id(value) not in registered_buffers:
                if value.requires_grad or level == 0:
                    lost.append((path, value))
        elif isinstance(value, nn.Module):
            if module_lost(value):
                lost.append((path, value))
        elif level < depth and isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                visit(f"{path}[{index}]", item, level + 1)
        elif level < depth and isinstance(value, dict):
            for key, item in value.items():
                visit(f"{path}[{key!r}]", item, level + 1)

    for prefix, module in model.named_modules():
        for name, value in vars(module).items():
            if not name.startswith("_"):
                visit(f"{prefix}.{name}" if prefix else name, value, 0)
    return lost


def _reads_training(cls: type) -> bool:
    import inspect

    for klass in cls.__mro__:
        if klass is nn.Module or klass is object:
            return False
        try:
            if "self.training" in inspect.getsource(klass):
                return True
        except (OSError, TypeError):
            return True
    return False


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def buffer_count(model: nn.Module) -> int:
    return sum(b.numel() for b in model.buffers())


def run_model(fixture_module, model, example):
    runner = getattr(fixture_module, "run", None)
    output = runner(model, example) if runner is not None else model(example)
    return output


def assert_fully_registered(fixture_module, expected_parameters: int) -> None:
    """Every parameter registered, saved, moved, switched to eval and trained by backward()."""
    model, example = fixture_module.build()
    assert stored_but_unregistered(model) == []
    assert parameter_count(model) == expected_parameters
    state = model.state_dict()
    assert sum(t.numel() for k, t in state.items() if _is_parameter_key(model, k)) == expected_parameters
    expected_buffers = getattr(fixture_module, "BUFFERS", None)
    if expected_buffers is not None:
        assert buffer_count(model) == expected_buffers
    model.to(torch.float64)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert all(b.dtype == torch.float64 for b in model.buffers() if b.is_floating_point())
    model.eval()
    assert all(not m.training for m in model.modules())
    model.train()
    output = run_model(fixture_module, model, example.to(torch.float64))
    output.sum().backward()
    missing = [name for name, p in model.named_parameters() if p.grad is None]
    assert missing == [], f"no gradient reached {missing}"


def _is_parameter_key(model: nn.Module, key: str) -> bool:
    return key in dict(model.named_parameters())
