"""The places the travel environments share: cities, their main stations, and the rail corridors
between them.

A seed's world travels within one region: :func:`travel_region` draws it from
``ctx.shared("travel_region")``, so with the same seed the hotels, car-rental depots, trains and
trips are all in the same cities (a train to Cologne, a hotel in Cologne, a car from Cologne).
"""

from __future__ import annotations

import random

import attrs

from envfactory_core.env import SeedContext

__all__ = [
    "CORRIDORS",
    "OVERSEAS",
    "PLACES",
    "STATIONS",
    "Corridor",
    "Place",
    "Region",
    "Station",
    "postal_code",
    "travel_region",
]


@attrs.frozen(kw_only=True)
class Station:
    station_id: str
    name: str
    city: str
    latitude: float
    longitude: float


@attrs.frozen(kw_only=True)
class Place:
    """A city travellers stay in: its country (ISO 3166 alpha-2), currency, zone and price level."""

    name: str
    country: str
    currency: str
    time_zone: str
    latitude: float
    longitude: float
    airport: str
    postal_pattern: str
    price_level: float = 1.0


@attrs.frozen(kw_only=True)
class Corridor:
    """A direct rail link served both ways: minutes on board, who runs it, the euro flex fare."""

    first: str
    second: str
    minutes: int
    operator: str
    product: str
    flex_fare_eur: float
    seat_included: bool = False


def _places(*rows: tuple[str, str, str, str, float, float, str, str, float]) -> dict[str, Place]:
    fields = (
        "name",
        "country",
        "currency",
        "time_zone",
        "latitude",
        "longitude",
        "airport",
        "postal_pattern",
        "price_level",
    )
    return {row[0]: Place(**dict(zip(fields, row, strict=True))) for row in rows}  # type: ignore[arg-type]


def _stations(*rows: tuple[str, str, str, float, float]) -> dict[str, Station]:
    fields = ("station_id", "name", "city", "latitude", "longitude")
    return {row[0]: Station(**dict(zip(fields, row, strict=True))) for row in rows}  # type: ignore[arg-type]


def _corridors(*rows: tuple[str, str, int, str, str, float, bool]) -> tuple[Corridor, ...]:
    fields = ("first", "second", "minutes", "operator", "product", "flex_fare_eur", "seat_included")
    return tuple(Corridor(**dict(zip(fields, row, strict=True))) for row in rows)  # type: ignore[arg-type]


PLACES: dict[str, Place] = _places(
    # name, country, currency, time zone, latitude, longitude, airport, postal code pattern, price level
    ("Berlin", "DE", "EUR", "Europe/Berlin", 52.52, 13.40, "BER", "10###", 1.0),
    ("Hamburg", "DE", "EUR", "Europe/Berlin", 53.55, 9.99, "HAM", "20###", 1.0),
    ("Munich", "DE", "EUR", "Europe/Berlin", 48.14, 11.58, "MUC", "80###", 1.15),
    ("Frankfurt", "DE", "EUR", "Europe/Berlin", 50.11, 8.68, "FRA", "603##", 1.0),
    ("Cologne", "DE", "EUR", "Europe/Berlin", 50.94, 6.96, "CGN", "506##", 0.9),
    ("Amsterdam", "NL", "EUR", "Europe/Amsterdam", 52.37, 4.90, "AMS", "10## KL", 1.3),
    ("Brussels", "BE", "EUR", "Europe/Brussels", 50.85, 4.35, "BRU", "10##", 1.0),
    ("Paris", "FR", "EUR", "Europe/Paris", 48.86, 2.35, "CDG", "750##", 1.35),
    ("Lyon", "FR", "EUR", "Europe/Paris", 45.76, 4.84, "LYS", "6900#", 0.9),
    ("Milan", "IT", "EUR", "Europe/Rome", 45.46, 9.19, "MXP", "201##", 1.1),
    ("Rome", "IT", "EUR", "Europe/Rome", 41.90, 12.50, "FCO", "001##", 1.1),
    ("Zurich", "CH", "CHF", "Europe/Zurich", 47.38, 8.54, "ZRH", "80##", 1.45),
    ("Vienna", "AT", "EUR", "Europe/Vienna", 48.21, 16.37, "VIE", "1#10", 1.0),
    ("Prague", "CZ", "CZK", "Europe/Prague", 50.08, 14.44, "PRG", "110 00", 0.75),
    ("Warsaw", "PL", "PLN", "Europe/Warsaw", 52.23, 21.01, "WAW", "00-###", 0.7),
    ("London", "GB", "GBP", "Europe/London", 51.51, -0.13, "LHR", "WC1# #RD", 1.5),
    ("Manchester", "GB", "GBP", "Europe/London", 53.48, -2.24, "MAN", "M1 #AQ", 0.95),
    ("Edinburgh", "GB", "GBP", "Europe/London", 55.95, -3.19, "EDI", "EH1 #YY", 1.1),
    ("Madrid", "ES", "EUR", "Europe/Madrid", 40.42, -3.70, "MAD", "280##", 0.95),
    ("Barcelona", "ES", "EUR", "Europe/Madrid", 41.39, 2.17, "BCN", "080##", 1.1),
    ("Stockholm", "SE", "SEK", "Europe/Stockholm", 59.33, 18.07, "ARN", "111 ##", 1.0),
    ("Oslo", "NO", "NOK", "Europe/Oslo", 59.91, 10.75, "OSL", "01##", 1.2),
)

