"""Run the README's two commands, in order, on a fresh clone, and check that the mock the first
one started still answers correctly after the second one (issue 15: they used to share `.venv`,
and the test command's editable install broke the running mock).

Both commands are read from README.md's "The two commands" section and run as written, with two
additions that keep this run from clashing with anything else on the machine: the mock command
gets `--port 0` (the README's command uses the defaults 9000-9002, which a developer's own mock
may hold), and the test command's pytest gets a short selection (the full suite already ran).

usage: python .ci/readme_commands.py [REPO] [PYTEST ARGS...]   (REPO defaults to this checkout)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_SELECTION = ["tests/test_specs.py", "tests/test_first_hour.py", "-q", "-p", "no:cacheprovider"]
READY_LINE = "revokit mock is serving; press Ctrl-C to stop."
INSTALL_TIMEOUT = 900  # seconds for one command's venv and install


def readme_commands(readme: str) -> tuple[str, str]:
    # The section ends at the next heading of any level (a "###" subsection has commands of its own).
    section = re.split(r"\n#{2,} ", readme.split("## The two commands", 1)[1], maxsplit=1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)
    assert len(blocks) == 2, f"expected two sh blocks in 'The two commands', found {blocks}"
    mock, tests = (block.strip() for block in blocks)
    assert mock.endswith("revokit mock") and " -m pytest" in tests, (mock, tests)
    return mock, tests


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def check_mock_answers(ports: dict[str, int]) -> list[str]:
    """Valid requests get their answers, a bad one its family error (never a 500)."""
    answers = []
    for family, port in ports.items():
        base = f"http://127.0.0.1:{port}"
        status, seed = get_json(f"{base}/__revokit/seed")
        assert status == 200, (family, status, seed)
        assert isinstance(seed, dict)
        if family == "app-keys":
            auth = {"Authorization": f"Bearer {seed['users'][0]['token']}"}
            status, body = get_json(f"{base}/api/v1/applications", auth)
            assert status == 200 and body["total"] == 2, (status, body)
            bad, _ = get_json(f"{base}/api/v1/applications?limit=-1", auth)
        elif family == "medusa-v1":
            auth = {"x-medusa-access-token": seed["admin"]["api_token"]}
            status, body = get_json(f"{base}/admin/publishable-api-keys", auth)
            assert status == 200 and body["count"] == len(seed["publishable_api_keys"]), (status, body)
            bad, _ = get_json(f"{base}/admin/publishable-api-keys?limit=abc", auth)
        else:
            auth = {"Authorization": f"Bearer {seed['admin']['token']}"}
            status, body = get_json(f"{base}/admin/api-keys", auth)
            assert status == 200 and body["count"] == len(seed["api_keys"]), (status, body)
            bad, _ = get_json(f"{base}/admin/api-keys?limit=abc", auth)
        assert 400 <= bad < 500, (family, bad)
        answers.append(f"{family}: 200, and {bad} for a bad query")
    return answers


def main(argv: list[str]) -> int:
    repo = Path(argv[0]).resolve() if argv else Path(__file__).resolve().parent.parent
    selection = argv[1:] or DEFAULT_SELECTION
    workdir = Path(tempfile.mkdtemp(prefix="revokit-readme-"))
    clone = workdir / "revokit"
    mock = None
    try:
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        mock_command, test_command = readme_commands((clone / "README.md").read_text(encoding="utf-8"))
        started = time.monotonic()
        mock = subprocess.Popen(
            ["bash", "-c", f"{mock_command} --port 0"],
            cwd=clone,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # so the stop below reaches the mock behind bash
        )
        assert mock.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + INSTALL_TIMEOUT
        while time.monotonic() < deadline:
            line = mock.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip() == READY_LINE:
                break
        banner = "".join(lines)
        ports = {f: int(p) for f, p in re.findall(r"^== (\S+): http://127\.0\.0\.1:(\d+)", banner, re.M)}
        assert len(ports) == 3, f"the mock command did not start the mock:\n{banner}"
        threading.Thread(target=lambda: [None for _ in mock.stdout], daemon=True).start()
        print(f"readme commands: mock up in {time.monotonic() - started:.0f} s on {ports}")
        print("readme commands: before the test command:", "; ".join(check_mock_answers(ports)))

        started = time.monotonic()
        selected = " ".join(selection)
        tests = subprocess.run(
            ["bash", "-c", f"{test_command} {selected}"], cwd=clone, timeout=2 * INSTALL_TIMEOUT
        )
        print(f"readme commands: test command exit {tests.returncode} in {time.monotonic() - started:.0f} s")
        assert tests.returncode == 0, "the README's test command failed on a fresh clone"

        assert mock.poll() is None, "the mock stopped while the test command ran"
        print("readme commands: after the test command:", "; ".join(check_mock_answers(ports)))
        return 0
    finally:
        if mock is not None and mock.poll() is None:
            os.killpg(mock.pid, signal.SIGTERM)
            try:
                mock.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(mock.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
