"""Scenario tests for the tasks environment: due dates, sub-tasks, completion, plan limits, assignees."""

from __future__ import annotations

from envfactory_office import tasks


def _projects(episode, **filters):
    return [row for row in episode.table("projects").all() if all(row[k] == v for k, v in filters.items())]


def test_created_task_is_listed_by_due_date():
    episode = tasks.episode(seed=0)
    created = episode.call(
        "create_task", {"title": "Submit essay on Bayesian methods", "due_date": "2025-06-20", "priority": 1}
    )
    assert created.ok, created.error
    assert created.output["project_title"] == "Inbox"
    assert created.output["is_overdue"] is False
    due = episode.call("list_tasks", {"due_before": "2025-06-20", "limit": 100}).output["tasks"]
    assert created.output["task_id"] in [task["task_id"] for task in due]
    later = episode.call("list_tasks", {"due_before": "2025-06-19", "limit": 100}).output["tasks"]
    assert created.output["task_id"] not in [task["task_id"] for task in later]
    assert [(change.table, change.change) for change in episode.diff().changes] == [("tasks", "added")]


def test_completing_a_parent_completes_subtasks_and_reopening_a_subtask_reopens_the_parent():
    episode = tasks.episode(seed=0)
    parent = episode.call("create_task", {"title": "Plan the offsite"}).output
    children = [
        episode.call("create_task", {"title": step, "parent_task_id": parent["task_id"]}).output
        for step in ("Shortlist venues", "Send invites")
    ]
    done = episode.call("complete_task", {"task_id": parent["task_id"]}).output
    assert set(done["completed_task_ids"]) == {parent["task_id"], *(child["task_id"] for child in children)}
    twice = episode.call("complete_task", {"task_id": parent["task_id"]})
    assert not twice.ok
    edit = episode.call("update_task", {"task_id": children[0]["task_id"], "title": "Shortlist three venues"})
    assert not edit.ok
    assert "reopen it" in edit.error.message
    reopened = episode.call("reopen_task", {"task_id": children[0]["task_id"]})
    assert reopened.ok, reopened.error
    assert episode.table("tasks").get(parent["task_id"])["status"] == "open"
    assert episode.table("tasks").get(children[1]["task_id"])["status"] == "completed"


def test_free_plan_allows_five_active_projects():
    episode = tasks.episode(seed=0)
    active = [row for row in _projects(episode, is_archived=False) if not row["is_inbox"]]
    for number in range(5 - len(active)):
        assert episode.call("create_project", {"title": f"Side project {number}"}).ok
    before = episode.state_hash()
    refused = episode.call("create_project", {"title": "One too many"})
    assert not refused.ok
    assert "5 active projects" in refused.error.message
    assert episode.state_hash() == before


def test_tasks_are_assigned_only_to_collaborators_of_shared_projects():
    for seed in range(20):
        episode = tasks.episode(seed=seed)
        shared = [
            row
            for row in _projects(episode, is_archived=False)
            if episode.table("collaborators").count(project_id=row["project_id"]) > 1
        ]
        personal = [
            row
            for row in _projects(episode, is_archived=False)
            if episode.table("collaborators").count(project_id=row["project_id"]) == 1
        ]
        if shared and personal:
            break
    project = shared[0]
    member = next(
        row["email"]
        for row in episode.table("collaborators").find(project_id=project["project_id"])
        if row["role"] == "member"
    )
    assigned = episode.call(
        "create_task", {"title": "Review", "project_id": project["project_id"], "assignee_email": member}
    )
    assert assigned.ok, assigned.error
    assert assigned.output["assignee_email"] == member
    stranger = episode.call(
        "create_task",
        {"title": "Review", "project_id": project["project_id"], "assignee_email": "stranger@example.com"},
    )
    assert not stranger.ok
    assert "not a collaborator" in stranger.error.message
    alone = episode.call(
        "create_task", {"title": "Review", "project_id": personal[0]["project_id"], "assignee_email": member}
    )
    assert not alone.ok
    assert "not shared" in alone.error.message


def test_comments_are_recorded_on_the_task():
    episode = tasks.episode(seed=0)
    task = episode.call("list_tasks", {}).output["tasks"][0]
    comment = episode.call("add_comment", {"task_id": task["task_id"], "body": "Waiting for the numbers from finance."})
    assert comment.ok, comment.error
    detail = episode.call("get_task", {"task_id": task["task_id"]}).output
    assert detail["comment_count"] == task["comment_count"] + 1
    assert detail["comments"][-1]["body"] == "Waiting for the numbers from finance."
