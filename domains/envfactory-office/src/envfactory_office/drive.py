"""Drive: documents and folders, sharing with people, link sharing, trash.

Modelled on the Google Drive API v3: files.list/get/create/update (move between folders) and
files.update(trashed), permissions.create/delete, and "anyone with the link" sharing. Files are
visible to the account owner when they own them or someone shared them with them; each file has
a web link (``url``) to open it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import BASE62, NOW, chain_depth, check_email, iso, new_token, owner, require_text, seed_people, seed_token

__all__ = ["environment"]

MAX_TITLE = 255
MAX_FOLDER_DEPTH = 20
ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "owner": 4}
KINDS = {
    "document": "application/vnd.google-apps.document",
    "spreadsheet": "application/vnd.google-apps.spreadsheet",
    "presentation": "application/vnd.google-apps.presentation",
    "form": "application/vnd.google-apps.form",
}
_EDITOR_PATHS = {
    "application/vnd.google-apps.document": "document",
    "application/vnd.google-apps.spreadsheet": "spreadsheets",
    "application/vnd.google-apps.presentation": "presentation",
    "application/vnd.google-apps.form": "forms",
}

Kind = Literal["document", "spreadsheet", "presentation", "form"]
ShareRole = Literal["reader", "commenter", "writer"]
Role = Literal["reader", "commenter", "writer", "owner"]

POLICY = f"""\
Drive sharing rules

- You see files you own and files shared with you. Your role on a file is owner, writer, commenter or reader.
- Owners and writers can move files and share them with people; a writer can share only if the owner allows
  writers to share (writers_can_share). Commenters and readers cannot share or move.
- Sharing gives a person the reader, commenter or writer role; sharing again with another role changes it.
  Ownership cannot be transferred by sharing. The owner's access cannot be removed.
- "Anyone with the link" access may be reader or commenter only (editing by link is disabled for this
  organisation). The same sharing rights apply as for sharing with people.
- Only the owner can move a file to the trash. Trashed files cannot be shared, linked or moved.
- Files can be created and moved only into folders you own that are not in the trash. Folders nest at most
  {MAX_FOLDER_DEPTH} levels deep. Titles are 1-{MAX_TITLE} characters.
