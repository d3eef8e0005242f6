"""Benchmark torchlint against real corpora, in one interleaved run; writes BENCHMARKS.md.

    python bench/run.py [--rounds 3] [--libcst-rounds 1] [--torchfix-timeout 600] [--only GROUP ...]

Downloads wheels with pip (no dependencies) and unpacks them under bench/.work/: the libraries
(transformers, timm), the research packages of scripts/corpus_check.py, and from those the big-file
set (each package's sources concatenated into files of 1-5 MB, as research repositories that keep a
whole model in one file). Builds side environments (plain flake8; TorchFix, which pins an older
libcst; a regular install of this checkout for start-up) and measures each step as a separate
process: wall time, CPU time of all its processes, and the peak memory of its largest process.
Run it from the environment where torchlint is installed (pip install -e ".[test]").
"""
from __future__ import annotations

import argparse
import ast
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from importlib import metadata
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from corpus_check import RESEARCH_PACKAGES, fetch  # noqa: E402  (one way to download and unpack a wheel)

WORK = ROOT / "bench" / ".work"
LIBRARIES = ("transformers", "timm")
RESEARCH = "research"
BIG_FILES = "big files"
BIG_FILE_BYTES = (1_000_000, 5_000_000)
SMALL_TORCH_FILE = ROOT / "fixtures" / "positive" / "list_literal.py"
# A helper module of a research repository that does not use torch (bench/run.py itself names torch).
PLAIN_MODULE = '''"""Configuration helpers."""
import json
from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    epochs: int = 10
    learning_rate: float = 3e-4
    tags: list = field(default_factory=list)


class Registry(dict):
    def register(self, name):
        def add(value):
            self[name] = value
            return value
        return add


def load(path):
    with open(path) as handle:
        return TrainConfig(**json.load(handle))
'''

