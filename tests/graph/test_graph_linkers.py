"""Linkers: name keys, type compatibility, the lexical and embedding linkers, plugin embedders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import pytest

from envfactory_core import hookimpl
from envfactory_core.contracts import EMBEDDER
from envfactory_core.graph import (
    EmbeddingLinker,
    LexicalLinker,
    LinkContext,
    Parameter,
    RuleLabeller,
    ToolNode,
    build_tool_graph,
    name_key,
    types_compatible,
)
from envfactory_core.graph.linkers import owned_keys
from envfactory_core.models import ColumnSpec, EnvironmentSpec, StateSchema, TableSpec, ToolSpec
from envfactory_core.registry import Registry


def param(
    path: str, *, tool: str = "env__get_order", direction: str = "input", type: str = "string", item_type: str = ""
) -> Parameter:
    return Parameter(tool=tool, direction=direction, path=path, type=type, item_type=item_type)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "tool", "key"),
    [
        ("order_id", "env__x", "order_id"),
        ("orderId", "env__x", "order_id"),
        ("order_ids", "env__x", "order_id"),
        ("OrderID", "env__x", "order_id"),
        ("order.id", "env__x", "order_id"),
        ("id", "env__get_order", "order_id"),
        ("items.id", "env__list_orders", "order_id"),
        ("categories", "env__x", "category"),
        ("status", "env__x", "status"),
    ],
)
def test_name_key(path: str, tool: str, key: str) -> None:
    assert name_key(param(path, tool=tool)) == key


@pytest.mark.parametrize(
    ("output", "input_", "ok"),
    [
        (("string", ""), ("string", ""), True),
        (("integer", ""), ("number", ""), True),
        (("number", ""), ("integer", ""), True),
        (("string", ""), ("integer", ""), False),
        (("any", ""), ("integer", ""), True),
        (("array", "string"), ("string", ""), True),
        (("array", "integer"), ("string", ""), False),
        (("array", "string"), ("array", "string"), True),
        (("array", "string"), ("array", "object"), False),
        (("string", ""), ("array", "string"), True),
        (("integer", ""), ("array", "string"), False),
        (("object", ""), ("string", ""), False),
    ],
)
def test_types_compatible(output: tuple[str, str], input_: tuple[str, str], ok: bool) -> None:
    source = param("x", direction="output", type=output[0], item_type=output[1])
    target = param("x", type=input_[0], item_type=input_[1])
    assert types_compatible(source, target) is ok


def test_lexical_linker_on_the_trio(trio_graph: Any) -> None:
    sources = {link.source for link in trio_graph.providers("payments__charge:in:order_id")}
    # Every store tool that outputs an order id feeds the payment service (cross-environment, by name).
    assert {"store__create_order:out:order_id", "store__get_order:out:order_id"} <= sources
    # A customer's email feeds the recipient of an email by lexical similarity, not by name.
    to_links = {link.source: link for link in trio_graph.providers("email__send_email:in:to")}
    assert to_links["store__find_customer:out:email"].reason == "lexical"
    # No tool feeds itself.
    for link in trio_graph.links:
        assert trio_graph.parameter(link.source).tool != trio_graph.parameter(link.target).tool
    # Dependency edges follow the links.
    assert "payments__charge" in trio_graph.successors("store__create_order")


def test_owned_ids_come_only_from_their_own_environment() -> None:
    def booking_env(name: str) -> EnvironmentSpec:
        record = {"type": "object", "properties": {"reservation_id": {"type": "string"}}}
        return EnvironmentSpec(
            name=name,
            domain="travel",
            description="Reservations.",
            tools=(
                ToolSpec(
                    name="book",
                    description="Book.",
                    input_schema={"type": "object", "properties": {}},
                    output_schema=record,
                    effect="write",
                ),
                ToolSpec(
                    name="cancel",
                    description="Cancel.",
                    input_schema={
                        "type": "object",
                        "properties": {"reservation_id": {"type": "string"}},
                        "required": ["reservation_id"],
                    },
                    effect="write",
                ),
            ),
            state_schema=StateSchema(
                tables=(
                    TableSpec(name="reservations", primary_key=("id",), columns=(ColumnSpec(name="id", type="text"),)),
                )
            ),
        )

    specs = [booking_env("hotels"), booking_env("restaurants")]
    assert owned_keys(specs[0]) == frozenset({"reservation_id"})
    graph = build_tool_graph(specs, linker=LexicalLinker(), labeller=RuleLabeller())
    assert [link.source for link in graph.providers("hotels__cancel:in:reservation_id")] == [
        "hotels__book:out:reservation_id"
    ]
    shared = build_tool_graph(specs, linker=LexicalLinker(local_ids=False), labeller=RuleLabeller())
    assert len(shared.providers("hotels__cancel:in:reservation_id")) == 2
    assert shared.content_id != graph.content_id


def test_lexical_top_k_and_floor(trio_specs: list[EnvironmentSpec]) -> None:
    none = build_tool_graph(trio_specs, linker=LexicalLinker(top_k=0), labeller=RuleLabeller())
    assert {link.reason for link in none.links} == {"name"}
    strict = build_tool_graph(trio_specs, linker=LexicalLinker(floor=0.9), labeller=RuleLabeller())
    assert all(link.score >= 0.9 for link in strict.links)
    one = build_tool_graph(trio_specs, linker=LexicalLinker(top_k=1), labeller=RuleLabeller())
    lexical_targets = [link.target for link in one.links if link.reason == "lexical"]
    assert len(lexical_targets) == len(set(lexical_targets))


def test_generic_names_do_not_link_by_name_alone() -> None:
    """``name`` of a hotel does not fill ``name`` of a customer just because both say ``name``: a
    one-word name is ranked by names and descriptions, so the customer's own name comes first."""

    def spec(env: str, entity: str) -> EnvironmentSpec:
        output = {"type": "object", "properties": {"name": {"type": "string", "description": f"Name of the {entity}"}}}
        inputs = {
            "type": "object",
            "properties": {"name": {"type": "string", "description": f"Name of the {entity}"}},
            "required": ["name"],
        }
        return EnvironmentSpec(
            name=env,
            domain="d",
            description="d",
            tools=(
                ToolSpec(
                    name=f"get_{entity}",
                    description="Get.",
                    input_schema={"type": "object", "properties": {}},
                    output_schema=output,
                    effect="read",
                ),
                ToolSpec(name=f"rename_{entity}", description="Rename.", input_schema=inputs, effect="write"),
            ),
            state_schema=StateSchema(tables=()),
        )

    specs = [spec("a", "hotel"), spec("b", "customer")]
    graph = build_tool_graph(specs, linker=LexicalLinker(), labeller=RuleLabeller())
    providers = graph.providers("b__rename_customer:in:name")
    assert [link.reason for link in providers] == ["lexical"] * len(providers)
    assert providers[0].source == "b__get_customer:out:name"
    assert all(link.score < providers[0].score for link in providers[1:])
    best_only = build_tool_graph(specs, linker=LexicalLinker(top_k=1), labeller=RuleLabeller())
    assert [link.source for link in best_only.providers("b__rename_customer:in:name")] == ["b__get_customer:out:name"]


