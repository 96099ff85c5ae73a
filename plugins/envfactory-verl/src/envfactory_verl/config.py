"""The verl settings that run a ``verl/verl`` export with live envfactory environments.

``verl/verl`` writes the data, ``tools.yaml`` (every tool pointing at
:class:`~envfactory_verl.tools.EnvironmentTool`) and ``verl_config.yaml``. Two things make the
rollouts live: verl must know the ``envfactory_agent`` loop (an ``agent_loop.yaml`` naming its
class) and use it, and the reward should be this plugin's entry. :func:`write_config` writes
``agent_loop.yaml`` and ``envfactory_verl.yaml`` into the export directory, and
:func:`overrides` gives the same settings as ``key=value`` overrides for ``verl.trainer.main_ppo``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["AGENT_LOOP_FILE", "SETTINGS_FILE", "agent_loop_entries", "overrides", "settings", "write_config"]

AGENT_NAME = "envfactory_agent"
AGENT_LOOP_CLASS = "envfactory_verl.agent_loop.EnvironmentAgentLoop"
AGENT_LOOP_FILE = "agent_loop.yaml"
SETTINGS_FILE = "envfactory_verl.yaml"
REWARD_PATH = "pkg://envfactory_verl.reward"


def agent_loop_entries() -> list[dict[str, str]]:
    """verl's agent loop config: the name rows use and the class hydra instantiates."""
    return [{"name": AGENT_NAME, "_target_": AGENT_LOOP_CLASS}]


def settings(export_dir: Path, *, reward: str = "core/envfactory") -> dict[str, Any]:
    """The verl settings for the export in ``export_dir`` (absolute paths: Ray workers run elsewhere)."""
    root = export_dir.resolve()
    data: dict[str, Any] = {"return_raw_chat": True}
    if (root / "train.parquet").exists():
        data["train_files"] = str(root / "train.parquet")
    if (root / "validation.parquet").exists():
        data["val_files"] = str(root / "validation.parquet")
    return {
        "data": data,
        "actor_rollout_ref": {
            "rollout": {
                "multi_turn": {"enable": True, "format": "hermes", "tool_config_path": str(root / "tools.yaml")},
                "agent": {"default_agent_loop": AGENT_NAME, "agent_loop_config_path": str(root / AGENT_LOOP_FILE)},
            }
        },
        "reward": {
            "custom_reward_function": {
                "path": REWARD_PATH,
                "name": "compute_score",
                "reward_kwargs": {"reward": reward},
            }
        },
    }


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out.extend(_flatten(f"{prefix}.{key}" if prefix else key, item))
        return out
    return [(prefix, value)]


def overrides(export_dir: Path, *, reward: str = "core/envfactory") -> list[str]:
    """:func:`settings` as hydra overrides (``reward_kwargs`` is not in verl's schema: ``+`` adds it)."""
    lines = []
    for key, value in _flatten("", settings(export_dir, reward=reward)):
        text = str(value).lower() if isinstance(value, bool) else str(value)
        prefix = "+" if ".reward_kwargs." in key else ""
        lines.append(f"{prefix}{key}={text}")
    return lines


def write_config(export_dir: Path, *, reward: str = "core/envfactory") -> list[Path]:
    """Write ``agent_loop.yaml`` and ``envfactory_verl.yaml`` into ``export_dir``; returns their paths."""
    agent_loop = export_dir / AGENT_LOOP_FILE
    agent_loop.write_text(
        "# verl agent loops (actor_rollout_ref.rollout.agent.agent_loop_config_path), written by envfactory-verl.\n"
        + yaml.safe_dump(agent_loop_entries(), sort_keys=False),
        encoding="utf-8",
    )
    merged = export_dir / SETTINGS_FILE
    merged.write_text(
        "# verl settings for live envfactory rollouts of this export (merge into your trainer config).\n"
        + yaml.safe_dump(settings(export_dir, reward=reward), sort_keys=False),
        encoding="utf-8",
    )
    return [agent_loop, merged]
