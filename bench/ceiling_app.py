"""The ceiling for bench/run.py: what a Flask endpoint returning a short string does in our gunicorn set-up.

Two apps, served with the same deploy/gunicorn.conf.py:

- `create_bare_app()`: a minimal Flask app with one route. This is the framework's own ceiling,
  the denominator of every ratio: no page of ours can be faster, and nothing of ours hides in it.
- `create_app()`: the real app (every extension, hook and header) plus one route,
  `/bench/ceiling`. The gap between the two is what our own per-request middleware costs;
  the benchmark serves its pages from this app, so the same workers answer both. Like the
  feeds and the health check, the route needs no login: it is `@sessionless`, so it pays what
  every request pays (the NUL guard, CSRF's check, the security headers, the cookie session),
  not the login session's read, which only pages of a logged-in user need.
"""

from flask import Flask

from app import create_app as create_real_app
from core.sessions import sessionless

CEILING_TEXT = "ok"


def create_app(config: dict | None = None) -> Flask:
    app = create_real_app(config)
    app.add_url_rule("/bench/ceiling", "bench_ceiling", sessionless(lambda: CEILING_TEXT))
    return app


def create_bare_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/bench/ceiling", "bench_ceiling", lambda: CEILING_TEXT)
    return app
