"""Fitness tracking after the Strava API: athletes, activities, routes, stats and goals.

Activities follow Strava's activity model (sport type, local start time, elapsed and moving time in
seconds, distance and elevation gain in meters, visibility, commute and trainer flags) and its
manual-entry rules: an activity records something that happened, cannot overlap another activity of
the same athlete, and is refused when its average speed is impossible for the sport. Stats mirror
``/athletes/{id}/stats`` (recent four weeks and year-to-date totals); progress goals are a
subscriber feature, as in the Strava app.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, iso, local_zone, next_int_id, offset_of, parse_time

__all__ = ["environment"]

SportType = Literal["Run", "TrailRun", "Ride", "GravelRide", "VirtualRide", "Walk", "Hike", "Swim"]
GoalSport = Literal["Run", "Ride", "Walk", "Swim"]
FAMILY = {
    "Run": "Run",
    "TrailRun": "Run",
    "Ride": "Ride",
    "GravelRide": "Ride",
    "VirtualRide": "Ride",
    "Walk": "Walk",
    "Hike": "Walk",
    "Swim": "Swim",
}
# Fastest plausible average speed per sport, km/h (Strava flags faster efforts as not human-powered).
MAX_SPEED_KMH = {
    "Run": 25.0,
    "TrailRun": 22.0,
    "Ride": 75.0,
    "GravelRide": 60.0,
    "VirtualRide": 75.0,
    "Walk": 10.0,
    "Hike": 10.0,
    "Swim": 8.0,
}
GOAL_UNITS = {"distance": "km", "time": "hours", "elevation": "m"}
MAX_ELAPSED_S = 48 * 3600

POLICY = """\
Activity and goal rules:
- An activity records something that already happened: its start time cannot be in the future, and
  its elapsed time is between 1 minute and 48 hours.
- An athlete's activities cannot overlap in time; a new or changed activity that overlaps another one
  is refused with the activity it collides with.
- The average speed must be possible for the sport (run 25 km/h, trail run 22, ride 75, gravel ride
  60, virtual ride 75, walk and hike 10, swim 8 at most).
- Only the athlete who owns an activity can change or delete it; deleting cannot be undone.
- Progress goals are for subscribers only. An athlete has at most one goal per sport, period and
  metric: setting it again replaces the target. Targets are in km (distance), hours (time) or meters
  (elevation) and must be positive. Runs include trail runs, rides include gravel and virtual rides,
  walks include hikes.
