"""Real GRPO training steps on CPU with live envfactory environments in TRL's rollouts.

The model is a tiny Qwen2 built from a config with random weights, and the tokenizer is made
here (a word-level ``tokenizers`` model over the pieces of the rendered prompts, so nothing is
unknown, with TRL's Qwen3 chat template), so nothing is downloaded. A random model does not write
tool calls on its own; to make rollouts call tools, each candidate call (a gold call of the rows,
or a wrong variant of it) is one added token, and generation is steered toward those tokens with
``sequence_bias`` in ``GRPOConfig.generation_kwargs``. Which call, how many, and in what order
is still sampled from the model; everything after — TRL parsing the calls, running them on the
rollout's environment, feeding results back, our reward, the GRPO loss and the optimizer step — is
TRL's real training path.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

import pytest

from envfactory_core.env import hash_world
from envfactory_core.llm.hermes import format_tool_call
from envfactory_core.rewards.envfactory import EnvFactoryReward
from envfactory_core.rewards.rollouts import RolloutTask
from envfactory_core.tasks.replay import replay_calls

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("trl") is None or importlib.util.find_spec("torch") is None,
        reason="needs trl and torch, in the heavy test group: pip install -r requirements-heavy.txt",
    ),
]

PIECES = re.compile(r"\w+|[^\w\s]|\s+")
TAGS = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<think>", "</think>"]
STEPS = 2
GENERATIONS = 4


def _candidate_calls(rows: list[dict[str, Any]]) -> list[str]:
    """Each row's gold calls, and a wrong variant of its first call, as Hermes blocks."""
    blocks = []
    for row in rows:
        task = RolloutTask.from_row(row)
        for gold in task.gold_calls:
            blocks.append(format_tool_call(gold.call.qualified_name, dict(gold.call.arguments)).strip())
        first = task.gold_calls[0].call
        wrong = {key: value + " (draft)" if isinstance(value, str) else value for key, value in first.arguments.items()}
        blocks.append(format_tool_call(first.qualified_name, wrong).strip())
    return list(dict.fromkeys(blocks))


def _tokenizer(words: list[str], blocks: list[str]) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import AddedToken, PreTrainedTokenizerFast
    from trl.chat_template_utils import qwen3_chat_template

    vocab = {word: index for index, word in enumerate(["<unk>", "<|endoftext|>", "<|im_end|>", *words])}
    model = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    model.pre_tokenizer = pre_tokenizers.Split(Regex(PIECES.pattern), behavior="isolated")
    model.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=model, unk_token="<unk>", pad_token="<|endoftext|>", eos_token="<|im_end|>"
    )
    tokenizer.add_special_tokens({"additional_special_tokens": [AddedToken("<|im_start|>", normalized=False)]})
    tokenizer.add_tokens([AddedToken(text, special=False, normalized=False) for text in TAGS + blocks])
    tokenizer.chat_template = qwen3_chat_template
    tokenizer.padding_side = "left"
    return tokenizer


def _vocabulary(rows: list[dict[str, Any]], training: Any, blocks: list[str]) -> list[str]:
    """Every piece of every rendered prompt, so the word-level tokenizer knows all of them."""
    probe = _tokenizer([], blocks)
    texts = [
        probe.apply_chat_template(
            [{"role": "user", "content": "x"}, {"role": "assistant", "content": "", "tool_calls": []}],
            tokenize=False,
        )
    ]
    for row in rows:
        methods = [
            method.function for method in training.environment_factory[row["environment"]]._tool_methods.values()
        ]
        texts.append(
            probe.apply_chat_template(row["prompt"], tools=methods, tokenize=False, add_generation_prompt=True)
        )
    special = {"<|im_start|>", "<|im_end|>", "<|endoftext|>", *TAGS, *blocks}
    return sorted({piece for text in texts for piece in PIECES.findall(text)} - special)


def test_grpo_trains_on_exported_tasks_with_live_environments(export_dir, example, tmp_path: Path) -> None:
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    import datasets
    import torch
    from envfactory_trl import prepare
    from transformers import Qwen2Config, Qwen2ForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    training = prepare(export_dir, environments=example.environments, log_path=tmp_path / "rollouts.jsonl")
    # first turns of the notes tasks: writes, so a wrong call changes the state and the reward
    rows = [row for row in training.dataset if row["environment"] == "notes" and row["extra_info"]["turn"] == 0]
    assert rows
    blocks = _candidate_calls(rows)
    tokenizer = _tokenizer(_vocabulary(rows, training, blocks), blocks)

    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    before = [parameter.detach().clone() for parameter in model.parameters()]
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    bias = []
    for token in tokenizer.convert_tokens_to_ids(blocks):
        bias.append([[token], 12.0])  # start with one of the candidate calls ...
        bias.append([[token, end], 40.0])  # ... and end the turn after it
    args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"),
        per_device_train_batch_size=GENERATIONS,
        num_generations=GENERATIONS,
        max_steps=STEPS,
        max_completion_length=400,
        max_tool_calling_iterations=2,
        learning_rate=1e-2,
        beta=0.0,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        seed=0,
        generation_kwargs={"sequence_bias": bias},
    )
    trainer = GRPOTrainer(
        model=model,
        processing_class=tokenizer,
        args=args,
        train_dataset=datasets.Dataset.from_list(rows),
        environment_factory=training.environment_factory,
        reward_funcs=training.reward_funcs,
    )
    trainer.train()

    # real training steps, with our reward and its components in the trainer's logs
    assert trainer.state.global_step == STEPS
    logged = [entry for entry in trainer.state.log_history if "rewards/envfactory/mean" in entry]
    assert len(logged) == STEPS
    assert all("envfactory/trace" in entry and "envfactory/state" in entry for entry in logged)
    assert any(not torch.equal(old, new) for old, new in zip(before, model.parameters(), strict=True))

    # every rollout was scored and recorded, and the rollouts called our tools
    records = training.log.records
    assert len(records) == STEPS * GENERATIONS
    assert (tmp_path / "rollouts.jsonl").read_text().count("\n") == len(records)
    assert sum(len(record.calls) for record in records) >= len(records)
    assert [entry["rewards/envfactory/mean"] for entry in logged] == pytest.approx(
        [sum(r.score for r in records if r.step == step) / GENERATIONS for step in range(STEPS)]
    )

    # each rollout ran on its own episode: its calls alone, replayed on a fresh world, give its final
    # state and its reward (a shared world would mix the group's calls into every state)
    reward = EnvFactoryReward()
    by_task = {RolloutTask.from_row(row).task_id: RolloutTask.from_row(row) for row in rows}
    states = set()
    for record in records:
        task = by_task[record.task_id]
        replay = replay_calls(example.environments, task.initial_state, record.calls)
        assert hash_world(replay.final_state) == record.final_state_hash
        expected = reward.score(_reward_input(task, record.calls, replay.final_state, record.format_errors))
        assert record.score == expected.score
        states.add(record.final_state_hash)
    assert len(states) > 1  # rollouts of the same prompt reached different states
    assert len({id(environment) for environment in trainer.environments}) == GENERATIONS


def _reward_input(task: RolloutTask, calls: Any, final_state: Any, format_errors: int) -> Any:
    from envfactory_core.rewards import RewardInput

    return RewardInput(
        gold_calls=task.gold_calls,
        calls=tuple(calls),
        environments=task.environments,
        initial_state=task.initial_state,
        gold_state=task.gold_state,
        final_state=final_state,
        format_errors=format_errors,
        answer_facts=task.answer_facts,
    )
