"""flake8-style `# noqa` and `# noqa: TL001,TL002` comments."""
from __future__ import annotations

import re
from typing import Optional, Sequence, Tuple

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def noqa_codes(line: str) -> Optional[Tuple[str, ...]]:
    """None: no noqa; (): a bare noqa, which silences everything; else the codes it names."""
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return tuple(code.upper() for code in _CODE.findall(codes)) if codes else ()


def is_suppressed(code: str, row: int, lines: Sequence[str]) -> bool:
    if not 1 <= row <= len(lines):
        return False
    codes = noqa_codes(lines[row - 1])
    return codes is not None and (not codes or any(code.startswith(named) for named in codes))
