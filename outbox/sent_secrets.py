"""Secret links in stored mail: forgotten once sent over SMTP, never shown on a page.

Once the SMTP server has accepted a message, the recipient has its links; the stored copy
(in every database backup) gets a marker in the message's own language instead of each
secret link (see secret_links). A message that is still to be sent keeps its links, and so
does the local outbox without SMTP (the log holds what it would have sent).

Whatever the row still holds, a page that shows a message ("Berichten", a trainee's data
export) shows it through `shown_copy`: a manager reading a waiting invitation must not be
able to set the invited person's password.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from outbox.models import OutboxMessage
from outbox.secret_links import find_secret_urls, replace_urls, secret_path_test


def _without_secret_links(body: str | None, marker: str, *, html: bool = False) -> str | None:
    if not body:
        return body
    urls = find_secret_urls(body, current_app.config["BASE_URL"], secret_path_test(current_app.url_map))
    return replace_urls(body, urls, str(escape(marker)) if html else marker)


def forget_secret_links(message: OutboxMessage) -> bool:
    """Replace the secret links in the message's bodies by a marker; True if there were any."""
    with force_locale(message.language or "nl"):
        marker = _("[link sent, not kept]")
    text = _without_secret_links(message.body_text, marker)
    html = _without_secret_links(message.body_html, marker, html=True)
    forgotten = (text, html) != (message.body_text, message.body_html)
    message.body_text, message.body_html = text, html
    return forgotten


def shown_copy(body: str | None, *, html: bool = False) -> str | None:
    """A stored body as a page shows it: every secret link replaced by a marker in the reader's
    language, whatever the message's status or transport (the row itself is left alone)."""
    return _without_secret_links(body, _("[link not shown]"), html=html)
