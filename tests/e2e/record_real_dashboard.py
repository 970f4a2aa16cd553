"""Record what a real Medusa 2.21.2 answers to the dashboard walk: the reference for the e2e test.

    .venv/bin/python tests/e2e/record_real_dashboard.py [--upstream http://127.0.0.1:9202]

Serves the built dashboard with a same-origin proxy in front of the release (``upstream_proxy``),
creates a sales channel for the walk through the API, takes the walk in chromium, and writes
every API request's method, route, query names and status to ``recordings/dashboard-2.21.2.json``
(screenshots: ``e2e-artifacts/real-2.21.2``). The test allows a request of the mock's walk to
fail only where the same route failed here with the same status.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import ARTIFACTS, DASHBOARD_DIR, chromium_context
from dashboard_v2_walk import ADMIN_EMAIL, ADMIN_PASSWORD, RequestLog, Walk
from upstream_proxy import upstream_proxy_app

from revokit.testing_server import LiveServer

RECORDING = Path(__file__).resolve().parent / "recordings" / "dashboard-2.21.2.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", default="http://127.0.0.1:9202")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    stamp = int(time.time())
    token = requests.post(
        f"{args.upstream}/auth/user/emailpass",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=30,
    ).json()["token"]
    channel = f"e2e channel {stamp}"
    requests.post(
        f"{args.upstream}/admin/sales-channels",
        json={"name": channel},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).raise_for_status()

    proxy = LiveServer(upstream_proxy_app(args.upstream, str(DASHBOARD_DIR)), name="real-proxy")
    shots = ARTIFACTS / "real-2.21.2"
    shots.mkdir(parents=True, exist_ok=True)
    log = RequestLog(proxy.url)
    try:
        with chromium_context(proxy.url) as context:
            page = context.new_page()
            log.attach(page)
            Walk(page, proxy.url, shots, channel, title=f"e2e {stamp}").run()
    finally:
        proxy.stop()
    RECORDING.parent.mkdir(exist_ok=True)
    log.write(RECORDING)
    failures = log.failures()
    print(f"{len(log.requests)} requests, {len(failures)} failed:")
    for failure in failures:
        print(f"  {failure.method} {failure.route} -> {failure.status}")
    print(f"wrote {RECORDING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
