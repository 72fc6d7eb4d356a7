"""The shell finds the feature packages by name and never imports them."""

from __future__ import annotations

import ast
from pathlib import Path

from participation.features import FEATURE_PACKAGES, feature_modules

ROOT = Path(__file__).resolve().parents[2]


def test_participation_imports_no_feature_package() -> None:
    offenders = []
    for path in (ROOT / "participation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FEATURE_PACKAGES]
    assert offenders == []


def test_every_feature_package_mounts_its_routes() -> None:
    assert [module.__name__ for module in feature_modules("routes")] == [
        f"{package}.routes" for package in FEATURE_PACKAGES
    ]
