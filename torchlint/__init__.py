"""torchlint: find nn.Modules and nn.Parameters that PyTorch never registers, and fix them.

The public API is loaded on first use, so `python -m torchlint` on a file without torch starts fast.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = ["Applicability", "Diagnostic", "Edit", "Fix", "Location", "fix_source", "lint_source", "__version__"]

_HOMES = {
    "Applicability": "torchlint.diagnostics",
    "Diagnostic": "torchlint.diagnostics",
    "Edit": "torchlint.diagnostics",
    "Fix": "torchlint.diagnostics",
    "Location": "torchlint.diagnostics",
    "fix_source": "torchlint.engine",
    "lint_source": "torchlint.engine",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'torchlint' has no attribute {name!r}")
