"""The one rule for e-mail addresses and single-line text (core/text_rules.py)."""

import pytest

from core.text_rules import is_single_line, mail_address


@pytest.mark.parametrize(
    "text",
    [
        "a@b.nl\r\nBcc: c@d.nl",
        "a@b.nl\nc@d.nl",
        "a@b.nl, c@d.nl",
        "a@b.nl;c@d.nl",
        "Amina <amina@mail.example>",
        "x" * 250 + "@b.nl",
        "geen adres",
        "",
        None,
    ],
)
def test_anything_but_one_plain_address_is_refused(text):
    assert mail_address(text) is None


def test_an_address_is_stored_lowercased_without_surrounding_space():
    assert mail_address("  Amina.Yusuf@Mail.Example ") == "amina.yusuf@mail.example"


@pytest.mark.parametrize("character", ["\r", "\n", "\t", "\x00", "\x1b", "\x85", "\u2028", "\u2029"])
def test_a_single_line_holds_no_control_character(character):
    assert not is_single_line(f"Lesdag{character}Bcc: iedereen")


def test_ordinary_text_with_accents_and_dashes_is_one_line():
    assert is_single_line("Terugkomdag – Sociaal Domein, Den Haag (ﻣﺮﺣﺒﺎ) café")
