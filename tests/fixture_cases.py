"""The fixture files, and what each one says about itself in `# expect: TLxxx` comments."""
from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The settings every fixture is checked with: the default rules and the opt-in TL007 (TL008's stateless
# containers are left out: the negative fixtures hold some on purpose).
FIXTURE_SELECT = ("TL", "TL007")
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>TL\d+(?:\s*,\s*TL\d+)*)")


@dataclass(frozen=True)
class Fixture:
    path: Path

    @property
    def id(self) -> str:
        return str(self.path.relative_to(FIXTURES))

    @property
    def positive(self) -> bool:
        return self.path.parts[len(FIXTURES.parts)] == "positive"

    def expected(self) -> List[Tuple[int, str]]:
        found = []
        for row, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                found.extend((row, code.strip()) for code in match.group("codes").split(","))
        return sorted(found)

    def fixed_path(self, unsafe: bool) -> Optional[Path]:
        """The expected text after `--fix` (or `--fix --unsafe-fixes`); None when nothing changes."""
        safe = self.path.with_suffix(".fixed.py")
        unsafe_path = self.path.with_suffix(".unsafe.fixed.py")
        if safe.exists():
            return safe
        if unsafe and unsafe_path.exists():
            return unsafe_path
        return None

    def builds(self) -> bool:
        return "def build(" in self.path.read_text(encoding="utf-8")


def fixtures(kind: Optional[str] = None) -> List[Fixture]:
    folders = [FIXTURES / kind] if kind else [FIXTURES / "positive", FIXTURES / "negative"]
    return [
        Fixture(path)
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        if not path.name.endswith(".fixed.py") and not _is_support_module(path)
    ]


def _is_support_module(path: Path) -> bool:
    """`__init__.py`, and modules a multi-file fixture imports (they define no build())."""
    if path.name == "__init__.py":
        return True
    return (path.parent / "__init__.py").exists() and "def build(" not in path.read_text(encoding="utf-8")


def import_file(path: Path, name: str = "fixture_under_test") -> ModuleType:
    """Import a fixture (or its fixed version) as a fresh module; packages keep relative imports."""
    package_dir = path.parent
    if (package_dir / "__init__.py").exists():
        sys.path.insert(0, str(package_dir.parent))
        try:
            package = package_dir.name
            for key in [k for k in sys.modules if k == package or k.startswith(package + ".")]:
                del sys.modules[key]
            module_name = f"{package}.{path.name[:-3].replace('.', '_')}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            assert spec is not None and spec.loader is not None
            importlib.import_module(package)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            return module
        finally:
            sys.path.remove(str(package_dir.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so that inspect can read the source of its classes
    spec.loader.exec_module(module)
    return module
