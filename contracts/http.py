"""HTTP for the semantic scenarios: one recorded exchange per request, each renderable as ``curl``.

Credentials the user gave on the command line never appear in a rendered ``curl`` line: they are
replaced by the environment variable that ``revokit check`` also reads them from (``$REVOKIT_TOKEN``
...), so a report can go to a CI log and its lines still run once that variable is exported.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import requests

USER_AGENT = "revokit-check"
DEFAULT_TIMEOUT = 15.0

# Headers every HTTP library adds; they say nothing about a failure, so curl lines leave them out.
_NOISE_HEADERS = {"user-agent", "accept-encoding", "connection", "content-length", "host"}
_NOISE_PREFIXES = ("x-schemathesis-",)

_MISSING = object()


class Secrets:
    """Secret values and the environment variables that stand in for them in rendered output."""

    def __init__(self, values: Mapping[str, str | None] | None = None) -> None:
        # Longest first, so a value that contains another is replaced whole.
        items = [(value, var) for var, value in (values or {}).items() if value]
        self._items = sorted(items, key=lambda item: -len(item[0]))

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, values: Mapping[str, str | None]) -> None:
        """More secrets (e.g. tokens a login issued during setup), masked from now on."""
        items = self._items + [(value, var) for var, value in values.items() if value]
        self._items = sorted(items, key=lambda item: -len(item[0]))

    def variables(self) -> list[str]:
        return sorted({var for _, var in self._items})

    def values(self) -> dict[str, str]:
        """Variable -> secret: what ``revokit check --env-file`` writes as export lines."""
        return {var: value for value, var in self._items}

    def contains(self, text: str) -> bool:
        return any(value in text for value, _ in self._items)

    def mask(self, text: str) -> str:
        """Replace each secret by ``$VAR`` (for prose; not shell-quoted)."""
        for value, var in self._items:
            text = text.replace(value, f"${var}")
        return text

    def shell_arg(self, text: str) -> str:
        """One shell word for ``text``: single-quoted, or double-quoted with ``$VAR`` for secrets."""
        if not self.contains(text):
            return shlex.quote(text)
        escaped = re.sub(r'(["\\`$])', r"\\\1", text)
        for value, var in self._items:
            escaped_value = re.sub(r'(["\\`$])', r"\\\1", value)
            escaped = escaped.replace(escaped_value, f"${{{var}}}")
        return f'"{escaped}"'


def curl_command(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes | str | None = None,
    secrets: Secrets | None = None,
) -> str:
    """A one-line ``curl`` that sends the same request (noise headers left out)."""
    secrets = secrets or Secrets()
    parts = ["curl", "-sS", "-i", "-X", method.upper(), secrets.shell_arg(url)]
    for name, value in headers:
        lowered = name.lower()
        if lowered in _NOISE_HEADERS or lowered.startswith(_NOISE_PREFIXES):
            continue
        if lowered == "accept" and value == "*/*":
            continue
        parts += ["-H", secrets.shell_arg(f"{name}: {value}")]
    if body is not None and body != b"" and body != "":
        text = body.decode("utf-8", errors="backslashreplace") if isinstance(body, bytes) else body
        parts += ["--data-raw", _shell_body(text, secrets)]
    return " ".join(parts)


# A run of one letter or digit this long (an oversized body) is written as a shell expression
# that makes it, so the curl line stays a line.
_LONG_RUN = re.compile(r"([A-Za-z0-9])\1{1023,}")


def _shell_body(text: str, secrets: Secrets) -> str:
    """One shell word for a request body; long runs of one character are generated, not spelled."""
    words = []
    position = 0
    for run in _LONG_RUN.finditer(text):
        if run.start() > position:
            words.append(secrets.shell_arg(text[position : run.start()]))
        words.append(f"\"$(head -c {len(run.group())} /dev/zero | tr '\\0' {run.group(1)})\"")
        position = run.end()
    if position < len(text) or not words:
        words.append(secrets.shell_arg(text[position:]))
    return "".join(words)


def parse_body(content: bytes, content_type: str | None = None) -> Any:
    """JSON when the body is JSON, else the text (``None`` for an empty body)."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def show_body(body: Any, limit: int | None = 600) -> str:
    """A body as one line: compact JSON, or the text; ``(empty)`` for none."""
    if body is None:
        return "(empty)"
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, sort_keys=False)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"... ({len(text)} characters)"
    return text


