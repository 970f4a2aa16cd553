"""``revokit_revoke_keys``: revoke many keys at once, chosen by a selector, the way a backend job does.

Against a mock it is one call to ``POST /__revokit/revoke-keys``: all or nothing, by the family's
own rules, journaled. Against a real backend (``--revokit-base-url``) there is no such route: the
selector is resolved by listing keys through the API and the keys are revoked one request at a
time. The rules are checked before the first revoke, so a refusal the mock would give still
changes nothing, but the revokes themselves are separate requests: **not atomic** there (another
client can act between them, and a failure part-way leaves the earlier keys revoked).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .testing_http import Client, expect_status

if TYPE_CHECKING:
    from .testing_session import Revokit

PAGE = 100


class RevokeRefused(AssertionError):
    """The family refused the revoke (already revoked, unknown key...): ``status`` and ``body`` are
    the family's answer, as its revoke route gives it. Nothing was revoked."""

    def __init__(self, family: str, status: int, body: Any, note: str = "") -> None:
        super().__init__(f"{family}: the revoke was refused with {status}: {body}{note}")
        self.family = family
        self.status = status
        self.body = body


class RevokedKeys(list):
    """The revoked keys (dicts, as the family answers them), with ``ids`` and ``atomic``:
    ``True`` on a mock (one all-or-nothing call), ``False`` on a real backend (key by key)."""

    def __init__(self, keys: Sequence[Mapping[str, Any]], *, atomic: bool) -> None:
        super().__init__(dict(k) for k in keys)
        self.atomic = atomic

    @property
    def ids(self) -> list[str]:
        return [k["id"] for k in self]


class BulkRevoke:
    """``revokit_revoke_keys(family, selector={...}, revoke_in=None, revoked_by=None)``.

    Selectors, per family (the same as ``POST /__revokit/revoke-keys``):

    - xclade-v2: the workflow's key filters, e.g. ``{"type": "secret", "revoked_at": None}`` (every
      secret key not revoked yet), ``{"id": [...]}``, ``{"sales_channel_id": "sc_..."}``,
      ``{"created_by": "user_..."}``, ``{"$or": [...]}``; ``revoke_in`` in seconds; ``revoked_by``
      defaults to the seeded admin on a mock (a real backend records whoever the admin client is).
    - medusa-v1: ``{"id": [...]}`` or ``{"sales_channel_id": "sc_..."}``, plus ``"revoked_at": None``
      to leave out keys already revoked.
    - app-keys: ``{"application_id": "..."}`` (every key of the application), plus ``"id": [...]``.

    On a mock each revoked key is the control plane's answer (xclade-v2: the workflow's output);
    against a real backend it is what the backend's revoke route answered for that key.
    """

    def __init__(self, rk: Revokit) -> None:
        self._rk = rk

    def __call__(
        self,
        family: str,
        selector: Mapping[str, Any] | None = None,
        *,
        revoke_in: float | None = None,
        revoked_by: str | None = None,
    ) -> RevokedKeys:
        self._rk.require_family(family)
        kit = self._rk.kit(family)
        if not kit.revoked_keys_field:
            raise ValueError(f"revokit_revoke_keys: the {family} kit revokes no keys in bulk")
        if not kit.scheduled_revokes and revoke_in is not None:
            raise ValueError(
                f"revokit_revoke_keys: {family} has no scheduled revokes (revoke_in is a v2 feature)"
            )
        if not kit.records_revoked_by and revoked_by is not None:
            raise ValueError(f"revokit_revoke_keys: {family} records no revoked_by")
        selector = dict(selector or {})
        if self._rk.is_real(family):
            if revoked_by is not None:
                raise ValueError(
                    f"revokit_revoke_keys: against a real backend {family} records whoever the admin "
                    "client is as revoked_by; it cannot be chosen"
                )
            return kit.revoke_on_real(selector, revoke_in)
        return self._on_mock(family, selector, revoke_in, revoked_by)

    def _on_mock(
        self, family: str, selector: dict[str, Any], revoke_in: float | None, revoked_by: str | None
    ) -> RevokedKeys:
        kit = self._rk.kit(family)
        body: dict[str, Any] = {"selector": selector}
        if kit.records_revoked_by:
            admin = self._rk.seed(family).get("admin", {})
            revoke: dict[str, Any] = {"revoked_by": revoked_by or admin.get("user_id") or admin.get("id")}
            if revoke_in is not None:
                revoke["revoke_in"] = revoke_in
            body["revoke"] = revoke
        response = self._rk.control(family).post("/revoke-keys", json=body)
        answer = response.json()
        if response.status_code == 200:
            return RevokedKeys(answer[kit.revoked_keys_field], atomic=True)
        if isinstance(answer, Mapping) and set(answer) == {"error", "message"}:
            raise ValueError(f"revokit_revoke_keys: {answer['message']}")  # the control plane's 400
        raise RevokeRefused(family, response.status_code, answer)


# -- real backends: resolve by listing, then revoke key by key ----------------------------------------

NOT_ATOMIC = (
    " (against a real backend the keys are revoked one request at a time, not atomically: "
    "{done} of {total} were revoked before this failure)"
)


def _revoke_each(
    family: str, keys: Sequence[Mapping[str, Any]], revoke_one: Callable[[Mapping[str, Any]], Any]
) -> RevokedKeys:
    revoked: list[Mapping[str, Any]] = []
    for key in keys:
        response = revoke_one(key)
        if response.status_code != 200:
            note = NOT_ATOMIC.format(done=len(revoked), total=len(keys))
            raise RevokeRefused(family, response.status_code, _json_or_text(response), note)
        revoked.append(response.json() or key)
    return RevokedKeys(revoked, atomic=False)


