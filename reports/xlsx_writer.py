"""The XLSX writer of reports/export_writers.py, in a module of its own: openpyxl loads numpy and
Pillow when they are installed (~18 MB), so a worker imports it on its first XLSX export only."""

from collections.abc import Iterable, Sequence
from datetime import date
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.export_writers import IN_MEMORY_LIMIT
from reports.exports import CellKind


def _xlsx_cell(sheet, value, kind: CellKind):
    if value is None or value == "":
        return None
    if kind == CellKind.TEXT:
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"  # never a formula or an error code, whatever the text starts with
        return cell
    cell = WriteOnlyCell(sheet, value)
    if kind == CellKind.DATE and isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif kind == CellKind.RATE:
        cell.number_format = "0.0%"
    return cell


def _heading_cells(sheet, headings: Sequence[str]) -> list:
    bold = Font(bold=True)
    cells = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, heading)
        cell.data_type, cell.font = "s", bold
        cells.append(cell)
    return cells


def xlsx_file(
    headings: Sequence[str], kinds: Sequence[CellKind], rows: Iterable[Sequence], sheet_title: str
) -> SpooledTemporaryFile:
    """The workbook in a temporary file, positioned at its start; the caller closes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])  # Excel's limit for a sheet name
    sheet.freeze_panes = "A2"  # the heading row stays in view while scrolling
    for index, heading in enumerate(headings):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, min(len(heading) + 2, 40))
    sheet.append(_heading_cells(sheet, headings))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, kind) for value, kind in zip(row, kinds, strict=True)])
    output = SpooledTemporaryFile(max_size=IN_MEMORY_LIMIT)  # noqa: SIM115 - closed by file_chunks
    workbook.save(output)
    output.seek(0)
    return output
