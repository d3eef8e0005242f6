"""Run the CLI in-process and capture what it prints, as a user's shell would see it."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Sequence

from torchlint.cli import main


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str], cache: bool = False) -> CliResult:
    """`cache=False` adds --no-cache: tests rewrite files faster than a clock tick tells apart."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args) if cache else ["--no-cache", *args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
    return CliResult(code, out.getvalue(), err.getvalue())
