"""Start the installed `revokit mock` (from outside the checkout), make one real API call, then run
the installed `revokit check` for every family against it: the contract profile must pass with no
allowed failure (issue 5), and the JUnit XML must name every check."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

revokit = sys.argv[1]
# A known signing secret, so `revokit check --jwt-secret` can run its forged-token scenarios too.
JWT_SECRET = "revokit-wheel-smoke-jwt-secret-of-32-bytes-or-more"
process = subprocess.Popen(
    [revokit, "mock", "--port", "0", "--jwt-secret", JWT_SECRET], stdout=subprocess.PIPE, text=True
)
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
    # The pages ship in the wheel: the state page, the docs page and Swagger UI's own files.
    for page in ("/__revokit/", "/__revokit/docs/", "/__revokit/swagger-ui/swagger-ui-bundle.js"):
        with urllib.request.urlopen(f"{base}{page}", timeout=10) as served:
            assert served.status == 200 and len(served.read()) > 300, page
    print(
        f"wheel smoke: 3 families up; GET /api/v1/applications -> {answer['total']} applications; spec served"
    )
    for family, family_port in re.findall(r"^== (\S+): http://127\.0\.0\.1:(\d+)", text, re.MULTILINE):
        family_base = f"http://127.0.0.1:{family_port}"
        family_seed = json.load(urllib.request.urlopen(f"{family_base}/__revokit/seed", timeout=10))
        if family == "app-keys":
            credentials = ["--token", family_seed["users"][0]["token"]]
            credentials += ["--other-token", family_seed["users"][1]["token"]]
        else:
            admin = family_seed["admin"]
            credentials = ["--email", admin["email"], "--password", admin["password"]]
        credentials += ["--jwt-secret", JWT_SECRET]
        junit = f"check-{family}.xml"
        started = time.perf_counter()
        check = subprocess.run(
            [revokit, "check", family, "--base-url", family_base, *credentials, "--junit-xml", junit, "-q"],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("REVOKIT_")},
        )
        elapsed = time.perf_counter() - started
        assert check.returncode == 0, (
            f"revokit check {family}: exit {check.returncode}\n{check.stdout}\n{check.stderr}"
        )
        assert "ALLOW " not in check.stdout, check.stdout
        cases = ET.parse(junit).getroot().iter("testcase")
        names = {case.get("name", "").split(" ")[0] for case in cases}
        assert "setup" in names and len(names) > 10, names
        summary = check.stdout.strip().splitlines()[-1]
        print(
            f"wheel smoke: revokit check {family}: exit 0 in {elapsed:.0f} s, {len(names)} checks; {summary}"
        )
finally:
    process.terminate()
    process.wait(timeout=10)
