"""Tool schemas from signatures and docstrings."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

import pytest

from envfactory_core.env import Arg, Environment, parse_docstring, signature_schema, table
from envfactory_core.errors import EnvironmentDefinitionError


class Line(TypedDict):
    """An order line.

    Args:
        sku: The product's SKU.
        quantity: How many.
    """

    sku: str
    quantity: int


def create_order(
    ctx: Any,
    customer_id: str,
    lines: list[Line],
    channel: Literal["web", "phone"] = "web",
    note: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
    rush: bool = False,
) -> Line:
    """Create an order.

    Longer explanation that stays in the description.

    Args:
        customer_id: Who orders.
        lines: What is ordered,
            one entry per product.
        channel: Where the order came from.
        note: A note for the packer.
        limit: Page size.
        rush: Ship today.

    Returns:
        The first line.
    """
    return lines[0]


def test_schema_from_signature_and_docstring() -> None:
    derived = signature_schema(create_order)
    assert derived.takes_context
    assert derived.description == "Create an order.\n\nLonger explanation that stays in the description."
    schema = derived.input_schema
    assert schema["required"] == ["customer_id", "lines"]
    assert schema["additionalProperties"] is False
    properties = schema["properties"]
    assert properties["customer_id"] == {"type": "string", "description": "Who orders."}
    assert properties["lines"]["description"] == "What is ordered, one entry per product."
    assert properties["lines"]["items"]["properties"]["sku"] == {"type": "string", "description": "The product's SKU."}
    assert properties["channel"] == {
        "type": "string",
        "enum": ["web", "phone"],
        "description": "Where the order came from.",
        "default": "web",
    }
    assert properties["note"] == {"type": "string", "description": "A note for the packer."}
    assert properties["limit"]["minimum"] == 1
    assert properties["rush"]["type"] == "boolean"
    assert derived.masked == ("limit",)
    assert derived.nullable == frozenset({"note"})
    assert derived.output_schema is not None
    assert derived.output_schema["required"] == ["sku", "quantity"]


def test_docstring_sections() -> None:
    doc = parse_docstring(
        "Do it.\n\nArgs:\n    a (int): First.\n    b: Second\n        continued.\n\nRaises:\n    ValueError: never\n"
    )
    assert doc.summary == "Do it."
    assert doc.args == {"a": "First.", "b": "Second continued."}


def test_an_untyped_variadic_tool_needs_a_declared_schema() -> None:
    environment = Environment(
        name="declared",
        domain="tests",
        description="d",
        tables=[table("t", primary_key="k", k=str)],
        now="2025-01-01T00:00:00+00:00",
    )

    def anything(ctx: Any, **arguments: Any) -> dict[str, Any]:
        """Echo the arguments."""
        return arguments

    with pytest.raises(EnvironmentDefinitionError, match="declare input_schema"):
        environment.tool(anything, effect="read")
    environment.tool(
        anything,
        effect="read",
        input_schema={
            "type": "object",
            "properties": {"x": {"type": "integer", "description": "A number."}},
            "required": ["x"],
        },
    )
    with environment.episode() as episode:
        assert episode.call("anything", {"x": 3}).output == {"x": 3}
        assert episode.call("anything", {"x": "3"}).error.argument == "x"  # type: ignore[union-attr]


def test_bad_declarations_are_reported_with_their_location() -> None:
    with pytest.raises(EnvironmentDefinitionError, match="time zone"):
        Environment(name="naive", domain="t", description="d", tables=[], now="2025-01-01T00:00:00")
    environment = Environment(name="ok", domain="t", description="d", tables=[], now="2025-01-01T00:00:00+00:00")

    def nodoc(ctx: Any) -> dict[str, Any]:
        return {}

    with pytest.raises(EnvironmentDefinitionError, match="no description"):
        environment.tool(nodoc, effect="read")

    def opaque(ctx: Any, thing: object) -> dict[str, Any]:
        """Take a thing."""
        return {}

    environment.tool(opaque, effect="read")  # `object` means any JSON value
    with pytest.raises(EnvironmentDefinitionError, match="twice"):
        environment.tool(opaque, effect="read")
