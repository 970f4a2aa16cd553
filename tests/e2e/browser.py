"""Where the end-to-end tests find the built dashboard and Debian's chromium, and how they drive it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Playwright may be missing: the tests that need it skip or fail with a reason
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "e2e-artifacts"  # screenshots and request logs (gitignored)
BUILD_SCRIPT = REPO / "tests" / "e2e" / "build-dashboard.sh"
ADMIN_V1_BUILD_SCRIPT = REPO / "tests" / "e2e" / "build-admin-v1.sh"
RECORDINGS = Path(__file__).resolve().parent / "recordings"
DASHBOARD_DIR = Path(
    os.environ.get(
        "REVOKIT_DASHBOARD_DIR",
        Path.home() / ".cache" / "revokit" / "dashboard-2.21.2" / ".medusa" / "admin",
    )
)

ADMIN_V1_DIR = Path(
    os.environ.get("REVOKIT_ADMIN_V1_DIR", Path.home() / ".cache" / "revokit" / "admin-v1-7.1.18" / "build")
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_prerequisite(build: Path = DASHBOARD_DIR, script: Path = BUILD_SCRIPT) -> str | None:
    """Why a browser test of the frontend built in ``build`` cannot run here, or None."""
    if not (build / "index.html").is_file():
        return f"the admin build cache {build} is missing: run `bash {script.relative_to(REPO)}`"
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


def compare_with_recording(requests: list, recording: Path) -> tuple[list[str], list[str]]:
    """Requests of a mock's walk that failed where the real walk's did not (same method, route and
    status), and routes the real walk was served that the mock's walk was not."""
    recorded = json.loads(recording.read_text())
    allowed = {
        (r["method"], r["route"], r["status"]) for r in recorded if r["status"] is None or r["status"] >= 400
    }
    unexpected = [
        f"{r.method} {r.path} -> {r.status}"
        for r in requests
        if r.failed and (r.method, r.route, r.status) not in allowed
    ]
    served = {(r.method, r.route) for r in requests if not r.failed}
    used = {(r["method"], r["route"]) for r in recorded if r["status"] is not None and r["status"] < 400}
    return unexpected, [f"{method} {route}" for method, route in sorted(used - served)]


@dataclass
class BrowserWalk:
    """A walk through a real admin app in the browser: its page, the origin serving it, and the
    folder its numbered screenshots go to. What it saw on the way is collected in ``facts``."""

    page: Page
    base_url: str
    shots: Path
    facts: dict[str, Any] = field(default_factory=dict, kw_only=True)
    _shot_count: int = field(default=0, kw_only=True)

    def shot(self, name: str) -> None:
        self._shot_count += 1
        self.page.screenshot(path=str(self.shots / f"{self._shot_count:02d}-{name}.png"), full_page=True)
