"""The tally family's part of the pytest plugin: an admin client and a key factory."""

from __future__ import annotations

from typing import Any

from revokit.testing_http import Client, expect_status
from revokit.testing_kits import Kit
from revokit.testing_session import Credentials


class TallyKit(Kit):
    family = "tally"

    def seeded_credentials(self) -> Credentials:
        return Credentials(token=self.rk.seed(self.family)["admin_token"])

    def admin(self) -> Client:
        token = self.rk.credentials(self.family).token or ""
        return self.rk.client(self.family, {"X-Admin-Token": token}, name="tally admin")

    def key_factory(self) -> Any:
        admin = self.admin()

        def factory(state: str = "active", name: str = "made") -> dict[str, Any]:
            key = expect_status(
                admin.post("/keys", json={"name": name}), 201, doing="tally: making a key"
            ).json()
            if state == "revoked":
                expect_status(admin.delete(f"/keys/{key['id']}"), 200, doing="tally: revoking a key")
            return key

        return factory
