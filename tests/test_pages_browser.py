"""The docs and state pages in a real browser: Debian's headless Chromium driven by Playwright.

Pages must load without console errors, the state page must follow what the API does (a key
revoked through the API shows as revoked, a scheduled revoke shows its time left), and a request
sent from the docs page's "try it out" must reach the mock with the seeded credentials. Each test
keeps screenshots under ``test-artifacts/browser/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from revokit_testing import LiveMock, start_revokit_mock

CHROMIUM = os.environ.get("REVOKIT_CHROMIUM", "/usr/bin/chromium")
# As root on a machine without outside network: no sandbox, and no background calls to Google.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
WAIT_MS = 15_000

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")


def _chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not _chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveMock]:
    started = start_revokit_mock("--port", "0")
    yield started
    started.process.terminate()
    started.process.wait(timeout=10)


@pytest.fixture
def page(browser, mock):
    for family in mock.ports:
        requests.post(f"{mock.url(family)}/__revokit/reset", timeout=5).raise_for_status()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # ERR_ABORTED is the browser cancelling a request it no longer wants: the state page's poll of
    # /__revokit/overview when the test navigates away or closes the page (seen in a CI run).
    opened.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == "net::ERR_ABORTED"
            else problems.append(f"request failed: {r.url} {r.failure}")
        ),
    )
    opened.problems = problems  # type: ignore[attr-defined]
    yield opened
    context.close()
    assert problems == [], problems


def shot(page, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


@pytest.mark.parametrize("family", ["app-keys", "medusa-v1", "xclade-v2"])
def test_state_and_docs_pages_load_without_console_errors(page, mock, family):
    base = mock.url(family)
    page.goto(f"{base}/__revokit/")
    page.wait_for_selector("#keys tbody tr", timeout=WAIT_MS)
    assert page.text_content("#family") == family
    rows = page.locator("#keys tbody tr")
    keys = requests.get(f"{base}/__revokit/overview", timeout=5).json()["keys"]
    assert rows.count() == len(keys) > 0
    states = {r.get_attribute("data-state") for r in rows.all()}
    assert "active" in states and "revoked" in states
    shot(page, f"{family}-state")

    page.goto(f"{base}/__revokit/docs/")
    page.wait_for_selector(".opblock", timeout=WAIT_MS)
    page.wait_for_selector(".auth-wrapper .authorize.locked", timeout=WAIT_MS)  # credentials entered
    spec_paths = page.locator(".opblock-summary-path").all_text_contents()
    assert len(spec_paths) > 5, spec_paths
    shot(page, f"{family}-docs")


def test_a_key_revoked_through_the_api_shows_as_revoked(page, mock):
    base = mock.url("app-keys")
    seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
    alice = seed["users"][0]
    app = alice["applications"][0]
    key = next(k for k in app["keys"] if k["state"] == "active")
    page.goto(f"{base}/__revokit/")
    row = f'#keys tr[data-key-id="{key["id"]}"]'
    page.wait_for_selector(f'{row}[data-state="active"]', timeout=WAIT_MS)
    assert app["name"] in page.text_content(row)

    revoked = requests.delete(
        f"{base}/api/v1/applications/{app['id']}/api-keys/{key['id']}",
        headers={"Authorization": f"Bearer {alice['token']}"},
        timeout=5,
    )
    assert revoked.status_code == 200
    page.wait_for_selector(f'{row}[data-state="revoked"]', timeout=WAIT_MS)
    # The page lists the request that did it, and never a credential.
    journal = page.locator("#journal tbody tr").first
    journal.wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "path => document.querySelector('#journal tbody tr').textContent.includes(path)",
        arg=f"/api-keys/{key['id']}",
        timeout=WAIT_MS,
    )
    assert "DELETE" in journal.text_content()
    html = page.content()
    assert alice["token"] not in html and key["key"] not in html
    shot(page, "app-keys-state-after-revoke")


def test_a_scheduled_revoke_shows_its_time_left(page, mock):
    base = mock.url("xclade-v2")
    seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
    key = next(k for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")
    admin = {"Authorization": f"Bearer {seed['admin']['token']}"}
    answer = requests.post(
        f"{base}/admin/api-keys/{key['id']}/revoke", json={"revoke_in": 600}, headers=admin, timeout=5
    )
    assert answer.status_code == 200, answer.text
    page.goto(f"{base}/__revokit/")
    row = page.locator(f'#keys tr[data-key-id="{key["id"]}"][data-state="scheduled"]')
    row.wait_for(timeout=WAIT_MS)
    assert "revoked in 9 min" in row.text_content() or "revoked in 10 min" in row.text_content()
    assert key["token"] not in page.content()
    shot(page, "xclade-v2-state-scheduled")


def test_try_it_out_on_the_docs_page_reaches_the_mock_with_the_seeded_credentials(page, mock):
    base = mock.url("app-keys")
    seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
    requests.delete(f"{base}/__revokit/journal", timeout=5).raise_for_status()
    page.goto(f"{base}/__revokit/docs/#/Applications/listApplications")
    operation = page.locator("#operations-Applications-listApplications")
    operation.wait_for(timeout=WAIT_MS)
    page.wait_for_selector(".auth-wrapper .authorize.locked", timeout=WAIT_MS)
    if not operation.locator(".execute").is_visible():
        operation.locator(".opblock-summary").click()
    operation.locator(".execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=WAIT_MS)
    assert status.text_content().strip().startswith("200")

    entries = requests.get(f"{base}/__revokit/journal", timeout=5).json()["entries"]
    sent = [e for e in entries if e["path"] == "/api/v1/applications" and e["method"] == "GET"]
    assert sent and sent[-1]["status"] == 200, entries
    headers = {k.lower(): v for k, v in sent[-1]["headers"].items()}
    # The journal may redact secrets; either way the browser sent the seeded user's bearer token.
    assert headers["authorization"].startswith("Bearer ")
    if "***" not in headers["authorization"] and "redacted" not in headers["authorization"]:
        assert headers["authorization"] == f"Bearer {seed['users'][0]['token']}"
    shot(page, "app-keys-docs-try-it-out")
