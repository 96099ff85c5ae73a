"""DNS: zones and their records, after the Cloudflare API v4 zones and DNS records endpoints.

Record content is validated by type the way Cloudflare validates it (an ``A`` record needs an IPv4
address, an ``MX`` record a mail server host name and a priority, a ``CNAME`` cannot share its
name with other records), so an agent's mistakes come back as refusals it can act on.
"""

from __future__ import annotations

import ipaddress
import random
import re
from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.models import Provenance

from ._common import BASE62, HEX, is_hostname, iso, seed_token, world_sites

__all__ = ["environment"]

RecordType = Literal["A", "AAAA", "CNAME", "MX", "TXT", "NS", "CAA"]
Plan = Literal["free", "pro", "business", "enterprise"]

AUTOMATIC_TTL = 1
MIN_TTL = 60
MAX_TTL = 86400
MAX_TXT_LENGTH = 2048
MAX_ZONES = 25
PROXIABLE = frozenset({"A", "AAAA", "CNAME"})
NAME_SERVERS = (
    "ada.ns.cloudflare.com",
    "bob.ns.cloudflare.com",
    "cruz.ns.cloudflare.com",
    "dina.ns.cloudflare.com",
    "elle.ns.cloudflare.com",
    "fred.ns.cloudflare.com",
    "gina.ns.cloudflare.com",
    "hugo.ns.cloudflare.com",
)
_CAA = re.compile(r'^(0|128) (issue|issuewild|iodef) "[^"\s]+"$')

POLICY = """\
DNS account rules (enforced by the tools):
- The account holds at most 25 zones. A zone is a registrable domain (lumenlabs.io); a host name inside an
  existing zone (shop.lumenlabs.io) cannot be added as a zone of its own.
- A record's hostname must be the zone's domain or a name inside it; "@" means the zone's domain and a bare
  label ("www") is completed with the zone's domain.
- Content by type: A needs an IPv4 address, AAAA an IPv6 address, CNAME/MX/NS a host name, TXT 1 to 2048
  characters, CAA a flag, a tag (issue, issuewild, iodef) and a quoted value, e.g. 0 issue "letsencrypt.org".
- MX records need a priority from 0 to 65535; no other type takes a priority.
- TTL is 1 (automatic) or 60 to 86400 seconds. Only A, AAAA and CNAME records can be proxied, and a proxied
  record always uses the automatic TTL.
- A CNAME cannot share its hostname with any other record, and a CNAME cannot point at its own hostname.
- NS records cannot be created at the zone's domain: Cloudflare serves the apex name servers itself.
- An identical record (same type, hostname and content) cannot be created twice.
- Deleting a zone deletes all of its DNS records.
"""

