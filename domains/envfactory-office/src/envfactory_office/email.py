"""Email: a mailbox with messages in threads, labels, drafts, search and sending limits.

Modelled on the Gmail API (users.messages list/get/send/modify/trash, users.drafts create/send,
users.labels list/create) and Gmail's search operators (from:, to:, subject:, label:, is:, in:,
has:attachment, after:, before:). The mailbox belongs to the account owner.
"""

from __future__ import annotations

import shlex
from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import HEX, NOW, check_email, iso, new_token, owner, require_text, seed_people, seed_token

__all__ = ["environment"]

MAX_RECIPIENTS = 100
DAILY_SEND_LIMIT = 500
MAX_LABEL_NAME = 225
SNIPPET_CHARS = 120
SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "DRAFT",
    "STARRED",
    "IMPORTANT",
    "UNREAD",
    "TRASH",
    "SPAM",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
)
NOT_MODIFIABLE = ("SENT", "DRAFT", "TRASH")
HIDDEN_BY_DEFAULT = ("TRASH", "SPAM")
OPERATORS = ("from", "to", "cc", "subject", "label", "is", "in", "has", "after", "before")

POLICY = f"""\
Mailbox rules

- A message goes to at most {MAX_RECIPIENTS} recipients (to and cc together); every address must be a valid
  email address.
- At most {DAILY_SEND_LIMIT} messages can be sent in any 24 hours (messages and drafts sent); beyond that sending is
  refused until older messages leave the window.
- Replies (reply_to_message_id) join the original message's thread; "Re: " is added to the subject when missing.
- SENT, DRAFT and TRASH are set by the mailbox itself: they cannot be added or removed with modify_message_labels
  (use trash_message to move a message to the trash). Other labels must exist (see list_labels).
- A message already in the trash cannot be trashed again.
- Label names are unique (ignoring case), at most {MAX_LABEL_NAME} characters, and cannot be a system label's name.
- Search leaves out messages in Trash and Spam unless the query asks for them (in:trash, in:spam, in:anywhere) or
  label_id is TRASH or SPAM.
"""

