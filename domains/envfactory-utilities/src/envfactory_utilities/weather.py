"""Weather: current conditions and daily forecasts by city or coordinates, saved locations and
alert rules, after the OpenWeatherMap API (current weather, forecast, geocoding, triggers).

Readings are stored in metric units; ``units="imperial"`` converts on the way out, as the real
API's ``units`` parameter does. Every city of ``envfactory_core.env.fake.CITIES`` has a station,
so a ``city`` that another environment produces (a customer's city, a hotel's city) resolves here.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.tables import TableView
from envfactory_core.models import Provenance

from ._common import iso, parse_date, seed_id

__all__ = ["environment"]

Units = Literal["metric", "imperial"]
Metric = Literal["temperature", "humidity", "wind_speed", "precipitation_probability", "pressure"]
Operator = Literal["above", "at_or_above", "below", "at_or_below"]

FORECAST_DAYS = 5
MAX_SAVED_LOCATIONS = 10
MAX_ACTIVE_RULES_PER_LOCATION = 5
NEAREST_STATION_KM = 100.0
THRESHOLD_RANGES: dict[str, tuple[float, float, str]] = {
    "temperature": (-60.0, 60.0, "°C"),
    "humidity": (0.0, 100.0, "%"),
    "wind_speed": (0.0, 75.0, "m/s"),
    "precipitation_probability": (0.0, 100.0, "%"),
    "pressure": (870.0, 1085.0, "hPa"),
}

POLICY = """\
Weather account rules (enforced by the tools):
- An account keeps at most 10 saved locations; saved location names are unique (case does not matter).
- Forecasts cover today and the next 4 days; a date outside that range has no forecast yet.
- An alert rule watches one saved location's daily forecast. Thresholds are always metric, whatever the
  location's display units: temperature -60 to 60 °C, humidity 0 to 100 %, wind_speed 0 to 75 m/s,
  precipitation_probability 0 to 100 %, pressure 870 to 1085 hPa.
- A saved location has at most 5 active alert rules; resuming a paused rule counts toward the limit.
- An alert rule's start_date cannot be in the past and its end_date cannot be before its start_date;
  a rule whose end_date has passed cannot be resumed.
