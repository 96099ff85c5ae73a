"""A reference manager after the Zotero Web API: items, collections, tags, notes, the trash, versions.

Items have Zotero's 8-character keys, item types and fields (creators, date, publication, DOI,
ISBN, URL, abstract, tags, collections); notes are child items; deleting moves an item to the trash,
from which it can be restored. Every write bumps the library version and stamps the changed object
with it, and a write may carry the version the client last saw (``If-Unmodified-Since-Version`` in
the API): if the object changed since, the write is refused, exactly as Zotero answers 412.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page, seed_token
from envfactory_core.models import Provenance

from ._common import NOW
from .catalog import academic_books, valid_isbn13

__all__ = ["environment"]

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
ItemType = Literal["journalArticle", "book", "bookSection", "conferencePaper", "thesis", "preprint", "report"]
ISBN_TYPES = {"book", "bookSection", "conferencePaper", "report", "thesis"}

POLICY = """\
Library rules (as the Zotero Web API enforces them):
- Every write raises the library version by one and stamps the changed object with it. A write may
  pass if_unmodified_since_version: when the object's version is newer, the write is refused and
  the client must fetch the item again.
- A DOI must look like 10.NNNN/suffix (a https://doi.org/ prefix is removed). An ISBN must be a valid
  ISBN-13 and only books, book sections, conference papers, reports and theses carry one; journal
  articles and preprints do not.
- The library holds one item per DOI and per ISBN: adding a duplicate is refused with the existing
  item's key.
- Trashed items cannot be edited, filed or annotated until they are restored; their notes go to the
  trash with them and come back with them.
- Collection names are unique among siblings (case-insensitive); a parent collection must exist.
- Notes belong to a regular item (notes cannot have child notes).
"""

environment = Environment(
    name="references",
    domain="academia",
    description=(
        "A reference manager after the Zotero Web API's items, collections, tags and notes endpoints: search a "
        "research library by words, tag, DOI or ISBN, add and edit items with versioned writes, file them in "
        "collections, annotate them with notes, and move them to and from the trash."
    ),
    tables=[
        table("library", primary_key="library_id", library_id=str, name=str, owner_name=str, email=str, version=int),
        table(
            "items",
            primary_key="item_id",
            item_id=str,
            item_type=str,
            title=str,
            creators=list,
            date=str | None,
            publication=str | None,
            doi=str | None,
            isbn=str | None,
            url=str | None,
            abstract=str | None,
            tags=list,
            collections=list,
            version=int,
            date_added=str,
            date_modified=str,
            deleted=bool,
        ),
        table(
            "collections",
            primary_key="collection_id",
            collection_id=str,
            name=str,
            parent_collection_id=str | None,
            version=int,
        ),
        table(
            "notes",
            primary_key="note_id",
            note_id=str,
            item_id=str,
            body=str,
            tags=list,
            version=int,
            date_added=str,
            deleted=bool,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Zotero Web API v3: items, collections, tags, searches, trash, versions and conditional writes",
        url="https://www.zotero.org/support/dev/web_api/v3/basics",
    ),
)


# --- inputs and outputs ----------------------------------------------------------------------------------------


class Creator(TypedDict):
    """A creator of an item.

    Args:
        first_name: Given name.
        last_name: Family name.
        creator_type: author or editor.
    """

    first_name: str
    last_name: str
    creator_type: Literal["author", "editor"]


class ItemSummary(TypedDict):
    """An item as a search lists it.

    Args:
        item_id: The item's 8-character key.
        title: The item's title.
        doi: The DOI, if any.
        isbn: The ISBN-13, if any.
        url: The http(s) URL where the item can be read online (often its DOI link).
    """

    item_id: str
    item_type: str
    title: str
    creators: list[Creator]
    date: str | None
    publication: str | None
    doi: str | None
    isbn: str | None
    url: str | None
    tags: list[str]
    version: int
    deleted: bool


class ItemSearch(TypedDict):
    items: list[ItemSummary]
    count: int


class Note(TypedDict):
    """A child note.

    Args:
        note_id: The note's key.
        body: The note's text (simple HTML).
    """

    note_id: str
    item_id: str
    body: str
    tags: list[str]
    version: int
    date_added: str


class Item(TypedDict):
    """A library item with its notes.

    Args:
        item_id: The item's 8-character key.
        collections: Keys of the collections the item is filed in.
        version: The item's version; pass it as if_unmodified_since_version to write safely.
        deleted: Whether the item is in the trash.
    """

    item_id: str
    item_type: str
    title: str
    creators: list[Creator]
    date: str | None
    publication: str | None
    doi: str | None
    isbn: str | None
    url: str | None
    abstract: str | None
    tags: list[str]
    collections: list[str]
    version: int
    date_added: str
    date_modified: str
    deleted: bool
    notes: list[Note]
    library_version: int


class Collection(TypedDict):
    """A collection (folder) of items.

    Args:
        collection_id: The collection's key.
        parent_collection_id: The parent collection's key, or null at the top level.
        item_count: Items filed here that are not in the trash.
    """

    collection_id: str
    name: str
    parent_collection_id: str | None
    item_count: int
    version: int


class CollectionList(TypedDict):
    collections: list[Collection]
    count: int
    library_version: int


class TagCount(TypedDict):
    tag: str
    item_count: int


class TagList(TypedDict):
    tags: list[TagCount]
    count: int


# --- rules -----------------------------------------------------------------------------------------------------


def _bump(ctx: Context) -> int:
    """Raise the library version (every write does) and return the new version."""
    library = ctx.table("library").all()[0]
    version: int = library["version"] + 1
    ctx.table("library").update(library["library_id"], {"version": version})
    return version


def _library_version(ctx: Context) -> int:
    version: int = ctx.table("library").all()[0]["version"]
    return version


def _stamp(ctx: Context) -> str:
    return ctx.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _item(ctx: Context, item_id: str) -> dict[str, Any]:
    return ctx.table("items").require(item_id, what="item")


def _live_item(ctx: Context, item_id: str, action: str) -> dict[str, Any]:
    row = _item(ctx, item_id)
    if row["deleted"]:
        raise ToolError(f"item {item_id} is in the trash; restore it before you {action} it")
    return row


def _check_version(row: dict[str, Any], expected: int | None, what: str) -> None:
    if expected is not None and row["version"] > expected:
        raise ToolError(
            f"{what} {row.get('item_id') or row.get('collection_id')} has changed since version {expected} "
            f"(now version {row['version']}); fetch it again and retry"
        )


def _normal_doi(doi: str) -> str:
    value = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    if not DOI_PATTERN.match(value):
        raise ToolError(f"doi {doi!r} is not a DOI; a DOI looks like 10.1038/s41586-020-2649-2")
    return value


def _normal_isbn(isbn: str, item_type: str) -> str:
    value = isbn.replace("-", "").replace(" ", "")
    if not valid_isbn13(value):
        raise ToolError(f"isbn {isbn!r} is not a valid ISBN-13 (13 digits with a correct check digit)")
    if item_type not in ISBN_TYPES:
        raise ToolError(
            f"a {item_type} has no ISBN field; ISBNs belong to books, book sections, papers, reports, theses"
        )
    return value


def _check_unique(ctx: Context, doi: str | None, isbn: str | None, ignore: str | None = None) -> None:
    for row in ctx.table("items").find(deleted=False):
        if row["item_id"] == ignore:
            continue
        if doi and row["doi"] and row["doi"].lower() == doi.lower():
            raise ToolError(f"item {row['item_id']} ({row['title']!r}) already has DOI {doi}; use that item")
        if isbn and row["isbn"] == isbn:
            raise ToolError(f"item {row['item_id']} ({row['title']!r}) already has ISBN {isbn}; use that item")


def _clean_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        value = tag.strip()
        if value and value not in seen:
            seen.append(value)
    return sorted(seen, key=str.lower)


def _summary(row: dict[str, Any]) -> ItemSummary:
    return cast(ItemSummary, {key: row[key] for key in ItemSummary.__annotations__})


def _note_out(row: dict[str, Any]) -> Note:
    return cast(Note, {key: row[key] for key in Note.__annotations__})


def _item_out(ctx: Context, row: dict[str, Any]) -> Item:
    notes = [_note_out(note) for note in ctx.table("notes").find(item_id=row["item_id"])]
    out = {key: row[key] for key in Item.__annotations__ if key in row}
    out["notes"] = notes
    out["library_version"] = _library_version(ctx)
    return cast(Item, out)


def _collection(ctx: Context, collection_id: str) -> dict[str, Any]:
    return ctx.table("collections").require(collection_id, what="collection")


def _new_key(ctx: Context) -> str:
    return ctx.new_id("", length=8, alphabet=KEY_ALPHABET)


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_items(
    ctx: Context,
    query: str | None = None,
    tag: str | None = None,
    collection_id: str | None = None,
    item_type: ItemType | None = None,
    doi: str | None = None,
    isbn: str | None = None,
    include_trashed: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
) -> ItemSearch:
    """Search items by words in the title, creators or publication, by tag, collection, type, DOI or ISBN.

    Args:
        query: Words to find in the title, creator names or publication (quick search).
        tag: Only items with this tag.
        collection_id: Only items filed in this collection.
        item_type: Only items of this type.
        doi: Only the item with this DOI.
        isbn: Only the item with this ISBN-13.
        include_trashed: Include items in the trash.
        limit: Most items to return.
    """
    wanted_doi = _normal_doi(doi).lower() if doi else None
    wanted_isbn = isbn.replace("-", "").strip() if isbn else None
    found = []
    for row in ctx.table("items").all():
        if row["deleted"] and not include_trashed:
            continue
        names = " ".join(f"{c['first_name']} {c['last_name']}" for c in row["creators"])
        text = f"{row['title']} {names} {row['publication'] or ''}".lower()
        if query and not all(word in text for word in query.lower().split()):
            continue
        if tag and tag not in row["tags"]:
            continue
        if collection_id and collection_id not in row["collections"]:
            continue
        if item_type and row["item_type"] != item_type:
            continue
        if wanted_doi and (row["doi"] or "").lower() != wanted_doi:
            continue
        if wanted_isbn and row["isbn"] != wanted_isbn:
            continue
        found.append(row)
    found.sort(key=lambda row: (row["title"].lower(), row["item_id"]))
    return {"items": [_summary(row) for row in page(found, limit)], "count": len(found)}


@environment.tool(effect="read")
def get_item(ctx: Context, item_id: str) -> Item:
    """Get an item with all its fields, its notes, its version and the library version.

    Args:
        item_id: The item's 8-character key.
    """
    return _item_out(ctx, _item(ctx, item_id))


@environment.tool(effect="write")
def create_item(
    ctx: Context,
    item_type: ItemType,
    title: Annotated[str, Arg(min_length=1, max_length=500)],
    creators: list[Creator] | None = None,
    date: Annotated[str, Arg(max_length=40)] | None = None,
    publication: Annotated[str, Arg(max_length=300)] | None = None,
    doi: str | None = None,
    isbn: str | None = None,
    url: Annotated[str, Arg(max_length=1000)] | None = None,
    abstract: Annotated[str, Arg(max_length=10000)] | None = None,
    tags: list[str] | None = None,
    collection_id: str | None = None,
) -> Item:
    """Add an item to the library (refused when its DOI or ISBN is already there).

    Args:
        item_type: Zotero item type.
        title: The item's title.
        creators: Authors and editors, in order.
        date: Publication date as written, e.g. "2021" or "2021-05-03".
        publication: Journal, proceedings or publisher name.
        doi: The DOI, e.g. "10.1038/s41586-020-2649-2".
        isbn: The ISBN-13 (books and book sections).
        url: Where the item can be read online.
        abstract: The abstract.
        tags: Tags to attach.
        collection_id: A collection to file the item in.
    """
    if not title.strip():
        raise ToolError("title is blank; give the item's title")
    clean_doi = _normal_doi(doi) if doi else None
    clean_isbn = _normal_isbn(isbn, item_type) if isbn else None
    _check_unique(ctx, clean_doi, clean_isbn)
    if collection_id:
        _collection(ctx, collection_id)
    version = _bump(ctx)
    stamp = _stamp(ctx)
    row = ctx.table("items").insert(
        {
            "item_id": _new_key(ctx),
            "item_type": item_type,
            "title": title.strip(),
            "creators": [dict[str, Any](creator) for creator in creators or []],
            "date": date,
            "publication": publication,
            "doi": clean_doi,
            "isbn": clean_isbn,
            "url": url or (f"https://doi.org/{clean_doi}" if clean_doi else None),
            "abstract": abstract,
            "tags": _clean_tags(tags or []),
            "collections": [collection_id] if collection_id else [],
            "version": version,
            "date_added": stamp,
            "date_modified": stamp,
            "deleted": False,
        }
    )
    return _item_out(ctx, row)


@environment.tool(effect="write")
def update_item(
    ctx: Context,
    item_id: str,
    title: Annotated[str, Arg(min_length=1, max_length=500)] | None = None,
    date: Annotated[str, Arg(max_length=40)] | None = None,
    publication: Annotated[str, Arg(max_length=300)] | None = None,
    doi: str | None = None,
    url: Annotated[str, Arg(max_length=1000)] | None = None,
    abstract: Annotated[str, Arg(max_length=10000)] | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    if_unmodified_since_version: Annotated[int, Arg(minimum=0)] | None = None,
) -> Item:
    """Change an item's fields or tags (a partial update); optionally only if unchanged since a version.

    Args:
        item_id: The item's key.
        title: New title.
        date: New date.
        publication: New publication name.
        doi: New DOI.
        url: New URL.
        abstract: New abstract.
        add_tags: Tags to add.
        remove_tags: Tags to remove.
        if_unmodified_since_version: Refuse the write if the item changed after this version.
    """
    row = _live_item(ctx, item_id, "edit")
    _check_version(row, if_unmodified_since_version, "item")
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ToolError("title is blank; give the item's title")
        changes["title"] = title.strip()
    for key, value in (("date", date), ("publication", publication), ("url", url), ("abstract", abstract)):
        if value is not None:
            changes[key] = value
    if doi is not None:
        changes["doi"] = _normal_doi(doi)
        _check_unique(ctx, changes["doi"], None, ignore=item_id)
    if add_tags or remove_tags:
        removing = {tag.strip() for tag in remove_tags or []}
        missing = sorted(removing - set(row["tags"]))
        if missing:
            raise ToolError(
                f"item {item_id} has no tag {missing[0]!r}; its tags are {', '.join(row['tags']) or 'none'}"
            )
        changes["tags"] = _clean_tags([tag for tag in row["tags"] if tag not in removing] + list(add_tags or []))
    if not changes:
        raise ToolError("nothing to change: give a field, add_tags or remove_tags")
    changes.update({"version": _bump(ctx), "date_modified": _stamp(ctx)})
    return _item_out(ctx, ctx.table("items").update(item_id, changes))


@environment.tool(effect="write")
def trash_item(
    ctx: Context, item_id: str, if_unmodified_since_version: Annotated[int, Arg(minimum=0)] | None = None
) -> Item:
    """Move an item (and its notes) to the trash.

    Args:
        item_id: The item's key.
        if_unmodified_since_version: Refuse if the item changed after this version.
    """
    row = _live_item(ctx, item_id, "trash")
    _check_version(row, if_unmodified_since_version, "item")
    version = _bump(ctx)
    for note in ctx.table("notes").find(item_id=item_id):
        ctx.table("notes").update(note["note_id"], {"deleted": True, "version": version})
    updated = ctx.table("items").update(item_id, {"deleted": True, "version": version, "date_modified": _stamp(ctx)})
    return _item_out(ctx, updated)


@environment.tool(effect="write")
def restore_item(ctx: Context, item_id: str) -> Item:
    """Restore an item (and its notes) from the trash.

    Args:
        item_id: The item's key.
    """
    row = _item(ctx, item_id)
    if not row["deleted"]:
        raise ToolError(f"item {item_id} is not in the trash")
    _check_unique(ctx, row["doi"], row["isbn"], ignore=item_id)
    version = _bump(ctx)
    for note in ctx.table("notes").find(item_id=item_id):
        ctx.table("notes").update(note["note_id"], {"deleted": False, "version": version})
    updated = ctx.table("items").update(item_id, {"deleted": False, "version": version, "date_modified": _stamp(ctx)})
    return _item_out(ctx, updated)


@environment.tool(effect="read")
def list_collections(ctx: Context) -> CollectionList:
    """List every collection with its parent and how many items it holds."""
    items = ctx.table("items").find(deleted=False)
    rows: list[Collection] = []
    for row in ctx.table("collections").all(order_by="name"):
        rows.append(
            {
                "collection_id": row["collection_id"],
                "name": row["name"],
                "parent_collection_id": row["parent_collection_id"],
                "item_count": sum(1 for item in items if row["collection_id"] in item["collections"]),
                "version": row["version"],
            }
        )
    return {"collections": rows, "count": len(rows), "library_version": _library_version(ctx)}


@environment.tool(effect="write")
def create_collection(
    ctx: Context, name: Annotated[str, Arg(min_length=1, max_length=120)], parent_collection_id: str | None = None
) -> Collection:
    """Create a collection, at the top level or inside another collection.

    Args:
        name: The collection's name.
        parent_collection_id: The parent collection's key (leave out for the top level).
    """
    if not name.strip():
        raise ToolError("name is blank; give the collection a name")
    if parent_collection_id:
        _collection(ctx, parent_collection_id)
    for sibling in ctx.table("collections").find(parent_collection_id=parent_collection_id):
        if sibling["name"].lower() == name.strip().lower():
            raise ToolError(f"collection {sibling['collection_id']} is already named {sibling['name']!r} here")
    row = ctx.table("collections").insert(
        {
            "collection_id": _new_key(ctx),
            "name": name.strip(),
            "parent_collection_id": parent_collection_id,
            "version": _bump(ctx),
        }
    )
    return cast(Collection, {**row, "item_count": 0})


@environment.tool(effect="write")
def add_to_collection(ctx: Context, item_id: str, collection_id: str) -> Item:
    """File an item in a collection (an item can be in several collections).

    Args:
        item_id: The item's key.
        collection_id: The collection's key.
    """
    row = _live_item(ctx, item_id, "file")
    collection = _collection(ctx, collection_id)
    if collection_id in row["collections"]:
        raise ToolError(f"item {item_id} is already in collection {collection['name']!r}")
    updated = ctx.table("items").update(
        item_id,
        {"collections": [*row["collections"], collection_id], "version": _bump(ctx), "date_modified": _stamp(ctx)},
    )
    return _item_out(ctx, updated)


@environment.tool(effect="write")
def add_note(
    ctx: Context, item_id: str, body: Annotated[str, Arg(min_length=1, max_length=20000)], tags: list[str] | None = None
) -> Note:
    """Attach a note to an item.

    Args:
        item_id: The item the note belongs to.
        body: The note's text.
        tags: Tags for the note.
    """
    if ctx.table("notes").exists(item_id):
        raise ToolError(f"{item_id} is a note; notes cannot have child notes, attach it to the parent item")
    _live_item(ctx, item_id, "annotate")
    if not body.strip():
        raise ToolError("body is blank; write the note's text")
    text = body if body.lstrip().startswith("<") else f"<p>{body.strip()}</p>"
    row = ctx.table("notes").insert(
        {
            "note_id": _new_key(ctx),
            "item_id": item_id,
            "body": text,
            "tags": _clean_tags(tags or []),
            "version": _bump(ctx),
            "date_added": _stamp(ctx),
            "deleted": False,
        }
    )
    return _note_out(row)


@environment.tool(effect="read")
def list_tags(ctx: Context, limit: Annotated[int, Arg(minimum=1, maximum=200, mask=True)] = 50) -> TagList:
    """List the tags used in the library with how many items carry each, most used first.

    Args:
        limit: Most tags to return.
    """
    counts: dict[str, int] = {}
    for row in ctx.table("items").find(deleted=False):
        for tag in row["tags"]:
            counts[tag] = counts.get(tag, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].lower()))
    return {"tags": [{"tag": tag, "item_count": count} for tag, count in page(ordered, limit)], "count": len(ordered)}


# --- seed ------------------------------------------------------------------------------------------------------

# title, field, journal, DOI prefix
ARTICLES = (
    ("Graph neural networks for short-term traffic forecasting in dense urban networks", "ml",
     "Transportation Research Part C", "10.1016"),
    ("Sample-efficient reinforcement learning with learned world models", "ml",
     "Journal of Machine Learning Research", "10.5555"),
    ("Calibration of deep classifiers under dataset shift", "ml", "Neural Computation", "10.1162"),
    ("Heat islands and tree canopy cover across 120 European cities", "env", "Global Environmental Change", "10.1016"),
    ("Coastal flood exposure under high-end sea level rise scenarios", "env", "Nature Communications", "10.1038"),
    ("Pollinator decline and crop yield stability: a meta-analysis", "eco", "Ecology Letters", "10.1111"),
    ("Soil microbial diversity along an urbanisation gradient", "eco", "PLOS ONE", "10.1371"),
    ("Minimum wage increases and employment in small firms", "econ", "American Economic Review", "10.1257"),
    ("Nudges for retirement saving: evidence from a field experiment", "econ",
     "Journal of Public Economics", "10.1016"),
    ("Working memory capacity predicts reading comprehension in adolescents", "psych", "Cognitive Science", "10.1111"),
    ("Sleep deprivation and risky decision making: a randomized crossover study", "psych",
     "Proceedings of the National Academy of Sciences", "10.1073"),
    ("Single-cell atlas of the developing human kidney", "bio", "Nature Communications", "10.1038"),
    ("CRISPR screens identify regulators of T cell exhaustion", "bio", "PLOS ONE", "10.1371"),
    ("Vaccine hesitancy and social media exposure during the 2021 rollout", "health",
     "The Lancet Public Health", "10.1016"),
    ("Air pollution and childhood asthma admissions: a time-series analysis", "health", "BMJ Open", "10.1136"),
    ("Mixed-methods evaluation of a peer tutoring programme", "edu", "Learning and Instruction", "10.1016"),
    ("Consensus latency in geo-replicated databases", "cs", "Proceedings of the VLDB Endowment", "10.14778"),
    ("Measuring gender bias in large pretrained language models", "ml",
     "Transactions of the Association for Computational Linguistics", "10.1162"),
)  # fmt: skip
PREPRINTS = (
    ("Scaling laws for sparse mixture-of-experts language models", "ml"),
    ("A benchmark for tool-using agents in stateful environments", "ml"),
    ("Neural operators for regional climate downscaling", "env"),
    ("Causal discovery from irregularly sampled clinical time series", "health"),
)
FIELD_TAGS = {
    "ml": "machine learning",
    "env": "climate",
    "eco": "ecology",
    "econ": "economics",
    "psych": "psychology",
    "bio": "genomics",
    "health": "public health",
    "edu": "education",
    "cs": "distributed systems",
}
WORK_TAGS = ("to-read", "important", "methods", "cited-in-thesis", "review", "dataset")
NOTE_LINES = (
    "Key result: the effect holds across all robustness checks in table 3.",
    "Method is close to ours; compare their preprocessing in section 2.2.",
    "Sample size is small (n = 48); treat the subgroup results with care.",
    "Good related-work section for chapter 2.",
    "Dataset is public; check the licence before reuse.",
    "Disagrees with the 2019 findings; discuss in the reading group.",
)
COLLECTION_TREE = (
    ("Thesis", None),
    ("Chapter 2 - Literature review", "Thesis"),
    ("Chapter 3 - Methods", "Thesis"),
    ("Reading group", None),
    ("Grant proposal 2026", None),
    ("To read", None),
)


def _key(rng: random.Random, used: set[str]) -> str:
    while True:
        key = seed_token(rng, 8, KEY_ALPHABET)
        if key not in used:
            used.add(key)
            return key


def _creators(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [
        {"first_name": rng.choice(fake.FIRST_NAMES), "last_name": rng.choice(fake.LAST_NAMES), "creator_type": "author"}
        for _ in range(count)
    ]


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    owner = fake.people(ctx.shared("people"), max(1, ctx.size))[0]
    used: set[str] = set()
    version = rng.randint(120, 2400)
    collections: list[dict[str, Any]] = []
    by_name: dict[str, str] = {}
    for name, parent in COLLECTION_TREE:
        key = _key(rng, used)
        by_name[name] = key
        version += rng.randint(1, 9)
        collections.append(
            {
                "collection_id": key,
                "name": name,
                "parent_collection_id": by_name.get(parent) if parent else None,
                "version": version,
            }
        )
    stamp_base = ctx.now.astimezone(UTC)
    items: list[dict[str, Any]] = []

    def add(record: dict[str, Any]) -> None:
        nonlocal version
        version += rng.randint(1, 12)
        added = stamp_base - timedelta(days=rng.randint(20, 900), hours=rng.randint(0, 23))
        modified = min(added + timedelta(days=rng.randint(0, 200)), stamp_base - timedelta(hours=1))
        field_tag = FIELD_TAGS.get(record.pop("field", ""))
        tags = rng.sample(WORK_TAGS, rng.randint(0, 2)) + ([field_tag] if field_tag else [])
        items.append(
            {
                "item_id": _key(rng, used),
                "creators": record.pop("creators"),
                "abstract": None,
                "tags": _clean_tags(tags),
                "collections": sorted(rng.sample([c["collection_id"] for c in collections], rng.randint(0, 2))),
                "version": version,
                "date_added": added.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "date_modified": modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "deleted": False,
                **record,
            }
        )

    article_count = min(len(ARTICLES), max(6, ctx.size))
    for title, field, journal, prefix in rng.sample(ARTICLES, article_count):
        year = rng.randint(2015, 2025)
        doi = f"{prefix}/{fake.slug(journal).split('-')[0][:6]}.{year}.{rng.randint(10000, 99999)}"
        add(
            {
                "item_type": "journalArticle",
                "title": title,
                "creators": _creators(rng, rng.randint(1, 5)),
                "date": f"{year}-{rng.randint(1, 12):02d}",
                "publication": journal,
                "doi": doi,
                "isbn": None,
                "url": f"https://doi.org/{doi}",
                "field": field,
            }
        )
    for title, field in rng.sample(PREPRINTS, rng.randint(1, 3)):
        number = f"{rng.randint(22, 25)}{rng.randint(1, 12):02d}.{rng.randint(10000, 19999)}"
        add(
            {
                "item_type": "preprint",
                "title": title,
                "creators": _creators(rng, rng.randint(2, 6)),
                "date": f"20{number[:2]}",
                "publication": "arXiv",
                "doi": f"10.48550/arXiv.{number}",
                "isbn": None,
                "url": f"https://arxiv.org/abs/{number}",
                "field": field,
            }
        )
    shelf = academic_books(ctx.shared("academic_books"), max(10, ctx.size + 4))
    for book in rng.sample(shelf, rng.randint(3, min(6, len(shelf)))):
        add(
            {
                "item_type": "book",
                "title": book.title,
                "creators": [
                    {"first_name": first, "last_name": last, "creator_type": "author"}
                    for first, last in book.author_names
                ],
                "date": str(book.publish_year),
                "publication": book.publisher,
                "doi": None,
                "isbn": book.isbn,
                "url": None,
            }
        )
    for item in rng.sample(items, max(1, len(items) // 8)):
        item["deleted"] = True
    notes = []
    for item in rng.sample(items, max(2, len(items) // 3)):
        version += rng.randint(1, 5)
        notes.append(
            {
                "note_id": _key(rng, used),
                "item_id": item["item_id"],
                "body": f"<p>{rng.choice(NOTE_LINES)}</p>",
                "tags": [],
                "version": version,
                "date_added": item["date_modified"],
                "deleted": item["deleted"],
            }
        )
    library = {
        "library_id": f"users/{rng.randint(100000, 9999999)}",
        "name": f"{owner.full_name}'s library",
        "owner_name": owner.full_name,
        "email": owner.email,
        "version": version + 1,
    }
    return {"library": [library], "items": items, "collections": collections, "notes": notes}
