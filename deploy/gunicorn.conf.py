"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py "app:create_app()"`.

Two cores: 2 workers x 4 threads serve many light requests (pages are database-bound and
short); a request taking over 30 s is a bug, so the worker is recycled instead of hanging.
"""

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
# Restart workers now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
logger_class = MaskedLogger
errorlog = "-"
