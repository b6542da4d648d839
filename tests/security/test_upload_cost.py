"""Uploads that cost little: an XLSX zip bomb, a zip that lies about its sizes, and sheets with
far more rows or columns than a trainee list has are refused with a clear message, in little
time and memory, before they are walked to the end."""

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cohort.importing import services as importing
from extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_cohort
from tests.test_trainee_import import DUTCH_HEADER, csv_bytes, import_url, upload, xlsx_bytes

BOMB = Path(__file__).resolve().parent.parent / "fixtures" / "xlsx_bomb.xlsx"  # 0.97 MB, unpacks to 1 GB
TOO_LARGE = "Dit bestand is te groot om te lezen."
UNREADABLE = "We kunnen dit bestand niet lezen."


@pytest.fixture
def cohort(app):
    cohort = make_cohort()
    db.session.commit()
    return cohort


def _lying_zip() -> bytes:
    """A real workbook whose sheet says it unpacks to 1,000 bytes, while it unpacks to 50 MB."""
    workbook = io.BytesIO(xlsx_bytes([DUTCH_HEADER, ["Amina", "amina@mail.example", "", "", ""]]))
    out = io.BytesIO()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<!--" + b" " * 50_000_000 + b"--></sheetData>")
            target.writestr(part.filename, data)
    raw = bytearray(out.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_offset : start + name_offset + len(name)] == name:
                struct.pack_into("<I", raw, start + size_offset, 1000)  # the stated unpacked size
            start += 4
    return bytes(raw)


def _upload_in_memory(client, cohort, content: bytes):
    """As `upload`, with the multipart body built in memory: the test client spools an upload over
    500 kB to a temporary file of its own, which it leaves open."""
    page = client.get(import_url(cohort)).get_data(as_text=True)
    fields = {"csrf_token": csrf_token_from(page), "file": FileStorage(io.BytesIO(content), "lijst.xlsx")}
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(import_url(cohort), data=body, content_type=content_type)


def _measured(call):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def test_the_zip_bomb_is_refused_from_its_directory_in_little_time_and_memory(manager_client, cohort):
    assert BOMB.stat().st_size <= 1024 * 1024
    with zipfile.ZipFile(BOMB) as bomb:
        assert sum(part.file_size for part in bomb.infolist()) >= 10**9
    content = BOMB.read_bytes()
    response, seconds, peak = _measured(lambda: _upload_in_memory(manager_client, cohort, content))
    response.close()  # ends the request, which closes the upload the server spooled to a file
    assert response.status_code == 200 and TOO_LARGE in response.get_data(as_text=True)
    assert seconds < 2 and peak < 50 * 1024 * 1024


def test_a_zip_that_understates_its_sizes_unpacks_no_more_than_it_says(manager_client, cohort):
    lying = _lying_zip()
    with zipfile.ZipFile(io.BytesIO(lying)) as parts:
        assert parts.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    response, seconds, peak = _measured(lambda: upload(manager_client, cohort, lying, "lijst.xlsx"))
    response.close()
    assert response.status_code == 200 and UNREADABLE in response.get_data(as_text=True)
    assert seconds < 2 and peak < 50 * 1024 * 1024


def test_rows_count_whether_filled_or_not():
    sheet = Workbook()
    sheet.active.append(DUTCH_HEADER)
    sheet.active.cell(row=importing.MAX_PHYSICAL_ROWS + 5, column=1, value="Laatste")
    buffer = io.BytesIO()
    sheet.save(buffer)
    with pytest.raises(importing.ImportFileError) as refused:
        importing.parse_rows("lijst.xlsx", buffer.getvalue())
    assert refused.value.code == "too_large"
    blank_lines = csv_bytes([DUTCH_HEADER] + [[""]] * 5000 + [["Amina", "amina@mail.example", "", "", ""]])
    with pytest.raises(importing.ImportFileError) as refused:
        importing.parse_rows("lijst.csv", blank_lines)
    assert refused.value.code == "too_large"


def test_columns_beyond_the_fiftieth_are_not_read():
    wide = [*DUTCH_HEADER, *(f"kolom {n}" for n in range(16_000))]
    rows = importing.parse_rows("lijst.xlsx", xlsx_bytes([wide, ["Amina", "amina@mail.example"]]))
    assert [row.values["name"] for row in rows] == ["Amina"]
