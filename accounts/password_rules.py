"""What makes a password too weak. Pure: no Flask, no database.

Besides the length, a password may not be one that many people use or that is quickly guessed,
and may not hold the person's own name or e-mail address (others know those). The judgement is
zxcvbn's (the estimator Dropbox made, offline, with its list of 30,000 common passwords and
common words); the app only turns it into a reason it can say in plain words.
"""

import enum
import functools
import re

MIN_LENGTH, MAX_LENGTH = 10, 200
# zxcvbn's score 3 is "safely unguessable: moderate protection from offline attacks" (10^8 guesses).
MIN_SCORE = 3
# zxcvbn's time grows with the length; what follows the first 100 characters adds only strength.
SCORED_PREFIX = 100
OWN_WORD_MIN = 3  # shorter parts of a name ("de", "el") are in many good passwords


@functools.cache
def _estimator():
    """zxcvbn and its common passwords, loaded on the first password checked: its lists are ~12 MB
    that a worker serving pages never needs."""
    from zxcvbn import zxcvbn
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return zxcvbn, frozenset(FREQUENCY_LISTS["passwords"])


class Weakness(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    OWN_DETAILS = "own_details"
    GUESSABLE = "guessable"


def own_words(name: str, email: str) -> list[str]:
    """The parts of a person's name and of their address before the @, lowercased."""
    local = email.split("@", 1)[0]
    words = re.split(r"[\W_]+", f"{name} {local}".lower())
    return sorted({word for word in words if len(word) >= OWN_WORD_MIN})


def weakness(password: str, name: str = "", email: str = "") -> Weakness | None:
    """Why `password` may not be used, or None when it may."""
    if len(password) < MIN_LENGTH:
        return Weakness.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return Weakness.TOO_LONG
    own = own_words(name, email)
    lowered = password.lower()
    if any(word in lowered for word in own):
        return Weakness.OWN_DETAILS
    estimate, common = _estimator()
    if lowered in common or estimate(password[:SCORED_PREFIX], user_inputs=own)["score"] < MIN_SCORE:
        return Weakness.GUESSABLE
    return None
