"""Secrets in URLs stay out of access logs (pure: no Flask; used by deploy/gunicorn.conf.py and
the development server).

Feed links, set-password links and the other e-mail links carry their secret as a path segment
(a random token, or a signed one with dots). An access log line is read by more people, and kept
longer, than the secret should be: any segment or query value that looks like such a token is
shown as its first four characters and "…", enough to tell two requests apart.
"""

import logging
import re

# Tokens are URL-safe base64 (secrets.token_urlsafe) or itsdangerous' signed form (parts joined by
# dots): runs of 20 or more of these characters, with a digit or capital among them. The app's own
# path words are lowercase, and ids, dates and file names are shorter.
_TOKEN = re.compile(
    r"(?<=[/=])(?=[A-Za-z0-9_-]*[A-Z0-9])([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]{6,})*"
)


def mask_secrets(text: str) -> str:
    """The text (a path, a request line, a referrer) with every token-like segment masked."""
    return _TOKEN.sub(r"\1…", text)


class MaskSecretsFilter(logging.Filter):
    """For the development server's request log (the "werkzeug" logger): the same masking."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_secrets(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def mask_development_log() -> None:
    """Mask the development server's request log (once, however many apps a process builds)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, MaskSecretsFilter) for existing in logger.filters):
        logger.addFilter(MaskSecretsFilter())