# A child that runs a command and prints its wall time, the CPU time of the command and of every process
# it waited for (a pool's workers included), and the peak memory of the largest of them.
_LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)
"""

_FILES = "import pathlib, sys\nfiles = sorted(p for root in sys.argv[1:] for p in pathlib.Path(root).rglob('*.py'))\n"
_READ = _FILES + "for p in files: p.read_bytes()"
_AST = _FILES + "import ast\nfor p in files:\n    try: ast.parse(p.read_bytes())\n    except (SyntaxError, ValueError): pass"
_LIBCST = _FILES + "import libcst\nfor p in files:\n    try: libcst.parse_module(p.read_bytes())\n    except Exception: pass"


class Sample(NamedTuple):
    wall: float  # seconds; `inf` when the command ran out of time
    cpu: float  # seconds of CPU, all processes
    peak: float  # MB, the largest process


Table = Dict[str, List[Sample]]


def _run(command: Sequence[str], timeout: float, cwd: Optional[Path] = None) -> Sample:
    process = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, *command], stdout=subprocess.PIPE, text=True, cwd=cwd, start_new_session=True
    )
    try:
        out = process.communicate(timeout=timeout)[0].split()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the whole tree: a tool's worker processes too
        process.communicate()
        return Sample(float("inf"), float("nan"), float("nan"))
    except BaseException:  # the bench itself is stopped (Ctrl-C, SIGTERM): the step ends with it
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return Sample(float(out[0]), float(out[1]), int(out[2]) / 1024)


def _side_environment(name: str, packages: Sequence[str], refresh: Sequence[str] = ()) -> Path:
    """A venv of its own under bench/.work; `refresh` is reinstalled every run (this checkout)."""
    directory = WORK / f"venv-{name}"
    python = directory / "bin" / "python"
    if not python.exists():
        venv.create(directory, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *packages], check=True)
    if refresh:
        pip = [str(python), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", *refresh]
        subprocess.run(pip, check=True)
    return directory / "bin"


def _version(command: Sequence[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "?"


def big_files(sources: Sequence[Path], target: Path) -> Path:
    """Each package's sources concatenated, in path order, into files of 1-5 MB (about; a package
    smaller than 1 MB gives one smaller file). Only files CPython parses go in, without their `from __future__`
    lines (legal only at the top of a file), so that every big file parses too."""
    if target.exists():
        return target
    building = target.with_name(target.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    for source in sources:
        texts: List[bytes] = []
        for path in sorted(source.rglob("*.py")):
            data = path.read_bytes()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            lines = [line for line in data.splitlines(keepends=True) if not line.startswith(b"from __future__")]
            texts.append(b"".join(lines).rstrip(b"\n") + b"\n\n\n")
        # As few files as keep each under the upper bound, of even size (so each is over the lower one).
        share = sum(map(len, texts)) / max(1, -(-sum(map(len, texts)) // BIG_FILE_BYTES[1]))
        chunks: List[List[bytes]] = [[]]
        for text in texts:
            if chunks[-1] and sum(map(len, chunks[-1])) + len(text) > share * 1.02:
                chunks.append([])
            chunks[-1].append(text)
        package = source.parent.name
        for number, chunk in enumerate(chunks):
            (building / package).mkdir(parents=True, exist_ok=True)
            (building / package / f"{package.replace('-', '_')}_{number}.py").write_bytes(b"".join(chunk))
    building.rename(target)
    return target


def one_candidate_model_file(sources: Sequence[Path], target: Path) -> Path:
    """About 5 MB of research files in which torchlint finds nothing to check, then one class with a
    finding: the big model file a flake8 user keeps open in an editor."""
    if target.exists():
        return target
    from torchlint.engine import SourceFile, scan_file
    from torchlint.settings import Settings

    parts: List[bytes] = []
    for path in sorted(p for source in sources for p in source.rglob("*.py")):
        if sum(map(len, parts)) > BIG_FILE_BYTES[1]:
            break
        data = path.read_bytes()
        try:
            ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        if b"class " in data and not scan_file(SourceFile(data, str(path)), Settings()).needs_check:
            parts.append(b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(b"from __future__")))
    parts.append((ROOT / "fixtures" / "positive" / "list_literal.py").read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\n\n".join(part.rstrip(b"\n") + b"\n" for part in parts))
    return target


def _steps(python: str, paths: Sequence[str], args: argparse.Namespace, full: bool) -> Dict[str, Tuple[Optional[List[str]], int]]:
    """Every corpus: reading, `ast.parse`, torchlint cold and warm. The libraries (`full`): also libcst,
    flake8 and TorchFix."""
    steps: Dict[str, Tuple[Optional[List[str]], int]] = {
        "read all files": ([python, "-c", _READ, *paths], args.rounds),
        "ast.parse, one process": ([python, "-c", _AST, *paths], args.rounds),
        "torchlint cold (no cache)": (None, args.rounds),
        "torchlint warm (cache)": (None, args.rounds),
    }
    if full:
        plain_bin = _side_environment("plain-flake8", ["flake8"])
        torchfix_bin = _side_environment("torchfix", ["torchfix"])
        steps.update({
            "libcst.parse_module, one process": ([python, "-c", _LIBCST, *paths], args.libcst_rounds),
            "flake8 (plain)": ([str(plain_bin / "flake8"), "--exit-zero", *paths], args.rounds),
            "flake8 --select TL (torchlint plugin)": ([python, "-m", "flake8", "--exit-zero", "--select", "TL", *paths], args.rounds),
            "flake8 default checks + TL": ([python, "-m", "flake8", "--exit-zero", "--extend-select", "TL", *paths], args.rounds),
            "torchfix": ([str(torchfix_bin / "torchfix"), *paths], 1),
        })
    return steps


def _research() -> List[Path]:
    return [fetch(spec, WORK / "research") for spec in RESEARCH_PACKAGES]


def _corpora(args: argparse.Namespace) -> Dict[str, Tuple[List[Path], bool]]:
    """name -> (its folders, whether every step runs on it)."""
    corpora: Dict[str, Tuple[List[Path], bool]] = {
        name: ([fetch(name, WORK / "corpora")], True) for name in LIBRARIES if name in args.only
    }
    if RESEARCH in args.only:
        corpora[RESEARCH] = (_research(), False)
    if BIG_FILES in args.only:
        corpora[BIG_FILES] = ([big_files(_research(), WORK / "big-files")], False)
    return corpora


def measure(args: argparse.Namespace) -> Tuple[Dict[str, Table], Dict[str, str]]:
    python = sys.executable
    torchlint = [python, "-m", "torchlint", "--exit-zero", "--output-format", "concise"]
    results: Dict[str, Table] = {}
    sizes: Dict[str, str] = {}
    for corpus, (folders, full) in _corpora(args).items():
        files = [p for folder in folders for p in folder.rglob("*.py")]
        sizes[corpus] = f"{len(files):,} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB"
        paths = [str(folder) for folder in folders]
        steps = _steps(python, paths, args, full)
        table = results.setdefault(corpus, {name: [] for name in steps})
        cache_home = WORK / "cache-home" / corpus.replace(" ", "-")
        for round_number in range(max(rounds for _, rounds in steps.values())):
            for name, (command, rounds) in steps.items():  # interleaved: each round runs every step once
                if round_number >= rounds:
                    continue
                if name.startswith("torchlint cold"):
                    shutil.rmtree(cache_home, ignore_errors=True)
                    cache_home.mkdir(parents=True)
                if command is None:
                    command = [*torchlint, *paths]
                timeout = args.torchfix_timeout if name == "torchfix" else 3600
                sample = _run(command, timeout, cwd=cache_home if name.startswith("torchlint") else None)
                table[name].append(sample)
                print(f"{corpus:>12} round {round_number + 1}: {name:<40} {sample.wall:8.2f} s {sample.cpu:8.2f} s CPU "
                      f"{sample.peak:6.0f} MB", flush=True)
    if "flake8 big file" in args.only:
        results["flake8 big file"] = _flake8_big_file(python, args)
        sizes["flake8 big file"] = f"{results['flake8 big file']['size'][0].wall / 1e6:.1f} MB"
    if "many findings" in args.only:
        results["many findings"] = _many_findings(torchlint, python, args)
    if "start-up" in args.only:
        results["start-up"] = _start_up(args)
    return results, sizes


def _flake8_big_file(python: str, args: argparse.Namespace) -> Table:
    big = one_candidate_model_file(_research(), WORK / "flake8-big-file" / "model.py")
    plain_bin = _side_environment("plain-flake8", ["flake8"])
    steps = {
        "flake8 (plain)": [str(plain_bin / "flake8"), "--exit-zero", str(big)],
        "flake8 --select TL (torchlint plugin)": [python, "-m", "flake8", "--exit-zero", "--select", "TL", str(big)],
    }
    table: Table = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, command in steps.items():
            table[name].append(_run(command, 1800))
    table["size"] = [Sample(big.stat().st_size, 0.0, 0.0)]
    return table


def _many_findings(torchlint: List[str], python: str, args: argparse.Namespace) -> Table:
    """One big model file with thousands of findings: fix texts must cost O(file + findings)."""
    many = _many_findings_file()
    steps = {
        "ast.parse, one process": [python, "-c", _AST, str(many.parent)],
        # JSON shows every fix's edits, so each is built (the text formats need a fix's title only).
        "torchlint check (every fix text built)": [*torchlint, "--no-cache", "--output-format", "json", str(many)],
        "torchlint --diff (every fix applied)": [*torchlint, "--no-cache", "--diff", str(many)],
    }
    table: Table = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, command in steps.items():
            table[name].append(_run(command, 600))
    return table


def _start_up(args: argparse.Namespace) -> Table:
    """Start-up as users meet it: a regular (not editable) install of this checkout, in its own venv,
    with its bytecode compiled (as pip leaves it)."""
    installed = _side_environment("torchlint", [str(ROOT)], refresh=[str(ROOT)])
    installed_python, installed_torchlint = str(installed / "python"), str(installed / "torchlint")
    quiet = ["--no-cache", "--exit-zero", "--output-format", "concise"]
    startup = {
        "python -c pass": [installed_python, "-c", "pass"],
        'python -c "import libcst"': [installed_python, "-c", "import libcst"],
        "torchlint one small torch file": [installed_torchlint, *quiet, str(SMALL_TORCH_FILE)],
        "torchlint one file without torch": [installed_torchlint, *quiet, str(_plain_file())],
    }
    for command in startup.values():  # the first run of each writes bytecode where none was written
        _run(command, 60)
    table: Table = {name: [] for name in startup}
    for _ in range(max(args.rounds, 5)):
        for name, command in startup.items():
            table[name].append(_run(command, 60))
    return table


def _plain_file() -> Path:
    """A helper module of a user's project that runs torchlint from pre-commit. It lies outside this
    checkout: a run reads the pyproject.toml files above the file for a [tool.torchlint] table, and
    this checkout's names torchlint (a TOML parse users' projects do not pay)."""
    project = Path(tempfile.gettempdir()) / "torchlint-bench-plain-project"
    project.mkdir(exist_ok=True)
    (project / "pyproject.toml").write_text('[project]\nname = "helpers"\nversion = "1.0"\n')
    target = project / "config.py"
    target.write_text(PLAIN_MODULE)
    return target


def _many_findings_file(classes: int = 1250) -> Path:
    """About 45,000 lines holding 2,500 findings (two lists of modules in each of 1,250 classes)."""
    target = WORK / "many-findings" / "model.py"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        filler = "".join(f"        self.width_{j} = {j}\n" for j in range(28))
        body = "".join(
            f"class Block{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n{filler}"
            f"        self.layers = [nn.Linear(4, 4) for _ in range(2)]\n        self.heads = {{'a': nn.Linear(4, 4)}}\n\n"
            for i in range(classes)
        )
        target.write_text("from torch import nn\n\n\n" + body)
    return target


def _median(samples: List[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples),
                  max(s.peak for s in samples))


def report(results: Dict[str, Table], sizes: Dict[str, str], args: argparse.Namespace) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `python bench/run.py` on {datetime.date.today()}: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}, {_version([sys.executable, '-m', 'torchlint', '--version'])}, "
        f"libcst {metadata.version('libcst')}, flake8 {metadata.version('flake8')}. "
        f"Medians of {args.rounds} interleaved rounds ({args.libcst_rounds} for the plain libcst parse, 1 for TorchFix); "
        "each step is a separate process: wall seconds, CPU seconds of all its processes, peak memory of the "
        "largest. The machine is shared and noisy: ratios measured in the same run are what count.",
        "",
    ]
    medians = {group: {name: _median(s) for name, s in table.items() if s and name != "size"} for group, table in results.items()}
    for group, table in medians.items():
        title = f"## {group} ({sizes[group]})" if group in sizes else f"## {group}"
        lines += [title, "", "| step | wall s | CPU s | peak MB |", "|---|---:|---:|---:|"]
        for name, sample in table.items():
            wall = f"> {args.torchfix_timeout:.0f} (timed out)" if sample.wall == float("inf") else f"{sample.wall:.2f}"
            lines.append(f"| {name} | {wall} | {sample.cpu:.2f} | {sample.peak:.0f} |")
        lines.append("")
    lines += ["## Targets", "", "| target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {label} | {shown} | {'yes' if met else 'no'} |" for label, shown, met in _targets(medians, args)]
    lines += ["", "timm is shown for scale: on 304 files the fixed costs (interpreter and imports, starting the "
              "process pool) weigh more than on thousands, so its ratios are worse. The start-up targets are "
              "about imports, profiled below."]
    if "start-up" in medians:
        lines += ["", "## Where the start-up time goes", "",
                  "`python -X importtime` of the installed `torchlint` on a file without torch, largest cumulative "
                  "imports first (microseconds):", "", "```", *_import_profile(), "```"]
    return "\n".join(lines) + "\n"


def _targets(medians: Dict[str, Dict[str, Sample]], args: argparse.Namespace) -> List[Tuple[str, str, bool]]:
    rows: List[Tuple[str, str, bool]] = []

    def check(label: str, value: float, bound: float, op: str = "<=", shown: Optional[str] = None) -> None:
        met = {"<=": value <= bound, ">=": value >= bound}[op]
        rows.append((f"{label} {op} {bound:g}", shown or f"{value:.3f}", met))

    for corpus in (*LIBRARIES, RESEARCH, BIG_FILES):
        if corpus not in medians:
            continue
        m = medians[corpus]
        cold, parse = m["torchlint cold (no cache)"], m["ast.parse, one process"]
        if corpus in (RESEARCH, BIG_FILES):
            check(f"{corpus}: cold torchlint CPU / ast.parse CPU", cold.cpu / parse.cpu, 1.5)
            check(f"{corpus}: cold torchlint wall / ast.parse wall", cold.wall / parse.wall, 1.0)
            check(f"{corpus}: peak memory of cold torchlint (MB)", cold.peak, 300)
            continue
        check(f"{corpus}: cold torchlint wall / ast.parse wall", cold.wall / parse.wall, 1.0)
        check(f"{corpus}: cold torchlint wall / libcst parse", cold.wall / m["libcst.parse_module, one process"].wall, 0.1)
        check(f"{corpus}: warm / cold (wall)", m["torchlint warm (cache)"].wall / cold.wall, 0.05)
        torchfix = m["torchfix"].wall
        check(f"{corpus}: TorchFix / torchlint (wall)", torchfix / cold.wall, 20, ">=",
              f">= {args.torchfix_timeout / cold.wall:.1f} (TorchFix timed out)" if torchfix == float("inf") else None)
        check(f"{corpus}: flake8 default + TL / plain flake8 (wall)",
              m["flake8 default checks + TL"].wall / m["flake8 (plain)"].wall, 1.15)
        check(f"{corpus}: peak memory of cold torchlint (MB)", cold.peak, 300)
    if "flake8 big file" in medians:
        m = medians["flake8 big file"]
        check("5 MB model file, one candidate class: flake8 --select TL / plain flake8 (wall)",
              m["flake8 --select TL (torchlint plugin)"].wall / m["flake8 (plain)"].wall, 1.3)
    if "many findings" in medians:
        m = medians["many findings"]
        check("many findings: check with 2,500 fix texts / ast.parse (wall)",
              m["torchlint check (every fix text built)"].wall / m["ast.parse, one process"].wall, 40)
    if "start-up" in medians:
        s = medians["start-up"]
        check("one small torch file / import libcst (wall)",
              s["torchlint one small torch file"].wall / s['python -c "import libcst"'].wall, 1.3)
        check("one file without torch / python -c pass (wall)",
              s["torchlint one file without torch"].wall / s["python -c pass"].wall, 3)
    return rows


def _import_profile(top: int = 14) -> List[str]:
    python = str(WORK / "venv-torchlint" / "bin" / "python")
    code = "import sys; from torchlint.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [python, "-X", "importtime", "-c", code, "--no-cache", "--exit-zero", str(_plain_file())],
        capture_output=True, text=True,
    )
    rows = [line for line in result.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    rows = [row for row in rows if row.split("|")[1].strip().isdigit()]
    rows.sort(key=lambda row: -int(row.split("|")[1]))
    return ["self | cumulative | module", *(row.replace("import time:", "").strip() for row in rows[:top])]


GROUPS = (*LIBRARIES, RESEARCH, BIG_FILES, "flake8 big file", "many findings", "start-up")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--libcst-rounds", type=int, default=1)
    parser.add_argument("--torchfix-timeout", type=float, default=600.0)
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS), help="measure only these groups")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))  # ends the step measured too
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # start-up is measured with bytecode, as users have it
    started = time.time()
    results, sizes = measure(args)
    text = report(results, sizes, args)
    args.output.write_text(text)
    print(text)
    print(f"bench took {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
