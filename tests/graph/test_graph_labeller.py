"""The rule-based labeller and the labeller hook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from envfactory_core import hookimpl
from envfactory_core.graph import Label, Parameter, RuleLabeller, ToolNode, build_tool_graph
from envfactory_core.models import EnvironmentSpec
from envfactory_core.registry import Registry


def label(path: str, type: str = "string", *, item_type: str = "", fmt: str = "", enum: bool = False) -> bool:
    parameter = Parameter(
        tool="e__t", direction="input", path=path, type=type, item_type=item_type, format=fmt, enum=enum
    )
    return RuleLabeller().label_parameter(parameter).user_providable


@pytest.mark.parametrize(
    "path",
    [
        "order_id",
        "orderId",
        "order_ids",
        "uuid",
        "page_token",
        "next_cursor",
        "api_key",
        "etag",
        "session",
        "internal_code",
        "booking_ref",
        "latitude",
        "version",
    ],
)
def test_system_values_are_not_user_providable(path: str) -> None:
    assert label(path) is False


@pytest.mark.parametrize(
    "path",
    [
        "name",
        "full_name",
        "start_date",
        "amount",
        "quantity",
        "message",
        "body",
        "query",
        "email",
        "city",
        "destination",
        "promo_code",
        "zip_code",
        "currency_code",
        "confirmation_code",
        "reason",
        "title",
    ],
)
def test_human_values_are_user_providable(path: str) -> None:
    assert label(path) is True


def test_types_and_formats_decide_when_the_name_does_not() -> None:
    assert label("x", "object") is False
    assert label("x", "array", item_type="object") is False
    assert label("recipient", fmt="email") is True
    assert label("kind", enum=True) is True
    assert label("count_only", "boolean") is True
    assert label("widget") is True  # the default
    assert (
        RuleLabeller(default=False)
        .label_parameter(Parameter(tool="e__t", direction="input", path="widget"))
        .user_providable
        is False
    )


def test_labels_land_on_the_graph(trio_graph: Any) -> None:
    charge = trio_graph.tool("payments__charge")
    assert charge.input("order_id").user_providable is False
    assert charge.input("order_id").label_reason == "an identifier the system assigns"
    assert charge.input("amount").user_providable is True
    assert [p.id for p in trio_graph.unfillable_inputs()] == ["payments__settle_batch:in:batch_token"]


def test_hook_register_labellers(register_plugin: Any, plugin_manager: Any, trio_specs: list[EnvironmentSpec]) -> None:
    """A plugin labeller is used by name; inputs it leaves out count as not user-providable, with an issue."""

    class EverythingUser:
        name = "everything"

        def settings(self) -> dict[str, Any]:
            return {}

        def label(self, tools: Sequence[ToolNode]) -> dict[str, Label]:
            return {
                p.id: Label(user_providable=True, reason="all yours")
                for t in tools
                for p in t.inputs
                if p.path != "email"
            }

    class Plugin:
        @hookimpl
        def register_labellers(self, register: Any) -> None:
            register(EverythingUser())

    register_plugin(Plugin(), name="lab")
    graph = build_tool_graph(trio_specs, labeller="lab/everything", registry=Registry(plugin_manager))
    assert graph.tool("payments__charge").input("order_id").user_providable is True
    assert graph.tool("store__find_customer").input("email").user_providable is False
    assert [issue.action for issue in graph.issues] == ["unlabelled"]
    assert graph.source.labeller == "lab/everything"