environment = Environment(
    name="email",
    domain="office",
    description=(
        "An email mailbox after the Gmail API (users.messages list/get/send/modify/trash, users.drafts "
        "create/send, users.labels list/create) with Gmail search operators: messages in threads, "
        "labels, drafts, replies and daily sending limits."
    ),
    tables=[
        table("profile", primary_key="email", email=str, name=str),
        table("labels", primary_key="label_id", label_id=str, name=str, type=str, color=str | None),
        table(
            "messages",
            primary_key="message_id",
            message_id=str,
            thread_id=str,
            sender_email=str,
            sender_name=str,
            recipient_emails=list,
            cc_emails=list,
            subject=str,
            body=str,
            label_ids=list,
            has_attachment=bool,
            created_at=str,
        ),
        table(
            "drafts",
            primary_key="draft_id",
            draft_id=str,
            thread_id=str | None,
            recipient_emails=list,
            cc_emails=list,
            subject=str,
            body=str,
            created_at=str,
            updated_at=str,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Gmail API: users.messages, users.drafts, users.labels; Gmail search operators",
        url="https://developers.google.com/gmail/api/reference/rest",
    ),
)


# --- output shapes ---------------------------------------------------------------------------------


class MessageSummary(TypedDict):
    """An email message.

    Args:
        sender_email: Email address of the sender.
        recipient_emails: Email addresses the message was sent to.
        created_at: When the message was sent or received.
    """

    message_id: str
    thread_id: str
    sender_email: str
    sender_name: str
    recipient_emails: list[str]
    subject: str
    snippet: str
    label_ids: list[str]
    is_unread: bool
    has_attachment: bool
    created_at: str


class Message(MessageSummary):
    """An email message with its body.

    Args:
        sender_email: Email address of the sender.
        recipient_emails: Email addresses the message was sent to.
        cc_emails: Email addresses copied.
        created_at: When the message was sent or received.
    """

    cc_emails: list[str]
    body: str


class MessageList(TypedDict):
    messages: list[MessageSummary]
    count: int


class Draft(TypedDict):
    draft_id: str
    thread_id: str | None
    recipient_emails: list[str]
    cc_emails: list[str]
    subject: str
    body: str
    created_at: str
    updated_at: str


class Label(TypedDict):
    label_id: str
    name: str
    type: str
    color: str | None
    messages_total: int
    messages_unread: int


class LabelList(TypedDict):
    labels: list[Label]
    count: int


# --- rules -----------------------------------------------------------------------------------------


def _summary(row: dict[str, Any]) -> MessageSummary:
    body = " ".join(row["body"].split())
    return {
        "message_id": row["message_id"],
        "thread_id": row["thread_id"],
        "sender_email": row["sender_email"],
        "sender_name": row["sender_name"],
        "recipient_emails": list(row["recipient_emails"]),
        "subject": row["subject"],
        "snippet": body[:SNIPPET_CHARS],
        "label_ids": list(row["label_ids"]),
        "is_unread": "UNREAD" in row["label_ids"],
        "has_attachment": row["has_attachment"],
        "created_at": row["created_at"],
    }


def _full(row: dict[str, Any]) -> Message:
    return {**_summary(row), "cc_emails": list(row["cc_emails"]), "body": row["body"]}


def _label_name_key(name: str) -> str:
    """Gmail's spelling of a label in queries: lowercase, spaces and slashes as dashes."""
    return name.strip().lower().replace(" ", "-").replace("/", "-")


def _query_date(value: str, operator: str) -> str:
    try:
        return date.fromisoformat(value.replace("/", "-")).isoformat()
    except ValueError:
        raise ToolError(f"{operator}:{value} is not a date; write {operator}:2025/06/01") from None


def _matcher(ctx: Context, query: str) -> tuple[list[Any], bool]:
    """Predicates for a Gmail-style query, and whether it asks for Trash or Spam explicitly."""
    try:
        terms = shlex.split(query)
    except ValueError:
        raise ToolError(f"query {query!r} has an unclosed quote") from None
    labels = {_label_name_key(row["name"]): row["label_id"] for row in ctx.table("labels").all()}
    labels.update({row["label_id"].lower(): row["label_id"] for row in ctx.table("labels").all()})
    checks: list[Any] = []
    reaches_hidden = False
    for term in terms:
        operator, colon, value = term.partition(":")
        operator = operator.lower()
        if not colon or operator not in OPERATORS:
            needle = term.lower()
            checks.append(
                lambda m, n=needle: (
                    n in m["subject"].lower()
                    or n in m["body"].lower()
                    or n in m["sender_email"]
                    or n in m["sender_name"].lower()
                )
            )
            continue
        value = value.lower()
        if operator == "from":
            checks.append(lambda m, v=value: v in m["sender_email"] or v in m["sender_name"].lower())
        elif operator in ("to", "cc"):
            column = "recipient_emails" if operator == "to" else "cc_emails"
            checks.append(lambda m, v=value, c=column: any(v in address for address in m[c]))
        elif operator == "subject":
            checks.append(lambda m, v=value: v in m["subject"].lower())
        elif operator in ("label", "in"):
            if operator == "in" and value == "anywhere":
                reaches_hidden = True
                continue
            label_id = labels.get(_label_name_key(value)) or (value.upper() if value.upper() in SYSTEM_LABELS else None)
            if label_id is None:
                raise ToolError(f"no label {value!r}; list_labels shows the labels of this mailbox")
            reaches_hidden = reaches_hidden or label_id in HIDDEN_BY_DEFAULT
            checks.append(lambda m, label=label_id: label in m["label_ids"])
        elif operator == "is":
            flags = {
                "unread": ("UNREAD", True),
                "read": ("UNREAD", False),
                "starred": ("STARRED", True),
                "important": ("IMPORTANT", True),
            }
            if value not in flags:
                raise ToolError(f"is:{value} is not supported; use is:unread, is:read, is:starred or is:important")
            label, wanted = flags[value]
            checks.append(lambda m, label=label, wanted=wanted: (label in m["label_ids"]) == wanted)
        elif operator == "has":
            if value != "attachment":
                raise ToolError(f"has:{value} is not supported; use has:attachment")
            checks.append(lambda m: m["has_attachment"])
        else:
            day = _query_date(value, operator)
            if operator == "after":
                checks.append(lambda m, d=day: m["created_at"][:10] >= d)
            else:
                checks.append(lambda m, d=day: m["created_at"][:10] < d)
    return checks, reaches_hidden


def _recipients(recipient_email: str, cc_emails: list[str] | None) -> tuple[list[str], list[str]]:
    to = [check_email(recipient_email, "recipient_email")]
    cc = [check_email(address, "cc_emails") for address in cc_emails or []]
    cc = [address for address in dict.fromkeys(cc) if address not in to]
    if len(to) + len(cc) > MAX_RECIPIENTS:
        raise ToolError(f"a message goes to at most {MAX_RECIPIENTS} recipients; this one has {len(to) + len(cc)}")
    return to, cc


def _reply_context(ctx: Context, reply_to_message_id: str | None, subject: str) -> tuple[str | None, str]:
    if reply_to_message_id is None:
        return None, subject
    original = ctx.table("messages").require(reply_to_message_id, what="message")
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return original["thread_id"], subject


def _send(ctx: Context, to: list[str], cc: list[str], subject: str, body: str, thread_id: str | None) -> dict[str, Any]:
    me = owner(ctx)
    window_start = ctx.now - timedelta(hours=24)
    sent_recently = sum(
        1
        for row in ctx.table("messages").all()
        if "SENT" in row["label_ids"] and datetime.fromisoformat(row["created_at"]) > window_start
    )
    if sent_recently >= DAILY_SEND_LIMIT:
        raise ToolError(f"the sending limit of {DAILY_SEND_LIMIT} messages in 24 hours is reached; try again later")
    message_id = new_token(ctx, "msg", 16, HEX)
    labels = ["SENT"]
    if me["email"] in to or me["email"] in cc:
        labels += ["INBOX", "UNREAD"]
    return ctx.table("messages").insert(
        {
            "message_id": message_id,
            "thread_id": thread_id or message_id,
            "sender_email": me["email"],
            "sender_name": me["name"],
            "recipient_emails": to,
            "cc_emails": cc,
            "subject": subject,
            "body": body,
            "label_ids": labels,
            "has_attachment": False,
            "created_at": iso(ctx.now),
        }
    )


# --- tools -----------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_messages(
    ctx: Context,
    query: Annotated[str, Arg(max_length=500)] | None = None,
    label_id: str | None = None,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, mask=True)] = 0,
) -> MessageList:
    """Messages matching a Gmail-style query, newest first (Trash and Spam only when asked for).

    Args:
        query: Gmail search, e.g. 'from:lena is:unread', 'subject:"invoice" after:2025/06/01', 'label:travel'.
            Supported operators: from:, to:, cc:, subject:, label:, is:(unread|read|starred|important),
            in:(inbox|sent|trash|spam|anywhere), has:attachment, after:, before:; other words match the
            subject, body and sender.
        label_id: Only messages with this label id (see list_labels), e.g. "INBOX" or "Label_3".
        limit: At most this many messages.
        offset: Skip this many messages (for paging).
    """
    checks, reaches_hidden = _matcher(ctx, query) if query else ([], False)
    if label_id is not None:
        ctx.table("labels").require(label_id, what="label")
        reaches_hidden = reaches_hidden or label_id in HIDDEN_BY_DEFAULT
    found: list[dict[str, Any]] = []
    for row in ctx.table("messages").all():
        if label_id is not None and label_id not in row["label_ids"]:
            continue
        if not reaches_hidden and any(label in row["label_ids"] for label in HIDDEN_BY_DEFAULT):
            continue
        if all(check(row) for check in checks):
            found.append(row)
    found.sort(key=lambda row: (datetime.fromisoformat(row["created_at"]), row["message_id"]), reverse=True)
    return {"messages": [_summary(row) for row in page(found, limit, offset)], "count": len(found)}


