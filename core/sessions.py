"""Which requests need a login session at all (accounts/login_sessions.py keeps the sessions), and
Flask's cookie session made cheaper for every request."""

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface


def sessionless(view):
    """Marks a view that needs no login session (e.g. a feed whose link carries its own secret):
    the request loads no user and leaves the session cookie alone."""
    view.sessionless = True
    return view


def needs_no_session() -> bool:
    """Static files and sessionless views need no user: loading one would cost a query."""
    endpoint = request.endpoint
    return endpoint == "static" or getattr(current_app.view_functions.get(endpoint), "sessionless", False)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session with its serializer made once per secret key, not per request:
    building it was a fifth of what the app's own hooks cost a request."""

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None and app.secret_key:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer
