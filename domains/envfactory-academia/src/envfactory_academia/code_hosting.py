"""Code hosting for research groups after the GitHub REST API: repositories, issues, labels, pull requests.

The agent acts as one authenticated user (``GET /user``), and every write is checked against that
user's permission on the repository (read, triage, write, maintain, admin), as GitHub does. Issues
and pull requests share a per-repository number sequence; closing an issue records a state reason;
labels are per repository; merging a pull request needs write access, no draft, no conflicts and the
branch protection's required approvals, and closes the issues its description says it fixes.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, iso, next_int_id

__all__ = ["environment"]

HOST = "https://code.example.com"
LEVELS = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}
CLOSING = re.compile(r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b", re.IGNORECASE)
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")

POLICY = """\
Repository permissions (GitHub's roles: read < triage < write < maintain < admin):
- You act as the authenticated user. Private repositories are visible only to collaborators; public
  repositories to everyone with at least read access implied.
- Anyone who can see a repository can open issues (unless issues are disabled) and comment. Only
  triage or higher can set labels and assignees; the issue's author or triage or higher can edit,
  close and reopen it. Locked issues take comments only from users with write access.
- Labels must exist in the repository before they are applied; creating labels needs write access.
  Label names are unique per repository (case-insensitive); colors are 6 hex digits. Assignees must
  be collaborators of the repository.
- Archived repositories are read-only.
- A pull request can be reviewed by anyone who can see it, but authors cannot approve or request
  changes on their own pull requests. Approvals count toward branch protection only from users with
  write access.
- Merging needs write access, an open, non-draft pull request without conflicts, the repository's
  required number of approvals and no outstanding change requests. Merging into the default branch
  closes the issues the description references with "fixes #N", "closes #N" or "resolves #N".
"""

environment = Environment(
    name="code_hosting",
    domain="academia",
    description=(
        "Code hosting for research groups after the GitHub REST API's users, repositories, issues, labels, "
        "comments, pull requests and reviews endpoints: find repositories, triage and comment on issues, manage "
        "labels, review and merge pull requests under each repository's permissions and branch protection."
    ),
    tables=[
        table("session", primary_key="key", key=str, login=str),
        table("accounts", primary_key="login", login=str, name=str, email=str | None, type=str),
        table(
            "repositories",
            primary_key="repo_id",
            repo_id=int,
            owner=str,
            name=str,
            description=str,
            private=bool,
            archived=bool,
            has_issues=bool,
            default_branch=str,
            topics=list,
            stars=int,
            required_approvals=int,
            created_at=str,
        ),
        table("collaborators", primary_key=("repo_id", "login"), repo_id=int, login=str, permission=str),
        table("labels", primary_key=("repo_id", "name"), repo_id=int, name=str, color=str, description=str),
        table(
            "issues",
            primary_key="issue_id",
            issue_id=int,
            repo_id=int,
            number=int,
            title=str,
            body=str,
            state=str,
            state_reason=str | None,
            labels=list,
            assignees=list,
            author=str,
            locked=bool,
            created_at=str,
            updated_at=str,
            closed_at=str | None,
        ),
        table(
            "pull_requests",
            primary_key="pull_request_id",
            pull_request_id=int,
            repo_id=int,
            number=int,
            title=str,
            body=str,
            author=str,
            head=str,
            base=str,
            state=str,
            draft=bool,
            mergeable=bool,
            merged=bool,
            merged_at=str | None,
            merged_by=str | None,
            merge_method=str | None,
            created_at=str,
        ),
        table(
            "reviews",
            primary_key="review_id",
            review_id=int,
            pull_request_id=int,
            author=str,
            state=str,
            body=str,
            submitted_at=str,
        ),
        table("comments", primary_key="comment_id", comment_id=int, issue_id=int, author=str, body=str, created_at=str),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="GitHub REST API: users, repositories, collaborators, issues, labels, issue comments, pulls, "
        "pull request reviews, merges",
        url="https://docs.github.com/en/rest",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class Viewer(TypedDict):
    """The authenticated user.

    Args:
        login: The user's login.
        email: The user's public email.
    """

    login: str
    name: str
    email: str | None


class Repository(TypedDict):
    """A repository.

    Args:
        repo_id: The repository's id.
        full_name: owner/name.
        permission: Your permission on it: none, read, triage, write, maintain or admin.
        url: The repository's web address.
    """

    repo_id: int
    full_name: str
    owner: str
    name: str
    description: str
    private: bool
    archived: bool
    has_issues: bool
    default_branch: str
    topics: list[str]
    stars: int
    open_issues: int
    required_approvals: int
    permission: str
    url: str


class RepositoryList(TypedDict):
    repositories: list[Repository]
    count: int


class Comment(TypedDict):
    comment_id: int
    author: str
    body: str
    created_at: str


class Issue(TypedDict):
    """An issue.

    Args:
        issue_id: The issue's id (unique across repositories).
        number: The issue's number within its repository.
        title: The issue's title.
        body: The issue's description.
        state: open or closed.
        state_reason: completed, not_planned or reopened.
        url: The http(s) URL of the issue's page, to share or link to.
    """

    issue_id: int
    repo_id: int
    full_name: str
    number: int
    title: str
    body: str
    state: str
    state_reason: str | None
    labels: list[str]
    assignees: list[str]
    author: str
    locked: bool
    comment_count: int
    created_at: str
    updated_at: str
    closed_at: str | None
    url: str


class IssueList(TypedDict):
    issues: list[Issue]
    count: int


class IssueDetail(TypedDict):
    issue: Issue
    comments: list[Comment]


class CommentResult(TypedDict):
    """A new comment.

    Args:
        url: Web address of the comment.
    """

    comment_id: int
    issue_id: int
    author: str
    body: str
    created_at: str
    url: str


class Label(TypedDict):
    repo_id: int
    name: str
    color: str
    description: str


class PullRequest(TypedDict):
    """A pull request.

    Args:
        pull_request_id: The pull request's id.
        number: Its number within the repository.
        head: The branch with the changes.
        base: The branch it merges into.
        approvals: Approving reviews that count (from users with write access).
        changes_requested: Reviewers whose latest review requests changes.
        url: The http(s) URL of the pull request's page, to share or link to.
    """

    pull_request_id: int
    repo_id: int
    full_name: str
    number: int
    title: str
    body: str
    author: str
    head: str
    base: str
    state: str
    draft: bool
    mergeable: bool
    merged: bool
    merged_at: str | None
    merged_by: str | None
    approvals: int
    changes_requested: list[str]
    created_at: str
    url: str


class PullRequestList(TypedDict):
    pull_requests: list[PullRequest]
    count: int


class Review(TypedDict):
    """A pull request review.

    Args:
        state: APPROVED, CHANGES_REQUESTED or COMMENTED.
    """

    review_id: int
    pull_request_id: int
    author: str
    state: str
    body: str
    submitted_at: str


class Merge(TypedDict):
    """A merged pull request.

    Args:
        closed_issue_ids: Issues closed because the description references them.
    """

    pull_request: PullRequest
    merge_method: str
    commit_title: str
    closed_issue_ids: list[int]


# --- rules -----------------------------------------------------------------------------------------------------


def _viewer(ctx: Context) -> str:
    login: str = ctx.table("session").require("viewer", what="session")["login"]
    return login


def _permission(ctx: Context, repo: dict[str, Any], login: str | None = None) -> str:
    login = login or _viewer(ctx)
    if repo["owner"] == login:
        return "admin"
    row = ctx.table("collaborators").get(repo["repo_id"], login)
    if row is not None:
        permission: str = row["permission"]
        return permission
    return "none" if repo["private"] else "read"


def _repo(ctx: Context, repo_id: int) -> dict[str, Any]:
    repo = ctx.table("repositories").get(repo_id)
    if repo is None or _permission(ctx, repo) == "none":
        # GitHub answers 404 for private repositories you cannot see.
        raise ToolError(f"repository {repo_id} not found (or you have no access to it)", code="not_found")
    return repo


def _require(ctx: Context, repo: dict[str, Any], level: str, action: str) -> None:
    have = _permission(ctx, repo)
    if LEVELS[have] < LEVELS[level]:
        raise ToolError(
            f"you ({_viewer(ctx)}) have {have} access to {repo['owner']}/{repo['name']}; {action} needs {level} access"
        )


def _writable(repo: dict[str, Any]) -> None:
    if repo["archived"]:
        raise ToolError(f"{repo['owner']}/{repo['name']} is archived and read-only")


def _full_name(repo: dict[str, Any]) -> str:
    return f"{repo['owner']}/{repo['name']}"


def _issue(ctx: Context, issue_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    row = ctx.table("issues").require(issue_id, what="issue")
    return row, _repo(ctx, row["repo_id"])


def _issue_out(ctx: Context, row: dict[str, Any], repo: dict[str, Any]) -> Issue:
    out = {
        **{key: row[key] for key in Issue.__annotations__ if key in row},
        "full_name": _full_name(repo),
        "comment_count": ctx.table("comments").count(issue_id=row["issue_id"]),
        "url": f"{HOST}/{_full_name(repo)}/issues/{row['number']}",
    }
    return cast(Issue, out)


def _reviews_summary(ctx: Context, pull: dict[str, Any], repo: dict[str, Any]) -> tuple[int, list[str]]:
    latest: dict[str, str] = {}
    for review in ctx.table("reviews").find(pull_request_id=pull["pull_request_id"], order_by="review_id"):
        if review["state"] in ("APPROVED", "CHANGES_REQUESTED"):
            latest[review["author"]] = review["state"]
    approvals = sum(
        1
        for login, state in latest.items()
        if state == "APPROVED" and LEVELS[_permission(ctx, repo, login)] >= LEVELS["write"]
    )
    return approvals, sorted(login for login, state in latest.items() if state == "CHANGES_REQUESTED")


def _pull_out(ctx: Context, row: dict[str, Any], repo: dict[str, Any]) -> PullRequest:
    approvals, requested = _reviews_summary(ctx, row, repo)
    out = {
        **{key: row[key] for key in PullRequest.__annotations__ if key in row},
        "full_name": _full_name(repo),
        "approvals": approvals,
        "changes_requested": requested,
        "url": f"{HOST}/{_full_name(repo)}/pull/{row['number']}",
    }
    return cast(PullRequest, out)


def _pull(ctx: Context, pull_request_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    row = ctx.table("pull_requests").require(pull_request_id, what="pull request")
    return row, _repo(ctx, row["repo_id"])


def _check_labels(ctx: Context, repo: dict[str, Any], labels: list[str]) -> list[str]:
    known = {row["name"].lower(): row["name"] for row in ctx.table("labels").find(repo_id=repo["repo_id"])}
    resolved = []
    for label in labels:
        name = known.get(label.strip().lower())
        if name is None:
            raise ToolError(
                f"{_full_name(repo)} has no label {label!r}; existing labels: {', '.join(sorted(known.values()))} "
                "(create_label adds one)"
            )
        if name not in resolved:
            resolved.append(name)
    return resolved


def _check_assignees(ctx: Context, repo: dict[str, Any], assignees: list[str]) -> list[str]:
    resolved = []
    for login in assignees:
        if login != repo["owner"] and ctx.table("collaborators").get(repo["repo_id"], login) is None:
            raise ToolError(f"{login} cannot be assigned: not a collaborator of {_full_name(repo)}")
        if login not in resolved:
            resolved.append(login)
    return resolved


def _next_number(ctx: Context, repo_id: int) -> int:
    numbers = [row["number"] for row in ctx.table("issues").find(repo_id=repo_id)]
    numbers += [row["number"] for row in ctx.table("pull_requests").find(repo_id=repo_id)]
    return max(numbers, default=0) + 1


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def get_authenticated_user(ctx: Context) -> Viewer:
    """Get the user you are signed in as (every action is taken as this user)."""
    account = ctx.table("accounts").require(_viewer(ctx), what="account")
    return {"login": account["login"], "name": account["name"], "email": account["email"]}


@environment.tool(effect="read")
def search_repositories(
    ctx: Context,
    query: str | None = None,
    owner: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 20,
) -> RepositoryList:
    """Find repositories you can see, by words in the name, description or topics, or by owner.

    Args:
        query: Words to find in the name, description or topics, e.g. "forecasting".
        owner: Only repositories of this user or organization.
        limit: Most repositories to return.
    """
    found = []
    for repo in ctx.table("repositories").all():
        permission = _permission(ctx, repo)
        if permission == "none":
            continue
        text = f"{repo['name']} {repo['description']} {' '.join(repo['topics'])}".lower()
        if query and not all(word in text for word in query.lower().split()):
            continue
        if owner and repo["owner"].lower() != owner.strip().lower():
            continue
        found.append(
            {
                **{key: repo[key] for key in Repository.__annotations__ if key in repo},
                "full_name": _full_name(repo),
                "open_issues": ctx.table("issues").count(repo_id=repo["repo_id"], state="open"),
                "permission": permission,
                "url": f"{HOST}/{_full_name(repo)}",
            }
        )
    found.sort(key=lambda repo: (-repo["stars"], repo["full_name"]))
    return {"repositories": page(cast("list[Repository]", found), limit), "count": len(found)}


@environment.tool(effect="read")
def list_issues(
    ctx: Context,
    repo_id: int,
    state: Literal["open", "closed", "all"] = "open",
    labels: list[str] | None = None,
    assignee: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 30,
) -> IssueList:
    """List a repository's issues, newest first, filtered by state, labels (all must match) and assignee.

    Args:
        repo_id: The repository's id.
        state: open, closed or all.
        labels: Only issues carrying every one of these labels.
        assignee: Only issues assigned to this login.
        limit: Most issues to return.
    """
    repo = _repo(ctx, repo_id)
    wanted = {label.lower() for label in labels or []}
    rows = []
    for row in ctx.table("issues").find(repo_id=repo_id):
        if state != "all" and row["state"] != state:
            continue
        if wanted and not wanted <= {label.lower() for label in row["labels"]}:
            continue
        if assignee and assignee not in row["assignees"]:
            continue
        rows.append(row)
    rows.sort(key=lambda row: row["number"], reverse=True)
    return {"issues": [_issue_out(ctx, row, repo) for row in page(rows, limit)], "count": len(rows)}


@environment.tool(effect="read")
def get_issue(ctx: Context, issue_id: int) -> IssueDetail:
    """Get an issue with its comments.

    Args:
        issue_id: The issue's id.
    """
    row, repo = _issue(ctx, issue_id)
    comments = [
        cast(Comment, {key: comment[key] for key in Comment.__annotations__})
        for comment in ctx.table("comments").find(issue_id=issue_id, order_by="comment_id")
    ]
    return {"issue": _issue_out(ctx, row, repo), "comments": comments}


@environment.tool(effect="write")
def create_issue(
    ctx: Context,
    repo_id: int,
    title: Annotated[str, Arg(min_length=1, max_length=256)],
    body: Annotated[str, Arg(max_length=65536)] = "",
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
) -> Issue:
    """Open an issue in a repository.

    Args:
        repo_id: The repository's id.
        title: The issue's title.
        body: The issue's description (Markdown).
        labels: Existing labels to apply (needs triage access).
        assignees: Collaborator logins to assign (needs triage access).
    """
    repo = _repo(ctx, repo_id)
    _writable(repo)
    if not repo["has_issues"]:
        raise ToolError(f"issues are disabled for {_full_name(repo)}")
    if not title.strip():
        raise ToolError("title is blank; summarise the issue in the title")
    if labels or assignees:
        _require(ctx, repo, "triage", "setting labels or assignees")
    applied = _check_labels(ctx, repo, labels or [])
    people = _check_assignees(ctx, repo, assignees or [])
    issues = ctx.table("issues")
    row = issues.insert(
        {
            "issue_id": next_int_id(issues, "issue_id", 3_000_000_000),
            "repo_id": repo_id,
            "number": _next_number(ctx, repo_id),
            "title": title.strip(),
            "body": body,
            "state": "open",
            "state_reason": None,
            "labels": applied,
            "assignees": people,
            "author": _viewer(ctx),
            "locked": False,
            "created_at": iso(ctx.now),
            "updated_at": iso(ctx.now),
            "closed_at": None,
        }
    )
    return _issue_out(ctx, row, repo)


@environment.tool(effect="write")
def update_issue(
    ctx: Context,
    issue_id: int,
    title: Annotated[str, Arg(min_length=1, max_length=256)] | None = None,
    body: Annotated[str, Arg(max_length=65536)] | None = None,
    state: Literal["open", "closed"] | None = None,
    state_reason: Literal["completed", "not_planned"] | None = None,
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
) -> Issue:
    """Edit an issue: title, body, open/closed state with a reason, labels or assignees (each replaces the old).

    Args:
        issue_id: The issue's id.
        title: New title.
        body: New description.
        state: open or closed.
        state_reason: Why it is closed: completed or not_planned (only when closing).
        labels: The full new set of labels (needs triage access).
        assignees: The full new set of assignees (needs triage access).
    """
    row, repo = _issue(ctx, issue_id)
    _writable(repo)
    if all(value is None for value in (title, body, state, state_reason, labels, assignees)):
        raise ToolError("nothing to change: give title, body, state, state_reason, labels or assignees")
    is_author = row["author"] == _viewer(ctx)
    if (title is not None or body is not None or state is not None) and not is_author:
        _require(ctx, repo, "triage", "editing or closing someone else's issue")
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise ToolError("title is blank")
        changes["title"] = title.strip()
    if body is not None:
        changes["body"] = body
    if state_reason is not None and state != "closed" and not (state is None and row["state"] == "closed"):
        raise ToolError("state_reason applies to closing; pass state='closed' with it")
    if state == "closed" and row["state"] == "open":
        changes.update({"state": "closed", "state_reason": state_reason or "completed", "closed_at": iso(ctx.now)})
    elif state == "closed" or (state is None and state_reason is not None):
        changes["state_reason"] = state_reason or row["state_reason"]
    elif state == "open" and row["state"] == "closed":
        changes.update({"state": "open", "state_reason": "reopened", "closed_at": None})
    if labels is not None or assignees is not None:
        _require(ctx, repo, "triage", "changing labels or assignees")
        if labels is not None:
            changes["labels"] = _check_labels(ctx, repo, labels)
        if assignees is not None:
            changes["assignees"] = _check_assignees(ctx, repo, assignees)
    changes["updated_at"] = iso(ctx.now)
    return _issue_out(ctx, ctx.table("issues").update(issue_id, changes), repo)


@environment.tool(effect="write")
def add_comment(
    ctx: Context, issue_id: int, body: Annotated[str, Arg(min_length=1, max_length=65536)]
) -> CommentResult:
    """Comment on an issue.

    Args:
        issue_id: The issue's id.
        body: The comment (Markdown).
    """
    row, repo = _issue(ctx, issue_id)
    _writable(repo)
    if not body.strip():
        raise ToolError("body is blank; write the comment")
    if row["locked"]:
        _require(ctx, repo, "write", "commenting on a locked issue")
    comments = ctx.table("comments")
    comment = comments.insert(
        {
            "comment_id": next_int_id(comments, "comment_id", 2_400_000_000),
            "issue_id": issue_id,
            "author": _viewer(ctx),
            "body": body,
            "created_at": iso(ctx.now),
        }
    )
    ctx.table("issues").update(issue_id, {"updated_at": iso(ctx.now)})
    url = f"{HOST}/{_full_name(repo)}/issues/{row['number']}#issuecomment-{comment['comment_id']}"
    return cast(CommentResult, {**comment, "url": url})


@environment.tool(effect="write")
def create_label(
    ctx: Context,
    repo_id: int,
    name: Annotated[str, Arg(min_length=1, max_length=50)],
    color: Annotated[str, Arg(min_length=6, max_length=7)],
    description: Annotated[str, Arg(max_length=100)] = "",
) -> Label:
    """Create a label in a repository.

    Args:
        repo_id: The repository's id.
        name: The label's name, e.g. "needs data".
        color: Hex color without or with "#", e.g. "0e8a16".
        description: What the label means.
    """
    repo = _repo(ctx, repo_id)
    _writable(repo)
    _require(ctx, repo, "write", "creating labels")
    hex_color = color.lstrip("#")
    if not COLOR.match(hex_color):
        raise ToolError(f"color {color!r} is not 6 hex digits, e.g. 0e8a16")
    if not name.strip():
        raise ToolError("name is blank; name the label")
    for existing in ctx.table("labels").find(repo_id=repo_id):
        if existing["name"].lower() == name.strip().lower():
            raise ToolError(f"{_full_name(repo)} already has a label named {existing['name']!r}")
    row = ctx.table("labels").insert(
        {"repo_id": repo_id, "name": name.strip(), "color": hex_color.lower(), "description": description}
    )
    return cast(Label, {key: row[key] for key in Label.__annotations__})


@environment.tool(effect="read")
def list_pull_requests(ctx: Context, repo_id: int, state: Literal["open", "closed", "all"] = "open") -> PullRequestList:
    """List a repository's pull requests with review status, newest first.

    Args:
        repo_id: The repository's id.
        state: open, closed (including merged) or all.
    """
    repo = _repo(ctx, repo_id)
    rows = [row for row in ctx.table("pull_requests").find(repo_id=repo_id) if state == "all" or row["state"] == state]
    rows.sort(key=lambda row: row["number"], reverse=True)
    return {"pull_requests": [_pull_out(ctx, row, repo) for row in rows], "count": len(rows)}


@environment.tool(effect="write")
def create_review(
    ctx: Context,
    pull_request_id: int,
    event: Literal["APPROVE", "REQUEST_CHANGES", "COMMENT"],
    body: Annotated[str, Arg(max_length=65536)] = "",
) -> Review:
    """Review a pull request: approve it, request changes, or comment.

    Args:
        pull_request_id: The pull request's id.
        event: APPROVE, REQUEST_CHANGES or COMMENT.
        body: The review text (required to request changes or comment).
    """
    row, repo = _pull(ctx, pull_request_id)
    _writable(repo)
    if row["state"] != "open":
        raise ToolError(
            f"pull request #{row['number']} is {'merged' if row['merged'] else 'closed'}; it cannot be reviewed"
        )
    viewer = _viewer(ctx)
    if row["author"] == viewer and event != "COMMENT":
        raise ToolError(
            f"you opened pull request #{row['number']}; authors cannot approve or request changes on their own"
        )
    if event != "APPROVE" and not body.strip():
        raise ToolError(f"a {event} review needs a body explaining it")
    reviews = ctx.table("reviews")
    review = reviews.insert(
        {
            "review_id": next_int_id(reviews, "review_id", 1_900_000_000),
            "pull_request_id": pull_request_id,
            "author": viewer,
            "state": {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}[event],
            "body": body,
            "submitted_at": iso(ctx.now),
        }
    )
    return cast(Review, {key: review[key] for key in Review.__annotations__})


@environment.tool(effect="write")
def merge_pull_request(
    ctx: Context,
    pull_request_id: int,
    merge_method: Literal["merge", "squash", "rebase"] = "merge",
    commit_title: Annotated[str, Arg(max_length=256)] | None = None,
) -> Merge:
    """Merge a pull request into its base branch (closing the issues it fixes when the base is the default).

    Args:
        pull_request_id: The pull request's id.
        merge_method: merge commit, squash or rebase.
        commit_title: Title of the merge commit (default: the pull request's title and number).
    """
    row, repo = _pull(ctx, pull_request_id)
    _writable(repo)
    _require(ctx, repo, "write", "merging")
    if row["state"] != "open":
        raise ToolError(f"pull request #{row['number']} is already {'merged' if row['merged'] else 'closed'}")
    if row["draft"]:
        raise ToolError(f"pull request #{row['number']} is a draft; mark it ready for review before merging")
    if not row["mergeable"]:
        raise ToolError(f"pull request #{row['number']} has conflicts with {row['base']}; resolve them first")
    approvals, requested = _reviews_summary(ctx, row, repo)
    if requested:
        raise ToolError(f"{', '.join(requested)} requested changes on #{row['number']}; their review must be addressed")
    if approvals < repo["required_approvals"]:
        raise ToolError(
            f"{_full_name(repo)} requires {repo['required_approvals']} approving review(s) from users with write "
            f"access; #{row['number']} has {approvals}"
        )
    viewer = _viewer(ctx)
    updated = ctx.table("pull_requests").update(
        pull_request_id,
        {
            "state": "closed",
            "merged": True,
            "merged_at": iso(ctx.now),
            "merged_by": viewer,
            "merge_method": merge_method,
        },
    )
    closed: list[int] = []
    if row["base"] == repo["default_branch"]:
        for number in sorted({int(match) for match in CLOSING.findall(row["body"])}):
            issue = ctx.table("issues").first(repo_id=repo["repo_id"], number=number)
            if issue is not None and issue["state"] == "open":
                ctx.table("issues").update(
                    issue["issue_id"],
                    {
                        "state": "closed",
                        "state_reason": "completed",
                        "closed_at": iso(ctx.now),
                        "updated_at": iso(ctx.now),
                    },
                )
                closed.append(issue["issue_id"])
    return {
        "pull_request": _pull_out(ctx, updated, repo),
        "merge_method": merge_method,
        "commit_title": commit_title or f"{row['title']} (#{row['number']})",
        "closed_issue_ids": closed,
    }


# --- seed ------------------------------------------------------------------------------------------------------

ORGS = (
    ("urban-climate-lab", "Urban Climate Lab"),
    ("comp-bio-group", "Computational Biology Group"),
    ("nlp-reading-group", "NLP Reading Group"),
    ("behavioral-econ-lab", "Behavioral Economics Lab"),
)
REPOS = (
    ("climate-downscaling", "Neural downscaling of regional climate projections", ["climate", "pytorch"]),
    ("graph-forecasting", "Graph neural networks for traffic forecasting", ["gnn", "forecasting"]),
    ("survey-pipeline", "Cleaning and weighting pipeline for the panel survey", ["survey", "r"]),
    ("genome-browser-tools", "Utilities for preparing tracks for the genome browser", ["genomics", "bioinformatics"]),
    ("lab-website", "Source of the lab's website", ["website", "hugo"]),
    ("thesis", "PhD thesis in LaTeX", ["latex", "thesis"]),
    ("paper-2025-replication", "Replication package for the 2025 paper", ["replication", "stata"]),
    ("course-notes", "Lecture notes and problem sets", ["teaching"]),
)
DEFAULT_LABELS = (
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("question", "d876e3", "Further information is requested"),
)
ISSUES = (
    ("Crash when the input file has no header row", "bug"),
    ("README install steps are out of date", "documentation"),
    ("Add a CI workflow for Python 3.12", "enhancement"),
    ("Flaky test in test_loader on macOS", "bug"),
    ("Support GeoTIFF output", "enhancement"),
    ("Document the configuration options", "documentation"),
    ("Memory use grows with the number of epochs", "bug"),
    ("Which random seed was used for table 2?", "question"),
    ("Cite the dataset in the README", "documentation"),
    ("Add a Dockerfile for reproducible runs", "enhancement"),
)
BRANCH_WORDS = ("fix-header-parsing", "ci-python-312", "docs-install", "geotiff-output", "seed-logging", "dockerfile")


def _login(person: fake.Person, rng: random.Random) -> str:
    style = rng.randrange(3)
    return (
        f"{person.first_name}-{person.last_name}",
        f"{person.first_name[0]}{person.last_name}",
        f"{person.first_name}{person.last_name[:3]}",
    )[style].lower()


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    people = fake.people(ctx.shared("people"), max(4, ctx.size))
    accounts: list[dict[str, Any]] = []
    logins: list[str] = []
    for person in people:
        login = _login(person, rng)
        while login in logins:
            login += str(rng.randint(1, 9))
        logins.append(login)
        accounts.append({"login": login, "name": person.full_name, "email": person.email, "type": "User"})
    viewer = logins[rng.randrange(min(3, len(logins)))]
    orgs = rng.sample(ORGS, 2)
    for login, name in orgs:
        accounts.append({"login": login, "name": name, "email": None, "type": "Organization"})
    repositories, collaborators, labels, issues, pulls, reviews, comments = [], [], [], [], [], [], []
    repo_id = rng.randint(600_000_000, 900_000_000)
    issue_id = 2_000_000_000 + rng.randint(0, 90_000_000)
    pull_id = 1_500_000_000 + rng.randint(0, 90_000_000)
    review_id = 1_800_000_000 + rng.randint(0, 90_000_000)
    comment_id = 2_300_000_000 + rng.randint(0, 90_000_000)
    # Your permission differs from repository to repository, as it does for a real researcher.
    viewer_roles = ["admin", "write", "triage", "read", "none-public", "write"]
    others = [login for login in logins if login != viewer]
    count = min(len(REPOS), max(4, ctx.size // 2))
    for index, (name, description, topics) in enumerate(rng.sample(REPOS, count)):
        role = viewer_roles[index % len(viewer_roles)]
        owner = viewer if role == "admin" else rng.choice([org for org, _ in orgs] + others[:1])
        repo_id += rng.randint(1, 5_000_000)
        created = ctx.now - timedelta(days=rng.randint(60, 1500))
        archived = index == count - 1 and count > 4
        repositories.append(
            {
                "repo_id": repo_id,
                "owner": owner,
                "name": name,
                "description": description,
                "private": role in ("read", "triage") or (rng.random() < 0.2 and role != "none-public"),
                "archived": archived,
                "has_issues": True,
                "default_branch": rng.choice(("main", "main", "master")),
                "topics": topics,
                "stars": rng.randint(0, 420),
                "required_approvals": rng.choice((0, 1, 1, 2)),
                "created_at": iso(created),
            }
        )
        members = rng.sample(others, min(len(others), rng.randint(2, 4)))
        if role not in ("admin", "none-public"):
            collaborators.append({"repo_id": repo_id, "login": viewer, "permission": role})
        for member in members:
            if member == owner:
                continue
            permission = fake.choose_weighted(rng, {"write": 3, "maintain": 1, "triage": 1, "read": 1})
            collaborators.append({"repo_id": repo_id, "login": member, "permission": permission})
        for label, color, text in DEFAULT_LABELS:
            labels.append({"repo_id": repo_id, "name": label, "color": color, "description": text})
        team = [owner] + [member for member in members if member != owner] if owner in logins else members
        writers = [
            row["login"]
            for row in collaborators
            if row["repo_id"] == repo_id and row["permission"] in ("write", "maintain")
        ]
        number = 0
        open_numbers = []
        for title, label in rng.sample(ISSUES, rng.randint(3, 6)):
            number += 1
            issue_id += rng.randint(1, 3_000_000)
            opened = created + timedelta(days=rng.randint(1, max(2, (ctx.now - created).days - 2)))
            closed = rng.random() < 0.35
            author = rng.choice([*team, viewer])
            closed_at = (
                min(opened + timedelta(days=rng.randint(1, 40)), ctx.now - timedelta(hours=2)) if closed else None
            )
            assignee_pool = [login for login in team if login in logins] + ([viewer] if role != "none-public" else [])
            issues.append(
                {
                    "issue_id": issue_id,
                    "repo_id": repo_id,
                    "number": number,
                    "title": title,
                    "body": f"{fake.sentence(rng)} Steps and details are below.",
                    "state": "closed" if closed else "open",
                    "state_reason": rng.choice(("completed", "completed", "not_planned")) if closed else None,
                    "labels": [label] + (["help wanted"] if rng.random() < 0.2 else []),
                    "assignees": rng.sample(assignee_pool, min(len(assignee_pool), rng.randint(0, 1)))
                    if assignee_pool
                    else [],
                    "author": author,
                    "locked": closed and rng.random() < 0.3,
                    "created_at": iso(opened),
                    "updated_at": iso(closed_at or opened),
                    "closed_at": iso(closed_at) if closed_at else None,
                }
            )
            if not closed:
                open_numbers.append(number)
            for _ in range(rng.randint(0, 3)):
                comment_id += rng.randint(1, 4_000_000)
                comments.append(
                    {
                        "comment_id": comment_id,
                        "issue_id": issue_id,
                        "author": rng.choice([*team, viewer]),
                        "body": rng.choice(
                            (
                                "I can reproduce this on main.",
                                "Working on a fix.",
                                "Could you share the config you used?",
                                "Thanks for the report!",
                                "Same here with the latest release.",
                            )
                        ),
                        "created_at": iso(
                            min(opened + timedelta(hours=rng.randint(1, 200)), ctx.now - timedelta(hours=1))
                        ),
                    }
                )
        for branch in rng.sample(BRANCH_WORDS, rng.randint(1, 3)):
            number += 1
            pull_id += rng.randint(1, 3_000_000)
            author = rng.choice([login for login in team if login in logins] or [viewer])
            fixes = rng.choice(open_numbers) if open_numbers and rng.random() < 0.7 else None
            merged = rng.random() < 0.25
            opened = ctx.now - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 20))
            pulls.append(
                {
                    "pull_request_id": pull_id,
                    "repo_id": repo_id,
                    "number": number,
                    "title": branch.replace("-", " ").capitalize(),
                    "body": (f"Fixes #{fixes}. " if fixes else "") + "Adds tests for the change.",
                    "author": author,
                    "head": branch,
                    "base": repositories[-1]["default_branch"],
                    "state": "closed" if merged else "open",
                    "draft": not merged and rng.random() < 0.2,
                    "mergeable": merged or rng.random() > 0.15,
                    "merged": merged,
                    "merged_at": iso(opened + timedelta(days=1)) if merged else None,
                    "merged_by": rng.choice(writers or [author]) if merged else None,
                    "merge_method": rng.choice(("merge", "squash")) if merged else None,
                    "created_at": iso(opened),
                }
            )
            if fixes and merged:
                for issue in issues:
                    if issue["repo_id"] == repo_id and issue["number"] == fixes:
                        merged_at = iso(opened + timedelta(days=1))
                        issue.update(
                            {
                                "state": "closed",
                                "state_reason": "completed",
                                "closed_at": merged_at,
                                "updated_at": merged_at,
                            }
                        )
                        open_numbers.remove(fixes)
            for reviewer in rng.sample(writers, min(len(writers), rng.randint(0, 2))):
                if reviewer == author:
                    continue
                review_id += rng.randint(1, 2_000_000)
                state = "APPROVED" if rng.random() < 0.75 else "CHANGES_REQUESTED"
                reviews.append(
                    {
                        "review_id": review_id,
                        "pull_request_id": pull_id,
                        "author": reviewer,
                        "state": state,
                        "body": "" if state == "APPROVED" else "Please add a test for the empty-file case.",
                        "submitted_at": iso(opened + timedelta(hours=rng.randint(2, 20))),
                    }
                )
    return {
        "session": [{"key": "viewer", "login": viewer}],
        "accounts": accounts,
        "repositories": repositories,
        "collaborators": collaborators,
        "labels": labels,
        "issues": issues,
        "pull_requests": pulls,
        "reviews": reviews,
        "comments": comments,
    }
