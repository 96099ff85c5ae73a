"""Prompt templates: text files with a small header, rendered with ``$variable`` substitution.

Every prompt an LLM component sends lives in ``envfactory_core/synthesis/prompts/NAME.txt``, so
prompts can be read, reviewed and replaced without touching code. A file starts with a header
between ``---`` lines, then the body::

    ---
    component: llm/story
    description: The story writer's instructions.
    variables:
      tools: What the person will do, one line per tool, without tool names.
    ---
    Write a story about someone who needs to:
    $tools

The body uses :class:`string.Template` syntax (``$name`` or ``${name}``; ``$$`` is a dollar
sign). The header must declare exactly the variables the body uses, each with what it holds, and
rendering must be given exactly those: a missing or unknown variable is an error, never a silently
empty prompt. ``docs/reference/prompts.md`` is generated from these headers
(``envfactory docs prompts``).

A component's ``prompts`` option names a folder of replacement files with the same names; a file
found there is used instead of the shipped one (it must declare the same variables).
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ..errors import ConfigError, Problem
from ..ids import content_id

__all__ = ["PromptTemplate", "load_template", "parse_template", "shipped_templates", "template_names"]

SUFFIX = ".txt"


@attrs.frozen(kw_only=True)
class PromptTemplate:
    """One prompt: its name, the component using it, what it is for, its variables and its body."""

    name: str
    component: str
    description: str
    variables: dict[str, str] = attrs.field(factory=dict, hash=False)
    body: str = ""
    source: str = ""

    @property
    def content_id(self) -> str:
        """Changes whenever the prompt's text does (part of cache keys and graph ids)."""
        return content_id({"name": self.name, "body": self.body})

    def render(self, **values: Any) -> str:
        """The body with ``values`` substituted; every declared variable must be given, no other."""
        missing = sorted(set(self.variables) - set(values))
        unknown = sorted(set(values) - set(self.variables))
        if missing or unknown:
            problems = [Problem(location=f"{self.name}.{name}", message="not given") for name in missing]
            problems += [
                Problem(location=f"{self.name}.{name}", message="not a variable of this prompt") for name in unknown
            ]
            raise ConfigError(f"cannot render prompt {self.name!r}", problems)
        return string.Template(self.body).substitute({key: str(value) for key, value in values.items()}).strip()


def _header_problems(header: dict[str, Any], body: str, source: str) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    for key in sorted(set(header) - {"component", "description", "variables"}):
        problems.append(
            Problem(
                location=f"{source}: {key}", message="unknown header key", fix="use component, description, variables"
            )
        )
    for key in ("component", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            problems.append(Problem(location=f"{source}: {key}", message="missing or not text"))
    variables: dict[str, str] = header.get("variables") or {}
    for key, value in variables.items():
        if not value:
            problems.append(Problem(location=f"{source}: variables.{key}", message="say what the variable holds"))
    template = string.Template(body)
    if not template.is_valid():
        problems.append(
            Problem(location=source, message="the body has a bad $placeholder", fix="write $$ for a dollar sign")
        )
        used: set[str] = set()
    else:
        used = set(template.get_identifiers())
    for variable in sorted(used - set(variables)):
        problems.append(Problem(location=f"{source}: ${variable}", message="used in the body but not declared"))
    for variable in sorted(set(variables) - used):
        problems.append(Problem(location=f"{source}: variables.{variable}", message="declared but not used"))
    values = {
        "component": header.get("component", ""),
        "description": header.get("description", ""),
        "variables": dict(variables),
    }
    return values, problems


def _read_header(lines: list[str], source: str) -> tuple[dict[str, Any], list[Problem]]:
    """``key: value`` lines; under ``variables:``, indented ``name: what it holds`` lines.

    Deliberately not YAML: descriptions are prose and may hold colons, braces and quotes.
    """
    header: dict[str, Any] = {}
    problems: list[Problem] = []
    variables: dict[str, str] | None = None
    for number, raw in enumerate(lines, start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, colon, value = raw.strip().partition(":")
        if not colon or not key.strip():
            problems.append(Problem(location=f"{source}:{number}", message="expected `key: value`"))
            continue
        if raw[:1].isspace():
            if variables is None:
                problems.append(Problem(location=f"{source}:{number}", message="indented line outside `variables:`"))
            else:
                variables[key.strip()] = value.strip()
            continue
        variables = None
        if key.strip() == "variables":
            variables = header["variables"] = {}
            if value.strip() not in ("", "{}"):
                problems.append(Problem(location=f"{source}:{number}", message="list variables on indented lines"))
            continue
        header[key.strip()] = value.strip()
    return header, problems


def parse_template(name: str, text: str, *, source: str = "") -> PromptTemplate:
    """Read a template file's text; :class:`ConfigError` lists every problem with its header or body."""
    source = source or name
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ConfigError(
            f"prompt template {source} has no header",
            [Problem(location=source, message="must start with a --- line", fix="add the header between --- lines")],
        )
    try:
        end = next(index for index in range(1, len(lines)) if lines[index].strip() == "---")
    except StopIteration:
        raise ConfigError(
            f"prompt template {source} has no end of header",
            [Problem(location=source, message="the header is not closed", fix="close it with a --- line")],
        ) from None
    header, header_problems = _read_header(lines[1:end], source)
    if header_problems:
        raise ConfigError(f"prompt template {source} has a bad header", header_problems)
    body = "".join(lines[end + 1 :]).strip("\n")
    values, problems = _header_problems(header, body, source)
    if problems:
        raise ConfigError(f"prompt template {source} is inconsistent", problems)
    return PromptTemplate(name=name, body=body, source=source, **values)


def template_names() -> tuple[str, ...]:
    """The names of the shipped templates, sorted."""
    folder = resources.files("envfactory_core.synthesis").joinpath("prompts")
    return tuple(sorted(entry.name[: -len(SUFFIX)] for entry in folder.iterdir() if entry.name.endswith(SUFFIX)))


@cache
def _shipped(name: str) -> PromptTemplate:
    resource = resources.files("envfactory_core.synthesis").joinpath("prompts", name + SUFFIX)
    if not resource.is_file():
        raise ConfigError(
            f"no prompt template {name!r}",
            [Problem(location=name, message="not shipped", fix=f"one of: {', '.join(template_names())}")],
        )
    return parse_template(name, resource.read_text(encoding="utf-8"), source=f"prompts/{name}{SUFFIX}")


def shipped_templates() -> tuple[PromptTemplate, ...]:
    """Every shipped template, by name."""
    return tuple(_shipped(name) for name in template_names())


@cache
def _override(name: str, folder: str) -> PromptTemplate | None:
    path = Path(folder).expanduser() / (name + SUFFIX)
    if not path.is_file():
        return None
    template = parse_template(name, path.read_text(encoding="utf-8"), source=str(path))
    shipped = _shipped(name)
    if set(template.variables) != set(shipped.variables):
        raise ConfigError(
            f"prompt template {path} does not fit {name!r}",
            [
                Problem(
                    location=str(path),
                    message=f"declares variables {sorted(template.variables)}",
                    fix=f"declare exactly {sorted(shipped.variables)} (see docs/reference/prompts.md)",
                )
            ],
        )
    return template


def load_template(name: str, folder: str = "") -> PromptTemplate:
    """The template ``name``: from ``folder`` when it holds a replacement, else the shipped one."""
    if folder:
        replaced = _override(name, folder)
        if replaced is not None:
            return replaced
    return _shipped(name)