OVERSEAS: dict[str, Place] = _places(
    # name, country, currency, time zone, latitude, longitude, airport, postal code pattern, price level
    ("Boston", "US", "USD", "America/New_York", 42.36, -71.06, "BOS", "021##", 1.4),
    ("Chicago", "US", "USD", "America/Chicago", 41.88, -87.63, "ORD", "606##", 1.2),
    ("Seattle", "US", "USD", "America/Los_Angeles", 47.61, -122.33, "SEA", "981##", 1.3),
    ("Toronto", "CA", "CAD", "America/Toronto", 43.65, -79.38, "YYZ", "M5V #K#", 1.1),
    ("Singapore", "SG", "SGD", "Asia/Singapore", 1.35, 103.82, "SIN", "0189##", 1.3),
    ("Osaka", "JP", "JPY", "Asia/Tokyo", 34.69, 135.50, "KIX", "530-00##", 0.9),
    ("Melbourne", "AU", "AUD", "Australia/Melbourne", -37.81, 144.96, "MEL", "30##", 1.0),
)

STATIONS: dict[str, Station] = _stations(
    # station id, name, city, latitude, longitude
    ("berlin-hbf", "Berlin Hbf", "Berlin", 52.525, 13.369),
    ("hamburg-hbf", "Hamburg Hbf", "Hamburg", 53.553, 10.007),
    ("muenchen-hbf", "München Hbf", "Munich", 48.140, 11.558),
    ("frankfurt-hbf", "Frankfurt (Main) Hbf", "Frankfurt", 50.107, 8.663),
    ("koeln-hbf", "Köln Hbf", "Cologne", 50.943, 6.959),
    ("amsterdam-centraal", "Amsterdam Centraal", "Amsterdam", 52.379, 4.900),
    ("bruxelles-midi", "Bruxelles-Midi / Brussel-Zuid", "Brussels", 50.836, 4.336),
    ("paris-nord", "Paris Gare du Nord", "Paris", 48.881, 2.355),
    ("paris-est", "Paris Gare de l'Est", "Paris", 48.877, 2.359),
    ("paris-lyon", "Paris Gare de Lyon", "Paris", 48.844, 2.374),
    ("lyon-part-dieu", "Lyon Part-Dieu", "Lyon", 45.761, 4.859),
    ("milano-centrale", "Milano Centrale", "Milan", 45.486, 9.204),
    ("roma-termini", "Roma Termini", "Rome", 41.901, 12.501),
    ("zuerich-hb", "Zürich HB", "Zurich", 47.378, 8.540),
    ("wien-hbf", "Wien Hbf", "Vienna", 48.185, 16.376),
    ("praha-hln", "Praha hlavní nádraží", "Prague", 50.083, 14.435),
    ("warszawa-centralna", "Warszawa Centralna", "Warsaw", 52.229, 21.003),
    ("london-st-pancras", "London St Pancras International", "London", 51.532, -0.126),
    ("london-euston", "London Euston", "London", 51.528, -0.134),
    ("london-kings-cross", "London King's Cross", "London", 51.530, -0.123),
    ("manchester-piccadilly", "Manchester Piccadilly", "Manchester", 53.477, -2.231),
    ("edinburgh-waverley", "Edinburgh Waverley", "Edinburgh", 55.952, -3.189),
    ("madrid-atocha", "Madrid Puerta de Atocha", "Madrid", 40.406, -3.690),
    ("barcelona-sants", "Barcelona Sants", "Barcelona", 41.379, 2.140),
    ("stockholm-central", "Stockholm Central", "Stockholm", 59.330, 18.058),
    ("oslo-s", "Oslo S", "Oslo", 59.911, 10.753),
)