- A saved location with active alert rules cannot be deleted: pause or delete its rules first.
"""

environment = Environment(
    name="weather",
    domain="utilities",
    description=(
        "Weather service after the OpenWeatherMap API's current weather, 5-day forecast, geocoding and "
        "alert trigger endpoints: conditions by city or coordinates, saved locations and alert rules."
    ),
    tables=[
        table(
            "stations",
            primary_key="station_id",
            station_id=str,
            city=str,
            country=str,
            latitude=float,
            longitude=float,
            timezone=str,
        ),
        table(
            "current_conditions",
            primary_key="station_id",
            station_id=str,
            observed_at=str,
            temperature_c=float,
            feels_like_c=float,
            humidity=int,
            pressure_hpa=int,
            wind_speed_ms=float,
            wind_direction_deg=int,
            clouds_pct=int,
            condition=str,
            description=str,
        ),
        table(
            "daily_forecasts",
            primary_key=("station_id", "date"),
            station_id=str,
            date=str,
            temp_min_c=float,
            temp_max_c=float,
            humidity=int,
            pressure_hpa=int,
            wind_speed_ms=float,
            precipitation_probability=int,
            precipitation_mm=float,
            condition=str,
            description=str,
        ),
        table(
            "saved_locations",
            primary_key="location_id",
            location_id=str,
            name=str,
            station_id=str,
            city=str,
            country=str,
            latitude=float,
            longitude=float,
            units=str,
            created_at=str,
        ),
        table(
            "alert_rules",
            primary_key="alert_rule_id",
            alert_rule_id=str,
            location_id=str,
            metric=str,
            operator=str,
            threshold=float,
            email=str,
            status=str,
            start_date=str,
            end_date=str | None,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now="2025-06-16T08:30:00+00:00",
    provenance=Provenance(
        source="OpenWeatherMap API (current weather, 5 day forecast, geocoding, weather triggers)",
        url="https://openweathermap.org/api",
    ),
)


# --- outputs -------------------------------------------------------------------------------------


class CurrentWeather(TypedDict):
    """Current conditions at a city's station.

    Args:
        city: City of the weather station.
        country: ISO 3166 alpha-2 country code.
        latitude: Station latitude.
        longitude: Station longitude.
        observed_at: When the reading was taken (ISO 8601).
        units: metric (°C, m/s) or imperial (°F, mph).
        temperature: Air temperature in the requested units.
        feels_like: Perceived temperature in the requested units.
        humidity: Relative humidity, percent.
        pressure: Sea-level pressure, hPa.
        wind_speed: Wind speed in the requested units.
        wind_direction: Wind direction, degrees from north.
        clouds: Cloud cover, percent.
        condition: Main condition group (Clear, Clouds, Rain, ...).
        description: Condition in words.
    """

    city: str
    country: str
    latitude: float
    longitude: float
    observed_at: str
    units: str
    temperature: float
    feels_like: float
    humidity: int
    pressure: int
    wind_speed: float
    wind_direction: int
    clouds: int
    condition: str
    description: str


class DailyForecast(TypedDict):
    """One day's forecast.

    Args:
        date: The day (YYYY-MM-DD).
        temp_min: Lowest temperature in the requested units.
        temp_max: Highest temperature in the requested units.
        humidity: Mean relative humidity, percent.
        pressure: Mean sea-level pressure, hPa.
        wind_speed: Strongest sustained wind in the requested units.
        precipitation_probability: Chance of precipitation, percent.
        precipitation_mm: Expected precipitation, millimetres.
        condition: Main condition group.
        description: Condition in words.
    """

    date: str
    temp_min: float
    temp_max: float
    humidity: int
    pressure: int
    wind_speed: float
    precipitation_probability: int
    precipitation_mm: float
    condition: str
    description: str


class Forecast(TypedDict):
    """Daily forecasts for one place.

    Args:
        city: City of the forecast.
        country: ISO 3166 alpha-2 country code.
        latitude: Station latitude.
        longitude: Station longitude.
        units: metric or imperial.
        days: Forecast days, earliest first.
        count: Number of days returned.
    """

    city: str
    country: str
    latitude: float
    longitude: float
    units: str
    days: list[DailyForecast]
    count: int


class Place(TypedDict):
    """A place the service has a station for.

    Args:
        city: City of the matching place.
        country: ISO 3166 alpha-2 country code.
        latitude: Latitude.
        longitude: Longitude.
        timezone: IANA time zone.
    """

    city: str
    country: str
    latitude: float
    longitude: float
    timezone: str


class GeocodeResult(TypedDict):
    """Places matching a city name.

    Args:
        places: Matching places.
        count: Number of matches.
    """

    places: list[Place]
    count: int


class SavedLocation(TypedDict):
    """A saved location.

    Args:
        location_id: Saved location id.
        name: The name the account gave it ("Home", "Office").
        city: City of the saved location.
        country: ISO 3166 alpha-2 country code.
        latitude: Latitude.
        longitude: Longitude.
        units: Display units for this location.
        created_at: When it was saved.
    """

    location_id: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    units: str
    created_at: str


class SavedLocationList(TypedDict):
    """Saved locations.

    Args:
        locations: Saved locations, by name.
        count: Number of saved locations.
    """

    locations: list[SavedLocation]
    count: int


class DeletedLocation(TypedDict):
    """A removed saved location.

    Args:
        location_id: The removed location's id.
        deleted: Always true.
        alert_rules_deleted: Paused alert rules removed with it.
    """

    location_id: str
    deleted: bool
    alert_rules_deleted: int


class AlertRule(TypedDict):
    """An alert rule on a saved location's forecast.

    Args:
        alert_rule_id: Alert rule id.
        location_id: The watched saved location.
        city: The watched city.
        metric: Forecast value compared.
        operator: How the value is compared with the threshold.
        threshold: Threshold in metric units.
        email: Who the rule notifies.
        status: active or paused.
        start_date: First day the rule applies.
        end_date: Last day the rule applies (null: no end).
        created_at: When the rule was created.
    """

    alert_rule_id: str
    location_id: str
    city: str
    metric: str
    operator: str
    threshold: float
    email: str
    status: str
    start_date: str
    end_date: str | None
    created_at: str


class AlertRuleList(TypedDict):
    """Alert rules.

    Args:
        alert_rules: Matching rules.
        count: Number of matching rules.
    """

    alert_rules: list[AlertRule]
    count: int


class DeletedAlertRule(TypedDict):
    """A removed alert rule.

    Args:
        alert_rule_id: The removed rule's id.
        deleted: Always true.
    """

    alert_rule_id: str
    deleted: bool


# --- helpers -------------------------------------------------------------------------------------


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _find_station(
    stations: TableView,
    saved: TableView,
    *,
    location_id: str | None,
    city: str | None,
    country: str | None,
    latitude: float | None,
    longitude: float | None,
) -> dict[str, Any]:
    """The station for a saved location, a city, or the nearest one to coordinates."""
    if location_id is not None:
        location = saved.require(location_id, what="saved location")
        return stations.require(location["station_id"], what="station")
    if city is not None:
        wanted = city.strip().casefold()
        matches = [
            row
            for row in stations.all()
            if str(row["city"]).casefold() == wanted and (country is None or str(row["country"]) == country.upper())
        ]
        if not matches:
            where = f" in {country.upper()}" if country else ""
            raise ToolError(
                f"no weather station for city {city!r}{where}; use geocode_city to find a supported city name"
            )
        return matches[0]
    if latitude is not None and longitude is not None:
        rows = stations.all()
        distances = [_distance_km(latitude, longitude, float(row["latitude"]), float(row["longitude"])) for row in rows]
        distance = min(distances)
        nearest = rows[distances.index(distance)]
        if distance > NEAREST_STATION_KM:
            raise ToolError(
                f"no weather station within {NEAREST_STATION_KM:.0f} km of ({latitude}, {longitude}); "
                f"the nearest is {nearest['city']} ({distance:.0f} km away)"
            )
        return nearest
    if latitude is not None or longitude is not None:
        raise ToolError("give both latitude and longitude, or a city")
    raise ToolError("say where: give a location_id, a city, or both latitude and longitude")


def _temperature(celsius: float, units: str) -> float:
    return round(celsius * 9 / 5 + 32, 1) if units == "imperial" else round(celsius, 1)


def _speed(metres_per_second: float, units: str) -> float:
    return round(metres_per_second * 2.23694, 1) if units == "imperial" else round(metres_per_second, 1)


def _rule_output(rule: dict[str, Any], saved: TableView) -> AlertRule:
    location = saved.get(rule["location_id"])
    return AlertRule(
        alert_rule_id=str(rule["alert_rule_id"]),
        location_id=str(rule["location_id"]),
        city=str(location["city"]) if location else "",
        metric=str(rule["metric"]),
        operator=str(rule["operator"]),
        threshold=float(rule["threshold"]),
        email=str(rule["email"]),
        status=str(rule["status"]),
        start_date=str(rule["start_date"]),
        end_date=None if rule["end_date"] is None else str(rule["end_date"]),
        created_at=str(rule["created_at"]),
    )


def _location_output(row: dict[str, Any]) -> SavedLocation:
    return SavedLocation(
        location_id=str(row["location_id"]),
        name=str(row["name"]),
        city=str(row["city"]),
        country=str(row["country"]),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        units=str(row["units"]),
        created_at=str(row["created_at"]),
    )


def _check_threshold(metric: str, threshold: float) -> None:
    low, high, unit = THRESHOLD_RANGES[metric]
    if not low <= threshold <= high:
        raise ToolError(f"a {metric} threshold must be between {low:g} and {high:g} {unit}; got {threshold:g}")


# --- tools ---------------------------------------------------------------------------------------

City = Annotated[
    str,
    Arg(
        description="City name, e.g. Lisbon: where a hotel, an event, a trip or a customer's address is.",
        min_length=1,
        max_length=85,
    ),
]
Country = Annotated[str, Arg(description="ISO 3166 alpha-2 country code, e.g. PT.", pattern="^[A-Za-z]{2}$")]
Latitude = Annotated[float, Arg(description="Latitude in degrees.", minimum=-90, maximum=90)]
Longitude = Annotated[float, Arg(description="Longitude in degrees.", minimum=-180, maximum=180)]
UnitsArg = Annotated[Units, Arg(description="metric (°C, m/s) or imperial (°F, mph).", mask=True)]


@environment.tool(effect="read")
def get_current_weather(
    ctx: Context,
    *,
    location_id: str | None = None,
    city: City | None = None,
    country: Country | None = None,
    latitude: Latitude | None = None,
    longitude: Longitude | None = None,
    units: UnitsArg = "metric",
) -> CurrentWeather:
    """Get the current weather for a saved location, a city, or coordinates (nearest station within 100 km).

    Args:
        location_id: A saved location's id.
        city: City name.
        country: Country code to disambiguate the city.
        latitude: Latitude (with longitude).
        longitude: Longitude (with latitude).
        units: Units for temperatures and wind speed.
    """
    station = _find_station(
        ctx.table("stations"),
        ctx.table("saved_locations"),
        location_id=location_id,
        city=city,
        country=country,
        latitude=latitude,
        longitude=longitude,
    )
    now = ctx.table("current_conditions").require(station["station_id"], what="current reading for station")
    return CurrentWeather(
        city=station["city"],
        country=station["country"],
        latitude=station["latitude"],
        longitude=station["longitude"],
        observed_at=now["observed_at"],
        units=units,
        temperature=_temperature(now["temperature_c"], units),
        feels_like=_temperature(now["feels_like_c"], units),
        humidity=now["humidity"],
        pressure=now["pressure_hpa"],
        wind_speed=_speed(now["wind_speed_ms"], units),
        wind_direction=now["wind_direction_deg"],
        clouds=now["clouds_pct"],
        condition=now["condition"],
        description=now["description"],
    )


@environment.tool(effect="read")
def get_forecast(
    ctx: Context,
    *,
    location_id: str | None = None,
    city: City | None = None,
    country: Country | None = None,
    latitude: Latitude | None = None,
    longitude: Longitude | None = None,
    date: str | None = None,
    days: Annotated[int, Arg(minimum=1, maximum=FORECAST_DAYS, mask=True)] = FORECAST_DAYS,
    units: UnitsArg = "metric",
) -> Forecast:
    """Get the daily forecast (today and the next 4 days) for a saved location, a city, or coordinates.

    Args:
        location_id: A saved location's id.
        city: City name.
        country: Country code to disambiguate the city.
        latitude: Latitude (with longitude).
        longitude: Longitude (with latitude).
        date: Only this day (YYYY-MM-DD), e.g. the date of a trip or a reservation.
        days: How many days from today to return when no date is given.
        units: Units for temperatures and wind speed.
    """
    station = _find_station(
        ctx.table("stations"),
        ctx.table("saved_locations"),
        location_id=location_id,
        city=city,
        country=country,
        latitude=latitude,
        longitude=longitude,
    )
    rows = ctx.table("daily_forecasts").find(station_id=station["station_id"], order_by="date")
    if date is not None:
        day = parse_date(date, "date").isoformat()
        rows = [row for row in rows if row["date"] == day]
        if not rows:
            first = ctx.today.isoformat()
            raise ToolError(f"no forecast for {day}: forecasts cover {first} and the next {FORECAST_DAYS - 1} days")
    else:
        rows = rows[:days]
    forecast_days = [
        DailyForecast(
            date=row["date"],
            temp_min=_temperature(row["temp_min_c"], units),
            temp_max=_temperature(row["temp_max_c"], units),
            humidity=row["humidity"],
            pressure=row["pressure_hpa"],
            wind_speed=_speed(row["wind_speed_ms"], units),
            precipitation_probability=row["precipitation_probability"],
            precipitation_mm=row["precipitation_mm"],
            condition=row["condition"],
            description=row["description"],
        )
        for row in rows
    ]
    return Forecast(
        city=station["city"],
        country=station["country"],
        latitude=station["latitude"],
        longitude=station["longitude"],
        units=units,
        days=forecast_days,
        count=len(forecast_days),
    )


@environment.tool(effect="read")
def geocode_city(
    ctx: Context,
    city: City,
    country: Country | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=5, mask=True)] = 5,
) -> GeocodeResult:
    """Find the places the service knows by city name (prefix match, case-insensitive), with coordinates.

    Args:
        city: City name or its beginning.
        country: Only places in this country.
        limit: Most places to return.
    """
    wanted = city.strip().casefold()
    places = [
        Place(
            city=row["city"],
            country=row["country"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            timezone=row["timezone"],
        )
        for row in ctx.table("stations").all(order_by="city")
        if wanted
        and str(row["city"]).casefold().startswith(wanted)
        and (country is None or row["country"] == country.upper())
    ][:limit]
    return GeocodeResult(places=places, count=len(places))


@environment.tool(effect="read")
def list_saved_locations(ctx: Context) -> SavedLocationList:
    """List the account's saved locations."""
    rows = ctx.table("saved_locations").all(order_by="name")
    return SavedLocationList(locations=[_location_output(row) for row in rows], count=len(rows))


