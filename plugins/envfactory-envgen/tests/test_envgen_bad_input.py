"""Bad input gives a clear error naming the file and the place in it, never a traceback."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from envfactory_envgen.errors import SourceError
from envfactory_envgen.loaders import McpListingSpecLoader, MetadataLoader, OpenApiLoader, SketchLoader

from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App

from .conftest import envgen_plugin_manager


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def _error(loader: object, source: str) -> str:
    with pytest.raises(SourceError) as caught:
        loader.load(source)  # type: ignore[attr-defined]
    return str(caught.value)


def test_malformed_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "broken.yaml",
        """
        openapi: 3.0.0
        info:
          title: Broken
          version: "1"
        paths:
          /pets:
            get:
              responses: {200: {description: ok
        """,
    )
    message = _error(OpenApiLoader(), source)
    assert "not valid YAML" in message
    assert f"{source}:9:" in message or f"{source}:8:" in message


def test_malformed_json_names_file_line_and_column(tmp_path: Path) -> None:
    source = _write(tmp_path, "broken.json", '{"openapi": "3.0.0",\n "paths": {,}}\n')
    message = _error(OpenApiLoader(), source)
    assert f"{source}:2:" in message
    assert "not valid JSON" in message


def test_structural_problems_are_listed_together_with_their_lines(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "structure.yaml",
        """
        openapi: 3.0.0
        info: {title: Structure, version: "1"}
        paths:
          /pets/{id}:
            get:
              parameters:
                - name: limit
                  in: body-ish
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Nope"}
          /owners: 42
        """,
    )
    message = _error(OpenApiLoader(), source)
    assert "problems" in message  # several at once
    assert f"{source}:8:" in message
    assert "in: body-ish" in message
    assert "$ref '#/components/schemas/Nope' points at nothing" in message
    assert f"{source}:14:" in message
    assert f"{source}:5:" in message
    assert "{id} of /pets/{id} is not declared" in message
    assert f"{source}:15:" in message
    assert "must be a mapping" in message


def test_a_ref_cycle_is_an_error_naming_the_cycle_and_its_line(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "cycle.yaml",
        """
        openapi: 3.0.0
        info: {title: Cycle, version: "1"}
        paths:
          /pets:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/A"}
        components:
          schemas:
            A: {$ref: "#/components/schemas/B"}
            B: {$ref: "#/components/schemas/A"}
        """,
    )
    message = _error(OpenApiLoader(), source)
    assert "$ref cycle" in message
    assert "#/components/schemas/A" in message
    assert "#/components/schemas/B" in message
    assert f"{source}:15:" in message or f"{source}:14:" in message


def test_a_schema_that_contains_itself_is_cut_and_noted_not_an_error(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "tree.yaml",
        """
        openapi: 3.0.0
        info: {title: Tree, version: "1"}
        paths:
          /nodes:
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/Node"}
              responses:
                "201":
                  description: created
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Node"}
        components:
          schemas:
            Node:
              type: object
              properties:
                id: {type: string}
                child: {$ref: "#/components/schemas/Node"}
        """,
    )
    result = OpenApiLoader().load(source)
    assert result.specs
    assert "create_node" in {tool.name for tool in result.specs[0].tools}
    assert any("contains itself" in note for note in result.details["notes"])


def test_a_sketch_with_a_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "sketch.py",
        '''
        def get_weather(city: str) -> dict:
            """The weather in a city."""
            pass

        def broken(city: str -> dict:
            pass
        ''',
    )
    message = _error(SketchLoader(), source)
    assert f"{source}:5:" in message
    assert "syntax error" in message


@pytest.mark.parametrize(
    ("name", "loader"),
    [
        ("empty.yaml", OpenApiLoader()),
        ("empty.json", MetadataLoader()),
        ("empty.py", SketchLoader()),
        ("listing.json", McpListingSpecLoader()),
    ],
)
def test_an_empty_document_is_an_error_at_line_one(tmp_path: Path, name: str, loader: object) -> None:
    source = _write(tmp_path, name, "\n   \n")
    message = _error(loader, source)
    assert f"{source}:1:1" in message
    assert "empty" in message


def test_a_yaml_file_of_only_comments_is_empty(tmp_path: Path) -> None:
    source = _write(tmp_path, "comments.yaml", "# nothing here\n# at all\n")
    assert "empty" in _error(OpenApiLoader(), source)


def test_a_document_that_is_not_openapi_says_what_is_missing(tmp_path: Path) -> None:
    source = _write(tmp_path, "other.yaml", "title: not an api\nitems: [1, 2]\n")
    message = _error(OpenApiLoader(), source)
    assert "neither an `openapi` nor a `swagger` field" in message
    assert f"{source}:1:1" in message


def test_bad_metadata_and_listing_fields_name_their_place(tmp_path: Path) -> None:
    metadata = _write(
        tmp_path,
        "meta.json",
        json.dumps(
            {"class_name": "X", "tools": [{"name": "get_x", "input_schema": {"type": "array"}}, {"name": ""}]}, indent=1
        ),
    )
    message = _error(MetadataLoader(), metadata)
    assert "tools[0].input_schema.type" in message
    assert "tools[1].name" in message
    listing = _write(tmp_path, "listing.json", json.dumps({"tools": [{"name": "ok", "inputSchema": []}]}, indent=1))
    message = _error(McpListingSpecLoader(), listing)
    assert "tools[0].inputSchema" in message
    assert f"{listing}:" in message


def test_the_cli_reports_bad_input_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.yaml", "")
    broken = _write(tmp_path, "broken.py", "def f(:\n    pass\n")
    runner = CliRunner()
    cli = build_cli(App(envgen_plugin_manager()))
    result = runner.invoke(cli, ["envgen", "build", empty, broken])
    assert result.exit_code == 2, result.output
    assert f"{empty}:1:1" in result.output
    assert f"{broken}:1:" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(cli, ["envgen", "build", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
