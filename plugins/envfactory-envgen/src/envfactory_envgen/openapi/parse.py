"""Reading an OpenAPI 3.x or Swagger 2.0 document into an :class:`ApiDocument`.

Every structural problem (a path item that is not a mapping, a parameter without ``in``, a
``$ref`` to nothing) is collected and raised together as one :class:`SourceError`, each with its
line. Operations whose body only a person could use (binary uploads, XML only) are kept with
``unusable`` set, so builders can say why they left them out.
"""

from __future__ import annotations

import re
from typing import Any

from envfactory_core.errors import Problem
from envfactory_core.ids import JsonValue

from ..documents import Document
from ..errors import SourceError
from .model import ApiBody, ApiDocument, ApiOperation, ApiParameter, Pointer
from .schemas import SchemaConverter, ref_name

__all__ = ["METHODS", "is_openapi", "parse_openapi"]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_LOCATIONS = {"path", "query", "header", "cookie", "body", "formData"}
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]*\+)?json\b|^\*/\*$|^application/merge-patch\+json")
_FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")
_SUCCESS = ("200", "201", "202", "203", "2XX", "2xx")
_SWAGGER_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
)


def is_openapi(data: Any) -> bool:
    """Whether parsed ``data`` claims to be an OpenAPI or Swagger document."""
    return isinstance(data, dict) and ("openapi" in data or "swagger" in data)


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.data: dict[str, Any] = document.data
        self.problems: list[Problem] = []
        self.converter = SchemaConverter(document)
        self.swagger = "swagger" in self.data

    def problem(self, pointer: Pointer, message: str, fix: str = "") -> None:
        self.problems.append(Problem(location=self.document.where(pointer), message=message, fix=fix))

    def guard(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``function``; record a :class:`SourceError`'s problems instead of stopping."""
        try:
            return function(*args, **kwargs)
        except SourceError as error:
            self.problems.extend(error.problems)
            return None

    # --- parameters -----------------------------------------------------------------------------

    def parameter(self, node: Any, at: Pointer) -> ApiParameter | None:
        node, at = self.converter.follow(node, at)
        if not isinstance(node, dict):
            self.problem(at, "a parameter must be a mapping")
            return None
        name, location = node.get("name"), node.get("in")
        if not isinstance(name, str) or not name:
            self.problem(at, "a parameter needs a `name`")
            return None
        if location not in _LOCATIONS:
            self.problem(
                (*at, "in"), f"parameter {name!r} has `in: {location}`", fix="use path, query, header or cookie"
            )
            return None
        if "schema" in node:
            schema = self.converter.convert(node["schema"], (*at, "schema"))
        elif isinstance(node.get("content"), dict) and node["content"]:
            media, body = next(iter(node["content"].items()))
            schema = self.converter.convert((body or {}).get("schema", {}), (*at, "content", media, "schema"))
        else:
            schema = self.converter.convert({key: node[key] for key in _SWAGGER_SCHEMA_KEYS if key in node}, at)
        if node.get("description") and "description" not in schema:
            schema = {**schema, "description": str(node["description"]).strip()}
        return ApiParameter(
            name=name,
            location="body" if location == "formData" else location,
            schema=schema,
            required=bool(node.get("required")) or location == "path",
            description=str(node.get("description", "")).strip(),
            pointer=at,
        )

    def parameters(
        self, item: dict[str, Any], operation: dict[str, Any], at_item: Pointer, at_op: Pointer
    ) -> list[tuple[ApiParameter, dict[str, Any]]]:
        merged: dict[tuple[str, str], tuple[ApiParameter, dict[str, Any]]] = {}
        for source, at in ((item, at_item), (operation, at_op)):
            values = source.get("parameters", [])
            if not isinstance(values, list):
                self.problem((*at, "parameters"), "`parameters` must be a list")
                continue
            for index, raw in enumerate(values):
                parameter = self.guard(self.parameter, raw, (*at, "parameters", index))
                if parameter is not None:
                    resolved, _ = self.converter.follow(raw, (*at, "parameters", index))
                    merged[(parameter.name, parameter.location)] = (parameter, resolved)
        return list(merged.values())

    # --- bodies and responses -------------------------------------------------------------------

    def body_v3(self, node: Any, at: Pointer) -> tuple[ApiBody | None, str]:
        node, at = self.converter.follow(node, at)
        if not isinstance(node, dict):
            self.problem(at, "`requestBody` must be a mapping")
            return None, ""
        content = node.get("content")
        if not isinstance(content, dict) or not content:
            return None, ""
        media = _pick_media(list(content))
        if media is None:
            return None, f"its request body is only {', '.join(content)}, which has no fields to store"
        media_node = content[media] or {}
        raw_schema = media_node.get("schema", {}) if isinstance(media_node, dict) else {}
        schema = self.converter.convert(raw_schema, (*at, "content", media, "schema"))
        name = ref_name(raw_schema["$ref"]) if isinstance(raw_schema, dict) and "$ref" in raw_schema else ""
        return (
            ApiBody(
                media_type=media,
                schema=schema,
                required=bool(node.get("required")),
                description=str(node.get("description", "")).strip(),
                schema_name=name,
                pointer=(*at, "content", media, "schema"),
            ),
            "",
        )

    def response_v3(self, responses: Any, at: Pointer) -> tuple[str, Any, Pointer | None]:
        status, node, where = _success(responses, at)
        if node is None:
            return status, None, None
        node, where = self.converter.follow(node, where)
        content = node.get("content") if isinstance(node, dict) else None
        if not isinstance(content, dict) or not content:
            return status, None, None
        media = _pick_media(list(content)) or next(iter(content))
        media_node = content[media] or {}
        if not isinstance(media_node, dict) or "schema" not in media_node:
            return status, None, None
        return status, media_node["schema"], (*where, "content", media, "schema")

    def response_v2(self, responses: Any, at: Pointer) -> tuple[str, Any, Pointer | None]:
        status, node, where = _success(responses, at)
        if node is None:
            return status, None, None
        node, where = self.converter.follow(node, where)
        if not isinstance(node, dict) or "schema" not in node:
            return status, None, None
        return status, node["schema"], (*where, "schema")

    # --- operations -----------------------------------------------------------------------------

    def operation(
        self, path: str, method: str, item: dict[str, Any], node: dict[str, Any], at_item: Pointer
    ) -> ApiOperation | None:
        at = (*at_item, method)
        unusable = ""
        pairs = self.parameters(item, node, at_item, at)
        parameters = [parameter for parameter, _ in pairs if parameter.location != "body"]
        body: ApiBody | None = None
        if self.swagger:
            body, unusable = self._body_v2(node, pairs, at)
        elif "requestBody" in node:
            result = self.guard(self.body_v3, node["requestBody"], (*at, "requestBody"))
            if result is not None:
                body, unusable = result
        responses = node.get("responses", {})
        if not isinstance(responses, dict):
            self.problem((*at, "responses"), "`responses` must be a mapping")
            responses = {}
        reader = self.response_v2 if self.swagger else self.response_v3
        status, raw_response, where = reader(responses, (*at, "responses"))
        response: dict[str, JsonValue] | None = None
        response_name = item_name = list_property = ""
        if raw_response is not None and where is not None:
            response = self.guard(self.converter.convert, raw_response, where)
            response_name, item_name, list_property = self._names(raw_response, where)
        for template in re.findall(r"{([^}]+)}", path):
            if not any(parameter.name == template and parameter.location == "path" for parameter in parameters):
                self.problem(
                    at,
                    f"path parameter {{{template}}} of {path} is not declared",
                    fix=f"add a parameter with name: {template}, in: path",
                )
                unusable = unusable or f"path parameter {{{template}}} is not declared"
        operation_id = node.get("operationId")
        return ApiOperation(
            method=method.upper(),
            path=path,
            operation_id=str(operation_id) if operation_id else f"{method}_{path}",
            summary=str(node.get("summary", "")).strip(),
            description=str(node.get("description", "")).strip(),
            parameters=tuple(parameters),
            body=body,
            response=response,
            response_status=status,
            response_name=response_name,
            response_item_name=item_name,
            response_list_property=list_property,
            tags=tuple(str(tag) for tag in node.get("tags", []) if isinstance(tag, str)),
            deprecated=bool(node.get("deprecated")),
            unusable=unusable,
            pointer=at,
        )

    def _body_v2(
        self, node: dict[str, Any], pairs: list[tuple[ApiParameter, dict[str, Any]]], at: Pointer
    ) -> tuple[ApiBody | None, str]:
        bodies = [(parameter, raw) for parameter, raw in pairs if parameter.location == "body"]
        if not bodies:
            return None, ""
        consumes = node.get("consumes") or self.data.get("consumes") or ["application/json"]
        form = [(parameter, raw) for parameter, raw in bodies if raw.get("in") == "formData"]
        if form:
            if any(parameter.schema.get("format") == "binary" for parameter, _ in form):
                return None, "it uploads a file, which has no fields to store"
            properties = {parameter.name: parameter.schema for parameter, _ in form}
            required = [parameter.name for parameter, _ in form if parameter.required]
            schema: dict[str, JsonValue] = {"type": "object", "properties": properties}
            if required:
                schema["required"] = required
            return ApiBody(media_type="application/x-www-form-urlencoded", schema=schema, pointer=at), ""
        parameter, raw = bodies[0]
        media = _pick_media([str(item) for item in consumes]) or "application/json"
        raw_schema = raw.get("schema", {})
        name = ref_name(raw_schema["$ref"]) if isinstance(raw_schema, dict) and "$ref" in raw_schema else ""
        return (
            ApiBody(
                media_type=media,
                schema=parameter.schema,
                required=parameter.required,
                description=parameter.description,
                schema_name=name or parameter.name,
                pointer=parameter.pointer,
            ),
            "",
        )

    def _names(self, raw: Any, at: Pointer) -> tuple[str, str, str]:
        """Component names of a response and of its list items (direct array, or an array property)."""
        name = ref_name(raw["$ref"]) if isinstance(raw, dict) and "$ref" in raw else ""
        try:
            node, where = self.converter.follow(raw, at)
        except SourceError:
            return name, "", ""
        if not isinstance(node, dict):
            return name, "", ""
        items = node.get("items")
        if node.get("type") == "array" and isinstance(items, dict) and "$ref" in items:
            return name, ref_name(items["$ref"]), ""
        properties = node.get("properties") or {}
        all_of = node.get("allOf")
        parts: list[Any] = all_of if isinstance(all_of, list) else []
        for part in parts:
            try:
                resolved, _ = self.converter.follow(part, where)
            except SourceError:
                continue
            if isinstance(resolved, dict) and isinstance(resolved.get("properties"), dict):
                properties = {**resolved["properties"], **properties}
        arrays = []
        for key, value in properties.items():
            try:
                resolved, _ = self.converter.follow(value, where)
            except SourceError:
                continue
            if isinstance(resolved, dict) and resolved.get("type") == "array":
                entry = resolved.get("items")
                if isinstance(entry, dict) and "$ref" in entry:
                    arrays.append((str(key), ref_name(entry["$ref"])))
        if len(arrays) == 1:
            return name, arrays[0][1], arrays[0][0]
        return name, "", ""

    # --- the whole document ---------------------------------------------------------------------

    def read(self) -> ApiDocument:
        data = self.data
        version = str(data.get("openapi") or data.get("swagger") or "")
        if self.swagger and not version.startswith("2."):
            self.problem(
                ("swagger",), f"Swagger version {version!r} is not supported", fix="use Swagger 2.0 or OpenAPI 3"
            )
        if not self.swagger and not re.match(r"^3\.\d+", version):
            self.problem(("openapi",), f"OpenAPI version {version!r} is not supported", fix="use OpenAPI 3.0 or 3.1")
        info = data.get("info")
        if not isinstance(info, dict):
            self.problem(
                ("info",) if "info" in data else (), "the document has no `info` mapping", fix="add info.title"
            )
            info = {}
        paths = data.get("paths", {})
        if paths is None:
            paths = {}
        if not isinstance(paths, dict):
            self.problem(("paths",), "`paths` must be a mapping of path templates to path items")
            paths = {}
        operations: list[ApiOperation] = []
        for path, item in paths.items():
            at_item: Pointer = ("paths", str(path))
            if str(path).startswith("x-"):
                continue  # a specification extension beside the paths, not a path
            if not str(path).startswith("/"):
                self.problem(at_item, f"path {path!r} does not start with '/'")
            try:
                item, at_item = self.converter.follow(item, at_item)
            except SourceError as error:
                self.problems.extend(error.problems)
                continue
            if not isinstance(item, dict):
                self.problem(at_item, f"the path item of {path} must be a mapping, got {type(item).__name__}")
                continue
            for method in METHODS:
                if method not in item:
                    continue
                node = item[method]
                if not isinstance(node, dict):
                    self.problem((*at_item, method), f"{method.upper()} {path} must be a mapping")
                    continue
                operation = self.guard(self.operation, str(path), method, item, node, at_item)
                if operation is not None:
                    operations.append(operation)
        components = data.get("definitions") if self.swagger else (data.get("components") or {}).get("schemas")
        if self.problems:
            raise SourceError(f"{self.document.path} is not a usable OpenAPI document", self.problems)
        license_info = info.get("license") if isinstance(info.get("license"), dict) else {}
        servers: list[str] = []
        if self.swagger and data.get("host"):
            servers.append(f"https://{data['host']}{data.get('basePath', '')}")
        for server in data.get("servers", []) or []:
            if isinstance(server, dict) and server.get("url"):
                servers.append(str(server["url"]))
        return ApiDocument(
            path=self.document.path,
            title=str(info.get("title", "")).strip(),
            version=str(info.get("version", "")),
            spec_version=version,
            description=str(info.get("description", "")).strip(),
            license=str((license_info or {}).get("name", "")),
            servers=tuple(servers),
            operations=tuple(operations),
            schemas=components if isinstance(components, dict) else {},
            notes=tuple(dict.fromkeys(self.converter.notes)),
        )


def _pick_media(types: list[str]) -> str | None:
    """The media type whose body has fields: JSON first, then forms; None for binary/XML/text only."""
    for media in types:
        if _JSON_MEDIA.match(media.lower()):
            return media
    for media in types:
        if media.lower().split(";")[0].strip() in _FORM_MEDIA:
            return media
    return None


def _success(responses: Any, at: Pointer) -> tuple[str, Any, Pointer]:
    if not isinstance(responses, dict):
        return "", None, at
    for status in _SUCCESS:
        if status in responses:
            return status, responses[status], (*at, status)
    for status in sorted(str(key) for key in responses):
        if status.startswith("2"):
            return status, responses[status], (*at, status)
    return "", None, at


def parse_openapi(document: Document) -> ApiDocument:
    """The API described by ``document``; a :class:`SourceError` lists every structural problem."""
    if not isinstance(document.data, dict):
        raise SourceError(
            f"{document.path} is not an OpenAPI document",
            [
                Problem(
                    location=document.where(()),
                    message=f"the top level is a {type(document.data).__name__}, not a mapping",
                    fix="an OpenAPI document starts with `openapi: 3.x` and `paths:`",
                )
            ],
        )
    if not is_openapi(document.data):
        raise SourceError(
            f"{document.path} is not an OpenAPI document",
            [
                Problem(
                    location=document.where(()),
                    message="it has neither an `openapi` nor a `swagger` field",
                    fix="add `openapi: 3.0.3` (or `swagger: '2.0'`) at the top",
                )
            ],
        )
    from .normalize import normalize_api

    return normalize_api(_Reader(document).read())
