"""Helpers the utilities environments share: argument parsing with agent-readable refusals (the
core's :mod:`envfactory_core.env.values` parsers with this domain's examples), host and URL checks,
and the company web sites that a whole world agrees on.

The web sites come from ``ctx.shared("company_sites")``: with the same seed, the zone
``lumenlabs.io`` in the DNS environment is the site the uptime environment monitors and the
site whose pages the link shortener points to, so chains across the three stay consistent.
"""

from __future__ import annotations

import re
from functools import partial

import attrs

from envfactory_core.env import SeedContext, fake, values
from envfactory_core.env.values import iso, seed_id, seed_token

__all__ = [
    "BASE62",
    "HEX",
    "Site",
    "company_sites",
    "world_sites",
    "iso",
    "is_hostname",
    "is_ipv4",
    "is_http_url",
    "parse_date",
    "parse_time",
    "seed_id",
    "seed_token",
]

HEX = "0123456789abcdef"
BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TLDS = ("com", "io", "co", "net", "org")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_URL = re.compile(r"^https?://(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?(?P<rest>[/?#][^\s]*)?$")


parse_date = partial(values.parse_date, example="2025-06-20")
parse_time = partial(values.parse_time, example="2025-06-20T22:00:00+00:00")


def is_hostname(value: str) -> bool:
    """True for a fully qualified host name such as ``www.lumenlabs.io`` (at least two labels)."""
    labels = value.lower().rstrip(".").split(".")
    if len(value) > 253 or len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(_LABEL.match(label) for label in labels)


def is_http_url(value: str) -> bool:
    """True for an absolute ``http``/``https`` URL whose host is a host name or an IPv4 address."""
    match = _URL.match(value)
    if match is None:
        return False
    host = match.group("host")
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        return False
    return is_hostname(host) or is_ipv4(host)


def is_ipv4(value: str) -> bool:
    """True for a dotted IPv4 address such as ``203.0.113.10``."""
    parts = value.split(".")
    return len(parts) == 4 and all(part.isdigit() and len(part) <= 3 and int(part) <= 255 for part in parts)


@attrs.frozen(kw_only=True)
class Site:
    """A company's public web site: ``Lumen Labs`` at ``lumenlabs.io``."""

    company: str
    domain: str

    @property
    def home_url(self) -> str:
        return f"https://www.{self.domain}/"


def company_sites(ctx: SeedContext, count: int) -> list[Site]:
    """The first ``count`` company sites of this seed's world (the same list in every environment)."""
    rng = ctx.shared("company_sites")
    companies = list(fake.COMPANIES)
    rng.shuffle(companies)
    sites = []
    for company in companies[: max(0, min(count, len(companies)))]:
        stem = re.sub(r"-co$", "", fake.slug(company)).replace("-", "")
        tld = _TLDS[sum(map(ord, company)) % len(_TLDS)]
        sites.append(Site(company=company, domain=f"{stem}.{tld}"))
    return sites


def world_sites(ctx: SeedContext) -> list[Site]:
    """The company sites of this seed's world for this size: the DNS zones, the monitored sites and
    the sites whose pages get short links are the same list. The first is the account owner's."""
    return company_sites(ctx, max(2, ctx.size // 3 + 1))
