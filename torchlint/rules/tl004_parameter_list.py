from typing import Optional

from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import ContainerRule, Example


class ParametersInPlainList(ContainerRule):
    code = "TL004"
    name = "parameters-in-plain-list"
    shapes = (Shape.LIST, Shape.TUPLE)
    family = Family.PARAMETERS
    torch_container = "ParameterList"
    documentation = """
    ## What it does
    Finds `nn.Parameter`s kept in a plain `list` or `tuple` on `self` inside an `nn.Module` subclass.

    ## Why is this bad?
    A parameter is registered only when assigned directly, through `register_parameter`, or held
    by `nn.ParameterList` / `nn.ParameterDict`. In a plain list it is missing from
    `.parameters()` (never trained), `state_dict()` and `.to(device)`.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = [nn.Parameter(torch.ones(8)) for _ in range(3)]
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([nn.Parameter(torch.ones(8)) for _ in range(3)])
    ```

    ## Fix safety
    Safe for lists used only in ways `nn.ParameterList` supports (indexing, iteration, `len`,
    `.append`, `.extend`). Unsafe for tuples and for `[p] * n`. No fix when the class uses `.insert`,
    `.pop`, `del`, or another list method `nn.ParameterList` lacks, or for the reasons listed under
    TL001. The fix adds `state_dict()` keys (`scales.0`) and new parameters for optimizers.
    """
    invalid = (
        Example(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.scales = [nn.Parameter(torch.ones(2)) for _ in range(3)]
            """,
            line=7, column=9,
            fixed="""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.scales = nn.ParameterList([nn.Parameter(torch.ones(2)) for _ in range(3)])
            """,
        ),
    )

    def always_unsafe(self, container) -> Optional[str]:
        if container.shape is Shape.TUPLE:
            return f"self.{container.attribute} becomes mutable and no longer compares, hashes or adds like a tuple"
        return None