@environment.tool(effect="read")
def get_message(ctx: Context, message_id: str) -> Message:
    """A message in full: sender, recipients, subject, body and labels.

    Args:
        message_id: The message's id, from search_messages.
    """
    return _full(ctx.table("messages").require(message_id, what="message"))


@environment.tool(effect="write")
def send_message(
    ctx: Context,
    recipient_email: str,
    subject: Annotated[str, Arg(max_length=998)],
    body: Annotated[str, Arg(max_length=50000)],
    cc_emails: list[str] | None = None,
    reply_to_message_id: str | None = None,
) -> Message:
    """Send an email now; returns the sent message (labelled SENT).

    Args:
        recipient_email: The main recipient's email address.
        subject: The subject line.
        body: The message text.
        cc_emails: Email addresses to copy.
        reply_to_message_id: The message this replies to; the reply joins its thread.
    """
    to, cc = _recipients(recipient_email, cc_emails)
    thread_id, subject = _reply_context(ctx, reply_to_message_id, subject.strip())
    return _full(_send(ctx, to, cc, subject, body, thread_id))


@environment.tool(effect="write")
def create_draft(
    ctx: Context,
    recipient_email: str,
    subject: Annotated[str, Arg(max_length=998)],
    body: Annotated[str, Arg(max_length=50000)],
    cc_emails: list[str] | None = None,
    reply_to_message_id: str | None = None,
) -> Draft:
    """Save a draft to send later with send_draft.

    Args:
        recipient_email: The main recipient's email address.
        subject: The subject line.
        body: The message text.
        cc_emails: Email addresses to copy.
        reply_to_message_id: The message this replies to; the reply joins its thread.
    """
    to, cc = _recipients(recipient_email, cc_emails)
    thread_id, subject = _reply_context(ctx, reply_to_message_id, subject.strip())
    digits = new_token(ctx, "draft", 19, "0123456789")
    return ctx.table("drafts").insert(  # type: ignore[return-value]
        {
            "draft_id": f"r{digits}",
            "thread_id": thread_id,
            "recipient_emails": to,
            "cc_emails": cc,
            "subject": subject,
            "body": body,
            "created_at": iso(ctx.now),
            "updated_at": iso(ctx.now),
        }
    )


