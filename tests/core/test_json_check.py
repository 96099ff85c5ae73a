"""check_json_value: the fast exact-type walk and the walk that names problems agree."""

from __future__ import annotations

import enum
import math

from hypothesis import given
from hypothesis import strategies as st

from envfactory_core.ids import _plain_json, check_json_value

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=4),
    st.tuples(st.integers()),
    st.sets(st.integers(), max_size=2),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)), children, max_size=3),
    ),
    max_leaves=12,
)


def _slow_ok(value: object) -> bool:
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _slow_ok(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_slow_ok(item) for item in value)
    return False


@given(values)
def test_problems_are_found_exactly_when_the_value_is_not_json(value: object) -> None:
    assert (check_json_value(value) == []) == _slow_ok(value)
    if _plain_json(value):
        assert _slow_ok(value)


class Level(enum.IntEnum):
    LOW = 1


def test_subclasses_of_json_types_are_still_accepted_and_problems_named() -> None:
    assert check_json_value({"level": Level.LOW}) == []
    assert check_json_value({"a": [1, float("nan")]}) == ["$.a[1]: nan is not a finite number"]
    assert check_json_value({1: "x"}) == ["$: key 1 is not a string"]
