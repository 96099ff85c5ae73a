"""Whether a sampled chain can serve one user's goal: the same checks for the sampler and the grounder.

A chain serves a goal when every environment it touches is joined to the others by something real
(an earlier step's output feeds a step of the other environment, or both take the user's own
name, email or phone), and no write is undone or decided on by a later step of the same chain
(``create_event`` then ``cancel_event``; ``submit_application`` then ``decide_application``: the
applicant does not decide on their own application). :func:`chain_problems` says what is wrong with
a sampled chain; the grounder checks the grounded values the same way
(:func:`envfactory_core.tasks.quality.coherence_problems`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Binding
from .index import GraphIndex

__all__ = ["PERSON_INPUTS", "chain_problems", "coherent_part", "inverse_pair", "singular"]

PERSON_INPUTS = frozenset({"email", "name", "full_name", "phone", "first_name", "last_name"})
"""Inputs that carry the user's own identity (the grounder fills them from one persona)."""


def singular(word: str) -> str:
    """``shipments`` → ``shipment``, ``entries`` → ``entry``, ``status`` and ``address`` stay."""
    if word.endswith(("ss", "us", "is")) or len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


_MAKES = frozenset(
    {"create", "add", "book", "schedule", "submit", "place", "reserve", "register", "enroll", "open", "plan", "make"}
)
_UNDOES = frozenset({"cancel", "delete", "remove", "void", "withdraw", "trash", "revoke", "refund", "deactivate"})
_REQUESTS = frozenset({"submit", "apply", "request", "place", "create", "book", "reserve", "schedule"})
_DECIDES = frozenset({"decide", "approve", "decline", "reject", "accept", "deny", "reimburse", "grade"})


def inverse_pair(earlier: str, later: str) -> str:
    """``"undo"`` when tool ``later`` takes back what ``earlier`` made, ``"role_conflict"`` when ``later``
    decides on what ``earlier`` asked for, else ``""`` (tool names, ``verb_object``)."""
    first, _, first_thing = earlier.lower().partition("_")
    second, _, second_thing = later.lower().partition("_")
    same_thing = singular(first_thing.split("_")[-1]) == singular(second_thing.split("_")[-1])
    if first in _MAKES and second in _UNDOES and same_thing:
        return "undo"
    if first in _REQUESTS and second in _DECIDES and same_thing:
        return "role_conflict"
    return ""


def chain_problems(index: GraphIndex, positions: Sequence[int], bindings: Sequence[Binding]) -> list[str]:
    """Why the chain at ``positions`` (with its validator's ``bindings``) cannot serve one goal."""
    problems = []
    tools = [index.names[position].partition("__")[2] for position in positions]
    envs = [index.env_of[position] for position in positions]
    for later in range(len(positions)):
        for earlier in range(later):
            if envs[earlier] != envs[later]:
                continue
            kind = inverse_pair(tools[earlier], tools[later])
            if kind:
                problems.append(f"{kind}: {tools[later]} after {tools[earlier]}")
    distinct = sorted(set(envs))
    if len(distinct) > 1:
        edges = {
            (envs[b.source_step], envs[b.target_step]) for b in bindings if envs[b.source_step] != envs[b.target_step]
        }
        personal = {
            env
            for position, env in zip(positions, envs, strict=True)
            if any(
                index.in_path[number] in PERSON_INPUTS and index.in_user[number] and index.in_required[number]
                for number in index.inputs[position]
            )
        }
        joined = {distinct[0]}
        changed = True
        while changed:
            changed = False
            for env in distinct:
                if env in joined:
                    continue
                linked = any((env, other) in edges or (other, env) in edges for other in joined)
                if linked or (env in personal and personal & joined):
                    joined.add(env)
                    changed = True
        if len(joined) < len(distinct):
            names = ", ".join(index.env_names[env] for env in distinct)
            problems.append(f"unshared_environments: {names} share no entity")
    return problems


def coherent_part(index: GraphIndex, positions: Sequence[int]) -> list[int]:
    """The chain without the steps that break its goal: each step in order is kept when the chain so
    far stays valid, joined and free of undo pairs with it."""
    from .validate import validate_positions

    kept: list[int] = []
    for position in positions:
        trial = [*kept, position]
        check = validate_positions(index, trial)
        if check.valid and not chain_problems(index, trial, check.bindings):
            kept = trial
    return kept or list(positions[:1])
