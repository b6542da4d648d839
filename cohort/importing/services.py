"""Reading a trainee list (CSV or XLSX) and checking its rows. Pure: no Flask, no database.

Problems are returned as codes ("required", "invalid_email", ...), not texts, so the
view can say them in the reader's language. The field rules mirror
`cohort.services._clean_trainee_fields`; enrolling runs those rules again anyway.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from core.text_rules import mail_address, phone_key
from placements.municipalities.names import NameIndex

MAX_ROWS = 500
# Rows and columns read at all, filled or not: a sheet of a million empty (styled) rows, or a
# row of 16,384 columns, is refused at this count instead of walked to its end.
MAX_PHYSICAL_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 50
# An XLSX is a zip. Before any parsing, its parts together may unpack to at most this much, and
# none may unpack to more than MAX_RATIO times its packed size: a zip bomb of 1 MB that unpacks
# to 1 GB is refused on its directory alone. (A part whose header understates its size cannot
# unpack to more: the zip reader stops at the stated size and then finds the checksum wrong.)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 500
FILE_TYPES = ("csv", "xlsx")
FIELDS = ("name", "email", "phone", "municipality", "languages")
REQUIRED_FIELDS = ("name", "email")
MAX_LENGTHS = {"name": 120, "phone": 40, "languages": 200}
PHONE_CHARACTERS = frozenset("0123456789+-() ")
CSV_DELIMITERS = (";", ",", "\t")

# The column names a file may use, per field: Dutch first, then English.
COLUMN_NAMES = {
    "name": ("naam", "name"),
    "email": ("e-mail", "e-mailadres", "emailadres", "email", "e-mail address", "email address"),
    "phone": ("telefoon", "telefoonnummer", "phone", "phone number"),
    "municipality": ("woonplaats", "woongemeente", "gemeente", "home municipality", "municipality"),
    "languages": ("talen", "languages"),
}
_FIELD_BY_COLUMN = {name: key for key, names in COLUMN_NAMES.items() for name in names}


class ImportFileError(Exception):
    """The file as a whole cannot be used. `code` says why; `params` fill in the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class RawRow:
    """One data row: its number in the file (the header is row 1) and its text per field."""

    number: int
    values: Mapping[str, str]


@dataclass
class CheckedRow:
    """A row after checking: cleaned values where they were valid, as typed where not."""

    number: int
    name: str
    email: str
    phone: str = ""
    municipality: str = ""  # as typed
    home_municipality_id: int | None = None
    municipality_name: str = ""  # the register's name it resolved to ("Den Haag" -> "'s-Gravenhage")
    municipality_hints: list[str] = field(default_factory=list)  # the choices, or the nearest names
    languages: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    duplicate_of: int | None = None  # for "duplicate_in_file": the row that has the address first
    known_group: str = ""  # for "in_other_group": the group the person is in, and their record
    known_trainee_id: int | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def enrolment(self) -> dict:
        """The keyword arguments of `enrol_trainee` for this row."""
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "home_municipality_id": self.home_municipality_id,
            "languages": list(self.languages),
        }

    def to_payload(self) -> dict:
        """Plain JSON for the signed confirm field; problems are worked out again on confirm."""
        data = asdict(self)
        del data["problems"], data["duplicate_of"]
        return data

    @classmethod
    def from_payload(cls, data: dict) -> "CheckedRow":
        return cls(**data)


# --- Reading the file ----------------------------------------------------------------


def file_type(filename: str) -> str:
    """ "csv" or "xlsx" by the file name's extension; anything else is refused."""
    name = filename or ""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in FILE_TYPES:
        raise ImportFileError("wrong_type")
    return extension


def parse_rows(filename: str, content: bytes) -> list[RawRow]:
    """The file's data rows, empty rows left out. The first non-empty row names the columns."""
    kind = file_type(filename)
    with closing(_cells(kind, content)) as cells:
        numbered = ((number, row) for number, row in _physical(cells) if any(row))
        header = next(numbered, None)
        if header is None:
            raise ImportFileError("empty")
        columns = column_fields(header[1])
        rows = []
        for number, row in numbered:
            if len(rows) == MAX_ROWS:
                raise ImportFileError("too_many_rows", n=MAX_ROWS)
            rows.append(RawRow(number, _row_values(columns, row)))
    if not rows:
        raise ImportFileError("empty")
    return rows


