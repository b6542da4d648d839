"""A small browser for the stress tests: cookies, CSRF-carrying forms, and nothing more.

Built on the standard library so the load comes from plain HTTP over loopback, as a browser's
would, into a real gunicorn server.
"""

import http.client
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep the 302 itself: after a form post it is the server's "saved" answer."""

    def redirect_request(self, *args, **kwargs):
        return None


class FormFields(HTMLParser):
    """The fields of each `<form method="post">` of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []  # (action, fields)
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        if self._fields is None:
            return
        fields, name, kind = self._fields, attrs.get("name"), attrs.get("type")
        if tag == "input" and name and kind not in ("checkbox", "radio", "submit"):
            fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and kind in ("checkbox", "radio") and "checked" in attrs:
            fields[name] = attrs.get("value") or "y"
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._fields = None

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data


def form_fields(html: str, path: str) -> dict[str, str]:
    """The fields of the form that posts to `path` (its action, or no action: the page itself)."""
    parser = FormFields()
    parser.feed(html)
    for action, fields in parser.forms:
        if urllib.parse.urlsplit(action).path in ("", path):
            return fields
    raise AssertionError(f"no form posting to {path}")


class Browser:
    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url, self.timeout = base_url, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """GET, or POST when data is given; the status and the body. Errors come back as statuses."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def submit(self, path: str, changes: dict) -> int:
        """Open the form at `path`, change some fields, post it back; the answer's status."""
        status, html = self.request(path)
        if status != 200:
            return status
        return self.request(path, {**form_fields(html, path), **changes})[0]

    def log_in(self, email: str, password: str) -> None:
        status = self.submit("/login", {"email": email, "password": password})
        assert status == 302, f"login as {email} answered {status}"


# What a killed worker does to the requests it was serving: the connection just ends, before
# the answer or halfway through it.
CONNECTION_LOST = (
    ConnectionError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
    urllib.error.URLError,
    TimeoutError,
)
