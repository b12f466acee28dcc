"""The report as an Excel workbook (openpyxl): one worksheet per sheet, the official one first."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bot.reports.layout import Report, Sheet

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)


def write(report: Report) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in report.sheets:
        _sheet(book.create_sheet(sheet.title[:31]), sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(ws, sheet: Sheet) -> None:  # type: ignore[no-untyped-def]
    width = len(sheet.columns)
    line = 1
    if sheet.masthead:
        left, right = sheet.masthead
        split = max(2, width // 2)
        for row, (a, b) in enumerate(zip(left, right, strict=False), start=line):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=split)
            ws.merge_cells(start_row=row, start_column=split + 1, end_row=row, end_column=width)
            ws.cell(row, 1, a).font = Font(bold=True)
            ws.cell(row, split + 1, b).font = Font(bold=True)
            ws.cell(row, 1).alignment = ws.cell(row, split + 1).alignment = CENTRE
        line += len(left) + 1
    for text in sheet.heading:
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        cell = ws.cell(line, 1, text)
        cell.font, cell.alignment = Font(bold=True, size=13 if line <= 4 else 11), CENTRE
        line += 1
    line += 1
    header_rows = 2 if sheet.group else 1
    for column, name in enumerate(sheet.columns, 1):
        grouped = sheet.group and sheet.group[1] < column <= sheet.group[1] + sheet.group[2]
        if sheet.group and not grouped:
            ws.merge_cells(start_row=line, start_column=column, end_row=line + 1, end_column=column)
        cell = ws.cell(line + header_rows - 1 if grouped else line, column, name)
        cell.font, cell.alignment = Font(bold=True), CENTRE
    if sheet.group:
        text, index, span = sheet.group
        first = index + 1
        ws.merge_cells(start_row=line, start_column=first, end_row=line, end_column=first + span - 1)
        ws.cell(line, first, text).font = Font(bold=True)
        ws.cell(line, first).alignment = CENTRE
    for row in range(line, line + header_rows):
        for column in range(1, width + 1):
            ws.cell(row, column).border = BOX
    line += header_rows
    for index, values in enumerate(sheet.rows):
        for column, value in enumerate(values, 1):
            cell = ws.cell(line, column, value)
            cell.border = BOX
            cell.alignment = WRAP if isinstance(value, str) else Alignment(horizontal="center", vertical="center")
            if isinstance(value, int) and value >= 1000:
                cell.number_format = "#,##0"
            if index in sheet.strong:
                cell.font = Font(bold=True)
        line += 1
    line += 1
    for text in sheet.footer:
        ws.cell(line, 1, text)
        line += 1
    for text in sheet.signature:
        ws.merge_cells(start_row=line, start_column=max(2, width - 2), end_row=line, end_column=width)
        cell = ws.cell(line, max(2, width - 2), text)
        cell.alignment = CENTRE
        cell.font = Font(bold=text.isupper(), italic=text.startswith("("))
        line += 1
    for column, relative in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = relative
