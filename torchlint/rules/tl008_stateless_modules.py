from typing import Optional

from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import block, ContainerRule, Example


class StatelessModulesInPlainContainer(ContainerRule):
    code = "TL008"
    name = "stateless-modules-in-plain-container"
    opt_in = True
    shapes = (Shape.LIST, Shape.TUPLE, Shape.DICT)
    family = Family.STATELESS_MODULES
    torch_container = "ModuleList"

    def container_for(self, shape: Shape) -> str:
        return "ModuleDict" if shape is Shape.DICT else "ModuleList"

    def always_unsafe(self, container) -> Optional[str]:
        if container.shape is Shape.TUPLE:
            return f"self.{container.attribute} becomes mutable and no longer compares, hashes or adds like a tuple"
        return None

    documentation = """
    ## What it does
    Opt-in (select it by name: `--select TL008`). Finds modules that own nothing, kept in a plain
    list, tuple or dict on `self`: torch's stateless modules (activations, pooling, `Identity`,
    `Flatten`, `Upsample`, losses without a weight) and your own `nn.Module` subclasses whose
    `__init__` creates no parameters, buffers or submodules that hold any, and which never read
    `self.training`. TL001-TL003 stay silent on these, since nothing is lost.

    ## Why is this bad?
    Nothing is lost today: the modules have no parameters or buffers and act the same in `train()`
    and `eval()`. But they are missing from `.modules()`, `print(model)`, forward hooks installed
    through the parent, and from the model the day someone gives them a parameter. Teams that want
    every module registered turn this rule on.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.acts = [nn.ReLU(), nn.GELU()]
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.acts = nn.ModuleList([nn.ReLU(), nn.GELU()])
    ```

    ## Fix safety
    As for TL001 and TL002: safe when every use of the attribute behaves the same on the torch
    container; unsafe for tuples; no fix where the torch container lacks an operation the class uses.
    """
    valid = (
        block("""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.acts = nn.ModuleList([nn.ReLU()])
            """),
    )
    invalid = (
        Example(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.acts = [nn.ReLU(), nn.GELU()]
            """,
            line=6, column=9,
            fixed="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.acts = nn.ModuleList([nn.ReLU(), nn.GELU()])
            """,
        ),
    )