@environment.tool(effect="write")
def save_location(
    ctx: Context,
    *,
    name: Annotated[str, Arg(min_length=1, max_length=40)],
    city: City,
    country: Country | None = None,
    units: Annotated[Units, Arg(description="Display units for this location.")] = "metric",
) -> SavedLocation:
    """Save a city under a name ("Home", "Office") so its weather and alert rules can refer to it.

    Args:
        name: Name for the location, unique in the account.
        city: City name.
        country: Country code to disambiguate the city.
        units: Display units for this location.
    """
    saved = ctx.table("saved_locations")
    label = name.strip()
    if not label:
        raise ToolError("name must not be blank")
    if saved.count() >= MAX_SAVED_LOCATIONS:
        raise ToolError(
            f"the account already has {MAX_SAVED_LOCATIONS} saved locations, the most allowed; delete one first"
        )
    for row in saved.all():
        if str(row["name"]).casefold() == label.casefold():
            raise ToolError(
                f"a saved location is already named {row['name']!r} ({row['location_id']}); choose another name"
            )
    station = _find_station(
        ctx.table("stations"), saved, location_id=None, city=city, country=country, latitude=None, longitude=None
    )
    row = saved.insert(
        {
            "location_id": ctx.new_id("loc"),
            "name": label,
            "station_id": station["station_id"],
            "city": station["city"],
            "country": station["country"],
            "latitude": station["latitude"],
            "longitude": station["longitude"],
            "units": units,
            "created_at": iso(ctx.now),
        }
    )
    return _location_output(row)


