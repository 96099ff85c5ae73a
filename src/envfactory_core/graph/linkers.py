"""Data-flow linkers: which tool outputs can feed which tool inputs.

A linker is a registered component (hook ``register_linkers``). It receives every tool node with
its flattened parameters and returns :class:`~envfactory_core.graph.records.Link` records from an
output parameter of one tool to an input parameter of another. Tool→tool dependency edges are
derived from the links.

Built-ins:

``core/lexical`` (:class:`LexicalLinker`, the default)
    1. *Name*: an input and an output whose normalised names are equal (``orderId`` = ``order_id``
       = ``order_ids``; a bare ``id`` is named after its owner) and whose types are compatible
       link with score 1.0, when the name is *specific* (two words or more: ``order_id``,
       ``due_date``). Every such provider links: names are consistent across the domain packages,
       so this is the strongest signal.
       An input named like a primary key of its own environment's state (``reservation_id`` in
       an environment with a ``reservations`` table keyed by it) is filled only from that
       environment: the hotel's reservation id is no use to the restaurant (``local_ids``).
    2. *Lexical*: any other input (no name match, or a generic one-word name such as ``name``,
       ``status`` or ``amount`` that every entity has) links to the ``top_k`` type-compatible
       outputs of other tools whose TF-IDF cosine over names and descriptions is at least
       ``floor``; the description tells ``Name of the hotel`` from ``Full name of the customer``.
``core/embedding`` (:class:`EmbeddingLinker`)
    The same name step, then the ``top_k`` outputs by cosine of embedder vectors above ``floor``.
    The floor belongs to the embedder: 0.85 suits bge-m3 but links nothing with MiniLM, whose true
    pairs score around 0.4-0.5; calibrate it per backend.

Rank-based linking (top-k above a floor) is used instead of one absolute threshold because
similarity scales differ between methods and models; the floor only removes noise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from ..contracts import Embedder
from ..errors import UnknownComponentError
from ..ids import JsonValue
from ..models import EnvironmentSpec, split_qualified_name
from ._text import name_tokens, text_tokens
from .records import Link, Parameter, ToolNode
from .tfidf import TfidfIndex

__all__ = [
    "EmbeddingLinker",
    "LexicalLinker",
    "LinkContext",
    "is_specific",
    "name_key",
    "owned_keys",
    "types_compatible",
]

_CONTAINERS = frozenset({"item", "result", "data", "record", "entry", "row", "match", "hit", "list", "page", "value"})


def _no_embedder(name: str) -> Embedder:
    raise UnknownComponentError("embedder", name)


def _no_linker(name: str) -> Any:
    raise UnknownComponentError("linker", name)


@attrs.define(kw_only=True)
class LinkContext:
    """What a linker may use besides the tools: the environment specs (descriptions, state
    schemas), named embedders and named linkers (for a linker that builds on another), resolved
    from the caller's registry.

    ``used`` records the settings of every embedder a linker asked for; they become part of the
    graph's content id.
    """

    environments: Mapping[str, EnvironmentSpec] = attrs.field(factory=dict)
    resolve_embedder: Callable[[str], Embedder] = _no_embedder
    resolve_linker: Callable[[str], Any] = _no_linker
    used: dict[str, dict[str, JsonValue]] = attrs.field(factory=dict)

    def owned_keys(self) -> dict[str, frozenset[str]]:
        """Per environment, the name keys of its tables' primary keys (see :func:`owned_keys`)."""
        return {name: owned_keys(spec) for name, spec in self.environments.items()}

    def embedder(self, name: str) -> Embedder:
        embedder = self.resolve_embedder(name)
        self.used[name] = dict(embedder.settings())
        return embedder


