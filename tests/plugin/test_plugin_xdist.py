"""Users run their suites with pytest-xdist (`pytest -n 2`): every worker gets its own mocks, on
ports the OS picked, and nothing one worker does is seen by another."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("xdist", reason="pytest-xdist is in the test extra: pip install -e '.[test]'")


def test_each_xdist_worker_has_its_own_mocks(pytester: pytest.Pytester) -> None:
    out = pytester.mkdir("seen")
    pytester.makeini("[pytest]\nrevokit_families = app-keys\n")
    pytester.makepyfile(
        test_parallel=f"""
        import json, os, pathlib, time

        import pytest

        OUT = pathlib.Path({str(out)!r})

        @pytest.mark.parametrize("n", range(8))
        def test_state_is_this_workers_alone(n, app_keys_user, revokit, revokit_journal):
            # Both workers create and count at the same time: a shared mock (or a reset by the
            # other worker's next test) would change the totals and the journal seen here.
            for i in range(3):
                made = app_keys_user.post("/api/v1/applications", json={{"name": f"t{{n}}-{{i}}"}})
                assert made.status_code == 201
                time.sleep(0.05)
                assert app_keys_user.get("/api/v1/applications").json()["total"] == 2 + i + 1
            names = [e.body["name"] for e in revokit_journal.entries(method="POST")]
            assert names == [f"t{{n}}-{{i}}" for i in range(3)]
            (OUT / f"{{n}}.json").write_text(json.dumps(
                {{"worker": os.environ.get("PYTEST_XDIST_WORKER"), "url": revokit.url("app-keys")}}
            ))
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-n", "2", "--dist", "load")
    result.assert_outcomes(passed=8)
    seen = [json.loads(p.read_text()) for p in sorted(out.iterdir())]
    urls_by_worker: dict[str, set[str]] = {}
    for entry in seen:
        urls_by_worker.setdefault(entry["worker"], set()).add(entry["url"])
    assert set(urls_by_worker) == {"gw0", "gw1"}, seen  # both workers ran tests
    assert all(len(urls) == 1 for urls in urls_by_worker.values()), urls_by_worker  # one mock per worker
    assert urls_by_worker["gw0"].isdisjoint(urls_by_worker["gw1"]), urls_by_worker  # not the same one
