"""A domain package's lazy plugin: nothing is built at import, everything is there when asked for."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from envfactory_core.env import Environment
from envfactory_core.plugins import LazyEnvironments, make_plugin_manager


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "lazy_domain"
    root.mkdir()
    (root / "__init__.py").write_text(
        textwrap.dedent(
            """
            from envfactory_core.plugins import lazy_environments

            plugin, __getattr__ = lazy_environments(__name__, ("second", "first"))
            """
        )
    )
    for name in ("first", "second"):
        (root / f"{name}.py").write_text(
            textwrap.dedent(
                f"""
                from envfactory_core.env import Environment, table

                environment = Environment(
                    name="{name}", domain="tests", description="A lazily built environment.",
                    tables=[table("items", primary_key="item_id", item_id=str)],
                )

                @environment.tool(effect="read")
                def count_items(ctx) -> int:
                    '''Count the items.'''
                    return ctx.table("items").count()
                """
            )
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazy_domain"
    for module in [name for name in sys.modules if name.startswith("lazy_domain")]:
        del sys.modules[module]


def test_importing_the_package_builds_nothing(package: str) -> None:
    module = importlib.import_module(package)
    assert isinstance(module.plugin, LazyEnvironments)
    assert f"{package}.first" not in sys.modules
    assert f"{package}.second" not in sys.modules


def test_environments_come_in_the_given_order_and_by_name(package: str) -> None:
    module = importlib.import_module(package)
    environments = module.ENVIRONMENTS
    assert [environment.name for environment in environments] == ["second", "first"]
    assert isinstance(module.first, Environment)
    assert module.first is environments[1]
    with pytest.raises(AttributeError):
        _ = module.third


def test_the_hook_registers_them(package: str) -> None:
    module = importlib.import_module(package)
    manager = make_plugin_manager(load_entrypoints=False, plugins=[("lazy", module.plugin)])
    registered: list[object] = []
    manager.hook.register_environments(register=registered.append)
    assert [environment.name for environment in registered] == ["second", "first"]  # type: ignore[attr-defined]
