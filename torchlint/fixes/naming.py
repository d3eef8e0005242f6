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
    """An expression naming `torch.nn.<container>` in this file, and the import it needs, if any."""
    target = f"torch.nn.{container}"
    by_qualified = {qualified: local for local, qualified in sorted(imports.names.items())}
    if target in by_qualified:
        return cst.parse_expression(by_qualified[target]), None
    for prefix in ("torch.nn", "torch"):
        local = by_qualified.get(prefix)
        if local is not None:
            return cst.parse_expression(f"{local}{target[len(prefix):]}"), None
    if imports.star_imports_torch_nn and not imports.binds(container):
        return cst.Name(container), None
    if any(qualified.startswith("torch.nn.") for qualified in imports.names.values()) or imports.binds("nn"):
        if imports.binds(container):
            return cst.parse_expression(f"torch.nn.{container}"), ImportNeeded("torch", None)
        return cst.Name(container), ImportNeeded("torch.nn", container)
    return cst.parse_expression(f"nn.{container}"), ImportNeeded("torch", "nn")
