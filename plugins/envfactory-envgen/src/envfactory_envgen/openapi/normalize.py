"""Action-style operations read as resource operations, and transport parameters left out.

Real API descriptions name many operations by action instead of by path: AWS JSON APIs post every
call to ``/`` with an ``X-Amz-Target`` header (``...CloudTrail_20131101.CreateTrail``), others use
verb paths (``POST /CreateLink``, ``POST /documents.create``, ``POST /things/search``) or custom
methods (``POST /runs/{id}:archive``). The CRUD analysis understands collections and items, so
this pass rewrites each such operation into that shape, keeping its operation id, body and
response:

* ``Create{Noun}`` / ``noun.create`` → ``POST /{nouns}``;
* ``List{Nouns}`` / ``Describe{Nouns}`` / ``Search``/``Query`` → ``GET /{nouns}`` (the body's fields
  become query parameters: a POST that only reads is a read tool);
* ``Get``/``Describe{Noun}`` → ``GET /{nouns}/{Key}``, ``Delete{Noun}`` → ``DELETE /{nouns}/{Key}``,
  ``Update``/``Modify``/``Put{Noun}`` → ``PATCH /{nouns}/{Key}``, any other verb →
  ``POST /{nouns}/{Key}/{verb}`` (an item action);

where ``Key`` is the body field that names one ``Noun`` (``TrailName``, ``Name``, ``linkIdentifier``,
``Arn``...). An operation whose key cannot be found is left as it is (and skipped later with a
reason). Transport query parameters (Azure's ``api-version``, Google's ``alt``/``fields``/``key``...,
and any query parameter with a single allowed value) describe the request, not the resource, so
they are left out of every operation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from envfactory_core.ids import JsonValue
from envfactory_core.naming import singular_name, snake

from ..naming import plural
from .model import ApiBody, ApiDocument, ApiOperation, ApiParameter

__all__ = ["TRANSPORT_PARAMETERS", "normalize_api", "split_action"]

TRANSPORT_PARAMETERS = frozenset(
    """api-version api_version $.xgafv access_token alt callback fields key oauth_token prettyprint quotauser
    upload_protocol uploadtype format pretty_print""".split()  # noqa: SIM905
)
"""Query parameter names (lower-cased) that say how to call, never which data."""

CREATE = frozenset("create add insert register new post".split())  # noqa: SIM905
LIST = frozenset("list search query find browse lookup filter".split())  # noqa: SIM905
GET = frozenset("get describe read fetch retrieve show view".split())  # noqa: SIM905
DELETE = frozenset("delete remove destroy deregister unregister".split())  # noqa: SIM905
UPDATE = frozenset("update modify put set patch edit change replace".split())  # noqa: SIM905
ACTIONS = frozenset(
    """cancel start stop archive unarchive restore enable disable activate deactivate approve reject publish
    unpublish pause resume suspend close open lock unlock complete confirm reset rotate revoke tag untag
    assign unassign attach detach associate disassociate accept decline retry run execute trigger submit
    verify validate check test sync refresh import export copy clone move rename merge reboot terminate""".split()  # noqa: SIM905
)
VERBS = CREATE | LIST | GET | DELETE | UPDATE | ACTIONS
_TARGET = re.compile(r"#X-Amz-Target=([^#&]+)")
_CUSTOM = re.compile(r"^(?P<base>.*\{[^{}]+\}):(?P<verb>[A-Za-z][A-Za-z0-9]*)$")
_CAMEL = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def split_action(name: str) -> tuple[str, str] | None:
    """``CreateTrail`` → ``("create", "trail")``; ``documents.create`` → ``("create", "documents")``."""
    if "." in name:
        noun, _, verb = name.rpartition(".")
        verb_words = snake(verb).split("_")
        if verb_words and verb_words[0] in VERBS and noun and "." not in noun:
            rest = "_".join(verb_words[1:])
            return verb_words[0], snake(noun) + (f"_{rest}" if rest else "")
        return None
    if not _CAMEL.match(name):
        return None
    words = snake(name).split("_")
    if len(words) < 2 or words[0] not in VERBS:
        return None
    return words[0], "_".join(words[1:])


def _transport(parameter: ApiParameter) -> bool:
    if parameter.location != "query":
        return False
    if parameter.name.lower() in TRANSPORT_PARAMETERS:
        return True
    enum = parameter.schema.get("enum")
    return "const" in parameter.schema or (isinstance(enum, list) and len(enum) == 1)


def _body_schema(operation: ApiOperation) -> dict[str, JsonValue]:
    return operation.body.schema if operation.body is not None else {}


def _properties(operation: ApiOperation) -> dict[str, dict[str, JsonValue]]:
    properties = _body_schema(operation).get("properties")
    if not isinstance(properties, dict):
        return {}
    return {str(name): value if isinstance(value, dict) else {} for name, value in properties.items()}


def _required(operation: ApiOperation) -> list[str]:
    required = _body_schema(operation).get("required")
    return [str(name) for name in required] if isinstance(required, list) else []


def _key(operation: ApiOperation, noun: str) -> str | None:
    """The body field naming one ``noun``: ``{Noun}Name``/``Id``/``Arn``, else a plain ``Name``/``Id``..."""
    properties = _properties(operation)
    if not properties:
        return None
    by_snake = {snake(name): name for name in properties}
    single = snake(singular_name(noun))
    last = single.split("_")[-1]
    candidates = [f"{single}_{suffix}" for suffix in ("name", "id", "arn", "identifier", "key", "uuid")]
    candidates += [f"{last}_{suffix}" for suffix in ("name", "id", "arn", "identifier")]
    candidates += ["name", "id", "arn", "identifier", "resource_arn", "uuid", single]
    for candidate in candidates:
        if candidate in by_snake and properties[by_snake[candidate]].get("type", "string") in ("string", "integer"):
            return by_snake[candidate]
    required = [name for name in _required(operation) if name in properties]
    if len(required) == 1 and properties[required[0]].get("type", "string") in ("string", "integer"):
        return required[0]
    named = [
        name
        for name in properties
        if snake(name).split("_")[-1] in ("name", "id", "arn", "identifier")
        and properties[name].get("type", "string") in ("string", "integer")
    ]
    return named[0] if len(named) == 1 else None


def _query(properties: dict[str, dict[str, JsonValue]], required: Iterable[str]) -> tuple[ApiParameter, ...]:
    needed = set(required)
    return tuple(
        ApiParameter(name=name, location="query", schema=schema, required=name in needed)
        for name, schema in properties.items()
        if schema.get("type") in ("string", "integer", "number", "boolean", "array") or "enum" in schema
    )


def _without(operation: ApiOperation, key: str) -> ApiBody | None:
    body = operation.body
    if body is None:
        return None
    schema = dict(body.schema)
    properties = {name: value for name, value in _properties(operation).items() if name != key}
    schema["properties"] = properties
    required = [name for name in _required(operation) if name != key]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
    if not properties:
        return None
    return attrs.evolve(body, schema=schema)


def _unwrap(response: dict[str, JsonValue] | None, noun: str) -> dict[str, JsonValue] | None:
    """``{"Trail": {...}}`` → the trail: an envelope with one object property named like the noun."""
    if not isinstance(response, dict):
        return response
    properties = response.get("properties")
    if not isinstance(properties, dict) or len(properties) != 1:
        return response
    ((name, inner),) = properties.items()
    single = snake(singular_name(noun))
    if isinstance(inner, dict) and inner.get("type") == "object" and snake(singular_name(name)) in (single, "item"):
        return inner
    return response


def _rest(operation: ApiOperation, verb: str, noun: str, prefix: str) -> ApiOperation | None:
    """The operation in collection/item form, or None when its key cannot be found."""
    nouns = snake(plural(singular_name(noun))) or noun
    collection = f"{prefix}/{nouns}"
    is_plural = snake(noun) != snake(singular_name(noun))
    base = [parameter for parameter in operation.parameters if parameter.location in ("path", "header", "cookie")]
    if verb in CREATE:
        return attrs.evolve(operation, method="POST", path=collection, parameters=tuple(base))
    if verb in LIST or (verb in GET and is_plural and not _is_object(operation.response)):
        query = _query(_properties(operation), _required(operation))
        return attrs.evolve(operation, method="GET", path=collection, parameters=(*base, *query), body=None)
    key = _key(operation, noun)
    if key is None:
        return None
    schema = dict(_properties(operation)[key])
    path_param = ApiParameter(name=key, location="path", schema=schema or {"type": "string"}, required=True)
    item = f"{collection}/{{{key}}}"
    rest = {name: value for name, value in _properties(operation).items() if name != key}
    if verb in GET:
        query = _query(rest, [name for name in _required(operation) if name != key])
        return attrs.evolve(
            operation,
            method="GET",
            path=item,
            parameters=(*base, path_param, *query),
            body=None,
            response=_unwrap(operation.response, noun),
        )
    if verb in DELETE:
        return attrs.evolve(operation, method="DELETE", path=item, parameters=(*base, path_param), body=None)
    if verb in UPDATE:
        return attrs.evolve(
            operation, method="PATCH", path=item, parameters=(*base, path_param), body=_without(operation, key)
        )
    return attrs.evolve(
        operation,
        method="POST",
        path=f"{item}/{verb}",
        parameters=(*base, path_param),
        body=_without(operation, key),
    )


def _action_of(operation: ApiOperation) -> tuple[str, str, str] | None:
    """``(verb, noun, prefix)`` of an action-style operation, or None for a resource-style one."""
    target = _TARGET.search(operation.path)
    if target is not None:
        action = target.group(1).rsplit(".", 1)[-1]
        found = split_action(action)
        return (*found, "") if found else None
    for parameter in operation.parameters:
        if parameter.location == "header" and parameter.name.lower() == "x-amz-target":
            enum = parameter.schema.get("enum")
            if isinstance(enum, list) and len(enum) == 1:
                found = split_action(str(enum[0]).rsplit(".", 1)[-1])
                return (*found, "") if found else None
    path = operation.path.split("#", 1)[0].rstrip("/")
    segments = [segment for segment in path.split("/") if segment]
    if not segments or operation.method != "POST" or any("{" in segment for segment in segments):
        return None  # an action under an item is the analysis' item action already
    last = segments[-1]
    found = split_action(last)
    if found is None and snake(last) in LIST and len(segments) >= 2:
        found = ("list", snake(segments[-2]))  # POST /things/search: a read
        segments = segments[:-1]
    if found is None:
        return None
    verb, noun = found
    if not noun or noun.split("_")[0] in ("by", "with", "for", "all", "from", "to"):
        return None
    prefix = "/" + "/".join(segments[:-1]) if len(segments) > 1 else ""
    return verb, noun, prefix


def _custom_method(operation: ApiOperation) -> ApiOperation | None:
    """``POST /runs/{id}:archive`` → ``POST /runs/{id}/archive`` (gRPC-gateway custom methods)."""
    match = _CUSTOM.match(operation.path.split("#", 1)[0])
    if match is None:
        return None
    return attrs.evolve(operation, path=f"{match.group('base')}/{match.group('verb')}")


def _is_object(response: dict[str, JsonValue] | None) -> bool:
    """An object response that is not a page of items (a list has one array property)."""
    if not isinstance(response, dict) or response.get("type", "object") != "object":
        return False
    properties = response.get("properties")
    if not isinstance(properties, dict) or not properties:
        return False
    arrays = [value for value in properties.values() if isinstance(value, dict) and value.get("type") == "array"]
    return len(arrays) != 1


def _lookup(operation: ApiOperation, taken: set[tuple[str, str]]) -> ApiOperation | None:
    """``GET /weather?city=X`` (one object per value of a required query parameter) → ``GET /weather/{city}``.

    Such an endpoint reads one record by what it is asked for; as an item read over seeded records it
    is a read tool of a read-only resource.
    """
    path = operation.path.split("#", 1)[0].rstrip("/")
    if operation.method != "GET" or not path or path.endswith("}") or not _is_object(operation.response):
        return None
    for parameter in operation.parameters:
        if (
            parameter.location == "query"
            and parameter.required
            and parameter.schema.get("type", "string") in ("string", "integer")
            and "{" not in parameter.name
        ):
            item = f"{path}/{{{parameter.name}}}"
            if ("GET", item) in taken:
                return None
            moved = attrs.evolve(parameter, location="path", required=True)
            others = tuple(other for other in operation.parameters if other is not parameter)
            return attrs.evolve(operation, path=item, parameters=(*others, moved))
    return None


def _nouns(operations: Iterable[ApiOperation]) -> set[str]:
    """The singular nouns that action-style operations create, read, list or delete."""
    found: set[str] = set()
    for operation in operations:
        action = _action_of(operation)
        if action is not None and action[0] in CREATE | GET | LIST | DELETE:
            found.add(snake(singular_name(action[1])))
    return found


def _known_noun(noun: str, nouns: set[str]) -> str:
    """``event_data_store_ingestion`` → ``event_data_store`` when only that is a resource of the API."""
    single = snake(singular_name(noun))
    if single in nouns or not nouns:
        return noun
    parts = single.split("_")
    for end in range(len(parts) - 1, 0, -1):
        head = "_".join(parts[:end])
        if head in nouns:
            return head
    return noun


_SUFFIX = re.compile(r"\.(json|xml)(?=/|$)")


def _fragment(operation: ApiOperation, taken: set[tuple[str, str]]) -> ApiOperation | None:
    """``DELETE /tags/{arn}#tagKeys`` → ``DELETE /tags/{arn}``, ``/posts/{id}.json`` → ``/posts/{id}``.

    The fragment only told overloads apart, the suffix only named the reply's format.
    """
    if _TARGET.search(operation.path):
        return None
    bare = _SUFFIX.sub("", operation.path.split("#", 1)[0]) or "/"
    if bare == operation.path or (operation.method, bare) in taken:
        return None
    return attrs.evolve(operation, path=bare)


SINGLETON = ApiParameter(
    name="instance",
    location="path",
    schema={
        "type": "string",
        "enum": ["current"],
        "description": 'Always "current": this resource has one instance.',
    },
    required=True,
    description='Always "current": this resource has one instance.',
)


def _singletons(operations: list[ApiOperation]) -> list[ApiOperation]:
    """``GET /config`` (one object, no key) and its ``PUT``/``PATCH``: one resource with a single instance.

    The instance is named by a key that takes one value (``current``), so the analysis reads the path
    as a collection with one item and the seed state holds that one item.
    """
    by_path: dict[str, list[ApiOperation]] = {}
    for operation in operations:
        by_path.setdefault(operation.path, []).append(operation)
    prefixes = {operation.path.rsplit("/", 1)[0] for operation in operations}
    chosen: set[str] = set()
    for path, group in by_path.items():
        methods = {operation.method for operation in group}
        reads = [operation for operation in group if operation.method == "GET"]
        if (
            not reads
            or "#" in path
            or path.endswith("}")
            or path.rstrip("/") in ("", "/")
            or path in prefixes
            or methods & {"POST", "DELETE"}
            or not _is_object(reads[0].response)
            or any(parameter.required for parameter in reads[0].parameters if parameter.location == "query")
        ):
            continue
        chosen.add(path)
    result = []
    for operation in operations:
        if operation.path in chosen and operation.method in ("GET", "PUT", "PATCH"):
            operation = attrs.evolve(
                operation,
                path=f"{operation.path.rstrip('/')}/{{instance}}",
                parameters=(*operation.parameters, SINGLETON),
                written_as=operation.written_as or f"{operation.method} {operation.path}",
            )
        result.append(operation)
    return result


def normalize_api(api: ApiDocument) -> ApiDocument:
    """``api`` with action-style operations in resource form and transport query parameters left out."""
    operations: list[ApiOperation] = []
    dropped: set[str] = set()
    rewritten = 0
    taken = {(operation.method, operation.path) for operation in api.operations}
    nouns = _nouns(api.operations)
    for operation in api.operations:
        kept = tuple(parameter for parameter in operation.parameters if not _transport(parameter))
        if len(kept) != len(operation.parameters):
            dropped.update(parameter.name for parameter in operation.parameters if _transport(parameter))
            operation = attrs.evolve(operation, parameters=kept)
        changed = _custom_method(operation)
        if changed is None:
            action = _action_of(operation)
            if action is not None:
                verb, noun, prefix = action
                changed = _rest(operation, verb, _known_noun(noun, nouns), prefix)
        if changed is None:
            changed = _fragment(operation, taken)
        if changed is None and not any(path == operation.path for method, path in taken if method != "GET"):
            changed = _lookup(operation, taken)
        if (
            changed is not None
            and (changed.method, changed.path) in taken
            and operation.method == "POST"
            and changed.method == "GET"
        ):
            changed = attrs.evolve(changed, path=operation.path)  # POST /runs/search beside GET /runs
        if changed is not None and (changed.method, changed.path) not in taken:
            taken.add((changed.method, changed.path))
            operation = attrs.evolve(changed, written_as=operation.written_as or f"{operation.method} {operation.path}")
            rewritten += 1
        operations.append(operation)
    operations = _singletons(operations)
    notes = list(api.notes)
    if dropped:
        notes.append(f"transport query parameters ({', '.join(sorted(dropped))}) describe the call; left out")
    if rewritten:
        notes.append(f"{rewritten} action-style operations read as operations on collections and items")
    return attrs.evolve(api, operations=tuple(operations), notes=tuple(notes))
