"""What must never be reported (as pyupgrade keeps a noop set): each snippet is silent."""
import pytest

from torchlint import lint_source

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"

NOOP = {
    "wrapped-later-in-modulelist": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]
        self.layers = nn.ModuleList(self.layers)
""",
    "unpacked-into-sequential": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]
        self.net = nn.Sequential(*self.layers)
""",
    "local-handed-to-sequential": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Linear(2, 2)]
        self.layers = layers
        self.net = nn.Sequential(*layers)
""",
    "passed-to-unknown-function": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]
        self.net = build_network(self.layers)
""",
    "add-module-in-loop": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2) for _ in range(2)]
        for i, layer in enumerate(self.layers):
            self.add_module(str(i), layer)
""",
    "aliases-of-attributes": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        self.b = nn.Linear(2, 2)
        self.both = [self.a, self.b]
        self.named = {"a": self.a}
""",
    "alias-local-also-on-self": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        lin = nn.Linear(2, 2)
        self.lin = lin
        self.layers = [lin]
""",
    "classes-and-functions": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.acts = {"relu": nn.ReLU, "gelu": F.gelu}
        self.kinds = [nn.Linear, nn.Conv2d]
""",
    "stateless-only": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.ops = [nn.ReLU(), nn.Identity(), nn.Flatten(), nn.MaxPool2d(2), nn.Upsample(scale_factor=2)]
""",
    "plain-data": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.sizes = [64, 128]
        self.cfg = {"depth": 2}
        self.names = ("a", "b")
        self.handles = []
    def forward(self, x):
        self.handles.append(x.register_hook(lambda g: g))
        self.cache = [x.detach()]
        return x
""",
    "before-super-init": """
class A(nn.Module):
    def __init__(self, teacher):
        self.teacher = [teacher, nn.Linear(2, 2)]
        super().__init__()
""",
    "not-a-module": """
class Trainer:
    def __init__(self):
        self.models = [nn.Linear(2, 2)]
""",
    "flax-module": """
import flax.linen as nn2
class A(nn2.Module):
    def setup(self):
        self.layers = [nn2.Dense(3)]
""",
    "own-class-called-module": """
class Module:
    pass
class Linear(Module):
    pass
class A(Module):
    def __init__(self):
        self.layers = [Linear(), Linear()]
""",
    "unknown-factory": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [make_layer(i) for i in range(3)]
""",
    "noqa-bare": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]  # noqa
""",
    "noqa-code": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]  # noqa: TL001
        self.heads = {"a": nn.Linear(2, 2)}  # NOQA:TL002,TL001
""",
    "tuple-unpacking-is-not-a-tuple": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(2, 2), nn.Linear(2, 2)
""",
    "static-method-list": """
class A(nn.Module):
    @staticmethod
    def make():
        layers = [nn.Linear(2, 2)]
        return layers
""",
    "registered-containers": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2)])
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 2)})
        self.ps = nn.ParameterList([nn.Parameter(torch.ones(1))])
""",
    "factory-that-may-return-none": """
def maybe_norm(dim):
    if dim:
        return nn.LayerNorm(dim)
    return None
def sizes():
    return [1, 2]
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.norms = [maybe_norm(d) for d in sizes()]
""",
    "helper-returning-registered-module": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(2, 2)
        self.heads = [self._head() for _ in range(2)]
    def _head(self):
        return self.head
""",
    "appended-to-another-list": """
class A(nn.Module):
    def __init__(self, registry):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]
        registry.append(self.layers)
""",
    "values-wrapped-by-another-attribute": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = {"a": nn.Linear(2, 2)}
        self.net = nn.Sequential(*self.convs.values())
""",
    "element-read-back-into-a-registering-call": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = [nn.Linear(2, 2), nn.Linear(2, 2)]
        self.stages = nn.ModuleList([nn.Sequential(self.cells[0], nn.ReLU()), self.cells[1]])
""",
    "moved-by-extend-into-a-registered-list": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = [nn.Linear(2, 2)]
        self.model = nn.ModuleList()
        self.model.extend(self.blocks)
""",
    "helper-registers-its-parameter": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = []
        for i in range(2):
            block = nn.Linear(2, 2)
            self._register(f"b{i}", block)
            self.blocks.append(block)

    def _register(self, name, module):
        self.add_module(name, module)
""",
    "handed-with-self-to-a-project-function": """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = []
        for i in range(2):
            layer = nn.Linear(2, 2)
            attach(self, f"l{i}", layer)
            self.layers.append(layer)
""",
    "stateless-user-class": """
class Scale(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor


class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.scales = [Scale(2.0), Scale(0.5)]
""",
}


@pytest.mark.parametrize("name", sorted(NOOP))
def test_not_reported(name):
    assert lint_source(HEADER + NOOP[name]) == []


def test_noqa_for_another_code_does_not_silence():
    source = HEADER + NOOP["noqa-code"].replace("# noqa: TL001", "# noqa: TL002")
    assert [d.code for d in lint_source(source)] == ["TL001"]


def test_unweighted_losses_are_stateless_but_weighted_ones_are_not():
    body = """
class A(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.losses = [nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss(reduction="sum"), nn.MultiMarginLoss(1, 1.0)]
        self.weighted = [nn.CrossEntropyLoss(weight=w)]
        self.positional = [nn.NLLLoss(w)]
"""
    assert [(d.code, d.location.row) for d in lint_source(HEADER + body)] == [("TL001", 10), ("TL001", 11)]


def test_reported_when_elements_are_only_read_or_initialised():
    body = """
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2) for _ in range(2)]
        for layer in self.layers:
            nn.init.zeros_(layer.weight)
        print(self.layers[0])

    def forward(self, x):
        return F.mse_loss(self.layers[0](x), self.layers[1](x))
"""
    assert [d.code for d in lint_source(HEADER + body)] == ["TL001"]


def test_user_class_that_reads_training_or_makes_state_is_reported():
    body = """
class Noisy(nn.Module):
    def forward(self, x):
        return x + 1 if self.training else x


class Unknown(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.inner = build(cfg)


class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.noisy = [Noisy()]
        self.unknown = [Unknown(1)]
"""
    assert [(d.code, d.location.row) for d in lint_source(HEADER + body)] == [("TL001", 20), ("TL001", 21)]
