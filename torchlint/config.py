"""`[tool.torchlint]` in the nearest pyproject.toml: loaded, validated, turned into Settings."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from torchlint.pyproject_search import nearest_pyproject, toml_parser
from torchlint.settings import Settings


_LIST_KEYS = ("select", "ignore", "exclude", "extend-exclude", "module-bases", "module-factories")
_ALLOWED = (*_LIST_KEYS, "per-file-ignores", "unsafe-fixes", "notebooks")


class ConfigError(Exception):
    """One line naming the file, the key and what is allowed."""


@dataclass(frozen=True)
class Config:
    settings: Settings
    root: Path  # the folder holding the pyproject.toml; patterns are relative to it
    exclude: Optional[Tuple[str, ...]] = None  # None: the built-in folder list
    extend_exclude: Tuple[str, ...] = ()
    source: Optional[Path] = None
    notebooks: bool = True  # search folders for *.ipynb too


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.torchlint] table, searched upward from `start`."""
    try:
        directory = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop: search from the folder it stands in
        directory = Path(os.path.abspath(start)).parent
    if not directory.is_dir():
        directory = directory.parent
    found = nearest_pyproject(str(directory))
    return None if found is None else Path(found)


def _read(path: Path) -> Dict[str, Any]:
    tomllib = toml_parser()
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error


def load(path: Optional[Path], default_root: Path) -> Config:
    if path is None:
        return Config(settings=Settings(root=str(default_root)), root=default_root)
    table = _read(path).get("tool", {}).get("torchlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.torchlint] must be a table")
    return _parse(table, path)


def _parse(table: Mapping[str, Any], path: Path) -> Config:
    for key in table:
        if key not in _ALLOWED:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.torchlint]; allowed: {', '.join(_ALLOWED)}")
    lists = {key: _string_list(table, key, path) for key in _LIST_KEYS if key in table}
    unsafe = table.get("unsafe-fixes", False)
    notebooks = table.get("notebooks", True)
    for key, value in (("unsafe-fixes", unsafe), ("notebooks", notebooks)):
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {key!r} must be true or false, not {value!r}")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{path}: 'per-file-ignores' must be a table of glob = [codes]")
    per_file_ignores = tuple(
        (pattern, tuple(_string_list(per_file, pattern, path, "per-file-ignores"))) for pattern in per_file
    )
    defaults = Settings()
    settings = Settings(
        select=tuple(lists.get("select", defaults.select)),
        ignore=tuple(lists.get("ignore", ())),
        unsafe_fixes=unsafe,
        module_bases=tuple(lists.get("module-bases", ())),
        module_factories=tuple(lists.get("module-factories", ())),
        per_file_ignores=per_file_ignores,
        root=str(path.parent),
    )
    exclude = tuple(lists["exclude"]) if "exclude" in lists else None
    return Config(settings, path.parent, exclude, tuple(lists.get("extend-exclude", ())), path, notebooks)


def _string_list(table: Mapping[str, Any], key: str, path: Path, within: str = "") -> Sequence[str]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        where = f"{within}.{key}" if within else key
        raise ConfigError(f"{path}: {where!r} must be a list of strings, not {value!r}")
    if key in ("select", "ignore") or within == "per-file-ignores":
        codes = [code.upper() for code in value]
        for code in codes:
            problem = selector_problem(code)
            if problem:
                raise ConfigError(f"{path}: {within + '.' if within else ''}{key}: {problem}")
        return codes
    if key in ("module-bases", "module-factories"):
        for name in value:
            if not _DOTTED.match(name):
                raise ConfigError(f"{path}: {key}: {name!r} is not a dotted name such as 'mmengine.model.BaseModule'")
    return value


_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def selector_problem(code: str) -> Optional[str]:
    """Why a --select / --ignore entry selects nothing (ruff refuses such selectors too); None if it is fine."""
    from torchlint.rules import rules_by_code

    known = list(rules_by_code())
    if any(rule.startswith(code) for rule in known):
        return None
    return f"unknown rule selector {code!r}; codes are {', '.join(known)} (or a prefix of them, such as 'TL')"


def with_overrides(config: Config, **overrides: Any) -> Config:
    """Command-line flags win over the file; None means the flag was not given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, settings=replace(config.settings, **given))


def settings_near(directory: Path) -> "Tuple[Optional[Settings], Optional[str]]":
    """The [tool.torchlint] settings that apply to the files of `directory`, for the doors that see one
    file at a time (flake8, the language server): read once per version of the configuration file.
    (None, None) without a configuration; (None, the error) for a broken one."""
    pyproject = find_pyproject(directory)
    if pyproject is None:
        return None, None
    try:
        version = pyproject.stat().st_mtime_ns
    except OSError:
        return None, None
    return _settings_of(str(pyproject), version)


@lru_cache(maxsize=64)
def _settings_of(pyproject: str, version: int) -> "Tuple[Optional[Settings], Optional[str]]":
    try:
        return load(Path(pyproject), Path(pyproject).parent).settings, None
    except ConfigError as error:
        return None, str(error)

