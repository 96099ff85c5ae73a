"""Where endpoints, keys and limits come from.

Each model-id prefix names an *endpoint*: a backend kind (which plugin speaks to it), a base URL
and an API key. Without configuration, the prefix is the kind (``openai/…`` uses the ``openai``
backend) and the URL and key come from ``NAME_BASE_URL`` and ``NAME_API_KEY`` (``OPENAI_API_KEY``,
``ANTHROPIC_API_KEY``, ...). A TOML file adds named endpoints, so an OpenAI-compatible server
becomes its own prefix::

    # ~/.config/envfactory/llm.toml  (or the file named by ENVFACTORY_LLM_CONFIG)
    concurrency = 16

    [backends.vllm]
    kind = "openai"
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "VLLM_API_KEY"      # or api_key = "..." (the file is then a secret)
    tool_call_format = "hermes"       # any other key is an option for the backend

    [prices]
    "vllm/*" = { input = 0, output = 0 }

Environment variables win over the file. Keys are held in :class:`Secret`, whose ``repr`` and
``str`` never show the value, and are never part of a cache key, a call record or a log line.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import ConfigError, Problem
from ..ids import JsonValue
from .prices import Price, PriceTable

__all__ = [
    "CONFIG_ENV_VAR",
    "EndpointConfig",
    "LLMSettings",
    "Secret",
    "default_config_path",
    "env_prefix",
    "load_settings",
]

CONFIG_ENV_VAR = "ENVFACTORY_LLM_CONFIG"

_ENDPOINT_KEYS = {"kind", "base_url", "api_key", "api_key_env", "timeout", "concurrency", "description"}
_TOP_KEYS = {
    "concurrency",
    "max_retries",
    "timeout",
    "backoff_base",
    "backoff_max",
    "max_retry_after",
    "backends",
    "prices",
}


class Secret:
    """A value that never shows itself in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself: call only where it is handed to the vendor SDK."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def env_prefix(name: str) -> str:
    """``vllm-local`` → ``VLLM_LOCAL``: the prefix of an endpoint's environment variables."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$ENVFACTORY_LLM_CONFIG``, else ``$XDG_CONFIG_HOME/envfactory/llm.toml`` (``~/.config`` by default)."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_ENV_VAR):
        return Path(environ[CONFIG_ENV_VAR]).expanduser()
    if environ.get("XDG_CONFIG_HOME"):
        base = Path(environ["XDG_CONFIG_HOME"]).expanduser()
    else:
        base = (Path(environ["HOME"]) if environ.get("HOME") else Path.home()) / ".config"
    return base / "envfactory" / "llm.toml"


@attrs.frozen(kw_only=True)
class EndpointConfig:
    """How to reach one model-id prefix. ``options`` holds backend-specific settings."""

    name: str
    kind: str
    base_url: str = ""
    api_key: Secret | None = attrs.field(default=None, eq=False)
    api_key_source: str = ""
    timeout: float | None = None
    concurrency: int | None = None
    description: str = ""
    options: dict[str, JsonValue] = attrs.field(factory=dict, hash=False)
    configured: bool = False
    """True when the endpoint is declared in the configuration file."""

    def describe(self) -> dict[str, JsonValue]:
        """A JSON description that is safe to print: it says whether a key is set, never the key."""
        return {
            "name": self.name,
            "kind": self.kind,
            "base_url": self.base_url,
            "api_key": "set" if self.api_key else "not set",
            "api_key_source": self.api_key_source,
            "timeout": self.timeout,
            "concurrency": self.concurrency,
            "configured": self.configured,
            "description": self.description,
            "options": self.options,
        }


@attrs.frozen(kw_only=True)
class LLMSettings:
    """Every LLM setting: endpoints, client limits, retry policy and prices."""

    endpoints: dict[str, EndpointConfig] = attrs.field(factory=dict, hash=False)
    concurrency: int = 8
    max_retries: int = 6
    timeout: float = 120.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    prices: PriceTable = attrs.field(factory=PriceTable, eq=False, hash=False)
    path: str = ""
    environ: Mapping[str, str] = attrs.field(factory=lambda: dict(os.environ), eq=False, hash=False, repr=False)

    def endpoint(self, name: str) -> EndpointConfig:
        """The endpoint for a model-id prefix: configured, or derived from ``NAME_*`` variables."""
        configured = self.endpoints.get(name)
        prefix = env_prefix(name)
        if configured is None:
            key = self.environ.get(f"{prefix}_API_KEY")
            return EndpointConfig(
                name=name,
                kind=name,
                base_url=self.environ.get(f"{prefix}_BASE_URL", ""),
                api_key=Secret(key) if key else None,
                api_key_source=f"${prefix}_API_KEY" if key else "",
            )
        base_url = self.environ.get(f"{prefix}_BASE_URL") or configured.base_url
        return attrs.evolve(configured, base_url=base_url)


def _problem(problems: list[Problem], location: str, message: str, fix: str = "") -> None:
    problems.append(Problem(location=location, message=message, fix=fix))


def _number(problems: list[Problem], where: str, value: Any, *, integer: bool = False, minimum: float = 0) -> Any:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or (integer and not isinstance(value, int)) or value < minimum:
        what = "an integer" if integer else "a number"
        _problem(problems, where, f"must be {what} >= {minimum}, got {value!r}")
        return None
    return value


def _endpoint(
    name: str, table: Any, where: str, environ: Mapping[str, str], problems: list[Problem]
) -> EndpointConfig | None:
    if not isinstance(table, dict):
        _problem(problems, where, "must be a table", f"write [backends.{name}] with kind = ... and base_url = ...")
        return None
    kind = table.get("kind", name)
    if not isinstance(kind, str) or not kind:
        _problem(problems, f"{where}.kind", f"must be a backend kind such as 'openai' or 'anthropic', got {kind!r}")
        return None
    base_url = table.get("base_url", "")
    if not isinstance(base_url, str):
        _problem(problems, f"{where}.base_url", f"must be a string URL, got {type(base_url).__name__}")
        base_url = ""
    api_key: Secret | None = None
    source = ""
    key_env = table.get("api_key_env", f"{env_prefix(name)}_API_KEY")
    if not isinstance(key_env, str):
        _problem(problems, f"{where}.api_key_env", "must be the name of an environment variable")
        key_env = f"{env_prefix(name)}_API_KEY"
    if environ.get(key_env):
        api_key, source = Secret(environ[key_env]), f"${key_env}"
    elif "api_key" in table:
        if not isinstance(table["api_key"], str):
            _problem(problems, f"{where}.api_key", "must be a string")
        else:
            api_key, source = Secret(table["api_key"]), "config file"
    timeout = _number(problems, f"{where}.timeout", table["timeout"]) if "timeout" in table else None
    concurrency = (
        _number(problems, f"{where}.concurrency", table["concurrency"], integer=True, minimum=1)
        if "concurrency" in table
        else None
    )
    description = table.get("description", "")
    options = {key: value for key, value in table.items() if key not in _ENDPOINT_KEYS}
    return EndpointConfig(
        name=name,
        kind=kind,
        base_url=base_url,
        api_key=api_key,
        api_key_source=source,
        timeout=timeout,
        concurrency=concurrency,
        description=str(description),
        options=options,
        configured=True,
    )


def _prices(table: Any, problems: list[Problem]) -> dict[str, Price]:
    if not isinstance(table, dict):
        _problem(problems, "prices", "must be a table of model id (or pattern) = { input = ..., output = ... }")
        return {}
    prices: dict[str, Price] = {}
    for model, entry in table.items():
        where = f"prices.{model!r}"
        if (
            not isinstance(entry, dict)
            or not {"input", "output"} <= set(entry)
            or set(entry) - {"input", "output", "cached_input"}
        ):
            _problem(
                problems,
                where,
                f"must be {{ input = N, output = N[, cached_input = N] }} in dollars per million tokens, got {entry!r}",
            )
            continue
        try:
            prices[model] = Price(**entry)
        except (TypeError, ValueError) as error:
            _problem(problems, where, str(error))
    return prices


def parse_settings(data: Mapping[str, Any], *, path: str = "", environ: Mapping[str, str] | None = None) -> LLMSettings:
    """Settings from a parsed configuration mapping; every problem is reported at once."""
    environ = dict(os.environ if environ is None else environ)
    problems: list[Problem] = []
    for key in sorted(set(data) - _TOP_KEYS):
        _problem(problems, key, "is not a known setting", f"use one of: {', '.join(sorted(_TOP_KEYS))}")
    values: dict[str, Any] = {}
    for key, integer, minimum in (
        ("concurrency", True, 1),
        ("max_retries", True, 0),
        ("timeout", False, 0),
        ("backoff_base", False, 0),
        ("backoff_max", False, 0),
        ("max_retry_after", False, 0),
    ):
        if key in data:
            value = _number(problems, key, data[key], integer=integer, minimum=minimum)
            if value is not None:
                values[key] = value
    endpoints: dict[str, EndpointConfig] = {}
    backends = data.get("backends", {})
    if not isinstance(backends, dict):
        _problem(problems, "backends", "must be a table of [backends.NAME] tables")
        backends = {}
    for name, table in backends.items():
        if not re.match(r"^[A-Za-z][A-Za-z0-9_.-]*$", name):
            _problem(problems, f"backends.{name}", "the name must start with a letter: it becomes the model-id prefix")
            continue
        endpoint = _endpoint(name, table, f"backends.{name}", environ, problems)
        if endpoint is not None:
            endpoints[name] = endpoint
    prices = PriceTable().with_prices(_prices(data["prices"], problems)) if "prices" in data else PriceTable()
    if problems:
        raise ConfigError(f"invalid LLM configuration{f' in {path}' if path else ''}", problems)
    return LLMSettings(endpoints=endpoints, prices=prices, path=path, environ=environ, **values)


def load_settings(path: str | Path | None = None, *, environ: Mapping[str, str] | None = None) -> LLMSettings:
    """Read the configuration file (if there is one) and the environment.

    ``path`` overrides the default location; naming a file that does not exist is an error, while
    a missing file at the default location just means "environment variables only".
    """
    environ = dict(os.environ if environ is None else environ)
    explicit = path is not None or bool(environ.get(CONFIG_ENV_VAR))
    config_path = Path(path).expanduser() if path is not None else default_config_path(environ)
    if not config_path.exists():
        if explicit:
            raise ConfigError(
                "LLM configuration file not found",
                [
                    Problem(
                        location=str(config_path), message="does not exist", fix=f"create it or unset {CONFIG_ENV_VAR}"
                    )
                ],
            )
        return parse_settings({}, environ=environ)
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            "LLM configuration file is not valid TOML", [Problem(location=str(config_path), message=str(error))]
        ) from error
    return parse_settings(data, path=str(config_path), environ=environ)
