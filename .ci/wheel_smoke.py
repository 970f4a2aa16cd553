"""Start the installed `revokit mock` (from outside the checkout) and make one real API call."""

import json
import re
import subprocess
import sys
import urllib.request

revokit = sys.argv[1]
process = subprocess.Popen([revokit, "mock", "app-keys", "--port", "0"], stdout=subprocess.PIPE, text=True)
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
    print(f"wheel smoke: GET /api/v1/applications -> {answer['total']} applications; spec served")
finally:
    process.terminate()
    process.wait(timeout=10)