def _json_or_text(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def _pages(client: Client, path: str, field: str, doing: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        response = client.get(path, params={**params, "limit": PAGE, "offset": len(items)})
        page = expect_status(response, 200, doing=doing).json()[field]
        items.extend(page)
        if len(page) < PAGE:
            return items


def revoke_xclade_v2(rk: Revokit, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
    from .mockserver.control_input import BadControlInput
    from .mockserver.families.xclade_v2.exceptions import SecretKeysAlreadyRevoked
    from .mockserver.families.xclade_v2.models import SECRET, ApiKey
    from .mockserver.families.xclade_v2.responses import key_selector_from_json

    try:
        chosen = key_selector_from_json(selector)
    except BadControlInput as exc:
        raise ValueError(f"revokit_revoke_keys: {exc}") from None
    admin = rk.xclade_v2.admin()
    listed = _pages(admin, "/admin/api-keys", "api_keys", "xclade-v2: listing keys to resolve the selector")
    keys = [k for k in listed if chosen.matches(_as_api_key(ApiKey, k))]
    now = datetime.now(UTC)  # the backend's own clock is not readable: this machine's stands in
    already = [
        k for k in keys if k["type"] == SECRET and k["revoked_at"] and _instant(k["revoked_at"]) <= now
    ]
    if already:  # the module's check, made before the first revoke
        refusal = SecretKeysAlreadyRevoked(len(already))
        raise RevokeRefused("xclade-v2", refusal.status, refusal.body)
    body = {} if revoke_in is None else {"revoke_in": revoke_in}
    revoked = _revoke_each(
        "xclade-v2", keys, lambda k: admin.post(f"/admin/api-keys/{k['id']}/revoke", json=body)
    )
    return RevokedKeys([k.get("api_key", k) for k in revoked], atomic=False)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _as_api_key(api_key_type: type, data: Mapping[str, Any]) -> Any:
    """An API answer as the domain's record, so the mock's selector decides what matches."""
    return api_key_type(
        id=data["id"],
        title=data.get("title") or "",
        type=data["type"],
        token=data.get("token") or "",
        salt="",
        redacted=data.get("redacted") or "",
        created_by=data.get("created_by") or "",
        created_at=_instant(data["created_at"]),
        updated_at=_instant(data["updated_at"]),
        revoked_at=_instant(data["revoked_at"]) if data.get("revoked_at") else None,
        revoked_by=data.get("revoked_by"),
        sales_channel_ids=tuple(c["id"] for c in data.get("sales_channels") or ()),
    )


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def revoke_medusa_v1(rk: Revokit, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
    unknown = set(selector) - {"id", "sales_channel_id", "revoked_at"}
    if unknown or not ({"id", "sales_channel_id"} & set(selector)):
        raise ValueError(
            "revokit_revoke_keys: medusa-v1 selects by 'id' and/or 'sales_channel_id' (+ revoked_at)"
        )
    from .mockserver.families.medusa_v1.exceptions import AlreadyRevoked

    admin = rk.medusa_v1.admin()
    base = "/admin/publishable-api-keys"

    def refuse_unless_found(response: Any) -> Any:
        if response.status_code != 200:
            raise RevokeRefused("medusa-v1", response.status_code, _json_or_text(response))
        return response.json()

    if "id" in selector:
        keys = [
            refuse_unless_found(admin.get(f"{base}/{i}"))["publishable_api_key"]
            for i in _strings(selector["id"])
        ]
    else:
        keys = _pages(admin, base, "publishable_api_keys", "medusa-v1: listing keys")
    if "sales_channel_id" in selector:
        wanted = set(_strings(selector["sales_channel_id"]))
        for channel_id in wanted:
            refuse_unless_found(admin.get(f"/admin/sales-channels/{channel_id}"))

        def linked(key: Mapping[str, Any]) -> bool:
            response = admin.get(f"{base}/{key['id']}/sales-channels")
            channels = expect_status(response, 200, doing="medusa-v1: reading a key's sales channels").json()
            return any(c["id"] in wanted for c in channels["sales_channels"])

        keys = [k for k in keys if linked(k)]
    if "revoked_at" in selector:
        keys = [k for k in keys if not k.get("revoked_at")]
    if any(k.get("revoked_at") for k in keys):  # the route would refuse the second revoke
        refusal = AlreadyRevoked()
        raise RevokeRefused("medusa-v1", refusal.status, refusal.body)
    revoked = _revoke_each("medusa-v1", keys, lambda k: admin.post(f"{base}/{k['id']}/revoke", json={}))
    return RevokedKeys([k.get("publishable_api_key", k) for k in revoked], atomic=False)


def revoke_app_keys(rk: Revokit, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
    if set(selector) - {"application_id", "id"} or not selector.get("application_id"):
        raise ValueError("revokit_revoke_keys: app-keys selects by 'application_id' (+ 'id')")
    from .mockserver.families.app_keys.exceptions import NotFound

    user = rk.app_keys.user()
    base = f"/api/v1/applications/{selector['application_id']}/api-keys"
    first = user.get(base, params={"limit": 1})
    if first.status_code != 200:
        raise RevokeRefused("app-keys", first.status_code, _json_or_text(first))
    live = _pages(user, base, "data", "app-keys: listing the application's keys")
    if "id" in selector:
        by_id = {k["id"]: k for k in live}
        wanted = _strings(selector["id"])
        if any(i not in by_id for i in wanted):  # not a live key of the application
            refusal = NotFound()
            raise RevokeRefused("app-keys", refusal.status, refusal.body)
        live = [by_id[i] for i in dict.fromkeys(wanted)]
    return _revoke_each("app-keys", live, lambda k: user.delete(f"{base}/{k['id']}"))
