"""`torchlint [--fix] PATH...`: argument parsing and exit codes; the work is the runner's."""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # the module imports almost nothing: see torchlint/quick_answer.py
    import argparse
    from typing import List, Optional, Sequence, Set, Tuple

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> List[str]:
    import argparse

    from torchlint.config import selector_problem

    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    for code in codes:
        problem = selector_problem(code)
        if problem:
            raise argparse.ArgumentTypeError(problem)
    return codes


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from torchlint import __version__
    from torchlint.reporters import FORMATS

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str):  # argparse exits 2 with usage; keep its exit code, one line
            self.exit(EXIT_ERROR, f"torchlint: error: {message}\n")

    parser = _Parser(prog="torchlint", description="Find nn.Modules and nn.Parameters that PyTorch never registers.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .)")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", default=None, help="with --fix or --diff, apply unsafe fixes too"
    )
    parser.add_argument("--diff", action="store_true", help="print the diff --fix would apply; write nothing")
    parser.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated code prefixes to report")
    parser.add_argument("--ignore", type=_codes, metavar="CODES", help="comma-separated code prefixes to skip")
    parser.add_argument("--output-format", choices=FORMATS, default="text")
    parser.add_argument("--statistics", action="store_true", help="print how many findings each code has")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument("--config", metavar="PATH", help="a pyproject.toml to read [tool.torchlint] from")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write .torchlint_cache")
    parser.add_argument(
        "--force-exclude", action="store_true", help="apply exclude patterns to files named on the command line too"
    )
    parser.add_argument("--explain", metavar="CODE", help="show a rule's documentation and exit")
    parser.add_argument("--version", action="version", version=f"torchlint {__version__}")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["server"]:  # `torchlint server`; lint a folder named server as ./server
        return _serve()
    from torchlint.quick_answer import answer

    quick = answer(arguments)
    if quick is not None:
        sys.stdout.write(quick)
        return EXIT_CLEAN
    parser = build_parser()
    args = parser.parse_args(arguments)
    from torchlint.lifecycle import Terminated, stop_signals_end_the_run

    try:
        with stop_signals_end_the_run():
            return _run(args)
    except KeyboardInterrupt:
        from torchlint.lifecycle import hold_further_interrupts

        hold_further_interrupts()  # the run is over: a late Ctrl-C must not change how it ends
        print("torchlint: interrupted", file=sys.stderr)
        return 130
    except Terminated as stop:
        print(f"torchlint: stopped by signal {stop.signal_number}", file=sys.stderr)
        return 128 + stop.signal_number
    except Exception as error:  # the one place a bug turns into a line, not a traceback
        print(f"torchlint: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR


def _serve() -> int:
    try:
        from torchlint.lsp_server import main as serve
    except ImportError as error:
        print(f"torchlint: error: the language server needs `pip install torchlint[lsp]` ({error})", file=sys.stderr)
        return EXIT_ERROR
    return serve()


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from torchlint.config import ConfigError, find_pyproject, load, with_overrides
    from torchlint.files import Exclusions, PathNotFound, discover
    from torchlint.runner import run

    if args.explain:
        return _explain(args.explain)
    paths_given = args.paths or ["."]
    try:
        pyproject = Path(args.config) if args.config else find_pyproject(Path(paths_given[0]))
        config = load(pyproject, Path.cwd())
    except ConfigError as error:
        print(f"torchlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    config = with_overrides(
        config,
        select=tuple(args.select) if args.select else None,
        ignore=tuple(args.ignore) if args.ignore else None,
        unsafe_fixes=args.unsafe_fixes,
    )
    settings = config.settings
    exclusions = Exclusions.from_config(config.root, config.exclude, config.extend_exclude)
    try:
        paths = discover(paths_given, exclusions, force_exclude=args.force_exclude, notebooks=config.notebooks)
    except PathNotFound as error:
        print(f"torchlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    fixing = args.fix or args.diff
    cache = None
    if not args.no_cache:
        from torchlint.cache import CACHE_DIRECTORY, Cache

        cache = Cache(config.root / CACHE_DIRECTORY, settings)
    single_files = all(not Path(given).is_dir() for given in paths_given)  # pre-commit names files
    from torchlint.reporters import SHOWING_EDITS

    edits = args.output_format in SHOWING_EDITS and not args.statistics
    report = run(paths, settings, fix=fixing, cache=cache, neighbours=single_files, edits=edits)
    for message in report.warnings:
        print(f"torchlint: warning: {message}", file=sys.stderr)
    for message in report.errors:
        print(f"torchlint: internal error: {message}", file=sys.stderr)
    if args.diff:
        for path, before, after in report.changed:
            sys.stdout.write(_unified_diff(str(path), before, after))
        if report.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if report.changed else EXIT_CLEAN
    return _report(args, settings, report)


def _report(args: argparse.Namespace, settings, report) -> int:
    from torchlint.reporters import Summary, reporter
    from torchlint.runner import write_atomically

    remaining = report.diagnostics
    if args.fix:
        write_failures, changed_meanwhile = _write(report.changed, write_atomically)
        fixed_paths = {str(path) for path, _, _ in report.changed} - write_failures - changed_meanwhile
        remaining = [d for d in report.diagnostics if not (d.filename in fixed_paths and _was_applied(d, settings))]
        fixed = sum(1 for d in report.diagnostics if d.filename in fixed_paths and _was_applied(d, settings))
        if write_failures:
            report.errors.extend(f"could not write {path}" for path in sorted(write_failures))
    else:
        fixed = 0
    remaining = sorted(remaining, key=lambda d: d.sort_key())
    summary = Summary(fixed=fixed, fix_mode=args.fix, unsafe_fixes=settings.unsafe_fixes)
    if args.statistics:
        from torchlint.reporters.text import render_statistics

        sys.stdout.write(render_statistics(remaining, summary, as_json=args.output_format.startswith("json")))
    else:
        sys.stdout.write(reporter(args.output_format)(remaining, summary))
    if report.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN


def _was_applied(diagnostic, settings) -> bool:
    return diagnostic.fix is not None and diagnostic.fix.applies(settings.unsafe_fixes)


def _write(changed, write_atomically) -> Tuple[Set[str], Set[str]]:
    """(files that could not be written, files someone else changed since they were read: left alone)."""
    from torchlint.runner import FileChangedError

    failures: Set[str] = set()
    changed_meanwhile: Set[str] = set()
    for path, before, after in changed:
        try:
            write_atomically(path, after, expected=before)
        except FileChangedError:
            print(f"torchlint: warning: {path} changed since it was read; not rewritten, run again", file=sys.stderr)
            changed_meanwhile.add(str(path))
        except OSError as error:
            print(f"torchlint: error: cannot write {path}: {error.strerror or error}", file=sys.stderr)
            failures.add(str(path))
    return failures, changed_meanwhile


def _unified_diff(name: str, before: bytes, after: bytes) -> str:
    import difflib

    old = before.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = after.decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=name, tofile=name))


def _explain(code: str) -> int:
    from torchlint.rules import rules_by_code

    rule = rules_by_code().get(code.upper())
    if rule is None:
        print(f"torchlint: error: unknown rule {code!r}; known: {', '.join(rules_by_code())}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(rule.explain())
    return EXIT_CLEAN
