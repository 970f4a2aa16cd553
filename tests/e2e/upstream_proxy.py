"""A same-origin front for a real Medusa release: the built dashboard at ``/app``, the rest forwarded.

The real 2.21.2 release runs in production mode, where express-session issues its ``Secure`` cookie
only to requests that arrived over TLS. This proxy says so (``X-Forwarded-Proto: https``) and
strips ``Secure`` from the answer, so a browser on plain http keeps the cookie, exactly as it keeps
the mock's. Used to record what the real release answers to the dashboard's walk.
"""

from __future__ import annotations

import re

import requests
from flask import Flask, Response, request

from revokit.mockserver.admin_static import admin_blueprint

_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "content-encoding", "content-length", "host",
}  # fmt: skip
_SECURE = re.compile(r";\s*Secure", re.IGNORECASE)


def upstream_proxy_app(upstream: str, admin_dir: str) -> Flask:
    app = Flask("revokit.e2e.upstream_proxy")
    app.register_blueprint(admin_blueprint(admin_dir))
    session = requests.Session()

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    def forward(path: str) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["X-Forwarded-Proto"] = "https"
        answer = session.request(
            request.method,
            f"{upstream}/{path}",
            params=request.args.to_dict(flat=False),
            data=request.get_data(),
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )
        response = Response(answer.content, status=answer.status_code)
        for name, value in answer.raw.headers.items():
            if name.lower() in _HOP_BY_HOP:
                continue
            if name.lower() == "set-cookie":
                value = _SECURE.sub("", value)
            response.headers.add(name, value)
        return response

    return app