"""

environment = Environment(
    name="fitness",
    domain="lifestyle",
    description=(
        "Fitness tracking after the Strava API's athletes, activities, routes and stats endpoints: read an "
        "athlete's profile and totals, list, record, edit and delete activities, browse saved routes, and set "
        "weekly, monthly or yearly progress goals."
    ),
    tables=[
        table(
            "athletes",
            primary_key="athlete_id",
            athlete_id=int,
            first_name=str,
            last_name=str,
            email=str,
            city=str,
            country=str,
            utc_offset=str,
            premium=bool,
            weight_kg=float,
            created_at=str,
        ),
        table(
            "activities",
            primary_key="activity_id",
            activity_id=int,
            athlete_id=int,
            name=str,
            sport_type=str,
            start_time=str,
            elapsed_time_s=int,
            moving_time_s=int,
            distance_m=float,
            elevation_gain_m=float,
            description=str | None,
            commute=bool,
            trainer=bool,
            visibility=str,
            kudos_count=int,
            manual=bool,
        ),
        table(
            "routes",
            primary_key="route_id",
            route_id=int,
            athlete_id=int,
            name=str,
            sport_type=str,
            distance_m=float,
            elevation_gain_m=float,
            estimated_moving_time_s=int,
            private=bool,
            starred=bool,
            created_at=str,
        ),
        table(
            "goals",
            primary_key="goal_id",
            goal_id=str,
            athlete_id=int,
            sport_type=str,
            period=str,
            metric=str,
            target=float,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Strava API v3: Athletes (get athlete, stats), Activities (create, get, list, update), Routes; "
        "progress goals from the Strava app",
        url="https://developers.strava.com/docs/reference/",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class Athlete(TypedDict):
    """An athlete's profile.

    Args:
        athlete_id: The athlete's id.
        email: The athlete's email.
        premium: Whether the athlete has a subscription (needed for goals).
    """

    athlete_id: int
    first_name: str
    last_name: str
    email: str
    city: str
    country: str
    utc_offset: str
    premium: bool
    weight_kg: float
    created_at: str


class Activity(TypedDict):
    """A recorded activity.

    Args:
        activity_id: The activity's id.
        name: The activity's title.
        start_time: Local start time, ISO 8601 with the athlete's offset.
        end_time: Start time plus elapsed time.
        distance_m: Distance in meters.
        elapsed_time_s: Elapsed time in seconds.
        average_speed_kmh: Distance over moving time, km/h.
        visibility: everyone, followers_only or only_me.
    """

    activity_id: int
    athlete_id: int
    name: str
    sport_type: str
    start_time: str
    end_time: str
    elapsed_time_s: int
    moving_time_s: int
    distance_m: float
    elevation_gain_m: float
    average_speed_kmh: float
    description: str | None
    commute: bool
    trainer: bool
    visibility: str
    kudos_count: int
    manual: bool


class ActivityList(TypedDict):
    activities: list[Activity]
    count: int


class Deleted(TypedDict):
    activity_id: int
    deleted: bool
    name: str


class Totals(TypedDict):
    """Totals for one sport over one window.

    Args:
        period: recent (the last 4 weeks) or ytd (this calendar year).
    """

    sport_type: str
    period: str
    count: int
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float


class Stats(TypedDict):
    athlete_id: int
    totals: list[Totals]


class Route(TypedDict):
    """A saved route.

    Args:
        route_id: The route's id.
        estimated_moving_time_s: Strava's estimate of the moving time, in seconds.
    """

    route_id: int
    athlete_id: int
    name: str
    sport_type: str
    distance_m: float
    elevation_gain_m: float
    estimated_moving_time_s: int
    private: bool
    starred: bool
    created_at: str


class RouteList(TypedDict):
    routes: list[Route]
    count: int


class Goal(TypedDict):
    """A progress goal and where the athlete stands.

    Args:
        goal_id: The goal's id.
        period: week, month or year (calendar periods in the athlete's time zone).
        metric: distance, time or elevation.
        target: Target in ``unit``.
        unit: km, hours or m.
        progress: Achieved so far this period, in ``unit``.
        start_date: First day of the current period.
        end_date: Last day of the current period.
    """

    goal_id: str
    athlete_id: int
    sport_type: str
    period: str
    metric: str
    target: float
    unit: str
    progress: float
    percent_complete: float
    start_date: str
    end_date: str


class GoalList(TypedDict):
    goals: list[Goal]
    count: int


# --- rules -----------------------------------------------------------------------------------------------------


def _athlete(ctx: Context, athlete_id: int) -> dict[str, Any]:
    return ctx.table("athletes").require(athlete_id, what="athlete")


def _activity_out(row: dict[str, Any]) -> Activity:
    start = datetime.fromisoformat(row["start_time"])
    speed = row["distance_m"] / row["moving_time_s"] * 3.6 if row["moving_time_s"] else 0.0
    out = {key: row[key] for key in Activity.__annotations__ if key in row}
    out["end_time"] = iso(start + timedelta(seconds=row["elapsed_time_s"]))
    out["average_speed_kmh"] = round(speed, 2)
    return cast(Activity, out)


def _owned(ctx: Context, activity_id: int, athlete_id: int) -> dict[str, Any]:
    row = ctx.table("activities").require(activity_id, what="activity")
    _athlete(ctx, athlete_id)
    if row["athlete_id"] != athlete_id:
        raise ToolError(f"activity {activity_id} belongs to another athlete; only its owner can change or delete it")
    return row


def _check_speed(sport_type: str, distance_m: float, moving_time_s: int) -> None:
    if distance_m <= 0 or moving_time_s <= 0:
        return
    speed = distance_m / moving_time_s * 3.6
    if speed > MAX_SPEED_KMH[sport_type]:
        raise ToolError(
            f"an average speed of {speed:.1f} km/h is not possible for a {sport_type} (at most "
            f"{MAX_SPEED_KMH[sport_type]:.0f} km/h); check the distance, the time or the sport type"
        )


def _check_overlap(ctx: Context, athlete_id: int, start: datetime, elapsed_s: int, ignore: int | None = None) -> None:
    end = start + timedelta(seconds=elapsed_s)
    for other in ctx.table("activities").find(athlete_id=athlete_id):
        if other["activity_id"] == ignore:
            continue
        other_start = datetime.fromisoformat(other["start_time"])
        other_end = other_start + timedelta(seconds=other["elapsed_time_s"])
        if start < other_end and other_start < end:
            raise ToolError(
                f"this activity overlaps activity {other['activity_id']} ({other['name']!r}, "
                f"{other['start_time']} to {iso(other_end)}); an athlete's activities cannot overlap"
            )


def _period_window(period: str, today: date) -> tuple[date, date]:
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = today.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def _sum(rows: list[dict[str, Any]], metric: str) -> float:
    total: float
    if metric == "distance":
        total = sum(row["distance_m"] for row in rows)
        return total / 1000
    if metric == "time":
        total = sum(row["moving_time_s"] for row in rows)
        return total / 3600
    total = sum(row["elevation_gain_m"] for row in rows)
    return total


def _goal_out(ctx: Context, row: dict[str, Any]) -> Goal:
    athlete = _athlete(ctx, row["athlete_id"])
    today = ctx.now.astimezone(local_zone(athlete["utc_offset"])).date()
    start, end = _period_window(row["period"], today)
    counted = [
        activity
        for activity in ctx.table("activities").find(athlete_id=row["athlete_id"])
        if FAMILY[activity["sport_type"]] == row["sport_type"]
        and start.isoformat() <= activity["start_time"][:10] <= end.isoformat()
    ]
    progress = round(_sum(counted, row["metric"]), 2)
    return {
        "goal_id": row["goal_id"],
        "athlete_id": row["athlete_id"],
        "sport_type": row["sport_type"],
        "period": row["period"],
        "metric": row["metric"],
        "target": row["target"],
        "unit": GOAL_UNITS[row["metric"]],
        "progress": progress,
        "percent_complete": round(min(100.0, progress / row["target"] * 100), 1),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def get_athlete(ctx: Context, athlete_id: int) -> Athlete:
    """Get an athlete's profile: name, email, city, subscription status.

    Args:
        athlete_id: The athlete's id.
    """
    row = _athlete(ctx, athlete_id)
    return cast(Athlete, {key: row[key] for key in Athlete.__annotations__})


@environment.tool(effect="read")
def get_athlete_stats(ctx: Context, athlete_id: int) -> Stats:
    """Get an athlete's totals per sport: the last four weeks and the year to date.

    Args:
        athlete_id: The athlete's id.
    """
    athlete = _athlete(ctx, athlete_id)
    today = ctx.now.astimezone(local_zone(athlete["utc_offset"])).date()
    windows = {
        "recent": ((today - timedelta(days=27)).isoformat(), today.isoformat()),
        "ytd": (today.replace(month=1, day=1).isoformat(), today.isoformat()),
    }
    activities = ctx.table("activities").find(athlete_id=athlete_id)
    totals: list[Totals] = []
    for sport in ("Run", "Ride", "Swim", "Walk"):
        for period, (first, last) in windows.items():
            rows = [
                row
                for row in activities
                if FAMILY[row["sport_type"]] == sport and first <= row["start_time"][:10] <= last
            ]
            totals.append(
                {
                    "sport_type": sport,
                    "period": period,
                    "count": len(rows),
                    "distance_m": round(sum(row["distance_m"] for row in rows), 1),
                    "moving_time_s": sum(row["moving_time_s"] for row in rows),
                    "elevation_gain_m": round(sum(row["elevation_gain_m"] for row in rows), 1),
                }
            )
    return {"athlete_id": athlete_id, "totals": totals}


@environment.tool(effect="read")
def list_activities(
    ctx: Context,
    athlete_id: int,
    after: Annotated[str, Arg(format="date-time")] | None = None,
    before: Annotated[str, Arg(format="date-time")] | None = None,
    sport_type: SportType | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 30,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> ActivityList:
    """List an athlete's activities, newest first, optionally between two times and for one sport.

    Args:
        athlete_id: The athlete's id.
        after: Only activities starting after this time (ISO 8601 with offset).
        before: Only activities starting before this time (ISO 8601 with offset).
        sport_type: Only activities of this sport.
        limit: Most activities to return.
        offset: Activities to skip, for paging.
    """
    _athlete(ctx, athlete_id)
    lower = parse_time(after, "after") if after else None
    upper = parse_time(before, "before") if before else None
    rows = []
    for row in ctx.table("activities").find(athlete_id=athlete_id):
        start = datetime.fromisoformat(row["start_time"])
        if (lower and start <= lower) or (upper and start >= upper):
            continue
        if sport_type and row["sport_type"] != sport_type:
            continue
        rows.append((start, row))
    rows.sort(key=lambda pair: (pair[0], pair[1]["activity_id"]), reverse=True)
    shown = [_activity_out(row) for _, row in page(rows, limit, offset)]
    return {"activities": shown, "count": len(rows)}


@environment.tool(effect="read")
def get_activity(ctx: Context, activity_id: int) -> Activity:
    """Get one activity with its distance, times, elevation and average speed.

    Args:
        activity_id: The activity's id.
    """
    return _activity_out(ctx.table("activities").require(activity_id, what="activity"))


@environment.tool(effect="write")
def create_activity(
    ctx: Context,
    athlete_id: int,
    name: Annotated[str, Arg(min_length=1, max_length=120)],
    sport_type: SportType,
    start_time: Annotated[str, Arg(format="date-time")],
    elapsed_time_s: Annotated[int, Arg(minimum=60, maximum=MAX_ELAPSED_S)],
    distance_m: Annotated[float, Arg(minimum=0, maximum=1_000_000)] = 0.0,
    elevation_gain_m: Annotated[float, Arg(minimum=0, maximum=20_000)] = 0.0,
    description: Annotated[str, Arg(max_length=2000)] | None = None,
    commute: bool = False,
    trainer: bool = False,
    visibility: Literal["everyone", "followers_only", "only_me"] = "everyone",
) -> Activity:
    """Record a manual activity for an athlete (something done without a recording device).

    Args:
        athlete_id: The athlete the activity belongs to.
        name: The activity's title, e.g. "Morning Run".
        sport_type: The sport.
        start_time: When it started, ISO 8601 with offset (not in the future).
        elapsed_time_s: How long it took, in seconds.
        distance_m: Distance in meters.
        elevation_gain_m: Climbing in meters.
        description: Notes about the activity.
        commute: True for a commute.
        trainer: True for an indoor trainer or treadmill session.
        visibility: Who can see it.
    """
    athlete = _athlete(ctx, athlete_id)
    if not name.strip():
        raise ToolError("name is blank; give the activity a title, e.g. 'Morning Run'")
    start = parse_time(start_time, "start_time")
    if start > ctx.now:
        raise ToolError(f"start_time {start_time} is in the future (now {iso(ctx.now)}); record activities afterwards")
    _check_speed(sport_type, distance_m, elapsed_time_s)
    _check_overlap(ctx, athlete_id, start, elapsed_time_s)
    activities = ctx.table("activities")
    row = activities.insert(
        {
            "activity_id": next_int_id(activities, "activity_id", 14_000_000_000),
            "athlete_id": athlete_id,
            "name": name.strip(),
            "sport_type": sport_type,
            "start_time": iso(start.astimezone(local_zone(athlete["utc_offset"]))),
            "elapsed_time_s": elapsed_time_s,
            "moving_time_s": elapsed_time_s,
            "distance_m": round(float(distance_m), 1),
            "elevation_gain_m": round(float(elevation_gain_m), 1),
            "description": description,
            "commute": commute,
            "trainer": trainer,
            "visibility": visibility,
            "kudos_count": 0,
            "manual": True,
        }
    )
    return _activity_out(row)


@environment.tool(effect="write")
def update_activity(
    ctx: Context,
    activity_id: int,
    athlete_id: int,
    name: Annotated[str, Arg(min_length=1, max_length=120)] | None = None,
    sport_type: SportType | None = None,
    description: Annotated[str, Arg(max_length=2000)] | None = None,
    commute: bool | None = None,
    trainer: bool | None = None,
    visibility: Literal["everyone", "followers_only", "only_me"] | None = None,
) -> Activity:
    """Edit an activity's title, sport, description, commute/trainer flags or visibility.

    Args:
        activity_id: The activity to edit.
        athlete_id: The athlete making the change (must own the activity).
        name: New title.
        sport_type: New sport (the average speed must be possible for it).
        description: New description.
        commute: Mark or unmark as a commute.
        trainer: Mark or unmark as an indoor session.
        visibility: Who can see it.
    """
    row = _owned(ctx, activity_id, athlete_id)
    if name is not None and not name.strip():
        raise ToolError("name is blank; give the activity a title, e.g. 'Morning Run'")
    changes = {
        key: value
        for key, value in {
            "name": name.strip() if name else None,
            "sport_type": sport_type,
            "description": description,
            "commute": commute,
            "trainer": trainer,
            "visibility": visibility,
        }.items()
        if value is not None
    }
    if not changes:
        raise ToolError("nothing to change: give name, sport_type, description, commute, trainer or visibility")
    if sport_type is not None:
        _check_speed(sport_type, row["distance_m"], row["moving_time_s"])
    return _activity_out(ctx.table("activities").update(activity_id, changes))


@environment.tool(effect="write")
def delete_activity(ctx: Context, activity_id: int, athlete_id: int) -> Deleted:
    """Delete an activity for good.

    Args:
        activity_id: The activity to delete.
        athlete_id: The athlete deleting it (must own the activity).
    """
    row = _owned(ctx, activity_id, athlete_id)
    ctx.table("activities").delete(activity_id)
    return {"activity_id": activity_id, "deleted": True, "name": row["name"]}


@environment.tool(effect="read")
def list_routes(
    ctx: Context,
    athlete_id: int,
    sport_type: Literal["Run", "Ride"] | None = None,
    starred_only: bool = False,
) -> RouteList:
    """List the routes an athlete has saved, starred routes first.

    Args:
        athlete_id: The athlete's id.
        sport_type: Only running or only cycling routes.
        starred_only: Only routes the athlete starred.
    """
    _athlete(ctx, athlete_id)
    rows = ctx.table("routes").find(athlete_id=athlete_id)
    rows = [
        row
        for row in rows
        if (sport_type is None or row["sport_type"] == sport_type) and (not starred_only or row["starred"])
    ]
    rows.sort(key=lambda row: (not row["starred"], row["name"], row["route_id"]))
    routes = [cast(Route, {key: row[key] for key in Route.__annotations__}) for row in rows]
    return {"routes": routes, "count": len(rows)}


@environment.tool(effect="write")
def set_goal(
    ctx: Context,
    athlete_id: int,
    sport_type: GoalSport,
    period: Literal["week", "month", "year"],
    metric: Literal["distance", "time", "elevation"],
    target: Annotated[float, Arg(minimum=0.1, maximum=100_000)],
) -> Goal:
    """Set a progress goal (subscribers only); setting the same sport, period and metric again replaces it.

    Args:
        athlete_id: The athlete's id.
        sport_type: Run (with trail runs), Ride (with gravel and virtual rides), Walk (with hikes) or Swim.
        period: Calendar week, month or year.
        metric: What to count.
        target: The target, in km for distance, hours for time, meters for elevation.
    """
    athlete = _athlete(ctx, athlete_id)
    if not athlete["premium"]:
        raise ToolError(
            f"progress goals are a subscriber feature; athlete {athlete_id} ({athlete['first_name']} "
            f"{athlete['last_name']}) has no subscription"
        )
    goals = ctx.table("goals")
    existing = goals.first(athlete_id=athlete_id, sport_type=sport_type, period=period, metric=metric)
    if existing is not None:
        row = goals.update(existing["goal_id"], {"target": round(float(target), 2)})
    else:
        row = goals.insert(
            {
                "goal_id": ctx.new_id("goal"),
                "athlete_id": athlete_id,
                "sport_type": sport_type,
                "period": period,
                "metric": metric,
                "target": round(float(target), 2),
                "created_at": iso(ctx.now),
            }
        )
    return _goal_out(ctx, row)


@environment.tool(effect="read")
def list_goals(ctx: Context, athlete_id: int) -> GoalList:
    """List an athlete's progress goals with progress in the current period.

    Args:
        athlete_id: The athlete's id.
    """
    _athlete(ctx, athlete_id)
    rows = ctx.table("goals").find(athlete_id=athlete_id)
    return {"goals": [_goal_out(ctx, row) for row in rows], "count": len(rows)}


# --- seed ------------------------------------------------------------------------------------------------------

# sport: (typical distance km range, typical speed km/h range, elevation m per km range)
PROFILES = {
    "Run": ((4.0, 21.0), (9.0, 14.0), (2.0, 15.0)),
    "TrailRun": ((6.0, 25.0), (6.5, 10.5), (20.0, 60.0)),
    "Ride": ((18.0, 110.0), (20.0, 32.0), (4.0, 18.0)),
    "GravelRide": ((25.0, 80.0), (16.0, 24.0), (8.0, 20.0)),
    "VirtualRide": ((15.0, 50.0), (24.0, 34.0), (5.0, 15.0)),
    "Walk": ((2.0, 8.0), (4.0, 5.8), (2.0, 10.0)),
    "Hike": ((6.0, 22.0), (3.0, 5.0), (40.0, 90.0)),
    "Swim": ((1.0, 3.8), (2.2, 3.8), (0.0, 0.0)),
}
CUSTOM_NAMES = {
    "Run": ("Tempo Tuesday", "Easy recovery jog", "Long run with the club", "Parkrun", "Intervals 6x800"),
    "TrailRun": ("Ridge trail loop", "Muddy hills", "Forest singletrack"),
    "Ride": ("Coffee ride", "Hill repeats", "Century training block", "Group ride"),
    "GravelRide": ("Gravel grinder", "Fire roads"),
    "VirtualRide": ("Zwift - Watopia", "Sweet spot session"),
    "Walk": ("Walk with the dog", "Lunch break stroll"),
    "Hike": ("Summit hike", "Waterfall trail"),
    "Swim": ("Pool session", "Open water swim", "Masters swim"),
}
ROUTE_NAMES = (
    "Lakeshore Loop", "River Path Out-and-Back", "Hill Climb Classic", "Old Mill Circuit", "Harbor to Headland",
    "Park Perimeter", "Quarry Road Gravel", "Canal Towpath", "Three Bridges", "Ridge Line Traverse",
)  # fmt: skip


def _time_of_day(hour: int) -> str:
    if hour < 11:
        return "Morning"
    if hour < 14:
        return "Lunch"
    if hour < 18:
        return "Afternoon"
    return "Evening"


def _activity_name(rng: random.Random, sport: str, hour: int) -> str:
    if rng.random() < 0.3:
        return rng.choice(CUSTOM_NAMES[sport])
    label = {"TrailRun": "Trail Run", "GravelRide": "Gravel Ride", "VirtualRide": "Virtual Ride"}.get(sport, sport)
    return f"{_time_of_day(hour)} {label}"


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    people = fake.people(ctx.shared("people"), ctx.size)[: max(3, ctx.size // 2)]
    athletes, activities, routes, goals = [], [], [], []
    activity_id = 13_400_000_000 + rng.randint(0, 9_999_999)
    athlete_ids = rng.sample(range(1_000_000, 99_999_999), len(people))
    for index, (person, athlete_id) in enumerate(zip(people, athlete_ids, strict=True)):
        offset = offset_of(person.city)
        zone = local_zone(offset)
        premium = rng.random() < 0.5
        athletes.append(
            {
                "athlete_id": athlete_id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "city": person.city.name,
                "country": person.city.country_code,
                "utc_offset": offset,
                "premium": premium,
                "weight_kg": round(rng.uniform(52, 92), 1),
                "created_at": iso(ctx.now - timedelta(days=rng.randint(120, 3000))),
            }
        )
        favourite = rng.choice(("Run", "Ride", "Run", "Swim", "Hike"))
        sports = [favourite, *rng.sample(list(PROFILES), 2)]
        taken: list[tuple[datetime, datetime]] = []
        local_today = ctx.now.astimezone(zone).date()
        for _ in range(rng.randint(4, 10)):
            sport = rng.choice(sports)
            (low_km, high_km), (low_speed, high_speed), (low_climb, high_climb) = PROFILES[sport]
            day = local_today - timedelta(days=rng.randint(0 if index % 2 else 1, 45))
            hour = rng.choice((6, 7, 7, 12, 17, 18, 19))
            start = datetime(day.year, day.month, day.day, hour, rng.choice((0, 5, 15, 30, 45)), tzinfo=zone)
            distance_km = rng.uniform(low_km, high_km)
            moving = int(distance_km / rng.uniform(low_speed, high_speed) * 3600)
            elapsed = moving + rng.randint(0, max(60, moving // 8))
            end = start + timedelta(seconds=elapsed)
            if end > ctx.now or any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            activity_id += rng.randint(3, 900_000)
            activities.append(
                {
                    "activity_id": activity_id,
                    "athlete_id": athlete_id,
                    "name": _activity_name(rng, sport, hour),
                    "sport_type": sport,
                    "start_time": iso(start),
                    "elapsed_time_s": elapsed,
                    "moving_time_s": moving,
                    "distance_m": round(distance_km * 1000, 1),
                    "elevation_gain_m": round(distance_km * rng.uniform(low_climb, high_climb), 1),
                    "description": fake.sentence(rng) if rng.random() < 0.15 else None,
                    "commute": sport == "Ride" and rng.random() < 0.2,
                    "trainer": sport == "VirtualRide",
                    "visibility": fake.choose_weighted(rng, {"everyone": 7, "followers_only": 2, "only_me": 1}),
                    "kudos_count": rng.randint(0, 40),
                    "manual": rng.random() < 0.1,
                }
            )
        for name in rng.sample(ROUTE_NAMES, rng.randint(1, 3)):
            sport = "Ride" if ("Gravel" in name or rng.random() < 0.4) else "Run"
            distance_km = rng.uniform(25, 90) if sport == "Ride" else rng.uniform(5, 21)
            speed = 26.0 if sport == "Ride" else 11.0
            routes.append(
                {
                    "route_id": rng.randint(3_000_000_000_000_000_000, 3_400_000_000_000_000_000),
                    "athlete_id": athlete_id,
                    "name": name,
                    "sport_type": sport,
                    "distance_m": round(distance_km * 1000, 1),
                    "elevation_gain_m": round(distance_km * rng.uniform(3, 25), 1),
                    "estimated_moving_time_s": int(distance_km / speed * 3600),
                    "private": rng.random() < 0.3,
                    "starred": rng.random() < 0.4,
                    "created_at": iso(ctx.now - timedelta(days=rng.randint(10, 700))),
                }
            )
        if premium:
            family = FAMILY[favourite]
            target = {"Run": 30.0, "Ride": 150.0, "Swim": 8.0, "Walk": 25.0}[family]
            goals.append(
                {
                    "goal_id": f"goal_{athlete_id}{rng.randint(10, 99)}",
                    "athlete_id": athlete_id,
                    "sport_type": family,
                    "period": "week",
                    "metric": "distance",
                    "target": target,
                    "created_at": iso(ctx.now - timedelta(days=rng.randint(5, 200))),
                }
            )
    return {"athletes": athletes, "activities": activities, "routes": routes, "goals": goals}
