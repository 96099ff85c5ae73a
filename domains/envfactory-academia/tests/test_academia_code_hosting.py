"""Scenarios for the code hosting environment: permissions, issue lifecycle, labels, reviews and merges."""

from __future__ import annotations

import copy

from envfactory_academia.code_hosting import environment


def _state_with_access(permission, seed=0, **repo_changes):
    """Seed state where the viewer has ``permission`` on the first org-owned, unarchived repository."""
    state = copy.deepcopy(environment.initial_state(seed=seed))
    viewer = state["session"]["viewer"]["login"]
    repo = next(
        row
        for row in sorted(state["repositories"].values(), key=lambda r: r["repo_id"])
        if row["owner"] != viewer and not row["archived"]
    )
    repo.update({"has_issues": True, **repo_changes})
    key = f'[{repo["repo_id"]},"{viewer}"]'
    state["collaborators"] = {k: v for k, v in state["collaborators"].items() if k != key}
    if permission != "none":
        state["collaborators"][key] = {"repo_id": repo["repo_id"], "login": viewer, "permission": permission}
    return state, repo, viewer


def test_read_access_opens_plain_issues_but_cannot_label_them():
    state, repo, viewer = _state_with_access("read", private=True)
    episode = environment.episode(state=state)
    labelled = episode.call(
        "create_issue", {"repo_id": repo["repo_id"], "title": "Add a citation file", "labels": ["enhancement"]}
    )
    assert not labelled.ok
    assert "needs triage access" in labelled.error.message
    assert episode.diff().empty
    numbers = [row["number"] for row in episode.table("issues").find(repo_id=repo["repo_id"])]
    numbers += [row["number"] for row in episode.table("pull_requests").find(repo_id=repo["repo_id"])]
    opened = episode.call(
        "create_issue", {"repo_id": repo["repo_id"], "title": "Add a citation file", "body": "CFF please"}
    )
    assert opened.ok, opened.error
    assert opened.output["number"] == max(numbers) + 1
    assert opened.output["author"] == viewer
    assert opened.output["url"].endswith(f"/{repo['owner']}/{repo['name']}/issues/{max(numbers) + 1}")


def test_private_repositories_are_invisible_without_access():
    state, repo, _ = _state_with_access("none", private=True)
    episode = environment.episode(state=state)
    result = episode.call("list_issues", {"repo_id": repo["repo_id"]})
    assert not result.ok
    assert "not found" in result.error.message
    names = [row["full_name"] for row in episode.call("search_repositories", {}).output["repositories"]]
    assert f"{repo['owner']}/{repo['name']}" not in names


def test_closing_with_a_reason_and_reopening():
    state, repo, _ = _state_with_access("triage")
    episode = environment.episode(state=state)
    issue = episode.table("issues").first(repo_id=repo["repo_id"], state="open")
    closed = episode.call(
        "update_issue", {"issue_id": issue["issue_id"], "state": "closed", "state_reason": "not_planned"}
    )
    assert closed.ok, closed.error
    assert closed.output["state"] == "closed"
    assert closed.output["state_reason"] == "not_planned"
    reopened = episode.call("update_issue", {"issue_id": issue["issue_id"], "state": "open"})
    assert reopened.ok
    assert reopened.output["state_reason"] == "reopened"
    assert reopened.output["closed_at"] is None
    unknown = episode.call("update_issue", {"issue_id": issue["issue_id"], "labels": ["wontfix-ever"]})
    assert not unknown.ok
    assert "create_label" in unknown.error.message


