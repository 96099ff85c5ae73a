"""The how-to's pre-training check runs as written on an export (its path swapped for the test's)."""

from __future__ import annotations

import re
from pathlib import Path

HOWTO = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "train-with-verl.md"


def test_the_howtos_gold_row_check_passes_on_an_export(export_dir, example_plugins) -> None:
    blocks = re.findall(r"```python\n(.*?)```", HOWTO.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    code = blocks[0].replace('"data/verl/', f'"{export_dir}/')
    assert str(export_dir) in code
    exec(compile(code, str(HOWTO), "exec"), {})