def _physical(cells: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The rows with their numbers, refusing a file with more rows (empty ones too) than we read."""
    for number, row in enumerate(cells, start=1):
        if number > MAX_PHYSICAL_ROWS:
            raise ImportFileError("too_large")
        yield number, row[:MAX_COLUMNS]


def column_fields(header: list[str]) -> dict[int, str]:
    """Which field each column holds, by position. Unknown columns are left out (ignored);
    when two columns mean the same field, the first counts."""
    columns: dict[int, str] = {}
    for position, title in enumerate(header):
        key = _FIELD_BY_COLUMN.get(" ".join(title.lower().split()))
        if key is not None and key not in columns.values():
            columns[position] = key
    missing = [key for key in REQUIRED_FIELDS if key not in columns.values()]
    if missing:
        raise ImportFileError("missing_columns", columns=missing)
    return columns


def _row_values(columns: dict[int, str], row: list[str]) -> dict[str, str]:
    return {key: row[position] if position < len(row) else "" for position, key in columns.items()}


def _cells(kind: str, content: bytes) -> Iterator[list[str]]:
    """Every row of the file as a list of trimmed texts."""
    yield from (_csv_cells(content) if kind == "csv" else _xlsx_cells(content))


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1252 (older Excel exports)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("unreadable")


def detect_delimiter(text: str) -> str:
    """The delimiter used most in the first non-empty line: Dutch Excel writes ';', others ','."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_cells(content: bytes) -> Iterator[list[str]]:
    text = decode_text(content)
    if "\x00" in text:  # a binary file with a .csv name
        raise ImportFileError("unreadable")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as error:
        raise ImportFileError("unreadable") from error


def check_zip_sizes(content: bytes) -> None:
    """Refuse an XLSX whose parts unpack out of proportion, from the zip's directory alone."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError("unreadable") from error
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("too_large")
    if any(part.file_size > MAX_RATIO * max(part.compress_size, 1) for part in parts):
        raise ImportFileError("too_large")


def _xlsx_cells(content: bytes) -> Iterator[list[str]]:
    """The first sheet's rows, as the values Excel last calculated (not the formulas)."""
    from openpyxl import load_workbook  # on the first XLSX file only: it loads numpy and Pillow

    check_zip_sizes(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions we do not use
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a damaged file fails in many ways inside openpyxl; all mean "unreadable"
        raise ImportFileError("unreadable") from error
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [cell_text(value) for value in row]
    except Exception as error:
        raise ImportFileError("unreadable") from error
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet value as text: 12.0 becomes "12", a date "2026-09-07", empty ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- Checking the rows ----------------------------------------------------------------


def normalised_email(text: str) -> str | None:
    """The address as it would be stored (lowercased), or None when it is not valid."""
    return mail_address(text)


def emails_in(rows: Iterable[RawRow]) -> set[str]:
    """The valid addresses in these rows: what to look up in the database, all at once."""
    return {email for row in rows if (email := normalised_email(row.values.get("email", "")))}


def check_rows(
    rows: Iterable[RawRow],
    municipalities: NameIndex,
    taken_emails: set[str],
    known: Mapping[str, object] | None = None,
    cohort_id: int | None = None,
) -> list[CheckedRow]:
    """Check every row.

    `municipalities` is the national register (a name or CBS code resolves as names.py says);
    `taken_emails` holds the addresses already enrolled in the cohort or owned by an account;
    `known` the trainees by address and phone key (cohort.services.known_people), for `cohort_id`.
    """
    checked = [check_row(row, municipalities) for row in rows]
    mark_duplicates(checked)
    mark_known(checked, known or {}, cohort_id)
    mark_taken(checked, taken_emails)
    return checked


def mark_known(rows: list[CheckedRow], known: Mapping[str, object], cohort_id: int | None) -> None:
    """Rows that are someone already enrolled in another group (same address or phone) get a problem
    that names the group: such a person is moved from their file, not enrolled a second time."""
    for row in rows:
        if row.problems:
            continue
        person = known.get(row.email) or known.get(phone_key(row.phone) or "")
        if person is not None and person.cohort_id != cohort_id:
            row.problems["email" if person.by == "email" else "phone"] = "in_other_group"
            row.known_group, row.known_trainee_id = person.cohort_name, person.trainee_id


def check_row(row: RawRow, municipalities: NameIndex) -> CheckedRow:
    values = {key: row.values.get(key, "").strip() for key in FIELDS}
    problems: dict[str, str] = {}
    for key in ("name", "phone"):
        if problem := _text_problem(key, values[key]):
            problems[key] = problem
    email = normalised_email(values["email"]) if values["email"] else None
    if email is None:
        problems["email"] = "invalid_email" if values["email"] else "required"
    home = municipalities.resolve(values["municipality"])
    if values["municipality"] and home.found is None:
        problems["municipality"] = "ambiguous_municipality" if home.choices else "unknown_municipality"
    languages = split_languages(values["languages"])
    if len(", ".join(languages)) > MAX_LENGTHS["languages"]:
        problems["languages"] = "too_long"
    return CheckedRow(
        number=row.number,
        name=values["name"],
        email=email or values["email"],
        phone=values["phone"],
        municipality=values["municipality"],
        home_municipality_id=home.found.id if home.found else None,
        municipality_name=home.found.name if home.found else "",
        municipality_hints=[o.name for o in home.choices] or list(home.suggestions),
        languages=languages,
        problems=problems,
    )


def _text_problem(key: str, value: str) -> str | None:
    if key == "name" and not value:
        return "required"
    if len(value) > MAX_LENGTHS[key]:
        return "too_long"
    if key == "phone" and not set(value) <= PHONE_CHARACTERS:
        return "invalid_phone"
    return None


def split_languages(text: str) -> list[str]:
    """ "Arabisch; Engels", "Arabisch, Engels" and "Arabisch/Engels" all mean two languages."""
    return [part.strip() for part in re.split(r"[;,/]", text) if part.strip()]


def mark_duplicates(rows: list[CheckedRow]) -> None:
    """An address used twice in the file: the first row keeps it, later rows get a problem."""
    first_row: dict[str, int] = {}
    for row in rows:
        if "email" in row.problems:
            continue
        if row.email in first_row:
            row.problems["email"], row.duplicate_of = "duplicate_in_file", first_row[row.email]
        else:
            first_row[row.email] = row.number


def mark_taken(rows: list[CheckedRow], taken_emails: set[str]) -> None:
    """Rows whose (valid) address is already enrolled or has an account get a problem."""
    for row in rows:
        if row.problems.get("email") in (None, "duplicate_in_file") and row.email in taken_emails:
            row.problems["email"], row.duplicate_of = "already_enrolled", None
