"""Documents as the real world writes them: minified JSON, Swagger 2.0, NaN, alias bombs, action-style
APIs (X-Amz-Target, ``POST /things.create``, verb paths, ``:action`` custom methods), POSTs that only
read, read-only APIs, lookups and singletons, ids that follow their field's schema, descriptions that
look like code, every left-out operation with a reason, and build time linear in operations.
"""

from __future__ import annotations

import gc
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from envfactory_envgen.build import run_build
from envfactory_envgen.crud.analysis import analyse_api
from envfactory_envgen.crud.builder import CrudBuilder
from envfactory_envgen.errors import SourceError
from envfactory_envgen.loaders import OpenApiLoader
from envfactory_envgen.loaders.openapi import load_api
from envfactory_envgen.loaders.sniff import resolve_loader_name

from envfactory_core.registry import Registry

from .conftest import envgen_plugin_manager


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _document(paths: dict[str, Any], schemas: dict[str, Any] | None = None, title: str = "Sample") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def _write(tmp_path: Path, name: str, document: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")  # minified, one line
    return str(path)


def _tools(source: str) -> dict[str, Any]:
    _, api = load_api(source)
    plan = analyse_api(api, "sample")
    assert all(item.reason.strip() for item in plan.skipped), "every left-out operation has a reason"
    return {tool.name: tool for tool in plan.tools}


def _build(source: str) -> Any:
    summary = run_build([source], registry=Registry(envgen_plugin_manager()), max_revisions=0, trusted=True)
    (outcome,) = summary.outcomes
    assert outcome.status == "verified", outcome.reason
    return outcome


TRAIL = {
    "type": "object",
    "properties": {
        "Name": {"type": "string"},
        "S3BucketName": {"type": "string"},
        "Status": {"type": "string", "enum": ["RUNNING", "STOPPED"]},
    },
}


def _amz(action: str, body: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    return {
        f"/#X-Amz-Target=CloudTrail_20131101.{action}": {
            "post": {"operationId": action, "requestBody": _body(body), "responses": _ok(response)}
        }
    }


def test_minified_json_and_swagger_2_are_recognised_by_their_parsed_top_level(tmp_path: Path) -> None:
    openapi = _write(tmp_path, "api.json", _document({}))
    swagger = tmp_path / "swagger.json"
    swagger.write_text('{"info":{"title":"S","version":"1"},"swagger":"2.0","paths":{}}', encoding="utf-8")
    other = _write(tmp_path, "other.json", {"name": "not an API", "version": 1})
    assert resolve_loader_name(openapi) == "envgen/openapi"
    assert resolve_loader_name(str(swagger)) == "envgen/openapi"
    assert OpenApiLoader().can_load(openapi)
    assert OpenApiLoader().can_load(str(swagger))
    assert resolve_loader_name(other) is None


def test_nan_in_a_json_document_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"openapi":"3.0.3","info":{"title":"x","version":"1"},\n"paths":{},"x-ratio":NaN}', "utf-8")
    with pytest.raises(SourceError) as raised:
        load_api(str(path))
    text = str(raised.value) + " ".join(problem.message + problem.fix for problem in raised.value.problems)
    assert "NaN is not a JSON number" in text
    assert "null" in text
    assert any(":2" in problem.location for problem in raised.value.problems)


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["openapi: 3.0.3", "info: {title: bomb, version: '1'}", "paths: {}", 'a0: &a0 ["x", "x", "x", "x"]']
    for level in range(1, 12):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 8)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(SourceError) as raised:
        load_api(str(path))
    assert time.perf_counter() - started < 30
    assert "YAML aliases" in " ".join(problem.message for problem in raised.value.problems)


def test_aws_x_amz_target_actions_map_onto_a_resource_and_a_state_transition(tmp_path: Path) -> None:
    paths: dict[str, Any] = {}
    name = {"type": "object", "required": ["Name"], "properties": {"Name": {"type": "string"}}}
    paths |= _amz("CreateTrail", TRAIL, TRAIL)
    paths |= _amz("GetTrail", name, {"type": "object", "properties": {"Trail": TRAIL}})
    paths |= _amz(
        "ListTrails",
        {"type": "object", "properties": {"NextToken": {"type": "string"}}},
        {
            "type": "object",
            "properties": {"Trails": {"type": "array", "items": TRAIL}, "NextToken": {"type": "string"}},
        },
    )
    paths |= _amz("UpdateTrail", TRAIL | {"required": ["Name"]}, TRAIL)
    paths |= _amz("DeleteTrail", name, {"type": "object"})
    paths |= _amz("StopTrail", name, {"type": "object"})
    source = _write(tmp_path, "cloudtrail.json", _document(paths))
    tools = _tools(source)
    kinds = {tool.kind for tool in tools.values()}
    assert kinds == {"create", "get", "list", "update", "delete"}, sorted(tools)
    stop = next(tool for tool in tools.values() if tool.operation.endswith("(StopTrail)"))
    assert dict(stop.sets) == {"status": "STOPPED"}
    assert stop.effect == "write"
    assert _build(source).tools == len(tools)


