"""Enrolling trainees from a CSV or XLSX file: reading, the preview, confirming, access."""

import io
import re

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from openpyxl import Workbook

from accounts.models import Role, User
from cohort.importing import services as importing
from cohort.models import Trainee
from cohort.services import enrol_trainee
from extensions import db
from outbox.models import OutboxMessage
from tests.conftest import csrf_token_from, post_form
from tests.factories import make_cohort, make_municipality, make_trainee, make_user

SIGNED_ROWS = re.compile(r'<input[^>]*name="rows"[^>]*value="([^"]*)"')
DUTCH_HEADER = ["naam", "e-mail", "telefoon", "woonplaats", "talen"]


# --- Helpers -------------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people(count: int, start: int = 1) -> list[list[str]]:
    return [[f"Deelnemer {n}", f"deelnemer{n}@mail.example", "", "", ""] for n in range(start, start + count)]


def import_url(cohort) -> str:
    return f"/cohorts/{cohort.id}/trainees/import"


def upload(client, cohort, content: bytes, filename: str = "deelnemers.csv"):
    return post_form(
        client,
        import_url(cohort),
        {"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def signed_rows_in(html: str) -> str:
    match = SIGNED_ROWS.search(html)
    assert match, "the preview offers no confirm field"
    return match.group(1)


def confirm(client, cohort, signed: str):
    return post_form(client, f"{import_url(cohort)}/confirm", {"rows": signed}, page=import_url(cohort))


def preview_and_confirm(client, cohort, content: bytes, filename: str = "deelnemers.csv"):
    preview = upload(client, cohort, content, filename)
    assert preview.status_code == 200
    return confirm(client, cohort, signed_rows_in(preview.get_data(as_text=True)))


def table_row(html: str, number: int) -> str:
    """The preview's table row for this row number of the file."""
    match = re.search(rf'<th scope="row">{number}</th>(.*?)</tr>', html, re.S)
    assert match, f"row {number} is not in the preview"
    return " ".join(match.group(1).split())


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def saved_counts() -> tuple[int, int, int]:
    return count(Trainee), count(User), count(OutboxMessage)


@pytest.fixture
def cohort(app):
    cohort = make_cohort()
    db.session.commit()
    return cohort


@pytest.fixture
def english(manager):
    """The manager reads the interface in English, so texts are the ones written in the code."""
    manager.language = "en"
    db.session.commit()


# --- Reading files ---------------------------------------------------------------------


def test_a_dutch_excel_csv_with_semicolons_and_a_bom_is_read(app, manager_client, cohort, english):
    utrecht = make_municipality("Utrecht")
    db.session.commit()
    content = csv_bytes(
        [
            ["Naam ", " E-mailadres", "Telefoonnummer", "Woonplaats", "Talen", "Opmerking"],
            ["Zoë Haddad", "Zoe.Haddad@Mail.Example", "06 12345678", "utrecht", "Arabisch, Engels", "x"],
        ]
    )
    assert content.startswith(b"\xef\xbb\xbf")
    response = upload(manager_client, cohort, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    row = table_row(html, 2)
    assert "Zoë Haddad" in row and "zoe.haddad@mail.example" in row and "Arabisch, Engels" in row
    assert "1 row can be enrolled" in html and "0 rows have problems" in html
    payload = URLSafeSerializer(app.config["SECRET_KEY"], salt="trainee-import").loads(signed_rows_in(html))
    assert payload["rows"][0]["home_municipality_id"] == utrecht.id
    assert payload["rows"][0]["languages"] == ["Arabisch", "Engels"]


def test_a_comma_csv_in_windows_1252_is_read(manager_client, cohort):
    content = csv_bytes([["name", "email"], ["Zoë Jansen", "zoe@mail.example"]], ",", "cp1252")
    html = upload(manager_client, cohort, content).get_data(as_text=True)
    assert "Zoë Jansen" in table_row(html, 2)


def test_an_xlsx_file_is_read_and_enrolled(manager_client, cohort, english):
    the_hague = make_municipality("'s-Gravenhage")
    db.session.commit()
    content = xlsx_bytes(
        [
            ["Name", "Email", "Phone", "Home municipality", "Languages"],
            ["Samir Odeh", "samir@mail.example", 612345678, the_hague.cbs_code.lower(), "Arabic/Dutch"],
            [None, None, None, None, None],
            ["Lina Odeh", "lina@mail.example", None, None, None],
        ]
    )
    preview = upload(manager_client, cohort, content, "Deelnemers.XLSX")
    html = preview.get_data(as_text=True)
    assert "612345678" in table_row(html, 2) and "Lina Odeh" in table_row(html, 4)
    response = confirm(manager_client, cohort, signed_rows_in(html))
    assert response.status_code == 302
    samir = db.session.scalar(sa.select(Trainee).filter_by(email="samir@mail.example"))
    assert samir.home_municipality_id == the_hague.id
    assert samir.languages == "Arabic, Dutch"


def test_the_example_on_the_upload_page_is_a_file_the_import_accepts(manager_client, cohort):
    make_municipality("Utrecht")
    db.session.commit()
    page = manager_client.get(import_url(cohort)).get_data(as_text=True)
    example = re.search(r"<pre><code>(.*?)</code></pre>", page, re.S).group(1)
    rows = importing.parse_rows("voorbeeld.csv", example.encode())
    assert [row.values["name"] for row in rows] == ["Amal Haddad", "Yonas Tesfaye"]
    assert "naam" in page and "woonplaats" in page


# --- The preview ---------------------------------------------------------------------------


def test_the_preview_names_each_problem_by_row_and_saves_nothing(manager_client, manager, cohort, english):
    make_municipality("Utrecht")
    enrolled = make_trainee(cohort)
    db.session.commit()
    before = saved_counts()
    content = csv_bytes(
        [
            DUTCH_HEADER,
            ["Amal Haddad", "amal@mail.example", "030-1234567", "Utrecht", "Arabisch"],  # 2: fine
            ["", "noname@mail.example", "", "", ""],  # 3
            ["Bad Mail", "not-an-address", "", "", ""],  # 4
            ["Far Away", "far@mail.example", "", "Atlantis", ""],  # 5
            ["Amal Again", "AMAL@mail.example", "", "", ""],  # 6
            ["Enrolled", enrolled.email, "", "", ""],  # 7
            ["Has Account", manager.email, "", "", ""],  # 8
            ["Bad Phone", "phone@mail.example", "call me", "", ""],  # 9
            ["", "", "", "", ""],  # 10: empty, skipped
            ["Last One", "last@mail.example", "", "", ""],  # 11: fine
        ]
    )
    response = upload(manager_client, cohort, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 rows can be enrolled" in html and "7 rows have problems" in html
    assert "OK" in table_row(html, 2) and "OK" in table_row(html, 11)
    assert "Name: Required." in table_row(html, 3)
    assert "E-mail address: Not a valid e-mail address." in table_row(html, 4)
    assert "We do not know a municipality with this name." in table_row(html, 5)
    assert "This address is also in row 2." in table_row(html, 6)
    assert "Already enrolled in this group, or already has an account." in table_row(html, 7)
    assert "Already enrolled in this group, or already has an account." in table_row(html, 8)
    assert "Use digits, spaces and + - ( ) only." in table_row(html, 9)
    assert '<th scope="row">10</th>' not in html
    assert saved_counts() == before


def test_without_valid_rows_the_preview_offers_no_confirm_button(manager_client, cohort, english):
    html = upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, ["", "nope", "", "", ""]])).get_data(
        as_text=True
    )
    assert "0 rows can be enrolled" in html
    assert not SIGNED_ROWS.search(html)
    assert "There is nobody to enrol." in html


@pytest.mark.parametrize(
    ("filename", "content", "problem"),
    [
        ("deelnemers.txt", b"naam;e-mail\nA;a@mail.example", "Choose a CSV or XLSX file."),
        ("deelnemers.xlsx", b"naam;e-mail\nA;a@mail.example", "We cannot read this file."),
        ("deelnemers.csv", b"PK\x03\x04\x00\x00binary", "We cannot read this file."),
        ("deelnemers.csv", b"naam;telefoon\nA;0612345678", "Missing: E-mail address."),
        ("deelnemers.csv", b"naam;e-mail\n;\n", "There are no trainees in this file."),
        ("deelnemers.csv", csv_bytes([DUTCH_HEADER, *people(501)]), "more than 500 rows"),
    ],
)
def test_a_file_that_cannot_be_used_gets_an_error_on_the_form(
    manager_client, cohort, english, filename, content, problem
):
    response = upload(manager_client, cohort, content, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="field-error"' in html and problem in html
    assert not SIGNED_ROWS.search(html)


def test_a_file_is_required(manager_client, cohort, english):
    html = post_form(manager_client, import_url(cohort), {}, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "Choose a file." in html


def test_the_preview_costs_the_same_queries_for_5_and_50_rows(manager_client, cohort, english, count_queries):
    make_municipality("Utrecht")
    db.session.commit()
    url = import_url(cohort)
    token = csrf_token_from(manager_client.get(url).get_data(as_text=True))

    def queries_for(rows):
        content = csv_bytes([DUTCH_HEADER, *[[*row[:3], "Utrecht", ""] for row in rows]])
        data = {"file": (io.BytesIO(content), "deelnemers.csv"), "csrf_token": token}
        with count_queries() as queries:
            response = manager_client.post(url, data=data, content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert f"{len(rows)} rows can be enrolled" in html
        return len(queries)

    assert queries_for(people(5)) == queries_for(people(50, start=100))


# --- Confirming ---------------------------------------------------------------------------


def test_confirm_enrols_the_valid_rows_with_accounts_and_invitations(manager_client, cohort, smtp_config):
    content = csv_bytes([DUTCH_HEADER, *people(2), ["", "no-name@mail.example", "", "", ""]])
    users_before = count(User)
    response = preview_and_confirm(manager_client, cohort, content)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    emails = ["deelnemer1@mail.example", "deelnemer2@mail.example"]
    trainees = db.session.scalars(sa.select(Trainee).order_by(Trainee.email)).all()
    assert [(t.email, t.cohort_id) for t in trainees] == [(email, cohort.id) for email in emails]
    accounts = db.session.scalars(sa.select(User).filter(User.email.in_(emails))).all()
    assert {(u.role, u.trainee_id) for u in accounts} == {(Role.TRAINEE, t.id) for t in trainees}
    assert count(User) == users_before + 2
    assert sorted(m.rcpt_tos[0] for m in smtp_config.messages) == emails
    assert db.session.scalars(sa.select(OutboxMessage.kind)).all() == ["invitation", "invitation"]


def test_after_confirm_the_cohort_page_says_how_many_were_enrolled(manager_client, cohort, english):
    response = preview_and_confirm(manager_client, cohort, csv_bytes([DUTCH_HEADER, *people(3)]))
    with manager_client.session_transaction() as sess:
        flashes = sess.get("_flashes", [])
    assert response.status_code == 302
    assert ("success", "3 trainees enrolled.") in flashes


@pytest.mark.parametrize(
    "tamper",
    [
        lambda signed: signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB"),
        lambda signed: URLSafeSerializer("another-key", salt="trainee-import").dumps(
            {"cohort": 1, "rows": [{"number": 2, "name": "X", "email": "x@mail.example"}]}
        ),
        lambda signed: "",
    ],
)
def test_a_changed_confirm_field_is_refused_and_nothing_is_saved(manager_client, cohort, tamper):
    preview = upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, *people(2)]))
    signed = signed_rows_in(preview.get_data(as_text=True))
    before = saved_counts()
    assert confirm(manager_client, cohort, tamper(signed)).status_code == 400
    assert saved_counts() == before


def test_rows_signed_for_another_cohort_are_refused(manager_client, cohort):
    other = make_cohort()
    db.session.commit()
    preview = upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, *people(1)]))
    assert confirm(manager_client, other, signed_rows_in(preview.get_data(as_text=True))).status_code == 400
    assert count(Trainee) == 0


