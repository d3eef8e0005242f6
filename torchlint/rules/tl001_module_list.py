from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import block, ContainerRule, Example


class ModulesInPlainList(ContainerRule):
    code = "TL001"
    name = "modules-in-plain-list"
    shapes = (Shape.LIST,)
    family = Family.MODULES
    torch_container = "ModuleList"
    documentation = """
    ## What it does
    Finds `nn.Module`s kept in a plain `list` on `self` inside an `nn.Module` subclass: a list
    literal or comprehension, an empty list filled by `.append` / `.extend` / `.insert` / `+=`,
    `[m] * n`, nested lists, lists joined with `+` or unpacking, `list(map(...))`, a local list
    assigned to `self` (also by `setattr(self, "name", ...)` or a walrus), or a list made in a helper
    method. Elements count as modules when they are built from a torch module class, from a module
    class of the file or of the run, by a function or helper method that returns a module on every
    path, by a conditional expression of those, or by a method that returns the module
    (`m = m.to(device)`). Containers whose elements reach torch another way (wrapped later under any
    attribute, put into a registered container, registered by name, handed to a call together with
    `self` or a submodule) are not reported, nor are modules that own nothing (see TL008).

    ## Why is this bad?
    PyTorch registers a submodule only when it is assigned directly or held by a torch container.
    Modules in a plain list are invisible to `.parameters()` (the optimizer never trains them),
    `state_dict()` (checkpoints lose them), `.to(device)` and `.train()` / `.eval()`. PyTorch does
    not warn.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Linear(8, 8) for _ in range(3)]
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
    ```

    ## Fix safety
    Safe when every use of the attribute in the class works the same on `nn.ModuleList`. Unsafe for
    `[m] * n` (one module registered under several names), and when the attribute is compared,
    type-checked or combined with operators. No fix when the class uses list methods that
    `nn.ModuleList` lacks (`.index`, `.count`, `.copy`, `.sort`, `.reverse`, `.remove`, `.clear`),
    when an element is not provably a module, when the class iterates its own children
    (`nn.Sequential` subclasses, `self.children()`), when the name clashes with an `nn.Module`
    attribute, or when the attribute is also assigned something else.

    The fix changes the model on purpose: `state_dict()` gains keys such as `layers.0.weight` (load
    old checkpoints with `strict=False`), optimizers built from `.parameters()` see more parameters,
    and `.to()` / `.eval()` now reach the modules.
    """
    valid = (
        block("""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(2, 2)])
            """),
        block("""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.acts = [nn.ReLU(), nn.Tanh()]
            """),
    )
    invalid = (
        Example(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layers = [nn.Linear(2, 2) for _ in range(3)]
            """,
            line=6, column=9,
            fixed="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
            """,
        ),
        Example(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.blocks = []
                    for _ in range(2):
                        self.blocks.append(nn.Linear(2, 2))
            """,
            line=6, column=9,
            fixed="""
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.blocks = nn.ModuleList()
                    for _ in range(2):
                        self.blocks.append(nn.Linear(2, 2))
            """,
        ),
    )
