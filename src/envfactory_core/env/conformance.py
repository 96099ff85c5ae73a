"""The conformance kit: the standard checks every environment must pass.

An environment passes when its checks run green, not when someone says so:

- ``schemas``: every tool's input and output schema is valid JSON Schema; tools and arguments are
  described.
- ``seed_state``: the seed factory's states load, and different seeds give different states.
- ``determinism_lint``: tool code does not read the wall clock, draw unseeded randomness or make
  uuids, and does not reach the network or files (found by reading its source).
- ``no_crash``: random valid and invalid calls never crash a tool (refusals are ``ToolError``).
- ``atomic_failure``: a failed call leaves the state hash unchanged.
- ``read_only``: read tools never change the state.
- ``output_schema``: outputs conform to the declared output schemas.
- ``reset``: ``reset()`` restores the initial state hash.
- ``isolation``: writes in one episode are never seen by another.
- ``replay``: the same calls from the same state give the same outputs and hashes (catches state
  leaking through module globals and hidden randomness).

:func:`check_environment` returns a :class:`VerificationReport` and never raises for a failed
check; the pytest helpers in :mod:`envfactory_testing` assert on it.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import random
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..ids import canonical_json
from ..models import Check, ToolResult, VerificationReport
from .environment import Environment
from .generate import ArgumentGenerator

__all__ = ["CallPlan", "check_environment", "lint_tool_source", "plan_calls", "run_plan"]

CallPlan = list[tuple[str, Any]]

_FORBIDDEN_CALLS = {
    ("time", "time"): "reads the wall clock",
    ("time", "time_ns"): "reads the wall clock",
    ("time", "localtime"): "reads the wall clock",
    ("time", "gmtime"): "reads the wall clock",
    ("time", "perf_counter"): "reads a timer",
    ("time", "monotonic"): "reads a timer",
    ("datetime", "now"): "reads the wall clock",
    ("datetime", "utcnow"): "reads the wall clock",
    ("datetime", "today"): "reads the wall clock",
    ("date", "today"): "reads the wall clock",
    ("uuid", "uuid1"): "makes a random id",
    ("uuid", "uuid4"): "makes a random id",
    ("os", "urandom"): "draws unseeded randomness",
    ("os", "getenv"): "reads the process environment",
    ("os", "environ"): "reads the process environment",
}
_RANDOM_FUNCTIONS = {
    "random",
    "randint",
    "choice",
    "choices",
    "shuffle",
    "sample",
    "uniform",
    "randrange",
    "gauss",
    "seed",
}
_FORBIDDEN_MODULES = {
    "socket",
    "requests",
    "urllib",
    "http",
    "httpx",
    "aiohttp",
    "subprocess",
    "secrets",
    "ftplib",
    "smtplib",
}


def _dotted(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return list(reversed(parts))


def lint_tool_source(function: Callable[..., Any]) -> list[str]:
    """Reasons a tool's source is not deterministic or not self-contained (empty when clean)."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in _FORBIDDEN_MODULES:
                    problems.append(f"line {node.lineno}: imports {name}, which reaches outside the episode")
        elif isinstance(node, (ast.Call, ast.Attribute)):
            target = node.func if isinstance(node, ast.Call) else node
            parts = _dotted(target)
            if len(parts) >= 2:
                pair = (parts[-2], parts[-1])
                if pair in _FORBIDDEN_CALLS:
                    problems.append(f"line {node.lineno}: {'.'.join(parts)} {_FORBIDDEN_CALLS[pair]}")
                elif parts[0] == "random" and len(parts) == 2 and parts[1] in _RANDOM_FUNCTIONS:
                    problems.append(f"line {node.lineno}: {'.'.join(parts)} draws from the global RNG; use ctx.rng")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                problems.append(f"line {node.lineno}: open() reads or writes files outside the episode")
    return sorted(set(problems))


