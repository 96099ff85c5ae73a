"""The spec-level loaders (metadata JSON, Python sketches, saved MCP listings) and envgen/crud on their specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envfactory_envgen.build import run_build
from envfactory_envgen.loaders import McpListingSpecLoader, MetadataLoader, SketchLoader, resolve_loader_name
from envfactory_testing import ScriptedLLM

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.registry import Registry

from .conftest import envgen_plugin_manager

DATA = Path(__file__).parent / "data"

SKETCH = '''\
# Server name: Library Desk
# Data source: https://openlibrary.org/developers/api
# Category: academia
"""A library's loan desk: books and loans."""

from typing import Literal, Optional


def create_book(title: str, author: str, genre: Literal["fiction", "science", "history"] = "fiction",
                copies: int = 1) -> dict:
    """Add a book to the catalogue.

    Args:
        title: The book's title.
        author: Who wrote it.
        genre: [Optional] Shelf section.
        copies: How many copies the library owns.
    """
    pass


def get_book(book_id: str) -> dict:
    """Look up a book.

    Args:
        book_id: The book's id.
    """
    pass


def list_books(genre: Optional[str] = None, tags: list[str] | None = None) -> list:
    """All books, optionally of one genre.

    Args:
        genre: Only this genre.
        tags: Only books with these tags.
    """
    pass


def delete_book(book_id: str) -> dict:
    """Remove a book from the catalogue.

    Args:
        book_id: The book's id.
    """
    pass


def recommend(reader: str) -> str:
    """Suggest a book to a reader.

    Args:
        reader: Who asks.
    """
    pass


def _private_helper() -> None:
    pass
