"""``envfactory llm``: configured backends, a one-request ping, and a run's usage.

Also the options every command that calls models shares (``--no-cache``, ``--max-cost``,
``--max-calls``, ``--llm-concurrency``, ``--llm-config``) and :func:`client_from_options`, so the
pipeline's ``run`` command and this group build their :class:`~envfactory_core.llm.LLMClient`
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.table import Table

from ..contracts import LLM_BACKEND
from ..errors import UnknownComponentError
from ..ids import JsonValue
from ..llm import (
    KNOWN_BACKEND_PLUGINS,
    Budget,
    ChatRequest,
    LLMClient,
    LLMError,
    LLMSettings,
    UsageRow,
    UsageTotals,
    find_backend,
    load_settings,
    usage_from_store,
)
from ..models import Message
from ..registry import Registry
from ..store import RunStore
from .app import App, echo_json, fail, handle_errors, pass_app, stderr_console, stdout_console

__all__ = ["client_from_options", "llm_client_options", "llm_group", "usage_table"]

F = TypeVar("F", bound=Callable[..., Any])


def llm_client_options(function: F) -> F:
    """Add ``--no-cache``, ``--max-cost``, ``--max-calls``, ``--llm-concurrency`` and ``--llm-config``."""
    options = [
        click.option(
            "--llm-config",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="LLM configuration file (default: $ENVFACTORY_LLM_CONFIG or ~/.config/envfactory/llm.toml).",
        ),
        click.option(
            "--llm-concurrency", type=click.IntRange(min=1), default=None, help="Concurrent LLM calls per endpoint."
        ),
        click.option(
            "--max-calls",
            type=click.IntRange(min=0),
            default=None,
            help="Stop cleanly before the live LLM call that would exceed this many (cached replays are free).",
        ),
        click.option(
            "--max-cost",
            type=click.FloatRange(min=0),
            default=None,
            help="Stop cleanly once this many US dollars of LLM calls are spent; re-run with a larger cap to resume.",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            default=False,
            help="Do not answer LLM calls from the run's cache (fresh responses still refresh it).",
        ),
    ]
    for option in options:
        function = option(function)
    return function


def client_from_options(
    registry: Registry,
    *,
    store: RunStore | None = None,
    llm_config: Path | None = None,
    llm_concurrency: int | None = None,
    max_calls: int | None = None,
    max_cost: float | None = None,
    no_cache: bool = False,
    **_: Any,
) -> LLMClient:
    """An :class:`LLMClient` for the values of :func:`llm_client_options`."""
    return LLMClient(
        registry=registry,
        settings=load_settings(llm_config),
        store=store,
        concurrency=llm_concurrency,
        cache=not no_cache,
        budget=Budget(max_cost=max_cost, max_calls=max_calls),
    )


def _config_option(function: F) -> F:
    function = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        hidden=True,
        help="Deprecated spelling of --llm-config.",
    )(function)
    return click.option(
        "--llm-config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="LLM configuration file (default: $ENVFACTORY_LLM_CONFIG or ~/.config/envfactory/llm.toml).",
    )(function)


@click.group("llm")
def llm_group() -> None:
    """Configured LLM backends, a test request, and what a run spent on LLM calls.

    Model ids look like BACKEND/MODEL: openai/gpt-4.1-mini, anthropic/claude-sonnet-4-5, or
    vllm/Qwen3-8B for an endpoint declared as [backends.vllm] in the configuration file. Keys come
    from NAME_API_KEY variables (OPENAI_API_KEY, ...) or the file, and are never printed.
    """


def _endpoint_rows(app: App, settings: LLMSettings) -> list[dict[str, JsonValue]]:
    registered = {
        str(getattr(entry.component, "kind", "")): entry.name for entry in app.registry.components(LLM_BACKEND)
    }
    names = list(settings.endpoints) + [kind for kind in sorted(registered) if kind not in settings.endpoints]
    names += [kind for kind in sorted(KNOWN_BACKEND_PLUGINS) if kind not in names]
    rows: list[dict[str, JsonValue]] = []
    for name in names:
        endpoint = settings.endpoint(name)
        row = endpoint.describe()
        try:
            backend = find_backend(app.registry, endpoint.kind)
            row["backend"] = registered.get(endpoint.kind, str(getattr(backend, "name", "")))
            keyless = not getattr(backend, "needs_api_key", True)
            row["status"] = "ready" if endpoint.api_key or endpoint.base_url or keyless else "no API key"
        except (UnknownComponentError, ImportError) as error:
            row["backend"] = ""
            row["status"] = str(error)
        rows.append(row)
    return rows


@llm_group.command("models")
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
@handle_errors
def models_command(app: App, config_path: Path | None, as_json: bool) -> None:
    """List the model-id prefixes you can use: configured endpoints and installed backends.

    Shows each prefix's backend, base URL and whether an API key is set (never the key).
    """
    settings = load_settings(config_path)
    rows = _endpoint_rows(app, settings)
    if as_json:
        echo_json({"config_file": settings.path, "endpoints": rows})
        return
    table = Table(title=f"LLM endpoints ({settings.path or 'no configuration file; environment only'})")
    for column in ("prefix", "kind", "backend", "base URL", "API key", "status"):
        table.add_column(column, overflow="fold")
    for row in rows:
        key = "set" if row["api_key"] == "set" else "-"
        if row["api_key_source"]:
            key += f" ({row['api_key_source']})"
        table.add_row(
            str(row["name"]),
            str(row["kind"]),
            str(row["backend"]) or "-",
            str(row["base_url"]) or "(default)",
            key,
            str(row["status"]),
        )
    stdout_console().print(table)


@llm_group.command("ping")
@click.argument("model")
@_config_option
@click.option("--prompt", default="Reply with the single word: pong", show_default=True, help="The user message.")
@click.option(
    "--max-tokens", type=click.IntRange(min=1), default=16, show_default=True, help="Token limit of the reply."
)
@click.option(
    "--retries", type=click.IntRange(min=0), default=1, show_default=True, help="Retries on transient errors."
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds per attempt.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
@handle_errors
def ping_command(
    app: App,
    model: str,
    config_path: Path | None,
    prompt: str,
    max_tokens: int,
    retries: int,
    timeout: float,
    as_json: bool,
) -> None:
    """Send one tiny request to MODEL (e.g. openai/gpt-4.1-mini) and print latency and usage.

    Never cached. Exits 1 when the request fails (the message says why), 2 when MODEL cannot be
    resolved (unknown prefix, backend plugin or SDK not installed).
    """
    try:
        request = ChatRequest(model=model, messages=[Message(role="user", content=prompt)], max_tokens=max_tokens)
    except ValueError as error:
        fail(str(error))
        return
    client = LLMClient(
        registry=app.registry, settings=load_settings(config_path), cache=False, max_retries=retries, timeout=timeout
    )
    try:
        with stderr_console().status(f"pinging {model} ..."):
            response = client.chat_sync(request, stage="ping")
    except LLMError as error:
        if as_json:
            echo_json({"model": model, "ok": False, "error": str(error), "error_type": type(error).__name__})
        else:
            click.echo(f"ping failed: {error}", err=True)
        raise SystemExit(1) from None
    finally:
        client.close()
    record = client.records[-1]
    result: dict[str, JsonValue] = {
        "model": model,
        "ok": True,
        "served_model": response.served_model,
        "latency_ms": round(record.latency_ms, 1),
        "attempts": record.attempts,
        "input_tokens": response.usage.input_tokens,
        "output_tokens": response.usage.output_tokens,
        "cost_usd": round(record.cost_usd, 8),
        "priced": record.priced,
        "text": response.text,
        "finish_reason": response.finish_reason,
    }
    if as_json:
        echo_json(result)
        return
    price = f"${record.cost_usd:.6f}" if record.priced else "unpriced"
    click.echo(
        f"{model}: {record.latency_ms:.0f} ms, {response.usage.input_tokens} in / {response.usage.output_tokens} out "
        f"tokens, {price}, {record.attempts} attempt{'s' * (record.attempts != 1)}"
    )
    click.echo(f"reply: {response.text.strip()[:200]!r}")


def usage_table(totals: UsageTotals, *, title: str = "LLM usage") -> Table:
    """The usage table (rows by stage and model, then the total) that run summaries print too."""
    table = Table(title=title)
    for column in ("stage", "model"):
        longest = max([len(column), *(len(getattr(row, column)) for row in totals.rows)])
        table.add_column(column, no_wrap=True, min_width=min(longest, 40), overflow="fold")
    for column in ("calls", "cached", "errors", "retries", "input tok", "output tok", "cost $"):
        table.add_column(column, justify="right")

    def add(row: UsageRow, *, style: str = "") -> None:
        cost = f"{row.cost_usd:.4f}" + (" +unpriced" if row.unpriced else "")
        table.add_row(
            row.stage,
            row.model,
            str(row.calls),
            str(row.cached),
            str(row.errors),
            str(row.retries),
            f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            cost,
            style=style,
        )

    for row in totals.rows:
        add(row)
    if len(totals.rows) != 1:
        add(totals.total, style="bold")
    return table


@llm_group.command("usage")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option(
    "--by",
    type=click.Choice(["stage-model", "stage"]),
    default="stage-model",
    show_default=True,
    help="Group rows by stage and model, or by stage only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
@handle_errors
def usage_command(app: App, run_dir: Path, by: str, as_json: bool) -> None:
    """Calls, cache hits, errors, retries, tokens and cost of a run's LLM calls, by stage and model.

    Tokens and cost count live calls only: cached replays are free.
    """
    with RunStore(run_dir, create=False) as store:
        totals = usage_from_store(store)
    if by == "stage":
        totals = UsageTotals(rows=totals.by_stage())
    if as_json:
        echo_json(totals.as_json())
        return
    if not totals.rows:
        click.echo(f"no LLM calls recorded in {run_dir}")
        return
    stdout_console().print(usage_table(totals, title=f"LLM usage of {run_dir}"))
