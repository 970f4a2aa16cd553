"""``POST /__revokit/revoke-keys`` on every family's port: the same answers as the family's own
revoke, all or nothing, journaled, and kept by ``--state`` across a restart."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from revokit.mockserver.clock import parse_instant
from revokit.specs import spec_text
from revokit_testing import build_app

ROUTE = "/__revokit/revoke-keys"


@pytest.fixture(scope="module")
def apps():
    return {family: build_app(family) for family in ("xclade-v2", "medusa-v1", "app-keys")}


@pytest.fixture
def mock(apps):
    def client_for(family: str):
        apps[family].extensions["revokit"].reset()
        return apps[family].test_client()

    return client_for


def seed_of(client) -> dict[str, Any]:
    return client.get("/__revokit/seed").get_json()


def state_of(client, kind: str) -> dict[str, dict]:
    return {r["id"]: r for r in client.get("/__revokit/state").get_json()["state"][kind]}


# -- xclade-v2 -------------------------------------------------------------------------------------


def v2_keys(client) -> dict[str, dict]:
    return {k["title"]: k for k in seed_of(client)["api_keys"]}


def test_v2_rotating_every_live_secret_key(mock):
    client = mock("xclade-v2")
    seed, keys = seed_of(client), v2_keys(client)
    user = seed["admin"]["user_id"]
    body = {"selector": {"type": "secret", "revoked_at": None}, "revoke": {"revoked_by": user}}
    response = client.post(ROUTE, json=body)
    assert response.status_code == 200
    (revoked,) = response.get_json()["api_keys"]
    assert revoked["id"] == keys["CI deploy key"]["id"] and revoked["token"] == ""
    assert revoked["revoked_by"] == user and revoked["revoked_at"] is not None
    # the secret key no longer opens the admin API; the publishable keys still open the store
    token = keys["CI deploy key"]["token"]
    assert client.get("/admin/api-keys", headers={"Authorization": f"Basic {token}"}).status_code == 401
    store = client.get(
        "/store/products", headers={"x-publishable-api-key": keys["Wholesale storefront"]["token"]}
    )
    assert store.status_code == 200


def test_v2_the_exact_400_with_its_count_and_nothing_changes(mock):
    client = mock("xclade-v2")
    before = state_of(client, "api_keys")
    body = {"selector": {"type": "secret"}, "revoke": {"revoked_by": "user_x"}}
    response = client.post(ROUTE, json=body)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "invalid_data",
        "message": "There are 1 secret keys that are already revoked.",
    }
    assert state_of(client, "api_keys") == before


def test_v2_same_answer_as_the_single_key_route(mock):
    client = mock("xclade-v2")
    seed, keys = seed_of(client), v2_keys(client)
    admin = {"Authorization": f"Bearer {seed['admin']['token']}"}
    old = keys["Old integration"]["id"]
    single = client.post(f"/admin/api-keys/{old}/revoke", headers=admin)
    bulk = client.post(
        ROUTE, json={"selector": {"id": old}, "revoke": {"revoked_by": seed["admin"]["user_id"]}}
    )
    assert single.status_code == bulk.status_code == 400
    assert single.get_json() == bulk.get_json()


def test_v2_publishable_and_future_dated_keys_are_overwritten(mock):
    client = mock("xclade-v2")
    keys = v2_keys(client)
    picked = [keys[t]["id"] for t in ("Retired storefront", "Expiring storefront", "Rotating integration")]
    response = client.post(
        ROUTE, json={"selector": {"id": picked}, "revoke": {"revoked_by": "user_y", "revoke_in": 60}}
    )
    assert response.status_code == 200
    answered = response.get_json()["api_keys"]
    assert [k["id"] for k in answered] == sorted(picked)
    assert len({k["revoked_at"] for k in answered}) == 1 and {k["revoked_by"] for k in answered} == {"user_y"}
    stored = state_of(client, "api_keys")
    for key in answered:
        assert stored[key["id"]]["revoked_by"] == "user_y"


def test_v2_nothing_matched_and_missing_revoker(mock):
    client = mock("xclade-v2")
    assert client.post(ROUTE, json={"selector": {"id": ["apk_nope"]}}).get_json() == {"api_keys": []}
    missing = client.post(ROUTE, json={"selector": {"title": "Wholesale storefront"}})
    assert missing.status_code == 400
    assert missing.get_json() == {
        "type": "invalid_data",
        "message": "You must provide a revoked_by field when revoking a key.",
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "'selector' is required"),
        ({"selector": {}, "extra": 1}, "'body' has unknown fields 'extra'"),
        ({"selector": {}, "revoke": {"revoke_in": "60"}}, "'revoke.revoke_in' must be a finite number"),
        ({"selector": {}, "revoke": {"revoke_in": True}}, "'revoke.revoke_in' must be a finite number"),
        ({"selector": {}, "revoke": {"revoked_by": 5}}, "'revoke.revoked_by' must be a string"),
        ({"selector": {"type": "x"}}, "'selector.type' must be one of"),
    ],
)
def test_v2_unreadable_bodies_get_the_control_planes_400(mock, body, problem):
    client = mock("xclade-v2")
    response = client.post(ROUTE, json=body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "Bad Request" and problem in answer["message"]


@pytest.mark.parametrize(
    "raw", [b"[1]", b"{not json", b'{"selector": {}, "revoke": {"revoke_in": Infinity}}']
)
def test_v2_bodies_that_are_not_objects_or_numbers(mock, raw):
    response = mock("xclade-v2").post(ROUTE, data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "Bad Request"


def test_the_call_is_journaled(mock):
    client = mock("xclade-v2")
    body = {"selector": {"type": "publishable", "revoked_at": None}, "revoke": {"revoked_by": "user_j"}}
    client.post(ROUTE, json=body)
    entry = client.get("/__revokit/journal").get_json()["entries"][-1]
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", ROUTE, 200)
    assert entry["operation_id"] == "revokeKeys" and entry["body"] == body
    client.get("/__revokit/state")  # other control calls stay out of the journal
    assert client.get("/__revokit/journal").get_json()["entries"][-1]["seq"] == entry["seq"]


def test_the_control_spec_documents_the_route():
    spec = yaml.safe_load(spec_text("control"))
    operation = spec["paths"]["/revoke-keys"]["post"]
    assert operation["operationId"] == "revokeKeys"
    assert {"200", "400", "404"} <= set(operation["responses"])


# -- medusa-v1 -------------------------------------------------------------------------------------


def v1_facts(client) -> tuple[dict, dict[str, dict], dict[str, str]]:
    seed = seed_of(client)
    return (
        seed,
        {k["ref"]: k for k in seed["publishable_api_keys"]},
        {c["ref"]: c["id"] for c in seed["sales_channels"]},
    )


def test_v1_keys_of_a_sales_channel(mock):
    client = mock("medusa-v1")
    seed, keys, channels = v1_facts(client)
    # the mobile channel holds a revoked key: v1 refuses to revoke it twice, so nothing changes
    before = state_of(client, "publishable_api_keys")
    refused = client.post(ROUTE, json={"selector": {"sales_channel_id": channels["mobile"]}})
    assert refused.status_code == 400
    assert refused.get_json() == {
        "type": "not_allowed",
        "message": "PublishableApiKey has already been revoked.",
    }
    assert state_of(client, "publishable_api_keys") == before
    # the live keys of the channel
    selector = {"sales_channel_id": channels["mobile"], "revoked_at": None}
    response = client.post(ROUTE, json={"selector": selector, "revoke": {"revoked_by": seed["admin"]["id"]}})
    assert response.status_code == 200
    revoked = response.get_json()["publishable_api_keys"]
    assert [k["id"] for k in revoked] == [keys["several_channels"]["id"]]
    assert revoked[0]["revoked_by"] == seed["admin"]["id"] and revoked[0]["revoked_at"]
    store = client.get("/store/products", headers={"x-publishable-api-key": keys["several_channels"]["id"]})
    assert store.status_code == 400  # the contract refuses a revoked key
    assert (
        client.get(
            "/store/products", headers={"x-publishable-api-key": keys["one_channel"]["id"]}
        ).status_code
        == 200
    )


def test_v1_list_of_ids_all_or_nothing(mock):
    client = mock("medusa-v1")
    _, keys, _ = v1_facts(client)
    before = state_of(client, "publishable_api_keys")
    ids = [keys["one_channel"]["id"], "pk_nope"]
    missing = client.post(ROUTE, json={"selector": {"id": ids}})
    assert missing.status_code == 404
    assert missing.get_json() == {
        "type": "not_found",
        "message": "Publishable key with id: pk_nope was not found",
    }
    twice = client.post(ROUTE, json={"selector": {"id": [keys["one_channel"]["id"], keys["revoked"]["id"]]}})
    assert twice.status_code == 400
    assert state_of(client, "publishable_api_keys") == before
    ok = client.post(ROUTE, json={"selector": {"id": [keys["no_channels"]["id"], keys["one_channel"]["id"]]}})
    assert [k["id"] for k in ok.get_json()["publishable_api_keys"]] == [
        keys["no_channels"]["id"],
        keys["one_channel"]["id"],
    ]


def test_v1_unknown_channel_and_unreadable_selectors(mock):
    client = mock("medusa-v1")
    unknown = client.post(ROUTE, json={"selector": {"sales_channel_id": "sc_nope"}})
    assert unknown.status_code == 404
    assert unknown.get_json() == {
        "type": "not_found",
        "message": "Sales channel with id: sc_nope was not found",
    }
    for body in (
        {"selector": {}},
        {"selector": {"type": "secret"}},
        {"selector": {"id": "x"}, "revoke": {"revoke_in": 5}},
    ):
        response = client.post(ROUTE, json=body)
        assert response.status_code == 400 and response.get_json()["error"] == "Bad Request"


# -- app-keys --------------------------------------------------------------------------------------


def test_app_keys_every_key_of_an_application(mock):
    client = mock("app-keys")
    alice = seed_of(client)["users"][0]
    storefront, analytics = alice["applications"]
    response = client.post(ROUTE, json={"selector": {"application_id": storefront["id"]}})
    assert response.status_code == 200
    revoked = response.get_json()["api_keys"]
    live = [k for k in storefront["keys"] if k["state"] == "active"]
    assert [k["id"] for k in revoked] == [k["id"] for k in live]
    assert all(k["revoked_at"] and k["application_id"] == storefront["id"] for k in revoked)
    for key in storefront["keys"]:
        assert client.get("/api/v1/key-info", headers={"X-API-Key": key["key"]}).status_code == 401
    other = analytics["keys"][0]["key"]
    assert client.get("/api/v1/key-info", headers={"X-API-Key": other}).status_code == 200
    # every key of it is gone now: a second call revokes nothing
    assert client.post(ROUTE, json={"selector": {"application_id": storefront["id"]}}).get_json() == {
        "api_keys": []
    }


def test_app_keys_ids_of_an_application_all_or_nothing(mock):
    client = mock("app-keys")
    storefront = seed_of(client)["users"][0]["applications"][0]
    production, staging, retired = storefront["keys"]
    before = state_of(client, "api_keys")
    for ids in ([production["id"], retired["id"]], [production["id"], "not-a-key"]):
        response = client.post(ROUTE, json={"selector": {"application_id": storefront["id"], "id": ids}})
        assert response.status_code == 404
        assert response.get_json() == {
            "error": "Not Found",
            "message": "The requested resource was not found",
            "code": 404,
        }
    assert state_of(client, "api_keys") == before
    response = client.post(
        ROUTE, json={"selector": {"application_id": storefront["id"], "id": staging["id"]}}
    )
    assert [k["id"] for k in response.get_json()["api_keys"]] == [staging["id"]]
    assert client.get("/api/v1/key-info", headers={"X-API-Key": production["key"]}).status_code == 200


def test_app_keys_unknown_application_and_unreadable_selectors(mock):
    client = mock("app-keys")
    assert client.post(ROUTE, json={"selector": {"application_id": "nope"}}).status_code == 404
    for body in ({"selector": {}}, {"selector": {"application_id": "a"}, "revoke": {"revoked_by": "u"}}):
        response = client.post(ROUTE, json=body)
        assert response.status_code == 400 and response.get_json()["error"] == "Bad Request"


# -- --state: what the route did survives a restart --------------------------------------------------


BODIES = {
    "xclade-v2": lambda seed: {"selector": {"revoked_at": None}, "revoke": {"revoked_by": "user_s"}},
    "medusa-v1": lambda seed: {
        "selector": {"sales_channel_id": seed["default_sales_channel_id"], "revoked_at": None}
    },
    "app-keys": lambda seed: {"selector": {"application_id": seed["users"][0]["applications"][0]["id"]}},
}
# A call each family refuses once the first has run: a key revoked twice, or gone.
REFUSED = {
    "xclade-v2": lambda key: {"selector": {"type": "secret"}, "revoke": {"revoked_by": "user_s"}},
    "medusa-v1": lambda key: {"selector": {"id": [key["id"]]}},
    "app-keys": lambda key: {"selector": {"application_id": key["application_id"], "id": key["id"]}},
}
KINDS = {"xclade-v2": "api_keys", "medusa-v1": "publishable_api_keys", "app-keys": "api_keys"}


@pytest.mark.parametrize("family", list(BODIES))
def test_the_bulk_revoke_survives_a_restart(tmp_path, family):
    state, kind = str(tmp_path / "mock.db"), KINDS[family]
    first = build_app(family, state_path=state).test_client()
    response = first.post(ROUTE, json=BODIES[family](seed_of(first)))
    assert response.status_code == 200
    revoked = next(iter(response.get_json().values()))
    assert len(revoked) >= 2
    # a refused call afterwards leaves nothing half-written on disk either
    refused = first.post(ROUTE, json=REFUSED[family](revoked[0]))
    assert refused.status_code in (400, 404)
    before = state_of(first, kind)
    second = build_app(family, state_path=state).test_client()
    after = state_of(second, kind)
    assert after == before
    for key in revoked:
        assert after[key["id"]]["revoked_at"] is not None


@pytest.mark.parametrize("family", list(BODIES))
def test_answers_and_requests_keep_the_control_spec(mock, family):
    from jsonschema import Draft202012Validator

    operation = yaml.safe_load(spec_text("control"))["paths"]["/revoke-keys"]["post"]
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    answer_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    client = mock(family)
    body = BODIES[family](seed_of(client))
    Draft202012Validator(request_schema).validate(body)
    response = client.post(ROUTE, json=body)
    assert response.status_code == 200
    Draft202012Validator(answer_schema).validate(response.get_json())
    bad = client.post(ROUTE, json={"selector": 1})
    error_schema = yaml.safe_load(spec_text("control"))["components"]["responses"]["Error"]
    Draft202012Validator(error_schema["content"]["application/json"]["schema"]).validate(bad.get_json())


def test_the_journal_never_records_the_control_token():
    client = build_app("app-keys", control_token="s3cret-token").test_client()
    guard = {"X-Revokit-Control-Token": "s3cret-token"}
    application = seed_of_guarded(client, guard)["users"][0]["applications"][0]["id"]
    response = client.post(ROUTE, json={"selector": {"application_id": application}}, headers=guard)
    assert response.status_code == 200
    entries = client.get("/__revokit/journal", headers=guard).get_json()["entries"]
    assert entries[-1]["operation_id"] == "revokeKeys"
    assert "s3cret-token" not in str(entries)
    assert client.post(ROUTE, json={"selector": {"application_id": application}}).status_code == 401


def seed_of_guarded(client, headers) -> dict[str, Any]:
    return client.get("/__revokit/seed", headers=headers).get_json()


def test_concurrent_bulk_and_single_revokes_over_http_stay_consistent():
    """Bulk revokes (control plane) and single revokes (admin route) of overlapping keys, over
    real sockets in threads: no key is ever seen un-revoked, and each key ends with the
    revoked_at/revoked_by of one of the answers that included it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from revokit.testing_server import LiveServer

    server = LiveServer(build_app("xclade-v2"), name="bulk-race")
    try:
        base = server.url
        seed = requests.get(f"{base}/__revokit/seed", timeout=10).json()
        admin = {"Authorization": f"Bearer {seed['admin']['token']}"}
        made = [
            requests.post(
                f"{base}/admin/api-keys",
                json={"title": f"race {i}", "type": "publishable"},
                headers=admin,
                timeout=10,
            ).json()["api_key"]["id"]
            for i in range(6)
        ]
        answers: list[dict] = []
        lock = threading.Lock()
        seen_revoked: set[str] = set()
        stop = threading.Event()
        problems: list[str] = []

        def watch() -> None:
            while not stop.is_set():
                keys = requests.get(f"{base}/__revokit/state", timeout=10).json()["state"]["api_keys"]
                current = {k["id"] for k in keys if k["id"] in made and k["revoked_at"] is not None}
                if seen_revoked - current:
                    problems.append(f"un-revoked: {sorted(seen_revoked - current)}")
                seen_revoked.update(current)

        def work(worker: int) -> None:
            session = requests.Session()
            for round_ in range(6):
                who = f"user_w{worker}r{round_}"
                if worker % 2:
                    body = {
                        "selector": {"id": made[worker % 3 :]},
                        "revoke": {"revoked_by": who, "revoke_in": round_},
                    }
                    response = session.post(f"{base}{ROUTE}", json=body, timeout=10)
                    got = response.json()["api_keys"]
                else:
                    key = made[(worker + round_) % len(made)]
                    # the single route records the caller: a JWT for the seeded admin
                    response = session.post(
                        f"{base}/admin/api-keys/{key}/revoke", json={}, headers=admin, timeout=10
                    )
                    got = [response.json()["api_key"]]
                assert response.status_code == 200
                with lock:
                    answers.extend(got)

        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(work, range(6)))
        stop.set()
        watcher.join(timeout=30)
        assert problems == []
        final = {
            k["id"]: k
            for k in requests.get(f"{base}/__revokit/state", timeout=10).json()["state"]["api_keys"]
        }

        def ms(text: str) -> str:  # the state keeps microseconds, answers show milliseconds
            return parse_instant(text).isoformat(timespec="milliseconds")

        answered = {(a["id"], ms(a["revoked_at"]), a["revoked_by"]) for a in answers}
        assert len({at for _, at, _ in answered}) > 1  # the answers carried different times
        for key_id in made:
            stored = final[key_id]
            assert (key_id, ms(stored["revoked_at"]), stored["revoked_by"]) in answered
    finally:
        server.stop()
