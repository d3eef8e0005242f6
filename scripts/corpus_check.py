"""Run torchlint over real PyTorch code nobody here wrote, and prove it neither crashes nor breaks it.

    python scripts/corpus_check.py [PACKAGE ...] [--research] [--work DIR] [--list]

Downloads each package's wheel with pip (no dependencies), unpacks it, and over every .py file runs:
check mode; `--fix` on a copy; `--fix --unsafe-fixes` on another copy. It reports crashes and
internal errors, files that `--fix` left uncompilable, changes outside the rewritten statements
(an added import aside), a second `--fix` that still changes something, and the findings per code
(all of them with --list, for review). Exit status 1 when any of those problems occurred.
"""
from __future__ import annotations

import argparse
import difflib
import itertools
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from torchlint.files import discover  # noqa: E402
from torchlint.runner import run, write_atomically  # noqa: E402
from torchlint.settings import Settings  # noqa: E402

DEFAULT_PACKAGES = ("transformers", "timm", "torchvision", "torch==2.13.0")
# Research code: model repositories published as packages, where the bug lives.
RESEARCH_PACKAGES = (
    "vit-pytorch", "x-transformers", "denoising-diffusion-pytorch", "dalle2-pytorch", "imagen-pytorch", "espnet",
    "fairseq==0.12.2", "mmdet", "speechbrain", "torch-geometric", "monai", "segmentation-models-pytorch", "kornia",
    "ultralytics", "nemo-toolkit",
)
# Packages with no wheel for this Python: the newest wheel for an older one holds the same sources.
_OLDER_PYTHON = ("--python-version", "3.8", "--platform", "manylinux1_x86_64")


