"""Scenarios for the DNS environment: record validation by type, proxying rules and zone deletion."""

from __future__ import annotations

import pytest
from envfactory_utilities import dns

from envfactory_core.env import Episode


@pytest.fixture
def episode() -> Episode:
    return dns.episode(seed=0)


@pytest.fixture
def zone(episode: Episode) -> dict:
    return episode.table("zones").all(order_by="domain")[0]


def test_creating_a_record_adds_one_row_and_completes_the_hostname(episode: Episode, zone: dict, ok) -> None:
    record = ok(
        episode,
        "create_dns_record",
        zone_id=zone["zone_id"],
        type="A",
        hostname="blog",
        content="203.0.113.77",
        ttl=300,
    )
    assert record["hostname"] == f"blog.{zone['domain']}"
    assert record["domain"] == zone["domain"]
    [change] = episode.diff().changes
    assert (change.table, change.change, change.key) == ("dns_records", "added", record["dns_record_id"])
    listed = ok(episode, "list_dns_records", zone_id=zone["zone_id"], hostname="blog")
    assert [item["dns_record_id"] for item in listed["dns_records"]] == [record["dns_record_id"]]
    assert (
        f"blog.{zone['domain']}.\t300\tIN\tA\t203.0.113.77"
        in ok(episode, "export_zone_file", zone_id=zone["zone_id"])["zone_file"]
    )


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"type": "A", "hostname": "x", "content": "2001:db8::1"}, "needs an IPv4 address"),
        ({"type": "AAAA", "hostname": "x", "content": "203.0.113.1"}, "needs an IPv6 address"),
        ({"type": "MX", "hostname": "@", "content": "mx.example.net"}, "needs a priority"),
        ({"type": "TXT", "hostname": "x", "content": "hello", "priority": 10}, "take no priority"),
        ({"type": "TXT", "hostname": "x", "content": "hello", "proxied": True}, "cannot be proxied"),
        ({"type": "A", "hostname": "x", "content": "203.0.113.1", "proxied": True, "ttl": 600}, "automatic TTL"),
        ({"type": "A", "hostname": "x", "content": "203.0.113.1", "ttl": 30}, "between 60 and 86400"),
        ({"type": "CNAME", "hostname": "@", "content": "elsewhere.example.net"}, "cannot share its hostname"),
        ({"type": "NS", "hostname": "@", "content": "ns1.example.net"}, "Cloudflare serves them"),
        ({"type": "CAA", "hostname": "@", "content": "issue letsencrypt.org"}, "quoted value"),
        ({"type": "A", "hostname": "www.not-this-zone.org", "content": "203.0.113.1"}, "outside zone"),
    ],
)
def test_invalid_records_are_refused_and_change_nothing(
    episode: Episode, zone: dict, arguments: dict, reason: str, refused
) -> None:
    assert reason in refused(episode, "create_dns_record", zone_id=zone["zone_id"], **arguments)


def test_no_record_can_join_a_cname(episode: Episode, zone: dict, refused) -> None:
    www = episode.table("dns_records").first(zone_id=zone["zone_id"], hostname=f"www.{zone['domain']}")
    assert www["type"] == "CNAME"
    assert "has a CNAME record" in refused(
        episode, "create_dns_record", zone_id=zone["zone_id"], type="TXT", hostname="www", content="note"
    )


def test_proxying_a_record_switches_it_to_the_automatic_ttl(episode: Episode, zone: dict, ok, refused) -> None:
    api = ok(
        episode,
        "create_dns_record",
        zone_id=zone["zone_id"],
        type="A",
        hostname="edge",
        content="198.51.100.9",
        ttl=600,
    )
    updated = ok(episode, "update_dns_record", dns_record_id=api["dns_record_id"], proxied=True)
    assert (updated["proxied"], updated["ttl"]) == (True, 1)
    mx = episode.table("dns_records").first(zone_id=zone["zone_id"], type="MX")
    assert "cannot be proxied" in refused(episode, "update_dns_record", dns_record_id=mx["dns_record_id"], proxied=True)


def test_deleting_a_zone_deletes_its_records(episode: Episode, zone: dict, ok) -> None:
    count = episode.table("dns_records").count(zone_id=zone["zone_id"])
    result = ok(episode, "delete_zone", zone_id=zone["zone_id"])
    assert result["dns_records_deleted"] == count > 0
    removed = [change for change in episode.diff().changes if change.change == "removed"]
    assert len(removed) == count + 1
    assert episode.table("dns_records").count(zone_id=zone["zone_id"]) == 0


def test_a_new_zone_is_pending_and_subdomains_of_zones_are_refused(episode: Episode, zone: dict, ok, refused) -> None:
    created = ok(episode, "create_zone", domain="Harborview-Logistics.com")
    assert (created["domain"], created["status"], created["record_count"]) == ("harborview-logistics.com", "pending", 0)
    assert len(created["name_servers"]) == 2
    assert "is inside zone" in refused(episode, "create_zone", domain=f"shop.{zone['domain']}")
    assert "already a zone" in refused(episode, "create_zone", domain=zone["domain"])
