"""The OpenAPI reader and the CRUD analysis on small documents written for each rule."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from envfactory_envgen.crud.analysis import analyse_api
from envfactory_envgen.crud.builder import CrudBuilder
from envfactory_envgen.documents import parse_document
from envfactory_envgen.loaders import OpenApiLoader
from envfactory_envgen.modules import load_environment
from envfactory_envgen.openapi.parse import parse_openapi
from envfactory_envgen.validate.scenarios import run_scenarios

from .conftest import OPENAPI, needs_openapi

SHOP = """
openapi: 3.1.0
info: {title: Tiny Shop, version: "2"}
servers: [{url: "https://shop.example.com"}]
paths:
  /customers:
    get:
      operationId: listCustomers
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 2}}
        - {name: offset, in: query, schema: {type: integer}}
        - {name: tier, in: query, schema: {$ref: "#/components/schemas/Tier"}}
        - {name: q, in: query, description: free text search, schema: {type: string}}
      responses:
        "200":
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  customers: {type: array, items: {$ref: "#/components/schemas/Customer"}}
                  total: {type: integer}
    post:
      operationId: createCustomer
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewCustomer"}
      responses:
        "201":
          description: created
          content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}
  /customers/{customerId}:
    parameters:
      - {name: customerId, in: path, required: true, schema: {type: string}}
    get:
      operationId: getCustomer
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
    patch:
      operationId: updateCustomer
      requestBody:
        content:
          application/merge-patch+json:
            schema:
              type: object
              properties:
                name: {type: string}
                tier: {$ref: "#/components/schemas/Tier"}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
    delete:
      operationId: deleteCustomer
      responses: {"204": {description: gone}}
  /customers/{customerId}/orders:
    get:
      operationId: listOrders
      parameters: [{name: customerId, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Order"}}}}
    post:
      operationId: placeOrder
      parameters: [{name: customerId, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - {$ref: "#/components/schemas/OrderBase"}
                - type: object
                  required: [sku]
                  properties: {sku: {type: string, pattern: "^[A-Z]{3}-[0-9]{3}$"}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}}
  /customers/{customerId}/orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: customerId, in: path, required: true, schema: {type: string}}
        - {name: orderId, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}}
  /customers/{customerId}/loyalty:
    put:
      operationId: setLoyalty
      parameters: [{name: customerId, in: path, required: true, schema: {type: string}}]
      requestBody:
        content: {application/json: {schema: {type: object, properties: {tier: {$ref: "#/components/schemas/Tier"}}}}}
      responses: {"200": {description: ok}}
  /reports/revenue:
    get:
      operationId: revenue
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {sum: {type: number}}}}}
  /avatars:
    post:
      operationId: uploadAvatar
      requestBody: {content: {image/png: {schema: {type: string, format: binary}}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Tier: {type: string, enum: [bronze, silver, gold]}
    NewCustomer:
      type: object
      required: [name]
      properties:
        name: {type: string}
        email: {type: string, format: email}
        tier: {$ref: "#/components/schemas/Tier"}
        nickname: {type: string, nullable: true}
    Customer:
      allOf:
        - $ref: "#/components/schemas/NewCustomer"
        - type: object
          properties:
            id: {type: string, readOnly: true}
            createdAt: {type: string, format: date-time, readOnly: true}
            contact:
              oneOf:
                - {type: object, properties: {phone: {type: string}}}
                - {type: object, properties: {email: {type: string}}}
    OrderBase:
      type: object
      properties:
        quantity: {type: integer, minimum: 1, maximum: 10}
    Order:
      type: object
      properties:
        id: {type: integer}
        sku: {type: string}
        quantity: {type: integer}
        status: {type: string, enum: [open, shipped], default: open}
"""


@pytest.fixture
def shop(tmp_path: Path) -> str:
    path = tmp_path / "tiny-shop.yaml"
    path.write_text(textwrap.dedent(SHOP).lstrip(), encoding="utf-8")
    return str(path)


def _plan(source: str) -> Any:
    return analyse_api(parse_openapi(parse_document(source)), "tiny_shop")


def test_refs_all_of_one_of_nullable_and_enums_become_plain_json_schema(shop: str) -> None:
    api = parse_openapi(parse_document(shop))
    create = api.operation("createCustomer")
    assert create.body is not None
    assert create.body.schema_name == "NewCustomer"
    properties = create.body.schema["properties"]
    assert properties["tier"] == {"type": "string", "enum": ["bronze", "silver", "gold"]}
    assert properties["nickname"] == {"type": ["string", "null"]}
    customer = api.operation("getCustomer").response
    assert customer is not None
    assert set(customer["properties"]) == {"name", "email", "tier", "nickname", "id", "createdAt", "contact"}
    assert "anyOf" in customer["properties"]["contact"]  # oneOf is read as anyOf
    order = api.operation("placeOrder").body
    assert order is not None
    assert order.schema["required"] == ["sku"]
    assert set(order.schema["properties"]) == {"quantity", "sku"}  # allOf merged
    assert api.operation("getCustomer").parameters[0].name == "customerId"  # path-item parameters are inherited


def test_the_crud_plan_infers_keys_nesting_filters_and_pagination(shop: str) -> None:
    plan = _plan(shop)
    customers, orders = plan.table("customers"), plan.table("orders")
    assert customers.key == ("id",)
    assert customers.column("created_at").read_only
    assert orders.parent == "customers"
    assert orders.key == ("customer_id", "id")
    assert orders.key_kind == "integer"
    tools = {tool.name: tool for tool in plan.tools}
    assert set(tools) == {
        "list_customers",
        "create_customer",
        "get_customer",
        "update_customer",
        "delete_customer",
        "list_orders",
        "create_order",
        "get_order",
        "set_loyalty",
        "get_revenue",
    }
    listing = tools["list_customers"]
    assert {(a.name, a.role) for a in listing.arguments} == {
        ("limit", "limit"),
        ("offset", "offset"),
        ("tier", "filter"),
    }
    assert listing.default_page_size == 2
    assert [p.parameter for p in plan.skipped_parameters] == ["q"]  # free text maps to no column: left off, reported
    assert tools["set_loyalty"].kind == "update"  # an action whose fields are columns of the item
    skipped = {item.operation: item.reason for item in plan.skipped}
    # one object, no key: a singleton resource (one seeded instance, addressed as "current"), read-only
    assert tools["get_revenue"].effect == "read"
    assert [a.schema.get("enum") for a in tools["get_revenue"].arguments] == [["current"]]
    assert "image/png" in skipped["POST /avatars (uploadAvatar)"]


def test_the_generated_environment_behaves_like_the_api(shop: str) -> None:
    loaded = OpenApiLoader().load(shop)
    generated = CrudBuilder().build(loaded.specs[0], loaded.resources)
    environment = load_environment(generated.code, name=generated.name, trusted=True)
    assert all(result.passed for result in run_scenarios(environment, generated.scenarios)), [
        result.summary() for result in run_scenarios(environment, generated.scenarios) if not result.passed
    ]
    with environment.episode(seed=3) as episode:
        created = episode.call("create_customer", {"name": "Ada", "tier": "gold", "email": "ada@example.com"})
        assert created.ok
        assert created.output["created_at"] == "2025-01-15T09:00:00+00:00"
        customer = created.output["id"]
        refused = episode.call("create_customer", {"name": "Bo", "tier": "platinum"})
        assert refused.error is not None
        assert refused.error.kind == "invalid_arguments"
        order = episode.call("create_order", {"customer_id": customer, "sku": "ABC-123", "quantity": 2})
        assert order.ok
        assert order.output["status"] == "open"
        assert episode.call("create_order", {"customer_id": customer, "sku": "abc"}).error.kind == "invalid_arguments"
        missing = episode.call("create_order", {"customer_id": "nobody", "sku": "ABC-123"})
        assert missing.error is not None
        assert "not found" in missing.error.message
        page = episode.call("list_customers", {"tier": "gold"})
        assert page.ok
        assert all(row["tier"] == "gold" for row in page.output["customers"])
        first = episode.call("list_customers", {"limit": 1, "offset": 0}).output
        assert len(first["customers"]) == 1
        assert first["has_more"] is True
        assert len(episode.call("list_customers", {}).output["customers"]) == 2  # the documented default page size
        deleted = episode.call("delete_customer", {"customer_id": customer})
        assert deleted.ok
        assert deleted.output["children_deleted"] == 1
        assert (
            episode.call("get_order", {"customer_id": customer, "order_id": order.output["id"]}).error.kind
            == "tool_error"
        )


def test_swagger_2_parameters_form_data_and_definitions(tmp_path: Path) -> None:
    path = tmp_path / "legacy.json"
    note = {"$ref": "#/definitions/Note"}
    legacy = {
        "swagger": "2.0",
        "info": {"title": "Legacy", "version": "1"},
        "host": "legacy.example.com",
        "basePath": "/v1",
        "parameters": {
            "page": {"name": "page", "in": "query", "type": "integer", "minimum": 1, "default": 1},
            "size": {"name": "page_size", "in": "query", "type": "integer", "default": 10},
        },
        "paths": {
            "/notes": {
                "get": {
                    "operationId": "listNotes",
                    "parameters": [{"$ref": "#/parameters/page"}, {"$ref": "#/parameters/size"}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": note}}},
                },
                "post": {
                    "operationId": "addNote",
                    "consumes": ["application/x-www-form-urlencoded"],
                    "parameters": [
                        {"name": "text", "in": "formData", "type": "string", "required": True},
                        {"name": "color", "in": "formData", "type": "string", "enum": ["red", "blue"]},
                    ],
                    "responses": {"201": {"description": "ok", "schema": note}},
                },
            },
            "/notes/{id}": {
                "get": {
                    "operationId": "getNote",
                    "parameters": [{"name": "id", "in": "path", "required": True, "type": "integer"}],
                    "responses": {"200": {"description": "ok", "schema": note}},
                }
            },
        },
        "definitions": {
            "Note": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "text": {"type": "string"},
                    "color": {"type": "string", "x-nullable": True},
                },
            }
        },
    }
    path.write_text(
        json.dumps(legacy, indent=1),
        encoding="utf-8",
    )
    result = OpenApiLoader().load(str(path))
    tools = {tool.name: tool for tool in result.specs[0].tools}
    assert tools["create_note"].required == ("text",)
    assert tools["create_note"].parameters["color"]["enum"] == ["red", "blue"]
    plan = analyse_api(parse_openapi(parse_document(str(path))), "legacy")
    listing = next(tool for tool in plan.tools if tool.name == "list_notes")
    assert listing.page_base == 1
    assert listing.default_page_size == 10
    generated = CrudBuilder().build(result.specs[0], result.resources)
    environment = load_environment(generated.code, name=generated.name, trusted=True)
    with environment.episode() as episode:
        first = episode.call("list_notes", {"page": 1, "page_size": 3}).output
        second = episode.call("list_notes", {"page": 2, "page_size": 3}).output
        assert len(first["notes"]) == 3
        assert first["notes"][0] != second["notes"][0]
    assert result.specs[0].provenance.url == "https://legacy.example.com/v1"


def test_external_refs_are_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "split.yaml"
    path.write_text(
        "openapi: 3.0.0\ninfo: {title: Split, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200': {description: ok, content: {application/json: {schema: {$ref: 'common.yaml#/Thing'}}}}\n",
        encoding="utf-8",
    )
    from envfactory_envgen.errors import SourceError

    with pytest.raises(SourceError, match="cannot be followed offline") as caught:
        OpenApiLoader().load(str(path))
    assert "bundle the document" in str(caught.value)
    assert f"{path}:7:" in str(caught.value)


@needs_openapi
def test_page_tokens_and_partial_keys_of_the_library_sample() -> None:
    source = str(OPENAPI / "typespec-library.yaml")
    loaded = OpenApiLoader().load(source)
    generated = CrudBuilder().build(loaded.specs[0], loaded.resources)
    environment = load_environment(generated.code, name=generated.name, trusted=True)
    with environment.episode(seed=1) as episode:
        first = episode.call("list_shelves", {"page_size": 2}).output
        assert len(first["shelves"]) == 2
        assert first["next_page_token"]
        second = episode.call("list_shelves", {"page_size": 2, "page_token": first["next_page_token"]}).output
        assert {row["name"] for row in first["shelves"]}.isdisjoint(row["name"] for row in second["shelves"])
        bad = episode.call("list_shelves", {"page_token": "forged"})
        assert bad.error is not None
        assert "was not issued by this list" in bad.error.message
        shelf = first["shelves"][0]["name"]
        name = "shelves/s1/books/hobbit"
        created = episode.call("create_book", {"shelf_name": shelf, "name": name, "title": "The Hobbit"})
        assert created.ok, created.error
        refused = episode.call("create_book", {"shelf_name": shelf, "name": "the-hobbit"})
        assert refused.error is not None
        assert refused.error.kind == "invalid_arguments"  # the name pattern is enforced
        # GET /v1/shelves/shelf_name/books/{name} names a book by its own key alone
        assert episode.call("get_book", {"name": name}).output == created.output
        assert episode.call("delete_book", {"name": name}).ok
        assert episode.call("get_book", {"name": name}).error.kind == "tool_error"


def test_the_same_document_gives_the_same_bytes(shop: str) -> None:
    first = CrudBuilder().build(*_spec_and_resources(shop))
    second = CrudBuilder().build(*_spec_and_resources(shop))
    assert first.code == second.code
    assert json.dumps(first.scenarios, sort_keys=True) == json.dumps(second.scenarios, sort_keys=True)
    environment = load_environment(first.code, name=first.name, trusted=True)
    assert environment.initial_state(seed=4) == load_environment(
        second.code, name=first.name, trusted=True
    ).initial_state(seed=4)
    assert environment.initial_state(seed=4) != environment.initial_state(seed=5)


def _spec_and_resources(source: str) -> tuple[Any, Any]:
    loaded = OpenApiLoader().load(source)
    return loaded.specs[0], loaded.resources
