"""Scenario tests as data, and the runner that checks them against any environment.

A scenario is a JSON object: a start (``seed`` or ``state``) and steps. Each step calls a tool and
says what must happen::

    {"id": "pets.create_then_get", "description": "...", "origin": "envgen/crud", "seed": 0,
     "steps": [
       {"call": "create_pet", "arguments": {"name": "Rex"}, "expect": "ok",
        "output": {"name": "Rex"}, "save": {"pet": "id"}, "diff": {"pets": {"added": 1}}},
       {"call": "get_pet", "arguments": {"id": {"$var": "pet"}}, "output": {"name": "Rex"}},
       {"call": "get_pet", "arguments": {"id": 987654}, "expect": "error", "error_kind": "tool_error"}]}

Values anywhere in ``arguments``, ``output`` and ``rows`` may be references: ``{"$var": NAME}`` (saved
from an earlier output with ``save``), ``{"$row": {"table": T, "index": I, "column": C}}`` (a value of
the scenario's start state, rows in key order), ``{"$count": {"table": T, "where": {...}}}`` (rows
now). In ``output``, ``{"$len": N}`` matches a list of N items.

``output`` is a subset match (nested objects too). ``diff`` counts the rows the step added,
removed or changed per table; other tables must not change unless ``diff_exact`` is false. A step
expected to fail must leave the state exactly as it was. ``rows`` checks rows after the step:
``{"table": T, "key": [...], "present": true, "fields": {...}}``.

The runner needs only the episode API (``call``, ``state``, ``reset``), so it runs in-process and
sandboxed environments alike, and it never raises for a failed expectation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from envfactory_core.env.state import diff_states, row_key
from envfactory_core.errors import Problem
from envfactory_core.ids import canonical_json

from ..errors import SourceError

__all__ = ["ScenarioResult", "parse_scenarios", "run_scenario", "run_scenarios", "scenario_problems"]

_STEP_KEYS = {"call", "arguments", "expect", "error_kind", "output", "save", "diff", "diff_exact", "rows", "note"}
_SCENARIO_KEYS = {"id", "description", "origin", "seed", "state", "steps", "tags"}


@attrs.frozen(kw_only=True)
class ScenarioResult:
    """What happened when one scenario ran: passed, and every expectation that did not hold."""

    id: str
    passed: bool
    failures: tuple[str, ...] = ()
    steps: int = 0
    origin: str = ""

    def summary(self) -> str:
        if self.passed:
            return f"{self.id}: passed ({self.steps} steps)"
        return f"{self.id}: " + "; ".join(self.failures[:3])


def scenario_problems(data: Any, *, tools: Sequence[str] | None = None, where: str = "scenario") -> list[Problem]:
    """Everything wrong with one scenario's shape (empty when it can run)."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem(location=where, message=f"a scenario must be an object, got {type(data).__name__}")]
    unknown = set(data) - _SCENARIO_KEYS
    if unknown:
        problems.append(
            Problem(location=where, message=f"unknown fields {sorted(unknown)}", fix=f"use {sorted(_SCENARIO_KEYS)}")
        )
    if not isinstance(data.get("id"), str) or not data["id"]:
        problems.append(Problem(location=f"{where}.id", message="needs a non-empty string id"))
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append(Problem(location=f"{where}.steps", message="needs a non-empty list of steps"))
        return problems
    if "state" in data and data["state"] is not None and not isinstance(data["state"], dict):
        problems.append(Problem(location=f"{where}.state", message="must be an object {table: [rows]}"))
    if "seed" in data and not isinstance(data["seed"], int):
        problems.append(Problem(location=f"{where}.seed", message="must be an integer"))
    for index, step in enumerate(steps):
        at = f"{where}.steps[{index}]"
        if not isinstance(step, dict):
            problems.append(Problem(location=at, message="a step must be an object"))
            continue
        extra = set(step) - _STEP_KEYS
        if extra:
            problems.append(
                Problem(location=at, message=f"unknown fields {sorted(extra)}", fix=f"use {sorted(_STEP_KEYS)}")
            )
        if not isinstance(step.get("call"), str):
            problems.append(Problem(location=f"{at}.call", message="names the tool to call"))
        elif tools is not None and step["call"] not in tools:
            problems.append(
                Problem(
                    location=f"{at}.call", message=f"no tool {step['call']!r}", fix=f"use one of {', '.join(tools)}"
                )
            )
        if "arguments" in step and not isinstance(step["arguments"], dict):
            problems.append(Problem(location=f"{at}.arguments", message="must be an object"))
        if step.get("expect", "ok") not in ("ok", "error"):
            problems.append(Problem(location=f"{at}.expect", message="must be 'ok' or 'error'"))
        if "save" in step and not (
            isinstance(step["save"], dict) and all(isinstance(v, str) for v in step["save"].values())
        ):
            problems.append(Problem(location=f"{at}.save", message="must map names to output paths"))
        diff = step.get("diff")
        if diff is not None and not (
            isinstance(diff, dict)
            and all(
                isinstance(counts, dict)
                and all(k in ("added", "removed", "changed") and isinstance(v, int) for k, v in counts.items())
                for counts in diff.values()
            )
        ):
            problems.append(
                Problem(location=f"{at}.diff", message="must map tables to {added, removed, changed} counts")
            )
        rows = step.get("rows", [])
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and "table" in row and "key" in row for row in rows
        ):
            problems.append(Problem(location=f"{at}.rows", message="must be a list of {table, key, present, fields}"))
    return problems


