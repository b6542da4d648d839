"""Writing export rows as CSV or XLSX without holding the whole export in memory.

Rows are sequences of typed cells (reports/exports.py: CellKind). No request, no database.

CSV follows what Dutch Excel expects when a file is double-clicked: UTF-8 with a byte order mark
(else Excel reads "Één" as "Ã‰Ã©n"), `;` between fields (Excel with Dutch settings uses the comma
as the decimal sign, so it does not split on commas) and rates as percentages with a decimal comma
("87,5"). Tools read it with e.g. pandas `read_csv(sep=";", decimal=",")` or R's `read.csv2`.
The file is produced in pieces, a batch of rows at a time.

XLSX is written by openpyxl (reports/xlsx_writer.py, imported on the first XLSX export: openpyxl
loads numpy and Pillow when they are installed, ~18 MB a worker would carry for nothing) in
write-only mode (rows go to a temporary file as they come), saved
into a SpooledTemporaryFile (in memory while small, on disk when large) and read out in chunks.
Dates are real date cells shown as YYYY-MM-DD, rates real numbers shown as percentages.

Text that a spreadsheet would run as a formula (starting with =, +, -, @) is neutralised: in CSV
with a leading apostrophe, in XLSX by storing the cell as text. Plain numbers such as a phone
number "+31 6 1234 5678" are left alone: with no letters in them they cannot call a function.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from reports.exports import CellKind

CSV_SEPARATOR = ";"
BOM = "\ufeff"
BATCH_SIZE = 500
CHUNK_SIZE = 64 * 1024
IN_MEMORY_LIMIT = 5 * 1024 * 1024  # a larger XLSX file goes to disk
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Werkzeug adds "; charset=utf-8" to a text/ type itself: naming it here too said it twice.
CSV_MIMETYPE = "text/csv"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HARMLESS_NUMBER = re.compile(r"[+\-]?[\d\s().,/\-]*")


def neutralise(text: str) -> str:
    """A text as CSV cell that a spreadsheet will show, never run (OWASP's "CSV injection")."""
    if text.startswith(FORMULA_START) and not HARMLESS_NUMBER.fullmatch(text):
        return "'" + text
    return text


def percent_text(rate: float) -> str:
    """0.875 -> "87,5": a percentage with one decimal and a decimal comma."""
    return f"{rate * 100:.1f}".replace(".", ",")


def csv_cell(value, kind: CellKind) -> str:
    if value is None or value == "":
        return ""
    if kind == CellKind.RATE:
        return percent_text(value)
    if kind == CellKind.DATE:
        return value.isoformat()
    if kind == CellKind.NUMBER:
        return str(value)
    return neutralise(str(value))


def _csv_text(lines: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=CSV_SEPARATOR).writerows(lines)
    return buffer.getvalue().encode("utf-8")


def csv_chunks(
    headings: Sequence[str], kinds: Sequence[CellKind], rows: Iterable[Sequence], batch_size: int = BATCH_SIZE
) -> Iterator[bytes]:
    """The CSV file in pieces: the BOM and the heading line, then one piece per batch of rows."""
    yield BOM.encode("utf-8") + _csv_text([headings])
    rows = iter(rows)
    while batch := list(islice(rows, batch_size)):
        yield _csv_text(
            [csv_cell(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in batch
        )


def file_chunks(file, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Reads the file out in chunks and closes it at the end (or when the download is broken off)."""
    try:
        while chunk := file.read(chunk_size):
            yield chunk
    finally:
        file.close()
