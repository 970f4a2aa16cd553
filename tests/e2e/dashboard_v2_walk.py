"""The walk through Medusa's own admin dashboard (2.21.2) that the end-to-end test takes.

Open ``/app``, log in through the form, then Settings: create a publishable key and open it, add a
sales channel and see it listed, revoke it (confirm dialog) and see it revoked, delete it and see
it gone; create a secret key (its token shown once, then only the redacted form) and revoke it.
Each step asserts what the page shows and leaves a screenshot. The same walk runs against the mock
and, through ``upstream_proxy``, against the real release (``record_real_dashboard.py``).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from browser import BrowserWalk
from playwright.sync_api import Page, Request, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ADMIN_EMAIL = "admin@medusa-test.com"
ADMIN_PASSWORD = "supersecret"
STEP_TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
_RECORD_ID = re.compile(r"^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$")  # apk_01..., sc_01..., user_01...


def route_of(path: str) -> str:
    """A request path with its record ids as ``{id}``: what two runs of the walk can compare."""
    return "/".join("{id}" if _RECORD_ID.match(part) else part for part in path.split("/"))


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: list[str]  # parameter names, in order
    status: int | None  # None: the request failed in the network (no answer)

    @property
    def route(self) -> str:
        return route_of(self.path)

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 400

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "route": self.route, "query": self.query, "status": self.status}


@dataclass
class RequestLog:
    """Every API request the page makes (the dashboard's own files under /app excluded)."""

    base_url: str
    requests: list[RecordedRequest] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("response", self._answered)
        page.on("requestfailed", self._failed)

    def _api(self, request: Request) -> tuple[str, list[str]] | None:
        url = urlsplit(request.url)
        if not request.url.startswith(self.base_url) or url.path == "/app" or url.path.startswith("/app/"):
            return None
        return url.path, [name for name, _ in parse_qsl(url.query, keep_blank_values=True)]

    def _answered(self, response: Response) -> None:
        api = self._api(response.request)
        if api is not None:
            self.requests.append(RecordedRequest(response.request.method, *api, response.status))

    def _failed(self, request: Request) -> None:
        api = self._api(request)
        if api is not None:
            self.requests.append(RecordedRequest(request.method, *api, None))

    def failures(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.failed]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps([r.as_json() for r in self.requests], indent=1) + "\n")


