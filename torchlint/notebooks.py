"""Jupyter notebooks as one module: the code cells joined in order, IPython magics masked so that
they neither crash the parser nor shift positions, a cell that does not parse set aside (and
reported), and fixes written back into the `source` of the cells they change only.

Reading and writing is plain `json`. A notebook is rewritten only when `json` reproduces its bytes
exactly with the indentation, key order and escaping detected from the file; everything but the
changed cells' `source` then stays byte for byte. Otherwise the fix is withheld.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

_MAGIC = re.compile(r"^(\s*)(%|!|\?)|\?\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%")


class NotANotebook(ValueError):
    pass


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based, among all the notebook's cells, as Jupyter and ruff count them
    first_row: int  # where the cell starts in the joined code (1-based)
    rows: int
    problem: Optional[Tuple[int, int, str]] = None  # (row, column, reason): the cell does not parse


@dataclass(frozen=True)
class Notebook:
    document: Dict[str, Any]
    code: str  # the code cells joined, each ending with a newline
    cells: Tuple[Cell, ...]


def locate(cells: Tuple[Cell, ...], row: int) -> Tuple[int, int]:
    """A row of the joined code -> (cell number, row in that cell)."""
    for cell in cells:
        if cell.first_row <= row < cell.first_row + cell.rows:
            return cell.number, row - cell.first_row + 1
    last = cells[-1] if cells else Cell(1, 1, 1)
    return last.number, max(1, row - last.first_row + 1)


def in_cell(diagnostic, cells: Tuple[Cell, ...]):
    """A diagnostic of the joined code, placed in its cell: cell number, rows counted in that cell."""
    from dataclasses import replace

    from torchlint.diagnostics import Location

    cell, row = locate(cells, diagnostic.location.row)
    _, end_row = locate(cells, diagnostic.end_location.row)
    return replace(diagnostic, cell=cell, location=Location(row, diagnostic.location.column),
                   end_location=Location(end_row, diagnostic.end_location.column))


def read(data: bytes) -> Notebook:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise NotANotebook(f"not a notebook: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotANotebook("not a notebook: no list of cells")
    code_cells = [
        (number, _text(cell.get("source", "")))
        for number, cell in enumerate(document["cells"], start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]
    code, cells = join(code_cells)
    return Notebook(document, code, cells)


def join(code_cells: List[Tuple[int, str]]) -> Tuple[str, Tuple[Cell, ...]]:
    """(cell number, source) of each code cell -> the module they make together, and where each sits.
    The language server joins the cells an editor sends the same way."""
    pieces: List[str] = []
    cells: List[Cell] = []
    row = 1
    for number, text in code_cells:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        masked = _mask(lines)
        problem = _syntax_problem("\n".join(masked) + "\n")
        if problem is not None:  # set aside: the other cells are still checked
            masked = [""] * len(masked)
        rows = max(1, len(masked))
        pieces.append("\n".join(masked or [""]) + "\n")
        cells.append(Cell(number, row, rows, problem))
        row += rows
    return "".join(pieces), tuple(cells)


def write_back(data: bytes, notebook: Notebook, fixed_code: str) -> Optional[bytes]:
    """The notebook's bytes with the changed cells' source replaced; None when the file's own JSON
    formatting cannot be reproduced (then nothing is written)."""
    style = _style(data, notebook.document)
    if style is None:
        return None
    fixed_lines = fixed_code.split("\n")
    document = json.loads(data.decode("utf-8-sig"))
    for cell in notebook.cells:
        original = document["cells"][cell.number - 1]
        before = _text(original.get("source", "")).split("\n")
        if before and before[-1] == "":
            before.pop()
        after = fixed_lines[cell.first_row - 1: cell.first_row - 1 + cell.rows]
        if cell.problem is not None or after == _mask(before):
            continue
        # Magic lines were masked, never edited: put them back as they were.
        restored = [old if _is_magic(old) else new for old, new in zip(before, after)] + after[len(before):]
        text = "\n".join(restored) + ("\n" if _text(original.get("source", "")).endswith("\n") else "")
        original["source"] = _as_source(text, original.get("source"))
    return _dump(document, style).encode("utf-8")


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _as_source(text: str, like: Any) -> Any:
    if isinstance(like, list):
        return text.splitlines(keepends=True)
    return text


def _is_magic(line: str) -> bool:
    return bool(_MAGIC.search(line))


def _mask(lines: List[str]) -> List[str]:
    if lines and _CELL_MAGIC.match(lines[0]):
        return ["#" + line for line in lines]  # a cell magic (%%time, %%bash): none of it is Python
    masked = []
    for line in lines:
        if _is_magic(line):
            indent = line[: len(line) - len(line.lstrip())]
            masked.append(f"{indent}pass  # {line.strip()}" if indent else f"# {line.strip()}")
        else:
            masked.append(line)
    return masked


def _syntax_problem(code: str) -> Optional[Tuple[int, int, str]]:
    import ast

    try:
        ast.parse(code)
    except SyntaxError as error:
        return error.lineno or 1, error.offset or 1, str(error.msg)
    except (ValueError, RecursionError, MemoryError) as error:
        return 1, 1, str(error)
    return None


_Style = Tuple[Optional[int], bool, bool, str]


def _style(data: bytes, document: Dict[str, Any]) -> Optional[_Style]:
    """(indent, sort_keys, ensure_ascii, trailing text) with which `json` gives back exactly these bytes."""
    text = data.decode("utf-8-sig")
    trailing = text[len(text.rstrip()):]
    for indent in (1, 2, 4, None):
        for sort_keys in (True, False):
            for ensure_ascii in (False, True):
                style = (indent, sort_keys, ensure_ascii, trailing)
                if _dump(document, style) == text:
                    return style
    return None


def _dump(document: Dict[str, Any], style: _Style) -> str:
    indent, sort_keys, ensure_ascii, trailing = style
    return json.dumps(document, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii) + trailing
