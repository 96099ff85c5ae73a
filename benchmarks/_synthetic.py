"""A synthetic tool graph of the paper's size, for benchmarks and scale tests.

A benchmark fixture, not part of the runtime: ``benchmarks/graph.py`` measures on it, and the
graph tests load it from this file (``tests/graph/conftest.py``).

``synthetic_specs()`` makes 85 environments with about 670 tools and 4,200 parameters (the
reference graph: 85 servers, 672 tools, ~4,200 parameter nodes). Each environment owns one entity
(orders, invoices, flights, ...) with CRUD and search tools, and refers to one or two entities
owned elsewhere, so ids flow across environments as in real API collections. A share of
environments name things differently (``orderId``, ``order_ref``, paraphrased descriptions) so
that the lexical linker has work beyond exact names. The output is a pure function of the seed.
"""

from __future__ import annotations

import random

from envfactory_core.ids import JsonValue
from envfactory_core.models import ColumnSpec, EnvironmentSpec, Provenance, StateSchema, TableSpec, ToolSpec

__all__ = ["ENTITIES", "synthetic_specs"]

ENTITIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "customer": (
        ("name", "string", "Full name of the customer"),
        ("email", "string", "Email address of the customer"),
        ("city", "string", "City where the customer lives"),
    ),
    "order": (
        ("status", "string", "Current status of the order"),
        ("total", "number", "Total amount of the order"),
        ("placed_at", "string", "Date the order was placed"),
    ),
    "product": (
        ("name", "string", "Display name of the product"),
        ("price", "number", "Unit price of the product"),
        ("category", "string", "Category the product belongs to"),
    ),
    "invoice": (
        ("amount", "number", "Amount due on the invoice"),
        ("due_date", "string", "Date the invoice is due"),
        ("currency", "string", "Currency of the invoice amount"),
    ),
    "ticket": (
        ("subject", "string", "Short subject of the support ticket"),
        ("priority", "string", "Priority of the ticket"),
        ("status", "string", "Status of the ticket"),
    ),
    "message": (
        ("body", "string", "Text of the message"),
        ("subject", "string", "Subject line of the message"),
        ("sent_at", "string", "Time the message was sent"),
    ),
    "event": (
        ("title", "string", "Title of the calendar event"),
        ("start_time", "string", "Start time of the event"),
        ("location", "string", "Where the event takes place"),
    ),
    "booking": (
        ("check_in", "string", "Check-in date of the booking"),
        ("check_out", "string", "Check-out date of the booking"),
        ("guests", "integer", "Number of guests"),
    ),
    "flight": (
        ("origin", "string", "Departure airport"),
        ("destination", "string", "Arrival airport"),
        ("departure_date", "string", "Date of departure"),
    ),
    "hotel": (
        ("name", "string", "Name of the hotel"),
        ("city", "string", "City of the hotel"),
        ("rating", "number", "Star rating"),
    ),
    "payment": (
        ("amount", "number", "Amount paid"),
        ("currency", "string", "Currency of the payment"),
        ("method", "string", "Payment method used"),
    ),
    "shipment": (
        ("carrier", "string", "Carrier that ships the parcel"),
        ("tracking_number", "string", "Carrier tracking number"),
        ("address", "string", "Delivery address"),
    ),
    "employee": (
        ("name", "string", "Full name of the employee"),
        ("role", "string", "Job title of the employee"),
        ("department", "string", "Department of the employee"),
    ),
    "project": (
        ("name", "string", "Name of the project"),
        ("deadline", "string", "Deadline of the project"),
        ("budget", "number", "Budget of the project"),
    ),
    "task": (
        ("title", "string", "Title of the task"),
        ("due_date", "string", "Date the task is due"),
        ("priority", "string", "Priority of the task"),
    ),
    "document": (
        ("title", "string", "Title of the document"),
        ("content", "string", "Text content of the document"),
        ("folder", "string", "Folder holding the document"),
    ),
    "repository": (
        ("name", "string", "Name of the repository"),
        ("language", "string", "Main programming language"),
        ("visibility", "string", "Public or private"),
    ),
    "recipe": (
        ("name", "string", "Name of the recipe"),
        ("cuisine", "string", "Cuisine of the recipe"),
        ("servings", "integer", "Number of servings"),
    ),
    "song": (
        ("title", "string", "Title of the song"),
        ("artist", "string", "Artist who performs the song"),
        ("genre", "string", "Musical genre"),
    ),
    "playlist": (
        ("name", "string", "Name of the playlist"),
        ("description", "string", "Description of the playlist"),
        ("public", "boolean", "Whether the playlist is public"),
    ),
    "vehicle": (
        ("model", "string", "Model of the vehicle"),
        ("plate", "string", "Licence plate"),
        ("seats", "integer", "Seats"),
    ),
    "patient": (
        ("name", "string", "Full name of the patient"),
        ("birth_date", "string", "Date of birth"),
        ("phone", "string", "Phone number of the patient"),
    ),
    "appointment": (
        ("start_time", "string", "Start time of the appointment"),
        ("reason", "string", "Reason for the visit"),
        ("status", "string", "Status of the appointment"),
    ),
    "account": (
        ("owner", "string", "Name of the account owner"),
        ("balance", "number", "Current balance"),
        ("currency", "string", "Currency of the account"),
    ),
    "listing": (
        ("title", "string", "Title of the listing"),
        ("price", "number", "Asking price"),
        ("city", "string", "City of the listing"),
    ),
    "course": (
        ("title", "string", "Title of the course"),
        ("teacher", "string", "Teacher of the course"),
        ("credits", "integer", "Credits the course is worth"),
    ),
    "student": (
        ("name", "string", "Full name of the student"),
        ("grade", "integer", "School grade"),
        ("email", "string", "Email address of the student"),
    ),
    "warehouse": (
        ("city", "string", "City of the warehouse"),
        ("capacity", "integer", "Capacity in pallets"),
        ("manager", "string", "Name of the manager"),
    ),
    "contract": (
        ("title", "string", "Title of the contract"),
        ("start_date", "string", "Date the contract starts"),
        ("value", "number", "Value of the contract"),
    ),
    "lead": (
        ("company", "string", "Company of the sales lead"),
        ("stage", "string", "Pipeline stage"),
        ("email", "string", "Email address of the lead"),
    ),
    "campaign": (
        ("name", "string", "Name of the campaign"),
        ("budget", "number", "Budget of the campaign"),
        ("channel", "string", "Marketing channel"),
    ),
    "device": (
        ("model", "string", "Model of the device"),
        ("serial_number", "string", "Serial number"),
        ("os", "string", "Operating system"),
    ),
    "incident": (
        ("summary", "string", "Summary of the incident"),
        ("severity", "string", "Severity level"),
        ("opened_at", "string", "Time the incident was opened"),
    ),
    "article": (
        ("headline", "string", "Headline of the article"),
        ("author", "string", "Author of the article"),
        ("published_on", "string", "Date of publication"),
    ),
    "reservation": (
        ("party_size", "integer", "Number of diners"),
        ("time", "string", "Time of the reservation"),
        ("note", "string", "Note for the restaurant"),
    ),
    "restaurant": (
        ("name", "string", "Name of the restaurant"),
        ("cuisine", "string", "Cuisine served"),
        ("city", "string", "City of the restaurant"),
    ),
    "policy": (
        ("holder", "string", "Name of the policy holder"),
        ("premium", "number", "Yearly premium"),
        ("coverage", "string", "What the policy covers"),
    ),
    "claim": (
        ("amount", "number", "Amount claimed"),
        ("filed_on", "string", "Date the claim was filed"),
        ("description", "string", "What happened"),
    ),
    "parcel": (
        ("weight", "number", "Weight in kilograms"),
        ("destination", "string", "Destination city"),
        ("status", "string", "Delivery status"),
    ),
    "album": (
        ("title", "string", "Title of the album"),
        ("artist", "string", "Artist of the album"),
        ("year", "integer", "Year of release"),
    ),
}

