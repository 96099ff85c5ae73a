"""Endpoints, keys and limits from environment variables and the configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest

from envfactory_core.errors import ConfigError
from envfactory_core.llm import ModelId, Secret, Usage, default_config_path, load_settings, parse_settings


def test_model_ids_split_at_the_first_slash() -> None:
    assert ModelId.parse("vllm/Qwen/Qwen3-8B") == ModelId("vllm", "Qwen/Qwen3-8B")
    assert str(ModelId.parse("openai/gpt-4.1-mini")) == "openai/gpt-4.1-mini"
    with pytest.raises(ValueError, match="must look like 'backend/model'"):
        ModelId.parse("gpt-4.1-mini")
    with pytest.raises(ValueError, match="must start with a letter"):
        ModelId.parse("1bad/model")


def test_without_a_file_the_prefix_is_the_kind_and_variables_give_url_and_key() -> None:
    settings = load_settings(
        environ={"OPENAI_API_KEY": "sk-secret", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "HOME": "/nonexistent"}
    )
    endpoint = settings.endpoint("openai")
    assert endpoint.kind == "openai"
    assert endpoint.base_url == "http://127.0.0.1:9/v1"
    assert endpoint.api_key is not None
    assert endpoint.api_key.reveal() == "sk-secret"
    assert endpoint.api_key_source == "$OPENAI_API_KEY"
    assert settings.endpoint("anthropic").api_key is None


def test_keys_never_show_in_repr_or_descriptions() -> None:
    secret = Secret("sk-very-secret")
    assert "sk-very-secret" not in repr(secret)
    assert "sk-very-secret" not in str(secret)
    settings = load_settings(environ={"OPENAI_API_KEY": "sk-very-secret", "HOME": "/nonexistent"})
    endpoint = settings.endpoint("openai")
    assert "sk-very-secret" not in repr(endpoint)
    assert "sk-very-secret" not in str(endpoint.describe())
    assert endpoint.describe()["api_key"] == "set"


def test_named_endpoints_come_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "llm.toml"
    path.write_text(
        """
concurrency = 16
max_retries = 3

[backends.vllm]
kind = "openai"
base_url = "http://127.0.0.1:8000/v1"
api_key_env = "MY_VLLM_KEY"
tool_call_format = "hermes"
concurrency = 32

[backends.gateway]
kind = "anthropic"
api_key = "from-file"

[prices]
"vllm/*" = { input = 0.1, output = 0.2 }
""",
        encoding="utf-8",
    )
    settings = load_settings(path, environ={"MY_VLLM_KEY": "k1", "VLLM_BASE_URL": "http://127.0.0.1:8001/v1"})
    assert (settings.concurrency, settings.max_retries, settings.path) == (16, 3, str(path))
    vllm = settings.endpoint("vllm")
    assert (vllm.kind, vllm.concurrency, vllm.options) == ("openai", 32, {"tool_call_format": "hermes"})
    assert vllm.base_url == "http://127.0.0.1:8001/v1", "environment variables win over the file"
    assert vllm.api_key == Secret("k1")
    assert vllm.api_key_source == "$MY_VLLM_KEY"
    gateway = settings.endpoint("gateway")
    assert gateway.api_key == Secret("from-file")
    assert gateway.api_key_source == "config file"
    assert settings.prices.cost("vllm/Qwen3-8B", Usage(input_tokens=1_000_000, output_tokens=1_000_000)) == (
        pytest.approx(0.3),
        True,
    )


def test_every_problem_in_the_file_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(
            {
                "concurency": 4,
                "max_retries": -1,
                "backends": {"vllm": {"kind": 3}, "1x": {}},
                "prices": {"m/x": {"input": 1}},
            },
            path="llm.toml",
            environ={},
        )
    text = str(caught.value)
    assert "invalid LLM configuration in llm.toml (5 problems)" in text
    for fragment in (
        "concurency: is not a known setting",
        "max_retries: must be an integer >= 0",
        "backends.vllm.kind",
        "backends.1x",
        "prices.'m/x'",
    ):
        assert fragment in text


def test_the_file_location_follows_the_environment(tmp_path: Path) -> None:
    assert default_config_path({"ENVFACTORY_LLM_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    assert default_config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "envfactory" / "llm.toml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"ENVFACTORY_LLM_CONFIG": str(tmp_path / "missing.toml")})
    bad = tmp_path / "bad.toml"
    bad.write_text("concurrency = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, environ={})
    assert load_settings(environ={"XDG_CONFIG_HOME": str(tmp_path)}).path == ""
