"""What torch provides, written down so the linter runs without importing torch.

Every table here is re-derived from the installed torch in tests/test_torch_knowledge.py, so it
cannot silently drift from the real library.
"""
from __future__ import annotations

from typing import FrozenSet, Optional

# Classes exported by torch.nn that subclass torch.nn.Module.
TORCH_NN_MODULE_CLASSES = frozenset(
    (
        "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveLogSoftmaxWithLoss",
        "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AlphaDropout", "AvgPool1d",
        "AvgPool2d", "AvgPool3d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d",
        "BatchNorm3d", "Bilinear", "CELU", "CTCLoss", "ChannelShuffle", "CircularPad1d",
        "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
        "Container", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
        "ConvTranspose3d", "CosineEmbeddingLoss", "CosineSimilarity", "CrossEntropyLoss",
        "CrossMapLRN2d", "DataParallel", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "ELU",
        "Embedding", "EmbeddingBag", "FeatureAlphaDropout", "Flatten", "Fold",
        "FractionalMaxPool2d", "FractionalMaxPool3d", "GELU", "GLU", "GRU", "GRUCell",
        "GaussianNLLLoss", "GroupNorm", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
        "HingeEmbeddingLoss", "HuberLoss", "Identity", "InstanceNorm1d", "InstanceNorm2d",
        "InstanceNorm3d", "KLDivLoss", "L1Loss", "LPPool1d", "LPPool2d", "LPPool3d", "LSTM",
        "LSTMCell", "LayerNorm", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
        "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
        "LazyConvTranspose3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
        "LazyLinear", "LeakyReLU", "Linear", "LinearCrossEntropyLoss", "LocalResponseNorm",
        "LogSigmoid", "LogSoftmax", "MSELoss", "MarginRankingLoss", "MaxPool1d", "MaxPool2d",
        "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "Mish", "Module", "ModuleDict",
        "ModuleList", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
        "MultiheadAttention", "NLLLoss", "NLLLoss2d", "PReLU", "PairwiseDistance", "ParameterDict",
        "ParameterList", "PixelShuffle", "PixelUnshuffle", "PoissonNLLLoss", "RMSNorm", "RNN",
        "RNNBase", "RNNCell", "RNNCellBase", "RReLU", "ReLU", "ReLU6", "ReflectionPad1d",
        "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
        "ReplicationPad3d", "SELU", "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss",
        "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign",
        "SyncBatchNorm", "Tanh", "Tanhshrink", "Threshold", "Transformer", "TransformerDecoder",
        "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer",
        "TripletMarginLoss", "TripletMarginWithDistanceLoss", "Unflatten", "Unfold", "Upsample",
        "UpsamplingBilinear2d", "UpsamplingNearest2d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"
    )
)

# torch.nn modules with no parameters, buffers or children and no train/eval behaviour: a container
# holding only these loses nothing. Dropout and normalisation layers are deliberately absent.
STATELESS_MODULE_CLASSES = frozenset(
    (
        "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
        "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "CELU",
        "CTCLoss", "ChannelShuffle", "CircularPad1d", "CircularPad2d", "CircularPad3d",
        "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "CosineEmbeddingLoss",
        "CosineSimilarity", "CrossMapLRN2d", "ELU", "Flatten", "Fold", "GELU", "GLU",
        "GaussianNLLLoss", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
        "HingeEmbeddingLoss", "HuberLoss", "Identity", "KLDivLoss", "L1Loss", "LPPool1d",
        "LPPool2d", "LPPool3d", "LeakyReLU", "LocalResponseNorm", "LogSigmoid", "LogSoftmax",
        "MSELoss", "MarginRankingLoss", "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d",
        "MaxUnpool2d", "MaxUnpool3d", "Mish", "MultiLabelMarginLoss", "PairwiseDistance",
        "PixelShuffle", "PixelUnshuffle", "PoissonNLLLoss", "ReLU", "ReLU6", "ReflectionPad1d",
        "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
        "ReplicationPad3d", "SELU", "SiLU", "Sigmoid", "SmoothL1Loss", "SoftMarginLoss", "Softmax",
        "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink",
        "Threshold", "TripletMarginLoss", "Unfold", "Upsample", "UpsamplingBilinear2d",
        "UpsamplingNearest2d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"
    )
)