CORRIDORS: tuple[Corridor, ...] = _corridors(
    # one end, other end, minutes, operator, product, second-class flex fare in EUR, seat reservation included
    ("berlin-hbf", "hamburg-hbf", 105, "DB Fernverkehr", "ICE", 89.90, False),
    ("berlin-hbf", "muenchen-hbf", 240, "DB Fernverkehr", "ICE", 161.90, False),
    ("berlin-hbf", "frankfurt-hbf", 250, "DB Fernverkehr", "ICE", 139.90, False),
    ("berlin-hbf", "koeln-hbf", 260, "DB Fernverkehr", "ICE", 141.90, False),
    ("berlin-hbf", "warszawa-centralna", 340, "PKP Intercity", "EC", 69.90, False),
    ("berlin-hbf", "praha-hln", 260, "České dráhy", "EC", 59.90, False),
    ("berlin-hbf", "amsterdam-centraal", 380, "NS International", "IC", 99.90, False),
    ("hamburg-hbf", "koeln-hbf", 240, "DB Fernverkehr", "ICE", 109.90, False),
    ("frankfurt-hbf", "muenchen-hbf", 190, "DB Fernverkehr", "ICE", 119.90, False),
    ("frankfurt-hbf", "koeln-hbf", 65, "DB Fernverkehr", "ICE", 73.90, False),
    ("frankfurt-hbf", "paris-est", 230, "DB Fernverkehr", "ICE", 119.00, True),
    ("koeln-hbf", "bruxelles-midi", 110, "DB Fernverkehr", "ICE", 59.90, False),
    ("koeln-hbf", "amsterdam-centraal", 160, "DB Fernverkehr", "ICE", 64.90, False),
    ("muenchen-hbf", "wien-hbf", 240, "ÖBB", "RJX", 93.40, False),
    ("muenchen-hbf", "zuerich-hb", 210, "SBB", "EC", 79.90, False),
    ("wien-hbf", "praha-hln", 240, "ÖBB", "RJ", 64.00, False),
    ("zuerich-hb", "milano-centrale", 200, "SBB", "EC", 87.00, True),
    ("paris-lyon", "lyon-part-dieu", 120, "SNCF Voyageurs", "TGV", 95.00, True),
    ("paris-nord", "bruxelles-midi", 82, "Eurostar", "EST", 89.00, True),
    ("paris-nord", "london-st-pancras", 136, "Eurostar", "EST", 245.00, True),
    ("bruxelles-midi", "london-st-pancras", 121, "Eurostar", "EST", 235.00, True),
    ("bruxelles-midi", "amsterdam-centraal", 112, "Eurostar", "EST", 79.00, True),
    ("paris-lyon", "milano-centrale", 430, "Trenitalia France", "FR", 109.00, True),
    ("paris-lyon", "zuerich-hb", 244, "TGV Lyria", "TGV", 109.00, True),
    ("milano-centrale", "roma-termini", 190, "Trenitalia", "FR", 89.00, True),
    ("london-euston", "manchester-piccadilly", 127, "Avanti West Coast", "AWC", 120.00, False),
    ("london-kings-cross", "edinburgh-waverley", 260, "LNER", "LNER", 170.00, False),
    ("manchester-piccadilly", "edinburgh-waverley", 195, "TransPennine Express", "TPE", 85.00, False),
    ("madrid-atocha", "barcelona-sants", 150, "Renfe", "AVE", 89.00, True),
    ("stockholm-central", "oslo-s", 350, "SJ", "SJ", 82.00, True),
)

_REGION_CORRIDORS = 5


@attrs.frozen(kw_only=True)
class Region:
    """The cities of one seed's world: a connected set of rail corridors plus one overseas city."""

    corridors: tuple[Corridor, ...]
    cities: tuple[Place, ...]
    overseas: Place

    @property
    def all_cities(self) -> tuple[Place, ...]:
        return (*self.cities, self.overseas)


def _city_of(station_id: str) -> str:
    return STATIONS[station_id].city


def _grow(rng: random.Random) -> list[Corridor]:
    chosen = [rng.choice(CORRIDORS)]
    cities = {_city_of(chosen[0].first), _city_of(chosen[0].second)}
    while len(chosen) < _REGION_CORRIDORS:
        touching = [
            corridor
            for corridor in CORRIDORS
            if corridor not in chosen and ({_city_of(corridor.first), _city_of(corridor.second)} & cities)
        ]
        if not touching:
            break
        corridor = rng.choice(touching)
        chosen.append(corridor)
        cities |= {_city_of(corridor.first), _city_of(corridor.second)}
    return chosen


def travel_region(ctx: SeedContext) -> Region:
    """This seed's travel region: the same in every travel environment seeded with the same seed."""
    rng = ctx.shared("travel_region")
    corridors = _grow(rng)
    names: list[str] = []
    for corridor in corridors:
        for station_id in (corridor.first, corridor.second):
            city = _city_of(station_id)
            if city not in names:
                names.append(city)
    overseas = OVERSEAS[rng.choice(sorted(OVERSEAS))]
    return Region(corridors=tuple(corridors), cities=tuple(PLACES[name] for name in names), overseas=overseas)


def postal_code(rng: random.Random, place: Place) -> str:
    """A postal code in ``place``'s format (``#`` becomes a digit)."""
    return "".join(str(rng.randint(0, 9)) if char == "#" else char for char in place.postal_pattern)