@environment.tool(effect="write")
def delete_saved_location(ctx: Context, location_id: str) -> DeletedLocation:
    """Delete a saved location; its paused alert rules go with it (active rules block the deletion).

    Args:
        location_id: The saved location's id.
    """
    saved = ctx.table("saved_locations")
    rules = ctx.table("alert_rules")
    saved.require(location_id, what="saved location")
    active = rules.find(location_id=location_id, status="active")
    if active:
        ids = ", ".join(str(rule["alert_rule_id"]) for rule in active)
        raise ToolError(
            f"saved location {location_id} has {len(active)} active alert rule(s) ({ids}); pause or delete them first"
        )
    paused = rules.find(location_id=location_id)
    for rule in paused:
        rules.delete(rule["alert_rule_id"])
    saved.delete(location_id)
    return DeletedLocation(location_id=location_id, deleted=True, alert_rules_deleted=len(paused))


@environment.tool(effect="read")
def list_alert_rules(
    ctx: Context,
    location_id: str | None = None,
    status: Literal["active", "paused"] | None = None,
) -> AlertRuleList:
    """List alert rules, optionally for one saved location or with one status.

    Args:
        location_id: Only rules on this saved location.
        status: Only rules with this status.
    """
    saved = ctx.table("saved_locations")
    if location_id is not None:
        saved.require(location_id, what="saved location")
    filters: dict[str, Any] = {}
    if location_id is not None:
        filters["location_id"] = location_id
    if status is not None:
        filters["status"] = status
    rows = ctx.table("alert_rules").find(order_by=["created_at", "alert_rule_id"], **filters)
    return AlertRuleList(alert_rules=[_rule_output(row, saved) for row in rows], count=len(rows))


