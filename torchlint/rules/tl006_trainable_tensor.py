from typing import TYPE_CHECKING

from torchlint.analysis.tensors import TensorProblem
from torchlint.rules.base import block, Example
from torchlint.rules.tensor_rule import SAFE, TensorRule, type_checked

if TYPE_CHECKING:
    from torchlint.analysis.tensors import TensorAttribute


class TrainableTensorNotParameter(TensorRule):
    code = "TL006"
    name = "trainable-tensor-not-parameter"
    problem = TensorProblem.TRAINABLE_LEAF
    documentation = """
    ## What it does
    Finds a tensor made with `requires_grad=True` (`torch.randn(d, requires_grad=True)`,
    `torch.zeros(d).requires_grad_()`, `Variable(torch.ones(d), requires_grad=True)`) stored on
    `self` in an `nn.Module` subclass. In a plain list or dict, TL004 / TL005 report it.

    ## Why is this bad?
    Only `nn.Parameter`s are registered. A trainable leaf tensor is missing from `.parameters()`, so
    an optimizer built the usual way never updates it; `state_dict()` drops it and `.to(device)`
    leaves it behind. Training runs without an error and the weight never changes.

    ## Example
    ```python
    class Scale(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.gain = torch.ones(d, requires_grad=True)
    ```

    ## Use instead
    ```python
    class Scale(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.gain = nn.Parameter(torch.ones(d))
    ```

    ## Fix safety
    Safe when the tensor is a fresh leaf made by a torch factory and the attribute is assigned
    nowhere else: the same call without `requires_grad`, wrapped in `nn.Parameter` (same values, same
    random numbers). No fix when the attribute is assigned again elsewhere or when the class checks
    its type. Not reported when the tensor is first made outside `__init__` (working state of a
    training loop, such as a Lagrange multiplier with an optimizer of its own), when the attribute is
    handed to `nn.Parameter` or `register_parameter`
    later, returned by a method (a deliberate exclusion such as `arch_parameters()`), or when the
    class overrides `_apply` or `__setattr__`.
    """
    valid = (
        block("""
            import torch
            import torch.nn as nn

            class Explainer(nn.Module):
                def fit(self):
                    self.multiplier = torch.tensor(1.0, requires_grad=True)
                    optimizer = torch.optim.RMSprop([self.multiplier])
            """),
        block("""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.w = nn.Parameter(torch.ones(2))
            """),
        block("""
            import torch
            import torch.nn as nn

            class Search(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.alphas = torch.zeros(4, requires_grad=True)

                def arch_parameters(self):
                    return [self.alphas]
            """),
    )
    invalid = (
        Example(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.w = torch.randn(2, requires_grad=True)
            """,
            line=7, column=9,
            fixed="""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.w = nn.Parameter(torch.randn(2))
            """,
        ),
    )

    def fix_safety(self, subject: "TensorAttribute"):
        if subject.other_stores:
            return None, f"self.{subject.attribute} is assigned elsewhere too"
        if type_checked(subject):
            return None, f"the class checks the type of self.{subject.attribute}"
        return SAFE, None

    def rewrites(self, subject: "TensorAttribute"):
        from torchlint.fixes.naming import container_reference
        from torchlint.fixes.replacements import Rewrite, StoreNodes, reference_node

        reference, needed = container_reference(subject.imports, "Parameter", subject.store.method)
        form = subject.fresh_leaf

        def wrap(nodes: StoreNodes):
            import libcst as cst

            wrapped = cst.Call(func=reference_node(reference), args=[cst.Arg(_fresh_leaf(nodes.value, form))])
            return [(nodes.value, wrapped)]

        return [Rewrite(subject.store, wrap)], [needed] if needed else []


def _fresh_leaf(value, form):
    """The same tensor without requires_grad: `torch.randn(d, requires_grad=True)` -> `torch.randn(d)`,
    `torch.zeros(d).requires_grad_()` -> `torch.zeros(d)`, `Variable(torch.ones(d), requires_grad=True)`
    -> `torch.ones(d)`."""
    import libcst as cst

    from torchlint.analysis.tensors import LeafForm

    if form is LeafForm.METHOD:
        return value.func.value
    if form is LeafForm.VARIABLE:
        return next(arg.value for arg in value.args if arg.keyword is None)
    kept = [arg for arg in value.args if not (arg.keyword is not None and arg.keyword.value == "requires_grad")]
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return value.with_changes(args=kept)
