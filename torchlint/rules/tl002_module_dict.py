from torchlint.analysis.shapes import Family, Shape
from torchlint.rules.base import block, ContainerRule, Example


class ModulesInPlainDict(ContainerRule):
    code = "TL002"
    name = "modules-in-plain-dict"
    shapes = (Shape.DICT,)
    family = Family.MODULES
    torch_container = "ModuleDict"
    documentation = """
    ## What it does
    Finds `nn.Module`s kept in a plain `dict` on `self` inside an `nn.Module` subclass: a dict
    literal or comprehension, `dict(...)`, or an empty dict filled by `self.d[k] = module` or
    `.update(...)`.

    ## Why is this bad?
    The modules are not registered: their weights are missing from `.parameters()`,
    `state_dict()`, `.to(device)` and `.train()` / `.eval()`, and PyTorch does not warn.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = {"cls": nn.Linear(8, 2), "box": nn.Linear(8, 4)}
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"cls": nn.Linear(8, 2), "box": nn.Linear(8, 4)})
    ```

    ## Fix safety
    Safe when every key is a string literal that `nn.ModuleDict` accepts and every use exists on
    `nn.ModuleDict`. Unsafe when keys are computed (torch rejects keys that contain `.`, are empty,
    or clash with an attribute of the container such as `"type"`, `"to"`, `"forward"`, `"keys"`,
    `"training"`), or when the attribute is compared or type-checked. No fix when a key is known to
    be rejected, when the class calls `.get`, `.setdefault`, `.copy` or another method
    `nn.ModuleDict` lacks, or for the reasons listed under TL001.

    The fix adds `state_dict()` keys such as `heads.cls.weight` (old checkpoints need
    `strict=False`) and makes `.to()` / `.eval()` reach the modules.
    """
    valid = (
        block("""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.acts = {'relu': nn.ReLU, 'gelu': nn.GELU}
            """),
    )
    invalid = (
        Example(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.heads = {'cls': nn.Linear(2, 2)}
            """,
            line=6, column=9,
            fixed="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.heads = nn.ModuleDict({'cls': nn.Linear(2, 2)})
            """,
        ),
    )
