"""Find, in a live model, what static analysis cannot see: modules, parameters and trainable
tensors reachable from the model through plain containers (or plain attributes) but never
registered. Imports torch; `import torchlint` itself never does.

    from torchlint.runtime import assert_registered
    assert_registered(model)   # AssertionError listing every unregistered module or parameter
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Set, Tuple

import torch
from torch import nn

_CONTAINER_CODES: Dict[Tuple[type, str], str] = {  # (container type, element kind) -> the static rule it matches
    (list, "module"): "TL001",
    (dict, "module"): "TL002",
    (tuple, "module"): "TL003",
    (list, "parameter"): "TL004",
    (tuple, "parameter"): "TL004",
    (dict, "parameter"): "TL005",
}
_MODULE_INTERNALS = frozenset(vars(nn.Module()))  # torch's own bookkeeping on every module


# What find_unregistered can report. "plain tensor": a tensor attribute that is neither a parameter
# nor a buffer (TL007's concern: .to() and state_dict() miss it); it is often deliberate, so
# assert_registered leaves it out unless asked.
KINDS = ("module", "parameter", "tensor", "plain tensor")
DEFAULT_KINDS = ("module", "parameter", "tensor")


@dataclass(frozen=True)
class Unregistered:
    path: str  # "encoder.layers[2]"
    kind: str  # one of KINDS; "tensor": a leaf with requires_grad that is not a Parameter
    parameters: int  # how many parameter values are lost with it
    code: Optional[str]  # the TL code of the matching static finding; None for a plain attribute

    def describe(self) -> str:
        code = f"{self.code} " if self.code else ""
        return f"{code}{self.path}: unregistered {self.kind} ({self.parameters} parameters lost)"


def find_unregistered(model: nn.Module, depth: int = 3, kinds: Sequence[str] = KINDS) -> List[Unregistered]:
    """Everything trainable or stateful stored on the model's modules but unknown to the model, of the
    given kinds."""
    registered_parameters = {id(p) for p in model.parameters()}
    registered_buffers = {id(b) for b in model.buffers()}
    registered_modules = {id(m) for m in model.modules()}
    found: List[Unregistered] = []
    seen: Set[int] = set()

    def visit(path: str, value: object, container: Optional[type], level: int) -> None:
        if id(value) in seen:
            return
        if isinstance(value, nn.Parameter) or (isinstance(value, torch.Tensor) and value.requires_grad):
            if id(value) not in registered_parameters:
                seen.add(id(value))
                kind = "parameter" if isinstance(value, nn.Parameter) else "tensor"
                code = _CONTAINER_CODES.get((container, "parameter")) if container else "TL006"
                found.append(Unregistered(path, kind, value.numel(), code))
        elif isinstance(value, torch.Tensor) and container is None:
            if id(value) not in registered_buffers:
                seen.add(id(value))
                found.append(Unregistered(path, "plain tensor", 0, "TL007"))
        elif isinstance(value, nn.Module):
            if id(value) not in registered_modules and _loses_state(value, registered_parameters, registered_buffers):
                seen.add(id(value))
                lost = sum(p.numel() for p in value.parameters() if id(p) not in registered_parameters)
                code = _CONTAINER_CODES.get((container, "module")) if container else None
                found.append(Unregistered(path, "module", lost, code))
        elif level < depth and isinstance(value, (list, tuple)):
            sequence: type = tuple if isinstance(value, tuple) else list
            for index, item in enumerate(value):
                visit(f"{path}[{index}]", item, container or sequence, level + 1)
        elif level < depth and isinstance(value, dict):
            for key, item in value.items():
                visit(f"{path}[{key!r}]", item, container or dict, level + 1)

    for prefix, module in model.named_modules():
        for name, value in vars(module).items():
            if name not in _MODULE_INTERNALS:
                visit(f"{prefix}.{name}" if prefix else name, value, None, 0)
    return [item for item in found if item.kind in kinds]


def assert_registered(model: nn.Module, kinds: Sequence[str] = DEFAULT_KINDS) -> None:
    """AssertionError listing what is lost, of the given kinds (add "plain tensor" for TL007's)."""
    lost = find_unregistered(model, kinds=kinds)
    if lost:
        listing = "\n".join(f"  {item.describe()}" for item in lost)
        raise AssertionError(f"{type(model).__name__} holds {len(lost)} unregistered object(s):\n{listing}")


def _loses_state(module: nn.Module, registered_parameters: Set[int], registered_buffers: Set[int]) -> bool:
    """Parameters or buffers the model does not know, or behaviour that follows train()/eval() (dropout,
    batch norm). A module whose tensors are all registered one by one loses only its mode."""
    return (
        any(id(p) not in registered_parameters for p in module.parameters())
        or any(id(b) not in registered_buffers for b in module.buffers())
        or any(_reads_training_mode(type(m)) for m in module.modules())  # type: ignore[arg-type]  # classes hash
    )


@lru_cache(maxsize=None)
def _reads_training_mode(cls: type) -> bool:
    for klass in cls.__mro__:
        if klass in (nn.Module, object):
            return False
        try:
            if "self.training" in inspect.getsource(klass):
                return True
        except (OSError, TypeError):
            return True  # no source to read: assume it does
    return False


