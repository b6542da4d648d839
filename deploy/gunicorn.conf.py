"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py "app:create_app()"`.

Two cores: 2 workers x 4 threads serve many light requests (pages are database-bound and
short); a request taking over 30 s is a bug, so the worker is recycled instead of hanging.
"""

import os

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
errorlog = "-"
