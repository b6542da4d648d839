"""The ways to add a feed to a calendar program, for the subscribe page. Pure: no Flask, no database.

Each platform gets the link in the form it takes: Apple and ICSx⁵ (Android) open `webcal://`,
Google and Outlook.com have an "add from the web" address that takes the feed as a parameter.
The QR code is drawn here as SVG (segno), so the page loads nothing from elsewhere and needs no
script: the CSP allows neither.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from markupsafe import Markup

GOOGLE_ADD = "https://calendar.google.com/calendar/r"
OUTLOOK_ADD = "https://outlook.live.com/calendar/0/addfromweb"


@dataclass(frozen=True)
class SubscribeLinks:
    https: str
    webcal: str
    google: str
    outlook: str
    qr_svg: Markup  # an <svg> element, to put in the page as it is


def webcal_form(url: str) -> str:
    """The feed's address with the webcal scheme, which phones hand to their calendar app."""
    return "webcal://" + url.split("://", 1)[1]


def subscribe_links(url: str, name: str, qr_title: str) -> SubscribeLinks:
    """Every form of the feed `url` (https) a platform needs; `name` is the calendar's name."""
    webcal = webcal_form(url)
    return SubscribeLinks(
        https=url,
        webcal=webcal,
        google=f"{GOOGLE_ADD}?{urlencode({'cid': webcal}, quote_via=quote)}",
        outlook=f"{OUTLOOK_ADD}?{urlencode({'url': url, 'name': name}, quote_via=quote)}",
        qr_svg=qr_code_svg(webcal, qr_title),  # a phone camera hands webcal:// to the calendar app
    )


def qr_code_svg(text: str, title: str) -> Markup:
    """`text` as a QR code in SVG, named by its <title> for screen readers (segno escapes it), on
    white of its own so that a phone reads it on a dark page too."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=4, border=4, title=title, svgclass="qr-code", lineclass=None, light="#fff")
    # Markup: segno writes only its own elements and escapes the title and the text it encodes.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  # nosec B704
