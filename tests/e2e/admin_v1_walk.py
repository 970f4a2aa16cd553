"""The walk through Medusa v1's own admin (``@medusajs/admin`` 7.1.18) that the e2e test takes.

Log in, answer the analytics prompt (opt out), then from Settings → API Key Management: create a
publishable key and rename it, add a sales channel and see it listed, revoke it (its status shows
Revoked) and delete it. Every step asserts what the page shows and leaves a screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from browser import BrowserWalk
from dashboard_v2_walk import ADMIN_PASSWORD, STEP_TIMEOUT_MS
from playwright.sync_api import expect


@dataclass
class AdminV1Walk(BrowserWalk):
    email: str  # a user who has not answered the analytics prompt yet
    channel_name: str
    title: str = "v1 e2e key"

    def run(self) -> dict[str, Any]:
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        self.login()
        self.api_key_management()
        return self.facts

    def login(self) -> None:
        page = self.page
        page.goto(f"{self.base_url}/app")
        expect(page.get_by_role("button", name="Continue")).to_be_visible()
        self.shot("login-form")
        page.get_by_placeholder("Email").fill(self.email)
        page.get_by_placeholder("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        prompt = page.get_by_text("Help us get better")
        expect(prompt).to_be_visible()  # the analytics prompt blocks the UI until answered
        self.shot("analytics-prompt")
        # The switches: "Anonymize my usage data", then "Opt out of sharing my usage data".
        opt_out = page.get_by_role("switch").nth(1)
        opt_out.click()
        expect(opt_out).to_have_attribute("aria-checked", "true")
        with page.expect_request(
            lambda r: r.method == "POST" and "/admin/analytics-configs" in r.url
        ) as answer:
            page.get_by_role("button", name="Continue").click()
        assert answer.value.post_data_json == {"opt_out": True, "anonymize": False}
        expect(prompt).to_have_count(0)
        self.shot("logged-in-orders")

    def _row_menu(self, title: str, item: str) -> None:
        page = self.page
        row = page.get_by_role("row").filter(has_text=title).first
        row.get_by_role("button").last.click()
        page.get_by_role("menuitem", name=item).click()

    def api_key_management(self) -> None:
        page = self.page
        page.get_by_role("link", name="Settings").click()
        card = page.get_by_text("API Key Management")
        expect(card).to_be_visible()  # shown only when the store's feature flags allow it
        self.shot("settings")
        card.click()
        expect(page.get_by_role("heading", name="Publishable API keys")).to_be_visible()
        self.shot("publishable-keys")

        title = self.title
        page.get_by_role("button", name="Create API key").click()
        page.get_by_placeholder("Name your key").fill(title)
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/admin/publishable-api-keys")
        ) as created:
            page.get_by_role("button", name="Publish API key").click()
        key = created.value.json()["publishable_api_key"]
        self.facts["key"] = key
        row = page.get_by_role("row").filter(has_text=title)
        expect(row).to_contain_text(key["id"])
        expect(row).to_contain_text("Live")
        self.shot("key-created")

        renamed = f"{title} renamed"
        self._row_menu(title, "Edit API key details")
        page.get_by_placeholder("Name your key").last.fill(renamed)
        with page.expect_response(lambda r: r.request.method == "POST" and key["id"] in r.url):
            page.get_by_role("button", name="Save and close").click()
        row = page.get_by_role("row").filter(has_text=renamed)
        expect(row).to_contain_text(key["id"])
        self.shot("key-renamed")

        self._row_menu(renamed, "Edit sales channels")
        expect(page.get_by_text("No added sales channels")).to_be_visible()
        page.get_by_role("button", name="Add channels").click()
        candidate = page.get_by_role("row").filter(has_text=self.channel_name).last
        expect(candidate).to_be_visible()
        # The row's checkbox is a hidden input behind a styled box: click the box.
        candidate.locator(".cursor-pointer").first.click()
        self.shot("sales-channel-selected")
        with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith("/sales-channels/batch")
        ):
            page.get_by_role("button", name="Add and go back").click()
        expect(page.get_by_text("No added sales channels")).to_have_count(0)
        expect(page.get_by_role("row").filter(has_text=self.channel_name).first).to_be_visible()
        self.shot("sales-channel-listed")
        page.get_by_role("button", name="Close", exact=True).click()

        self._row_menu(renamed, "Revoke token")
        self.shot("confirm-revoke")
        # Each change waits for its own answer: the page may update before it arrives, and the
        # walk's routes are read from the journal as soon as the walk ends.
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/revoke")):
            page.get_by_role("button", name="Yes, revoke").click()
        expect(page.get_by_role("row").filter(has_text=renamed)).to_contain_text("Revoked")
        self.shot("key-revoked")

        self._row_menu(renamed, "Delete API key")
        self.shot("confirm-delete")
        with page.expect_response(lambda r: r.request.method == "DELETE" and key["id"] in r.url):
            page.get_by_role("button", name="Yes, delete").click()
        expect(page.get_by_role("row").filter(has_text=renamed)).to_have_count(0)
        self.shot("key-deleted")
