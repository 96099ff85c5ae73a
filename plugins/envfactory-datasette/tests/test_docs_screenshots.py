"""docs/how-to/browse.md shows the browser tests' screenshots, and every one it shows exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PAGE = REPO / "docs" / "how-to" / "browse.md"
TAKEN = {"summary", "task", "trajectory", "environment", "report"}
"""The screenshots test_browser_pages.py takes (``_shot(page, directory, NAME)``)."""


def test_the_how_to_shows_every_screenshot_and_each_file_exists() -> None:
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", PAGE.read_text(encoding="utf-8"))
    assert {Path(image).stem for image in images} == TAKEN
    for image in images:
        path = PAGE.parent / image
        assert path.is_file(), f"{PAGE.name} shows {image}, which does not exist"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{image} is not a PNG"


def test_the_browser_tests_take_the_screenshots_the_page_shows() -> None:
    source = (Path(__file__).parent / "test_browser_pages.py").read_text(encoding="utf-8")
    assert set(re.findall(r'_shot\(page, screenshot_dir, "(\w+)"\)', source)) == TAKEN