def plan_calls(environment: Environment, rng: random.Random, state: Any, count: int) -> CallPlan:
    """A random mix of valid calls (most hitting existing rows) and invalid ones."""
    generator = ArgumentGenerator(environment)
    tools = list(environment.spec.tools)
    plan: CallPlan = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.04:
            plan.append(("no_such_tool_" + str(rng.randint(1, 99)), {}))
            continue
        tool = rng.choice(tools)
        arguments = generator.invalid(tool, rng, state) if roll < 0.3 else generator.valid(tool, rng, state)
        plan.append((tool.name, arguments))
    return plan


def run_plan(environment: Environment, plan: CallPlan, *, seed: int) -> tuple[list[ToolResult], list[str]]:
    """Run ``plan`` on a fresh episode; return each result and the state hash after each call."""
    with environment.episode(seed=seed) as episode:
        results: list[ToolResult] = []
        hashes: list[str] = []
        for tool, arguments in plan:
            results.append(episode.call(tool, arguments))
            hashes.append(episode.state_hash())
        return results, hashes


def _result_text(result: ToolResult) -> str:
    return canonical_json(result.as_payload())


class _Findings:
    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, check: str, detail: str) -> None:
        self.items.setdefault(check, []).append(detail)

    def check(self, name: str, ok_detail: str = "") -> Check:
        found = self.items.get(name, [])
        if not found:
            return Check(name=name, passed=True, detail=ok_detail)
        shown = "; ".join(found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        return Check(name=name, passed=False, detail=shown + more)


@functools.lru_cache(maxsize=4096)
def _schema_error(schema_json: str) -> str | None:
    """Why a schema (as canonical JSON) is not valid JSON Schema, or None; cached by content.

    Checking against the metaschema costs about a millisecond a schema, and the same schemas
    come back in every check of an environment (and across environments built from one spec).
    """
    try:
        Draft202012Validator.check_schema(json.loads(schema_json))
    except SchemaError as error:
        return str(error.message)
    return None


def _check_schemas(environment: Environment, findings: _Findings) -> None:
    for tool in environment.spec.tools:
        for label, schema in (("input", tool.input_schema), ("output", tool.output_schema)):
            if schema is None:
                continue
            message = _schema_error(canonical_json(schema))
            if message is not None:
                findings.add("schemas", f"{tool.name}: {label} schema is not valid JSON Schema: {message}")
        if not tool.description.strip():
            findings.add("schemas", f"{tool.name}: no description")
        for name, schema in tool.parameters.items():
            if not isinstance(schema, dict) or not str(schema.get("description", "")).strip():
                findings.add("schemas", f"{tool.name}: argument {name!r} has no description")


def _check_seeds(environment: Environment, seeds: Sequence[int], findings: _Findings) -> dict[int, str]:
    hashes: dict[int, str] = {}
    for seed in seeds:
        try:
            hashes[seed] = environment.template(seed=seed).state_hash
        except Exception as error:
            findings.add("seed_state", f"seed {seed}: the seed state does not load: {type(error).__name__}: {error}")
    if len(hashes) > 1 and len(set(hashes.values())) < len(hashes) and environment._seed_factory is not None:
        findings.add("seed_state", f"seeds {sorted(hashes)} give identical states; the seed factory ignores its RNG")
    return hashes


def _check_episode_run(
    environment: Environment,
    plan: CallPlan,
    seed: int,
    findings: _Findings,
    validators: dict[str, Draft202012Validator],
) -> None:
    tools = environment.tools
    with environment.episode(seed=seed) as episode, environment.episode(seed=seed) as bystander:
        initial = episode.state_hash()
        bystander_hash = bystander.state_hash()
        results: list[ToolResult] = []
        for tool, arguments in plan:
            before = episode.state_hash()
            result = episode.call(tool, arguments)
            after = episode.state_hash()
            results.append(result)
            shown = (
                f"{tool}({canonical_json(arguments)[:120] if isinstance(arguments, dict) else repr(arguments)[:60]})"
            )
            if not result.ok and result.error is not None and result.error.kind == "crash":
                findings.add(
                    "no_crash",
                    f"{shown} raised {result.error.message} "
                    "(raise ToolError to refuse a request; any other exception is a bug)",
                )
            if not result.ok and before != after:
                findings.add("atomic_failure", f"{shown} failed but changed the state")
            definition = tools.get(tool)
            if definition is not None and definition.spec.effect == "read" and before != after:
                findings.add("read_only", f"{shown} is a read tool but changed the state")
            if result.ok and tool in validators:
                errors = list(validators[tool].iter_errors(result.output))
                if errors:
                    where = "/".join(str(part) for part in errors[0].absolute_path) or "(root)"
                    findings.add(
                        "output_schema",
                        f"{shown} returned output violating its schema at {where}: {errors[0].message[:160]}",
                    )
        if bystander.state_hash() != bystander_hash:
            findings.add("isolation", "writes in one episode changed another episode's state")
        final_hash = episode.state_hash()
        episode.reset()
        if episode.state_hash() != initial:
            findings.add("reset", "reset() did not restore the initial state hash")
    replay_results, replay_hashes = run_plan(environment, plan, seed=seed)
    first_texts = [_result_text(result) for result in results]
    for index, (first, second) in enumerate(zip(first_texts, (_result_text(r) for r in replay_results), strict=True)):
        if first != second:
            tool = plan[index][0]
            findings.add(
                "replay",
                f"call {index} ({tool}) gave a different result on an identical replay: "
                f"{first[:100]} vs {second[:100]} "
                "(state kept outside the episode, the wall clock, or unseeded randomness)",
            )
            break
    else:
        if replay_hashes and replay_hashes[-1] != final_hash:
            findings.add("replay", "an identical replay ended in a different state")


def check_environment(
    environment: Environment,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    sequences: int = 8,
    calls_per_sequence: int = 12,
    seed: int = 0,
    plans: Sequence[CallPlan] | None = None,
) -> VerificationReport:
    """Run every conformance check on ``environment``; never raises for a failed check."""
    findings = _Findings()
    _check_schemas(environment, findings)
    for name, definition in environment.tools.items():
        for problem in lint_tool_source(definition.function):
            findings.add("determinism_lint", f"{name}: {problem}")
    hashes = _check_seeds(environment, seeds, findings)
    validators: dict[str, Draft202012Validator] = {}
    for tool in environment.spec.tools:
        if tool.output_schema is not None:
            try:
                validators[tool.name] = Draft202012Validator(tool.output_schema)
            except SchemaError:
                continue
    rng = random.Random(f"conformance:{environment.name}:{seed}")
    usable_seeds = [value for value in seeds if value in hashes] or [0]
    runs = list(plans) if plans is not None else []
    if plans is None:
        for index in range(sequences):
            state_seed = usable_seeds[index % len(usable_seeds)]
            state = environment.template(seed=state_seed).canonical_state()
            runs.append(plan_calls(environment, rng, state, calls_per_sequence))
    calls = 0
    for index, plan in enumerate(runs):
        state_seed = usable_seeds[index % len(usable_seeds)]
        try:
            _check_episode_run(environment, plan, state_seed, findings, validators)
        except Exception as error:  # the runtime itself must never crash on a tool
            findings.add("no_crash", f"the episode failed outside a tool call: {type(error).__name__}: {error}")
        calls += len(plan)
    checks = [
        findings.check("schemas", f"{len(environment.spec.tools)} tools with valid, described schemas"),
        findings.check("seed_state", f"seeds {list(hashes)} load and differ"),
        findings.check("determinism_lint", "no wall clock, unseeded randomness, network or file access in tool code"),
        findings.check("no_crash", f"{calls} random calls, none crashed"),
        findings.check("atomic_failure", "failed calls left the state unchanged"),
        findings.check("read_only", "read tools left the state unchanged"),
        findings.check("output_schema", f"outputs of {len(validators)} tools conform to their schemas"),
        findings.check("reset", "reset restored the initial state"),
        findings.check("isolation", "episodes never saw each other's writes"),
        findings.check("replay", "identical call sequences gave identical results and states"),
    ]
    return VerificationReport(subject=environment.name, verifier="core/conformance", checks=checks)
