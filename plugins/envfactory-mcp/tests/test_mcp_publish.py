"""Publishing our records as MCP types, and the server's configuration checks (no transport)."""

from __future__ import annotations

import json

import pytest
from envfactory_mcp import EnvironmentServer
from envfactory_mcp.keys import TOOL_EFFECT_KEY, TOOL_ENVIRONMENT_KEY
from envfactory_mcp.publish import publish_result, publish_tool

from envfactory_core.errors import ConfigError
from envfactory_core.models import ToolResult

MODERN = "2026-07-28"
LEGACY = "2025-11-25"


def test_modern_tools_carry_our_exact_schemas(fixture_envs):
    for spec in fixture_envs.ledger.spec.tools:
        tool = publish_tool(spec.name, spec, environment="ledger", protocol_version=MODERN)
        wire = tool.model_dump(by_alias=True, mode="json", exclude_none=True)
        assert wire["inputSchema"] == spec.input_schema
        assert wire.get("outputSchema") == spec.output_schema
        assert wire["description"] == spec.description
        assert wire["annotations"]["readOnlyHint"] is (spec.effect == "read")
        assert wire["_meta"] == {TOOL_ENVIRONMENT_KEY: "ledger", TOOL_EFFECT_KEY: spec.effect}


def test_handshake_versions_get_only_object_output_schemas(fixture_envs):
    specs = {spec.name: spec for spec in fixture_envs.ledger.spec.tools}
    listed = publish_tool("list_accounts", specs["list_accounts"], environment="ledger", protocol_version=LEGACY)
    assert specs["list_accounts"].output_schema["type"] == "array"
    assert listed.output_schema is None
    assert listed.input_schema == specs["list_accounts"].input_schema
    balance = publish_tool("get_balance", specs["get_balance"], environment="ledger", protocol_version=LEGACY)
    assert balance.output_schema == specs["get_balance"].output_schema


def test_a_failure_is_a_tool_error_with_the_in_process_payload():
    failure = ToolResult.failure(
        "invalid_arguments", "argument 'amount': 0 is less than 1", argument="amount", expected="integer"
    )
    result = publish_result(failure, protocol_version=MODERN)
    assert result.is_error is True
    assert result.structured_content is None
    assert json.loads(result.content[0].text) == failure.as_payload()


@pytest.mark.parametrize(
    ("version", "structured"),
    [(MODERN, [1, 2]), (LEGACY, {"result": [1, 2]})],
)
def test_non_object_outputs_are_wrapped_only_for_handshake_versions(version, structured):
    result = publish_result(ToolResult.success([1, 2]), protocol_version=version, meta={"k": "v"})
    assert result.is_error is False
    assert result.structured_content == structured
    assert json.loads(result.content[0].text) == [1, 2]
    assert result.meta == {"k": "v"}


def test_tool_names_are_prefixed_only_for_several_environments(fixture_envs):
    single = EnvironmentServer([fixture_envs.ledger])
    assert set(single.tools) == {spec.name for spec in fixture_envs.ledger.spec.tools}
    forced = EnvironmentServer([fixture_envs.ledger], prefix=True)
    assert set(forced.tools) == {f"ledger__{spec.name}" for spec in fixture_envs.ledger.spec.tools}
    world = EnvironmentServer([fixture_envs.ledger, fixture_envs.notes])
    assert "notes__add_note" in world.tools
    assert "ledger__deposit" in world.tools
    assert all("__" in name for name in world.tools)


def test_bad_server_configurations_list_every_problem(fixture_envs):
    from envfactory_core.env import Environment

    reserved = Environment(name="envfactory", domain="x", description="Reserved name.", tables=[])
    with pytest.raises(ConfigError) as raised:
        EnvironmentServer([fixture_envs.ledger, fixture_envs.ledger, reserved])
    text = str(raised.value)
    assert "environments.ledger: given twice" in text
    assert "reserved for management tools" in text
    with pytest.raises(ConfigError, match="no environment to serve"):
        EnvironmentServer([])


def test_unprefixed_names_must_not_collide(fixture_envs):
    from envfactory_core.env import Environment

    twin = Environment(name="ledger2", domain="finance", description="A second ledger.", tables=[])

    @twin.tool(effect="read")
    def get_balance(account_id: str) -> dict:
        """Always empty."""
        return {}

    with pytest.raises(ConfigError, match=r"tools\.get_balance: both ledger and ledger2 have this tool"):
        EnvironmentServer([fixture_envs.ledger, twin], prefix=False)
    assert "ledger2__get_balance" in EnvironmentServer([fixture_envs.ledger, twin]).tools
