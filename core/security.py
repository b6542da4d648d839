"""Response headers that keep the browser on our side."""

from flask import Response, request
from flask_login import current_user

from core.sessions import needs_no_session

# No inline scripts or styles anywhere: everything the page loads is served by the app.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def add_security_headers(response: Response) -> Response:
    """Each header unless the view set its own; the names it has are read once (each `setdefault`
    read them all again)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers iterates pairs
    wanted = (*SECURITY_HEADERS, HSTS) if request.is_secure else SECURITY_HEADERS
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def forbid_storing_private_pages(response: Response) -> Response:
    """Pages of a logged-in user and pages reached by a secret e-mail link (a route that takes a
    `token`) are never stored: on a shared computer, the back button or the browser's cache must
    not show them to the next person. Feeds and static files keep their own caching: they need no
    session, so this never loads a user for them."""
    if needs_no_session():
        return response
    by_secret_link = "token" in (request.view_args or {})
    if by_secret_link or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response
