"""Write `nn.ModuleList` the way the file already refers to torch.nn, importing only when needed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import libcst as cst

from torchlint.analysis.imports import ImportMap


@dataclass(frozen=True)
class ImportNeeded:
    """`from <module> import <name>` (or `import <module>` without a name), for AddImportsVisitor."""

    module: str
    name: Optional[str]


def container_reference(imports: ImportMap, container: str) -> Tuple[cst.BaseExpression, Optional[ImportNeeded]]:
    """An expression naming `torch.nn.<container>` in this file, and the import it needs, if any.

    In order: the container imported by name; an alias of torch.nn (`nn.`, `tnn.`); a new name in
    the file's `from torch.nn import ...`; `torch.nn.` through `import torch`; else a new import.
    """
    target = f"torch.nn.{container}"
    by_qualified = {qualified: local for local, qualified in sorted(imports.names.items())}
    if target in by_qualified:
        return cst.Name(by_qualified[target]), None
    if "torch.nn" in by_qualified:
        return cst.parse_expression(f"{by_qualified['torch.nn']}.{container}"), None
    if imports.star_imports_torch_nn and not imports.binds(container):
        return cst.Name(container), None
    imports_from_torch_nn = any(q.startswith("torch.nn.") and q.count(".") == 2 for q in imports.names.values())
    if imports_from_torch_nn and not imports.binds(container):
        return cst.Name(container), ImportNeeded("torch.nn", container)
    if "torch" in by_qualified:
        return cst.parse_expression(f"{by_qualified['torch']}.nn.{container}"), None
    if not imports.binds("nn"):
        return cst.parse_expression(f"nn.{container}"), ImportNeeded("torch", "nn")
    return cst.parse_expression(f"torch.nn.{container}"), ImportNeeded("torch", None)