@environment.tool(effect="write")
def create_alert_rule(
    ctx: Context,
    *,
    location_id: str,
    metric: Metric,
    operator: Operator,
    threshold: float,
    email: Annotated[str, Arg(format="email", max_length=254)],
    start_date: str | None = None,
    end_date: str | None = None,
) -> AlertRule:
    """Create an alert rule: email someone when a saved location's forecast crosses a threshold.

    Args:
        location_id: The saved location to watch.
        metric: Forecast value to compare.
        operator: Comparison with the threshold.
        threshold: Threshold in metric units (°C, %, m/s, hPa).
        email: Email address of the person to notify, e.g. a customer, an attendee or a colleague.
        start_date: First day the rule applies (YYYY-MM-DD, default today).
        end_date: Last day the rule applies (YYYY-MM-DD, default no end).
    """
    saved = ctx.table("saved_locations")
    rules = ctx.table("alert_rules")
    saved.require(location_id, what="saved location")
    _check_threshold(metric, threshold)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ToolError(f"email {email!r} is not an email address")
    start = parse_date(start_date, "start_date") if start_date is not None else ctx.today
    if start < ctx.today:
        raise ToolError(f"start_date {start.isoformat()} is in the past; today is {ctx.today.isoformat()}")
    end = parse_date(end_date, "end_date") if end_date is not None else None
    if end is not None and end < start:
        raise ToolError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
    active = rules.count(location_id=location_id, status="active")
    if active >= MAX_ACTIVE_RULES_PER_LOCATION:
        raise ToolError(
            f"saved location {location_id} already has {active} active alert rules, the most allowed; "
            "pause or delete one first"
        )
    row = rules.insert(
        {
            "alert_rule_id": ctx.new_id("alr"),
            "location_id": location_id,
            "metric": metric,
            "operator": operator,
            "threshold": float(threshold),
            "email": email,
            "status": "active",
            "start_date": start.isoformat(),
            "end_date": end.isoformat() if end is not None else None,
            "created_at": iso(ctx.now),
        }
    )
    return _rule_output(row, saved)