def parse_scenarios(data: Any, *, tools: Sequence[str] | None = None, where: str = "scenarios") -> list[dict[str, Any]]:
    """Check a list of scenarios; a :class:`SourceError` lists every problem; ids must be unique."""
    if not isinstance(data, list):
        raise SourceError(
            "scenarios are not a list", [Problem(location=where, message="expected a JSON list of scenarios")]
        )
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, scenario in enumerate(data):
        problems.extend(scenario_problems(scenario, tools=tools, where=f"{where}[{index}]"))
        identifier = scenario.get("id") if isinstance(scenario, dict) else None
        if isinstance(identifier, str):
            if identifier in seen:
                problems.append(Problem(location=f"{where}[{index}].id", message=f"{identifier!r} is used twice"))
            seen.add(identifier)
    if problems:
        raise SourceError("the scenarios cannot run", problems)
    return [dict(scenario) for scenario in data]


# --- running ------------------------------------------------------------------------------------


class _Unresolved(Exception):
    pass


def _sorted_rows(state: Mapping[str, Mapping[str, Any]], table: str) -> list[Mapping[str, Any]]:
    rows = state.get(table)
    if rows is None:
        raise _Unresolved(f"no table {table!r}")
    return [rows[key] for key in sorted(rows)]


class _Context:
    def __init__(self, start: Mapping[str, Any]) -> None:
        self.start = start
        self.current: Mapping[str, Any] = start
        self.variables: dict[str, Any] = {}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$var"}:
                name = value["$var"]
                if name not in self.variables:
                    raise _Unresolved(f"variable {name!r} was never saved")
                return self.variables[name]
            if set(value) == {"$row"}:
                spec = value["$row"]
                rows = _sorted_rows(self.start, str(spec.get("table")))
                index = int(spec.get("index", 0))
                if not -len(rows) <= index < len(rows):
                    raise _Unresolved(f"the start state has {len(rows)} rows in {spec.get('table')!r}, not {index + 1}")
                column = str(spec.get("column"))
                if column not in rows[index]:
                    raise _Unresolved(f"{spec.get('table')!r} has no column {column!r}")
                return rows[index][column]
            if set(value) == {"$count"}:
                spec = value["$count"]
                table = spec if isinstance(spec, str) else str(spec.get("table"))
                where = {} if isinstance(spec, str) else self.resolve(spec.get("where", {}))
                rows = _sorted_rows(self.current, table)
                return sum(all(row.get(k) == v for k, v in where.items()) for row in rows)
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value


