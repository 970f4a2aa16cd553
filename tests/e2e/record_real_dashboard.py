"""Record what the real releases answer to the admin walks: the reference for the e2e tests.

    .venv/bin/python tests/e2e/record_real_dashboard.py v2 [--upstream http://127.0.0.1:9202]
    .venv/bin/python tests/e2e/record_real_dashboard.py v1 [--upstream http://127.0.0.1:9201]

Serves the built admin with a same-origin proxy in front of the release (``upstream_proxy``),
creates what the walk needs through the API (a sales channel; for v1 a fresh user, who still
gets the analytics prompt), takes the walk in chromium, and writes every API request's method,
route, query names and status to ``recordings/``; screenshots go to ``e2e-artifacts/real-*``.
A test allows a request of the mock's walk to fail only where the same route failed here with
the same status.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from admin_v1_walk import AdminV1Walk
from browser import ADMIN_V1_DIR, ARTIFACTS, DASHBOARD_DIR, RECORDINGS, chromium_context
from dashboard_v2_walk import ADMIN_EMAIL, ADMIN_PASSWORD, RequestLog, Walk
from upstream_proxy import upstream_proxy_app

from revokit.testing_server import LiveServer

FRONTENDS = {
    "v2": ("http://127.0.0.1:9202", DASHBOARD_DIR, "dashboard-2.21.2", "real-2.21.2"),
    "v1": ("http://127.0.0.1:9201", ADMIN_V1_DIR, "admin-v1-1.20.11", "real-1.20.11"),
}


def prepare_v2(upstream: str, stamp: int) -> dict[str, str]:
    token = requests.post(
        f"{upstream}/auth/user/emailpass",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=30,
    ).json()["token"]
    channel = f"e2e channel {stamp}"
    requests.post(
        f"{upstream}/admin/sales-channels",
        json={"name": channel},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).raise_for_status()
    return {"channel": channel}


def prepare_v1(upstream: str, stamp: int) -> dict[str, str]:
    admin = requests.Session()
    admin.post(
        f"{upstream}/admin/auth", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=30
    ).raise_for_status()
    email, channel = f"e2e-{stamp}@medusa-test.com", f"e2e channel {stamp}"
    admin.post(
        f"{upstream}/admin/users", json={"email": email, "password": ADMIN_PASSWORD}, timeout=30
    ).raise_for_status()
    admin.post(f"{upstream}/admin/sales-channels", json={"name": channel}, timeout=30).raise_for_status()
    return {"channel": channel, "email": email}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frontend", choices=sorted(FRONTENDS))
    parser.add_argument("--upstream", default=None)
    args = parser.parse_args()
    default_upstream, build, recording, artifacts = FRONTENDS[args.frontend]
    upstream = args.upstream or default_upstream
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    stamp = int(time.time())
    prepared = (prepare_v2 if args.frontend == "v2" else prepare_v1)(upstream, stamp)

    proxy = LiveServer(upstream_proxy_app(upstream, str(build)), name="real-proxy")
    shots = ARTIFACTS / artifacts
    shots.mkdir(parents=True, exist_ok=True)
    log = RequestLog(proxy.url)
    try:
        with chromium_context(proxy.url) as context:
            page = context.new_page()
            log.attach(page)
            if args.frontend == "v2":
                Walk(page, proxy.url, shots, prepared["channel"], title=f"e2e {stamp}").run()
            else:
                AdminV1Walk(
                    page, proxy.url, shots, prepared["email"], prepared["channel"], title=f"v1 e2e {stamp}"
                ).run()
    finally:
        proxy.stop()
    path = RECORDINGS / f"{recording}.json"
    path.parent.mkdir(exist_ok=True)
    log.write(path)
    failures = log.failures()
    print(f"{len(log.requests)} requests, {len(failures)} failed:")
    for failure in failures:
        print(f"  {failure.method} {failure.route} -> {failure.status}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
