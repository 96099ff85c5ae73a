"""Every hook has a test named after it and a documented signature; the checks catch omissions."""

from __future__ import annotations

import re
from pathlib import Path

from envfactory_core.plugins import PluginManager

ROOT = Path(__file__).resolve().parents[2]
HOOKS_DOC = ROOT / "docs" / "plugins" / "hooks.md"


def hook_signatures() -> dict[str, str]:
    """Each hookspec's name and its documented signature ``name(arg1, arg2)``."""
    manager = PluginManager()
    signatures = {}
    for name in dir(manager.hook):
        if name.startswith("_"):
            continue
        caller = getattr(manager.hook, name)
        if caller.spec is None:
            continue
        signatures[name] = f"{name}({', '.join(caller.spec.argnames)})"
    return signatures


def missing_hook_coverage(signatures: dict[str, str], test_sources: str, docs_text: str) -> list[str]:
    problems = []
    headings = {line[3:].strip().strip("`") for line in docs_text.splitlines() if line.startswith("## ")}
    for name, signature in sorted(signatures.items()):
        if not re.search(rf"\bdef test_hook_{name}\b", test_sources):
            problems.append(f"no test named test_hook_{name}")
        if signature not in headings:
            problems.append(f"docs/plugins/hooks.md has no heading '## {signature}'")
    return problems


def _test_sources() -> str:
    folders = [ROOT / "tests", *(ROOT / "plugins").glob("*/tests"), *(ROOT / "domains").glob("*/tests")]
    return "\n".join(path.read_text(encoding="utf-8") for folder in folders for path in folder.rglob("test_*.py"))


def test_every_hook_has_a_test_and_a_documented_signature() -> None:
    signatures = hook_signatures()
    assert len(signatures) >= 17
    problems = missing_hook_coverage(signatures, _test_sources(), HOOKS_DOC.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_meta_check_fails_when_a_test_or_a_heading_is_missing() -> None:
    signatures = {"register_widgets": "register_widgets(register)"}
    assert (
        missing_hook_coverage(signatures, "def test_hook_register_widgets(): pass", "## register_widgets(register)\n")
        == []
    )
    problems = missing_hook_coverage(signatures, "def test_something_else(): pass", "## register_widgets(registrar)\n")
    assert problems == [
        "no test named test_hook_register_widgets",
        "docs/plugins/hooks.md has no heading '## register_widgets(register)'",
    ]
