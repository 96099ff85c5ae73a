"""The benchmark's state hash: the pinned initial value, exact types, and the incremental form."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from envfactory_taubench.replay import same_json
from envfactory_taubench.schema import state_to_view, view_to_state
from envfactory_taubench.state_hash import (
    EpisodeStateHasher,
    TupleTextHash,
    _tuple_text,
    hashable,
    state_hash,
    view_hash,
)
from envfactory_taubench.testing import small_view
from envfactory_taubench.upstream import INITIAL_STATE_HASH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


def reference_hash(view: dict[str, Any]) -> str:
    """The definition, written out independently of the package: nested sorted tuples, str(), SHA-256."""

    def nest(value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(sorted((key, nest(item)) for key, item in value.items()))
        if isinstance(value, list):
            return tuple(nest(item) for item in value)
        return value

    return hashlib.sha256(str(nest(view)).encode("utf-8")).hexdigest()


def test_untouched_initial_state_hashes_to_the_provenance_value(shared_environment, shared_data):
    assert view_hash(shared_data.view) == INITIAL_STATE_HASH
    with shared_environment.episode() as episode:
        assert state_hash(episode.state()) == INITIAL_STATE_HASH
        assert EpisodeStateHasher().hash(episode) == INITIAL_STATE_HASH


def test_the_view_rebuilt_from_our_canonical_state_is_the_loaded_data_exactly(shared_environment, shared_data):
    with shared_environment.episode() as episode:
        rebuilt = state_to_view(episode.state())
    assert same_json(rebuilt, json.loads(json.dumps(shared_data.view)))


@given(json_values)
@settings(max_examples=150)
def test_hashable_matches_the_definition(value):
    assert hashlib.sha256(str(hashable({"x": value})).encode()).hexdigest() == reference_hash({"x": value})


@given(st.lists(st.one_of(json_scalars, st.tuples(json_scalars, json_scalars)), max_size=4))
@settings(max_examples=150)
def test_tuple_text_is_str_of_a_tuple(items):
    assert _tuple_text([repr(item) for item in items]) == str(tuple(items))


def test_int_and_float_hash_differently():
    view = small_view()
    floated = copy.deepcopy(view)
    floated["reservations"]["ABC123"]["total_baggages"] = 1.0
    assert view_hash(view) != view_hash(floated)
    assert state_to_view(view_to_state(floated))["reservations"]["ABC123"]["total_baggages"] == 1.0
    assert type(state_to_view(view_to_state(floated))["reservations"]["ABC123"]["total_baggages"]) is float


CALLS = st.lists(
    st.one_of(
        st.builds(
            lambda passengers, amount, cabin: (
                "book_reservation",
                {
                    "user_id": "ada_lovelace_1815",
                    "origin": "JFK",
                    "destination": "SEA",
                    "flight_type": "one_way",
                    "cabin": cabin,
                    "flights": [{"flight_number": "HAT003", "date": "2024-05-20"}],
                    "passengers": [
                        {"first_name": "P", "last_name": str(n), "dob": "2000-01-01"} for n in range(passengers)
                    ],
                    "payment_methods": [{"payment_id": "credit_card_1111111", "amount": amount}],
                    "total_baggages": 0,
                    "nonfree_baggages": 0,
                    "insurance": "no",
                },
            ),
            st.integers(1, 3),
            st.sampled_from([90, 150, 180, 300, 450, 600]),
            st.sampled_from(["basic_economy", "economy", "business"]),
        ),
        st.builds(
            lambda rid: ("cancel_reservation", {"reservation_id": rid}), st.sampled_from(["ABC123", "HATHAT", "HATHAU"])
        ),
        st.builds(
            lambda amount: ("send_certificate", {"user_id": "ada_lovelace_1815", "amount": amount}),
            st.sampled_from([50, 100.0]),
        ),
        st.builds(
            lambda rid, bags, pay: (
                "update_reservation_baggages",
                {"reservation_id": rid, "total_baggages": bags, "nonfree_baggages": bags, "payment_id": pay},
            ),
            st.sampled_from(["ABC123", "HATHAT"]),
            st.integers(0, 3),
            st.sampled_from(["gift_card_2222222", "credit_card_1111111", "certificate_3333333"]),
        ),
    ),
    max_size=6,
)


@given(CALLS)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_incremental_hash_equals_the_hash_from_scratch(small_environment, calls):
    hasher = EpisodeStateHasher()
    with small_environment.episode() as episode:
        for tool, arguments in calls:
            episode.call(tool, arguments)
            assert hasher.hash(episode) == reference_hash(state_to_view(episode.state()))
        episode.reset()
        assert hasher.hash(episode) == reference_hash(small_view())


record_keys = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
tables_strategy = st.dictionaries(
    st.sampled_from(["flights", "reservations", "users", "x"]),
    st.dictionaries(record_keys, json_values, max_size=12),
    min_size=1,
    max_size=4,
)


@given(
    tables_strategy,
    st.lists(st.tuples(st.integers(0, 3), record_keys, st.one_of(st.none(), json_values)), max_size=8),
    st.integers(1, 5),
)
@settings(max_examples=300)
def test_midstate_hash_equals_the_full_hash_under_any_edits(tables, edits, every):
    """Insertions, updates and removals anywhere, with midstates every few records, give the full hash."""
    texts = {name: {key: str((key, hashable(value))) for key, value in rows.items()} for name, rows in tables.items()}
    hasher = TupleTextHash(texts, checkpoint_every=every)
    view: dict[str, dict[str, Any]] = {name: dict(rows) for name, rows in tables.items()}
    assert hasher.initial == reference_hash(view)
    changes: dict[str, dict[str, str | None]] = {}
    names = sorted(tables)
    for table_index, key, value in edits:
        name = names[table_index % len(names)]
        if value is None:
            view[name].pop(key, None)
            changes.setdefault(name, {})[key] = None
        else:
            view[name][key] = value
            changes.setdefault(name, {})[key] = str((key, hashable(value)))
    assert hasher.hexdigest(changes) == reference_hash(view)
    assert hasher.full_text(changes) == str(hashable(view))


def test_midstate_hash_of_the_shared_data_after_edits_equals_the_full_hash(shared_environment, shared_replayer):
    """On the real airline data: a cancellation and a certificate hash as the whole state does."""
    replay = shared_replayer.replay(
        [
            ("cancel_reservation", {"reservation_id": "4WQ150"}),
            ("send_certificate", {"user_id": "mia_li_3668", "amount": 50}),
        ]
    )
    assert replay.state_hash == reference_hash(state_to_view(shared_replayer.final_state()))
    assert replay.state_hash != INITIAL_STATE_HASH
