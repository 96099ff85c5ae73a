"""A small airline state in the benchmark's shape, for tests of this package and of code built on it.

It has every kind of record the tools touch (available, landed and cancelled flight dates, a
next-day arrival, a user with a credit card, a gift card and a certificate, a reservation), so
tools can be exercised without the benchmark's data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["POLICY", "small_view", "write_data_folder"]

POLICY = "# Airline Agent Policy\n\nThe current time is 2024-05-15 15:00:00 EST.\n"


def _available(seats: tuple[int, int, int], prices: tuple[int, int, int]) -> dict[str, Any]:
    cabins = ("basic_economy", "economy", "business")
    return {
        "status": "available",
        "available_seats": dict(zip(cabins, seats, strict=True)),
        "prices": dict(zip(cabins, prices, strict=True)),
    }


def _flight(
    number: str, origin: str, destination: str, departs: str, arrives: str, dates: dict[str, Any]
) -> dict[str, Any]:
    return {
        "flight_number": number,
        "origin": origin,
        "destination": destination,
        "scheduled_departure_time_est": departs,
        "scheduled_arrival_time_est": arrives,
        "dates": dates,
    }


def small_view() -> dict[str, dict[str, Any]]:
    """A tiny airline state in the benchmark's own shape, with every kind of record the tools touch."""
    flights = {
        "HAT001": _flight(
            "HAT001",
            "JFK",
            "ATL",
            "07:00:00",
            "09:30:00",
            {
                "2024-05-10": {
                    "status": "landed",
                    "actual_departure_time_est": "2024-05-10T07:02:00",
                    "actual_arrival_time_est": "2024-05-10T09:20:00",
                },
                "2024-05-20": _available((5, 2, 1), (50, 100, 400)),
                "2024-05-21": {"status": "cancelled"},
            },
        ),
        "HAT002": _flight(
            "HAT002", "ATL", "SEA", "22:00:00", "03:00:00+1", {"2024-05-20": _available((9, 9, 9), (40, 80, 300))}
        ),
        "HAT003": _flight(
            "HAT003",
            "JFK",
            "SEA",
            "12:00:00",
            "18:00:00",
            {"2024-05-20": _available((3, 3, 3), (90, 150, 600)), "2024-05-22": _available((3, 3, 3), (95, 160, 650))},
        ),
        "HAT004": _flight(
            "HAT004", "ATL", "SEA", "08:00:00", "12:00:00", {"2024-05-20": _available((9, 9, 9), (40, 80, 300))}
        ),
        "HAT005": _flight(
            "HAT005", "SEA", "JFK", "06:00:00", "14:00:00", {"2024-05-21": _available((4, 4, 0), (70, 120, 500))}
        ),
    }
    users = {
        "ada_lovelace_1815": {
            "name": {"first_name": "Ada", "last_name": "Lovelace"},
            "address": {
                "address1": "1 Analytical Way",
                "address2": "",
                "city": "London",
                "country": "UK",
                "province": "LDN",
                "zip": "00001",
            },
            "email": "ada@example.com",
            "dob": "1815-12-10",
            "payment_methods": {
                "credit_card_1111111": {
                    "source": "credit_card",
                    "brand": "visa",
                    "last_four": "1111",
                    "id": "credit_card_1111111",
                },
                "gift_card_2222222": {"source": "gift_card", "amount": 200, "id": "gift_card_2222222"},
                "certificate_3333333": {"source": "certificate", "amount": 100, "id": "certificate_3333333"},
            },
            "saved_passengers": [{"first_name": "Charles", "last_name": "Babbage", "dob": "1791-12-26"}],
            "membership": "gold",
            "reservations": ["ABC123"],
        }
    }
    reservations = {
        "ABC123": {
            "reservation_id": "ABC123",
            "user_id": "ada_lovelace_1815",
            "origin": "JFK",
            "destination": "SEA",
            "flight_type": "one_way",
            "cabin": "economy",
            "flights": [
                {"origin": "JFK", "destination": "SEA", "flight_number": "HAT003", "date": "2024-05-20", "price": 140}
            ],
            "passengers": [
                {"first_name": "Ada", "last_name": "Lovelace", "dob": "1815-12-10"},
                {"first_name": "Charles", "last_name": "Babbage", "dob": "1791-12-26"},
            ],
            "payment_history": [{"payment_id": "gift_card_2222222", "amount": 280}],
            "created_at": "2024-05-01T10:00:00",
            "total_baggages": 1,
            "nonfree_baggages": 0,
            "insurance": "no",
        }
    }
    return {"flights": flights, "reservations": reservations, "users": users}


def write_data_folder(folder: Path, view: dict[str, Any] | None = None, *, policy: str = POLICY) -> Path:
    """Lay out a data folder in the shared layout: data/*.json and wiki.md."""
    view = view if view is not None else small_view()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name, records in view.items():
        (folder / "data" / f"{name}.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
    (folder / "wiki.md").write_text(policy, encoding="utf-8")
    return folder
