"""The core knows environment synthesis only through its hooks: no core module imports this plugin."""

from __future__ import annotations

import ast
from pathlib import Path

import envfactory_core

CORE = Path(envfactory_core.__file__).parent


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_envfactory_envgen() -> None:
    offenders = sorted(
        str(path.relative_to(CORE))
        for path in CORE.rglob("*.py")
        if any(name.split(".")[0] == "envfactory_envgen" for name in _imported(path))
    )
    assert not offenders, offenders
