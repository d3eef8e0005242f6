from typing import Optional

from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import ContainerRule, Example


class ModulesInTuple(ContainerRule):
    code = "TL003"
    name = "modules-in-tuple"
    shapes = (Shape.TUPLE,)
    family = Family.MODULES
    torch_container = "ModuleList"
    documentation = """
    ## What it does
    Finds `nn.Module`s kept in a `tuple` on `self` inside an `nn.Module` subclass.

    ## Why is this bad?
    A tuple registers nothing: the modules' weights are missing from `.parameters()`,
    `state_dict()`, `.to(device)` and `.train()` / `.eval()`.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.pair = (nn.Linear(8, 8), nn.Linear(8, 8))
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.pair = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8)])
    ```

    ## Fix safety
    Always unsafe: an `nn.ModuleList` is mutable, is not hashable, does not compare equal to a tuple
    and does not concatenate with one. No fix for the reasons listed under TL001. The fix adds
    `state_dict()` keys (`pair.0.weight`; old checkpoints need `strict=False`).
    """
    invalid = (
        Example(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.pair = (nn.Linear(2, 2), nn.Linear(2, 2))
            """,
            line=6, column=9,
            fixed="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.pair = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
            """,
        ),
    )

    def always_unsafe(self, container) -> Optional[str]:
        return f"self.{container.attribute} becomes mutable and no longer compares, hashes or adds like a tuple"
