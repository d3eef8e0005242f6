"""flake8 entry point `TL`: a thin adapter over the engine the CLI uses.

flake8 owns noqa, --select / --extend-ignore and per-file-ignores; the engine reports everything.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Iterator, List, Sequence, Tuple

from torchlint import __version__
from torchlint.config import settings_near
from torchlint.engine import SourceFile
from torchlint.neighbours import check_single_file
from torchlint.files import module_name
from torchlint.settings import Settings


class TorchlintChecker:
    name = "torchlint"
    version = __version__
    _module_bases: Tuple[str, ...] = ()
    _module_factories: Tuple[str, ...] = ()

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        for flag, what in (
            ("--torchlint-module-bases", "classes whose subclasses are torch modules, e.g. mmengine.model.BaseModule"),
            ("--torchlint-module-factories", "callables that return torch modules, e.g. timm.create_model"),
        ):
            option_manager.add_option(
                flag, default="", parse_from_config=True, comma_separated_list=True, help=f"torchlint: {what}"
            )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls._module_bases = tuple(options.torchlint_module_bases or ())
        cls._module_factories = tuple(options.torchlint_module_factories or ())

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        data = "".join(self.lines).encode("utf-8")
        settings = self._settings()
        path = Path(self.filename)
        name, package = module_name(path) if path.exists() else ("__main__", "")
        source = SourceFile(data, self.filename, name, package)
        # flake8 parsed the file with `ast` already: the scan and the check reuse that tree. It shows no
        # fix, so none is rendered (libcst is never imported).
        tree = self.tree if isinstance(self.tree, ast.Module) else None
        result = check_single_file(source, settings, tree=tree, edits=False)
        for diagnostic in result.diagnostics:
            # flake8 adds 1 to the column a plugin yields; ours are already 1-based.
            yield diagnostic.location.row, diagnostic.location.column - 1, f"{diagnostic.code} {diagnostic.message}", type(self)

    def _settings(self) -> Settings:
        # flake8 users see configuration errors from the torchlint command itself
        from_file = settings_near(Path(self.filename).parent)[0] if self.filename not in ("-", "stdin") else None
        bases: List[str] = [*self._module_bases, *(from_file.module_bases if from_file else ())]
        factories: List[str] = [*self._module_factories, *(from_file.module_factories if from_file else ())]
        return Settings(module_bases=tuple(bases), module_factories=tuple(factories), honour_noqa=False)



