"""torch's tensor factories, for the tensor rules and the `ast` stage (no libcst needed)."""

# torch functions that return a new tensor (not a view of an argument, not a module).
TENSOR_FACTORIES = frozenset(
    (
        "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "rand", "randn", "randint", "randperm",
        "normal", "arange", "linspace", "logspace", "eye", "zeros_like", "ones_like", "full_like", "rand_like",
        "randn_like", "empty_like", "tril", "triu", "stack", "cat", "exp", "log", "sin", "cos", "outer", "sqrt",
        "pow", "cumsum", "polar", "view_as_real", "Tensor", "FloatTensor", "LongTensor", "BoolTensor",
    )
)
RANDOM_FACTORIES = frozenset(("rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like"))
# Methods of a tensor that return a tensor made from it (the chain stays "a tensor made here").
TENSOR_METHODS = frozenset(
    ("float", "double", "half", "long", "int", "bool", "unsqueeze", "squeeze", "view", "reshape", "transpose",
     "permute", "contiguous", "clone", "expand", "repeat", "t", "flip", "exp", "log", "sin", "cos", "sqrt", "pow",
     "triu", "tril", "masked_fill", "mul", "add", "div", "sub", "neg", "abs")
)
