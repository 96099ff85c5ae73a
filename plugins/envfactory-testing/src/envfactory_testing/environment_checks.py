"""Checks every environment package runs on its environments: seeds, sizes, shape, tools on a path.

:class:`~envfactory_testing.EnvironmentPackageTests` runs the first five on each environment of
a package; use them one by one where a package needs another selection::

    import pytest
    from envfactory_testing import assert_hash_stable_across_processes, assert_seeds_vary
    from my_domain import ENVIRONMENTS

    each_environment = pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda environment: environment.name)

    @each_environment
    def test_twenty_seeds_give_twenty_states(environment):
        assert_seeds_vary(environment, count=20)

    @each_environment
    def test_same_seed_same_hash_in_another_process(environment):
        assert_hash_stable_across_processes(environment, seed=(0, 7))

Each helper fails with an ``AssertionError`` that names the environment and what differed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from envfactory_core.env.environment import Environment
from envfactory_core.env.episode import Episode

__all__ = [
    "assert_domain_environment",
    "assert_hash_stable_across_processes",
    "assert_seeds_vary",
    "assert_size_scales",
    "assert_sizes_give_valid_states",
    "assert_tool_path",
    "importable_reference",
]

Step = tuple[str, Mapping[str, Any]]


# --- seeds and sizes --------------------------------------------------------------------------------


def assert_seeds_vary(environment: Environment, count: int = 20, *, size: int | None = None) -> None:
    """Seeds ``0 .. count-1`` give ``count`` different states (a seed factory that ignores its seed fails)."""
    seeds_by_hash: dict[str, list[int]] = {}
    for seed in range(count):
        seeds_by_hash.setdefault(environment.template(seed=seed, size=size).state_hash, []).append(seed)
    alike = [seeds for seeds in seeds_by_hash.values() if len(seeds) > 1]
    assert not alike, (
        f"{environment.name}: {count} seeds give only {len(seeds_by_hash)} states; these seeds give the same "
        f"state: {alike}. Draw the seed data from ctx.rng (or ctx.shared(...)), not from constants."
    )


def importable_reference(environment: Environment) -> str:
    """``"package.module:name"`` under which ``environment`` can be imported in another process.

    Found by looking for the environment among the globals of the modules that define its tools and
    its seed factory; an environment built inside a function has no such name.
    """
    functions: list[Callable[..., Any]] = [definition.function for definition in environment.tools.values()]
    if environment._seed_factory is not None:
        functions.append(environment._seed_factory)
    for module_name in dict.fromkeys(getattr(function, "__module__", "") for function in functions):
        module = sys.modules.get(module_name)
        if module is None or module_name == "__main__":
            continue
        for name, value in vars(module).items():
            if value is environment:
                return f"{module_name}:{name}"
    raise AssertionError(
        f"{environment.name}: no module-level name refers to this environment, so another process cannot "
        "import it; define it at module level or pass reference='package.module:name'"
    )


_HASHES_SCRIPT = """\
import importlib, json, sys
module, attribute, seeds = json.loads(sys.argv[1])
environment = getattr(importlib.import_module(module), attribute)
print(json.dumps([environment.template(seed=seed).state_hash for seed in seeds]))
"""


def assert_hash_stable_across_processes(
    environment: Environment, seed: int | Sequence[int] = 7, *, reference: str | None = None
) -> None:
    """The seed's state hash is the same in a fresh Python process (with another string-hash seed).

    Catches seed factories and codecs that depend on set or dict order of hashed strings, object
    ids, the wall clock or anything else that is not the seed. ``seed`` may be one seed or several;
    ``reference`` (``"package.module:name"``) is found with :func:`importable_reference` when not given.
    """
    seeds = [seed] if isinstance(seed, int) else list(seed)
    module, _, attribute = (reference or importable_reference(environment)).partition(":")
    result = subprocess.run(
        [sys.executable, "-c", _HASHES_SCRIPT, json.dumps([module, attribute, seeds])],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
        check=False,
    )
    assert result.returncode == 0, f"{environment.name}: the other process failed:\n{result.stderr}"
    there = json.loads(result.stdout.strip().splitlines()[-1])
    here = [environment.template(seed=one).state_hash for one in seeds]
    differ = [one for one, mine, theirs in zip(seeds, here, there, strict=True) if mine != theirs]
    assert not differ, f"{environment.name}: seeds {differ} give another state hash in another process"


def assert_size_scales(environment: Environment, *, seed: int = 3, small: int = 4, large: int = 20) -> None:
    """A larger ``size`` seeds more rows in all (``size`` is the knob for bigger worlds)."""
    counts = {
        size: sum(len(rows) for rows in environment.initial_state(seed=seed, size=size).values())
        for size in (small, large)
    }
    assert counts[small] < counts[large], (
        f"{environment.name}: size {small} seeds {counts[small]} rows and size {large} seeds {counts[large]}; "
        "a larger size should seed more"
    )


def assert_sizes_give_valid_states(environment: Environment, sizes: Sequence[int] = (1, 2, 30)) -> None:
    """Tiny and large sizes seed a non-empty state that loads, and an episode starts from exactly it."""
    for size in sizes:
        state = environment.initial_state(seed=size, size=size)
        assert any(state.values()), f"{environment.name}: size {size} seeds an empty state"
        with environment.episode(seed=size, size=size) as episode:
            assert episode.state_hash() == environment.template(seed=size, size=size).state_hash, (
                f"{environment.name}: an episode at size {size} does not start from the seeded state"
            )


# --- declaration --------------------------------------------------------------------------------------


def assert_domain_environment(
    environment: Environment, domain: str, *, min_tools: int = 5, evaluation_only: bool = False
) -> None:
    """The shape of a shipped domain environment: its domain, enough tools that read and write, an
    output schema for every tool, a policy, a provenance link, and no declared overlaps."""
    spec = environment.spec
    name = environment.name
    assert spec.domain == domain, f"{name}: domain is {spec.domain!r}, expected {domain!r}"
    assert len(spec.tools) >= min_tools, f"{name}: {len(spec.tools)} tools, at least {min_tools} expected"
    assert spec.read_tools, f"{name}: no tool reads (effect='read')"
    assert spec.write_tools, f"{name}: no tool writes (effect='write')"
    missing = [tool.name for tool in spec.tools if tool.output_schema is None]
    assert not missing, f"{name}: tools without an output schema (annotate their return type): {missing}"
    assert environment.policy.strip(), f"{name}: the policy is blank"
    assert spec.provenance.source, f"{name}: provenance names no source"
    assert spec.provenance.url.startswith("https://"), f"{name}: provenance url {spec.provenance.url!r} is not https"
    assert spec.overlaps == (), f"{name}: declares overlaps {spec.overlaps}"
    assert spec.evaluation_only is evaluation_only, f"{name}: evaluation_only is {spec.evaluation_only}"


# --- tools on a realistic path ------------------------------------------------------------------------


def _lookup(outputs: Mapping[str, Any], path: str) -> Any:
    """``"order_id"`` or ``"rates[0].rate_id"`` looked up in the outputs gathered so far."""
    value: Any = outputs
    for part in path.split("."):
        key, _, index = part.partition("[")
        if key:
            value = value[key]
        if index:
            value = value[int(index.rstrip("]"))]
    return value


def _fill(value: Any, outputs: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and len(value) > 2 and value.startswith("{") and value.endswith("}"):
        return _lookup(outputs, value[1:-1])
    if isinstance(value, list):
        return [_fill(item, outputs) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, outputs) for key, item in value.items()}
    return value


def assert_tool_path(episode: Episode, steps: Sequence[Step], *, every_tool: bool = True) -> dict[str, Any]:
    """Run ``(tool, arguments)`` steps on ``episode``: each succeeds and its output fits its schema.

    An argument written ``"{field}"`` (or ``"{items[0].field}"``, also inside lists and objects)
    takes the value of that field from the outputs of the steps before, so a path can create a
    thing and then use its id. With ``every_tool`` the path must use every tool of the environment.
    Returns the outputs gathered, merged.
    """
    environment = episode.environment
    outputs: dict[str, Any] = {}
    used: set[str] = set()
    for number, (tool, arguments) in enumerate(steps, start=1):
        try:
            filled = _fill(dict(arguments), outputs)
        except (KeyError, IndexError, TypeError) as error:
            raise AssertionError(f"step {number} ({tool}): a placeholder names nothing earlier: {error!r}") from None
        result = episode.call(tool, filled)
        assert result.ok, f"step {number} ({tool}): {result.error}"
        schema = environment.tools[tool].spec.output_schema
        assert schema is not None, f"step {number} ({tool}): the tool has no output schema"
        errors = list(Draft202012Validator(schema).iter_errors(result.output))
        assert not errors, f"step {number} ({tool}): the output does not fit its schema: {errors[0].message}"
        if isinstance(result.output, Mapping):
            outputs.update(result.output)
        used.add(tool)
    if every_tool:
        unused = sorted(set(environment.tools) - used)
        assert not unused, f"{environment.name}: the path never calls {unused}"
    return outputs
