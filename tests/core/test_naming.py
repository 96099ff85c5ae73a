"""The one naming helper: each singular rule and both ``snake`` rules keep the words their callers store."""

from __future__ import annotations

import pytest

from envfactory_core.naming import singular, singular_name, snake, strip_plural


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ids", "id"),
        ("categories", "category"),
        ("boxes", "box"),
        ("tags", "tag"),
        ("bus", "bus"),
        ("status", "status"),
        ("address", "address"),
        ("analysis", "analysis"),
        ("shelves", "shelve"),
        ("people", "people"),
    ],
)
def test_singular_keeps_short_and_invariant_words(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shelves", "shelf"),
        ("policies", "policy"),
        ("addresses", "address"),
        ("pets", "pet"),
        ("status", "status"),
        ("people", "person"),
        ("data", "data"),
        ("user_settings", "user_setting"),
        ("balance_accounts", "balance_account"),
        ("Pets", "Pet"),
        ("ids", "id"),
    ],
)
def test_singular_name_cuts_the_last_word_and_knows_irregular_words(name: str, expected: str) -> None:
    assert singular_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("expense_ids", "expense_id"),
        ("categories", "category"),
        ("tags", "tag"),
        ("status", "statu"),
        ("boxes", "boxe"),
        ("data", "data"),
    ],
)
def test_strip_plural_only_drops_ies_and_s(name: str, expected: str) -> None:
    assert strip_plural(name) == expected


@pytest.mark.parametrize(
    ("name", "acronyms", "plain"),
    [
        ("balanceAccountId", "balance_account_id", "balance_account_id"),
        ("If-Match", "if_match", "if_match"),
        ("HTTPServer", "http_server", "httpserver"),
        ("createdAt", "created_at", "created_at"),
        ("user__ID", "user_id", "user_id"),
        ("  page size ", "page_size", "page_size"),
    ],
)
def test_snake_splits_acronyms_unless_told_not_to(name: str, acronyms: str, plain: str) -> None:
    assert snake(name) == acronyms
    assert snake(name, split_acronyms=False) == plain
