"""The template filters and globals every envfactory page uses, in datasette and in the report."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .charts import bar_chart

__all__ = ["JSON_LIMIT", "css_text", "ef_json", "ef_short", "report_environment", "setup_environment"]

PAGES_PACKAGE = "envfactory_datasette.datasette_plugin"
"""The package that holds the templates and the style sheet (datasette finds them beside its hooks)."""

JSON_LIMIT = 20_000
"""Characters of JSON shown in one block; a world state or a tool output can be far larger."""


def ef_json(value: Any, *, compact: bool = False, limit: int = JSON_LIMIT) -> str:
    """``value`` as JSON for reading: indented (or on one line), cut after ``limit`` characters.

    The text is encoded piece by piece and encoding stops at the limit, so showing the start of a
    large world state costs what the start costs.
    """
    if compact:
        encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    else:
        encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, indent=2)
    pieces: list[str] = []
    length = 0
    for piece in encoder.iterencode(value):
        pieces.append(piece)
        length += len(piece)
        if length > limit:
            return "".join(pieces)[:limit] + "\n… (cut here)"
    return "".join(pieces)


def ef_short(value: Any) -> str:
    """A content id shortened for reading (``sha256:1a2b3c4d5e6f``); anything else as it is."""
    text = str(value)
    algorithm, sep, digest = text.partition(":")
    if sep and len(digest) > 16 and algorithm.isalnum():
        return f"{algorithm}:{digest[:12]}"
    return text


def setup_environment(environment: Environment) -> Environment:
    environment.filters["ef_json"] = ef_json
    environment.filters["ef_short"] = ef_short
    environment.globals["bar_chart"] = bar_chart
    return environment


def report_environment() -> Environment:
    """A Jinja environment over this package's templates, for pages written without datasette."""
    loader = PackageLoader(PAGES_PACKAGE, "templates")
    environment = Environment(loader=loader, autoescape=select_autoescape(default=True))
    return setup_environment(environment)


def css_text() -> str:
    """The pages' style sheet, for the report to inline."""
    return resources.files(PAGES_PACKAGE).joinpath("static", "envfactory.css").read_text(encoding="utf-8")
