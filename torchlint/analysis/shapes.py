"""The kinds of container and of content the rules are written for (no libcst needed)."""
from __future__ import annotations

import enum


class Shape(enum.Enum):
    LIST = "list"
    DICT = "dict"
    TUPLE = "tuple"


class Family(enum.Enum):
    """What the container holds that torch would register."""

    MODULES = "modules"
    PARAMETERS = "parameters"
    STATELESS_MODULES = "stateless modules"
