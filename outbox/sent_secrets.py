"""Mail that went out over SMTP keeps no secret link in the outbox.

Once the SMTP server has accepted a message, the recipient has its links; the stored copy
(shown to managers under "Berichten", and in every database backup) gets a marker in the
message's own language instead of each secret link (see secret_links). A message that is
still to be sent keeps its links, and so does the local outbox, where developers and the
demo read them when no SMTP server is configured.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from outbox.models import OutboxMessage
from outbox.secret_links import find_secret_urls, replace_urls, secret_path_test


def forget_secret_links(message: OutboxMessage) -> bool:
    """Replace the secret links in the message's bodies by a marker; True if there were any."""
    base_url = current_app.config["BASE_URL"]
    is_secret = secret_path_test(current_app.url_map)
    in_text = find_secret_urls(message.body_text, base_url, is_secret)
    in_html = find_secret_urls(message.body_html or "", base_url, is_secret)
    if not (in_text or in_html):
        return False
    with force_locale(message.language or "nl"):
        marker = _("[link sent, not kept]")
    message.body_text = replace_urls(message.body_text, in_text, marker)
    if message.body_html:
        message.body_html = replace_urls(message.body_html, in_html, str(escape(marker)))
    return True