@environment.tool(effect="write")
def update_alert_rule(
    ctx: Context,
    *,
    alert_rule_id: str,
    status: Literal["active", "paused"] | None = None,
    threshold: float | None = None,
    email: Annotated[str, Arg(format="email", max_length=254)] | None = None,
) -> AlertRule:
    """Pause or resume an alert rule, or change its threshold or who it notifies.

    Args:
        alert_rule_id: The alert rule's id.
        status: active to resume, paused to pause.
        threshold: New threshold in metric units.
        email: New email address to notify.
    """
    rules = ctx.table("alert_rules")
    rule = rules.require(alert_rule_id, what="alert rule")
    changes: dict[str, object] = {}
    if threshold is not None:
        _check_threshold(str(rule["metric"]), threshold)
        changes["threshold"] = float(threshold)
    if email is not None:
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise ToolError(f"email {email!r} is not an email address")
        changes["email"] = email
    if status is not None and status != rule["status"]:
        if status == "active":
            if rule["end_date"] is not None and str(rule["end_date"]) < ctx.today.isoformat():
                raise ToolError(f"alert rule {alert_rule_id} ended on {rule['end_date']}; create a new rule instead")
            active = rules.count(location_id=rule["location_id"], status="active")
            if active >= MAX_ACTIVE_RULES_PER_LOCATION:
                raise ToolError(
                    f"saved location {rule['location_id']} already has {active} active alert rules, the most allowed"
                )
        changes["status"] = status
    if not changes:
        raise ToolError("nothing to change: give a status, a threshold or an email")
    updated = rules.update(alert_rule_id, changes)
    return _rule_output(updated, ctx.table("saved_locations"))


