"""The ``task-yield`` section of ``docs/explanation/tasks.md``: the figures of one offline task run.

The figures come from ``envfactory tasks stats`` (:func:`envfactory_core.cli.tasks.task_stats`);
this module only lays them out as the page's section, with the commands that remake them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_TASKS_PAGE", "SECTION", "stats_markdown"]

DEFAULT_TASKS_PAGE = "docs/explanation/tasks.md"
SECTION = "task-yield"


def stats_markdown(stats: dict[str, Any], settings: dict[str, Any]) -> str:
    """The ``task-yield`` section of a docs page: the figures of one run and how to remake them."""
    seed, chains = settings.get("seed", 0), settings.get("tasks", stats["sampled"])
    lines = [
        "### Task yield on the shipped domains",
        "",
        f"Made offline by `envfactory tasks make --chains {chains} --seed {seed} --out RUN` and written here by "
        "`envfactory docs tasks RUN --out PAGE`; the same seed gives the same figures.",
        "",
        "| Figure | Value |",
        "| --- | --- |",
        f"| Chains sampled along the tool graph | {stats['sampled']} |",
        f"| Grounded (gold calls executed, gold state recorded) | {stats['grounded']} "
        f"({stats['grounded_share']:.0%}) |",
        f"| Kept: grounded and passing every quality gate | {stats['kept']} ({stats['kept_share']:.0%}) |",
        f"| Mean gold calls per kept task | {stats['mean_gold_calls']} |",
        f"| Kept tasks with two or more tools | {stats['multi_tool_tasks']} |",
        f"| ...whose refined request states fewer identifiers than the raw one | {stats['implicit_share']:.0%} |",
        f"| Identifier values stated, raw → refined | {stats['identifiers_stated']['raw']} → "
        f"{stats['identifiers_stated']['refined']} |",
    ]
    quality = stats.get("quality")
    if quality:
        lines += [
            f"| Kept tasks solvable from their requests | {stats['solvable_share']:.0%} |",
            f"| User turns with a 6-word span of a tool description | {quality['description_copy_share']:.1%} |",
            f"| User turns with a parenthesis | {quality['parenthesis_share']:.1%} |",
            f"| Distinct word 4-grams over all 4-grams of the user turns | {quality['distinct_4gram_ratio']:.2f} |",
            f"| User turns naming the same thing twice | {quality['repeated_reference_share']:.1%} |",
            f"| Kept tasks with a write undone by a later step | {quality['undo_pair_share']:.1%} |",
            f"| Values out of a plausible range | {quality['value_range_violations']} |",
            f"| Cross-environment tasks without a shared entity | {quality['cross_environment_unshared']} of "
            f"{quality['cross_environment_tasks']} |",
            f"| Kept tasks with a story | {quality['stories']:.0%} |",
        ]
    lines += [
        "",
        "Chains dropped, by reason:",
        "",
        "| Reason | Chains |",
        "| --- | --- |",
        *(f"| `{reason}` | {count} |" for reason, count in stats["dropped_by_reason"].items()),
    ]
    return "\n".join(lines)
