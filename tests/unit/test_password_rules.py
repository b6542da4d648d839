"""Which passwords are refused, and for which reason (accounts/password_rules.py, pure)."""

import pytest

from accounts.password_rules import Weakness, own_words, weakness


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort1!", Weakness.TOO_SHORT),
        ("x" * 201, Weakness.TOO_LONG),
        ("1234567890", Weakness.GUESSABLE),  # in the list of common passwords
        ("qwertyuiop", Weakness.GUESSABLE),
        ("Password123", Weakness.GUESSABLE),
        ("wachtwoord123", Weakness.GUESSABLE),  # a common word and digits
        ("Amsterdam2026", Weakness.GUESSABLE),
        ("aaaaaaaaaaaa", Weakness.GUESSABLE),
        ("amina-yusuf-77", Weakness.OWN_DETAILS),  # her name
        ("MijnAdresIsAYusuf!", Weakness.OWN_DETAILS),  # her address before the @
        ("correct horse battery", None),
        ("fiets-wolk-dinsdag-38", None),
    ],
)
def test_a_password_is_refused_for_the_reason_a_person_can_act_on(password, reason):
    assert weakness(password, "Amina Yusuf", "ayusuf@mail.example") == reason


def test_own_words_are_the_name_and_the_local_part_not_the_domain_or_short_parts():
    assert own_words("Jan de Vries", "j.devries@gemeente.example") == ["devries", "jan", "vries"]
