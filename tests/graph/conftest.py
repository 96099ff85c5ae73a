"""Fixture environments for the tool graph tests: a store, a payments service and an email service.

Small on purpose, but shaped like the domain packages: ids are primary keys of their own tables,
outputs are objects with named fields, one tool has a required input nobody can fill.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

import pytest

from envfactory_core import hookimpl
from envfactory_core.env import Environment, table
from envfactory_core.graph import LexicalLinker, RuleLabeller, ToolGraph, build_tool_graph
from envfactory_core.models import EnvironmentSpec

# --- store --------------------------------------------------------------------------------------


class Customer(TypedDict):
    """A customer.

    Args:
        customer_id: Identifier of the customer.
        name: Full name of the customer.
        email: Email address of the customer.
    """

    customer_id: str
    name: str
    email: str


class OrderLine(TypedDict):
    """One line of an order.

    Args:
        sku: Stock keeping unit of the product.
        quantity: How many units.
    """

    sku: str
    quantity: int


class Product(TypedDict):
    """A product.

    Args:
        sku: Stock keeping unit of the product.
        name: Display name of the product.
        price: Unit price of the product.
    """

    sku: str
    name: str
    price: float


class ProductList(TypedDict):
    """Products.

    Args:
        products: The matching products.
    """

    products: list[Product]


class Order(TypedDict):
    """An order.

    Args:
        order_id: Identifier of the order.
        customer_id: Identifier of the customer who placed it.
        total: Total amount of the order.
        status: Status of the order.
        items: The order lines.
    """

    order_id: str
    customer_id: str
    total: float
    status: str
    items: list[OrderLine]


def make_store() -> Environment:
    store = Environment(
        name="store",
        domain="commerce",
        description="A small web shop: customers, products, orders.",
        tables=[
            table("customers", primary_key="customer_id", customer_id=str, name=str, email=str),
            table("products", primary_key="sku", sku=str, name=str, price=float),
            table("orders", primary_key="order_id", order_id=str, customer_id=str, total=float, status=str, items=list),
        ],
    )

    @store.tool(effect="read")
    def find_customer(ctx: Any, email: str) -> Customer:
        """Find a customer by email address.

        Args:
            email: Email address of the customer.
        """
        raise NotImplementedError

    @store.tool(effect="read")
    def list_products(ctx: Any, category: str | None = None) -> ProductList:
        """List products, optionally of one category.

        Args:
            category: Only products of this category.
        """
        raise NotImplementedError

    @store.tool(effect="write")
    def create_order(ctx: Any, customer_id: str, items: list[OrderLine]) -> Order:
        """Place an order for a customer.

        Args:
            customer_id: Identifier of the customer who orders.
            items: What to order.
        """
        raise NotImplementedError

    @store.tool(effect="read")
    def get_order(ctx: Any, order_id: str) -> Order:
        """Get an order.

        Args:
            order_id: Identifier of the order.
        """
        raise NotImplementedError

    @store.tool(effect="write")
    def cancel_order(ctx: Any, order_id: str, reason: str) -> Order:
        """Cancel an order that has not shipped.

        Args:
            order_id: Identifier of the order.
            reason: Why the customer cancels.
        """
        raise NotImplementedError

    return store


# --- payments -----------------------------------------------------------------------------------


class Payment(TypedDict):
    """A payment.

    Args:
        payment_id: Identifier of the payment.
        order_id: Identifier of the order paid for.
        amount: Amount charged.
        status: Status of the payment.
    """

    payment_id: str
    order_id: str
    amount: float
    status: str


def make_payments() -> Environment:
    payments = Environment(
        name="payments",
        domain="finance",
        description="Charges and refunds for orders.",
        tables=[table("payments", primary_key="payment_id", payment_id=str, order_id=str, amount=float, status=str)],
    )

    @payments.tool(effect="write")
    def charge(ctx: Any, order_id: str, amount: float) -> Payment:
        """Charge the customer for an order.

        Args:
            order_id: Identifier of the order to charge for.
            amount: Amount to charge.
        """
        raise NotImplementedError

    @payments.tool(effect="write")
    def refund(ctx: Any, payment_id: str, amount: float | None = None) -> Payment:
        """Refund a payment, fully or in part.

        Args:
            payment_id: Identifier of the payment.
            amount: Amount to refund (default: all of it).
        """
        raise NotImplementedError

    @payments.tool(effect="read")
    def get_payment(ctx: Any, payment_id: str) -> Payment:
        """Get a payment.

        Args:
            payment_id: Identifier of the payment.
        """
        raise NotImplementedError

    @payments.tool(effect="write")
    def settle_batch(ctx: Any, batch_token: str) -> Payment:
        """Settle a batch of payments (needs a token no tool hands out).

        Args:
            batch_token: Token of the settlement batch.
        """
        raise NotImplementedError

    return payments


# --- email --------------------------------------------------------------------------------------


class Message(TypedDict):
    """An email.

    Args:
        message_id: Identifier of the message.
        to: Email address of the recipient.
        subject: Subject line.
        body: Text of the message.
    """

    message_id: str
    to: str
    subject: str
    body: str


def make_email() -> Environment:
    email = Environment(
        name="email",
        domain="office",
        description="Send and read email.",
        tables=[table("messages", primary_key="message_id", message_id=str, to=str, subject=str, body=str)],
    )

    @email.tool(effect="write")
    def send_email(ctx: Any, to: str, subject: str, body: str) -> Message:
        """Send an email.

        Args:
            to: Email address of the recipient.
            subject: Subject line.
            body: Text of the message.
        """
        raise NotImplementedError

    @email.tool(effect="read")
    def get_message(ctx: Any, message_id: str) -> Message:
        """Read one sent message.

        Args:
            message_id: Identifier of the message.
        """
        raise NotImplementedError

    return email


def make_trio() -> list[Environment]:
    return [make_store(), make_payments(), make_email()]


@pytest.fixture
def trio() -> list[Environment]:
    return make_trio()


@pytest.fixture
def trio_specs(trio: list[Environment]) -> list[EnvironmentSpec]:
    return [environment.spec for environment in trio]


@pytest.fixture
def trio_graph(trio_specs: list[EnvironmentSpec]) -> ToolGraph:
    return build_tool_graph(trio_specs, linker=LexicalLinker(), labeller=RuleLabeller())


class TrioPlugin:
    """Registers the trio (and, optionally, more environments) like an installed domain package."""

    def __init__(self, extra: list[Any] | None = None) -> None:
        self.environments: list[Any] = [*make_trio(), *(extra or [])]

    @hookimpl
    def register_environments(self, register: Callable[..., None]) -> None:
        for environment in self.environments:
            register(environment, name=environment.name)


@pytest.fixture
def trio_plugin() -> type[TrioPlugin]:
    return TrioPlugin


SYNTHETIC = Path(__file__).resolve().parents[2] / "benchmarks" / "_synthetic.py"


@pytest.fixture(scope="session")
def synthetic_specs() -> Callable[..., list[EnvironmentSpec]]:
    """``synthetic_specs`` of the benchmark fixture ``benchmarks/_synthetic.py`` (not in the installed package)."""
    spec = importlib.util.spec_from_file_location("envfactory_benchmarks_synthetic", SYNTHETIC)
    assert spec is not None, SYNTHETIC
    assert spec.loader is not None, SYNTHETIC
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Callable[..., list[EnvironmentSpec]] = module.synthetic_specs
    return function