def _get_path(value: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            raise _Unresolved(f"the output has no {path!r}")
    return value


def _match(expected: Any, actual: Any, path: str, context: _Context, failures: list[str]) -> None:
    if isinstance(expected, dict) and set(expected) == {"$len"}:
        if not isinstance(actual, list) or len(actual) != expected["$len"]:
            shown = len(actual) if isinstance(actual, list) else type(actual).__name__
            failures.append(f"{path or 'output'}: expected {expected['$len']} items, got {shown}")
        return
    if isinstance(expected, dict) and not (set(expected) & {"$var", "$row", "$count"}):
        if not isinstance(actual, dict):
            failures.append(f"{path or 'output'}: expected an object, got {canonical_json(actual)[:80]}")
            return
        for key, sub in expected.items():
            if key not in actual:
                failures.append(f"{path + '.' if path else ''}{key}: missing from the output")
            else:
                _match(sub, actual[key], f"{path + '.' if path else ''}{key}", context, failures)
        return
    wanted = context.resolve(expected)
    if wanted != actual or isinstance(wanted, bool) != isinstance(actual, bool):
        failures.append(
            f"{path or 'output'}: expected {canonical_json(wanted)[:80]}, got {canonical_json(actual)[:80]}"
        )


def _counts(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for change in diff_states(before, after).changes:
        table = counts.setdefault(change.table, {"added": 0, "removed": 0, "changed": 0})
        table[change.change] += 1
    return counts


def _lookup(state: Mapping[str, Mapping[str, Any]], table: str, key_values: list[Any]) -> Mapping[str, Any] | None:
    return state.get(table, {}).get(row_key(key_values))


def run_scenario(episode: Any, scenario: Mapping[str, Any]) -> ScenarioResult:
    """Run one scenario on ``episode`` (reset to the scenario's start first)."""
    identifier = str(scenario.get("id", "?"))
    origin = str(scenario.get("origin", ""))
    failures: list[str] = []
    try:
        if scenario.get("state") is not None:
            episode.reset(state=scenario["state"])
        else:
            episode.reset(seed=int(scenario.get("seed", 0)))
        start = episode.state()
    except Exception as error:
        return ScenarioResult(
            id=identifier, passed=False, failures=(f"the start state does not load: {error}",), origin=origin
        )
    context = _Context(start)
    before = start
    steps = scenario.get("steps", [])
    for index, step in enumerate(steps):
        label = f"step {index + 1} ({step.get('call')})"
        try:
            arguments = context.resolve(step.get("arguments", {}))
        except _Unresolved as error:
            failures.append(f"{label}: {error}")
            break
        hash_before = episode.state_hash()
        result = episode.call(str(step.get("call")), arguments)
        after = episode.state()
        context.current = after
        expect = step.get("expect", "ok")
        if expect == "ok" and not result.ok:
            assert result.error is not None
            failures.append(f"{label}: expected success, got {result.error.kind}: {result.error.message[:200]}")
        elif expect == "error":
            if result.ok:
                failures.append(f"{label}: expected an error, got {canonical_json(result.output)[:120]}")
            elif step.get("error_kind") and result.error is not None and result.error.kind != step["error_kind"]:
                failures.append(
                    f"{label}: expected a {step['error_kind']} error, "
                    f"got {result.error.kind}: {result.error.message[:120]}"
                )
            if episode.state_hash() != hash_before:
                failures.append(f"{label}: the failed call changed the state")
        if result.ok and "output" in step:
            step_failures: list[str] = []
            try:
                _match(step["output"], result.output, "", context, step_failures)
            except _Unresolved as error:
                step_failures.append(str(error))
            failures.extend(f"{label}: {failure}" for failure in step_failures)
        if result.ok:
            for name, path in (step.get("save") or {}).items():
                try:
                    context.variables[name] = _get_path(result.output, path)
                except _Unresolved as error:
                    failures.append(f"{label}: cannot save {name!r}: {error}")
        if step.get("diff") is not None:
            actual = _counts(before, after)
            expected = step["diff"]
            for table, counts in expected.items():
                got = actual.get(table, {"added": 0, "removed": 0, "changed": 0})
                for kind, number in counts.items():
                    if got.get(kind, 0) != number:
                        failures.append(f"{label}: expected {number} {kind} in {table}, got {got.get(kind, 0)}")
            if step.get("diff_exact", True):
                for table, counts in actual.items():
                    if table not in expected and any(counts.values()):
                        failures.append(f"{label}: {table} changed unexpectedly ({counts})")
        for row_spec in step.get("rows", []) or []:
            try:
                key = context.resolve(row_spec.get("key"))
            except _Unresolved as error:
                failures.append(f"{label}: {error}")
                continue
            key_values = key if isinstance(key, list) else [key]
            row = _lookup(after, str(row_spec.get("table")), key_values)
            present = bool(row_spec.get("present", True))
            if present and row is None:
                failures.append(f"{label}: no row {key_values} in {row_spec.get('table')}")
            elif not present and row is not None:
                failures.append(f"{label}: row {key_values} is still in {row_spec.get('table')}")
            elif row is not None and row_spec.get("fields"):
                row_failures: list[str] = []
                _match(row_spec["fields"], dict(row), f"{row_spec.get('table')}{key_values}", context, row_failures)
                failures.extend(f"{label}: {failure}" for failure in row_failures)
        before = after
        if failures:
            break
    return ScenarioResult(id=identifier, passed=not failures, failures=tuple(failures), steps=len(steps), origin=origin)


def run_scenarios(environment: Any, scenarios: Sequence[Mapping[str, Any]]) -> list[ScenarioResult]:
    """Run every scenario on one episode of ``environment`` (reset between them)."""
    if not scenarios:
        return []
    results: list[ScenarioResult] = []
    with environment.episode(seed=0) as episode:
        for scenario in scenarios:
            try:
                results.append(run_scenario(episode, scenario))
            except Exception as error:  # a broken episode is a failed scenario, not a crash of the runner
                results.append(
                    ScenarioResult(
                        id=str(scenario.get("id", "?")), passed=False, failures=(f"{type(error).__name__}: {error}",)
                    )
                )
    return results
