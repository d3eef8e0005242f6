"""Run the CLI in-process and capture what it prints, as a user's shell would see it."""
from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from dataclasses import dataclass
from typing import Sequence, Tuple

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


def main_in_a_fresh_interpreter(module: str, args: Sequence[str], watched: str) -> Tuple[str, bool, int]:
    """Run `module.main(args)` in a new interpreter: (what it printed, whether it imported `watched`,
    its exit code)."""
    script = (
        f"import sys; from {module} import main; code = main({list(args)!r}); "
        f"print({watched!r} in sys.modules, code)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    *printed, last = out.splitlines()
    imported, code = last.split()
    return "\n".join(printed), imported == "True", int(code)
