"""environments_plugin: the plugin object a domain package publishes registers its environments, in order."""

from __future__ import annotations

import pytest

from envfactory_core.contracts import ENVIRONMENT
from envfactory_core.env import Environment, environments_plugin
from envfactory_core.env.examples import bookshop, notes
from envfactory_core.plugins import make_plugin_manager
from envfactory_core.registry import Registry


def test_a_plugin_registers_its_environments_under_its_namespace() -> None:
    plugin = environments_plugin((bookshop, notes))
    registered: list[str] = []
    plugin.register_environments(lambda component, *, name=None: registered.append(component.name))
    assert registered == ["bookshop", "notes"]

    manager = make_plugin_manager(load_entrypoints=False, plugins=[("shelf", plugin)])
    names = [component.name for component in Registry(manager).components(ENVIRONMENT)]
    assert {"shelf/bookshop", "shelf/notes"} <= set(names)
    assert Registry(manager).get(ENVIRONMENT, "shelf/bookshop") is bookshop


def test_two_plugins_of_the_same_environments_are_two_plugins() -> None:
    """pluggy finds a registered plugin by equality; each plugin object is its own."""
    manager = make_plugin_manager(
        load_entrypoints=False,
        plugins=[("one", environments_plugin((bookshop,))), ("two", environments_plugin((notes,)))],
    )
    names = {component.name for component in Registry(manager).components(ENVIRONMENT)}
    assert {"one/bookshop", "two/notes"} <= names


def test_any_iterable_of_environments_is_taken() -> None:
    assert environments_plugin(iter([notes])).environments == (notes,)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (bookshop, r"takes a sequence of environments, not <Environment bookshop.*wrap it: environments_plugin\(\(env"),
        (42, "takes a sequence of environments, not int"),
        ("bookshop", "takes a sequence of environments, not 'bookshop'"),
        ((bookshop, "notes"), r"item 1 is 'notes' \(str\), not an envfactory_core.env.Environment"),
    ],
)
def test_a_bad_argument_is_a_type_error_that_says_what_was_given(argument: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        environments_plugin(argument)  # type: ignore[arg-type]


def test_no_environments_or_a_repeated_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="needs at least one environment"):
        environments_plugin(())
    twin = Environment(name="notes", domain="examples", description="Another notes app.", tables=())
    with pytest.raises(ValueError, match="more than one environment is named notes"):
        environments_plugin((notes, twin))
