"""Safe redirects: `next` may only point to a path on this site."""

from urllib.parse import urlsplit


def is_safe_local_path(target: str | None) -> bool:
    """True for a plain absolute path on this site, such as `/cohorts/3?tab=x`.

    Refuses scheme-relative (`//evil`), backslash tricks (`/\\evil`, which browsers
    read as `//evil`), absolute URLs, `javascript:` and control characters.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, built from BASE_URL; works outside a request too."""
    from flask import current_app

    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["BASE_URL"] + path