def name_key(parameter: Parameter) -> str:
    """The normalised name two parameters must share to link by name.

    Tokens are split from snake or camel case and made singular; a bare ``id`` takes the name of
    its owner: ``order.id`` gives ``order_id``, and ``id`` of ``get_order`` (or ``items.id`` of
    ``list_orders``) gives ``order_id`` too.
    """
    tokens = name_tokens(parameter.leaf)
    if tokens == ("id",):
        owner = name_tokens(parameter.parent)[-1:] if parameter.parent else ()
        if not owner or owner[0] in _CONTAINERS:
            owner = name_tokens(split_qualified_name(parameter.tool)[1])[-1:]
        tokens = (*owner, "id")
    return "_".join(tokens)


def owned_keys(spec: EnvironmentSpec) -> frozenset[str]:
    """The name keys of ``spec``'s primary-key columns: ids this environment issues itself.

    A primary key ``id`` of table ``orders`` gives ``order_id``. A value named like one of these
    can only come from the environment's own tools: the ``reservation_id`` of a hotel is no use to
    a restaurant, even though both call it that.
    """
    keys: set[str] = set()
    for table in spec.state_schema.tables:
        for column in table.primary_key:
            tokens = name_tokens(column)
            if tokens == ("id",):
                tokens = (*name_tokens(table.name)[-1:], "id")
            keys.add("_".join(tokens))
    return frozenset(keys)


def _scalar_compatible(source: str, target: str) -> bool:
    if "any" in (source, target) or source == target:
        return True
    return {source, target} <= {"integer", "number"}


def types_compatible(output: Parameter, input_: Parameter) -> bool:
    """Whether a value of ``output`` can be passed as ``input_``.

    Equal types, integer/number, ``any`` on either side, an array output feeding a scalar input of
    its item type (one element of the list), and a scalar output feeding an array input of its type
    (a list of one) are compatible.
    """
    source, target = output.type, input_.type
    if source == "array" and target == "array":
        return _scalar_compatible(output.item_type or "any", input_.item_type or "any")
    if _scalar_compatible(source, target):
        return True
    if source == "array":
        return _scalar_compatible(output.item_type or "any", target)
    return target == "array" and _scalar_compatible(source, input_.item_type or "any")


def is_specific(key: str) -> bool:
    """Whether a name key identifies a thing by itself (``order_id``, ``due_date``) rather than a
    generic attribute (``name``, ``status``, ``amount``) that every entity has."""
    return "_" in key


class _Candidates:
    """Which outputs may feed an input at all: another tool, compatible types, and for an input
    named like a primary key of its own environment, only that environment's outputs."""

    def __init__(self, tools: Sequence[ToolNode], context: LinkContext, local_ids: bool) -> None:
        self.outputs = [parameter for tool in tools for parameter in tool.outputs]
        self.environment = {tool.name: tool.environment for tool in tools}
        self.owned = context.owned_keys() if local_ids else {}

    def local_only(self, input_: Parameter, key: str) -> str:
        """The environment ``input_`` must be filled from, or ``""`` if any will do."""
        environment = self.environment[input_.tool]
        return environment if key in self.owned.get(environment, ()) else ""

    def allowed(self, output: Parameter, input_: Parameter, local: str) -> bool:
        if output.tool == input_.tool or not types_compatible(output, input_):
            return False
        return not local or self.environment[output.tool] == local


def _exact_links(candidates: _Candidates, tools: Sequence[ToolNode]) -> tuple[list[Link], list[tuple[Parameter, str]]]:
    """Name links for specific names, and the inputs left without one (with their local environment)."""
    by_key: dict[str, list[Parameter]] = {}
    for output in candidates.outputs:
        by_key.setdefault(name_key(output), []).append(output)
    links: list[Link] = []
    unmatched: list[tuple[Parameter, str]] = []
    for tool in tools:
        for input_ in tool.inputs:
            key = name_key(input_)
            local = candidates.local_only(input_, key)
            matched = False
            if is_specific(key):
                for output in by_key.get(key, ()):
                    if candidates.allowed(output, input_, local):
                        links.append(Link(source=output.id, target=input_.id, score=1.0, reason="name"))
                        matched = True
            if not matched:
                unmatched.append((input_, local))
    return links, unmatched


