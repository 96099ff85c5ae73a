"""Tasks: projects, tasks with due dates, priorities, sub-tasks and assignees, comments, completion.

Modelled on the Todoist REST API v2 (projects, tasks with close/reopen, comments, collaborators)
with the plan limits of Todoist's free plan. Priorities follow the app: p1 is the most urgent,
p4 the default.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, chain_depth, check_email, iso, new_token, owner, parse_date, require_text, seed_people

__all__ = ["environment"]

MAX_ACTIVE_PROJECTS = 5
MAX_OPEN_TASKS_PER_PROJECT = 300
MAX_NESTING = 4
MAX_TAGS = 20
MAX_TITLE = 500
MAX_DESCRIPTION = 16383
MAX_COMMENT = 15000

Color = Literal[
    "berry_red", "red", "orange", "yellow", "olive_green", "green", "teal", "sky_blue", "blue", "violet", "grey"
]
TaskStatus = Literal["open", "completed"]

POLICY = f"""\
Task manager rules (free plan)

- At most {MAX_ACTIVE_PROJECTS} active projects besides the Inbox; archived projects do not count. Archived projects are
  read-only. The Inbox always exists; tasks without a project go there.
- At most {MAX_OPEN_TASKS_PER_PROJECT} open tasks per project.
- Priority is 1 (p1, most urgent) to 4 (p4, the default). Due dates are calendar dates (YYYY-MM-DD); a due date in
  the past makes the task overdue.
- A task can be assigned only to a collaborator of its project, and only in a project shared with others.
- A sub-task is in its parent's project, under an open parent, at most {MAX_NESTING} levels deep.
- Completing a task also completes its open sub-tasks. Reopening a sub-task reopens its completed parents.
  Completed tasks cannot be edited: reopen them first. A task cannot be completed or reopened twice.
- Titles are at most {MAX_TITLE} characters, descriptions {MAX_DESCRIPTION}, comments {MAX_COMMENT};
  at most {MAX_TAGS} tags (labels) per task.
