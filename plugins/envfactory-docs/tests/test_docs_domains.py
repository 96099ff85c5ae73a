"""``docs/domains.md``: rendering, linking, the ``envfactory docs domains`` command, and staleness.

The last test compares the committed page with what the installed domain packages render; it is
skipped only when not all seven domain packages are installed (a per-package test session).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypedDict

import pytest
from click.testing import CliRunner
from envfactory_docs import plugin as docs_plugin
from envfactory_docs.domains import build_domains_catalog, link_environments, render_domains_markdown
from envfactory_docs.pages import stale_diff
from hypothesis import given, settings
from hypothesis import strategies as st

from envfactory_core import hookimpl
from envfactory_core.cli import build_cli
from envfactory_core.cli.app import App
from envfactory_core.env import Environment, table
from envfactory_core.graph import Link, LinkContext, ToolNode
from envfactory_core.models import Provenance
from envfactory_core.plugins import PluginInfo, PluginManager, make_plugin_manager
from envfactory_core.registry import Registry

ROOT = Path(__file__).resolve().parents[3]
DOMAINS_PAGE = ROOT / "docs" / "domains.md"
DOMAIN_DISTRIBUTIONS = tuple(
    f"envfactory-{domain}"
    for domain in ("commerce", "finance", "travel", "office", "lifestyle", "academia", "utilities")
)


# --- small fixture environments -------------------------------------------------------------------


class Order(TypedDict):
    """An order.

    Args:
        order_id: Order id.
        email: Buyer's email.
        total: Order total.
        status: Order status.
    """

    order_id: str
    email: str
    total: float
    status: Literal["paid", "cancelled"]


class Refund(TypedDict):
    """A refund.

    Args:
        refund_id: Refund id.
        order_id: Refunded order.
        amount: Refunded amount.
    """

    refund_id: str
    order_id: str
    amount: float


class Sent(TypedDict):
    """A sent message.

    Args:
        message_id: Message id.
        recipient_email: Who it went to.
        urgent: Whether it was flagged urgent.
    """

    message_id: str
    recipient_email: str
    urgent: bool


def make_shop() -> Environment:
    shop = Environment(
        name="shop",
        domain="commerce",
        description="A | tiny shop after a storefront API.",
        tables=[table("orders", primary_key="order_id", order_id=str, email=str, total=float, status=str)],
        provenance=Provenance(source="Storefront API", url="https://example.com/storefront"),
    )

    @shop.tool(effect="read")
    def get_order(ctx: Any, order_id: str) -> Order:
        """Get an order.

        Args:
            order_id: Order id.
        """
        return ctx.table("orders").require(order_id)  # type: ignore[no-any-return]

    @shop.tool(effect="write")
    def cancel_order(ctx: Any, order_id: str, status: Literal["cancelled"] = "cancelled") -> Order:
        """Cancel an order.

        Args:
            order_id: Order id.
            status: New status.
        """
        return ctx.table("orders").update(order_id, {"status": status})  # type: ignore[no-any-return]

    return shop


def make_ledger() -> Environment:
    ledger = Environment(
        name="ledger",
        domain="finance",
        description="Refunds after a payments API.",
        tables=[table("refunds", primary_key="refund_id", refund_id=str, order_id=str, amount=float)],
        overlaps=("tau2-retail",),
    )

    @ledger.tool(effect="write")
    def refund_order(ctx: Any, order_id: str, amount: float, urgent: bool = False) -> Refund:
        """Refund part of an order.

        Args:
            order_id: The order to refund.
            amount: How much to refund.
            urgent: Whether to refund today.
        """
        return ctx.table("refunds").insert(  # type: ignore[no-any-return]
            {"refund_id": ctx.new_id("re"), "order_id": order_id, "amount": amount}
        )

    @ledger.tool(effect="read")
    def list_refunds(ctx: Any, email: str) -> dict[str, list[Refund]]:
        """Refunds for a buyer.

        Args:
            email: Buyer's email.
        """
        return {"refunds": ctx.table("refunds").all()}

    return ledger


def make_mailer() -> Environment:
    mailer = Environment(
        name="mailer",
        domain="office",
        description="Sends email after a transactional email API.",
        tables=[table("messages", primary_key="message_id", message_id=str, recipient_email=str, urgent=bool)],
    )

    @mailer.tool(effect="write")
    def send_message(ctx: Any, recipient_email: str, urgent: bool = False) -> Sent:
        """Send a message.

        Args:
            recipient_email: Who to send it to.
            urgent: Flag it urgent.
        """
        return ctx.table("messages").insert(  # type: ignore[no-any-return]
            {"message_id": ctx.new_id("msg"), "recipient_email": recipient_email, "urgent": urgent}
        )

    @mailer.tool(effect="read")
    def find_contact(ctx: Any, email: str) -> dict[str, str]:
        """Find a contact by email.

        Args:
            email: The contact's email.
        """
        return {"email": email}

    return mailer


def make_benchmark() -> Environment:
    bench = Environment(
        name="bench_store",
        domain="commerce",
        description="A benchmark's own store.",
        tables=[table("orders", primary_key="order_id", order_id=str)],
        evaluation_only=True,
        overlaps=("tau-bench",),
    )

    @bench.tool(effect="read")
    def find_order(ctx: Any, order_id: str) -> dict[str, str]:
        """Find an order.

        Args:
            order_id: Order id.
        """
        return {"order_id": order_id}

    return bench


class EnvironmentsPlugin:
    def __init__(self, environments: Sequence[Environment]) -> None:
        self.environments = environments

    @hookimpl
    def register_environments(self, register: Any) -> None:
        for environment in self.environments:
            register(environment)


class LinkEverything:
    """A linker stub that links every output to every input of another tool, so the page's own
    rules (other environment, same name, no flags or enums) are what decides."""

    name = "everything"

    def settings(self) -> dict[str, Any]:
        return {}

    def link(self, tools: Sequence[ToolNode], context: LinkContext) -> list[Link]:
        return [
            Link(source=output.id, target=input_.id, score=0.5, reason="stub")
            for producer in tools
            for consumer in tools
            if producer.name != consumer.name
            for output in producer.outputs
            for input_ in consumer.inputs
        ]


@pytest.fixture
def fixture_registry(plugin_manager: PluginManager, register_plugin: Callable[..., Any]) -> Registry:
    register_plugin(EnvironmentsPlugin([make_shop(), make_ledger(), make_mailer(), make_benchmark()]), name="fixture")
    return Registry(plugin_manager)


# --- rendering -----------------------------------------------------------------------------------


def test_page_lists_every_environment_by_domain_with_counts_and_flags(fixture_registry: Registry) -> None:
    page = render_domains_markdown(build_domains_catalog(fixture_registry))
    assert page.index("## Commerce") < page.index("## Finance") < page.index("## Office")
    assert page.index("### bench_store") < page.index("### shop") < page.index("## Finance")
    shop = page[page.index("### shop") : page.index("## Finance")]
    assert "A \\| tiny shop after a storefront API." in shop
    assert "- Registered as: `fixture/shop`" in shop
    assert "- Modelled on: [Storefront API](https://example.com/storefront)" in shop
    assert "- Tools: 2 (1 read, 1 write)" in shop
    assert "- Overlaps with evaluation benchmarks: none declared" in shop
    assert "- Evaluation only: no" in shop
    assert shop.index("| `cancel_order` | write | Cancel an order. |") < shop.index("| `get_order` | read |")
    bench = page[page.index("### bench_store") : page.index("### shop")]
    assert "- Evaluation only: yes" in bench
    assert "- Overlaps with evaluation benchmarks: tau-bench" in bench
    assert "- Modelled on: not declared" in bench
    ledger = page[page.index("### ledger") :]
    assert "- Overlaps with evaluation benchmarks: tau2-retail" in ledger
    assert "4 environments in 3 domains, 7 tools (4 read, 3 write)." in page
    assert "| Commerce | 2: [bench_store](#bench_store), [shop](#shop) | 3 | 2 | 1 |" in page


def test_linked_pairs_need_another_environment_the_same_name_and_a_value() -> None:
    specs = [make_shop().spec, make_ledger().spec, make_mailer().spec]
    links, skipped = link_environments(specs, LinkEverything())
    assert skipped == []
    found = {(link.source, link.target): link.parameters for link in links}
    # order_id and email flow from the shop to the ledger, the ledger's order_id back to the shop, the
    # shop's email to the mailer's contact search. Not linked: email -> recipient_email (another name),
    # status (an enum), urgent (a flag), total -> amount (another name), anything within one environment.
    assert found == {
        ("shop", "ledger"): ("email", "order_id"),
        ("ledger", "shop"): ("order_id",),
        ("shop", "mailer"): ("email",),
    }
    shop_to_ledger = next(link for link in links if (link.source, link.target) == ("shop", "ledger"))
    assert {(edge.source_tool, edge.output, edge.target_tool, edge.input) for edge in shop_to_ledger.tool_links} == {
        ("get_order", "email", "list_refunds", "email"),
        ("cancel_order", "email", "list_refunds", "email"),
        ("get_order", "order_id", "refund_order", "order_id"),
        ("cancel_order", "order_id", "refund_order", "order_id"),
    }


def test_evaluation_environments_are_listed_but_never_linked(fixture_registry: Registry) -> None:
    catalog = build_domains_catalog(fixture_registry, linker=LinkEverything())
    assert "bench_store" in {entry.spec.name for entry in catalog.environments}
    assert all("bench_store" not in (link.source, link.target) for link in catalog.links)
    totals = catalog.summary()
    assert totals["evaluation_only"] == 1
    assert (totals["linked_pairs"], totals["directed_links"], totals["pairs_by_specific_name"]) == (2, 3, 1)
    assert totals["cross_domain_pairs"] == 2
    assert catalog.linker == "everything"


def test_the_graph_linker_links_specific_names_across_environments(fixture_registry: Registry) -> None:
    catalog = build_domains_catalog(fixture_registry)
    assert catalog.linker == "core/lexical"
    pairs = {(link.source, link.target): link.parameters for link in catalog.links}
    assert "order_id" in pairs[("shop", "ledger")]
    # The shop owns order ids (its table's key), so its own order_id inputs are never fed by the ledger.
    assert "order_id" not in pairs.get(("ledger", "shop"), ())
    # One-word names link where the linker's description step draws the edge; a different name never does.
    assert pairs[("shop", "mailer")] == ("email",)
    assert all("recipient_email" not in parameters for parameters in pairs.values())
    page = render_domains_markdown(catalog)
    links_section = page[page.index("## Linked environments") :]
    assert "| shop | ledger | commerce → finance |" in links_section
    assert "`order_id` (2)" in links_section


def test_rendering_is_deterministic_whatever_the_registration_order(
    plugin_manager: PluginManager, register_plugin: Callable[..., Any]
) -> None:
    register_plugin(EnvironmentsPlugin([make_mailer(), make_shop()]), name="first")
    register_plugin(EnvironmentsPlugin([make_ledger(), make_benchmark()]), name="second")
    one = render_domains_markdown(build_domains_catalog(Registry(plugin_manager), linker=LinkEverything()))
    other_manager = make_plugin_manager(load_entrypoints=False)
    other_manager.add_plugin(
        EnvironmentsPlugin([make_benchmark(), make_ledger(), make_shop(), make_mailer()]),
        PluginInfo(name="zeta", namespace="zeta", distribution="", version=""),
    )
    other_manager.check()
    two = render_domains_markdown(build_domains_catalog(Registry(other_manager), linker=LinkEverything()))
    strip = [line for line in one.splitlines() if "Registered as" not in line]
    assert strip == [line for line in two.splitlines() if "Registered as" not in line]
    assert one == render_domains_markdown(build_domains_catalog(Registry(plugin_manager), linker=LinkEverything()))


def test_an_empty_installation_renders_a_page_that_says_so(registry: Registry) -> None:
    page = render_domains_markdown(build_domains_catalog(registry))
    assert "No environments are installed." in page
    assert "No two installed environments are linked." in page


@settings(max_examples=30, deadline=None)
@given(description=st.text(min_size=1, max_size=80), tool_text=st.text(min_size=1, max_size=80).filter(str.strip))
def test_any_description_keeps_the_tables_well_formed(description: str, tool_text: str) -> None:
    environment = Environment(
        name="odd", domain="misc", description=description, tables=[table("rows", primary_key="row_id", row_id=str)]
    )

    def ping(ctx: Any) -> dict[str, str]:
        return {"pong": "yes"}

    environment.add_tool(ping, effect="read", description=tool_text)
    manager = make_plugin_manager(load_entrypoints=False, plugins=[("fx", EnvironmentsPlugin([environment]))])
    page = render_domains_markdown(build_domains_catalog(Registry(manager), linker=LinkEverything()))
    rows = [line for line in page.splitlines() if line.startswith("| `ping`")]
    assert len(rows) == 1
    assert len(re.split(r"(?<!\\)\|", rows[0])) == 5
    shown = page[page.index("### odd") :].splitlines()[2]
    assert shown == (" ".join(description.split()).replace("|", "\\|") or "(no description)")


def test_stale_diff_reports_missing_and_changed_files() -> None:
    assert stale_diff("same\n", "same\n") == []
    assert stale_diff(None, "page\n", path="docs/x.md") == ["docs/x.md does not exist"]
    lines = stale_diff("old line\n", "new line\n", path="docs/x.md")
    assert "-old line" in lines
    assert "+new line" in lines
    long = stale_diff("\n".join(map(str, range(200))), "\n".join(map(str, range(1, 201))), limit=5)
    assert len(long) == 6
    assert long[-1].startswith("... (")


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def run(
    fixture_registry: Registry, plugin_manager: PluginManager, register_plugin: Callable[..., Any]
) -> Callable[..., Any]:
    register_plugin(docs_plugin, name="docs")
    cli = build_cli(App(plugin_manager))

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args))

    return invoke


def test_docs_domains_writes_then_checks(run: Callable[..., Any], tmp_path: Path) -> None:
    page = tmp_path / "domains.md"
    assert run("docs", "domains", "--out", str(page), "--check").exit_code == 1
    written = run("docs", "domains", "--out", str(page), "--json")
    assert written.exit_code == 0, written.output
    totals = json.loads(written.stdout)
    assert totals["changed"] is True
    assert (totals["environments"], totals["domains"], totals["tools"]) == (4, 3, 7)
    assert page.read_text(encoding="utf-8").startswith("# Domains and environments\n")
    checked = run("docs", "domains", "--out", str(page), "--check", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["up_to_date"] is True
    assert json.loads(run("docs", "domains", "--out", str(page), "--json").stdout)["changed"] is False
    page.write_text(page.read_text(encoding="utf-8").replace("7 tools", "8 tools"), encoding="utf-8")
    stale = run("docs", "domains", "--out", str(page), "--check")
    assert stale.exit_code == 1
    assert "is stale" in stale.stderr
    assert "+4 environments in 3 domains, 7 tools" in stale.stderr


def test_docs_domains_prints_to_stdout_and_refuses_a_missing_folder(run: Callable[..., Any], tmp_path: Path) -> None:
    printed = run("docs", "domains", "--out", "-")
    assert printed.exit_code == 0
    assert printed.stdout.startswith("# Domains and environments\n")
    missing = run("docs", "domains", "--out", str(tmp_path / "no" / "such" / "domains.md"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    assert run("docs", "domains", "--out", "-", "--check").exit_code == 2


def test_docs_domains_joins_a_docs_group_another_plugin_made(
    plugin_manager: PluginManager, register_plugin: Callable[..., Any]
) -> None:
    import click

    class OtherDocs:
        @hookimpl(tryfirst=True)
        def register_commands(self, cli: click.Group) -> None:
            @cli.group("docs")
            def docs() -> None:
                """Someone else's docs group."""

            @docs.command("hooks")
            def hooks() -> None:
                click.echo("hooks page")

    register_plugin(docs_plugin, name="docs")
    register_plugin(OtherDocs(), name="otherdocs")
    cli = build_cli(App(plugin_manager))
    group = cli.commands["docs"]
    assert isinstance(group, click.Group)
    assert {"hooks", "domains", "prompts", "tasks"} <= set(group.commands)


# --- the committed page ---------------------------------------------------------------------------


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def test_committed_domains_page_is_up_to_date() -> None:
    missing = [name for name in DOMAIN_DISTRIBUTIONS if not _installed(name)]
    if missing:
        pytest.skip(
            f"docs/domains.md describes all seven domain packages; not installed here: {', '.join(missing)} "
            "(a per-package session); the integration session checks it"
        )
    page = render_domains_markdown(build_domains_catalog(Registry(make_plugin_manager())))
    current = DOMAINS_PAGE.read_text(encoding="utf-8") if DOMAINS_PAGE.is_file() else None
    difference = stale_diff(current, page)
    assert not difference, (
        "docs/domains.md is stale; regenerate it with `envfactory docs domains` from the repository root:\n"
        + "\n".join(difference)
    )
