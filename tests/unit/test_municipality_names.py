"""Which municipality a typed name or code means (placements/municipalities/names.py, pure), on
the register's own files, read as the loader reads them."""

import pytest

from placements.municipalities.names import Alternative, NameIndex, Official, fold
from placements.municipalities.register import (
    ALIASES_NAME,
    FORMER_NAME,
    REGISTER_FILE,
    read_aliases,
    read_former,
    read_register,
)

ROWS = read_register(REGISTER_FILE)
CODES = {row.code: n for n, row in enumerate(ROWS, start=1)}  # an id per municipality, as a database gives


def _index() -> NameIndex:
    officials = [Official(CODES[row.code], row.code, row.name) for row in ROWS]
    folder = REGISTER_FILE.parent
    others = [Alternative(name, CODES[code]) for name, code in read_aliases(folder / ALIASES_NAME)]
    others += [
        Alternative(f.old_name, CODES[f.new_code], f.old_code) for f in read_former(folder / FORMER_NAME)
    ]
    return NameIndex.build(officials, others)


INDEX = _index()
NAME = {CODES[row.code]: row.name for row in ROWS}


def test_the_files_hold_every_municipality_of_2026():
    assert len(ROWS) == 342 and len({row.province for row in ROWS}) == 12


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Den Haag", "GM0518"),
        ("den haag", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("s Gravenhage", "GM0518"),
        ("’s-Gravenhage", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Sudwest-Fryslan", "GM1900"),  # no accents
        ("SÚDWEST-FRYSLÂN", "GM1900"),
        ("Bergen (NH.)", "GM0373"),
        ("Bergen NH", "GM0373"),
        ("bergen (nh)", "GM0373"),
        ("Hengelo (O.)", "GM0164"),
        ("Utrecht (gemeente)", "GM0344"),
        ("Weesp", "GM0363"),  # a former municipality, now Amsterdam
        ("GM0457", "GM0363"),  # Weesp's former code
        ("gm 0344", "GM0344"),
        ("  Rotterdam ", "GM0599"),
        ("Nuenen, Gerwen en Nederwetten", "GM0820"),
        ("Wijdemeren", "GM1696"),  # still its own in 2026
    ],
)
def test_unmistakable_names_and_codes_resolve(typed, code):
    resolution = INDEX.resolve(typed)
    assert resolution.found is not None and resolution.found.code == code, resolution


@pytest.mark.parametrize(
    ("typed", "choices"),
    [
        ("Bergen", {"Bergen (L.)", "Bergen (NH.)"}),
        ("Alphen", {"Alphen aan den Rijn", "Alphen-Chaam"}),
        ("Valkenburg", {"Valkenburg aan de Geul", "Katwijk"}),
        ("Hengelo", {"Hengelo (O.)"}),  # Hengelo in Gelderland is a village: confirm, never assume
        ("Beek", {"Beek (L.)"}),
        ("Laren", {"Laren (NH.)"}),
        ("Rijswijk", {"Rijswijk (ZH.)"}),
        ("Stein", {"Stein (L.)"}),
        ("Winsum", {"Het Hogeland", "Westerkwartier"}),  # split in 2019
        ("GM0788", {"Boxtel", "Oisterwijk", "Tilburg", "Vught"}),  # Haaren's code: split in 2021
        ("Haaren", {"Boxtel", "Oisterwijk", "Tilburg", "Vught"}),
    ],
)
def test_ambiguous_names_and_split_municipalities_lead_to_a_choice(typed, choices):
    resolution = INDEX.resolve(typed)
    assert resolution.found is None
    assert {o.name for o in resolution.choices} == choices


def test_a_name_that_means_nothing_gets_the_nearest_names():
    resolution = INDEX.resolve("Amsterdm")
    assert resolution.found is None and not resolution.choices
    assert resolution.suggestions[0] == "Amsterdam"
    assert INDEX.resolve("Rotterdamm").suggestions[0] == "Rotterdam"
    assert INDEX.resolve("GM9999").is_empty  # an unknown code: nothing to suggest
    assert INDEX.resolve("").is_empty and INDEX.resolve("   ").is_empty


def test_search_puts_what_the_text_means_first():
    assert [o.name for o in INDEX.search("Den Haag")][:1] == ["'s-Gravenhage"]
    assert {o.name for o in INDEX.search("bergen")} >= {"Bergen (L.)", "Bergen (NH.)", "Bergen op Zoom"}
    assert [o.code for o in INDEX.search("GM0344")] == ["GM0344"]
    assert all("amst" in fold(o.name) or o.name == "Amsterdam" for o in INDEX.search("amst")[:2])
    assert INDEX.search("") == [] and len(INDEX.search("e", limit=20)) == 20


def test_folding():
    assert fold("'s-Hertogenbosch") == fold("s Hertogenbosch") == "s hertogenbosch"
    assert fold("Súdwest-Fryslân") == "sudwest fryslan"
    assert fold("Bergen (NH.)") == fold("bergen nh") == "bergen nh"
