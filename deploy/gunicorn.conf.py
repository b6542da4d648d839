"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py "app:create_app()"`.

Two cores: 2 workers x 4 threads serve many light requests (pages are database-bound and
short); a request taking over 30 s is a bug, so the worker is recycled instead of hanging.

The app is imported once, in the master, and each worker is a fork of it (`preload_app`):
importing it costs about a second of a core, which a worker recycled every 2,000 requests paid
every few seconds under load (the benchmark's /bench/ceiling lost 40% of its requests to it,
and its p95 was a second). A fork shares the imported code with the master.
"""

import gc
import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, for core.log_masking
from core.log_masking import mask_secrets  # noqa: E402


class MaskedLogger(Logger):
    """The access log without the secrets of feed and e-mail links (core/log_masking.py)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f"):  # request line, path, query string, referrer
            atoms[name] = mask_secrets(atoms[name] or "")
        return atoms


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
preload_app = True
# Restart workers now and then, so a slow leak can never grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = "-"
logger_class = MaskedLogger
errorlog = "-"


def post_worker_init(worker):
    """A worker must not share the master's database connections (SQLAlchemy's advice for forks):
    the master opened none, but a pool copied with connections in it would corrupt both sides."""
    from extensions import db

    app = worker.wsgi
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # the benchmark's bare Flask app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def pre_fork(_server, _worker):
    """What the master imported lives as long as the worker: frozen, Python's collector never walks
    it again (~150,000 objects, 40 ms a full collection that stopped every thread of the worker),
    and the pages the worker shares with the master stay shared (Python's advice for gc.freeze)."""
    gc.freeze()
