"""``verl/verl``: verl RL parquet, its tool config, and a reward function that scores its rows.

Needs ``pyarrow`` (a dependency of envfactory-verl). Writes, per split, a parquet file
of rows in verl's RL dataset shape::

    {"data_source": "envfactory/bookshop", "agent_name": "envfactory_agent", "ability": "tool_use",
     "prompt": [{"role": "system", "content": "..."}, ..., {"role": "user", "content": "..."}],
     "reward_model": {"style": "rule",
                      "ground_truth": "[{\\"name\\": ..., \\"arguments\\": {...}, \\"masked_arguments\\": [...]}]"},
     "extra_info": {"index": 0, "split": "train", "task_id": "sha256:...", "turn": 0, "kind": "write",
                    "environments": ["bookshop"], "tool_selection": ["bookshop__place_order", ...],
                    "initial_state": "<JSON>", "gold_state": "<JSON>", "prefix_calls": "<JSON>",
                    "masked_arguments": [["limit"], []], "answer_facts": []}}

``rows = "turn"`` (default, as the reference implementation) writes one row per user turn that
has gold calls: the prompt holds the earlier turns (tool calls and results as Hermes text, the
form chat templates render; from the trajectory when it reached the gold state, else from the
gold calls), the ground truth is that turn's gold calls, and the goal is the state after them.
A rollout starts from the task's ``initial_state`` and first replays ``prefix_calls`` (the
earlier turns' gold calls), so ids the environments create come out as they did when the task
was grounded. ``rows = "task"`` writes one row per task with every
request in one user message.

Everything whose shape differs from row to row (states, gold calls, arguments) is a JSON string,
and the parquet schema is fixed up front: parquet readers merge dict columns into one struct
with the union of keys filled with nulls, which would change states and crash trainers that
look tools up by name. Alongside the parquet files: ``tools.yaml`` (every tool's schema
normalised for verl, see :mod:`.schema`), ``reward_fn.py`` (``compute_score``, scoring a
response with our reward through :mod:`envfactory_verl.reward`) and ``verl_config.yaml`` (the
settings that point verl at them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import yaml

from envfactory_core.errors import MissingDependencyError, Problem
from envfactory_core.export import ExportedFile, ExportError, ExportItem, ExportResult, Split
from envfactory_core.export.chat import assistant_text, gold_call_json, openai_tool, system_text
from envfactory_core.export.validation import raise_problems
from envfactory_core.export.writing import SPLITS, JsonlSplitWriter, Skips, file_digest, text_file
from envfactory_core.ids import JsonValue, canonical_json
from envfactory_core.llm.hermes import format_tool_call
from envfactory_core.models import Message, ToolSpec

from .schema import normalize_tool, verl_schema_problems

__all__ = ["NAMESPACE", "PARQUET_INSTALL", "VerlExporter", "reward_module_source", "row_problems", "verl_arrow_schema"]

NAMESPACE = "verl"
"""The plugin's namespace (its entry point name): the exporter's full name is ``verl/verl``."""

PARQUET_INSTALL = 'pip install "pyarrow>=15"'
TOOLS_FILE = "tools.yaml"
REWARD_FILE = "reward_fn.py"
CONFIG_FILE = "verl_config.yaml"
AGENT_LOOP_FILE = "agent_loop.yaml"


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise MissingDependencyError("pyarrow", PARQUET_INSTALL, "the verl/verl exporter (parquet files)") from error
    return pyarrow, pyarrow.parquet


def verl_arrow_schema() -> Any:
    """The fixed parquet schema of ``verl/verl`` rows (a ``pyarrow.Schema``)."""
    pa, _ = _pyarrow()
    strings = pa.list_(pa.string())
    return pa.schema(
        [
            ("data_source", pa.string()),
            ("agent_name", pa.string()),
            ("prompt", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
            ("ability", pa.string()),
            ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
            (
                "extra_info",
                pa.struct(
                    [
                        ("index", pa.int64()),
                        ("split", pa.string()),
                        ("task_id", pa.string()),
                        ("turn", pa.int64()),
                        ("kind", pa.string()),
                        ("environments", strings),
                        ("tool_selection", strings),
                        ("initial_state", pa.string()),
                        ("gold_state", pa.string()),
                        ("prefix_calls", pa.string()),
                        ("masked_arguments", pa.list_(strings)),
                        ("answer_facts", strings),
                    ]
                ),
            ),
        ]
    )


def reward_module_source(reward: str, options: Mapping[str, Any]) -> str:
    """The text of ``reward_fn.py``: verl's ``compute_score`` entry over our reward."""
    options_json = json.dumps(dict(options), sort_keys=True)
    return f'''"""verl reward function for rows written by envfactory's verl/verl exporter.

Point verl at it (see verl_config.yaml):
    reward.custom_reward_function.path=reward_fn.py  reward.custom_reward_function.name=compute_score

compute_score reads the model's <tool_call> blocks from the response, takes the final world
state from extra_info["final_state"] when the rollout recorded it (else replays the calls on the
installed environments from the row's initial state), and scores them with the reward below.
Needs envfactory-verl and the domain packages of the row's environments in the reward worker.
"""

import json

from envfactory_verl.reward import reward_component, score_response

REWARD = {reward!r}
REWARD_OPTIONS = json.loads({options_json!r})


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """The reward of one response: a dict with "score" and the reward's components."""
    return score_response(solution_str, ground_truth, extra_info, reward=reward_component(REWARD, REWARD_OPTIONS))
'''


