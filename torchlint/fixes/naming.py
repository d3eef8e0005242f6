"""Write `nn.ModuleList` the way the file already refers to torch.nn, importing only when needed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional, Tuple

from torchlint.analysis.imports import ImportMap

if TYPE_CHECKING:
    from torchlint.analysis.class_facts import MethodFacts


@dataclass(frozen=True)
class ImportNeeded:
    """`from <module> import <name>` (or `import <module>` without a name), for AddImportsVisitor."""

    module: str
    name: Optional[str]


def container_reference(
    imports: ImportMap, container: str, method: "Optional[MethodFacts]" = None
) -> Tuple[str, Optional[ImportNeeded]]:
    """How to spell `torch.nn.<container>` where the store stands, and the import it needs.

    In order: the container imported by name; an alias of torch.nn (`nn.`, `tnn.`); a new name in
    the file's `from torch.nn import ...`; `torch.nn.` through `import torch`; else a new import. A
    spelling whose first name the method (a parameter, a local) or a module-level assignment rebinds
    is passed over.
    """
    taken = set(imports.rebound)
    if method is not None:
        taken |= set(method.parameters) | set(method.bindings) | {method.self_name}
    for spelling, needed in _spellings(imports, container):
        if spelling.split(".", 1)[0] not in taken:
            return spelling, needed
    return f"__import__('torch').nn.{container}", None


def _spellings(imports: ImportMap, container: str) -> Iterator[Tuple[str, Optional[ImportNeeded]]]:
    target = f"torch.nn.{container}"
    by_qualified = {qualified: local for local, qualified in sorted(imports.names.items())}
    if target in by_qualified:
        yield by_qualified[target], None
    if "torch.nn" in by_qualified:
        yield f"{by_qualified['torch.nn']}.{container}", None
    if imports.star_imports_torch_nn and not imports.binds(container):
        yield container, None
    imports_from_torch_nn = any(q.startswith("torch.nn.") and q.count(".") == 2 for q in imports.names.values())
    if imports_from_torch_nn and not imports.binds(container):
        yield container, ImportNeeded("torch.nn", container)
    if "torch" in by_qualified:
        yield f"{by_qualified['torch']}.nn.{container}", None
    if not imports.binds("nn"):
        yield f"nn.{container}", ImportNeeded("torch", "nn")
    if not imports.binds("torch"):
        yield f"torch.nn.{container}", ImportNeeded("torch", None)