environment = Environment(
    name="dns",
    domain="utilities",
    description=(
        "Authoritative DNS after the Cloudflare API v4 zones and DNS records endpoints: zones, records "
        "validated by type, TTLs and proxying, and BIND zone-file export."
    ),
    tables=[
        table(
            "zones",
            primary_key="zone_id",
            zone_id=str,
            domain=str,
            status=str,
            plan=str,
            paused=bool,
            name_servers=list,
            created_at=str,
            activated_at=str | None,
        ),
        table(
            "dns_records",
            primary_key="dns_record_id",
            dns_record_id=str,
            zone_id=str,
            type=str,
            hostname=str,
            content=str,
            ttl=int,
            proxied=bool,
            priority=int | None,
            comment=str | None,
            created_at=str,
            modified_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T08:30:00+00:00",
    provenance=Provenance(
        source="Cloudflare API v4 (zones, DNS records, DNS records export)",
        url="https://developers.cloudflare.com/api/resources/dns/subresources/records/",
    ),
)


# --- outputs -------------------------------------------------------------------------------------


class Zone(TypedDict):
    """A DNS zone.

    Args:
        zone_id: Zone id.
        domain: The zone's domain name.
        status: pending (name servers not yet switched) or active.
        plan: Cloudflare plan.
        paused: True when Cloudflare is paused for the zone (DNS only, no proxying).
        name_servers: Name servers the registrar must point at.
        record_count: Number of DNS records in the zone.
        created_at: When the zone was added.
    """

    zone_id: str
    domain: str
    status: str
    plan: str
    paused: bool
    name_servers: list[str]
    record_count: int
    created_at: str


class ZoneList(TypedDict):
    """Zones.

    Args:
        zones: Matching zones, by domain.
        count: Number of matching zones.
    """

    zones: list[Zone]
    count: int


class DeletedZone(TypedDict):
    """A removed zone.

    Args:
        zone_id: The removed zone's id.
        domain: The removed zone's domain.
        dns_records_deleted: Records removed with it.
    """

    zone_id: str
    domain: str
    dns_records_deleted: int


class DnsRecord(TypedDict):
    """A DNS record.

    Args:
        dns_record_id: Record id.
        zone_id: Zone the record belongs to.
        domain: The zone's domain.
        type: Record type.
        hostname: Fully qualified name the record answers for.
        content: Record value (address, target host, text).
        ttl: Time to live in seconds; 1 means automatic.
        proxied: Whether traffic goes through Cloudflare's proxy.
        priority: MX priority (null for other types).
        comment: Note on the record.
        created_at: When the record was created.
        modified_at: When the record last changed.
    """

    dns_record_id: str
    zone_id: str
    domain: str
    type: str
    hostname: str
    content: str
    ttl: int
    proxied: bool
    priority: int | None
    comment: str | None
    created_at: str
    modified_at: str


class DnsRecordList(TypedDict):
    """DNS records of a zone.

    Args:
        dns_records: Matching records, by hostname and type.
        count: Number of matching records.
    """

    dns_records: list[DnsRecord]
    count: int


class DeletedDnsRecord(TypedDict):
    """A removed DNS record.

    Args:
        dns_record_id: The removed record's id.
        deleted: Always true.
    """

    dns_record_id: str
    deleted: bool


class ZoneFile(TypedDict):
    """A zone in BIND format.

    Args:
        zone_id: Zone id.
        domain: The zone's domain.
        zone_file: The records as BIND zone-file text.
        record_count: Number of records in the file.
    """

    zone_id: str
    domain: str
    zone_file: str
    record_count: int


# --- helpers -------------------------------------------------------------------------------------


def _zone_output(zone: dict[str, Any], record_count: int) -> Zone:
    return Zone(
        zone_id=str(zone["zone_id"]),
        domain=str(zone["domain"]),
        status=str(zone["status"]),
        plan=str(zone["plan"]),
        paused=bool(zone["paused"]),
        name_servers=[str(server) for server in zone["name_servers"]],
        record_count=record_count,
        created_at=str(zone["created_at"]),
    )


def _record_output(record: dict[str, Any], domain: str) -> DnsRecord:
    priority = record["priority"]
    comment = record["comment"]
    return DnsRecord(
        dns_record_id=str(record["dns_record_id"]),
        zone_id=str(record["zone_id"]),
        domain=domain,
        type=str(record["type"]),
        hostname=str(record["hostname"]),
        content=str(record["content"]),
        ttl=int(record["ttl"]),
        proxied=bool(record["proxied"]),
        priority=None if priority is None else int(priority),
        comment=None if comment is None else str(comment),
        created_at=str(record["created_at"]),
        modified_at=str(record["modified_at"]),
    )


def _full_hostname(hostname: str, domain: str) -> str:
    """``@`` → the zone's domain, ``www`` → ``www.<domain>``; a name outside the zone is refused."""
    name = hostname.strip().lower().rstrip(".")
    if name in ("", "@"):
        return domain
    if name != domain and not name.endswith("." + domain):
        if "." in name and is_hostname(name):
            raise ToolError(f"hostname {hostname!r} is outside zone {domain}; use a name ending in .{domain} or '@'")
        name = f"{name}.{domain}"
    labels = name[: -len(domain)].rstrip(".").split(".") if name != domain else []
    for label in labels:
        if not re.fullmatch(r"(\*|_?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)", label):
            raise ToolError(
                f"hostname {hostname!r} has an invalid label {label!r}: use letters, digits and hyphens "
                "(a leading underscore or a lone * is allowed)"
            )
    return name


def _check_content(record_type: str, content: str, hostname: str) -> str:
    """The record's content, normalised, or a refusal that says what the type needs."""
    value = content.strip()
    if record_type == "A":
        try:
            return str(ipaddress.IPv4Address(value))
        except ValueError:
            raise ToolError(f"an A record needs an IPv4 address such as 203.0.113.10; got {content!r}") from None
    if record_type == "AAAA":
        try:
            return str(ipaddress.IPv6Address(value))
        except ValueError:
            raise ToolError(f"an AAAA record needs an IPv6 address such as 2001:db8::10; got {content!r}") from None
    if record_type in ("CNAME", "MX", "NS"):
        target = value.lower().rstrip(".")
        if not is_hostname(target):
            raise ToolError(f"a {record_type} record needs a host name such as mail.example.com; got {content!r}")
        if record_type == "CNAME" and target == hostname:
            raise ToolError(f"a CNAME cannot point at its own hostname {hostname}")
        return target
    if record_type == "TXT":
        if not value or len(value) > MAX_TXT_LENGTH:
            raise ToolError(f"a TXT record holds 1 to {MAX_TXT_LENGTH} characters; got {len(value)}")
        return value
    if not _CAA.match(value):
        raise ToolError(
            f'a CAA record needs a flag, a tag and a quoted value, e.g. 0 issue "letsencrypt.org"; got {content!r}'
        )
    return value


def _check_ttl_and_proxy(record_type: str, ttl: int, proxied: bool) -> None:
    if ttl != AUTOMATIC_TTL and not MIN_TTL <= ttl <= MAX_TTL:
        raise ToolError(f"ttl must be 1 (automatic) or between {MIN_TTL} and {MAX_TTL} seconds; got {ttl}")
    if proxied and record_type not in PROXIABLE:
        raise ToolError(f"{record_type} records cannot be proxied; only A, AAAA and CNAME records can")
    if proxied and ttl != AUTOMATIC_TTL:
        raise ToolError(f"a proxied record always uses the automatic TTL (1); got ttl {ttl}")


def _check_priority(record_type: str, priority: int | None) -> None:
    if record_type == "MX" and priority is None:
        raise ToolError("an MX record needs a priority from 0 to 65535 (lower is preferred)")
    if record_type != "MX" and priority is not None:
        raise ToolError(f"{record_type} records take no priority; only MX records do")


def _check_neighbours(
    others: list[dict[str, Any]], record_type: str, hostname: str, content: str, ignore: str | None = None
) -> None:
    """Refuse a CNAME next to other records at one name, and exact duplicates."""
    same_name = [row for row in others if row["hostname"] == hostname and row["dns_record_id"] != ignore]
    if record_type == "CNAME" and same_name:
        kinds = ", ".join(sorted({str(row["type"]) for row in same_name}))
        raise ToolError(
            f"{hostname} already has {kinds} record(s); a CNAME cannot share its hostname with other records"
        )
    cnames = [row for row in same_name if row["type"] == "CNAME"]
    if record_type != "CNAME" and cnames:
        raise ToolError(
            f"{hostname} has a CNAME record ({cnames[0]['dns_record_id']}); no other record can share its hostname"
        )
    for row in same_name:
        if row["type"] == record_type and row["content"] == content:
            raise ToolError(f"an identical {record_type} record for {hostname} already exists ({row['dns_record_id']})")


# --- tools ---------------------------------------------------------------------------------------

Ttl = Annotated[
    int, Arg(description="Time to live in seconds: 1 for automatic, or 60 to 86400.", minimum=1, maximum=MAX_TTL)
]
Comment = Annotated[str, Arg(max_length=100)]
Priority = Annotated[int, Arg(description="MX priority, 0 to 65535 (lower is preferred).", minimum=0, maximum=65535)]


@environment.tool(effect="read")
def list_zones(
    ctx: Context,
    domain: Annotated[str, Arg(max_length=253)] | None = None,
    status: Literal["pending", "active"] | None = None,
) -> ZoneList:
    """List the account's zones, optionally only one domain or one status.

    Args:
        domain: Only the zone for this domain.
        status: Only zones with this status.
    """
    filters: dict[str, Any] = {}
    if domain is not None:
        filters["domain"] = domain.strip().lower().rstrip(".")
    if status is not None:
        filters["status"] = status
    zones = ctx.table("zones").find(order_by="domain", **filters)
    records = ctx.table("dns_records")
    return ZoneList(
        zones=[_zone_output(zone, records.count(zone_id=zone["zone_id"])) for zone in zones], count=len(zones)
    )


@environment.tool(effect="write")
def create_zone(
    ctx: Context,
    domain: Annotated[str, Arg(min_length=3, max_length=253)],
    plan: Plan = "free",
) -> Zone:
    """Add a domain as a new zone; it stays pending until the registrar points at the assigned name servers.

    Args:
        domain: The registrable domain, e.g. lumenlabs.io.
        plan: Cloudflare plan for the zone.
    """
    zones = ctx.table("zones")
    name = domain.strip().lower().rstrip(".")
    if not is_hostname(name):
        raise ToolError(f"domain {domain!r} is not a domain name; give one such as lumenlabs.io")
    existing = zones.first(domain=name)
    if existing is not None:
        raise ToolError(f"{name} is already a zone ({existing['zone_id']})")
    for zone in zones.all():
        if name.endswith("." + str(zone["domain"])):
            raise ToolError(
                f"{name} is inside zone {zone['domain']} ({zone['zone_id']}); add DNS records there instead"
            )
    if zones.count() >= MAX_ZONES:
        raise ToolError(f"the account already holds {MAX_ZONES} zones, the most allowed; delete one first")
    first = ctx.rng.randrange(0, len(NAME_SERVERS) - 1, 2)
    row = zones.insert(
        {
            "zone_id": ctx.new_id(length=32, alphabet=HEX),
            "domain": name,
            "status": "pending",
            "plan": plan,
            "paused": False,
            "name_servers": [NAME_SERVERS[first], NAME_SERVERS[first + 1]],
            "created_at": iso(ctx.now),
            "activated_at": None,
        }
    )
    return _zone_output(row, 0)


@environment.tool(effect="write")
def update_zone(ctx: Context, zone_id: str, paused: bool | None = None, plan: Plan | None = None) -> Zone:
    """Pause or unpause Cloudflare for a zone (paused: DNS only, no proxy), or change its plan.

    Args:
        zone_id: The zone's id.
        paused: True to pause, false to resume.
        plan: New plan.
    """
    zones = ctx.table("zones")
    zone = zones.require(zone_id, what="zone")
    changes: dict[str, object] = {}
    if paused is not None and paused != zone["paused"]:
        changes["paused"] = paused
    if plan is not None and plan != zone["plan"]:
        changes["plan"] = plan
    if not changes:
        raise ToolError(f"nothing to change for zone {zone['domain']}: it already has these settings")
    updated = zones.update(zone_id, changes)
    return _zone_output(updated, ctx.table("dns_records").count(zone_id=zone_id))


@environment.tool(effect="write")
def delete_zone(ctx: Context, zone_id: str) -> DeletedZone:
    """Delete a zone and all of its DNS records.

    Args:
        zone_id: The zone's id.
    """
    zone = ctx.table("zones").require(zone_id, what="zone")
    records = ctx.table("dns_records")
    removed = records.find(zone_id=zone_id)
    for record in removed:
        records.delete(record["dns_record_id"])
    ctx.table("zones").delete(zone_id)
    return DeletedZone(zone_id=zone_id, domain=zone["domain"], dns_records_deleted=len(removed))


@environment.tool(effect="read")
def list_dns_records(
    ctx: Context,
    zone_id: str,
    type: RecordType | None = None,
    hostname: Annotated[str, Arg(max_length=253)] | None = None,
) -> DnsRecordList:
    """List a zone's DNS records, optionally of one type or for one hostname.

    Args:
        zone_id: The zone's id.
        type: Only records of this type.
        hostname: Only records for this hostname ("@", "www" or a full name).
    """
    zone = ctx.table("zones").require(zone_id, what="zone")
    filters: dict[str, Any] = {"zone_id": zone_id}
    if type is not None:
        filters["type"] = type
    if hostname is not None:
        filters["hostname"] = _full_hostname(hostname, zone["domain"])
    rows = ctx.table("dns_records").find(order_by=["hostname", "type", "content"], **filters)
    return DnsRecordList(dns_records=[_record_output(row, zone["domain"]) for row in rows], count=len(rows))


@environment.tool(effect="write")
def create_dns_record(
    ctx: Context,
    *,
    zone_id: str,
    type: RecordType,
    hostname: Annotated[str, Arg(min_length=1, max_length=253)],
    content: Annotated[str, Arg(min_length=1, max_length=MAX_TXT_LENGTH)],
    ttl: Ttl = AUTOMATIC_TTL,
    proxied: bool = False,
    priority: Priority | None = None,
    comment: Comment | None = None,
) -> DnsRecord:
    """Create a DNS record in a zone; content is checked against the record type.

    Args:
        zone_id: The zone's id.
        type: Record type.
        hostname: Name the record answers for: "@" for the zone's domain, "www", or a full name in the zone.
        content: Value: an IPv4 (A) or IPv6 (AAAA) address, a host name (CNAME, MX, NS), text (TXT) or a CAA value.
        ttl: Time to live in seconds; 1 is automatic.
        proxied: Send traffic through Cloudflare's proxy (A, AAAA and CNAME only).
        priority: MX priority (MX records only).
        comment: A note kept with the record.
    """
    zone = ctx.table("zones").require(zone_id, what="zone")
    domain = str(zone["domain"])
    name = _full_hostname(hostname, domain)
    if type == "NS" and name == domain:
        raise ToolError(f"NS records cannot be created at the zone's domain {domain}; Cloudflare serves them")
    value = _check_content(type, content, name)
    _check_ttl_and_proxy(type, ttl, proxied)
    _check_priority(type, priority)
    records = ctx.table("dns_records")
    _check_neighbours(records.find(zone_id=zone_id), type, name, value)
    stamp = iso(ctx.now)
    row = records.insert(
        {
            "dns_record_id": ctx.new_id(length=32, alphabet=HEX),
            "zone_id": zone_id,
            "type": type,
            "hostname": name,
            "content": value,
            "ttl": ttl,
            "proxied": proxied,
            "priority": priority,
            "comment": comment,
            "created_at": stamp,
            "modified_at": stamp,
        }
    )
    return _record_output(row, domain)


@environment.tool(effect="write")
def update_dns_record(
    ctx: Context,
    *,
    dns_record_id: str,
    content: Annotated[str, Arg(min_length=1, max_length=MAX_TXT_LENGTH)] | None = None,
    ttl: Ttl | None = None,
    proxied: bool | None = None,
    priority: Priority | None = None,
    comment: Comment | None = None,
) -> DnsRecord:
    """Change a DNS record's content, TTL, proxying, priority or comment (its type and hostname stay).

    Args:
        dns_record_id: The record's id.
        content: New value, valid for the record's type.
        ttl: New time to live in seconds; 1 is automatic.
        proxied: Proxy through Cloudflare or not (A, AAAA and CNAME only).
        priority: New MX priority (MX records only).
        comment: New note.
    """
    records = ctx.table("dns_records")
    record = records.require(dns_record_id, what="DNS record")
    zone = ctx.table("zones").require(record["zone_id"], what="zone")
    record_type = str(record["type"])
    if all(value is None for value in (content, ttl, proxied, priority, comment)):
        raise ToolError("nothing to change: give content, ttl, proxied, priority or comment")
    new_content = (
        _check_content(record_type, content, str(record["hostname"])) if content is not None else record["content"]
    )
    new_proxied = proxied if proxied is not None else bool(record["proxied"])
    new_ttl = ttl if ttl is not None else int(record["ttl"])
    if proxied is True and ttl is None:
        new_ttl = AUTOMATIC_TTL
    _check_ttl_and_proxy(record_type, new_ttl, new_proxied)
    if priority is not None:
        _check_priority(record_type, priority)
    if content is not None:
        siblings = records.find(zone_id=record["zone_id"])
        _check_neighbours(siblings, record_type, str(record["hostname"]), str(new_content), ignore=dns_record_id)
    changes: dict[str, object] = {"content": new_content, "ttl": new_ttl, "proxied": new_proxied}
    if priority is not None:
        changes["priority"] = priority
    if comment is not None:
        changes["comment"] = comment
    changed = any(record[key] != value for key, value in changes.items())
    if not changed:
        raise ToolError(f"DNS record {dns_record_id} already has these values")
    changes["modified_at"] = iso(ctx.now)
    updated = records.update(dns_record_id, changes)
    return _record_output(updated, str(zone["domain"]))


@environment.tool(effect="write")
def delete_dns_record(ctx: Context, dns_record_id: str) -> DeletedDnsRecord:
    """Delete a DNS record.

    Args:
        dns_record_id: The record's id.
    """
    ctx.table("dns_records").delete(dns_record_id)
    return DeletedDnsRecord(dns_record_id=dns_record_id, deleted=True)


@environment.tool(effect="read")
def export_zone_file(ctx: Context, zone_id: str) -> ZoneFile:
    """Export a zone's records as a BIND zone file (for backup or moving to another DNS host).

    Args:
        zone_id: The zone's id.
    """
    zone = ctx.table("zones").require(zone_id, what="zone")
    domain = str(zone["domain"])
    rows = ctx.table("dns_records").find(zone_id=zone_id, order_by=["hostname", "type", "content"])
    lines = [f";; Zone file for {domain}", f"$ORIGIN {domain}.", "$TTL 3600"]
    for row in rows:
        ttl = 300 if row["ttl"] == AUTOMATIC_TTL else row["ttl"]
        content = str(row["content"])
        if row["type"] in ("CNAME", "MX", "NS"):
            content += "."
        elif row["type"] == "TXT":
            content = '"' + content.replace('"', '\\"') + '"'
        if row["priority"] is not None:
            content = f"{row['priority']} {content}"
        note = " ; cf_tags=cf-proxied:true" if row["proxied"] else ""
        lines.append(f"{row['hostname']}.\t{ttl}\tIN\t{row['type']}\t{content}{note}")
    return ZoneFile(zone_id=zone_id, domain=domain, zone_file="\n".join(lines) + "\n", record_count=len(rows))


# --- seed ----------------------------------------------------------------------------------------

_MAIL = (
    (("aspmx.l.google.com", 1), ("alt1.aspmx.l.google.com", 5), ("alt2.aspmx.l.google.com", 5)),
    (("mx1.improvmx.com", 10), ("mx2.improvmx.com", 20)),
    (("mxa.mailgun.org", 10), ("mxb.mailgun.org", 10)),
)
_SPF = ("include:_spf.google.com", "include:spf.improvmx.com", "include:mailgun.org")
_BITLY = ("go", "cname.bitly.com")
_SERVICES = (
    ("status", "stats.uptimerobot.com"),
    ("shop", "shops.myshopify.com"),
    _BITLY,
    ("docs", "hosting.gitbook.io"),
    ("help", "custom.intercom.help"),
)


def _ipv4(rng: random.Random) -> str:
    prefix = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{prefix}.{rng.randint(2, 250)}"


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    zones, records = [], []
    for index, site in enumerate(world_sites(ctx)):
        zone_id = seed_token(rng, 32, HEX)
        created = ctx.now - timedelta(days=rng.randint(3, 900), minutes=rng.randrange(0, 1440, 5))
        pending = rng.random() < 0.15
        first = rng.randrange(0, len(NAME_SERVERS) - 1, 2)
        zones.append(
            {
                "zone_id": zone_id,
                "domain": site.domain,
                "status": "pending" if pending else "active",
                "plan": fake.choose_weighted(rng, {"free": 6, "pro": 3, "business": 1}),
                "paused": (not pending) and rng.random() < 0.1,
                "name_servers": [NAME_SERVERS[first], NAME_SERVERS[first + 1]],
                "created_at": iso(created),
                "activated_at": None if pending else iso(created + timedelta(hours=rng.randint(1, 72))),
            }
        )
        mail = rng.randrange(len(_MAIL))
        apex_proxied = rng.random() < 0.8
        entries: list[tuple[str, str, str, int, bool, int | None, str | None]] = [
            ("A", site.domain, _ipv4(rng), 1 if apex_proxied else 3600, apex_proxied, None, None),
            ("CNAME", f"www.{site.domain}", site.domain, 1, apex_proxied, None, None),
            ("TXT", site.domain, f"v=spf1 {_SPF[mail]} ~all", 3600, False, None, "SPF"),
            (
                "TXT",
                f"_dmarc.{site.domain}",
                f"v=DMARC1; p={rng.choice(('none', 'quarantine', 'reject'))}; rua=mailto:dmarc@{site.domain}",
                3600,
                False,
                None,
                None,
            ),
        ]
        entries += [("MX", site.domain, host, 3600, False, priority, None) for host, priority in _MAIL[mail]]
        if rng.random() < 0.5:
            entries.append(
                (
                    "AAAA",
                    site.domain,
                    f"2001:db8:{rng.randint(1, 0xFFFF):x}::{rng.randint(1, 0xFF):x}",
                    1,
                    True,
                    None,
                    None,
                )
            )
        if rng.random() < 0.6:
            entries.append(
                ("A", f"api.{site.domain}", _ipv4(rng), rng.choice((300, 600, 1800)), False, None, "API load balancer")
            )
        services = rng.sample(_SERVICES, rng.randint(1, 3))
        if index == 0 and _BITLY not in services:
            services.append(_BITLY)  # the owner's branded short domain at the link shortener
        for label, target in services:
            entries.append(("CNAME", f"{label}.{site.domain}", target, rng.choice((1, 300, 3600)), False, None, None))
        if rng.random() < 0.4:
            entries.append(("CAA", site.domain, '0 issue "letsencrypt.org"', 3600, False, None, None))
        if rng.random() < 0.3:
            entries.append(
                (
                    "TXT",
                    site.domain,
                    f"google-site-verification={seed_token(rng, 43, BASE62)}",
                    3600,
                    False,
                    None,
                    "Search Console",
                )
            )
        for record_type, hostname, content, ttl, proxied, priority, comment in entries:
            stamp = created + timedelta(minutes=rng.randint(5, 60 * 24 * 30))
            records.append(
                {
                    "dns_record_id": seed_token(rng, 32, HEX),
                    "zone_id": zone_id,
                    "type": record_type,
                    "hostname": hostname,
                    "content": content,
                    "ttl": ttl,
                    "proxied": proxied,
                    "priority": priority,
                    "comment": comment,
                    "created_at": iso(stamp),
                    "modified_at": iso(min(ctx.now, stamp + timedelta(days=rng.randint(0, 90)))),
                }
            )
    return {"zones": zones, "dns_records": records}
