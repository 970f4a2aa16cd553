"""Start the installed `revokit mock` (from outside the checkout) and make one real API call."""

import json
import re
import subprocess
import sys
import urllib.request

revokit = sys.argv[1]
process = subprocess.Popen([revokit, "mock", "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    banner = []
    for line in process.stdout:
        banner.append(line)
        if line.startswith("revokit mock is serving"):
            break
    text = "".join(banner)
    port = re.search(r"^== app-keys: http://127\.0\.0\.1:(\d+)", text, re.MULTILINE).group(1)
    base = f"http://127.0.0.1:{port}"
    seed = json.load(urllib.request.urlopen(f"{base}/__revokit/seed", timeout=10))
    token = seed["users"][0]["token"]
    request = urllib.request.Request(
        f"{base}/api/v1/applications", headers={"Authorization": f"Bearer {token}"}
    )
    answer = json.load(urllib.request.urlopen(request, timeout=10))
    assert answer["total"] == 2, answer
    spec = urllib.request.urlopen(f"{base}/__revokit/specs/app-keys.yaml", timeout=10).read()
    assert b"openapi: 3.1.0" in spec
    for family, family_port in re.findall(r"^== (\S+): http://127\.0\.0\.1:(\d+)", text, re.MULTILINE):
        health = json.load(
            urllib.request.urlopen(f"http://127.0.0.1:{family_port}/__revokit/health", timeout=10)
        )
        assert health["family"] == family, health
    assert text.count("\n== ") == 3, text
    print(
        f"wheel smoke: 3 families up; GET /api/v1/applications -> {answer['total']} applications; spec served"
    )
finally:
    process.terminate()
    process.wait(timeout=10)