def test_an_address_enrolled_after_the_preview_stops_the_confirm_and_saves_nothing(
    manager_client, cohort, english
):
    """The whole confirm is refused and the preview shown again, so the manager sees who dropped out."""
    preview = upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, *people(3)]))
    signed = signed_rows_in(preview.get_data(as_text=True))
    enrol_trainee(cohort, name="Meanwhile", email="deelnemer2@mail.example")
    db.session.commit()
    before = saved_counts()

    response = confirm(manager_client, cohort, signed)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nothing has been saved yet" in html
    assert "Already enrolled in this group" in table_row(html, 3)
    assert saved_counts() == before

    assert confirm(manager_client, cohort, signed_rows_in(html)).status_code == 302
    enrolled = set(db.session.scalars(sa.select(Trainee.email)))
    assert enrolled == {"deelnemer1@mail.example", "deelnemer2@mail.example", "deelnemer3@mail.example"}
    assert count(Trainee) == before[0] + 2


def test_a_refusal_halfway_through_the_confirm_leaves_nothing_half_saved(manager_client, cohort, english):
    gone = make_municipality("Verdwenen")
    db.session.commit()
    rows = [*people(2), ["Last", "last@mail.example", "", "Verdwenen", ""]]
    preview = upload(manager_client, cohort, csv_bytes([DUTCH_HEADER, *rows]))
    signed = signed_rows_in(preview.get_data(as_text=True))
    db.session.delete(gone)  # the first two rows are flushed before the third is refused
    db.session.commit()
    before = saved_counts()

    response = confirm(manager_client, cohort, signed)
    assert response.status_code == 302 and response.headers["Location"] == import_url(cohort)
    assert saved_counts() == before
    page = manager_client.get(import_url(cohort)).get_data(as_text=True)
    assert "Nothing has been saved. last@mail.example: Choose a municipality." in page


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.MUNICIPALITY, Role.TRAINER])
def test_only_managers_may_import(make_client, cohort, role):
    client = make_client(make_user(role))
    assert client.get(import_url(cohort)).status_code == 403
    assert upload(client, cohort, csv_bytes([DUTCH_HEADER, *people(1)])).status_code == 403
    assert confirm(client, cohort, "anything").status_code == 403
    assert count(Trainee) == (1 if role == Role.TRAINEE else 0)


def test_anonymous_visitors_are_sent_to_log_in(client, cohort):
    assert client.get(import_url(cohort)).headers["Location"].startswith("/login?next=")


def test_a_cohort_that_does_not_exist_is_404(manager_client):
    assert manager_client.get("/cohorts/9999/trainees/import").status_code == 404
    response = post_form(
        manager_client, "/cohorts/9999/trainees/import/confirm", {"rows": "x"}, page="/users"
    )
    assert response.status_code == 404


# --- The pure module, with plain values ----------------------------------------------------
