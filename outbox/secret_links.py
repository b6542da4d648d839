"""Finding the secret links in a mail's text, so a stored copy can do without them.

A secret link is a link to this site whose route takes a `token`: setting a password
(invitation, reset), answering a placement, filling in an evaluation, a calendar feed.
Whoever reads one can act as its recipient. Recognising the links by their route, not by
the code that wrote the mail, also covers mails that are added later: a new secret link
only has to call its route argument `token`.

Pure logic: routing is asked through a werkzeug Map, never the app.
"""

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

SECRET_ARGUMENT = "token"  # noqa: S105 - the name of a route argument, not a secret # nosec B105
# A link in plain text or in an HTML attribute ends at white space, a quote or a tag.
_LINK_BODY = r"[^\s\"'<>]+"
# Sentence punctuation right after a link is not part of it (no token ends in these).
_TRAILING_PUNCTUATION = ".,;:!?)"


def secret_path_test(url_map: Map) -> Callable[[str], bool]:
    """A test for paths of this site: True when the route it leads to takes a `token`."""
    adapter = url_map.bind("")

    def is_secret(path: str) -> bool:
        try:
            _endpoint, arguments = adapter.match(path, method="GET")
        except HTTPException:  # no such page, or a redirect to one: nothing to act with
            return False
        return SECRET_ARGUMENT in arguments

    return is_secret


def find_secret_urls(text: str, base_url: str, is_secret_path: Callable[[str], bool]) -> list[str]:
    """The secret links to this site (they start with `base_url`) in `text`, longest first."""
    found = set()
    for match in re.finditer(re.escape(base_url) + _LINK_BODY, text):
        url = match.group().rstrip(_TRAILING_PUNCTUATION)
        if is_secret_path(urlsplit(url[len(base_url) :]).path):
            found.add(url)
    # Longest first, so a link that happens to begin with another is replaced whole.
    return sorted(found, key=len, reverse=True)


def replace_urls(text: str, urls: Iterable[str], marker: str) -> str:
    for url in urls:
        text = text.replace(url, marker)
    return text