# Losses whose only state is an optional class-weight buffer: stateless unless given one. The value
# is the position of `weight` among the constructor's positional arguments.
WEIGHTED_LOSS_WEIGHT_POSITION = {
    "BCELoss": 0,
    "BCEWithLogitsLoss": 0,
    "CrossEntropyLoss": 0,
    "MultiLabelSoftMarginLoss": 0,
    "MultiMarginLoss": 2,
    "NLLLoss": 0,
    "NLLLoss2d": 0,
}
WEIGHT_KEYWORDS = frozenset(("weight", "pos_weight"))


def is_unweighted_loss(name: str, positional: int, keywords: "frozenset[str]", unpacks: bool) -> bool:
    """`CrossEntropyLoss()` owns nothing; `CrossEntropyLoss(w)` or `(weight=w)` owns a buffer."""
    position = WEIGHTED_LOSS_WEIGHT_POSITION.get(name)
    return position is not None and not unpacks and positional <= position and not (keywords & WEIGHT_KEYWORDS)

# Attribute names of an nn.ModuleDict instance: as keys, ModuleDict / ParameterDict reject them
# ("attribute 'type' already exists").
MODULE_DICT_ATTRIBUTES = frozenset(
    (
        "T_destination", "__annotations__", "__call__", "__class__", "__contains__", "__delattr__",
        "__delitem__", "__dict__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__",
        "__getattr__", "__getattribute__", "__getitem__", "__getstate__", "__gt__", "__hash__",
        "__init__", "__init_subclass__", "__iter__", "__le__", "__len__", "__lt__", "__module__",
        "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__", "__setattr__",
        "__setitem__", "__setstate__", "__sizeof__", "__str__", "__subclasshook__", "__weakref__",
        "_apply", "_backward_hooks", "_backward_pre_hooks", "_buffers", "_call_impl",
        "_compiled_call_impl", "_forward_hooks", "_forward_hooks_always_called",
        "_forward_hooks_with_kwargs", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs",
        "_get_backward_hooks", "_get_backward_pre_hooks", "_get_name", "_is_full_backward_hook",
        "_load_from_state_dict", "_load_state_dict_post_hooks", "_load_state_dict_pre_hooks",
        "_maybe_warn_non_full_backward_hook", "_modules", "_named_members",
        "_non_persistent_buffers_set", "_parameters", "_register_load_state_dict_pre_hook",
        "_register_state_dict_hook", "_replicate_for_data_parallel", "_save_to_state_dict",
        "_slow_forward", "_state_dict_hooks", "_state_dict_pre_hooks", "_version",
        "_wrapped_call_impl", "add_module", "apply", "bfloat16", "buffers", "call_super_init",
        "children", "clear", "compile", "cpu", "cuda", "double", "dump_patches", "eval",
        "extra_repr", "float", "forward", "get_buffer", "get_extra_state", "get_parameter",
        "get_submodule", "half", "ipu", "items", "keys", "load_state_dict", "modules", "mtia",
        "named_buffers", "named_children", "named_modules", "named_parameters", "parameters", "pop",
        "register_backward_hook", "register_buffer", "register_forward_hook",
        "register_forward_pre_hook", "register_full_backward_hook",
        "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook", "register_module", "register_parameter",
        "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_",
        "set_extra_state", "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train",
        "training", "type", "update", "values", "xpu", "zero_grad"
    )
)

# Containers that register what they hold, by the name torch.nn exports them under.
REGISTERING_CONTAINERS = frozenset(("ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Sequential"))

PARAMETER_CLASSES = frozenset(("torch.nn.Parameter", "torch.nn.parameter.Parameter"))

# Base classes outside torch.nn whose subclasses are torch modules.
EXTRA_MODULE_BASES = frozenset(
    (
        "torch.jit.ScriptModule",
        "lightning.LightningModule",
        "lightning.pytorch.LightningModule",
        "lightning.pytorch.core.LightningModule",
        "pytorch_lightning.LightningModule",
        "pytorch_lightning.core.LightningModule",
    )
)

# Methods that return the module they are called on (or a copy of it, for deepcopy).
MODULE_RETURNING_METHODS = frozenset(
    ("to", "cuda", "cpu", "float", "half", "double", "bfloat16", "train", "eval", "requires_grad_", "type", "share_memory",
     "apply", "to_empty")
)

# Methods and operators each torch container supports, beyond those of every nn.Module.
MODULE_LIST_METHODS = frozenset(("append", "extend", "insert", "pop"))
MODULE_DICT_METHODS = frozenset(("clear", "items", "keys", "pop", "update", "values"))
PARAMETER_LIST_METHODS = frozenset(("append", "extend"))
PARAMETER_DICT_METHODS = frozenset(
    ("clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values")
)


