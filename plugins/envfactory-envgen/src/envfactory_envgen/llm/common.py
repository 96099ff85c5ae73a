"""What the LLM stages of environment synthesis share: their prompts, and reading code out of answers.

Prompt templates are files in ``envfactory_envgen/llm/prompts`` with the header format of
:mod:`envfactory_core.synthesis.templates`; every call goes through the LLM client layer with a
``stage`` label (``envgen.builder``, ``envgen.scenarios``, ``envgen.reviser``), and an unusable answer
is asked again with the problem fed back (:mod:`envfactory_core.synthesis.exchange`).
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from importlib import resources

from envfactory_core.ids import JsonValue
from envfactory_core.models import EnvironmentSpec
from envfactory_core.synthesis.parsing import OutputProblem, answer_text, fenced_blocks, tagged
from envfactory_core.synthesis.tally import note_shape
from envfactory_core.synthesis.templates import PromptTemplate, parse_template

from ..sandbox.policy import ALLOWED_MODULES, check_source

__all__ = [
    "code_in",
    "example_module",
    "prompt",
    "reference",
    "spec_tools_json",
    "static_tool_names",
    "allowed_imports",
]

_PROMPTS = "envfactory_envgen.llm"
_FENCE = re.compile(r"^```(?:python|py)?\s*\n(.*?)\n```\s*$", re.DOTALL)


@cache
def prompt(name: str) -> PromptTemplate:
    """The template ``prompts/NAME.txt`` of this package."""
    text = resources.files(_PROMPTS).joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")
    return parse_template(name, text, source=f"envgen/llm/prompts/{name}.txt")


@cache
def reference(name: str) -> str:
    """A static prompt part (``sdk_reference``, ``scenario_format``)."""
    return resources.files(_PROMPTS).joinpath("prompts", f"{name}.md").read_text(encoding="utf-8").strip()


@cache
def example_module() -> str:
    """The shipped example environment, with the imports a generated module would write."""
    text = resources.files("envfactory_core.env.examples").joinpath("notes.py").read_text(encoding="utf-8")
    return text.replace("from ..env import", "from envfactory_core.env import").replace(
        "from ..models import", "from envfactory_core.models import"
    )


def allowed_imports() -> str:
    return ", ".join(sorted(ALLOWED_MODULES - {"__future__"}))


def spec_tools_json(spec: EnvironmentSpec) -> str:
    tools: list[dict[str, JsonValue]] = [
        {
            "name": tool.name,
            "effect": tool.effect,
            "description": tool.description,
            "input_schema": tool.input_schema,
            **({"output_schema": tool.output_schema} if tool.output_schema else {}),
        }
        for tool in spec.tools
    ]
    return json.dumps(tools, indent=1, ensure_ascii=False)


def code_in(text: str) -> str:
    """The module inside ``<tool_code>``, checked by the sandbox policy.

    Lenient in where the code is: the tag (a fence inside it removed), an unclosed tag, or, when
    there is no tag, the longest fenced ``python`` (or untagged) block; strict in what it is: it
    must parse and pass the policy.
    """
    try:
        code = tagged(text, "tool_code").strip()
    except OutputProblem:
        blocks = [body for language, body in fenced_blocks(answer_text(text)) if language in ("", "python", "py")]
        if not blocks:
            raise
        note_shape("fenced python instead of <tool_code>")
        code = max(blocks, key=len).strip()
    fenced = _FENCE.match(code)
    if fenced:
        code = fenced.group(1)
    problems = check_source(code, "tool_code")
    if problems:
        listed = "; ".join(str(problem) for problem in problems[:8])
        raise OutputProblem(f"the module breaks the sandbox rules: {listed}")
    return code + ("" if code.endswith("\n") else "\n")


def static_tool_names(code: str) -> tuple[set[str], str | None]:
    """Tool names the module registers and the environment's name, read from its AST (not run)."""
    tree = ast.parse(code)
    names: set[str] = set()
    environment_name: str | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == "Environment":
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    environment_name = str(keyword.value.value)
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "tool"
                ):
                    explicit = next(
                        (
                            k.value.value
                            for k in decorator.keywords
                            if k.arg == "name" and isinstance(k.value, ast.Constant)
                        ),
                        None,
                    )
                    names.add(str(explicit or node.name))
    return names, environment_name


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def check_tools(code: str, spec: EnvironmentSpec) -> None:
    """An :class:`OutputProblem` when the module misses a tool of the spec or names the environment wrongly."""
    names, environment_name = static_tool_names(code)
    missing = [tool.name for tool in spec.tools if tool.name not in names]
    problems: list[str] = []
    if missing:
        problems.append(f"these tools of the spec are missing: {', '.join(missing)}")
    if environment_name is not None and environment_name != spec.name:
        problems.append(f"the environment must be named {spec.name!r}, not {environment_name!r}")
    if problems:
        raise OutputProblem("; ".join(problems))


def state_tables(spec: EnvironmentSpec) -> str:
    if not spec.state_schema.tables:
        return "(none)"
    lines = []
    for table in spec.state_schema.tables:
        columns = ", ".join(f"{column.name}:{column.type}" for column in table.columns)
        lines.append(f"- {table.name} (key {', '.join(table.primary_key)}): {columns}")
    return "\n".join(lines)