@environment.tool(effect="write")
def delete_alert_rule(ctx: Context, alert_rule_id: str) -> DeletedAlertRule:
    """Delete an alert rule.

    Args:
        alert_rule_id: The alert rule's id.
    """
    ctx.table("alert_rules").delete(alert_rule_id)
    return DeletedAlertRule(alert_rule_id=alert_rule_id, deleted=True)


# --- seed ----------------------------------------------------------------------------------------

_CONDITIONS = {
    "Clear": ("clear sky",),
    "Clouds": ("few clouds", "scattered clouds", "broken clouds", "overcast clouds"),
    "Rain": ("light rain", "moderate rain", "heavy intensity rain"),
    "Drizzle": ("light intensity drizzle", "drizzle"),
    "Thunderstorm": ("thunderstorm with light rain", "thunderstorm"),
    "Mist": ("mist",),
}
_LOCATION_NAMES = (
    "Home",
    "Office",
    "Parents",
    "Cabin",
    "Studio",
    "Warehouse",
    "Summer house",
    "Gym",
    "School",
    "Airport",
)


def _station_id(city: fake.City) -> str:
    return f"{fake.slug(city.name)}-{city.country_code.lower()}"


def _season_mean(latitude: float) -> float:
    """A rough mean mid-June temperature: summer north of the equator, winter south of it."""
    if latitude >= 0:
        return 28.0 - 0.35 * max(0.0, latitude - 25.0)
    return 26.0 - 0.42 * abs(latitude)


