from typing import Optional

from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import ContainerRule, Example


class ParametersInPlainDict(ContainerRule):
    code = "TL005"
    name = "parameters-in-plain-dict"
    shapes = (Shape.DICT,)
    family = Family.PARAMETERS
    torch_container = "ParameterDict"
    documentation = """
    ## What it does
    Finds `nn.Parameter`s kept in a plain `dict` on `self` inside an `nn.Module` subclass.

    ## Why is this bad?
    The parameters are not registered: they are missing from `.parameters()` (never trained),
    `state_dict()` and `.to(device)`.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.bias = {"a": nn.Parameter(torch.zeros(8))}
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.bias = nn.ParameterDict({"a": nn.Parameter(torch.zeros(8))})
    ```

    ## Fix safety
    Always unsafe: `nn.ParameterDict` built from a plain dict orders its keys alphabetically, so
    iteration order, `state_dict()` order and optimizer parameter order can change. No fix for keys
    torch rejects (see TL002) or the reasons listed under TL001.
    """
    invalid = (
        Example(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.bias = {'a': nn.Parameter(torch.zeros(2))}
            """,
            line=7, column=9,
            fixed="""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.bias = nn.ParameterDict({'a': nn.Parameter(torch.zeros(2))})
            """,
        ),
    )

    def always_unsafe(self, container) -> Optional[str]:
        return "nn.ParameterDict built from a dict orders its keys alphabetically"
