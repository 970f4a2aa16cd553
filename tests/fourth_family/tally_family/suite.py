"""The tally family's conformance suite: a revoked key is refused at once, a second revoke is a 404."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from revokit.contracts.http import Client
from revokit.contracts.scenarios import ScenarioContext, ScenarioRegistry
from revokit.contracts.suite import Credentials, FamilySuite, SetupFailed, UsageError

scenario = ScenarioRegistry()
UNAUTHORIZED = {
    "error": "Unauthorized",
    "message": "Authentication required. Please provide a valid API token",
    "code": 401,
}
NOT_FOUND = {"error": "Not Found", "message": "The requested resource was not found", "code": 404}


def _admin(ctx: ScenarioContext) -> dict[str, str]:
    return {"X-Admin-Token": ctx.state["token"]}


@scenario("revoked_key_refused", "GET /whoami", "the next request with a revoked key gets the exact 401")
def revoked_key_refused(ctx: ScenarioContext) -> None:
    made = ctx.expect(ctx.client.post("/keys", json_body={"name": "check"}, headers=_admin(ctx)), 201)
    ctx.expect(ctx.client.get("/whoami", headers={"X-Tally-Key": made["key"]}), 200)
    ctx.expect(ctx.client.delete(f"/keys/{made['id']}", headers=_admin(ctx)), 200)
    ctx.expect(ctx.client.get("/whoami", headers={"X-Tally-Key": made["key"]}), 401, UNAUTHORIZED)


@scenario("revoke_again_not_found", "DELETE /keys/{id}", "a second revoke answers the exact 404")
def revoke_again_not_found(ctx: ScenarioContext) -> None:
    made = ctx.expect(ctx.client.post("/keys", json_body={"name": "twice"}, headers=_admin(ctx)), 201)
    ctx.expect(ctx.client.delete(f"/keys/{made['id']}", headers=_admin(ctx)), 200)
    ctx.expect(ctx.client.delete(f"/keys/{made['id']}", headers=_admin(ctx)), 404, NOT_FOUND)


class TallySuite(FamilySuite):
    family = "tally"
    spec_name = "tally"
    scenarios = scenario

    def validate_credentials(self, credentials: Credentials) -> None:
        if not credentials.token:
            raise UsageError("tally needs --token: the admin token")

    def prepare(self, client: Client, credentials: Credentials, seed: int) -> dict[str, Any]:
        anchor = client.post(
            "/keys", json_body={"name": "anchor"}, headers={"X-Admin-Token": credentials.token or ""}
        )
        if anchor.status == 401:
            raise UsageError("the backend refused --token")
        if anchor.status != 201:
            raise SetupFailed("making the run's key did not answer 201", anchor, "201")
        return {"token": credentials.token, "anchor": anchor.json}

    def schemathesis_headers(self, state: Mapping[str, Any]) -> dict[str, str]:
        return {"X-Admin-Token": state["token"], "X-Tally-Key": state["anchor"]["key"]}

    def untouchable_ids(self, state: Mapping[str, Any]) -> list[str]:
        return [state["anchor"]["id"], "key_1"]


SUITE = TallySuite()
