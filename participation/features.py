"""The feature packages, found by name so that the shell never imports them directly.

Dependencies point from the features to `participation`; the shell only looks up, at run
time, the modules a feature chooses to provide (`routes`, `models`, `demo`, `content`, `hooks`
with its in-transaction `RECORDERS`, `jobs`, `cli`, and `lifespan` for what runs while the app
serves).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

FEATURE_PACKAGES = ("ideas", "pacts", "problems", "voting", "streaming", "moderation")


def feature_modules(kind: str) -> list[ModuleType]:
    """Each feature's `<package>.<kind>` module, for the features that have one."""
    found = []
    for package in FEATURE_PACKAGES:
        name = f"{package}.{kind}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found