@dataclass(eq=False)  # identity: two identical requests are still two exchanges
class Exchange:
    """One request and what came back (``status`` is ``None`` when the request got no answer)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes | None
    status: int | None
    response_headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    error: str | None = None
    operation: str | None = None

    @property
    def json(self) -> Any:
        return parse_body(self.content)

    def curl(self, secrets: Secrets | None = None) -> str:
        return curl_command(self.method, self.url, self.headers, self.body, secrets)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def summary(self) -> str:
        """The answer in words for a one-line message: ``401 Unauthorized: Invalid email or password``."""
        if self.status is None:
            return f"no answer ({self.error or 'no response'})"
        reason = HTTPStatus(self.status).phrase if self.status in HTTPStatus._value2member_map_ else ""
        body = self.json
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            text = body["message"]
        elif isinstance(body, str):
            text = body
        else:
            text = self.content.decode("utf-8", "replace")
        text = " ".join(text.split())[:200]
        head = f"{self.status} {reason}".strip()
        return f"{head}: {text}" if text and text != reason else head


class OperationIndex:
    """Names a request by its spec operation (``DELETE /api/v1/applications/{id}/api-keys/{keyId}``)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._routes: list[tuple[re.Pattern[str], str, set[str]]] = []
        for template, item in (spec.get("paths") or {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            methods = {m.upper() for m in item if m in _HTTP_METHODS}
            self._routes.append((re.compile(f"^{pattern}$"), template, methods))
        # Literal segments win over parameters (``/x/me`` before ``/x/{id}``).
        self._routes.sort(key=lambda r: r[1].count("{"))

    def label(self, method: str, path: str, prefix: str = "") -> str:
        if prefix and path.startswith(prefix):
            path = path[len(prefix) :] or "/"
        for pattern, template, methods in self._routes:
            if pattern.match(path) and method.upper() in methods:
                return f"{method.upper()} {template}"
        return f"{method.upper()} {path}"


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class Client:
    """A small recording HTTP client bound to one base URL."""

    def __init__(
        self,
        base_url: str,
        *,
        operations: OperationIndex | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.prefix = urlsplit(self.base_url).path.rstrip("/")
        self.operations = operations
        self.timeout = timeout
        self.session = session or requests.Session()
        self.history: list[Exchange] = []

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = _MISSING,
        data: bytes | str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Exchange:
        url = self.base_url + path
        request = requests.Request(method.upper(), url, headers=dict(headers or {}), params=params)
        if json_body is not _MISSING:
            request.json = json_body
        elif data is not None:
            request.data = data
        prepared = self.session.prepare_request(request)
        prepared.headers["User-Agent"] = USER_AGENT
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        exchange = Exchange(
            method=prepared.method or method.upper(),
            url=prepared.url or url,
            headers=list(prepared.headers.items()),
            body=body,
            status=None,
        )
        if self.operations is not None:
            exchange.operation = self.operations.label(exchange.method, exchange.path, self.prefix)
        try:
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            exchange.error = f"{type(exc).__name__}: {exc}"
        else:
            exchange.status = response.status_code
            exchange.response_headers = dict(response.headers)
            exchange.content = response.content
        self.history.append(exchange)
        return exchange

    def get(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Exchange:
        return self.request("DELETE", path, **kwargs)


_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def probe(base_url: str, timeout: float = 5.0) -> str | None:
    """``None`` when something answers HTTP at ``base_url``, else why not, in one short line
    (for exit code 2): the socket error, not urllib3's retry chain."""
    try:
        requests.get(base_url, timeout=timeout, allow_redirects=False, headers={"User-Agent": USER_AGENT})
    except requests.Timeout:
        return f"no answer within {timeout:g} s"
    except requests.exceptions.InvalidURL as exc:
        return f"not a usable URL ({exc})"
    except requests.exceptions.MissingSchema:
        return "not a URL: it needs http:// or https://"
    except requests.RequestException as exc:
        text = str(exc)
        if "NameResolutionError" in text or "Failed to resolve" in text:
            return f"the host name {urlsplit(base_url).hostname!r} does not resolve"
        found = _OS_ERROR.search(text)
        reason = found.group(1).strip().lower() if found else type(exc).__name__
        return reason
    return None


def revokit_mock_family(base_url: str, timeout: float = 5.0) -> str | None:
    """The family a revokit mock at ``base_url`` serves (its control plane says), or ``None``
    when no revokit mock answers there (a real backend)."""
    try:
        answer = requests.get(
            f"{base_url.rstrip('/')}/__revokit/health", timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
        body = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    family = body.get("family") if isinstance(body, dict) else None
    return family if isinstance(family, str) else None