_PARAPHRASE = {
    "Identifier": ("Unique reference of", "Key that identifies", "Handle of"),
}


def _id_description(entity: str, rng: random.Random, paraphrase: bool) -> str:
    if paraphrase:
        return f"{rng.choice(_PARAPHRASE['Identifier'])} the {entity} record"
    return f"Identifier of the {entity}"


def _id_name(entity: str, style: str) -> str:
    if style == "camel":
        return f"{entity}Id"
    if style == "ref":
        return f"{entity}_ref"
    return f"{entity}_id"


def _prop(kind: str, description: str) -> dict[str, JsonValue]:
    return {"type": kind, "description": description}


def _object(properties: dict[str, JsonValue], required: list[str] | None = None) -> dict[str, JsonValue]:
    schema: dict[str, JsonValue] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _environment(number: int, rng: random.Random, entities: list[str]) -> EnvironmentSpec:
    own = entities[number % len(entities)]
    others = [entity for entity in entities if entity != own]
    foreign = rng.sample(others, rng.choice((1, 2, 2)))
    style = rng.choices(("snake", "camel", "ref"), weights=(7, 2, 1))[0]
    paraphrase = rng.random() < 0.3
    name = f"{own}_service_{number:02d}"
    own_id = _id_name(own, style)
    fields = ENTITIES[own]
    id_prop = _prop("string", _id_description(own, rng, paraphrase))
    field_props: dict[str, JsonValue] = {field: _prop(kind, text) for field, kind, text in fields}
    foreign_props: dict[str, JsonValue] = {
        _id_name(entity, style): _prop("string", _id_description(entity, rng, paraphrase)) for entity in foreign
    }
    created = {"created_at": _prop("string", f"Time the {own} was created")}
    notes = {"notes": _prop("string", f"Free-text notes about the {own}")}
    record = _object({own_id: id_prop, **field_props, **foreign_props, **created})
    summary = _object({own_id: id_prop, **field_props, **created})
    plural = f"{own}s"
    tools: list[ToolSpec] = [
        ToolSpec(
            name=f"list_{plural}",
            description=f"List {plural}, optionally filtered.",
            input_schema=_object(
                {
                    fields[0][0]: _prop(fields[0][1], f"Only {plural} with this {fields[0][0]}"),
                    "limit": _prop("integer", "Maximum number of results"),
                }
            ),
            output_schema=_object(
                {
                    "items": {"type": "array", "items": summary},
                    "next_cursor": _prop("string", "Cursor of the next page"),
                }
            ),
            effect="read",
        ),
        ToolSpec(
            name=f"get_{own}",
            description=f"Get one {own} by its id.",
            input_schema=_object({own_id: id_prop}, [own_id]),
            output_schema=record,
            effect="read",
        ),
        ToolSpec(
            name=f"create_{own}",
            description=f"Create a {own}.",
            input_schema=_object({**field_props, **foreign_props, **notes}, [fields[0][0], *foreign_props]),
            output_schema=_object({own_id: id_prop, "created": _prop("boolean", "Whether it was created")}),
            effect="write",
        ),
        ToolSpec(
            name=f"update_{own}",
            description=f"Change fields of a {own}.",
            input_schema=_object({own_id: id_prop, **field_props, **notes}, [own_id]),
            output_schema=_object(
                {
                    own_id: id_prop,
                    fields[1][0]: field_props[fields[1][0]],
                    "updated_at": _prop("string", f"Time the {own} was changed"),
                }
            ),
            effect="write",
        ),
        ToolSpec(
            name=f"delete_{own}",
            description=f"Delete a {own}.",
            input_schema=_object({own_id: id_prop}, [own_id]),
            output_schema=_object({"deleted": _prop("boolean", "Whether it was deleted")}),
            effect="write",
        ),
        ToolSpec(
            name=f"search_{plural}",
            description=f"Search {plural} by free text.",
            input_schema=_object(
                {
                    "query": _prop("string", "Words to search for"),
                    "cursor": _prop("string", "Cursor from a previous page"),
                    "limit": _prop("integer", "Maximum number of results"),
                },
                ["query"],
            ),
            output_schema=_object(
                {
                    "results": {
                        "type": "array",
                        "items": _object({own_id: id_prop, fields[0][0]: field_props[fields[0][0]]}),
                    }
                }
            ),
            effect="read",
        ),
    ]
    for entity in foreign:
        foreign_id = _id_name(entity, style)
        tools.append(
            ToolSpec(
                name=f"list_{plural}_for_{entity}",
                description=f"List the {plural} linked to a {entity}.",
                input_schema=_object({foreign_id: foreign_props[foreign_id]}, [foreign_id]),
                output_schema=_object({"items": {"type": "array", "items": summary}}),
                effect="read",
            )
        )
    if rng.random() < 0.25:
        tools.append(
            ToolSpec(
                name=f"summarize_{own}",
                description=f"Summarise a {own} in a sentence.",
                input_schema=_object(
                    {own_id: id_prop, "language": _prop("string", "Language of the summary")}, [own_id]
                ),
                output_schema=_object({"summary": _prop("string", "One-sentence summary")}),
                effect="read",
            )
        )
    return EnvironmentSpec(
        name=name,
        domain="synthetic",
        description=f"A synthetic service that manages {plural}.",
        tools=tuple(tools),
        state_schema=StateSchema(
            tables=(TableSpec(name=plural, primary_key=(own_id,), columns=(ColumnSpec(name=own_id, type="text"),)),)
        ),
        provenance=Provenance(generator="benchmarks/_synthetic.py"),
    )


def synthetic_specs(environments: int = 85, *, seed: int = 0) -> list[EnvironmentSpec]:
    """``environments`` synthetic specs (85 by default: about 670 tools, 4,200 parameters)."""
    rng = random.Random(f"synthetic-graph:{seed}")
    entities = sorted(ENTITIES)
    return [_environment(number, rng, entities) for number in range(environments)]
