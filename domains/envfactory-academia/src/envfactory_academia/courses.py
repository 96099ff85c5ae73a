"""A learning management system after the Canvas LMS REST API: courses, enrollments, assignments, grades.

Assignments carry Canvas's fields (``due_at``, ``lock_at``, ``points_possible``, submission types,
allowed attempts); per-student due dates are assignment overrides; submissions keep the attempt
count and a ``late`` flag; grading applies the course's late policy (a percentage per day late, up
to a cap) the way Canvas's late policy deducts ``points_deducted`` from the entered score. Course
grades follow Canvas's current score (graded work only) and final score (missing work counts zero).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, iso, next_int_id, parse_time

__all__ = ["environment"]

SubmissionType = Literal["online_text_entry", "online_url", "online_upload"]
LETTERS = ((93, "A"), (90, "A-"), (87, "B+"), (83, "B"), (80, "B-"), (77, "C+"), (73, "C"), (70, "C-"), (60, "D"))

POLICY = """\
Course rules (as Canvas enforces them):
- Only students with an active enrollment submit, only to published assignments of an available
  (not concluded) course, only with a submission type the assignment accepts, and only until the
  assignment locks (lock_at). A submission after the due date is marked late. Assignments with a
  limited number of attempts refuse further submissions.
- A student's extension (an assignment override) replaces the due date, and the lock date if it
  would otherwise lock earlier; an extension must be later than the assignment's due date.
- Only an active teacher or TA of the course grades, with a score from 0 to the points possible.
  Late work loses the course's late penalty (a percentage of the points possible per day late,
  rounded up to whole days) up to the course's cap; the score never goes below 0.
- Concluded courses are read-only: no submissions, grades, extensions, enrollments or new assignments.
- A user can hold one active enrollment per course. New assignments are due between the course's
  start and end dates, and lock no earlier than they are due.