"""

environment = Environment(
    name="tasks",
    domain="office",
    description=(
        "A to-do list after the Todoist REST API v2 (projects, tasks, close/reopen, comments, "
        "collaborators) with the free plan's limits: projects, tasks with due dates, priorities, "
        "tags, sub-tasks and assignees, comments, completion."
    ),
    tables=[
        table("profile", primary_key="email", email=str, name=str, plan=str),
        table(
            "projects",
            primary_key="project_id",
            project_id=str,
            title=str,
            color=str,
            is_inbox=bool,
            is_archived=bool,
            owner_email=str,
            created_at=str,
        ),
        table(
            "collaborators",
            primary_key=("project_id", "email"),
            project_id=str,
            email=str,
            name=str,
            role=str,
            joined_at=str,
        ),
        table(
            "tasks",
            primary_key="task_id",
            task_id=str,
            project_id=str,
            parent_task_id=str | None,
            title=str,
            description=str | None,
            priority=int,
            due_date=str | None,
            tags=list,
            assignee_email=str | None,
            status=str,
            created_at=str,
            completed_at=str | None,
        ),
        table(
            "comments",
            primary_key="comment_id",
            comment_id=str,
            task_id=str,
            body=str,
            author_email=str,
            created_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Todoist REST API v2: projects, tasks (close, reopen), comments, collaborators",
        url="https://developer.todoist.com/rest/v2/",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class Project(TypedDict):
    project_id: str
    title: str
    color: str
    is_inbox: bool
    is_archived: bool
    is_shared: bool
    owner_email: str
    open_task_count: int
    created_at: str


class ProjectList(TypedDict):
    projects: list[Project]
    count: int


class Task(TypedDict):
    """A task.

    Args:
        due_date: When it is due, YYYY-MM-DD (null when it has no due date).
        priority: 1 (p1, most urgent) to 4 (p4).
        assignee_email: Email address of the person it is assigned to.
        is_overdue: True for an open task whose due date has passed.
    """

    task_id: str
    project_id: str
    project_title: str
    parent_task_id: str | None
    title: str
    description: str | None
    priority: int
    due_date: str | None
    is_overdue: bool
    tags: list[str]
    assignee_email: str | None
    status: TaskStatus
    comment_count: int
    created_at: str
    completed_at: str | None


class TaskList(TypedDict):
    tasks: list[Task]
    count: int


class Comment(TypedDict):
    comment_id: str
    task_id: str
    body: str
    author_email: str
    created_at: str


class TaskDetail(Task):
    """A task with its comments and sub-tasks.

    Args:
        due_date: When it is due, YYYY-MM-DD (null when it has no due date).
        priority: 1 (p1, most urgent) to 4 (p4).
        assignee_email: Email address of the person it is assigned to.
        subtask_ids: Ids of its direct sub-tasks.
    """

    comments: list[Comment]
    subtask_ids: list[str]


class CompletedTasks(TypedDict):
    task_id: str
    completed_task_ids: list[str]
    task: Task


# --- rules -----------------------------------------------------------------------------------------


def _project_view(ctx: Context, row: dict[str, Any]) -> Project:
    return {
        "project_id": row["project_id"],
        "title": row["title"],
        "color": row["color"],
        "is_inbox": row["is_inbox"],
        "is_archived": row["is_archived"],
        "is_shared": ctx.table("collaborators").count(project_id=row["project_id"]) > 1,
        "owner_email": row["owner_email"],
        "open_task_count": ctx.table("tasks").count(project_id=row["project_id"], status="open"),
        "created_at": row["created_at"],
    }


def _task_view(ctx: Context, row: dict[str, Any]) -> Task:
    project = ctx.table("projects").require(row["project_id"], what="project")
    overdue = row["status"] == "open" and row["due_date"] is not None and row["due_date"] < ctx.today.isoformat()
    return {
        "task_id": row["task_id"],
        "project_id": row["project_id"],
        "project_title": project["title"],
        "parent_task_id": row["parent_task_id"],
        "title": row["title"],
        "description": row["description"],
        "priority": row["priority"],
        "due_date": row["due_date"],
        "is_overdue": overdue,
        "tags": list(row["tags"]),
        "assignee_email": row["assignee_email"],
        "status": row["status"],
        "comment_count": ctx.table("comments").count(task_id=row["task_id"]),
        "created_at": row["created_at"],
        "completed_at": row["completed_at"],
    }


def _active_project(ctx: Context, project_id: str) -> dict[str, Any]:
    project = ctx.table("projects").require(project_id, what="project")
    if project["is_archived"]:
        raise ToolError(f"project {project['title']!r} is archived and read-only; unarchive it in the app first")
    return project


def _inbox(ctx: Context) -> dict[str, Any]:
    inbox = ctx.table("projects").first(is_inbox=True)
    if inbox is None:
        raise ToolError("this account has no Inbox project")
    return inbox


def _check_assignee(ctx: Context, project: dict[str, Any], assignee_email: str) -> str:
    address = check_email(assignee_email, "assignee_email")
    members = ctx.table("collaborators").find(project_id=project["project_id"])
    if len(members) <= 1:
        raise ToolError(f"project {project['title']!r} is not shared; tasks can be assigned only in shared projects")
    if all(member["email"] != address for member in members):
        names = ", ".join(member["email"] for member in members)
        raise ToolError(f"{address} is not a collaborator of {project['title']!r}; collaborators: {names}")
    return address


def _tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip().lstrip("@") for tag in tags if tag.strip().lstrip("@")))
    if len(cleaned) > MAX_TAGS:
        raise ToolError(f"a task has at most {MAX_TAGS} tags; {len(cleaned)} were given")
    for tag in cleaned:
        if len(tag) > 60:
            raise ToolError(f"tag {tag[:20]!r}... is longer than 60 characters")
    return cleaned


def _due(due_date: str | None) -> str | None:
    return None if due_date is None else parse_date(due_date, "due_date").isoformat()


def _descendants(ctx: Context, task_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    frontier = [task_id]
    while frontier:
        children = [row for parent in frontier for row in ctx.table("tasks").find(parent_task_id=parent)]
        found.extend(children)
        frontier = [child["task_id"] for child in children]
    return found


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def list_projects(ctx: Context, include_archived: bool = False) -> ProjectList:
    """Your projects (the Inbox first) with how many open tasks each has and whether it is shared.

    Args:
        include_archived: Also list archived projects.
    """
    rows = [row for row in ctx.table("projects").all() if include_archived or not row["is_archived"]]
    rows.sort(key=lambda row: (not row["is_inbox"], row["is_archived"], row["title"]))
    return {"projects": [_project_view(ctx, row) for row in rows], "count": len(rows)}


@environment.tool(effect="write")
def create_project(ctx: Context, title: str, color: Color = "grey") -> Project:
    """Create a project (the free plan allows 5 active projects besides the Inbox).

    Args:
        title: The project's name.
        color: The project's colour in the app.
    """
    active = [row for row in ctx.table("projects").all() if not row["is_archived"] and not row["is_inbox"]]
    if len(active) >= MAX_ACTIVE_PROJECTS:
        raise ToolError(
            f"the free plan allows {MAX_ACTIVE_PROJECTS} active projects and you have {len(active)}; "
            "archive a project or upgrade first"
        )
    name = require_text(title, "title", max_length=120)
    if any(row["title"].lower() == name.lower() and not row["is_archived"] for row in active):
        raise ToolError(f"an active project named {name!r} already exists")
    me = owner(ctx)
    project_id = new_token(ctx, "prj", 10, "0123456789")
    row = ctx.table("projects").insert(
        {
            "project_id": project_id,
            "title": name,
            "color": color,
            "is_inbox": False,
            "is_archived": False,
            "owner_email": me["email"],
            "created_at": iso(ctx.now),
        }
    )
    ctx.table("collaborators").insert(
        {"project_id": project_id, "email": me["email"], "name": me["name"], "role": "owner", "joined_at": iso(ctx.now)}
    )
    return _project_view(ctx, row)


@environment.tool(effect="read")
def list_tasks(
    ctx: Context,
    project_id: str | None = None,
    status: TaskStatus = "open",
    due_before: str | None = None,
    assignee_email: str | None = None,
    tag: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 50,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> TaskList:
    """Tasks matching every filter given, by due date (tasks without one last), then priority.

    Args:
        project_id: Only tasks of this project.
        status: "open" (default) or "completed".
        due_before: Only tasks due on or before this date, YYYY-MM-DD (e.g. today's date for today and overdue).
        assignee_email: Only tasks assigned to this person.
        tag: Only tasks carrying this tag.
        limit: At most this many tasks.
        offset: Skip this many tasks (for paging).
    """
    if project_id is not None:
        ctx.table("projects").require(project_id, what="project")
    last = _due(due_before)
    filters: dict[str, Any] = {"project_id": project_id} if project_id else {}
    rows = ctx.table("tasks").find(status=status, **filters)
    if last is not None:
        rows = [row for row in rows if row["due_date"] is not None and row["due_date"] <= last]
    if assignee_email is not None:
        rows = [row for row in rows if row["assignee_email"] == assignee_email.strip().lower()]
    if tag is not None:
        rows = [row for row in rows if tag.strip().lstrip("@") in row["tags"]]
    rows.sort(key=lambda row: (row["due_date"] is None, row["due_date"] or "", row["priority"], row["task_id"]))
    return {"tasks": [_task_view(ctx, row) for row in page(rows, limit, offset)], "count": len(rows)}


@environment.tool(effect="read")
def get_task(ctx: Context, task_id: str) -> TaskDetail:
    """A task with its comments and the ids of its direct sub-tasks.

    Args:
        task_id: The task's id.
    """
    row = ctx.table("tasks").require(task_id, what="task")
    comments = ctx.table("comments").find(task_id=task_id, order_by="created_at")
    children = ctx.table("tasks").find(parent_task_id=task_id)
    return {
        **_task_view(ctx, row),
        "comments": comments,  # type: ignore[typeddict-item]
        "subtask_ids": [child["task_id"] for child in children],
    }


@environment.tool(effect="write")
def create_task(
    ctx: Context,
    title: str,
    project_id: str | None = None,
    due_date: str | None = None,
    priority: Annotated[int, Arg(minimum=1, maximum=4)] = 4,
    description: Annotated[str, Arg(max_length=MAX_DESCRIPTION)] | None = None,
    tags: list[str] | None = None,
    assignee_email: str | None = None,
    parent_task_id: str | None = None,
) -> Task:
    """Add a task (to the Inbox unless a project or parent task is given).

    Args:
        title: What to do.
        project_id: The project; the Inbox when left out (a sub-task goes to its parent's project).
        due_date: When it is due, YYYY-MM-DD.
        priority: 1 (p1, most urgent) to 4 (p4, default).
        description: Details.
        tags: Labels, e.g. ["errands", "waiting"].
        assignee_email: A collaborator of the (shared) project to assign it to.
        parent_task_id: Make it a sub-task of this task.
    """
    parent = None
    if parent_task_id is not None:
        parent = ctx.table("tasks").require(parent_task_id, what="parent task")
        if parent["status"] != "open":
            raise ToolError(f"parent task {parent_task_id} is completed; reopen it before adding sub-tasks")
        if project_id is not None and project_id != parent["project_id"]:
            raise ToolError(f"a sub-task belongs to its parent's project ({parent['project_id']})")
        if chain_depth(ctx, "tasks", "parent_task_id", parent_task_id) >= MAX_NESTING:
            raise ToolError(f"sub-tasks nest at most {MAX_NESTING} levels deep")
    if parent is not None:
        project = _active_project(ctx, parent["project_id"])
    elif project_id is not None:
        project = _active_project(ctx, project_id)
    else:
        project = _inbox(ctx)
    if ctx.table("tasks").count(project_id=project["project_id"], status="open") >= MAX_OPEN_TASKS_PER_PROJECT:
        raise ToolError(f"project {project['title']!r} already has {MAX_OPEN_TASKS_PER_PROJECT} open tasks, the limit")
    row = ctx.table("tasks").insert(
        {
            "task_id": new_token(ctx, "tsk", 10, "0123456789"),
            "project_id": project["project_id"],
            "parent_task_id": parent_task_id,
            "title": require_text(title, "title", max_length=MAX_TITLE),
            "description": description.strip() if description and description.strip() else None,
            "priority": priority,
            "due_date": _due(due_date),
            "tags": _tags(tags or []),
            "assignee_email": _check_assignee(ctx, project, assignee_email) if assignee_email else None,
            "status": "open",
            "created_at": iso(ctx.now),
            "completed_at": None,
        }
    )
    return _task_view(ctx, row)


@environment.tool(effect="write")
def update_task(
    ctx: Context,
    task_id: str,
    title: str | None = None,
    due_date: str | None = None,
    clear_due_date: bool = False,
    priority: Annotated[int, Arg(minimum=1, maximum=4)] | None = None,
    description: Annotated[str, Arg(max_length=MAX_DESCRIPTION)] | None = None,
    tags: list[str] | None = None,
    assignee_email: str | None = None,
) -> Task:
    """Change an open task; fields left out keep their value.

    Args:
        task_id: The task to change.
        title: New title.
        due_date: New due date, YYYY-MM-DD.
        clear_due_date: Remove the due date.
        priority: New priority, 1 (most urgent) to 4.
        description: New details.
        tags: The complete new list of tags.
        assignee_email: Assign to this collaborator of the project.
    """
    row = ctx.table("tasks").require(task_id, what="task")
    if row["status"] != "open":
        raise ToolError(f"task {task_id} is completed; reopen it before editing")
    project = _active_project(ctx, row["project_id"])
    if due_date is not None and clear_due_date:
        raise ToolError("give due_date or clear_due_date, not both")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = require_text(title, "title", max_length=MAX_TITLE)
    if due_date is not None:
        changes["due_date"] = _due(due_date)
    if clear_due_date:
        changes["due_date"] = None
    if priority is not None:
        changes["priority"] = priority
    if description is not None:
        changes["description"] = description.strip() or None
    if tags is not None:
        changes["tags"] = _tags(tags)
    if assignee_email is not None:
        changes["assignee_email"] = _check_assignee(ctx, project, assignee_email)
    if not changes:
        raise ToolError("give at least one field to change")
    return _task_view(ctx, ctx.table("tasks").update(task_id, changes))


@environment.tool(effect="write")
def complete_task(ctx: Context, task_id: str) -> CompletedTasks:
    """Complete a task and its open sub-tasks.

    Args:
        task_id: The task to complete.
    """
    row = ctx.table("tasks").require(task_id, what="task")
    if row["status"] == "completed":
        raise ToolError(f"task {task_id} was already completed on {row['completed_at']}")
    _active_project(ctx, row["project_id"])
    done = [row, *(child for child in _descendants(ctx, task_id) if child["status"] == "open")]
    for item in done:
        ctx.table("tasks").update(item["task_id"], {"status": "completed", "completed_at": iso(ctx.now)})
    return {
        "task_id": task_id,
        "completed_task_ids": [item["task_id"] for item in done],
        "task": _task_view(ctx, ctx.table("tasks").require(task_id)),
    }


@environment.tool(effect="write")
def reopen_task(ctx: Context, task_id: str) -> Task:
    """Reopen a completed task (and its completed parent tasks).

    Args:
        task_id: The task to reopen.
    """
    row = ctx.table("tasks").require(task_id, what="task")
    if row["status"] == "open":
        raise ToolError(f"task {task_id} is already open")
    _active_project(ctx, row["project_id"])
    current: dict[str, Any] | None = row
    seen: set[str] = set()
    while current is not None and current["task_id"] not in seen:
        seen.add(current["task_id"])
        if current["status"] == "completed":
            ctx.table("tasks").update(current["task_id"], {"status": "open", "completed_at": None})
        parent_id = current["parent_task_id"]
        current = ctx.table("tasks").get(parent_id) if parent_id is not None else None
    return _task_view(ctx, ctx.table("tasks").require(task_id))


@environment.tool(effect="write")
def add_comment(ctx: Context, task_id: str, body: Annotated[str, Arg(max_length=MAX_COMMENT)]) -> Comment:
    """Comment on a task.

    Args:
        task_id: The task.
        body: The comment text.
    """
    row = ctx.table("tasks").require(task_id, what="task")
    _active_project(ctx, row["project_id"])
    return ctx.table("comments").insert(  # type: ignore[return-value]
        {
            "comment_id": new_token(ctx, "cmt", 10, "0123456789"),
            "task_id": task_id,
            "body": require_text(body, "body", max_length=MAX_COMMENT),
            "author_email": owner(ctx)["email"],
            "created_at": iso(ctx.now),
        }
    )


# --- seed ------------------------------------------------------------------------------------------

_PROJECTS = (
    ("Website relaunch", "sky_blue", True),
    ("Q3 planning", "orange", True),
    ("Home", "green", False),
    ("Team offsite", "violet", True),
    ("Hiring", "berry_red", True),
    ("Reading list", "teal", False),
    ("Atlas migration", "blue", True),
)
_TASKS = {
    "Website relaunch": (
        "Review homepage copy",
        "Fix broken links on pricing page",
        "Approve new hero images",
        "Set up redirects for old URLs",
        "Run accessibility audit",
    ),
    "Q3 planning": ("Draft Q3 OKRs", "Collect budget requests", "Book planning room", "Send pre-read to the team"),
    "Home": (
        "Renew car insurance",
        "Book plumber for the kitchen sink",
        "Buy birthday gift for Mia",
        "Pay council tax",
    ),
    "Team offsite": ("Shortlist venues", "Send travel guidelines", "Order team dinner", "Prepare workshop agenda"),
    "Hiring": ("Screen backend applications", "Schedule panel interviews", "Write offer letter", "Update job post"),
    "Reading list": ("Finish 'The Salt Road'", "Read the data mesh article", "Summarise the pricing study"),
    "Atlas migration": (
        "Inventory legacy jobs",
        "Dry-run the data export",
        "Write rollback plan",
        "Sign off cutover date",
    ),
    "Inbox": (
        "Call the bank about the card",
        "Reply to Lena about slides",
        "Submit expense report",
        "Water the plants",
    ),
}
_SUBTASKS = ("Draft", "Get feedback", "Finalise")
_TAGS = ("waiting", "quick", "errands", "deep-work", "follow-up", "phone", "email")
_COMMENTS = (
    "Blocked until finance replies.",
    "Moved to next week, see thread.",
    "Done the first half.",
    "Can we split this into two tasks?",
    "Shared the draft in Drive.",
)


def _before(rng: Any, now: datetime, days: int) -> datetime:
    """A moment up to ``days`` days before ``now``, on a quarter-hour grid."""
    return now - timedelta(minutes=15 * rng.randint(4, days * 96))


def _between(rng: Any, start: datetime, end: datetime) -> str:
    return iso(start + timedelta(minutes=int((end - start).total_seconds() // 60 * rng.random())))


_DUE_OFFSETS = (-12, -5, -2, -1, 0, 0, 1, 2, 3, 5, 7, 10, 14, 21, 30)


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    people = seed_people(ctx)
    me, colleagues = people[0], people[1:]
    today = ctx.now.date()

    def numeric_id() -> str:
        return str(rng.randint(10**9, 10**10 - 1))

    inbox_created = _before(rng, ctx.now, 700)
    projects: list[dict[str, Any]] = [
        {
            "project_id": numeric_id(),
            "title": "Inbox",
            "color": "grey",
            "is_inbox": True,
            "is_archived": False,
            "owner_email": me.email,
            "created_at": iso(inbox_created),
        }
    ]
    chosen = rng.sample(_PROJECTS, rng.randint(3, 5))
    for index, (title, color, _) in enumerate(chosen):
        projects.append(
            {
                "project_id": numeric_id(),
                "title": title,
                "color": color,
                "is_inbox": False,
                "is_archived": index == len(chosen) - 1 and rng.random() < 0.4,
                "owner_email": me.email,
                "created_at": iso(_before(rng, ctx.now, 300)),
            }
        )
    collaborators: list[dict[str, Any]] = []
    for project in projects:
        collaborators.append(
            {
                "project_id": project["project_id"],
                "email": me.email,
                "name": me.full_name,
                "role": "owner",
                "joined_at": project["created_at"],
            }
        )
        work = next((shared for title, _, shared in _PROJECTS if title == project["title"]), False)
        if work and rng.random() < 0.8:
            for colleague in rng.sample(colleagues, rng.randint(1, 3)):
                joined = _between(rng, datetime.fromisoformat(project["created_at"]), ctx.now)
                collaborators.append(
                    {
                        "project_id": project["project_id"],
                        "email": colleague.email,
                        "name": colleague.full_name,
                        "role": "member",
                        "joined_at": joined,
                    }
                )
    members: dict[str, list[str]] = {}
    for row in collaborators:
        members.setdefault(row["project_id"], []).append(row["email"])
    tasks: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    for project in projects:
        titles = list(_TASKS[project["title"]])
        rng.shuffle(titles)
        team = members[project["project_id"]]
        for title in titles[: rng.randint(2, len(titles))]:
            completed = project["is_archived"] or rng.random() < 0.25
            created = _before(rng, ctx.now, 60)
            due = (today + timedelta(days=rng.choice(_DUE_OFFSETS))).isoformat() if rng.random() < 0.75 else None
            task = {
                "task_id": numeric_id(),
                "project_id": project["project_id"],
                "parent_task_id": None,
                "title": title,
                "description": rng.choice((None, None, fake.sentence(rng))),
                "priority": rng.choice((1, 2, 3, 4, 4, 4)),
                "due_date": due,
                "tags": sorted(rng.sample(_TAGS, rng.choice((0, 0, 1, 2)))),
                "assignee_email": rng.choice(team) if len(team) > 1 and rng.random() < 0.7 else None,
                "status": "completed" if completed else "open",
                "created_at": iso(created),
                "completed_at": _between(rng, created, ctx.now) if completed else None,
            }
            tasks.append(task)
            if rng.random() < 0.25:
                for step in _SUBTASKS[: rng.randint(2, 3)]:
                    done = completed or rng.random() < 0.3
                    tasks.append(
                        {
                            **task,
                            "task_id": numeric_id(),
                            "parent_task_id": task["task_id"],
                            "title": f"{step}: {title[0].lower()}{title[1:]}",
                            "description": None,
                            "priority": 4,
                            "tags": [],
                            "status": "completed" if done else "open",
                            "completed_at": (task["completed_at"] or _between(rng, created, ctx.now)) if done else None,
                        }
                    )
            if rng.random() < 0.3:
                comments.append(
                    {
                        "comment_id": numeric_id(),
                        "task_id": task["task_id"],
                        "body": rng.choice(_COMMENTS),
                        "author_email": rng.choice(team),
                        "created_at": _between(rng, created, ctx.now),
                    }
                )
    profile = [{"email": me.email, "name": me.full_name, "plan": "free"}]
    return {
        "profile": profile,
        "projects": projects,
        "collaborators": collaborators,
        "tasks": tasks,
        "comments": comments,
    }
