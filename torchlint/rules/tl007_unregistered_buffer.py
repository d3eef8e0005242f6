from typing import TYPE_CHECKING

from torchlint.analysis.tensors import TensorProblem
from torchlint.rules.base import block, Example
from torchlint.rules.tensor_rule import SAFE, UNSAFE, TensorRule

if TYPE_CHECKING:
    from torchlint.analysis.tensors import TensorAttribute


class TensorShouldBeBuffer(TensorRule):
    code = "TL007"
    name = "tensor-should-be-buffer"
    problem = TensorProblem.UNMOVED_TENSOR
    opt_in = True  # see docs/corpus-review.md: too little evidence yet to be on by default
    documentation = """
    ## What it does
    Opt-in (select it by name: `--select TL007`). Finds a tensor made by a torch factory in `__init__` and stored on `self` (a positional table, a
    mask, a filter bank) that `forward` combines with one of its own arguments, in arithmetic or a
    torch call, without moving it to that argument's device in the same expression.

    ## Why is this bad?
    A plain tensor attribute is not a buffer: `.to(device)` leaves it on the CPU (the first GPU
    batch fails with "Expected all tensors to be on the same device"), `state_dict()` drops it and
    `.half()` does not convert it.

    ## Example
    ```python
    class Positional(nn.Module):
        def __init__(self, n, d):
            super().__init__()
            self.pe = torch.zeros(n, d)

        def forward(self, x):
            return x + self.pe[: x.size(0)]
    ```

    ## Use instead
    ```python
    class Positional(nn.Module):
        def __init__(self, n, d):
            super().__init__()
            self.register_buffer("pe", torch.zeros(n, d))

        def forward(self, x):
            return x + self.pe[: x.size(0)]
    ```

    ## Fix safety
    The fix replaces the assignment with `self.register_buffer("name", value)`. It is safe when the
    attribute is assigned nowhere else. When the tensor is a pure function of the constructor's
    arguments (a mask, an `arange`: no random numbers), the fix registers it with
    `persistent=False`, which keeps checkpoints as they are but is marked unsafe, since it still
    changes what `.to()` and `.half()` do. No fix when the attribute is assigned elsewhere too.
    Not reported when `forward` moves the tensor (`.to(x.device)`, `.type_as(x)`, `.cuda()`), when
    the tensor is only used in `__init__`, when it is handed to `register_buffer` or `nn.Parameter`,
    or when the class overrides `_apply` or `__setattr__`.
    """
    valid = (
        block("""
            import torch
            import torch.nn as nn

            class P(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.pe = torch.zeros(4, 2)

                def forward(self, x):
                    return x + self.pe.to(x.device)
            """),
    )
    invalid = (
        Example(
            """
            import torch
            import torch.nn as nn

            class P(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.proj = torch.randn(2, 2)

                def forward(self, x):
                    return x @ self.proj
            """,
            line=7, column=9,
            fixed="""
            import torch
            import torch.nn as nn

            class P(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.register_buffer("proj", torch.randn(2, 2))

                def forward(self, x):
                    return x @ self.proj
            """,
        ),
    )

    def fix_safety(self, subject: "TensorAttribute"):
        if subject.other_stores:
            return None, f"self.{subject.attribute} is assigned elsewhere too"
        if subject.pure:
            return UNSAFE, (f"self.{subject.attribute} is made from the constructor's arguments: registered with "
                            "persistent=False, it stays out of checkpoints but now follows .to() and .half()")
        return SAFE, None

    def rewrites(self, subject: "TensorAttribute"):
        from torchlint.fixes.replacements import Rewrite, StoreNodes

        def register(nodes: StoreNodes):
            import libcst as cst

            args = [cst.Arg(cst.SimpleString(f'"{subject.attribute}"')), cst.Arg(nodes.value)]
            if subject.pure:
                args.append(cst.Arg(cst.Name("False"), keyword=cst.Name("persistent"),
                                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                          whitespace_after=cst.SimpleWhitespace(""))))
            receiver = cst.Name(subject.store.method.self_name)
            call = cst.Call(func=cst.Attribute(value=receiver, attr=cst.Name("register_buffer")), args=args)
            return [(nodes.statement, call)]

        return [Rewrite(subject.store, register)], []
