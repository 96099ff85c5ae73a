"""A minimal note-taking environment: one table, five tools."""

from __future__ import annotations

from typing import Annotated, TypedDict

from ...models import Provenance
from .. import Arg, Context, Environment, SeedContext, fake, table

environment = Environment(
    name="notes",
    domain="examples",
    description="A note-taking app with titles, bodies and tags, after a generic notes REST API.",
    tables=[
        table("notes", primary_key="note_id", note_id=str, title=str, body=str, tags=list, pinned=bool, created_at=str)
    ],
    now="2025-03-14T10:00:00+00:00",
    provenance=Provenance(source="Example environment shipped with envfactory-core"),
    default_size=8,
)


class Note(TypedDict):
    """A note.

    Args:
        note_id: The note's id.
        title: The note's title.
        body: The text of the note.
        tags: Labels on the note.
        pinned: Whether the note is pinned to the top.
        created_at: When the note was created (ISO 8601).
    """

    note_id: str
    title: str
    body: str
    tags: list[str]
    pinned: bool
    created_at: str


class NoteList(TypedDict):
    notes: list[Note]
    count: int


@environment.tool(effect="write")
def create_note(ctx: Context, title: str, body: str = "", tags: list[str] | None = None) -> Note:
    """Create a note.

    Args:
        title: The note's title.
        body: The text of the note.
        tags: Labels to put on the note.
    """
    return ctx.table("notes").insert(  # type: ignore[return-value]
        {
            "note_id": ctx.new_id("note"),
            "title": title,
            "body": body,
            "tags": sorted(set(tags or [])),
            "pinned": False,
            "created_at": ctx.now.isoformat(),
        }
    )


@environment.tool(effect="read")
def get_note(ctx: Context, note_id: str) -> Note:
    """Get one note by id.

    Args:
        note_id: The note's id.
    """
    return ctx.table("notes").require(note_id)  # type: ignore[return-value]


@environment.tool(effect="read")
def search_notes(
    ctx: Context,
    query: str = "",
    tag: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> NoteList:
    """Find notes whose title or body contains the query, optionally with a tag.

    Args:
        query: Text to look for in titles and bodies (case-insensitive).
        tag: Only notes with this tag.
        limit: At most this many notes.
    """
    needle = query.lower()
    found = [
        note
        for note in ctx.table("notes").all(order_by="created_at")
        if (needle in note["title"].lower() or needle in note["body"].lower()) and (tag is None or tag in note["tags"])
    ]
    return {"notes": found[:limit], "count": len(found)}  # type: ignore[typeddict-item]


@environment.tool(effect="write")
def tag_note(ctx: Context, note_id: str, tags: list[str]) -> Note:
    """Add tags to a note (tags it already has are kept once).

    Args:
        note_id: The note's id.
        tags: Labels to add.
    """
    note = ctx.table("notes").require(note_id)
    return ctx.table("notes").update(note_id, {"tags": sorted(set(note["tags"]) | set(tags))})  # type: ignore[return-value]


@environment.tool(effect="write")
def delete_note(ctx: Context, note_id: str) -> Note:
    """Delete a note; pinned notes must be unpinned first.

    Args:
        note_id: The note's id.
    """
    from .. import ToolError

    note = ctx.table("notes").require(note_id)
    if note["pinned"]:
        raise ToolError(f"note {note_id!r} is pinned; unpin it before deleting it")
    return ctx.table("notes").delete(note_id)  # type: ignore[return-value]


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, object]]]:
    rng = ctx.rng
    notes = []
    for index in range(ctx.size):
        created = fake.datetime_between(rng, ctx.now.replace(month=1, day=2), ctx.now)
        notes.append(
            {
                "note_id": f"note_{index:03d}{rng.randrange(16**4):04x}",
                "title": fake.title_words(rng, 2),
                "body": fake.sentence(rng),
                "tags": sorted(rng.sample(["work", "home", "ideas", "urgent", "reading", "travel"], rng.randint(0, 2))),
                "pinned": rng.random() < 0.2,
                "created_at": created.isoformat(),
            }
        )
    return {"notes": notes}