def torch_nn_class_name(qualified_name: str) -> str | None:
    """`torch.nn.Linear` or `torch.nn.modules.linear.Linear` -> `Linear`; anything else -> None."""
    if not qualified_name.startswith("torch.nn."):
        return None
    name = qualified_name.rsplit(".", 1)[1]
    return name if name in TORCH_NN_MODULE_CLASSES else None

# What a module owns that is lost when it is not registered.
PARAMETERS = "parameters"
BUFFERS = "buffers"
MODE = "mode"  # no tensors, but train() / eval() change what it computes
# None: not known (counts as stateful); otherwise what an instance owns, possibly nothing.
State = Optional[FrozenSet[str]]

# torch.nn modules that own no parameters or buffers by default but act by train/eval mode.
MODE_ONLY_MODULE_CLASSES = frozenset(
    ("AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout", "InstanceNorm1d",
     "InstanceNorm2d", "InstanceNorm3d", "RReLU")
)
# torch.nn modules that own parameters when built with their defaults.
PARAMETER_MODULE_CLASSES = frozenset(
    (
        "AdaptiveLogSoftmaxWithLoss", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "Bilinear", "Conv1d", "Conv2d",
        "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Embedding", "EmbeddingBag", "GRU",
        "GRUCell", "GroupNorm", "LSTM", "LSTMCell", "LayerNorm", "LazyBatchNorm1d", "LazyBatchNorm2d",
        "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
        "LazyConvTranspose3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d", "LazyLinear",
        "Linear", "LinearCrossEntropyLoss", "MultiheadAttention", "PReLU", "RMSNorm", "RNN", "RNNCell", "RNNCellBase",
        "SyncBatchNorm", "Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
        "TransformerEncoderLayer",
    )
)
# Constructor arguments that change what a module owns (`affine=False`, `elementwise_affine=False`...):
# class -> {argument name: its position among the positional arguments}.
STATE_SWITCHES = {
    "BatchNorm1d": {"affine": 3, "track_running_stats": 4}, "BatchNorm2d": {"affine": 3, "track_running_stats": 4},
    "BatchNorm3d": {"affine": 3, "track_running_stats": 4}, "SyncBatchNorm": {"affine": 3, "track_running_stats": 4},
    "InstanceNorm1d": {"affine": 3, "track_running_stats": 4}, "InstanceNorm2d": {"affine": 3, "track_running_stats": 4},
    "InstanceNorm3d": {"affine": 3, "track_running_stats": 4}, "GroupNorm": {"affine": 3},
    "LazyBatchNorm1d": {"affine": 2, "track_running_stats": 3}, "LazyBatchNorm2d": {"affine": 2, "track_running_stats": 3},
    "LazyBatchNorm3d": {"affine": 2, "track_running_stats": 3},
    "LazyInstanceNorm1d": {"affine": 2, "track_running_stats": 3},
    "LazyInstanceNorm2d": {"affine": 2, "track_running_stats": 3},
    "LazyInstanceNorm3d": {"affine": 2, "track_running_stats": 3},
    "LayerNorm": {"elementwise_affine": 2}, "RMSNorm": {"elementwise_affine": 2},
}


def torch_module_state(name: str, positional: int, keywords: "frozenset[str]", unpacks: bool) -> State:
    """What `torch.nn.<name>(...)` called with these arguments owns; None when the call decides it."""
    if name == "Module" or name in STATELESS_MODULE_CLASSES:
        return frozenset()
    if name in WEIGHTED_LOSS_WEIGHT_POSITION:
        return frozenset() if is_unweighted_loss(name, positional, keywords, unpacks) else frozenset((BUFFERS,))
    switches = STATE_SWITCHES.get(name, {})
    if switches and (unpacks or keywords & set(switches) or positional > min(switches.values())):
        return None
    if name in MODE_ONLY_MODULE_CLASSES:
        return frozenset((MODE,))
    if name in PARAMETER_MODULE_CLASSES:
        return frozenset((PARAMETERS,))
    return None


