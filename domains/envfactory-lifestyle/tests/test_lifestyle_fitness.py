"""Scenarios for the fitness environment: manual activities, overlap and speed rules, ownership, goals."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from envfactory_lifestyle.fitness import environment


def _free_morning(episode, athlete):
    """A start time in the athlete's zone today or yesterday with no activity in the two hours after it."""
    zone = datetime.fromisoformat("2025-01-01T00:00:00" + athlete["utc_offset"]).tzinfo
    local_now = environment.clock.astimezone(zone)
    taken = [
        (datetime.fromisoformat(row["start_time"]), row["elapsed_time_s"])
        for row in episode.table("activities").find(athlete_id=athlete["athlete_id"])
    ]
    for days_back in range(10):
        start = (local_now - timedelta(days=days_back)).replace(hour=5, minute=0, second=0, microsecond=0)
        if start >= environment.clock:
            continue
        end = start + timedelta(hours=2)
        if all(not (start < other + timedelta(seconds=secs) and other < end) for other, secs in taken):
            return start
    raise AssertionError("no free morning")


def test_a_manual_run_counts_toward_stats_and_the_weekly_goal():
    state = copy.deepcopy(environment.initial_state(seed=0))
    athlete = sorted(state["athletes"].values(), key=lambda row: row["athlete_id"])[0]
    athlete["premium"] = True
    episode = environment.episode(state=state)
    assert episode.call(
        "set_goal",
        {
            "athlete_id": athlete["athlete_id"],
            "sport_type": "Run",
            "period": "week",
            "metric": "distance",
            "target": 40,
        },
    ).ok
    goal_before = episode.call("list_goals", {"athlete_id": athlete["athlete_id"]}).output["goals"]
    stats_before = episode.call("get_athlete_stats", {"athlete_id": athlete["athlete_id"]}).output["totals"]
    start = _free_morning(episode, athlete).isoformat()
    created = episode.call(
        "create_activity",
        {
            "athlete_id": athlete["athlete_id"],
            "name": "Tempo Run",
            "sport_type": "Run",
            "start_time": start,
            "elapsed_time_s": 3000,
            "distance_m": 10000,
        },
    )
    assert created.ok, created.error
    assert created.output["average_speed_kmh"] == 12.0
    assert created.output["manual"] is True
    stats_after = episode.call("get_athlete_stats", {"athlete_id": athlete["athlete_id"]}).output["totals"]
    recent = {(row["sport_type"], row["period"]): row for row in stats_after}
    old = {(row["sport_type"], row["period"]): row for row in stats_before}
    assert recent["Run", "recent"]["count"] == old["Run", "recent"]["count"] + 1
    assert recent["Run", "recent"]["distance_m"] == round(old["Run", "recent"]["distance_m"] + 10000, 1)
    run_goal = next(goal for goal in goal_before if goal["sport_type"] == "Run" and goal["metric"] == "distance")
    this_week = start[:10] >= run_goal["start_date"]
    after = next(
        goal
        for goal in episode.call("list_goals", {"athlete_id": athlete["athlete_id"]}).output["goals"]
        if goal["goal_id"] == run_goal["goal_id"]
    )
    assert after["progress"] == round(run_goal["progress"] + (10.0 if this_week else 0.0), 2)


def test_overlapping_and_impossible_activities_are_refused():
    episode = environment.episode(seed=0)
    existing = episode.table("activities").all()[0]
    before = episode.state_hash()
    overlap = episode.call(
        "create_activity",
        {
            "athlete_id": existing["athlete_id"],
            "name": "Duplicate",
            "sport_type": existing["sport_type"],
            "start_time": existing["start_time"],
            "elapsed_time_s": 1800,
            "distance_m": 1000,
        },
    )
    assert not overlap.ok
    assert str(existing["activity_id"]) in overlap.error.message
    athlete = episode.table("athletes").get(existing["athlete_id"])
    start = _free_morning(episode, athlete).isoformat()
    too_fast = episode.call(
        "create_activity",
        {
            "athlete_id": existing["athlete_id"],
            "name": "Rocket run",
            "sport_type": "Run",
            "start_time": start,
            "elapsed_time_s": 600,
            "distance_m": 10000,
        },
    )
    assert not too_fast.ok
    assert "60.0 km/h is not possible for a Run" in too_fast.error.message
    future = episode.call(
        "create_activity",
        {
            "athlete_id": existing["athlete_id"],
            "name": "Tomorrow",
            "sport_type": "Walk",
            "start_time": (environment.clock + timedelta(days=1)).isoformat(),
            "elapsed_time_s": 600,
        },
    )
    assert not future.ok
    assert "in the future" in future.error.message
    assert episode.state_hash() == before


def test_only_the_owner_can_change_or_delete_an_activity():
    episode = environment.episode(seed=0)
    athletes = [row["athlete_id"] for row in episode.table("athletes").all()]
    activity = episode.table("activities").first(athlete_id=athletes[0])
    stranger = athletes[1]
    refused = episode.call("delete_activity", {"activity_id": activity["activity_id"], "athlete_id": stranger})
    assert not refused.ok
    assert "belongs to another athlete" in refused.error.message
    renamed = episode.call(
        "update_activity", {"activity_id": activity["activity_id"], "athlete_id": athletes[0], "name": "Renamed"}
    )
    assert renamed.ok
    assert renamed.output["name"] == "Renamed"
    deleted = episode.call("delete_activity", {"activity_id": activity["activity_id"], "athlete_id": athletes[0]})
    assert deleted.ok
    changes = episode.diff().changes
    assert [(change.table, change.change) for change in changes] == [("activities", "removed")]
    assert not episode.call("get_activity", {"activity_id": activity["activity_id"]}).ok


def test_goals_need_a_subscription_and_setting_again_replaces_the_target():
    state = copy.deepcopy(environment.initial_state(seed=0))
    free, paid = sorted(state["athletes"].values(), key=lambda row: row["athlete_id"])[:2]
    free["premium"], paid["premium"] = False, True
    episode = environment.episode(state=state)
    goal = {"sport_type": "Ride", "period": "month", "metric": "elevation", "target": 2000}
    refused = episode.call("set_goal", {"athlete_id": free["athlete_id"], **goal})
    assert not refused.ok
    assert "subscriber feature" in refused.error.message
    first = episode.call("set_goal", {"athlete_id": paid["athlete_id"], **goal})
    second = episode.call("set_goal", {"athlete_id": paid["athlete_id"], **goal, "target": 3500})
    assert first.ok
    assert second.ok
    assert first.output["goal_id"] == second.output["goal_id"]
    assert second.output["target"] == 3500
    assert second.output["unit"] == "m"
    rows = episode.table("goals").find(athlete_id=paid["athlete_id"], sport_type="Ride", period="month")
    assert len(rows) == 1


def test_changing_the_sport_rechecks_the_speed():
    episode = environment.episode(seed=1)
    ride = next(
        row
        for row in episode.table("activities").all()
        if row["sport_type"] == "Ride" and row["distance_m"] / row["moving_time_s"] * 3.6 > 25
    )
    result = episode.call(
        "update_activity", {"activity_id": ride["activity_id"], "athlete_id": ride["athlete_id"], "sport_type": "Run"}
    )
    assert not result.ok
    assert "not possible for a Run" in result.error.message
    assert episode.diff().empty
