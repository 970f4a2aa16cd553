"""The xclade-v2 mock with many API keys: list filters, reset, memory per key, against a small store.

    .venv/bin/python benchmarks/scale_keys.py [--keys 100000]

Each figure comes from a fresh interpreter filled with ``--keys`` keys (and one with 100 for
comparison): the median in-process latency (Flask test client, 50 calls) of the first page
unfiltered and with every documented list filter (``type``, ``q``, the dates, ``revoked_at``),
each sparse (few matches) and dense (most keys match) where both exist; the median of 10 resets
to the seed (the filled state is made the seed, so a reset restores all the keys); the resident
memory the keys added, per key. Goals (issue 18): every filter within 2x of the unfiltered first
page, reset <= 10 ms. The fill makes 1 key in 50 a secret (at a low scrypt cost: the hash is
not what is measured) and revokes 1 in 20, so the filters have something to find.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

FILTERS = (
    ("first page, unfiltered", ""),
    ("last page, unfiltered", "&offset={last}"),
    ("type=secret (sparse)", "&type=secret"),
    ("type=publishable (dense)", "&type=publishable"),
    ("q=<one title> (sparse)", "&q=bulk%20key%2042424"),
    ("q=bulk (dense)", "&q=bulk"),
    ("created_at[$gte]=2000 (dense)", "&created_at[$gte]=2000-01-01T00:00:00Z"),
    ("created_at[$lt]=2026-01-06 (seed only)", "&created_at[$lt]=2026-01-06T00:00:00Z"),
    ("updated_at[$gte]=2000 (dense)", "&updated_at[$gte]=2000-01-01T00:00:00Z"),
    ("revoked_at[$gt]=2000 (revoked, 1 in 20)", "&revoked_at[$gt]=2000-01-01T00:00:00Z"),
    ("order=-created_at", "&order=-created_at"),
)

CHILD = r"""
import dataclasses, gc, json, statistics, sys, time
from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.families.xclade_v2.models import API_KEYS

keys, filters = int(sys.argv[1]), json.loads(sys.argv[2])

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

started = time.perf_counter()
app = create_app(MockConfig(family="xclade-v2", validate_responses=True, scrypt_n=16))
startup = time.perf_counter() - started
rt = app.extensions["revokit"]
gc.collect()
before = rss_mb()
started = time.perf_counter()
with rt.store.transaction():
    for i in range(keys - rt.store.count(API_KEYS)):
        key, _ = rt.backend.create_api_key(f"bulk key {i}", "secret" if i % 50 == 0 else "publishable", "user_bench")
        if i % 20 == 0:
            now = rt.clock.now()
            rt.store.put(API_KEYS, dataclasses.replace(key, revoked_at=now, revoked_by="user_bench", updated_at=now))
fill = time.perf_counter() - started
gc.collect()
after = rss_mb()
client = app.test_client()
seed = client.get("/__revokit/seed").get_json()
auth = {"Authorization": "Bearer " + seed["admin"]["token"]}

def timed(path, n=50):
    samples, count = [], None
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path, headers=auth)
        samples.append(time.perf_counter() - t)
        assert r.status_code == 200, (path, r.status_code, r.data[:300])
        count = r.get_json()["count"]
    return statistics.median(samples) * 1000, count

total = rt.store.count(API_KEYS)
lists = {}
for label, query in filters:
    lists[label] = timed("/admin/api-keys?limit=20" + query.format(last=max(0, total - 20)))
# The filled state becomes the seed a reset restores (taken after the lists, as a long-running
# mock's state would hold the sorted indexes its lists built).
rt._seed_snapshot = rt.store.snapshot()
resets = []
for _ in range(10):
    t = time.perf_counter(); rt.reset(); resets.append(time.perf_counter() - t)
assert rt.store.count(API_KEYS) == total
after_reset = timed("/admin/api-keys?limit=20&type=secret", n=1)[0]
# The first write after a reset copies the tables and indexes it changes (copy on write).
t = time.perf_counter()
r = client.post("/admin/api-keys", json={"title": "after reset", "type": "publishable"}, headers=auth)
first_write = (time.perf_counter() - t) * 1000
assert r.status_code == 200, r.data[:300]
t = time.perf_counter()
r = client.post("/admin/api-keys", json={"title": "after reset 2", "type": "publishable"}, headers=auth)
second_write = (time.perf_counter() - t) * 1000
print(json.dumps({"keys": total, "startup_s": startup, "rss_before_mb": before, "rss_after_mb": after,
    "fill_s": fill, "lists": lists, "reset_ms": statistics.median(resets) * 1000,
    "first_list_after_reset_ms": after_reset, "first_write_after_reset_ms": first_write,
    "second_write_ms": second_write}))
"""


def figures(keys: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(keys), json.dumps(FILTERS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(small: dict[str, Any], large: dict[str, Any]) -> list[str]:
    """The table, as markdown lines (quotable as is)."""
    base = large["lists"]["first page, unfiltered"][0]
    lines = [
        f"| xclade-v2, GET /admin/api-keys?limit=20 | {small['keys']} keys, ms | {large['keys']:,} keys, ms "
        "| count | x first page | goal <= 2x |",
        "|---|---|---|---|---|---|",
    ]
    for label, _ in FILTERS:
        ms_small, _ = small["lists"][label]
        ms_large, count = large["lists"][label]
        ratio = ms_large / base
        lines.append(
            f"| {label} | {ms_small:.2f} | {ms_large:.2f} | {count:,} | {ratio:.2f} | {'ok' if ratio <= 2 else 'MISS'} |"
        )
    per_key = (large["rss_after_mb"] - large["rss_before_mb"]) * 1024 * 1024 / max(1, large["keys"] - 100)
    lines += [
        f"| reset to the seed (median of 10) | {small['reset_ms']:.2f} | {large['reset_ms']:.2f} | | | "
        f"{'ok' if large['reset_ms'] <= 10 else 'MISS'} (<= 10 ms) |",
        f"| first type=secret list after a reset | {small['first_list_after_reset_ms']:.2f} | "
        f"{large['first_list_after_reset_ms']:.2f} | | | |",
        f"| first / second create after a reset | {small['first_write_after_reset_ms']:.2f} / "
        f"{small['second_write_ms']:.2f} | {large['first_write_after_reset_ms']:.2f} / {large['second_write_ms']:.2f} | | | |",
        f"| memory the keys added (RSS) | | {large['rss_after_mb'] - large['rss_before_mb']:.0f} MB "
        f"= {per_key:.0f} B/key | | | |",
        f"| create_app (in-process start-up) | {small['startup_s'] * 1000:.0f} | {large['startup_s'] * 1000:.0f} "
        "| | | < 1000 ms |",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from machine_load import load_banner

    print(load_banner(f"xclade-v2 store with {args.keys:,} API keys, in-process"), flush=True)
    small, large = figures(100), figures(args.keys)
    print("\n".join(report(small, large)))
    print(f"(filled {large['keys']:,} keys in {large['fill_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
