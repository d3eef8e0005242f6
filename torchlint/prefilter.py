"""Skip, on the raw bytes, files that cannot hold a finding: no class, or no mention of torch.

Conservative by construction: a module class needs a `class` statement, and its base must be
reached through a name that mentions torch (or lightning, or a configured base, or a module class
of another file of the run, each of which the file has to name). tests/test_prefilter.py checks
that the findings are identical with and without it.
"""
from __future__ import annotations

from typing import FrozenSet, Iterable

from torchlint.settings import Settings

_ALWAYS = (b"torch", b"lightning")


def may_contain_findings(data: bytes, settings: Settings, project_classes: FrozenSet[str] = frozenset()) -> bool:
    if b"class" not in data:
        return False
    return any(needle in data for needle in _needles(settings, project_classes))


def _needles(settings: Settings, project_classes: Iterable[str]) -> Iterable[bytes]:
    yield from _ALWAYS
    for qualified in (*settings.module_bases, *settings.module_factories, *project_classes):
        yield qualified.rsplit(".", 1)[-1].encode("utf-8")
