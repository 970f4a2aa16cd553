"""The direct road for a request that names one spec operation, around Flask's request context.

Flask's request handling (the request and application contexts, their signals and teardowns,
the walk over the hooks of every blueprint) costs about half of what a bare Flask app spends on
a request, and the mock's family routes need none of it: the pipeline, the hooks and the error
mapping take the request as an argument. So a request whose method and path the app's own URL
map matches to a spec operation is matched, hooked, dispatched and mapped here with the same
functions Flask's path calls (request_hooks.py, pipeline.py, error_mapping.py). Everything else
is left to Flask, unchanged: the control plane, the docs and the admin files, a path no operation
has, a wrong method, a slash redirect, HEAD and OPTIONS, and bodies that are chunked or declared
larger than the family reads (Flask's request stream refuses those).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from . import error_mapping
from .call import Operation
from .errors import ApiError
from .pipeline import dispatch
from .request_hooks import after, before
from .runtime import MockRuntime

# Served by the GET view (HEAD) or answered before any route (a preflight): Flask's path does both.
_LEFT_TO_FLASK_METHODS = frozenset({"HEAD", "OPTIONS"})
# The headers werkzeug's get_wsgi_headers rewrites (an IRI made a URI); `start` leaves them to it.
_REWRITTEN_HEADERS = frozenset({"location", "content-location"})


def start(response: Response, environ: dict, start_response: Callable[..., object]) -> Iterable[bytes]:
    """Hand ``response`` to the server. Werkzeug's ``response(environ, start_response)`` copies the
    headers to fix Location and Content-Length and wraps the body in a closing generator: 10-25 us
    of a 130-330 us answer (benchmarks/cpu_per_request.py). A family answer has no Location, its
    body is already a list of bytes and its Content-Length is set, so it goes to the server as it
    is. Anything else (HEAD, a bodiless status, a streamed body, close callbacks) takes werkzeug's
    way; tests/test_operation_lane.py holds both ways to the same output."""
    body = response.response
    status = response.status_code
    if (
        type(body) is list
        and all(type(chunk) is bytes for chunk in body)
        and status >= 200
        and status not in (204, 304)
        and environ.get("REQUEST_METHOD") != "HEAD"
        and not response.direct_passthrough
        and not response._on_close
        and "Content-Length" in response.headers
    ):
        headers = response.headers.to_wsgi_list()
        if not any(name.lower() in _REWRITTEN_HEADERS for name, _ in headers):
            start_response(response.status, headers)
            return body
    return response(environ, start_response)


class OperationLane:
    def __init__(
        self, app: Flask, rt: MockRuntime, operations: Iterable[Operation], unjournaled: tuple[str, ...]
    ) -> None:
        self._app = app
        self._rt = rt
        self._operations = {f"family.{op.operation_id}": op for op in operations}
        self._unjournaled = unjournaled
        # Bound once: without host or subdomain matching a match reads only the path and the
        # method, so one adapter serves every request where Flask binds one per request.
        self._urls = app.url_map.bind("localhost", subdomain=app.url_map.default_subdomain or "")

    def answer(self, environ: dict) -> Response | None:
        """The response to this request if it is a spec operation's; None leaves it to Flask."""
        if environ.get("REQUEST_METHOD") in _LEFT_TO_FLASK_METHODS or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        length = environ.get("CONTENT_LENGTH")
        if length and not (length.isdigit() and int(length) <= self._rt.max_body_bytes):
            return None
        app, rt = self._app, self._rt
        if app.config["SERVER_NAME"] or app.config["TRUSTED_HOSTS"] or app.url_map.host_matching:
            return None  # the host takes part in routing: Flask's per-request adapter does that
        request = app.request_class(environ)
        try:
            rule, path_params = self._urls.match(request.path, request.method, return_rule=True)
        except HTTPException:  # no route, wrong method, a redirect: Flask answers those
            return None
        op = self._operations.get(rule.endpoint)
        if op is None:
            return None
        request.url_rule, request.view_args = rule, path_params
        # The limit Flask's Request reads from current_app, which the lane has not pushed: given
        # here, the body is read under the same limit, without a failed context look-up per read.
        request.max_content_length = app.config["MAX_CONTENT_LENGTH"]
        try:
            try:
                response = before(rt, request) or dispatch(rt, op, path_params, request)
            except ApiError as error:
                response = error_mapping.api_error(rt, request, error, app.testing)
            except HTTPException as error:
                response = error_mapping.http_error(rt, request, error)
            except Exception as error:  # as Flask maps it: its handler for Exception
                response = error_mapping.unexpected(rt, request, error, app.testing)
            return after(rt, request, response, self._unjournaled)
        finally:
            request.close()