'''


def test_the_sketch_is_read_with_ast_and_never_run(tmp_path: Path) -> None:
    path = tmp_path / "library_sketch.py"
    marker = tmp_path / "ran"
    path.write_text(SKETCH + f"\nopen({str(marker)!r}, 'w').write('imported!')\n", encoding="utf-8")
    result = SketchLoader().load(str(path))
    assert not marker.exists()  # never imported or executed
    spec = result.specs[0]
    assert spec.name == "library_desk"
    assert spec.domain == "academia"
    assert spec.provenance.url == "https://openlibrary.org/developers/api"
    tools = {tool.name: tool for tool in spec.tools}
    assert set(tools) == {"create_book", "get_book", "list_books", "delete_book", "recommend"}
    create = tools["create_book"]
    assert create.required == ("title", "author")  # defaults and [Optional] markers make arguments optional
    assert create.parameters["genre"] == {
        "type": "string",
        "enum": ["fiction", "science", "history"],
        "description": "Shelf section.",
        "default": "fiction",
    }
    assert create.effect == "write"
    assert tools["get_book"].effect == "read"
    assert tools["list_books"].parameters["tags"]["type"] == "array"
    assert tools["recommend"].output_schema == {"type": "object", "properties": {"result": {"type": "string"}}}
    assert resolve_loader_name(str(path)) == "envgen/sketch"


def test_core_crud_builds_the_sketch_and_leaves_out_what_has_no_stored_meaning(tmp_path: Path) -> None:
    path = tmp_path / "library_sketch.py"
    path.write_text(SKETCH, encoding="utf-8")
    summary = run_build([str(path)], registry=Registry(envgen_plugin_manager()))
    outcome = summary.outcomes[0]
    assert outcome.status == "verified", outcome.reason
    assert {item.operation.split(" (")[-1].rstrip(")") for item in outcome.skipped} == {"recommend"}
    assert outcome.tools == 4
    assert outcome.scenarios >= 3


def test_metadata_json_gives_a_spec_with_the_reference_shape() -> None:
    result = MetadataLoader().load(str(DATA / "taskboard_metadata.json"))
    spec = result.specs[0]
    assert spec.name == "task_board"
    assert spec.trusted is False
    assert [tool.name for tool in spec.tools] == ["create_task", "get_task", "complete_task"]
    assert result.resources[0].kind == "metadata"
    assert resolve_loader_name(str(DATA / "taskboard_metadata.json")) == "envgen/metadata"


LISTING_TOOLS: list[dict[str, Any]] = [
    {
        "name": "create-ticket",
        "description": "Open a support ticket.",
        "inputSchema": {
            "type": "object",
            "properties": {"subject": {"type": "string"}, "priority": {"type": "string", "enum": ["low", "high"]}},
            "required": ["subject"],
        },
    },
    {
        "name": "get_ticket",
        "description": "Read a ticket.",
        "inputSchema": {"type": "object", "properties": {"ticket_id": {"type": "string"}}, "required": ["ticket_id"]},
        "annotations": {"readOnlyHint": True},
    },
    {"name": "list_tickets", "description": "All tickets.", "inputSchema": {"type": "object", "properties": {}}},
    {
        "name": "escalate",
        "description": "Page the on-call engineer.",
        "inputSchema": {"type": "object", "properties": {"ticket_id": {"type": "string"}}},
        "annotations": {"readOnlyHint": False},
    },
]


@pytest.mark.parametrize(
    "shape",
    [
        {
            "format": "envfactory/mcp_listing@1",
            "source": "stdio:helpdesk",
            "server": {"name": "helpdesk"},
            "protocolVersion": "2025-06-18",
            "tools": LISTING_TOOLS,
        },
        {"tools": LISTING_TOOLS},
        {"jsonrpc": "2.0", "id": 1, "result": {"tools": LISTING_TOOLS}},
    ],
)
def test_saved_mcp_listings_in_every_shape(tmp_path: Path, shape: dict[str, Any]) -> None:
    path = tmp_path / "helpdesk.json"
    path.write_text(json.dumps(shape), encoding="utf-8")
    assert resolve_loader_name(str(path)) == "envgen/mcp_listing"
    spec = McpListingSpecLoader().load(str(path)).specs[0]
    assert spec.name == "helpdesk"
    tools = {tool.name: tool for tool in spec.tools}
    assert "create_ticket" in tools
    assert "MCP name: create-ticket" in tools["create_ticket"].description
    assert tools["get_ticket"].effect == "read"
    assert tools["escalate"].effect == "write"
    assert tools["create_ticket"].parameters["subject"]["description"]  # described for the conformance kit


def test_core_crud_builds_an_mcp_listing(tmp_path: Path) -> None:
    path = tmp_path / "helpdesk.json"
    path.write_text(json.dumps({"tools": LISTING_TOOLS}), encoding="utf-8")
    outcome = run_build([str(path)], registry=Registry(envgen_plugin_manager())).outcomes[0]
    assert outcome.status == "verified", outcome.reason
    assert [item.operation for item in outcome.skipped] == ["POST /escalate (escalate)"]


def test_the_cli_runs_the_llm_builder_against_the_fake_backend(tmp_path: Path, fake_llm: ScriptedLLM) -> None:
    code = (DATA / "taskboard_module.py.txt").read_text(encoding="utf-8")
    fake_llm.reply(f"<tool_code>\n{code}</tool_code>")
    fake_llm.reply(f"<scenarios>{(DATA / 'taskboard_scenarios.json').read_text()}</scenarios>")
    cli = build_cli(App(envgen_plugin_manager()))
    result = CliRunner().invoke(
        cli,
        [
            "envgen",
            "build",
            str(DATA / "taskboard_metadata.json"),
            "--builder",
            "envgen/llm_builder",
            "--model",
            "fake/coder",
            "--out",
            str(tmp_path / "run"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verified"] == 1
    assert data["environments"][0]["builder"] == "envgen/llm_builder"
    usage = CliRunner().invoke(cli, ["llm", "usage", str(tmp_path / "run"), "--json"])
    assert usage.exit_code == 0, usage.output
    assert "envgen.builder" in usage.stdout
    assert "envgen.scenarios" in usage.stdout