def test_labels_need_write_access_unique_names_and_hex_colors():
    state, repo, _ = _state_with_access("triage")
    episode = environment.episode(state=state)
    refused = episode.call("create_label", {"repo_id": repo["repo_id"], "name": "needs data", "color": "0e8a16"})
    assert not refused.ok
    assert "needs write access" in refused.error.message
    state, repo, _ = _state_with_access("write")
    episode = environment.episode(state=state)
    created = episode.call("create_label", {"repo_id": repo["repo_id"], "name": "needs data", "color": "#0E8A16"})
    assert created.ok
    assert created.output["color"] == "0e8a16"
    duplicate = episode.call("create_label", {"repo_id": repo["repo_id"], "name": "Needs Data", "color": "000000"})
    assert not duplicate.ok
    bad_color = episode.call("create_label", {"repo_id": repo["repo_id"], "name": "x", "color": "zzzzzz"})
    assert not bad_color.ok
    assert len(episode.diff().changes) == 1


def test_merging_needs_approval_and_closes_the_issue_it_fixes():
    state, repo, viewer = _state_with_access("write", required_approvals=1)
    issue = next(
        row for row in state["issues"].values() if row["repo_id"] == repo["repo_id"] and row["state"] == "open"
    )
    author = next(
        row["login"] for row in state["accounts"].values() if row["type"] == "User" and row["login"] != viewer
    )
    pull_id = 1_999_999_999
    state["pull_requests"][str(pull_id)] = {
        "pull_request_id": pull_id, "repo_id": repo["repo_id"], "number": 99, "title": "Handle empty files",
        "body": f"Fixes #{issue['number']}.", "author": author, "head": "empty-files", "base": repo["default_branch"],
        "state": "open", "draft": True, "mergeable": True, "merged": False, "merged_at": None, "merged_by": None,
        "merge_method": None, "created_at": "2025-10-14T09:00:00-04:00",
    }  # fmt: skip
    episode = environment.episode(state=state)
    draft = episode.call("merge_pull_request", {"pull_request_id": pull_id})
    assert not draft.ok
    assert "draft" in draft.error.message
    episode.table("pull_requests").update(pull_id, {"draft": False})
    unapproved = episode.call("merge_pull_request", {"pull_request_id": pull_id})
    assert not unapproved.ok
    assert "requires 1 approving review" in unapproved.error.message
    approved = episode.call("create_review", {"pull_request_id": pull_id, "event": "APPROVE"})
    assert approved.ok, approved.error
    merged = episode.call("merge_pull_request", {"pull_request_id": pull_id, "merge_method": "squash"})
    assert merged.ok, merged.error
    assert merged.output["pull_request"]["merged"] is True
    assert merged.output["pull_request"]["merged_by"] == viewer
    assert merged.output["closed_issue_ids"] == [issue["issue_id"]]
    closed = episode.table("issues").get(issue["issue_id"])
    assert closed["state"] == "closed"
    assert closed["state_reason"] == "completed"


def test_authors_cannot_approve_their_own_pull_request():
    state, repo, viewer = _state_with_access("write")
    pull_id = 1_999_999_998
    state["pull_requests"][str(pull_id)] = {
        "pull_request_id": pull_id, "repo_id": repo["repo_id"], "number": 98, "title": "Mine", "body": "",
        "author": viewer, "head": "mine", "base": repo["default_branch"], "state": "open", "draft": False,
        "mergeable": True, "merged": False, "merged_at": None, "merged_by": None, "merge_method": None,
        "created_at": "2025-10-14T09:00:00-04:00",
    }  # fmt: skip
    episode = environment.episode(state=state)
    result = episode.call("create_review", {"pull_request_id": pull_id, "event": "APPROVE"})
    assert not result.ok
    assert "authors cannot approve" in result.error.message
    assert episode.call("create_review", {"pull_request_id": pull_id, "event": "COMMENT", "body": "Note to self"}).ok


def test_archived_repositories_are_read_only():
    state, repo, _ = _state_with_access("admin", archived=True)
    episode = environment.episode(state=state)
    issue = episode.table("issues").first(repo_id=repo["repo_id"])
    result = episode.call("add_comment", {"issue_id": issue["issue_id"], "body": "Still relevant?"})
    assert not result.ok
    assert "archived" in result.error.message
    assert episode.call("get_issue", {"issue_id": issue["issue_id"]}).ok
