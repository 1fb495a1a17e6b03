"""The search page at `/`: static HTML, CSS and JavaScript that call only the public API.

A plain Flask blueprint, registered with `app.register_blueprint`, so the page stays out of the
OpenAPI description: it is a client of the API, not part of it. The files live in api/static/
(shipped in the wheel as package data) and are served by Flask's own static route.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

blp = Blueprint("ui", __name__)

# The page loads nothing from elsewhere; framing stays allowed so the page can be embedded.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'"
)


@blp.route("/", methods=["GET"])
def search_page() -> Response:
    """The search page; every search runs in the browser against GET /articles."""
    response = send_from_directory(str(current_app.static_folder), "index.html", max_age=300)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