def _top_k(
    candidates: _Candidates, input_: Parameter, local: str, scored: Any, top_k: int, floor: float, reason: str
) -> list[Link]:
    outputs = candidates.outputs
    ranked = [
        (round(float(score), 4), outputs[index].id)
        for index, score in scored
        if score >= floor and candidates.allowed(outputs[index], input_, local)
    ]
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [Link(source=source, target=input_.id, score=score, reason=reason) for score, source in ranked[:top_k]]


def _document(parameter: Parameter, name_weight: int) -> list[str]:
    return list(name_key(parameter).split("_")) * name_weight + text_tokens(parameter.description)


@attrs.frozen(kw_only=True)
class LexicalLinker:
    """Name equality + type compatibility, then TF-IDF top-k above a floor (offline, no model)."""

    name: ClassVar[str] = "lexical"
    component_name: ClassVar[str] = "core/lexical"
    top_k: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    floor: float = attrs.field(default=0.35, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    name_weight: int = attrs.field(default=2, validator=attrs.validators.ge(1))
    local_ids: bool = True

    def settings(self) -> dict[str, JsonValue]:
        return {"top_k": self.top_k, "floor": self.floor, "name_weight": self.name_weight, "local_ids": self.local_ids}

    def link(self, tools: Sequence[ToolNode], context: LinkContext) -> list[Link]:
        candidates = _Candidates(tools, context, self.local_ids)
        links, unmatched = _exact_links(candidates, tools)
        outputs = candidates.outputs
        if not unmatched or not outputs or self.top_k == 0:
            return links
        documents = [_document(p, self.name_weight) for p in outputs]
        documents.extend(_document(p, self.name_weight) for p, _ in unmatched)
        index = TfidfIndex(documents)
        postings = index.postings(range(len(outputs)))
        for position, (input_, local) in enumerate(unmatched):
            scores = index.scores(len(outputs) + position, postings)
            links.extend(_top_k(candidates, input_, local, scores.items(), self.top_k, self.floor, "lexical"))
        return links


@attrs.frozen(kw_only=True)
class EmbeddingLinker:
    """Name equality + type compatibility, then embedder cosine top-k above a per-embedder floor."""

    name: ClassVar[str] = "embedding"
    component_name: ClassVar[str] = "core/embedding"
    embedder: str = "core/hashed-ngrams"
    top_k: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    floor: float = attrs.field(default=0.45, validator=[attrs.validators.ge(-1.0), attrs.validators.le(1.0)])
    local_ids: bool = True

    def settings(self) -> dict[str, JsonValue]:
        return {"embedder": self.embedder, "top_k": self.top_k, "floor": self.floor, "local_ids": self.local_ids}

    @staticmethod
    def text(parameter: Parameter) -> str:
        """The text embedded for a parameter: ``name (type): description``, as in the reference."""
        return f"{parameter.leaf} ({parameter.type}): {parameter.description}".strip()

    def link(self, tools: Sequence[ToolNode], context: LinkContext) -> list[Link]:
        import numpy as np

        candidates = _Candidates(tools, context, self.local_ids)
        links, unmatched = _exact_links(candidates, tools)
        outputs = candidates.outputs
        if not unmatched or not outputs or self.top_k == 0:
            return links
        embedder = context.embedder(self.embedder)
        texts = [self.text(p) for p in outputs] + [self.text(p) for p, _ in unmatched]
        vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(
                f"embedder {self.embedder!r} returned {vectors.shape[0] if vectors.ndim else 0} vectors for "
                f"{len(texts)} texts; it must return one vector of one fixed length per text"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = (vectors / np.where(norms == 0.0, 1.0, norms)).astype(np.float32)
        out_vectors, in_vectors = vectors[: len(outputs)], vectors[len(outputs) :]
        similarity = in_vectors @ out_vectors.T
        for position, (input_, local) in enumerate(unmatched):
            row = similarity[position]
            above = np.nonzero(row >= self.floor)[0]
            scored = ((int(i), float(row[i])) for i in above)
            links.extend(_top_k(candidates, input_, local, scored, self.top_k, self.floor, "embedding"))
        return links