@dataclass
class PackageReport:
    name: str
    files: int = 0
    crashes: List[str] = field(default_factory=list)
    internal_errors: List[str] = field(default_factory=list)
    uncompilable: List[str] = field(default_factory=list)
    stray_changes: List[str] = field(default_factory=list)
    not_idempotent: List[str] = field(default_factory=list)
    findings: List[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    fixed_files: Dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        return sum(map(len, (self.crashes, self.internal_errors, self.uncompilable, self.stray_changes, self.not_idempotent)))


def fetch(spec: str, work: Path) -> Path:
    name = spec.split("==")[0]
    target = work / name / "src"
    if target.exists():
        return target
    downloads = work / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", str(downloads)]
    if subprocess.run([*command, spec]).returncode != 0:
        subprocess.run([*command, *_OLDER_PYTHON, spec], check=True)
    wheel_prefix = name.lower().replace("-", "_") + "-"  # wheel file names spell the project with underscores
    wheel = next(p for p in downloads.glob("*.whl") if p.name.lower().startswith(wheel_prefix))
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith(".py"):
                archive.extract(member, target)
    return target


def check_package(name: str, source: Path, work: Path) -> PackageReport:
    report = PackageReport(name)
    paths = discover([str(source)])
    report.files = len(paths)
    try:
        checked = run(paths, Settings())
    except Exception as error:  # the point of this script: any crash is a finding
        report.crashes.append(f"check: {type(error).__name__}: {error}")
        return report
    report.internal_errors.extend(checked.errors)
    for d in sorted(checked.diagnostics, key=lambda d: d.sort_key()):
        report.counts[d.code] += 1
        report.findings.append(f"{d.filename}:{d.location.row}:{d.location.column}: {d.code} {d.message}")
    for unsafe in (False, True):
        _check_fixes(report, source, work / f"{name}-fix-{'unsafe' if unsafe else 'safe'}", unsafe)
    return report


def _check_fixes(report: PackageReport, source: Path, copy: Path, unsafe: bool) -> None:
    label = "--fix --unsafe-fixes" if unsafe else "--fix"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    settings = Settings(unsafe_fixes=unsafe)
    paths = discover([str(copy)])
    try:
        first = run(paths, settings, fix=True)
        for path, _, after in first.changed:
            write_atomically(path, after)
        second = run(paths, settings, fix=True)
    except Exception as error:
        report.crashes.append(f"{label}: {type(error).__name__}: {error}")
        return
    report.internal_errors.extend(first.errors + second.errors)
    report.not_idempotent.extend(f"{label}: {path}" for path, _, _ in second.changed)
    ranges: Dict[str, List[range]] = {}
    for d in first.diagnostics:
        ranges.setdefault(d.filename, []).append(range(d.location.row, d.end_location.row + 1))
    for path, before, after in first.changed:
        report.fixed_files[f"{label}: {path.relative_to(copy)}"] = len(ranges.get(str(path), []))
        try:
            compile(after, str(path), "exec", dont_inherit=True)
        except SyntaxError as error:
            report.uncompilable.append(f"{label}: {path}: {error}")
        stray = _changes_outside(before, after, ranges.get(str(path), []))
        if stray:
            report.stray_changes.append(f"{label}: {path}: {stray}")


def _changes_outside(before: bytes, after: bytes, allowed: Sequence[range]) -> Optional[str]:
    """Lines changed outside the reported statements, other than added import lines."""
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        changed_rows = range(a1 + 1, a2 + 1)
        if tag == "insert" or all(any(row in r for r in allowed) for row in changed_rows):
            added = new[b1:b2]
            if tag != "insert" or all(line.lstrip().startswith(("import ", "from ")) for line in added):
                continue
        return f"lines {a1 + 1}-{a2} changed: {old[a1:a2][:2]} -> {new[b1:b2][:2]}"
    return None


def render(reports: Sequence[PackageReport], listing: bool) -> str:
    lines = ["| package | files | findings | per code | crashes | internal errors | uncompilable | stray changes | not idempotent |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in reports:
        per_code = ", ".join(f"{code} {count}" for code, count in sorted(r.counts.items())) or "-"
        lines.append(
            f"| {r.name} | {r.files} | {sum(r.counts.values())} | {per_code} | {len(r.crashes)} | {len(r.internal_errors)} "
            f"| {len(r.uncompilable)} | {len(r.stray_changes)} | {len(r.not_idempotent)} |"
        )
    for r in reports:
        for title, items in (("crashes", r.crashes), ("internal errors", r.internal_errors), ("uncompilable", r.uncompilable),
                             ("stray changes", r.stray_changes), ("not idempotent", r.not_idempotent)):
            lines += [f"\n{r.name}: {title}"] + [f"  {item}" for item in items] if items else []
        if listing:
            lines += [f"\n{r.name}: findings"] + [f"  {item}" for item in r.findings]
            lines += [f"\n{r.name}: files fixed"] + [f"  {name} ({count} findings)" for name, count in r.fixed_files.items()]
    return "\n".join(lines) + "\n"


def compare_readers(sources: Sequence[Path]) -> int:
    """Every file both readers can read: the records must be equal (analysis/compare_readers.py)."""
    from torchlint.analysis.compare_readers import differences

    compared = disagreeing = 0
    for path in sorted(p for source in sources for p in source.rglob("*.py")):
        try:
            found = differences(path.read_bytes())
        except Exception as error:  # libcst cannot read what CPython can: report, go on
            print(f"{path}: {type(error).__name__}: {error}")
            continue
        if found is None:
            continue
        compared += 1
        if found:
            disagreeing += 1
            print(f"{path}:\n  " + "\n  ".join(line[:400] for line in found))
    print(f"{compared} files compared, {disagreeing} with different records")
    return 1 if disagreeing else 0


def compare_parts(sources: Sequence[Path]) -> int:
    """Every file cut into parts (scan_in_parts.py) of 2 KB and of 32 KB, with the guess of the names it
    binds and with a guess of nothing: the scan must equal the scan of the whole file."""
    import torchlint.scan_in_parts as parts
    from torchlint.analysis.imports import ImportMap
    from torchlint.files import module_name
    from torchlint.settings import Settings

    settings = Settings(select=("TL", "TL007", "TL008"))
    guesses = {"guess": parts._guessed_names, "no guess": lambda data, name, package: ImportMap({}, name, package=package)}
    compared = disagreeing = 0
    for path in sorted(p for source in sources for p in source.rglob("*.py")):
        data = path.read_bytes()
        name, package = module_name(path)
        for (guess_name, guess), part_bytes in itertools.product(guesses.items(), (2048, 32768)):
            parts._guessed_names = guess
            found = parts.differences_from_whole(data, settings, name, package, part_bytes)
            if found is None:
                continue
            compared += 1
            if found:
                disagreeing += 1
                print(f"{path} ({guess_name}, parts of {part_bytes} bytes):\n  " + "\n  ".join(found))
    print(f"{compared} scans in parts compared, {disagreeing} different from the whole file's")
    return 1 if disagreeing else 0


def check_quick_answer(sources: Sequence[Path]) -> int:
    """Every file the quick answer calls free of module classes (byte_skip.holds_no_module_class) that
    has a class statement with a base list must parse, and each of its classes must derive only from
    builtin classes the file does not rebind, without keywords."""
    import ast

    from torchlint.analysis.ast_names import classes_beyond_builtins
    from torchlint.byte_skip import has_class_with_bases, holds_no_module_class

    files = answered = wrong = 0
    for path in sorted(p for source in sources for p in source.rglob("*.py")):
        files += 1
        data = path.read_bytes()
        if not holds_no_module_class(data):
            continue
        answered += 1
        if not has_class_with_bases(data):
            continue  # no class can be a module class; the scan skips such a file unparsed, as here
        for node in classes_beyond_builtins(ast.parse(data)):
            wrong += 1
            print(f"{path}:{node.lineno}: class {node.name} may be a module class")
    print(f"{files} files, {answered} answered without the analysis, {wrong} wrongly")
    return 1 if wrong else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="pip requirement specs (default: the four library corpora)")
    parser.add_argument("--research", action="store_true", help="the research packages (RESEARCH_PACKAGES)")
    parser.add_argument("--work", type=Path, help="where wheels are unpacked (default: a temporary folder)")
    parser.add_argument("--list", action="store_true", help="list every finding and fixed file, for review")
    parser.add_argument("--compare-readers", action="store_true",
                        help="instead: assert that the `ast` and libcst readers record the same on every file")
    parser.add_argument("--compare-parts", action="store_true",
                        help="instead: assert that a file scanned in parts is scanned as a whole file is")
    parser.add_argument("--check-quick-answer", action="store_true",
                        help="instead: assert that no file the CLI answers from its bytes holds a class that may be a module")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="torchlint-corpus-"))
    specs = args.packages or list(RESEARCH_PACKAGES if args.research else DEFAULT_PACKAGES)
    if args.compare_readers:
        return compare_readers([fetch(spec, work) for spec in specs])
    if args.compare_parts:
        return compare_parts([fetch(spec, work) for spec in specs])
    if args.check_quick_answer:
        return check_quick_answer([fetch(spec, work) for spec in specs])
    reports = [check_package(spec.split("==")[0], fetch(spec, work), work) for spec in specs]
    sys.stdout.write(render(reports, args.list))
    return 1 if any(r.problems for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