"""

environment = Environment(
    name="courses",
    domain="academia",
    description=(
        "Course management after the Canvas LMS REST API's courses, enrollments, assignments, assignment "
        "overrides and submissions endpoints: list a user's courses and assignments by due date, create "
        "assignments, submit work, grant extensions, grade with the late policy, and compute course grades."
    ),
    tables=[
        table("users", primary_key="user_id", user_id=int, name=str, email=str),
        table(
            "courses",
            primary_key="course_id",
            course_id=int,
            course_code=str,
            name=str,
            term=str,
            start_date=str,
            end_date=str,
            status=str,
            late_penalty_percent=float,
            late_penalty_cap_percent=float,
        ),
        table(
            "enrollments",
            primary_key="enrollment_id",
            enrollment_id=int,
            course_id=int,
            user_id=int,
            role=str,
            status=str,
            created_at=str,
        ),
        table(
            "assignments",
            primary_key="assignment_id",
            assignment_id=int,
            course_id=int,
            title=str,
            description=str,
            due_at=str,
            lock_at=str | None,
            points_possible=float,
            submission_types=list,
            allowed_attempts=int,
            published=bool,
            created_at=str,
        ),
        table(
            "overrides",
            primary_key="override_id",
            override_id=int,
            assignment_id=int,
            user_id=int,
            due_at=str,
            lock_at=str | None,
        ),
        table(
            "submissions",
            primary_key="submission_id",
            submission_id=int,
            assignment_id=int,
            user_id=int,
            attempt=int,
            status=str,
            submitted_at=str | None,
            submission_type=str | None,
            body=str | None,
            url=str | None,
            late=bool,
            entered_score=float | None,
            points_deducted=float | None,
            score=float | None,
            grader_id=int | None,
            graded_at=str | None,
            comment=str | None,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Canvas LMS REST API: Courses, Enrollments, Assignments, Assignment Overrides, Submissions, Late Policy",
        url="https://canvas.instructure.com/doc/api/",
    ),
)


# --- outputs ---------------------------------------------------------------------------------------------------


class User(TypedDict):
    """A user account.

    Args:
        user_id: The user's id.
        name: The user's full name.
        email: The user's email.
    """

    user_id: int
    name: str
    email: str


class UserList(TypedDict):
    users: list[User]
    count: int


class CourseEntry(TypedDict):
    """A course the user is enrolled in.

    Args:
        course_id: The course's id.
        name: The course's title.
        status: available, completed (concluded) or unpublished.
        role: The user's role: student, teacher or ta.
    """

    course_id: int
    course_code: str
    name: str
    term: str
    start_date: str
    end_date: str
    status: str
    role: str
    enrollment_id: int
    enrollment_status: str


class CourseList(TypedDict):
    courses: list[CourseEntry]
    count: int


class Submission(TypedDict):
    """A student's submission to an assignment.

    Args:
        status: unsubmitted, submitted or graded.
        late: Whether the latest attempt came after the due date.
        entered_score: The score the grader entered, before the late penalty.
        points_deducted: Points taken off for lateness.
        score: The score that counts.
    """

    submission_id: int
    assignment_id: int
    user_id: int
    attempt: int
    status: str
    submitted_at: str | None
    submission_type: str | None
    late: bool
    entered_score: float | None
    points_deducted: float | None
    score: float | None
    comment: str | None


class Assignment(TypedDict):
    """An assignment, with the due date that applies to the user when one was given.

    Args:
        assignment_id: The assignment's id.
        title: The assignment's title: what the student has to do.
        due_at: When it is due (ISO 8601 with offset), after any extension for the user.
        due_date: The local day it is due, YYYY-MM-DD.
        lock_at: When submissions close, if ever.
        has_extension: Whether the user has an extension for it.
        submission: The user's submission, if a user was given and has one.
    """

    assignment_id: int
    course_id: int
    course_name: str
    title: str
    description: str
    due_at: str
    due_date: str
    lock_at: str | None
    points_possible: float
    submission_types: list[str]
    allowed_attempts: int
    published: bool
    has_extension: bool
    submission: Submission | None


class AssignmentList(TypedDict):
    assignments: list[Assignment]
    count: int


class GradeLine(TypedDict):
    assignment_id: int
    title: str
    points_possible: float
    score: float | None
    status: str


class Grades(TypedDict):
    """A student's grades in a course.

    Args:
        current_score: Percentage over graded assignments only.
        final_score: Percentage with missing past-due work counted as zero.
        letter_grade: Letter for the current score.
    """

    course_id: int
    user_id: int
    name: str
    email: str
    current_score: float | None
    final_score: float
    letter_grade: str | None
    assignments: list[GradeLine]


class Enrollment(TypedDict):
    """An enrollment.

    Args:
        enrollment_id: The enrollment's id.
        role: student, teacher or ta.
        status: active, invited, completed or inactive.
    """

    enrollment_id: int
    course_id: int
    user_id: int
    name: str
    email: str
    role: str
    status: str
    created_at: str


class Extension(TypedDict):
    """A due-date extension for one student.

    Args:
        override_id: The override's id.
        due_at: The student's new due time.
        due_date: The student's new due day, YYYY-MM-DD.
        lock_at: When submissions close for the student.
    """

    override_id: int
    assignment_id: int
    title: str
    user_id: int
    email: str
    due_at: str
    due_date: str
    lock_at: str | None


# --- rules -----------------------------------------------------------------------------------------------------


def _course(ctx: Context, course_id: int) -> dict[str, Any]:
    return ctx.table("courses").require(course_id, what="course")


def _user(ctx: Context, user_id: int) -> dict[str, Any]:
    return ctx.table("users").require(user_id, what="user")


def _assignment(ctx: Context, assignment_id: int) -> dict[str, Any]:
    return ctx.table("assignments").require(assignment_id, what="assignment")


def _open_course(ctx: Context, course: dict[str, Any], action: str) -> None:
    if course["status"] == "completed":
        raise ToolError(
            f"{course['course_code']} concluded on {course['end_date']}; it is read-only, so you cannot {action}"
        )
    if course["status"] == "unpublished":
        raise ToolError(f"{course['course_code']} is not published yet; you cannot {action}")


def _enrollment(ctx: Context, course_id: int, user_id: int) -> dict[str, Any] | None:
    for row in ctx.table("enrollments").find(course_id=course_id, user_id=user_id):
        if row["status"] in ("active", "invited"):
            return row
    return None


def _require_student(ctx: Context, course: dict[str, Any], user_id: int) -> None:
    """Refuse unless ``user_id`` has an active or invited student enrollment in ``course``."""
    student = _enrollment(ctx, course["course_id"], user_id)
    if student is None or student["role"] != "student":
        raise ToolError(f"user {user_id} is not a student in {course['course_code']}")


def _effective(ctx: Context, assignment: dict[str, Any], user_id: int | None) -> tuple[str, str | None, bool]:
    """The due and lock times that apply to a user (an override replaces the assignment's)."""
    if user_id is not None:
        override = ctx.table("overrides").first(assignment_id=assignment["assignment_id"], user_id=user_id)
        if override is not None:
            return override["due_at"], override["lock_at"], True
    return assignment["due_at"], assignment["lock_at"], False


def _new_submission(ctx: Context, assignment_id: int, user_id: int, **fields: Any) -> dict[str, Any]:
    """A student's first submission row for an assignment: ungraded, and unsubmitted unless ``fields`` say otherwise."""
    submissions = ctx.table("submissions")
    return submissions.insert(
        {
            "submission_id": next_int_id(submissions, "submission_id", 50_000_000),
            "assignment_id": assignment_id,
            "user_id": user_id,
            "attempt": 0,
            "status": "unsubmitted",
            "submitted_at": None,
            "submission_type": None,
            "body": None,
            "url": None,
            "late": False,
            "entered_score": None,
            "points_deducted": None,
            "score": None,
            "grader_id": None,
            "graded_at": None,
            "comment": None,
            **fields,
        }
    )


def _submission(row: dict[str, Any]) -> Submission:
    return cast(Submission, {key: row[key] for key in Submission.__annotations__})


def _submission_out(row: dict[str, Any] | None) -> Submission | None:
    if row is None:
        return None
    return _submission(row)


def _assignment_out(ctx: Context, row: dict[str, Any], user_id: int | None) -> Assignment:
    course = ctx.table("courses").get(row["course_id"]) or {"name": ""}
    due_at, lock_at, extended = _effective(ctx, row, user_id)
    submission = (
        ctx.table("submissions").first(assignment_id=row["assignment_id"], user_id=user_id)
        if user_id is not None
        else None
    )
    return {
        "assignment_id": row["assignment_id"],
        "course_id": row["course_id"],
        "course_name": course["name"],
        "title": row["title"],
        "description": row["description"],
        "due_at": due_at,
        "due_date": due_at[:10],
        "lock_at": lock_at,
        "points_possible": row["points_possible"],
        "submission_types": row["submission_types"],
        "allowed_attempts": row["allowed_attempts"],
        "published": row["published"],
        "has_extension": extended,
        "submission": _submission_out(submission),
    }


def _deduction(course: dict[str, Any], assignment: dict[str, Any], submission: dict[str, Any], due_at: str) -> float:
    if not submission["submitted_at"] or not submission["late"]:
        return 0.0
    late_seconds = (datetime.fromisoformat(submission["submitted_at"]) - datetime.fromisoformat(due_at)).total_seconds()
    days = max(1, math.ceil(late_seconds / 86400))
    percent: float = min(course["late_penalty_percent"] * days, course["late_penalty_cap_percent"])
    points: float = assignment["points_possible"]
    return round(points * percent / 100, 2)


def _letter(percent: float | None) -> str | None:
    if percent is None:
        return None
    return next((letter for floor, letter in LETTERS if percent >= floor), "F")


def _enrollment_out(ctx: Context, row: dict[str, Any]) -> Enrollment:
    user = ctx.table("users").get(row["user_id"]) or {"name": "", "email": ""}
    out = {
        **{key: row[key] for key in Enrollment.__annotations__ if key in row},
        "name": user["name"],
        "email": user["email"],
    }
    return cast(Enrollment, out)


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_users(
    ctx: Context,
    query: Annotated[str, Arg(min_length=2, max_length=100)],
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
) -> UserList:
    """Find users by part of their name or email.

    Args:
        query: Part of a name or email, e.g. "okafor".
        limit: Most users to return.
    """
    needle = query.strip().lower()
    found = [row for row in ctx.table("users").all() if needle in row["name"].lower() or needle in row["email"].lower()]
    found.sort(key=lambda row: (row["name"], row["user_id"]))
    return {
        "users": [cast(User, {key: row[key] for key in User.__annotations__}) for row in page(found, limit)],
        "count": len(found),
    }


@environment.tool(effect="read")
def list_courses(
    ctx: Context, user_id: int, status: Literal["available", "completed", "unpublished"] | None = None
) -> CourseList:
    """List the courses a user is enrolled in, with the user's role in each.

    Args:
        user_id: The user's id.
        status: Only courses in this state (available = running now, completed = concluded).
    """
    _user(ctx, user_id)
    entries: list[CourseEntry] = []
    for enrollment in ctx.table("enrollments").find(user_id=user_id):
        course = ctx.table("courses").get(enrollment["course_id"])
        if course is None or (status and course["status"] != status):
            continue
        entries.append(
            {
                "course_id": course["course_id"],
                "course_code": course["course_code"],
                "name": course["name"],
                "term": course["term"],
                "start_date": course["start_date"],
                "end_date": course["end_date"],
                "status": course["status"],
                "role": enrollment["role"],
                "enrollment_id": enrollment["enrollment_id"],
                "enrollment_status": enrollment["status"],
            }
        )
    entries.sort(key=lambda entry: (entry["start_date"], entry["course_code"]), reverse=True)
    return {"courses": entries, "count": len(entries)}


@environment.tool(effect="read")
def list_assignments(
    ctx: Context,
    course_id: int,
    bucket: Literal["all", "upcoming", "future", "past", "overdue", "ungraded"] = "all",
    user_id: int | None = None,
) -> AssignmentList:
    """List a course's published assignments by due date, optionally as one student sees them.

    Args:
        course_id: The course's id.
        bucket: Which assignments: all; upcoming (due in the next 7 days); future (due later); past (due
            date passed); overdue (past due and not submitted by the user); ungraded (submitted, not graded).
        user_id: A student whose extensions and submissions to apply (needed for overdue and ungraded).
    """
    _course(ctx, course_id)
    if user_id is not None:
        _user(ctx, user_id)
    elif bucket in ("overdue", "ungraded"):
        raise ToolError(f"the {bucket} bucket is per student; give user_id")
    rows = []
    for row in ctx.table("assignments").find(course_id=course_id, published=True):
        out = _assignment_out(ctx, row, user_id)
        due = datetime.fromisoformat(out["due_at"])
        submission = out["submission"]
        submitted = submission is not None and submission["status"] in ("submitted", "graded")
        keep = {
            "all": True,
            "upcoming": ctx.now <= due <= ctx.now + timedelta(days=7),
            "future": due > ctx.now,
            "past": due < ctx.now,
            "overdue": due < ctx.now and not submitted,
            "ungraded": submission is not None and submission["status"] == "submitted",
        }[bucket]
        if keep:
            rows.append(out)
    rows.sort(key=lambda row: (datetime.fromisoformat(row["due_at"]), row["assignment_id"]))
    return {"assignments": rows, "count": len(rows)}


@environment.tool(effect="read")
def get_assignment(ctx: Context, assignment_id: int, user_id: int | None = None) -> Assignment:
    """Get an assignment, with the due date, extension and submission that apply to a student if given.

    Args:
        assignment_id: The assignment's id.
        user_id: A student whose extension and submission to include.
    """
    row = _assignment(ctx, assignment_id)
    if user_id is not None:
        _user(ctx, user_id)
    return _assignment_out(ctx, row, user_id)


@environment.tool(effect="write")
def create_assignment(
    ctx: Context,
    course_id: int,
    title: Annotated[str, Arg(min_length=1, max_length=255)],
    due_at: Annotated[str, Arg(format="date-time")],
    points_possible: Annotated[float, Arg(minimum=0, maximum=1000)],
    submission_types: Annotated[list[SubmissionType], Arg(min_length=1)],
    description: Annotated[str, Arg(max_length=10000)] = "",
    lock_at: Annotated[str, Arg(format="date-time")] | None = None,
    allowed_attempts: Annotated[int, Arg(minimum=-1, maximum=100)] = -1,
) -> Assignment:
    """Create and publish an assignment in a course.

    Args:
        course_id: The course's id.
        title: The assignment's name.
        due_at: When it is due, ISO 8601 with offset (within the course's dates).
        points_possible: Points it is worth.
        submission_types: How students may submit.
        description: Instructions for students.
        lock_at: When submissions close (no earlier than due_at); leave out to accept late work until the course ends.
        allowed_attempts: How many times a student may submit (-1 for unlimited).
    """
    course = _course(ctx, course_id)
    _open_course(ctx, course, "create assignments")
    if not title.strip():
        raise ToolError("title is blank; name the assignment")
    if allowed_attempts == 0:
        raise ToolError("allowed_attempts must be -1 (unlimited) or at least 1")
    due = parse_time(due_at, "due_at")
    if not course["start_date"] <= due.date().isoformat() <= course["end_date"]:
        raise ToolError(
            f"due_at {due_at} is outside {course['course_code']}'s dates "
            f"({course['start_date']} to {course['end_date']})"
        )
    lock = parse_time(lock_at, "lock_at") if lock_at else None
    if lock is not None and lock < due:
        raise ToolError(f"lock_at {lock_at} is before due_at {due_at}; an assignment locks no earlier than it is due")
    assignments = ctx.table("assignments")
    row = assignments.insert(
        {
            "assignment_id": next_int_id(assignments, "assignment_id", 1_000_000),
            "course_id": course_id,
            "title": title.strip(),
            "description": description,
            "due_at": iso(due),
            "lock_at": iso(lock) if lock else None,
            "points_possible": float(points_possible),
            "submission_types": list(dict.fromkeys(submission_types)),
            "allowed_attempts": allowed_attempts,
            "published": True,
            "created_at": iso(ctx.now),
        }
    )
    return _assignment_out(ctx, row, None)


@environment.tool(effect="write")
def submit_assignment(
    ctx: Context,
    assignment_id: int,
    user_id: int,
    submission_type: SubmissionType,
    body: Annotated[str, Arg(max_length=50000)] | None = None,
    url: Annotated[str, Arg(max_length=2000)] | None = None,
    file_name: Annotated[str, Arg(max_length=255)] | None = None,
) -> Submission:
    """Submit (or resubmit) a student's work for an assignment.

    Args:
        assignment_id: The assignment's id.
        user_id: The submitting student's id.
        submission_type: How the work is submitted.
        body: The text, for online_text_entry.
        url: The link, for online_url.
        file_name: The uploaded file's name, for online_upload.
    """
    assignment = _assignment(ctx, assignment_id)
    course = _course(ctx, assignment["course_id"])
    _open_course(ctx, course, "submit")
    _user(ctx, user_id)
    enrollment = _enrollment(ctx, course["course_id"], user_id)
    if enrollment is None or enrollment["role"] != "student" or enrollment["status"] != "active":
        raise ToolError(f"user {user_id} has no active student enrollment in {course['course_code']}")
    if not assignment["published"]:
        raise ToolError(f"assignment {assignment_id} is not published")
    if submission_type not in assignment["submission_types"]:
        raise ToolError(
            f"{assignment['title']} accepts {', '.join(assignment['submission_types'])}; not {submission_type}"
        )
    content = {"online_text_entry": body, "online_url": url, "online_upload": file_name}[submission_type]
    if not content or not content.strip():
        needed = {"online_text_entry": "body", "online_url": "url", "online_upload": "file_name"}[submission_type]
        raise ToolError(f"a {submission_type} submission needs {needed}")
    if submission_type == "online_url" and not content.startswith(("http://", "https://")):
        raise ToolError(f"url {content!r} must start with http:// or https://")
    due_at, lock_at, _ = _effective(ctx, assignment, user_id)
    if lock_at and ctx.now > datetime.fromisoformat(lock_at):
        raise ToolError(f"{assignment['title']} locked at {lock_at}; it no longer accepts submissions")
    existing = ctx.table("submissions").first(assignment_id=assignment_id, user_id=user_id)
    attempt = (existing["attempt"] if existing else 0) + 1
    if assignment["allowed_attempts"] != -1 and attempt > assignment["allowed_attempts"]:
        raise ToolError(f"{assignment['title']} allows {assignment['allowed_attempts']} attempt(s); all are used")
    fields = {
        "attempt": attempt,
        "status": "submitted",
        "submitted_at": iso(ctx.now),
        "submission_type": submission_type,
        "body": body if submission_type == "online_text_entry" else None,
        "url": url if submission_type == "online_url" else (file_name if submission_type == "online_upload" else None),
        "late": ctx.now > datetime.fromisoformat(due_at),
    }
    if existing:
        row = ctx.table("submissions").update(existing["submission_id"], fields)
    else:
        row = _new_submission(ctx, assignment_id, user_id, **fields)
    return _submission(row)


@environment.tool(effect="write")
def grade_submission(
    ctx: Context,
    assignment_id: int,
    user_id: int,
    score: Annotated[float, Arg(minimum=0, maximum=1000)],
    grader_id: int,
    comment: Annotated[str, Arg(max_length=5000)] | None = None,
) -> Submission:
    """Grade a student's work on an assignment; the course's late penalty is applied to late work.

    Args:
        assignment_id: The assignment's id.
        user_id: The student being graded.
        score: Points awarded before any late penalty (0 to the points possible).
        grader_id: The teacher or TA grading.
        comment: Feedback for the student.
    """
    assignment = _assignment(ctx, assignment_id)
    course = _course(ctx, assignment["course_id"])
    _open_course(ctx, course, "change grades")
    grader = _enrollment(ctx, course["course_id"], grader_id)
    if grader is None or grader["role"] not in ("teacher", "ta") or grader["status"] != "active":
        raise ToolError(f"user {grader_id} is not a teacher or TA of {course['course_code']} and cannot grade")
    _require_student(ctx, course, user_id)
    if score > assignment["points_possible"]:
        raise ToolError(
            f"{assignment['title']} is worth {assignment['points_possible']:g} points; {score:g} is too many"
        )
    submissions = ctx.table("submissions")
    existing = submissions.first(assignment_id=assignment_id, user_id=user_id)
    if existing is None:
        existing = _new_submission(ctx, assignment_id, user_id)
    due_at, _, _ = _effective(ctx, assignment, user_id)
    deducted = _deduction(course, assignment, existing, due_at)
    row = submissions.update(
        existing["submission_id"],
        {
            "status": "graded",
            "entered_score": float(score),
            "points_deducted": deducted,
            "score": round(max(0.0, score - deducted), 2),
            "grader_id": grader_id,
            "graded_at": iso(ctx.now),
            "comment": comment,
        },
    )
    return _submission(row)


@environment.tool(effect="write")
def grant_extension(
    ctx: Context,
    assignment_id: int,
    user_id: int,
    due_at: Annotated[str, Arg(format="date-time")],
) -> Extension:
    """Give one student a later due date for an assignment (an assignment override).

    Args:
        assignment_id: The assignment's id.
        user_id: The student getting the extension.
        due_at: The student's new due time, ISO 8601 with offset (after the assignment's due date).
    """
    assignment = _assignment(ctx, assignment_id)
    course = _course(ctx, assignment["course_id"])
    _open_course(ctx, course, "grant extensions")
    _require_student(ctx, course, user_id)
    new_due = parse_time(due_at, "due_at")
    if new_due <= datetime.fromisoformat(assignment["due_at"]):
        raise ToolError(
            f"{due_at} is not after the assignment's due date {assignment['due_at']}; an extension must be later"
        )
    if new_due.date() > date.fromisoformat(course["end_date"]):
        raise ToolError(f"{due_at} is after {course['course_code']} ends ({course['end_date']})")
    lock = assignment["lock_at"]
    if lock and datetime.fromisoformat(lock) < new_due:
        lock = iso(new_due)
    overrides = ctx.table("overrides")
    existing = overrides.first(assignment_id=assignment_id, user_id=user_id)
    fields = {"due_at": iso(new_due), "lock_at": lock}
    if existing:
        row = overrides.update(existing["override_id"], fields)
    else:
        row = overrides.insert(
            {
                "override_id": next_int_id(overrides, "override_id", 900_000),
                "assignment_id": assignment_id,
                "user_id": user_id,
                **fields,
            }
        )
    user = _user(ctx, user_id)
    return {
        "override_id": row["override_id"],
        "assignment_id": assignment_id,
        "title": assignment["title"],
        "user_id": user_id,
        "email": user["email"],
        "due_at": row["due_at"],
        "due_date": row["due_at"][:10],
        "lock_at": row["lock_at"],
    }


@environment.tool(effect="read")
def get_grades(ctx: Context, course_id: int, user_id: int) -> Grades:
    """Get a student's grades in a course: each assignment's score, the current and final percentages.

    Args:
        course_id: The course's id.
        user_id: The student's id.
    """
    course = _course(ctx, course_id)
    user = _user(ctx, user_id)
    enrollment = next(iter(ctx.table("enrollments").find(course_id=course_id, user_id=user_id, role="student")), None)
    if enrollment is None:
        raise ToolError(f"user {user_id} is not a student in {course['course_code']}")
    lines: list[GradeLine] = []
    graded_points = graded_possible = final_points = final_possible = 0.0
    for assignment in ctx.table("assignments").find(course_id=course_id, published=True):
        submission = ctx.table("submissions").first(assignment_id=assignment["assignment_id"], user_id=user_id)
        due_at, _, _ = _effective(ctx, assignment, user_id)
        score = submission["score"] if submission and submission["status"] == "graded" else None
        if score is not None:
            graded_points += score
            graded_possible += assignment["points_possible"]
        if score is not None or datetime.fromisoformat(due_at) < ctx.now:
            final_points += score or 0.0
            final_possible += assignment["points_possible"]
        if submission is None or (submission["status"] == "unsubmitted" and score is None):
            status = "missing" if datetime.fromisoformat(due_at) < ctx.now else "not yet due"
        else:
            status = submission["status"]
        lines.append(
            {
                "assignment_id": assignment["assignment_id"],
                "title": assignment["title"],
                "points_possible": assignment["points_possible"],
                "score": score,
                "status": status,
            }
        )
    current = round(graded_points / graded_possible * 100, 2) if graded_possible else None
    final = round(final_points / final_possible * 100, 2) if final_possible else 0.0
    return {
        "course_id": course_id,
        "user_id": user_id,
        "name": user["name"],
        "email": user["email"],
        "current_score": current,
        "final_score": final,
        "letter_grade": _letter(current),
        "assignments": lines,
    }


@environment.tool(effect="write")
def enroll_user(
    ctx: Context, course_id: int, user_id: int, role: Literal["student", "teacher", "ta"] = "student"
) -> Enrollment:
    """Enroll a user in a course as a student, teacher or TA.

    Args:
        course_id: The course's id.
        user_id: The user to enroll.
        role: The user's role in the course.
    """
    course = _course(ctx, course_id)
    _open_course(ctx, course, "enroll users")
    _user(ctx, user_id)
    current = _enrollment(ctx, course_id, user_id)
    if current is not None:
        raise ToolError(
            f"user {user_id} is already enrolled in {course['course_code']} as {current['role']} "
            f"(enrollment {current['enrollment_id']})"
        )
    enrollments = ctx.table("enrollments")
    row = enrollments.insert(
        {
            "enrollment_id": next_int_id(enrollments, "enrollment_id", 200_000),
            "course_id": course_id,
            "user_id": user_id,
            "role": role,
            "status": "active",
            "created_at": iso(ctx.now),
        }
    )
    return _enrollment_out(ctx, row)


# --- seed ------------------------------------------------------------------------------------------------------

# code, name, assignment titles
COURSES = (
    ("CS 161", "Design and Analysis of Algorithms",
     ("Problem Set 1: Asymptotics", "Problem Set 2: Divide and Conquer", "Problem Set 3: Graph Search",
      "Midterm Project Proposal", "Problem Set 4: Dynamic Programming", "Final Project Report")),
    ("STAT 110", "Probability",
     ("Homework 1: Counting", "Homework 2: Conditional Probability", "Homework 3: Random Variables",
      "Homework 4: Expectation", "Data Analysis Mini-Project")),
    ("BIO 220", "Genetics and Genomics",
     ("Lab Report: Mendelian Crosses", "Reading Response: Gene Regulation", "Lab Report: PCR and Gel Electrophoresis",
      "Genome Browser Exercise", "Term Paper Outline")),
    ("ECON 101", "Principles of Microeconomics",
     ("Problem Set 1: Supply and Demand", "Policy Memo: Rent Control", "Problem Set 2: Elasticity",
      "Problem Set 3: Market Structure", "Case Study: Minimum Wage")),
    ("PSYCH 230", "Cognitive Psychology",
     ("Experiment Write-up: Stroop Task", "Reading Response: Working Memory", "Literature Review Draft",
      "Replication Proposal")),
    ("ENVS 210", "Climate and Society",
     ("Reflection: Personal Carbon Footprint", "Data Exercise: Temperature Records", "Policy Brief Draft",
      "Group Presentation Slides", "Final Policy Brief")),
    ("HIST 145", "The Atlantic World, 1500-1800",
     ("Primary Source Analysis 1", "Map Exercise: Trade Routes", "Primary Source Analysis 2",
      "Research Essay Proposal")),
)  # fmt: skip
DESCRIPTIONS = (
    "Show all work. Typeset solutions are preferred.",
    "Submit a PDF or a link to a shared document. Cite every source you use.",
    "Work in pairs is allowed; list your partner's name at the top.",
    "Maximum 1,500 words. Use the template on the course page.",
)
FALL_START, FALL_END = date(2025, 9, 2), date(2025, 12, 12)
SUMMER_START, SUMMER_END = date(2025, 6, 2), date(2025, 8, 8)


def _eastern(day: date, hour: int, minute: int) -> datetime:
    """A US Eastern local time (daylight time until 2 November 2025, standard time after)."""
    offset = "-04:00" if day < date(2025, 11, 2) else "-05:00"
    return datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:{minute:02d}:00{offset}")


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    people = fake.people(ctx.shared("people"), ctx.size)
    user_ids = rng.sample(range(100_000, 999_999), len(people))
    users = [
        {"user_id": user_id, "name": person.full_name, "email": person.email}
        for person, user_id in zip(people, user_ids, strict=True)
    ]
    teachers, students = users[:2], users[2:]
    ta = students[0] if students else None
    course_rows: list[dict[str, Any]] = []
    enrollments: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    submissions: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    enrollment_id = 150_000 + rng.randint(0, 9_000)
    assignment_id = 700_000 + rng.randint(0, 90_000)
    submission_id = 40_000_000 + rng.randint(0, 900_000)
    picked = rng.sample(COURSES, min(len(COURSES), max(3, ctx.size // 3)))
    for index, (code, name, titles) in enumerate(picked):
        concluded = index == len(picked) - 1 and len(picked) > 2
        start, end = (SUMMER_START, SUMMER_END) if concluded else (FALL_START, FALL_END)
        course_id = rng.randint(40_000, 59_999)
        while any(row["course_id"] == course_id for row in course_rows):
            course_id = rng.randint(40_000, 59_999)
        course_rows.append(
            {
                "course_id": course_id,
                "course_code": code,
                "name": name,
                "term": "Summer 2025" if concluded else "Fall 2025",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "status": "completed" if concluded else "available",
                "late_penalty_percent": rng.choice((5.0, 10.0, 10.0, 20.0)),
                "late_penalty_cap_percent": rng.choice((30.0, 50.0, 100.0)),
            }
        )
        teacher = teachers[index % len(teachers)]
        roster = rng.sample(students[1:] or students, min(len(students[1:] or students), rng.randint(3, 7)))
        members = (
            [(teacher, "teacher")] + ([(ta, "ta")] if ta and index == 0 else []) + [(s, "student") for s in roster]
        )
        for user, role in members:
            enrollment_id += rng.randint(1, 40)
            enrollments.append(
                {
                    "enrollment_id": enrollment_id,
                    "course_id": course_id,
                    "user_id": user["user_id"],
                    "role": role,
                    "status": "completed" if concluded else "active",
                    "created_at": iso(_eastern(start - timedelta(days=rng.randint(3, 30)), 9, 0)),
                }
            )
        span = (end - start).days
        for number, title in enumerate(titles):
            due_day = start + timedelta(days=int(span * (number + 1) / (len(titles) + 1)) + rng.randint(-3, 3))
            due = _eastern(due_day, 23, 59)
            lock = _eastern(due_day + timedelta(days=rng.choice((2, 3, 7))), 23, 59) if rng.random() < 0.5 else None
            assignment_id += rng.randint(1, 500)
            points = float(rng.choice((10, 20, 25, 50, 100)))
            kinds = rng.choice(
                (
                    ["online_upload"],
                    ["online_text_entry"],
                    ["online_upload", "online_url"],
                    ["online_text_entry", "online_upload"],
                )
            )
            assignments.append(
                {
                    "assignment_id": assignment_id,
                    "course_id": course_id,
                    "title": title,
                    "description": rng.choice(DESCRIPTIONS),
                    "due_at": iso(due),
                    "lock_at": iso(lock) if lock else None,
                    "points_possible": points,
                    "submission_types": kinds,
                    "allowed_attempts": rng.choice((-1, -1, 1, 2, 3)),
                    "published": rng.random() > 0.05 or concluded,
                    "created_at": iso(_eastern(start - timedelta(days=2), 10, 0)),
                }
            )
            for student in roster:
                if due > ctx.now and rng.random() > 0.15:
                    continue  # most future work is not handed in yet
                if due <= ctx.now and rng.random() < 0.1:
                    continue  # missing
                late = rng.random() < 0.15
                submitted = (
                    due + timedelta(hours=rng.randint(1, 40)) if late else due - timedelta(hours=rng.randint(1, 72))
                )
                if submitted > ctx.now:
                    submitted = ctx.now - timedelta(hours=rng.randint(1, 12))
                    late = submitted > due
                graded = submitted < ctx.now - timedelta(days=3) and rng.random() < 0.85
                entered = round(points * rng.uniform(0.55, 1.0), 1) if graded else None
                deducted = 0.0
                if graded and late:
                    course = course_rows[-1]
                    days = max(1, math.ceil((submitted - due).total_seconds() / 86400))
                    percent = min(course["late_penalty_percent"] * days, course["late_penalty_cap_percent"])
                    deducted = round(points * percent / 100, 2)
                kind = kinds[0]
                submission_id += rng.randint(1, 900)
                submissions.append(
                    {
                        "submission_id": submission_id,
                        "assignment_id": assignment_id,
                        "user_id": student["user_id"],
                        "attempt": 1,
                        "status": "graded" if graded else "submitted",
                        "submitted_at": iso(submitted),
                        "submission_type": kind,
                        "body": "See my answers below." if kind == "online_text_entry" else None,
                        "url": None if kind == "online_text_entry" else f"{fake.slug(title)[:40]}.pdf",
                        "late": late,
                        "entered_score": entered,
                        "points_deducted": deducted if graded else None,
                        "score": round(max(0.0, entered - deducted), 2) if graded and entered is not None else None,
                        "grader_id": teacher["user_id"] if graded else None,
                        "graded_at": iso(submitted + timedelta(days=rng.randint(2, 6))) if graded else None,
                        "comment": rng.choice(("Nice work.", "See comments in the margin.", None)) if graded else None,
                    }
                )
    # One student has an extension on an upcoming assignment of a running course.
    course_rows_by_id = {row["course_id"]: row for row in course_rows}
    running = [
        row
        for row in assignments
        if datetime.fromisoformat(row["due_at"]) > ctx.now
        and course_rows_by_id[row["course_id"]]["status"] == "available"
    ]
    if running:
        target = rng.choice(running)
        roster_ids = [
            row["user_id"]
            for row in enrollments
            if row["course_id"] == target["course_id"] and row["role"] == "student"
        ]
        if roster_ids:
            new_due = datetime.fromisoformat(target["due_at"]) + timedelta(days=rng.choice((2, 3, 5)))
            new_lock = target["lock_at"]
            if new_lock and datetime.fromisoformat(new_lock) < new_due:
                new_lock = iso(new_due)
            overrides.append(
                {
                    "override_id": 900_000 + rng.randint(0, 9_999),
                    "assignment_id": target["assignment_id"],
                    "user_id": rng.choice(roster_ids),
                    "due_at": iso(new_due),
                    "lock_at": new_lock,
                }
            )
    return {
        "users": users,
        "courses": course_rows,
        "enrollments": enrollments,
        "assignments": assignments,
        "overrides": overrides,
        "submissions": submissions,
    }
