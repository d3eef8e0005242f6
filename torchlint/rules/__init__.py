"""Codes are discovered, not listed: every `tlNNN_*.py` module here defines one: a Rule subclass (a
check), or a Code the engine reports itself (TL900)."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, List, Tuple, Type

from torchlint.rules.base import Code, Rule


@lru_cache(maxsize=None)
def all_codes() -> Tuple[Type[Code], ...]:
    found: List[Type[Code]] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("tl"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Code) and value.__module__ == module.__name__
        )
    return tuple(sorted(found, key=lambda code: code.code))


def all_rules() -> Tuple[Type[Rule], ...]:
    """The codes that are checks."""
    return tuple(code for code in all_codes() if issubclass(code, Rule))  # type: ignore[misc]


def rules_by_code() -> Dict[str, Type[Code]]:
    return {code.code: code for code in all_codes()}