def test_dotted_families_verb_paths_custom_methods_and_posts_that_read(tmp_path: Path) -> None:
    document = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "title": {"type": "string"},
            "state": {"type": "string", "enum": ["active", "archived"]},
        },
    }
    run = {"$ref": "#/components/schemas/Run"}
    run_schema = {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}}
    page = {"type": "object", "properties": {"data": {"type": "array", "items": document}}}
    paths = {
        "/documents.create": {
            "post": {"operationId": "documentsCreate", "requestBody": _body(document), "responses": _ok(document)}
        },
        "/documents.list": {"post": {"operationId": "documentsList", "responses": _ok(page)}},
        "/documents.delete": {
            "post": {
                "operationId": "documentsDelete",
                "requestBody": _body({"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}),
                "responses": _ok({"type": "object"}),
            }
        },
        "/runs": {"get": {"operationId": "listRuns", "responses": _ok({"type": "array", "items": run})}},
        "/runs/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": "getRun", "responses": _ok(run)},
        },
        "/runs/{id}:cancel": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {"operationId": "cancelRun", "responses": _ok(run)},
        },
        "/runs/search": {
            "post": {
                "operationId": "searchRuns",
                "requestBody": _body({"type": "object", "properties": {"status": {"type": "string"}}}),
                "responses": _ok({"type": "array", "items": run}),
            }
        },
        "/CreateLink": {
            "post": {
                "operationId": "CreateLink",
                "requestBody": _body({"type": "object", "properties": {"Label": {"type": "string"}}}),
                "responses": _ok(
                    {"type": "object", "properties": {"Id": {"type": "string"}, "Label": {"type": "string"}}}
                ),
            }
        },
    }
    source = _write(tmp_path, "docs.json", _document(paths, {"Run": run_schema}))
    tools = _tools(source)
    by_operation = {tool.operation.rsplit("(", 1)[-1].rstrip(")"): tool for tool in tools.values()}
    assert by_operation["documentsCreate"].kind == "create"
    assert by_operation["documentsList"].kind == "list"
    assert by_operation["documentsList"].effect == "read"
    assert by_operation["documentsDelete"].kind == "delete"
    assert dict(by_operation["cancelRun"].sets) == {"status": "cancelled"}
    assert by_operation["searchRuns"].effect == "read"
    assert by_operation["CreateLink"].kind == "create"
    _build(source)


def test_a_read_only_api_with_lookups_and_a_singleton_is_a_read_only_environment(tmp_path: Path) -> None:
    city = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    weather = {"type": "object", "properties": {"city": {"type": "string"}, "celsius": {"type": "number"}}}
    status = {"type": "object", "properties": {"version": {"type": "string"}, "healthy": {"type": "boolean"}}}
    paths = {
        "/cities": {"get": {"operationId": "listCities", "responses": _ok({"type": "array", "items": city})}},
        "/cities/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {"operationId": "getCity", "responses": _ok(city)},
        },
        "/weather": {
            "get": {
                "operationId": "getWeather",
                "parameters": [{"name": "city", "in": "query", "required": True, "schema": {"type": "string"}}],
                "responses": _ok(weather),
            }
        },
        "/status": {"get": {"operationId": "getStatus", "responses": _ok(status)}},
    }
    source = _write(tmp_path, "read_only.json", _document(paths))
    tools = _tools(source)
    assert len(tools) == 4
    assert {tool.effect for tool in tools.values()} == {"read"}
    assert _build(source).write_tools == 0