@environment.tool(effect="write")
def send_draft(ctx: Context, draft_id: str) -> Message:
    """Send a saved draft; the draft is removed and the sent message returned.

    Args:
        draft_id: The draft's id, from create_draft.
    """
    draft = ctx.table("drafts").require(draft_id, what="draft")
    if not draft["recipient_emails"]:
        raise ToolError(f"draft {draft_id} has no recipient")
    sent = _send(
        ctx, draft["recipient_emails"], draft["cc_emails"], draft["subject"], draft["body"], draft["thread_id"]
    )
    ctx.table("drafts").delete(draft_id)
    return _full(sent)


@environment.tool(effect="write")
def modify_message_labels(
    ctx: Context,
    message_id: str,
    add_label_ids: list[str] | None = None,
    remove_label_ids: list[str] | None = None,
) -> Message:
    """Add or remove labels on a message: mark read (remove UNREAD), star, archive (remove INBOX), file under a label.

    Args:
        message_id: The message to change.
        add_label_ids: Label ids to add, e.g. ["STARRED", "Label_2"].
        remove_label_ids: Label ids to remove, e.g. ["UNREAD"] to mark as read or ["INBOX"] to archive.
    """
    row = ctx.table("messages").require(message_id, what="message")
    adding = list(dict.fromkeys(add_label_ids or []))
    removing = list(dict.fromkeys(remove_label_ids or []))
    if not adding and not removing:
        raise ToolError("give add_label_ids, remove_label_ids or both")
    for label_id in (*adding, *removing):
        if label_id in NOT_MODIFIABLE:
            hint = "; use trash_message" if label_id == "TRASH" else ""
            raise ToolError(f"label {label_id} is set by the mailbox and cannot be added or removed{hint}")
        ctx.table("labels").require(label_id, what="label")
    both = set(adding) & set(removing)
    if both:
        raise ToolError(f"label {sorted(both)[0]} is both added and removed")
    labels = [label for label in row["label_ids"] if label not in removing]
    labels += [label for label in adding if label not in labels]
    return _full(ctx.table("messages").update(message_id, {"label_ids": labels}))


@environment.tool(effect="write")
def trash_message(ctx: Context, message_id: str) -> Message:
    """Move a message to the trash (it leaves the inbox and search results).

    Args:
        message_id: The message to trash.
    """
    row = ctx.table("messages").require(message_id, what="message")
    if "TRASH" in row["label_ids"]:
        raise ToolError(f"message {message_id} is already in the trash")
    labels = [label for label in row["label_ids"] if label not in ("INBOX", "UNREAD")] + ["TRASH"]
    return _full(ctx.table("messages").update(message_id, {"label_ids": labels}))


@environment.tool(effect="read")
def list_labels(ctx: Context) -> LabelList:
    """The mailbox's system and user labels with how many messages carry each, and how many are unread."""
    messages = ctx.table("messages").all()
    labels: list[Label] = []
    for row in ctx.table("labels").all(order_by=["type", "name"]):
        tagged = [message for message in messages if row["label_id"] in message["label_ids"]]
        labels.append(
            {
                "label_id": row["label_id"],
                "name": row["name"],
                "type": row["type"],
                "color": row["color"],
                "messages_total": len(tagged),
                "messages_unread": sum(1 for message in tagged if "UNREAD" in message["label_ids"]),
            }
        )
    return {"labels": labels, "count": len(labels)}