@attrs.frozen(kw_only=True)
class VerlExporter:
    """verl RL parquet (one row per turn or per task) with tools.yaml, reward_fn.py and verl_config.yaml."""

    name: str = "verl"
    description: str = "verl RL parquet + normalised tools.yaml + compute_score module."
    rows: Literal["turn", "task"] = "turn"
    data_source: str = "envfactory"
    """Prefix of each row's ``data_source`` (``envfactory/bookshop+notes``)."""
    agent_name: str = "envfactory_agent"
    """The verl agent loop rows name; ``envfactory_agent`` (the verl adapter plugin's loop) tells the
    tool where each trajectory starts and ends, which verl's stock ``tool_agent`` does not."""
    agent_loop_class: str = "envfactory_verl.agent_loop.EnvironmentAgentLoop"
    tool_class: str = "envfactory_verl.tools.EnvironmentTool"
    """The verl ``BaseTool`` class named in ``tools.yaml`` (provided by the verl adapter plugin)."""
    reward: str = "core/envfactory"
    reward_options: dict[str, Any] = attrs.field(factory=dict, hash=False)
    jsonl: bool = False
    """Also write the rows as ``{split}.jsonl`` (TRL and SkyRL read JSONL)."""
    compression: Literal["zstd", "snappy", "gzip", "none"] = "zstd"
    batch_rows: int = attrs.field(default=512, validator=attrs.validators.ge(1))
    """Rows buffered per split before they are written as one parquet row group."""

    # --- rows -----------------------------------------------------------------------------------------

    def item_rows(self, item: ExportItem) -> list[dict[str, JsonValue]] | str:
        """The rows of one item (without ``index``), or why it has none."""
        task = item.task
        if not task.turns:
            return "no_turns"
        system = system_text(item)
        tool_names = [tool.name for tool in item.tools]
        source = f"{self.data_source}/{'+'.join(task.environments)}"
        common = {"environments": list(task.environments), "tool_selection": tool_names, "kind": task.kind}
        if self.rows == "task" or len(task.turns) <= 1:
            calls = list(range(len(task.gold_calls)))
            if not calls:
                return "no_gold_calls"
            prompt = [*self._system(system), {"role": "user", "content": task.request}]
            turn = -1 if self.rows == "task" else 0
            return [self._row(item, source, prompt, calls, [], item.gold_state, turn, common)]
        rows: list[dict[str, JsonValue]] = []
        history = _History(item)
        prefix: list[int] = []
        for number, turn_record in enumerate(task.turns):
            if turn_record.calls:
                last = number == len(task.turns) - 1
                gold = item.gold_state if last else item.states.get(turn_record.gold_state_id)
                if gold is None:
                    return "turn_state_missing"
                prompt = [
                    *self._system(system),
                    *history.before(number),
                    {"role": "user", "content": turn_record.request},
                ]
                rows.append(self._row(item, source, prompt, list(turn_record.calls), prefix, gold, number, common))
            prefix = [*prefix, *turn_record.calls]
        return rows or "no_gold_calls"

    @staticmethod
    def _system(system: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": system}] if system else []

    def _row(
        self,
        item: ExportItem,
        source: str,
        prompt: list[dict[str, str]],
        calls: list[int],
        prefix: list[int],
        gold_state: Mapping[str, Any],
        turn: int,
        common: dict[str, Any],
    ) -> dict[str, JsonValue]:
        task = item.task
        gold = [gold_call_json(task.gold_calls[index]) for index in calls]
        prefix_calls = [
            {
                "name": task.gold_calls[index].call.qualified_name,
                "arguments": dict(task.gold_calls[index].call.arguments),
            }
            for index in prefix
        ]
        return {
            "data_source": source,
            "agent_name": self.agent_name,
            "prompt": prompt,
            "ability": "tool_use",
            "reward_model": {"style": "rule", "ground_truth": json.dumps(gold, ensure_ascii=False)},
            "extra_info": {
                "index": 0,
                "split": item.split,
                "task_id": task.id,
                "turn": turn,
                "kind": common["kind"],
                "environments": common["environments"],
                "tool_selection": common["tool_selection"],
                "initial_state": canonical_json(item.initial_state),
                "gold_state": canonical_json(gold_state),
                "prefix_calls": json.dumps(prefix_calls, ensure_ascii=False),
                "masked_arguments": [list(task.gold_calls[index].masked_arguments) for index in calls],
                "answer_facts": list(task.answer_facts) if turn in (-1, len(task.turns) - 1) else [],
            },
        }

    # --- writing ------------------------------------------------------------------------------------------

    def export(self, items: Iterable[ExportItem], directory: Path) -> ExportResult:
        pa, pq = _pyarrow()
        schema = verl_arrow_schema()
        skips = Skips()
        writers: dict[str, Any] = {}
        buffers: dict[str, list[dict[str, JsonValue]]] = {split: [] for split in SPLITS}
        counts: dict[str, int] = dict.fromkeys(SPLITS, 0)
        tools: dict[str, ToolSpec] = {}
        notes: list[str] = []
        compression = None if self.compression == "none" else self.compression

        def flush(split: Split) -> None:
            rows = buffers[split]
            if not rows:
                return
            if split not in writers:
                writers[split] = pq.ParquetWriter(
                    str(directory / f"{split}.parquet"), schema, compression=compression, write_statistics=False
                )
            writers[split].write_table(pa.Table.from_pylist(rows, schema=schema), row_group_size=len(rows))
            rows.clear()

        jsonl = JsonlSplitWriter(directory) if self.jsonl else None
        try:
            for item in items:
                for tool in item.tools:
                    known = tools.setdefault(tool.name, tool)
                    if known is not tool and known != tool:
                        notes.append(f"{tool.name}: two different specs; tools.yaml has the first")
                rows = self.item_rows(item)
                if isinstance(rows, str):
                    skips.add(rows)
                    continue
                for row in rows:
                    row["extra_info"]["index"] = counts[item.split]
                    counts[item.split] += 1
                    raise_problems(f"{NAMESPACE}/{self.name}", item, row_problems(row))
                    buffers[item.split].append(row)
                    if jsonl is not None:
                        jsonl.write(item.split, row)
                if len(buffers[item.split]) >= self.batch_rows:
                    flush(item.split)
            for split in SPLITS:
                flush(split)
        finally:
            for writer in writers.values():
                writer.close()
            if jsonl is not None:
                jsonl.close()
        files: list[ExportedFile] = []
        for split in SPLITS:
            if split in writers:
                path = directory / f"{split}.parquet"
                files.append(ExportedFile(path=path.name, records=counts[split], sha256=file_digest(path)))
        if jsonl is not None:
            files.extend(jsonl.files())
        files.append(text_file(directory, TOOLS_FILE, self.tools_yaml(tools, notes)))
        files.append(text_file(directory, REWARD_FILE, reward_module_source(self.reward, self.reward_options)))
        files.append(text_file(directory, CONFIG_FILE, self.config_yaml([s for s in SPLITS if counts[s]])))
        files.append(text_file(directory, AGENT_LOOP_FILE, self.agent_loop_yaml()))
        return ExportResult(exporter=f"{NAMESPACE}/{self.name}", files=tuple(files), skipped=skips.result())

    def tools_yaml(self, tools: Mapping[str, ToolSpec], notes: list[str]) -> str:
        """verl's tool config: every tool with its schema normalised, notes as comments on top."""
        entries = []
        problems: list[str] = []
        for name in sorted(tools):
            schema, tool_notes = normalize_tool(openai_tool(tools[name]))
            notes.extend(tool_notes)
            problems.extend(verl_schema_problems(schema))
            environment = name.partition("__")[0]
            entries.append(
                {
                    "class_name": self.tool_class,
                    "config": {"type": "native", "environment": environment},
                    "tool_schema": schema,
                }
            )
        if problems:
            raise ExportError(
                f"{NAMESPACE}/{self.name}: a normalised tool schema breaks verl's rules",
                [Problem(location=TOOLS_FILE, message=problem) for problem in problems],
            )
        header = [
            "# verl tool config (actor_rollout_ref.rollout.multi_turn.tool_config_path), written by verl/verl.",
            "# class_name is the verl BaseTool that runs envfactory environments (option tool_class).",
        ]
        header.extend(f"# note: {note}" for note in dict.fromkeys(notes))
        body = str(yaml.safe_dump({"tools": entries}, sort_keys=False, allow_unicode=True, width=1000))
        return "\n".join(header) + "\n" + body

    def agent_loop_yaml(self) -> str:
        """verl's agent-loop registry entry for the loop the rows name."""
        header = "# verl agent loops (actor_rollout_ref.rollout.agent.agent_loop_config_path), written by verl/verl.\n"
        return header + str(
            yaml.safe_dump([{"name": self.agent_name, "_target_": self.agent_loop_class}], sort_keys=False)
        )

    def config_yaml(self, splits: list[str]) -> str:
        """The verl settings that use this export (paths relative to the export directory)."""
        data: dict[str, Any] = {"return_raw_chat": True}
        if "train" in splits:
            data["train_files"] = "train.parquet"
        if "validation" in splits:
            data["val_files"] = "validation.parquet"
        settings = {
            "data": data,
            "actor_rollout_ref": {
                "rollout": {
                    "multi_turn": {"enable": True, "format": "hermes", "tool_config_path": TOOLS_FILE},
                    "agent": {"default_agent_loop": self.agent_name, "agent_loop_config_path": AGENT_LOOP_FILE},
                }
            },
            "reward": {"custom_reward_function": {"path": REWARD_FILE, "name": "compute_score"}},
        }
        header = (
            "# verl settings for this export (paths are relative to this directory; make them absolute or\n"
            "# run verl from here). Merge into your trainer config, or pass each as key=value overrides.\n"
        )
        return header + str(yaml.safe_dump(settings, sort_keys=False))


class _History:
    """The conversation before each turn, flattened to role + text as chat templates render it.

    It is the trajectory's when the trajectory has one user message per turn and reached the gold
    state (so what the prompt shows is what replaying the gold prefix gives), else it is built
    from the gold calls and their outputs.
    """

    def __init__(self, item: ExportItem) -> None:
        self.item = item
        self.messages: tuple[Message, ...] = ()
        self.starts: list[int] = []
        trajectory = item.trajectory
        verdict = trajectory.reward("core/envfactory") if trajectory is not None else None
        if trajectory is not None and (verdict is None or verdict.components.get("state", 0.0) >= 1.0):
            starts = [index for index, message in enumerate(trajectory.messages) if message.role == "user"]
            requests = [trajectory.messages[index].content for index in starts]
            if requests == [turn.request for turn in item.task.turns]:
                self.messages, self.starts = trajectory.messages, starts

    def before(self, turn: int) -> list[dict[str, str]]:
        if self.starts:
            return [_flat(message) for message in self.messages[self.starts[0] : self.starts[turn]]]
        return self._from_gold(turn)

    def _from_gold(self, turn: int) -> list[dict[str, str]]:
        """Without a matching trajectory: each earlier turn's request, gold calls and their outputs."""
        task = self.item.task
        out: list[dict[str, str]] = []
        for record in task.turns[:turn]:
            out.append({"role": "user", "content": record.request})
            for index in record.calls:
                gold = task.gold_calls[index]
                out.append(
                    {
                        "role": "assistant",
                        "content": format_tool_call(gold.call.qualified_name, dict(gold.call.arguments)),
                    }
                )
                out.append({"role": "tool", "content": json.dumps(gold.output, ensure_ascii=False, sort_keys=True)})
        return out


def _flat(message: Message) -> dict[str, str]:
    if message.role == "assistant":
        return {"role": "assistant", "content": assistant_text(message, reasoning=False)}
    return {"role": message.role, "content": message.content}


def row_problems(row: dict[str, JsonValue]) -> list[str]:
    """What would make verl, or our reward function, fail on a row."""
    problems: list[str] = []
    prompt = row.get("prompt")
    if not isinstance(prompt, list) or not prompt:
        return ["prompt must be a non-empty list of messages"]
    if not all(
        isinstance(m, dict) and set(m) == {"role", "content"} and all(isinstance(v, str) for v in m.values())
        for m in prompt
    ):
        problems.append("every prompt message must be {role, content} strings")
    elif prompt[-1]["role"] != "user":
        problems.append("the prompt must end with the user's request")
    info = row.get("extra_info")
    reward_model = row.get("reward_model")
    if not isinstance(info, dict) or not isinstance(reward_model, dict):
        return [*problems, "extra_info and reward_model must be objects"]
    try:
        gold = json.loads(reward_model["ground_truth"])
        for key in ("initial_state", "gold_state", "prefix_calls"):
            json.loads(info[key])
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        return [*problems, f"a JSON field does not parse: {error}"]
    selection = set(info.get("tool_selection") or [])
    for call in gold:
        if call.get("name") not in selection:
            problems.append(f"gold call {call.get('name')!r} is not in tool_selection")
    if len(info.get("masked_arguments") or []) != len(gold):
        problems.append("masked_arguments must have one list per gold call")
    return problems
