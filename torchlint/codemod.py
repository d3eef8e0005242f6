"""The fixer as a LibCST codemod command:
`python -m libcst.tool codemod --no-format torchlint.codemod.RegisterSubmodulesCommand PATH`."""
from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand

from torchlint.engine import SourceFile, check_file
from torchlint.settings import Settings


class RegisterSubmodulesCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Wrap nn.Modules and nn.Parameters kept in plain containers in torch containers (torchlint)."

    def __init__(self, context: CodemodContext, unsafe_fixes: bool = False) -> None:
        super().__init__(context)
        self.settings = Settings(unsafe_fixes=unsafe_fixes)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--unsafe-fixes", action="store_true", help="apply unsafe fixes too")

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or "<codemod>"
        result = check_file(SourceFile(tree.bytes, filename), self.settings, fix=True)
        if result.fixed is None:
            raise SkipFile("nothing to fix")
        return cst.parse_module(result.fixed)
