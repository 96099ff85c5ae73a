"""Counts the red-team attempts by category and outcome at the end of a run."""

from __future__ import annotations

import collections
import re
from typing import Any

_ID = re.compile(r"::test_(through|past)_the_policy\[(\w+):")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    table: collections.defaultdict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            match = _ID.search(getattr(report, "nodeid", ""))
            if match and getattr(report, "when", "call") in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                layer = "policy" if match.group(1) == "through" else "os"
                table[match.group(2)][f"{layer} {'held' if outcome == 'passed' else outcome}"] += 1
    if not table:
        return
    terminalreporter.section("red-team attempts by category")
    total: collections.Counter[str] = collections.Counter()
    for category in sorted(table):
        counts = table[category]
        total.update(counts)
        terminalreporter.write_line(f"{category:16} " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    escapes = sum(v for k, v in total.items() if not k.endswith("held"))
    terminalreporter.write_line(
        f"{'total':16} " + ", ".join(f"{k}: {v}" for k, v in sorted(total.items())) + f"; not held: {escapes}"
    )
