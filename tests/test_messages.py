"""A message says what is actually lost for the elements it speaks of: parameters, buffers or mode."""
import pytest

from torchlint import lint_source

HEADER = "import torch\nimport torch.nn as nn\n\n"
FILTER = (
    "class Filter(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.register_buffer('k', torch.ones(1))\n\n"
)


def _message(elements: str, classes: str = "") -> str:
    source = HEADER + classes + (
        f"class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.x = [{elements}]\n"
    )
    (diagnostic,) = lint_source(source)
    return diagnostic.message


@pytest.mark.parametrize(
    "elements,classes,said,not_said",
    [
        ("nn.Linear(1, 1)", "", "their parameters are invisible", "buffers"),
        ("nn.Dropout(0.1)", "", "eval() and train() never reach them", "parameters"),
        ("nn.InstanceNorm1d(4)", "", "eval() and train() never reach them", "parameters"),
        ("nn.CrossEntropyLoss(weight=torch.ones(2))", "", "their buffers are missing", "parameters"),
        ("Filter()", FILTER, "their buffers are missing", "parameters"),
        ("nn.LayerNorm(4, elementwise_affine=False)", "", "they are not submodules", "their parameters"),
        ("make()", "from elsewhere import make, Block\n\n", None, None),
        ("Block()", "from elsewhere import Block\n\n", None, None),
    ],
)
def test_message_names_what_is_lost(elements, classes, said, not_said):
    if said is None:  # not provably a torch module: not reported at all
        source = HEADER + classes + (
            f"class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.x = [{elements}]\n"
        )
        assert lint_source(source) == []
        return
    message = _message(elements, classes)
    assert said in message
    assert not_said not in message
