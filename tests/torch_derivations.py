"""torch facts derived from the installed torch, to check torchlint's own tables against."""
from __future__ import annotations

import inspect
from functools import lru_cache
from typing import FrozenSet, Optional

from torch import nn

_STATE_MARKERS = ("Parameter", "register_buffer", "register_parameter", "self.training")
_CONTAINERS = frozenset(("Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "DataParallel"))


def torch_nn_module_classes() -> FrozenSet[str]:
    return frozenset(
        name for name, value in vars(nn).items() if inspect.isclass(value) and issubclass(value, nn.Module)
    )


@lru_cache(maxsize=None)
def behaves_by_mode(cls: type) -> bool:
    """Whether a module class's code (up to nn.Module) keeps state or reads self.training."""
    for klass in cls.__mro__:
        if klass is nn.Module or klass is object:
            break
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            return True
        if any(marker in source for marker in _STATE_MARKERS):
            return True
    return False


def _instance(cls: type) -> Optional[nn.Module]:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    required = [
        2 for p in parameters
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    try:
        return cls(*required)
    except Exception:
        return None


def stateless_module_classes() -> FrozenSet[str]:
    """torch.nn modules that own nothing: no parameters, buffers or children, no train/eval code."""
    found = set()
    for name in torch_nn_module_classes() - _CONTAINERS - {"Module"}:
        cls = getattr(nn, name)
        if behaves_by_mode(cls):
            continue
        instance = _instance(cls)
        if instance is not None and not any(True for _ in instance.parameters()) and not any(
            True for _ in instance.buffers()
        ) and not any(True for _ in instance.children()):
            found.add(name)
    return frozenset(found)


def carries_state(module: nn.Module) -> bool:
    """A live module whose loss matters: it has parameters or buffers, or acts by train/eval mode."""
    return (
        any(True for _ in module.parameters())
        or any(True for _ in module.buffers())
        or any(behaves_by_mode(type(m)) for m in module.modules())
    )


# Each operation a class may apply to a container attribute, as code over `c` (the container), `e`
# (its elements, in order) and `x` (a new element). The same code runs on the plain container and on
# its torch container; torchlint's table says whether the two behave the same.
LIST_OPERATIONS = {
    "append": "c.append(x)\nc[3]", "iadd": "c += [x]\nc[3]", "extend": "c.extend([x])\nc[3]", "insert(0)": "c.insert(0, x)\nc[0]",
    "insert(index)": "c.insert(5, x)\nc[3]", "insert(negative)": "c.insert(-1, x)", "pop()": "c.pop()",
    "pop(index)": "c.pop(0)", "pop(negative)": "c.pop(-1)", "index": "c.index(e[1])", "count": "c.count(e[1])",
    "copy": "c.copy()", "sort": "c.sort(key=id)\n", "reverse": "c.reverse()\n", "remove": "c.remove(e[1])",
    "clear": "c.clear()\n", "reversed": "list(reversed(c))", "sorted": "sorted(c, key=id)", "len": "len(c)",
    "list": "list(c)", "tuple": "tuple(c)", "iter": "list(iter(c))", "enumerate": "list(enumerate(c))",
    "zip": "list(zip(c, c))", "any": "any(c)", "all": "all(c)", "map": "list(map(id, c))",
    "filter": "list(filter(None, c))", "next": "next(c)", "str": "str(c)", "repr": "repr(c)", "print": "str(c)",
    "bool": "bool(c)", "item": "c[1]", "item(negative)": "c[-1]", "set item": "c[1] = x\n",
    "set item(negative)": "c[-1] = x\n", "del item": "del c[1]\nc[1]", "slice read": "list(c[1:])",
    "slice assign": "c[1:] = [x]\n", "slice delete": "del c[1:]\n", "in": "e[1] in c", "not in": "x not in c",
    "iteration": "[m for m in c]", "unpacking": "(lambda a, b, d: (a, b, d))(*c)", "Add": "list(c + [x])",
    "radd": "list([x] + c)", "Multiply": "list(c * 2)", "==": "c == list(e)", "!=": "c != list(e)",
    "<": "c < list(e)", "isinstance": "isinstance(c, list)", "type": "type(c) is list",
    "copy.copy": "list(copy.copy(c))", "pickle": "len(pickle.loads(pickle.dumps(c)))", "json": "json.dumps(c)",
    "vars": "vars(c)",
}
DICT_OPERATIONS = {
    "get": "c.get('a')", "items": "list(c.items())", "keys": "list(c.keys())", "values": "list(c.values())",
    "pop": "c.pop('a')", "popitem": "c.popitem()", "setdefault": "c.setdefault('z', x)",
    "update": "c.update({'z': x})\n", "ior": "c |= {'z': x}\n", "copy": "c.copy()", "clear": "c.clear()\n", "fromkeys": "c.fromkeys(['q'])",
    "reversed": "list(reversed(c))", "sorted": "sorted(c)", "len": "len(c)", "list": "list(c)",
    "tuple": "tuple(c)", "iter": "list(iter(c))", "enumerate": "list(enumerate(c))", "zip": "list(zip(c, c))",
    "any": "any(c)", "all": "all(c)", "map": "list(map(str, c))", "next": "next(c)", "str": "str(c)",
    "repr": "repr(c)", "print": "str(c)", "bool": "bool(c)", "item": "c['a']", "set item": "c['z'] = x\n",
    "del item": "del c['a']\n", "in": "'a' in c", "not in": "'z' not in c", "iteration": "[k for k in c]",
    "unpacking": "(lambda a, b, d: (a, b, d))(*c)", "BitOr": "dict(c | {'z': x})", "==": "c == dict(zip(keys, e))",
    "!=": "c != dict(zip(keys, e))", "isinstance": "isinstance(c, dict)", "type": "type(c) is dict",
    "copy.copy": "dict(copy.copy(c))", "pickle": "len(pickle.loads(pickle.dumps(c)))", "json": "json.dumps(c)",
    "vars": "vars(c)",
}


def _normal(value):
    """Results compared by what they hold: the identity of modules and parameters, plain values as they are."""
    import torch

    if isinstance(value, (torch.nn.Module, torch.Tensor)) and not isinstance(value, (nn.ModuleList, nn.ModuleDict, nn.ParameterList, nn.ParameterDict)):
        return ("object", id(value))
    if isinstance(value, (list, tuple, nn.ModuleList, nn.ParameterList)):
        return ("sequence", tuple(_normal(v) for v in value))
    if isinstance(value, (dict, nn.ModuleDict, nn.ParameterDict)):
        return ("mapping", tuple((k, _normal(v)) for k, v in value.items()))
    if isinstance(value, str):
        return ("text", value)
    if isinstance(value, (bool, int, type(None))):
        return ("value", value)
    return ("other", type(value).__name__)


def _outcome(code: str, container, elements, new, keys):
    import copy
    import json
    import pickle

    scope = {"c": container, "e": elements, "x": new, "keys": keys, "copy": copy, "json": json, "pickle": pickle}
    try:
        statement, _, last = code.rpartition("\n")
        exec(statement, scope)
        result = eval(last, scope) if last else None
    except Exception as error:  # the point: which operations raise, and what
        return ("raises", type(error).__name__)
    return (_normal(result), _normal(list(container.items()) if hasattr(container, "items") else list(container)))


def container_operation_verdicts(target: str) -> dict:
    """For one torch container, each operation's verdict: "same", "differs" or "fails" (raises where
    the plain container does not)."""
    import torch

    parameters = target.startswith("Parameter")
    dict_like = target.endswith("Dict")

    def element():
        return nn.Parameter(torch.ones(1)) if parameters else nn.Linear(1, 1)

    verdicts = {}
    operations = DICT_OPERATIONS if dict_like else LIST_OPERATIONS
    for name, code in operations.items():
        elements = [element() for _ in range(3)]
        new = element()
        keys = ["b", "a", "c"]
        plain = dict(zip(keys, elements)) if dict_like else list(elements)
        wrapped = getattr(nn, target)(dict(zip(keys, elements)) if dict_like else list(elements))
        before = _outcome(code, plain, elements, new, keys)
        after = _outcome(code, wrapped, elements, new, keys)
        if before == after:
            verdicts[name] = "same"
        elif after[0] == "raises":
            verdicts[name] = "fails"
        else:
            verdicts[name] = "differs"
    return verdicts