# How each torch container differs from the plain container it replaces, for every operation a
# class may apply to the attribute: "fails" (raises where the plain one does not) or "differs" (another
# result or state). Every other operation in LIST_OPERATIONS / DICT_OPERATIONS behaves the same.
# Derived by running each operation on both in tests/torch_derivations.py.
LIST_OPERATIONS = frozenset((
    '!=', '<', '==', 'Add', 'Multiply', 'all', 'any', 'append', 'bool', 'clear', 'copy', 'copy.copy', 'count',
    'del item', 'enumerate', 'extend', 'filter', 'iadd', 'in', 'index', 'insert(0)', 'insert(index)',
    'insert(negative)', 'isinstance', 'item', 'item(negative)', 'iter', 'iteration', 'json', 'len', 'list', 'map',
    'next', 'not in', 'pickle', 'pop()', 'pop(index)', 'pop(negative)', 'print', 'radd', 'remove', 'repr',
    'reverse', 'reversed', 'set item', 'set item(negative)', 'slice assign', 'slice delete', 'slice read', 'sort',
    'sorted', 'str', 'tuple', 'type', 'unpacking', 'vars', 'zip',
))
DICT_OPERATIONS = frozenset((
    '!=', '==', 'BitOr', 'all', 'any', 'bool', 'clear', 'copy', 'copy.copy', 'del item', 'enumerate', 'fromkeys',
    'get', 'in', 'ior', 'isinstance', 'item', 'items', 'iter', 'iteration', 'json', 'keys', 'len', 'list', 'map',
    'next', 'not in', 'pickle', 'pop', 'popitem', 'print', 'repr', 'reversed', 'set item', 'setdefault', 'sorted',
    'str', 'tuple', 'type', 'unpacking', 'update', 'values', 'vars', 'zip',
))
CONTAINER_DIFFERENCES = {
    "ModuleList": {
        '!=': 'differs', '<': 'fails', '==': 'differs', 'Multiply': 'fails', 'clear': 'fails', 'copy': 'fails',
        'count': 'fails', 'index': 'fails', 'insert(index)': 'fails', 'insert(negative)': 'fails',
        'isinstance': 'differs', 'pop()': 'fails', 'print': 'differs', 'radd': 'fails', 'remove': 'fails',
        'repr': 'differs', 'reverse': 'fails', 'slice assign': 'fails', 'sort': 'fails', 'str': 'differs',
        'type': 'differs', 'vars': 'differs',
    },
    "ParameterList": {
        '!=': 'differs', '<': 'fails', '==': 'differs', 'Add': 'fails', 'Multiply': 'fails', 'clear': 'fails',
        'copy': 'fails', 'count': 'fails', 'del item': 'fails', 'index': 'fails', 'insert(0)': 'fails',
        'insert(index)': 'fails', 'insert(negative)': 'fails', 'isinstance': 'differs', 'pop()': 'fails',
        'pop(index)': 'fails', 'pop(negative)': 'fails', 'print': 'differs', 'radd': 'fails', 'remove': 'fails',
        'repr': 'differs', 'reverse': 'fails', 'slice assign': 'fails', 'slice delete': 'fails', 'sort': 'fails',
        'str': 'differs', 'type': 'differs', 'vars': 'differs',
    },
    "ModuleDict": {
        '!=': 'differs', '==': 'differs', 'BitOr': 'fails', 'copy': 'fails', 'fromkeys': 'fails', 'get': 'fails',
        'ior': 'fails', 'isinstance': 'differs', 'popitem': 'fails', 'print': 'differs', 'repr': 'differs',
        'reversed': 'fails', 'setdefault': 'fails', 'str': 'differs', 'type': 'differs', 'vars': 'differs',
    },
    "ParameterDict": {
        '!=': 'differs', '==': 'differs', 'BitOr': 'differs', 'all': 'differs', 'any': 'differs',
        'bool': 'differs', 'copy': 'differs', 'copy.copy': 'differs', 'enumerate': 'differs',
        'fromkeys': 'differs', 'get': 'differs', 'ior': 'differs', 'in': 'differs', 'isinstance': 'differs',
        'item': 'differs', 'items': 'differs', 'iter': 'differs', 'iteration': 'differs', 'keys': 'differs',
        'len': 'differs', 'list': 'differs', 'map': 'differs', 'not in': 'differs', 'pickle': 'differs',
        'popitem': 'differs', 'print': 'differs', 'repr': 'differs', 'reversed': 'differs', 'set item': 'differs',
        'setdefault': 'differs', 'sorted': 'differs', 'str': 'differs', 'tuple': 'differs', 'type': 'differs',
        'unpacking': 'differs', 'update': 'differs', 'values': 'differs', 'vars': 'differs', 'zip': 'differs',
    },
}