@dataclass
class Walk(BrowserWalk):
    channel_name: str  # an existing sales channel to add to the key
    title: str = "e2e storefront"

    def run(self) -> dict[str, Any]:
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        self.login()
        self.publishable_key()
        self.secret_key()
        return self.facts

    # -- steps ---------------------------------------------------------------------------------

    def login(self) -> None:
        page = self.page
        page.goto(f"{self.base_url}/app")
        submit = page.get_by_role("button", name="Continue with Email")
        expect(submit).to_be_visible()
        # With no auth provider the login page says so instead of offering the form.
        expect(page.get_by_text("Register an auth provider")).to_have_count(0)
        self.shot("login-form")
        page.get_by_placeholder("Email").fill(ADMIN_EMAIL)
        page.get_by_placeholder("Password").fill(ADMIN_PASSWORD)
        submit.click()
        page.wait_for_url("**/app/orders**", timeout=STEP_TIMEOUT_MS)
        expect(page.get_by_role("link", name="Settings")).to_be_visible()
        expect(page.get_by_text(ADMIN_EMAIL).first).to_be_visible()
        expect(page.get_by_role("heading", name="Orders")).to_be_visible()
        self.shot("logged-in-orders")

    def _open_settings_page(self, link: str, heading: str) -> None:
        page = self.page
        if "/app/settings" not in page.url:  # in Settings, its sidebar lists the pages
            page.get_by_role("link", name="Settings").click()
            # Settings opens on the store's page, which loads the store's currencies, price
            # preferences, layout and default channel; the real walk recorded those calls, so let
            # them happen before moving on (a busy machine otherwise leaves too early).
            page.wait_for_url("**/app/settings/store**", timeout=STEP_TIMEOUT_MS)
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_load_state("networkidle", timeout=STEP_TIMEOUT_MS)
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", name=heading)).to_be_visible()

    def _create(self, dialog_heading: str, title: str) -> Response:
        page = self.page
        page.get_by_role("link", name="Create").click()
        expect(page.get_by_text(dialog_heading).first).to_be_visible()
        page.get_by_label("Title").fill(title)
        with page.expect_response(
            lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/admin/api-keys"
        ) as created:
            page.get_by_role("button", name="Save").click()
        return created.value

    def _key_menu(self, item: str) -> None:
        """The key's action menu (the button in the key's header), then one of its items."""
        page = self.page
        page.locator("main").get_by_role("button").first.click()
        page.get_by_role("menuitem", name=item).click()

    def _confirm(self, button: str, expected_text: str) -> None:
        dialog = self.page.get_by_role("alertdialog")
        expect(dialog).to_contain_text("Are you sure?")
        expect(dialog).to_contain_text(expected_text)
        self.shot(f"confirm-{button.lower().replace(' ', '-')}")
        dialog.get_by_role("button", name=button).click()
        expect(dialog).to_have_count(0)

    def publishable_key(self) -> None:
        page, title = self.page, f"{self.title} publishable"
        self._open_settings_page("Publishable API Keys", "Publishable API Keys")
        self.shot("publishable-keys")

        created = self._create("Create Publishable API Key", title)
        assert created.status == 200, created.status
        key = created.json()["api_key"]
        self.facts["publishable_key"] = key
        page.wait_for_url(f"**/settings/publishable-api-keys/{key['id']}")
        main = page.locator("main")
        expect(main.get_by_role("heading", name=title)).to_be_visible()
        expect(main.get_by_text("Active", exact=True)).to_be_visible()
        expect(main.get_by_text("No sales channels found")).to_be_visible()
        self.shot("publishable-key-created")

        main.get_by_role("link", name="Add").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Add Sales Channels")).to_be_visible()
        dialog.get_by_placeholder("Search").fill(self.channel_name)
        row = dialog.get_by_role("row").filter(has_text=self.channel_name).first
        expect(row).to_be_visible()
        row.get_by_role("checkbox").click()
        self.shot("sales-channel-selected")
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_have_count(0)
        expect(main.get_by_role("row").filter(has_text=self.channel_name)).to_be_visible()
        expect(main.get_by_text("No sales channels found")).to_have_count(0)
        self.shot("sales-channel-listed")

        self._key_menu("Revoke API key")
        self._confirm("Revoke API key", f"You are about to revoke the API key {title}")
        expect(main.get_by_text("Revoked", exact=True).first).to_be_visible()
        expect(main.get_by_text("Revoked at")).to_be_visible()
        self.shot("publishable-key-revoked")

        self._key_menu("Delete")
        self._confirm("Delete", f"You are about to delete the API key {title}")
        page.wait_for_url("**/settings/publishable-api-keys")
        expect(page.get_by_role("heading", name="Publishable API Keys")).to_be_visible()
        expect(page.get_by_role("row").nth(1)).to_be_visible()  # the list has loaded
        expect(page.get_by_text(title)).to_have_count(0)
        self.shot("publishable-key-deleted")

    def secret_key(self) -> None:
        page, title = self.page, f"{self.title} secret"
        self._open_settings_page("Secret API Keys", "Secret API Keys")
        self.shot("secret-keys")

        created = self._create("Create Secret API Key", title)
        assert created.status == 200, created.status
        key = created.json()["api_key"]
        token = key["token"]
        self.facts["secret_key"] = key
        assert token.startswith("sk_"), token
        shown = (
            page.get_by_role("alertdialog")
            .or_(page.get_by_role("dialog"))
            .filter(has_text="Secret Key Created")
        )
        expect(shown).to_contain_text("This is the only time it will be displayed")
        # Shown masked but whole: its start and end, and the copy button hands over all of it.
        expect(shown).to_contain_text(token[:4])
        expect(shown).to_contain_text(token[-2:])
        shown.get_by_role("button", name="Copy API key").click()
        assert page.evaluate("navigator.clipboard.readText()") == token
        self.shot("secret-key-shown-once")
        shown.get_by_role("button", name="Continue").click()

        page.wait_for_url(f"**/settings/secret-api-keys/{key['id']}")
        main = page.locator("main")
        expect(main.get_by_role("heading", name=title)).to_be_visible()
        expect(main.get_by_text(key["redacted"].replace("***", "•••"))).to_be_visible()
        assert token not in page.content()  # only the redacted form from now on
        self.shot("secret-key-redacted")

        self._key_menu("Revoke API key")
        self._confirm("Revoke API key", f"You are about to revoke the API key {title}")
        expect(main.get_by_text("Revoked", exact=True).first).to_be_visible()
        assert token not in page.content()
        self.shot("secret-key-revoked")