def _condition(rng: random.Random, temperature: float, wet: float) -> tuple[str, str, int]:
    weights = {
        "Clear": 4.0 - 3 * wet,
        "Clouds": 3.0,
        "Rain": 1.0 + 4 * wet,
        "Drizzle": 0.5 + wet,
        "Thunderstorm": 0.3 + wet,
        "Mist": 0.4,
    }
    group = fake.choose_weighted(rng, weights)
    if group in ("Rain", "Drizzle") and temperature < 0.5:
        return "Snow", "light snow", 100
    description = rng.choice(_CONDITIONS[group])
    clouds = {"Clear": 0, "Mist": 75}.get(group, rng.randint(20, 100))
    return group, description, clouds


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    stations, current, forecasts = [], [], []
    for city in fake.CITIES:
        station_id = _station_id(city)
        stations.append(
            {
                "station_id": station_id,
                "city": city.name,
                "country": city.country_code,
                "latitude": city.latitude,
                "longitude": city.longitude,
                "timezone": city.timezone,
            }
        )
        wet = rng.random()
        mean = _season_mean(city.latitude) + rng.uniform(-3.0, 3.0)
        temperature = round(mean + rng.uniform(-3.0, 3.0), 1)
        wind = round(rng.uniform(0.5, 12.0), 1)
        condition, description, clouds = _condition(rng, temperature, wet)
        current.append(
            {
                "station_id": station_id,
                "observed_at": iso(ctx.now - timedelta(minutes=rng.choice((5, 10, 15, 20, 25)))),
                "temperature_c": temperature,
                "feels_like_c": round(temperature - wind * 0.3 + rng.uniform(-1.0, 1.0), 1),
                "humidity": rng.randint(25 + int(40 * wet), 60 + int(40 * wet)),
                "pressure_hpa": rng.randint(998, 1028),
                "wind_speed_ms": wind,
                "wind_direction_deg": rng.randrange(0, 360, 10),
                "clouds_pct": clouds,
                "condition": condition,
                "description": description,
            }
        )
        for offset in range(FORECAST_DAYS):
            low = round(mean - rng.uniform(3.0, 6.0), 1)
            high = round(mean + rng.uniform(2.0, 6.0), 1)
            day_condition, day_description, _ = _condition(rng, high, wet)
            rainy = day_condition in ("Rain", "Drizzle", "Thunderstorm", "Snow")
            forecasts.append(
                {
                    "station_id": station_id,
                    "date": (ctx.now.date() + timedelta(days=offset)).isoformat(),
                    "temp_min_c": low,
                    "temp_max_c": high,
                    "humidity": rng.randint(30 + int(40 * wet), 60 + int(35 * wet)),
                    "pressure_hpa": rng.randint(996, 1030),
                    "wind_speed_ms": round(rng.uniform(1.0, 16.0), 1),
                    "precipitation_probability": rng.randint(40, 100) if rainy else rng.randint(0, 30),
                    "precipitation_mm": round(rng.uniform(0.4, 18.0), 1) if rainy else 0.0,
                    "condition": day_condition,
                    "description": day_description,
                }
            )
    people = fake.people(ctx.shared("people"), max(3, ctx.size))
    owner = people[0]
    location_count = min(MAX_SAVED_LOCATIONS - 2, max(2, ctx.size // 3 + 1))
    cities = [owner.city, *rng.sample([c for c in fake.CITIES if c != owner.city], location_count - 1)]
    locations, rules = [], []
    for index, city in enumerate(cities):
        location_id = seed_id(rng, "loc")
        created = ctx.now - timedelta(days=rng.randint(20, 400), minutes=rng.randrange(0, 1440, 5))
        locations.append(
            {
                "location_id": location_id,
                "name": _LOCATION_NAMES[index],
                "station_id": _station_id(city),
                "city": city.name,
                "country": city.country_code,
                "latitude": city.latitude,
                "longitude": city.longitude,
                "units": "imperial" if city.country_code == "US" and rng.random() < 0.7 else "metric",
                "created_at": iso(created),
            }
        )
        for _ in range(rng.randint(0, 3)):
            metric = rng.choice(tuple(THRESHOLD_RANGES))
            threshold = {
                "temperature": float(rng.choice((-5, 0, 5, 28, 30, 32, 35))),
                "humidity": float(rng.choice((30, 85, 90))),
                "wind_speed": float(rng.choice((10, 14, 18, 25))),
                "precipitation_probability": float(rng.choice((50, 60, 70, 80))),
                "pressure": float(rng.choice((990, 1000, 1030))),
            }[metric]
            operator = "below" if metric == "temperature" and threshold <= 5 else rng.choice(("above", "at_or_above"))
            if metric in ("humidity", "pressure") and threshold <= 30:
                operator = "below"
            start = (created + timedelta(days=rng.randint(0, 10))).date()
            ended = rng.random() < 0.2
            end = ctx.now.date() - timedelta(days=rng.randint(1, 15)) if ended else None
            if end is not None and start > end:
                start = end - timedelta(days=rng.randint(7, 30))
            rules.append(
                {
                    "alert_rule_id": seed_id(rng, "alr"),
                    "location_id": location_id,
                    "metric": metric,
                    "operator": operator,
                    "threshold": threshold,
                    "email": rng.choice(people[:3]).email,
                    "status": "paused" if ended or rng.random() < 0.25 else "active",
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat() if end is not None else None,
                    "created_at": iso(created + timedelta(hours=rng.randint(1, 48))),
                }
            )
    return {
        "stations": stations,
        "current_conditions": current,
        "daily_forecasts": forecasts,
        "saved_locations": locations,
        "alert_rules": rules,
    }