def test_ids_an_environment_mints_follow_the_schema_of_their_field(tmp_path: Path) -> None:
    item = {
        "type": "object",
        "properties": {"id": {"type": "string", "format": "uuid", "readOnly": True}, "title": {"type": "string"}},
    }
    code = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}}}
    key = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
    paths = {
        "/items": {
            "get": {"operationId": "listItems", "responses": _ok({"type": "array", "items": item})},
            "post": {"operationId": "createItem", "requestBody": _body(item), "responses": _ok(item)},
        },
        "/items/{id}": {"parameters": [key], "get": {"operationId": "getItem", "responses": _ok(item)}},
        "/codes": {
            "get": {"operationId": "listCodes", "responses": _ok({"type": "array", "items": code})},
            "post": {"operationId": "createCode", "requestBody": _body(code), "responses": _ok(code)},
        },
    }
    source = _write(tmp_path, "ids.json", _document(paths))
    _build(source)
    loaded = OpenApiLoader().load(source)
    generated = CrudBuilder().build(loaded.specs[0], loaded.resources)
    from envfactory_envgen.modules import load_environment

    environment = load_environment(generated.code, name=generated.name, trusted=True)
    episode = environment.episode(seed=3)
    for row in episode.state().get("items", {}).values():
        uuid.UUID(row["id"])  # seeded ids are uuids
    created = episode.call("create_item", {"title": "new"})
    assert created.ok, created
    uuid.UUID(created.output["id"])  # and so is the one the create mints


def test_descriptions_that_look_like_code_never_fail_the_policy_check(tmp_path: Path) -> None:
    tricky = 'Uses __import__("os").system and __class__.__subclasses__(); also """ and \\ and {{x}}'
    item = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "__x__": {"type": "string", "description": tricky}},
    }
    paths = {
        "/things": {
            "get": {
                "operationId": "listThings",
                "description": tricky,
                "responses": _ok({"type": "array", "items": item}),
            },
            "post": {
                "operationId": "createThing",
                "summary": "__x__",
                "requestBody": _body(item),
                "responses": _ok(item),
            },
        }
    }
    document = _document(paths, title="__x__ " + tricky)
    document["info"]["description"] = tricky
    _build(_write(tmp_path, "tricky.json", document))


def _crud_document(resources: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index in range(resources):
        thing = {
            "type": "object",
            "required": ["title"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "title": {"type": "string"},
                "n": {"type": "integer"},
            },
        }
        key = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        paths[f"/things{index}"] = {
            "get": {"operationId": f"list{index}", "responses": _ok({"type": "array", "items": thing})},
            "post": {"operationId": f"create{index}", "requestBody": _body(thing), "responses": _ok(thing)},
        }
        paths[f"/things{index}/{{id}}"] = {
            "parameters": key,
            "get": {"operationId": f"get{index}", "responses": _ok(thing)},
            "patch": {"operationId": f"update{index}", "requestBody": _body(thing), "responses": _ok(thing)},
            "delete": {"operationId": f"delete{index}", "responses": {"204": {"description": "gone"}}},
        }
    return _document(paths)


def _build_seconds(source: str) -> tuple[int, float]:
    """Tools built and the least CPU time of three builds (load, analyse, generate), garbage collection off."""
    best = float("inf")
    tools = 0
    for _ in range(3):
        gc.disable()
        try:
            started = time.process_time()
            loaded = OpenApiLoader().load(source)
            generated = CrudBuilder().build(loaded.specs[0], loaded.resources)
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
        tools = len(generated.spec.tools)
    return tools, best


def test_a_2000_operation_document_builds_and_its_build_time_is_reported(tmp_path: Path) -> None:
    """The 2,000-operation document builds every tool; 200 vs 2,000 operations is reported, not asserted
    (CPU time on a shared machine is a measurement, not a test: benchmarks/envgen_corpus.py reports it)."""
    small = _write(tmp_path, "small.json", _crud_document(40))
    large = _write(tmp_path, "large.json", _crud_document(400))
    (tools_small, seconds_small), (tools_large, seconds_large) = _build_seconds(small), _build_seconds(large)
    assert (tools_small, tools_large) == (200, 2000)
    ratio = seconds_large / max(seconds_small, 1e-3)
    print(
        f"build (load, analyse, generate): 200 ops {seconds_small:.2f} s, 2000 ops {seconds_large:.2f} s CPU, "
        f"x{ratio:.1f} (linear within a factor of 2 is < x20)"
    )


def test_generated_module_names_never_clash_with_table_names(tmp_path: Path) -> None:
    entity = {"type": "object", "properties": {"id": {"type": "string"}, "label": {"type": "string"}}}
    paths = {
        f"/{name}": {
            "get": {"operationId": f"list_{name}", "responses": _ok({"type": "array", "items": entity})},
            "post": {"operationId": f"create_{name}", "requestBody": _body(entity), "responses": _ok(entity)},
        }
        for name in ("links", "columns", "parents")
    }
    source = _write(tmp_path, "names.json", _document(paths))
    loaded = OpenApiLoader().load(source)
    code = CrudBuilder().build(loaded.specs[0], loaded.resources).code
    assert re.search(r"^LINKS_TABLE = crud\.Resource\(", code, re.MULTILINE)
    _build(source)
