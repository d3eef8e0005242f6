"""Rules are discovered, not listed: every `tlNNN_*.py` module here defines one Rule subclass."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, Tuple, Type

from torchlint.rules.base import Rule


@lru_cache(maxsize=None)
def all_rules() -> Tuple[Type[Rule], ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("tl"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__
        )
    return tuple(sorted(found, key=lambda rule: rule.code))


def rules_by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}