"""

environment = Environment(
    name="drive",
    domain="office",
    description=(
        "Cloud documents after the Google Drive API v3 (files list/get/create/update, permissions "
        "create/delete, link sharing, trash): Docs, Sheets, Slides and Forms in folders, shared with "
        "people by role, with web links to open them."
    ),
    tables=[
        table("profile", primary_key="email", email=str, name=str),
        table(
            "folders",
            primary_key="folder_id",
            folder_id=str,
            title=str,
            parent_folder_id=str | None,
            owner_email=str,
            trashed=bool,
            created_at=str,
        ),
        table(
            "files",
            primary_key="file_id",
            file_id=str,
            title=str,
            mime_type=str,
            folder_id=str | None,
            owner_email=str,
            description=str | None,
            size_bytes=int,
            starred=bool,
            trashed=bool,
            writers_can_share=bool,
            link_role=str | None,
            created_at=str,
            modified_at=str,
        ),
        table(
            "permissions",
            primary_key=("file_id", "email"),
            file_id=str,
            email=str,
            role=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Google Drive API v3: files, permissions",
        url="https://developers.google.com/drive/api/reference/rest/v3",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class Permission(TypedDict):
    """A person's access to a file.

    Args:
        email: The person's email address.
        role: reader, commenter, writer or owner.
    """

    file_id: str
    email: str
    role: Role
    created_at: str


class FileSummary(TypedDict):
    """A file in Drive.

    Args:
        url: Web link that opens the file (share it, or shorten it).
        owner_email: Email address of the file's owner.
        my_role: Your access: owner, writer, commenter or reader.
        link_role: Access of anyone with the link (null when link sharing is off).
    """

    file_id: str
    title: str
    mime_type: str
    folder_id: str | None
    owner_email: str
    my_role: Role
    starred: bool
    trashed: bool
    link_role: str | None
    url: str
    modified_at: str


class File(FileSummary):
    """A file in Drive with who it is shared with.

    Args:
        url: Web link that opens the file (share it, or shorten it).
        owner_email: Email address of the file's owner.
        my_role: Your access: owner, writer, commenter or reader.
        link_role: Access of anyone with the link (null when link sharing is off).
        permissions: Everyone with access and their role.
    """

    description: str | None
    size_bytes: int
    writers_can_share: bool
    created_at: str
    permissions: list[Permission]


class FileList(TypedDict):
    files: list[FileSummary]
    count: int


class Folder(TypedDict):
    folder_id: str
    title: str
    parent_folder_id: str | None
    owner_email: str
    trashed: bool
    url: str
    created_at: str


class SharingLink(TypedDict):
    """A file's "anyone with the link" sharing.

    Args:
        url: The link to send: anyone who has it can open the file with link_role access.
    """

    file_id: str
    title: str
    link_role: str
    url: str


class AccessRemoved(TypedDict):
    file_id: str
    email: str
    removed_role: Role


# --- rules -----------------------------------------------------------------------------------------


def file_url(file_id: str, mime_type: str) -> str:
    """The web link Drive shows for a file: the editor for Google files, the viewer for others."""
    path = _EDITOR_PATHS.get(mime_type)
    if path is not None:
        return f"https://docs.google.com/{path}/d/{file_id}/edit"
    return f"https://drive.google.com/file/d/{file_id}/view"


def folder_url(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def _my_role(ctx: Context, row: dict[str, Any]) -> str | None:
    me = owner(ctx)["email"]
    if row["owner_email"] == me:
        return "owner"
    permission = ctx.table("permissions").get(row["file_id"], me)
    return None if permission is None else str(permission["role"])


def _visible(ctx: Context, file_id: str) -> tuple[dict[str, Any], str]:
    row = ctx.table("files").get(file_id)
    role = None if row is None else _my_role(ctx, row)
    if row is None or role is None:
        raise ToolError(f"file {file_id!r} not found (or not shared with you)", code="not_found")
    return row, role


def _summary(row: dict[str, Any], role: str) -> FileSummary:
    return {
        "file_id": row["file_id"],
        "title": row["title"],
        "mime_type": row["mime_type"],
        "folder_id": row["folder_id"],
        "owner_email": row["owner_email"],
        "my_role": role,  # type: ignore[typeddict-item]
        "starred": row["starred"],
        "trashed": row["trashed"],
        "link_role": row["link_role"],
        "url": file_url(row["file_id"], row["mime_type"]),
        "modified_at": row["modified_at"],
    }


def _detail(ctx: Context, row: dict[str, Any], role: str) -> File:
    permissions = ctx.table("permissions").find(file_id=row["file_id"])
    permissions.sort(key=lambda item: (-ROLE_RANK[item["role"]], item["email"]))
    return {
        **_summary(row, role),
        "description": row["description"],
        "size_bytes": row["size_bytes"],
        "writers_can_share": row["writers_can_share"],
        "created_at": row["created_at"],
        "permissions": permissions,  # type: ignore[typeddict-item]
    }


def _require_sharer(row: dict[str, Any], role: str) -> None:
    if row["trashed"]:
        raise ToolError(f"{row['title']!r} is in the trash; restore it before sharing")
    if role == "owner":
        return
    if role == "writer" and row["writers_can_share"]:
        return
    if role == "writer":
        raise ToolError(f"the owner of {row['title']!r} ({row['owner_email']}) does not let editors share it")
    raise ToolError(f"your role on {row['title']!r} is {role}; only the owner and editors can share it")


def _my_folder(ctx: Context, folder_id: str) -> dict[str, Any]:
    folder = ctx.table("folders").require(folder_id, what="folder")
    if folder["owner_email"] != owner(ctx)["email"]:
        raise ToolError(f"folder {folder['title']!r} belongs to {folder['owner_email']}; use a folder you own")
    if folder["trashed"]:
        raise ToolError(f"folder {folder['title']!r} is in the trash")
    return folder


def _touch(ctx: Context, file_id: str) -> dict[str, Any]:
    return ctx.table("files").update(file_id, {"modified_at": iso(ctx.now)})


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_files(
    ctx: Context,
    query: str | None = None,
    folder_id: str | None = None,
    kind: Kind | None = None,
    shared_with_me: bool = False,
    starred: bool | None = None,
    include_trashed: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 25,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> FileList:
    """Files you can see, most recently modified first, filtered by words in the title, folder, type or sharing.

    Args:
        query: Words that must all appear in the title or description.
        folder_id: Only files directly in this folder.
        kind: Only documents, spreadsheets, presentations or forms.
        shared_with_me: Only files other people own and shared with you.
        starred: Only starred (true) or unstarred (false) files.
        include_trashed: Also return files in the trash.
        limit: At most this many files.
        offset: Skip this many files (for paging).
    """
    words = query.lower().split() if query else []
    found: list[FileSummary] = []
    for row in ctx.table("files").all():
        role = _my_role(ctx, row)
        if role is None or (row["trashed"] and not include_trashed):
            continue
        if folder_id is not None and row["folder_id"] != folder_id:
            continue
        if kind is not None and row["mime_type"] != KINDS[kind]:
            continue
        if shared_with_me and role == "owner":
            continue
        if starred is not None and row["starred"] != starred:
            continue
        text = f"{row['title']} {row['description'] or ''}".lower()
        if any(word not in text for word in words):
            continue
        found.append(_summary(row, role))
    found.sort(key=lambda item: (item["modified_at"], item["file_id"]), reverse=True)
    return {"files": page(found, limit, offset), "count": len(found)}


@environment.tool(effect="read")
def get_file(ctx: Context, file_id: str) -> File:
    """A file's details: owner, your role, who it is shared with, its link sharing and its web link.

    Args:
        file_id: The file's id.
    """
    row, role = _visible(ctx, file_id)
    return _detail(ctx, row, role)


@environment.tool(effect="write")
def create_file(
    ctx: Context,
    title: str,
    kind: Kind,
    folder_id: str | None = None,
    description: Annotated[str, Arg(max_length=2000)] | None = None,
) -> File:
    """Create an empty Google Doc, Sheet, Slides deck or Form that you own.

    Args:
        title: The file's title.
        kind: document, spreadsheet, presentation or form.
        folder_id: Folder to create it in (one you own); My Drive when left out.
        description: A short description.
    """
    if folder_id is not None:
        _my_folder(ctx, folder_id)
    me = owner(ctx)
    file_id = "1" + new_token(ctx, "file", 32, BASE62)
    row = ctx.table("files").insert(
        {
            "file_id": file_id,
            "title": require_text(title, "title", max_length=MAX_TITLE),
            "mime_type": KINDS[kind],
            "folder_id": folder_id,
            "owner_email": me["email"],
            "description": description.strip() if description and description.strip() else None,
            "size_bytes": 0,
            "starred": False,
            "trashed": False,
            "writers_can_share": True,
            "link_role": None,
            "created_at": iso(ctx.now),
            "modified_at": iso(ctx.now),
        }
    )
    ctx.table("permissions").insert(
        {"file_id": file_id, "email": me["email"], "role": "owner", "created_at": iso(ctx.now)}
    )
    return _detail(ctx, row, "owner")


@environment.tool(effect="write")
def create_folder(ctx: Context, title: str, parent_folder_id: str | None = None) -> Folder:
    """Create a folder in My Drive or inside a folder you own.

    Args:
        title: The folder's name.
        parent_folder_id: The folder to create it in; My Drive when left out.
    """
    if parent_folder_id is not None:
        _my_folder(ctx, parent_folder_id)
        if chain_depth(ctx, "folders", "parent_folder_id", parent_folder_id) >= MAX_FOLDER_DEPTH:
            raise ToolError(f"folders nest at most {MAX_FOLDER_DEPTH} levels deep")
    folder_id = "1" + new_token(ctx, "folder", 32, BASE62)
    row = ctx.table("folders").insert(
        {
            "folder_id": folder_id,
            "title": require_text(title, "title", max_length=MAX_TITLE),
            "parent_folder_id": parent_folder_id,
            "owner_email": owner(ctx)["email"],
            "trashed": False,
            "created_at": iso(ctx.now),
        }
    )
    return {**row, "url": folder_url(folder_id)}  # type: ignore[typeddict-item]


@environment.tool(effect="write")
def move_file(ctx: Context, file_id: str, folder_id: str) -> File:
    """Move a file into one of your folders.

    Args:
        file_id: The file to move.
        folder_id: The destination folder (one you own).
    """
    row, role = _visible(ctx, file_id)
    if ROLE_RANK[role] < ROLE_RANK["writer"]:
        raise ToolError(f"your role on {row['title']!r} is {role}; only the owner and editors can move it")
    if row["trashed"]:
        raise ToolError(f"{row['title']!r} is in the trash; restore it before moving")
    folder = _my_folder(ctx, folder_id)
    if row["folder_id"] == folder_id:
        raise ToolError(f"{row['title']!r} is already in {folder['title']!r}")
    ctx.table("files").update(file_id, {"folder_id": folder_id})
    return _detail(ctx, _touch(ctx, file_id), role)


@environment.tool(effect="write")
def share_file(ctx: Context, file_id: str, email: str, role: ShareRole) -> Permission:
    """Share a file with a person as reader, commenter or writer (sharing again changes their role).

    Args:
        file_id: The file to share.
        email: The person's email address.
        role: "reader", "commenter" or "writer".
    """
    row, my_role = _visible(ctx, file_id)
    _require_sharer(row, my_role)
    address = check_email(email)
    if address == row["owner_email"]:
        raise ToolError(f"{address} owns {row['title']!r}; the owner's access cannot be changed")
    current = ctx.table("permissions").get(file_id, address)
    if current is not None and current["role"] == role:
        raise ToolError(f"{address} already has {role} access to {row['title']!r}")
    permission = ctx.table("permissions").upsert(
        {"file_id": file_id, "email": address, "role": role, "created_at": iso(ctx.now)}
    )
    _touch(ctx, file_id)
    return permission  # type: ignore[return-value]


@environment.tool(effect="write")
def revoke_access(ctx: Context, file_id: str, email: str) -> AccessRemoved:
    """Stop sharing a file with a person.

    Args:
        file_id: The file.
        email: The person whose access is removed.
    """
    row, my_role = _visible(ctx, file_id)
    _require_sharer(row, my_role)
    address = email.strip().lower()
    if address == row["owner_email"]:
        raise ToolError("the owner's access cannot be removed")
    permission = ctx.table("permissions").get(file_id, address)
    if permission is None:
        raise ToolError(f"{address} has no access to {row['title']!r}")
    ctx.table("permissions").delete(file_id, address)
    _touch(ctx, file_id)
    return {"file_id": file_id, "email": address, "removed_role": permission["role"]}


@environment.tool(effect="write")
def create_sharing_link(
    ctx: Context, file_id: str, link_role: Literal["reader", "commenter"] = "reader"
) -> SharingLink:
    """Turn on "anyone with the link" access (reader or commenter) and return the link to send.

    Args:
        file_id: The file.
        link_role: What people with the link can do: "reader" or "commenter".
    """
    row, my_role = _visible(ctx, file_id)
    _require_sharer(row, my_role)
    if row["link_role"] == link_role:
        raise ToolError(f"{row['title']!r} already has a {link_role} link: {file_url(file_id, row['mime_type'])}")
    ctx.table("files").update(file_id, {"link_role": link_role})
    _touch(ctx, file_id)
    return {
        "file_id": file_id,
        "title": row["title"],
        "link_role": link_role,
        "url": file_url(file_id, row["mime_type"]),
    }


@environment.tool(effect="write")
def trash_file(ctx: Context, file_id: str) -> File:
    """Move a file you own to the trash.

    Args:
        file_id: The file to trash.
    """
    row, role = _visible(ctx, file_id)
    if role != "owner":
        raise ToolError(f"only the owner ({row['owner_email']}) can move {row['title']!r} to the trash")
    if row["trashed"]:
        raise ToolError(f"{row['title']!r} is already in the trash")
    ctx.table("files").update(file_id, {"trashed": True})
    return _detail(ctx, _touch(ctx, file_id), role)


# --- seed ------------------------------------------------------------------------------------------

_FOLDERS = {
    "Projects": ("Atlas migration", "Website relaunch", "Spring launch"),
    "Finance": ("Budgets", "Invoices"),
    "Team": ("Onboarding", "Hiring"),
    "Travel": (),
    "Personal": (),
}
_FILES = (
    ("{project} plan", "document"),
    ("{project} budget", "spreadsheet"),
    ("{project} kickoff deck", "presentation"),
    ("Q3 budget review", "spreadsheet"),
    ("Offsite agenda", "document"),
    ("Expense report June", "spreadsheet"),
    ("Team retrospective notes", "document"),
    ("Onboarding checklist", "document"),
    ("Interview scorecard", "form"),
    ("Customer survey results", "spreadsheet"),
    ("Board update May", "presentation"),
    ("Meeting notes {date}", "document"),
    ("Travel itinerary", "document"),
    ("Vendor comparison", "spreadsheet"),
    ("Signed contract.pdf", "pdf"),
    ("Office floor plan.png", "image"),
    ("Event feedback form", "form"),
    ("Pricing proposal", "document"),
)
_MIME = {**KINDS, "pdf": "application/pdf", "image": "image/png"}


def _span(rng: Any, days: int) -> timedelta:
    """A random span of up to ``days`` days on a quarter-hour grid (for seed timestamps)."""
    return timedelta(minutes=15 * rng.randint(4, days * 96))


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    people = seed_people(ctx)
    me, colleagues = people[0], people[1:]

    def drive_id() -> str:
        return "1" + seed_token(rng, 32, BASE62)

    def earlier(days: int) -> str:
        return iso(ctx.now - _span(rng, days))

    folders: list[dict[str, Any]] = []
    for name, children in _FOLDERS.items():
        parent_id = drive_id()
        folders.append(
            {
                "folder_id": parent_id,
                "title": name,
                "parent_folder_id": None,
                "owner_email": me.email,
                "trashed": False,
                "created_at": earlier(400),
            }
        )
        for child in children:
            folders.append(
                {
                    "folder_id": drive_id(),
                    "title": child,
                    "parent_folder_id": parent_id,
                    "owner_email": me.email,
                    "trashed": False,
                    "created_at": earlier(300),
                }
            )
    shared_folder = {
        "folder_id": drive_id(),
        "title": f"{colleagues[0].first_name}'s shared docs",
        "parent_folder_id": None,
        "owner_email": colleagues[0].email,
        "trashed": False,
        "created_at": earlier(200),
    }
    folders.append(shared_folder)
    files: list[dict[str, Any]] = []
    permissions: list[dict[str, Any]] = []
    titles: set[str] = set()
    for _ in range(ctx.size * 2):
        pattern, kind = rng.choice(_FILES)
        title = pattern.format(
            project=rng.choice(_FOLDERS["Projects"]), date=f"2025-0{rng.randint(3, 6)}-{rng.randint(10, 28)}"
        )
        if title in titles:
            title = f"{title} (v{rng.randint(2, 4)})"
        titles.add(title)
        mine = rng.random() < 0.7
        file_owner = me if mine else rng.choice(colleagues)
        folder = rng.choice(folders[:-1]) if mine else (shared_folder if file_owner is colleagues[0] else None)
        created = ctx.now - _span(rng, 180)
        modified = created + timedelta(minutes=int((ctx.now - created).total_seconds() // 60 * rng.random()))
        file_id = drive_id()
        files.append(
            {
                "file_id": file_id,
                "title": title,
                "mime_type": _MIME[kind],
                "folder_id": None if folder is None or rng.random() < 0.15 else folder["folder_id"],
                "owner_email": file_owner.email,
                "description": rng.choice((None, None, fake.sentence(rng))),
                "size_bytes": 0 if kind in KINDS else rng.randint(80_000, 4_000_000),
                "starred": rng.random() < 0.15,
                "trashed": mine and rng.random() < 0.08,
                "writers_can_share": rng.random() < 0.8,
                "link_role": rng.choice((None, None, None, "reader", "commenter")),
                "created_at": iso(created),
                "modified_at": iso(modified),
            }
        )
        permissions.append({"file_id": file_id, "email": file_owner.email, "role": "owner", "created_at": iso(created)})
        others = [person for person in people if person is not file_owner]
        guests = rng.sample(others, rng.randint(0 if mine else 1, 3))
        if not mine and me not in guests:
            guests.append(me)
        for guest in guests:
            role = fake.choose_weighted(rng, {"reader": 0.4, "commenter": 0.25, "writer": 0.35})
            permissions.append({"file_id": file_id, "email": guest.email, "role": role, "created_at": iso(created)})
    profile = [{"email": me.email, "name": me.full_name}]
    return {"profile": profile, "folders": folders, "files": files, "permissions": permissions}
