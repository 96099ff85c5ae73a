"""Scenarios for the courses environment: submissions, late policy, extensions, grading rights, grades."""

from __future__ import annotations

import copy
from datetime import timedelta

from envfactory_academia._common import iso
from envfactory_academia.courses import environment

NOW = environment.clock


def _setup(seed=0, **assignment_changes):
    """A running course's first assignment, reshaped for the test, with one student's submission removed."""
    state = copy.deepcopy(environment.initial_state(seed=seed))
    course = next(row for row in state["courses"].values() if row["status"] == "available")
    course.update({"late_penalty_percent": 10.0, "late_penalty_cap_percent": 50.0})
    assignment = next(row for row in state["assignments"].values() if row["course_id"] == course["course_id"])
    assignment.update(
        {"points_possible": 100.0, "submission_types": ["online_text_entry"], "allowed_attempts": -1, "published": True}
    )
    assignment.update(assignment_changes)
    roles = {
        row["user_id"]: row["role"] for row in state["enrollments"].values() if row["course_id"] == course["course_id"]
    }
    student = next(user for user, role in sorted(roles.items()) if role == "student")
    teacher = next(user for user, role in sorted(roles.items()) if role == "teacher")
    state["submissions"] = {
        key: row
        for key, row in state["submissions"].items()
        if not (row["assignment_id"] == assignment["assignment_id"] and row["user_id"] == student)
    }
    state["overrides"] = {}
    return state, course, assignment, student, teacher


def test_late_work_is_flagged_and_graded_with_the_late_penalty():
    state, _, assignment, student, teacher = _setup(due_at=iso(NOW - timedelta(days=2, hours=1)), lock_at=None)
    episode = environment.episode(state=state)
    submitted = episode.call(
        "submit_assignment",
        {"assignment_id": assignment["assignment_id"], "user_id": student, "submission_type": "online_text_entry",
         "body": "My answers are attached."},
    )  # fmt: skip
    assert submitted.ok, submitted.error
    assert submitted.output["late"] is True
    assert submitted.output["attempt"] == 1
    graded = episode.call(
        "grade_submission",
        {"assignment_id": assignment["assignment_id"], "user_id": student, "score": 80, "grader_id": teacher},
    )
    assert graded.ok, graded.error
    assert graded.output["entered_score"] == 80
    assert graded.output["points_deducted"] == 30.0  # 3 started days late x 10%
    assert graded.output["score"] == 50.0
    assert graded.output["status"] == "graded"


def test_a_locked_assignment_refuses_work_until_an_extension_reopens_it():
    state, _, assignment, student, _ = _setup(
        due_at=iso(NOW - timedelta(days=3)), lock_at=iso(NOW - timedelta(hours=1))
    )
    episode = environment.episode(state=state)
    arguments = {
        "assignment_id": assignment["assignment_id"], "user_id": student, "submission_type": "online_text_entry",
        "body": "Here it is.",
    }  # fmt: skip
    locked = episode.call("submit_assignment", arguments)
    assert not locked.ok
    assert "locked at" in locked.error.message
    assert episode.diff().empty
    new_due = iso(NOW + timedelta(days=3))
    extension = episode.call(
        "grant_extension", {"assignment_id": assignment["assignment_id"], "user_id": student, "due_at": new_due}
    )
    assert extension.ok, extension.error
    assert extension.output["due_at"] == new_due
    assert extension.output["lock_at"] == new_due
    assert extension.output["due_date"] == new_due[:10]
    submitted = episode.call("submit_assignment", arguments)
    assert submitted.ok, submitted.error
    assert submitted.output["late"] is False
    seen = episode.call("get_assignment", {"assignment_id": assignment["assignment_id"], "user_id": student}).output
    assert seen["has_extension"] is True
    assert seen["due_at"] == new_due


def test_only_teachers_and_tas_grade_and_never_above_the_points_possible():
    state, _, assignment, student, teacher = _setup(due_at=iso(NOW + timedelta(days=5)), lock_at=None)
    episode = environment.episode(state=state)
    by_student = episode.call(
        "grade_submission",
        {"assignment_id": assignment["assignment_id"], "user_id": student, "score": 100, "grader_id": student},
    )
    assert not by_student.ok
    assert "cannot grade" in by_student.error.message
    too_many = episode.call(
        "grade_submission",
        {"assignment_id": assignment["assignment_id"], "user_id": student, "score": 101, "grader_id": teacher},
    )
    assert not too_many.ok
    assert "too many" in too_many.error.message
    assert episode.diff().empty


def test_missing_work_is_overdue_and_counts_zero_in_the_final_score():
    state, course, assignment, student, teacher = _setup(due_at=iso(NOW - timedelta(days=1)), lock_at=None)
    episode = environment.episode(state=state)
    overdue = episode.call(
        "list_assignments", {"course_id": course["course_id"], "bucket": "overdue", "user_id": student}
    ).output
    assert assignment["assignment_id"] in [row["assignment_id"] for row in overdue["assignments"]]
    grades = episode.call("get_grades", {"course_id": course["course_id"], "user_id": student}).output
    line = next(row for row in grades["assignments"] if row["assignment_id"] == assignment["assignment_id"])
    assert line["status"] == "missing"
    assert line["score"] is None
    assert grades["current_score"] is not None
    assert grades["final_score"] < grades["current_score"]
    episode.call(
        "grade_submission",
        {"assignment_id": assignment["assignment_id"], "user_id": student, "score": 100, "grader_id": teacher},
    )
    after = episode.call("get_grades", {"course_id": course["course_id"], "user_id": student}).output
    assert after["final_score"] > grades["final_score"]


def test_a_concluded_course_is_read_only():
    episode = environment.episode(seed=0)
    concluded = episode.table("courses").first(status="completed")
    enrolled = {row["user_id"] for row in episode.table("enrollments").find(course_id=concluded["course_id"])}
    outsider = next(row["user_id"] for row in episode.table("users").all() if row["user_id"] not in enrolled)
    result = episode.call("enroll_user", {"course_id": concluded["course_id"], "user_id": outsider})
    assert not result.ok
    assert "read-only" in result.error.message
    assignment = episode.table("assignments").first(course_id=concluded["course_id"])
    extension = episode.call(
        "grant_extension",
        {"assignment_id": assignment["assignment_id"], "user_id": outsider, "due_at": iso(NOW + timedelta(days=1))},
    )
    assert not extension.ok
    assert episode.diff().empty
