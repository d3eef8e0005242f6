"""A run whose files cannot hold a module class, answered before the analysis is imported.

pre-commit hands torchlint every changed Python file, and most of them are helpers, scripts and
configuration that hold no module class: their answer is "no findings", and it should come in about
the time Python takes to start. When the command line is one this module understands (named `.py` or
`.pyi` files, no configuration file with a [tool.torchlint] table, flags that change nothing about an
empty answer) and `byte_skip.holds_no_module_class` says so of every file, the run prints what an
empty run prints. Anything else (a folder, a notebook, a configuration, `--select`, an unreadable
file) is left to the full run, which gives the same answer for these files (tests/test_quick_answer.py).
"""
from __future__ import annotations

import os
import stat

from torchlint.byte_skip import holds_no_module_class
from torchlint.pyproject_search import nearest_pyproject

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional, Sequence

# What each output format prints for a run without findings (--fix and --unsafe-fixes included).
EMPTY_OUTPUT = {"text": "All checks passed!\n", "concise": "", "json": "[]\n", "json-lines": "", "github": ""}
# Flags that change nothing about a run without findings.
_NEUTRAL_FLAGS = frozenset(("--fix", "--unsafe-fixes", "--exit-zero", "--no-cache", "--force-exclude"))
_SUFFIXES = (".py", ".pyi")


def answer(arguments: Sequence[str]) -> Optional[str]:
    """What the run prints (it exits 0), or None when the full run must look at it."""
    output_format, diff = "text", False
    paths: List[str] = []
    pending = iter(arguments)
    for argument in pending:
        if argument == "--output-format" or argument.startswith("--output-format="):
            output_format = argument.partition("=")[2] if "=" in argument else next(pending, "")
            if output_format not in EMPTY_OUTPUT:
                return None
        elif argument == "--diff":
            diff = True
        elif argument.startswith("-"):
            if argument not in _NEUTRAL_FLAGS:
                return None
        else:
            paths.append(argument)
    if not paths or _configured(paths[0]) or not all(_holds_no_module_class(path) for path in paths):
        return None
    return "" if diff else EMPTY_OUTPUT[output_format]


def _holds_no_module_class(path: str) -> bool:
    if not path.endswith(_SUFFIXES):
        return False
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as stream:
            data = stream.read()
    except (OSError, ValueError):
        return False
    return holds_no_module_class(data)


def _configured(first_path: str) -> bool:
    """Whether a pyproject.toml with a [tool.torchlint] table (or one that cannot be read) governs the
    run, found as config.find_pyproject finds it: upward from the first path named."""
    try:
        return nearest_pyproject(os.path.dirname(os.path.realpath(first_path))) is not None
    except (OSError, TypeError):  # unreadable, or a `tool` that is no table: the full run says what
        return True
