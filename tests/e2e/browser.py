"""Where the end-to-end tests find the built dashboard and Debian's chromium, and how they drive it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "e2e-artifacts"  # screenshots and request logs (gitignored)
BUILD_SCRIPT = REPO / "scripts" / "build-dashboard.sh"
DASHBOARD_DIR = Path(
    os.environ.get(
        "REVOKIT_DASHBOARD_DIR",
        Path.home() / ".cache" / "revokit" / "dashboard-2.21.2" / ".medusa" / "admin",
    )
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_prerequisite() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (DASHBOARD_DIR / "index.html").is_file():
        return f"the dashboard build cache {DASHBOARD_DIR} is missing: run `bash {BUILD_SCRIPT.relative_to(REPO)}`"
    if chromium_path() is None:
        return "Debian's chromium is not installed: `apt-get install -y chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: `pip install -e '.[test]'`"
    return None


@contextmanager
def chromium_context(base_url: str) -> Iterator:
    """A fresh browser context (no cookies) with clipboard access for ``base_url``."""
    from dashboard_v2_walk import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
            yield context
        finally:
            browser.close()
