"""Reading the rows of an enrolment file: delimiter, row numbers, limits, columns, values."""

import pytest

from cohort.importing import services as importing
from placements.municipalities.names import Alternative, NameIndex, Official


def test_the_delimiter_is_the_one_the_header_uses():
    assert importing.detect_delimiter("\nnaam;e-mail;talen\nA;a@x.nl;Arabisch, Engels") == ";"
    assert importing.detect_delimiter("name,email\n") == ","
    assert importing.detect_delimiter("name\temail\n") == "\t"


def test_rows_keep_their_number_in_the_file_and_empty_rows_are_skipped():
    content = b"\n\nNAAM;  E-Mail ;x\nA;a@mail.example;1\n;;\nB;b@mail.example;2\n"
    rows = importing.parse_rows("lijst.csv", content)
    assert [(row.number, row.values["name"]) for row in rows] == [(4, "A"), (6, "B")]
    assert rows[0].values == {"name": "A", "email": "a@mail.example"}


def test_at_most_500_rows():
    header = "naam;e-mail\n"
    assert len(importing.parse_rows("a.csv", (header + "A;a@x.nl\n" * 500).encode())) == 500
    with pytest.raises(importing.ImportFileError) as error:
        importing.parse_rows("a.csv", (header + "A;a@x.nl\n" * 501).encode())
    assert (error.value.code, error.value.params) == ("too_many_rows", {"n": 500})


def test_a_missing_required_column_is_named():
    with pytest.raises(importing.ImportFileError) as error:
        importing.parse_rows("a.csv", b"naam;woonplaats\nA;Utrecht\n")
    assert error.value.params == {"columns": ["email"]}


def test_checking_rows_gives_codes_and_cleaned_values():
    municipalities = NameIndex.build(
        [
            Official(7, "GM0518", "'s-Gravenhage"),
            Official(8, "GM0373", "Bergen (NH.)"),
            Official(9, "GM0893", "Bergen (L.)"),
        ],
        [Alternative("Den Haag", 7)],
    )
    rows = [
        importing.RawRow(
            2,
            {
                "name": " A ",
                "email": "A@Mail.Example",
                "municipality": "gm0518",
                "languages": "Arabisch; Engels/ Farsi,",
            },
        ),
        importing.RawRow(3, {"name": "B", "email": "a@mail.example"}),
        importing.RawRow(4, {"name": "C" * 121, "email": "taken@mail.example", "phone": "06-12 (34)"}),
        importing.RawRow(5, {"name": "D", "email": "d@mail.example", "municipality": "Bergen"}),
        importing.RawRow(6, {"name": "E", "email": "e@mail.example", "municipality": "Den Haaag"}),
        importing.RawRow(7, {"name": "F", "email": "f@mail.example", "municipality": "den haag"}),
    ]
    first, second, third, bergen, typo, den_haag = importing.check_rows(
        rows, municipalities, {"taken@mail.example"}
    )
    assert first.is_valid and first.enrolment() == {
        "name": "A",
        "email": "a@mail.example",
        "phone": "",
        "home_municipality_id": 7,
        "languages": ["Arabisch", "Engels", "Farsi"],
    }
    assert (second.problems, second.duplicate_of) == ({"email": "duplicate_in_file"}, 2)
    assert third.problems == {"name": "too_long", "email": "already_enrolled"}
    assert first.municipality_name == den_haag.municipality_name == "'s-Gravenhage"
    assert den_haag.home_municipality_id == 7 and den_haag.is_valid
    assert bergen.problems == {"municipality": "ambiguous_municipality"}
    assert bergen.municipality_hints == ["Bergen (L.)", "Bergen (NH.)"]
    assert typo.problems == {"municipality": "unknown_municipality"} and typo.municipality_hints == [
        "'s-Gravenhage"
    ]


def test_spreadsheet_values_become_plain_text():
    assert [importing.cell_text(v) for v in (None, 612345678.0, 2.5, " x ")] == ["", "612345678", "2.5", "x"]
