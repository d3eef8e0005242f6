"""torch facts derived from the installed torch, to check torchlint's own tables against."""
from __future__ import annotations

import inspect
from functools import lru_cache
from typing import FrozenSet, Optional

from torch import nn

_STATE_MARKERS = ("Parameter", "register_buffer", "register_parameter", "self.training")
_CONTAINERS = frozenset(("Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "DataParallel"))


def torch_nn_module_classes() -> FrozenSet[str]:
    return frozenset(
        name for name, value in vars(nn).items() if inspect.isclass(value) and issubclass(value, nn.Module)
    )


@lru_cache(maxsize=None)
def behaves_by_mode(cls: type) -> bool:
    """Whether a module class's code (up to nn.Module) keeps state or reads self.training."""
    for klass in cls.__mro__:
        if klass is nn.Module or klass is object:
            break
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            return True
        if any(marker in source for marker in _STATE_MARKERS):
            return True
    return False


def _instance(cls: type) -> Optional[nn.Module]:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    required = [
        2 for p in parameters
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    try:
        return cls(*required)
    except Exception:
        return None


def stateless_module_classes() -> FrozenSet[str]:
    """torch.nn modules that own nothing: no parameters, buffers or children, no train/eval code."""
    found = set()
    for name in torch_nn_module_classes() - _CONTAINERS - {"Module"}:
        cls = getattr(nn, name)
        if behaves_by_mode(cls):
            continue
        instance = _instance(cls)
        if instance is not None and not any(True for _ in instance.parameters()) and not any(
            True for _ in instance.buffers()
        ) and not any(True for _ in instance.children()):
            found.add(name)
    return frozenset(found)


def carries_state(module: nn.Module) -> bool:
    """A live module whose loss matters: it has parameters or buffers, or acts by train/eval mode."""
    return (
        any(True for _ in module.parameters())
        or any(True for _ in module.buffers())
        or any(behaves_by_mode(type(m)) for m in module.modules())
    )