@environment.tool(effect="write")
def create_label(
    ctx: Context, name: str, color: Annotated[str, Arg(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
) -> Label:
    """Create a user label (nest it with a slash, e.g. "Clients/Northwind").

    Args:
        name: The label's name.
        color: Background colour as #rrggbb.
    """
    text = require_text(name, "name", max_length=MAX_LABEL_NAME).strip("/")
    if not text:
        raise ToolError("name must contain more than slashes")
    if text.upper() in SYSTEM_LABELS:
        raise ToolError(f"{text!r} is a system label's name; choose another name")
    for row in ctx.table("labels").all():
        if row["name"].lower() == text.lower():
            raise ToolError(f"a label named {row['name']!r} already exists ({row['label_id']})")
    number = 1 + max((int(row["label_id"].split("_")[1]) for row in ctx.table("labels").find(type="user")), default=0)
    row = ctx.table("labels").insert({"label_id": f"Label_{number}", "name": text, "type": "user", "color": color})
    return {**row, "messages_total": 0, "messages_unread": 0}  # type: ignore[typeddict-item]


# --- seed ------------------------------------------------------------------------------------------

_USER_LABELS = ("Receipts", "Travel", "Clients/Northwind", "Family", "Newsletters", "Hiring", "Projects/Atlas")
_COLORS = ("#fb4c2f", "#16a766", "#4a86e8", "#a479e2", "#ffad47", "#43d692")

# (subject, body, labels, has attachment); {first} is the recipient's first name, {sender} the sender's.
_COLLEAGUE_MAIL: tuple[tuple[str, str, list[str], bool], ...] = (
    (
        "Notes from today's {topic} review",
        "Hi {first},\n\nThanks for joining the {topic} review. The main decisions: we keep the June scope, "
        "move the data export to July, and {sender} owns the rollout checklist.\n\nBest,\n{sender}",
        ["IMPORTANT"],
        False,
    ),
    (
        "Can you look at the {topic} draft?",
        "Hi {first},\n\nI've put the {topic} draft in the shared folder. Could you leave comments by Thursday? "
        "Section 3 still needs numbers.\n\nThanks,\n{sender}",
        [],
        False,
    ),
    (
        "Quick question about the {topic} budget",
        "Hi {first},\n\nDo we still have room in the {topic} budget for two more contractor weeks? Finance asked "
        "for an answer before Friday.\n\n{sender}",
        ["IMPORTANT"],
        False,
    ),
    (
        "Slides for Thursday",
        "Hi {first},\n\nAttached are the slides for Thursday's {topic} session. Let me know if anything is "
        "missing.\n\nCheers,\n{sender}",
        [],
        True,
    ),
    (
        "Lunch next week?",
        "Hey {first},\n\nIt's been a while! Are you free for lunch next week, maybe Wednesday? The new place near "
        "the office has a great menu.\n\n{sender}",
        ["CATEGORY_PERSONAL"],
        False,
    ),
    (
        "Offsite logistics",
        "Hi all,\n\nThe offsite is confirmed. Please book your travel by the end of the month and keep your "
        "receipts for the expense report.\n\n{sender}",
        [],
        False,
    ),
)
_SERVICE_MAIL = (
    (
        "billing",
        "Your invoice {number} from {company}",
        "Hello {first},\n\nYour invoice {number} for {amount} USD is "
        "attached and due in 14 days.\n\nThank you for your business,\n{company} Billing",
        ["CATEGORY_UPDATES"],
        True,
        "Receipts",
    ),
    (
        "no-reply",
        "Your booking is confirmed: {company} ({number})",
        "Hi {first},\n\nYour booking {number} is "
        "confirmed. Total paid: {amount} EUR. You can cancel free of charge until 48 hours before.\n\n{company}",
        ["CATEGORY_UPDATES"],
        False,
        "Travel",
    ),
    (
        "news",
        "{company} monthly: what's new in June",
        "Hi {first},\n\nThis month: a new dashboard, faster exports "
        "and three customer stories.\n\nRead more on our blog.\n{company}",
        ["CATEGORY_PROMOTIONS"],
        False,
        "Newsletters",
    ),
    (
        "careers",
        "New application: {role}",
        "Hello {first},\n\nA new candidate applied for the {role} role. "
        "Review the application in the hiring portal.\n\n{company} Recruiting",
        ["CATEGORY_UPDATES"],
        True,
        "Hiring",
    ),
)
_TOPICS = ("Atlas migration", "spring launch", "Q3 planning", "website relaunch", "onboarding", "pricing update")
_ROLES = ("Senior Backend Engineer", "Product Designer", "Data Analyst", "Account Manager")


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    people = seed_people(ctx)
    me, colleagues = people[0], people[1:]
    labels = [{"label_id": name, "name": name, "type": "system", "color": None} for name in SYSTEM_LABELS]
    user_labels = rng.sample(_USER_LABELS, rng.randint(3, 5))
    label_ids = {}
    for number, name in enumerate(user_labels, start=1):
        label_ids[name] = f"Label_{number}"
        labels.append({"label_id": f"Label_{number}", "name": name, "type": "user", "color": rng.choice(_COLORS)})
    messages: list[dict[str, Any]] = []

    def moment(hours_back_max: int) -> str:
        return iso(ctx.now - timedelta(minutes=rng.randint(10, hours_back_max * 60)))

    def add(
        sender: Any,
        sender_email: str,
        to: list[str],
        subject: str,
        body: str,
        extra_labels: list[str],
        attachment: bool,
        created_at: str,
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        message_id = seed_token(rng, 16, HEX)
        if sender_email == me.email:
            label_list = ["SENT"]
        else:
            label_list = ["INBOX", *extra_labels]
            if rng.random() < 0.45:
                label_list.append("UNREAD")
            if rng.random() < 0.1:
                label_list.append("STARRED")
            if rng.random() < 0.06:
                label_list = [label for label in label_list if label not in ("INBOX", "UNREAD")] + ["TRASH"]
        row = {
            "message_id": message_id,
            "thread_id": thread_id or message_id,
            "sender_email": sender_email,
            "sender_name": sender,
            "recipient_emails": to,
            "cc_emails": [],
            "subject": subject,
            "body": body,
            "label_ids": label_list,
            "has_attachment": attachment,
            "created_at": created_at,
        }
        messages.append(row)
        return row

    for _ in range(ctx.size * 2):
        colleague = rng.choice(colleagues)
        subject, body, extra, attachment = rng.choice(_COLLEAGUE_MAIL)
        topic = rng.choice(_TOPICS)
        values = {"first": me.first_name, "sender": colleague.first_name, "topic": topic}
        first = add(
            colleague.full_name,
            colleague.email,
            [me.email],
            subject.format(**values),
            body.format(**values),
            extra,
            attachment,
            moment(24 * 20),
        )
        if rng.random() < 0.35:
            reply_at = datetime.fromisoformat(first["created_at"]) + timedelta(minutes=rng.randint(20, 600))
            if reply_at < ctx.now:
                add(
                    me.full_name,
                    me.email,
                    [colleague.email],
                    f"Re: {first['subject']}",
                    f"Hi {colleague.first_name},\n\nThanks, sounds good. I'll follow up tomorrow.\n\n{me.first_name}",
                    [],
                    False,
                    iso(reply_at),
                    first["thread_id"],
                )
    for _ in range(max(3, ctx.size)):
        kind, subject, body, extra, attachment, label = rng.choice(_SERVICE_MAIL)
        company = fake.company(rng)
        values = {
            "first": me.first_name,
            "company": company,
            "number": f"{rng.randint(10000, 99999)}",
            "amount": f"{fake.amount(rng, 40, 2400):.2f}",
            "role": rng.choice(_ROLES),
        }
        extra_labels = [*extra, label_ids[label]] if label in label_ids else list(extra)
        add(
            company,
            f"{kind}@{fake.slug(company)}.example.com",
            [me.email],
            subject.format(**values),
            body.format(**values),
            extra_labels,
            attachment,
            moment(24 * 30),
        )
    drafts = []
    for _ in range(rng.randint(1, 3)):
        colleague = rng.choice(colleagues)
        created = ctx.now - timedelta(hours=rng.randint(1, 72))
        drafts.append(
            {
                "draft_id": "r" + seed_token(rng, 19, "0123456789"),
                "thread_id": None,
                "recipient_emails": [colleague.email],
                "cc_emails": [],
                "subject": f"{rng.choice(_TOPICS).capitalize()} follow-up",
                "body": f"Hi {colleague.first_name},\n\nFollowing up on our conversation: {fake.sentence(rng)}\n\n",
                "created_at": iso(created),
                "updated_at": iso(created),
            }
        )
    profile = [{"email": me.email, "name": me.full_name}]
    return {"profile": profile, "labels": labels, "messages": messages, "drafts": drafts}