def test_embedding_linker_with_the_builtin_embedder(trio_specs: list[EnvironmentSpec], registry: Registry) -> None:
    graph = build_tool_graph(trio_specs, linker="core/embedding", labeller="core/rules", registry=registry)
    assert {link.reason for link in graph.links} <= {"name", "embedding"}
    assert any(link.reason == "embedding" for link in graph.links)
    assert "core/hashed-ngrams" in graph.source.linker_settings["embedders"]


@attrs.frozen
class KeywordEmbedder:
    """Two dimensions: mentions of mail, mentions of money (a stand-in for a model)."""

    name: ClassVar[str] = "keywords"
    calls: list[int] = attrs.field(factory=list, eq=False)

    def settings(self) -> dict[str, Any]:
        return {"model": "keywords-v1"}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [
            [float("mail" in text or " to " in text or "recipient" in text), float("amount" in text)] for text in texts
        ]


def test_hook_register_embedders(register_plugin: Any, plugin_manager: Any, trio_specs: list[EnvironmentSpec]) -> None:
    embedder = KeywordEmbedder()

    class Plugin:
        @hookimpl
        def register_embedders(self, register: Any) -> None:
            register(embedder)

    register_plugin(Plugin(), name="kw")
    registry = Registry(plugin_manager)
    assert registry.get(EMBEDDER, "kw/keywords") is embedder
    graph = build_tool_graph(
        trio_specs,
        linker="core/embedding",
        linker_options={"embedder": "kw/keywords", "floor": "0.9"},
        labeller="core/rules",
        registry=registry,
    )
    assert embedder.calls, "the linker asked the plugin's embedder for vectors"
    assert graph.source.linker_settings["embedders"] == {"kw/keywords": {"model": "keywords-v1"}}
    to_sources = {link.source for link in graph.providers("email__send_email:in:to") if link.reason == "embedding"}
    assert "store__find_customer:out:email" in to_sources


def test_embedding_linker_rejects_a_broken_embedder(trio_specs: list[EnvironmentSpec]) -> None:
    class Broken:
        name = "broken"

        def settings(self) -> dict[str, Any]:
            return {}

        def embed(self, texts: Sequence[str]) -> list[list[float]]:
            return [[1.0]]

    with pytest.raises(ValueError, match="one vector of one fixed length per text"):
        build_tool_graph(
            trio_specs,
            linker=EmbeddingLinker(embedder="x/broken"),
            labeller=RuleLabeller(),
            embedders={"x/broken": Broken()},
        )


def test_hook_register_linkers(register_plugin: Any, plugin_manager: Any, trio_specs: list[EnvironmentSpec]) -> None:
    """A plugin linker is used by name; links it gets wrong are dropped with an issue."""

    class EverythingLinker:
        name = "everything"

        def settings(self) -> dict[str, Any]:
            return {"v": 1}

        def link(self, tools: Sequence[ToolNode], context: LinkContext) -> list[Any]:
            from envfactory_core.graph import Link

            assert set(context.environments) == {"store", "payments", "email"}
            return [
                Link(
                    source="store__create_order:out:order_id",
                    target="payments__charge:in:order_id",
                    score=0.5,
                    reason="mine",
                ),
                Link(
                    source="store__create_order:out:order_id",
                    target="store__create_order:in:customer_id",
                    score=0.5,
                    reason="mine",
                ),
                Link(source="nowhere:out:x", target="payments__charge:in:order_id", score=0.5, reason="mine"),
            ]

    class Plugin:
        @hookimpl
        def register_linkers(self, register: Any) -> None:
            register(EverythingLinker())

    register_plugin(Plugin(), name="mine")
    graph = build_tool_graph(
        trio_specs, linker="mine/everything", labeller="core/rules", registry=Registry(plugin_manager)
    )
    assert [(link.source, link.reason) for link in graph.links] == [("store__create_order:out:order_id", "mine")]
    dropped = [issue for issue in graph.issues if issue.action == "dropped_link"]
    assert len(dropped) == 2
    assert graph.source.linker == "mine/everything"
