"""The report as an Excel workbook (openpyxl): one worksheet per sheet, the official one first."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bot.reports.layout import Block, Report, Sheet, Text

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
MIDDLE = Alignment(horizontal="center", vertical="center")
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
BOLD = Font(bold=True)


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
    if sheet.dateline:
        number, dated = sheet.dateline
        split = max(2, width // 2)
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=split)
        ws.merge_cells(start_row=line, start_column=split + 1, end_row=line, end_column=width)
        ws.cell(line, 1, number).alignment = CENTRE
        ws.cell(line, split + 1, dated).alignment = CENTRE
        ws.cell(line, split + 1).font = Font(italic=True)
        line += 2
    for text in sheet.heading:
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        cell = ws.cell(line, 1, text)
        cell.font, cell.alignment = Font(bold=True, size=13 if line <= 4 else 11), CENTRE
        line += 1
    line += 1
    line = _paragraphs(ws, sheet.before, line, width)
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
    for part in sheet.after:
        if isinstance(part, Text):
            line = _paragraphs(ws, [part], line, width)
            continue
        line = _block(ws, part, line)
    line += 1
    for text in sheet.signature:
        ws.merge_cells(start_row=line, start_column=max(2, width - 2), end_row=line, end_column=width)
        cell = ws.cell(line, max(2, width - 2), text)
        cell.alignment = CENTRE
        cell.font = Font(bold=text.isupper(), italic=text.startswith("("))
        line += 1
    for column, relative in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = relative


def _paragraphs(ws, texts: list[Text], line: int, width: int) -> int:  # type: ignore[no-untyped-def]
    """Each paragraph in the first cell of a row merged across the table, wrapped; returns the next row."""
    for text in texts:
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        cell = ws.cell(line, 1, text.text)
        cell.alignment = LEFT
        if text.bold:
            cell.font = BOLD
        ws.row_dimensions[line].height = 15 * max(1, -(-len(text.text) // 110))
        line += 1
    return line


def _block(ws, block: Block, line: int) -> int:  # type: ignore[no-untyped-def]
    """A small table from the second column (under "Educational activity"), boxed like the main one."""
    for column, name in enumerate(block.columns, 2):
        cell = ws.cell(line, column, name)
        cell.font, cell.alignment, cell.border = BOLD, CENTRE, BOX
    line += 1
    for index, values in enumerate(block.rows):
        for column, value in enumerate(values, 2):
            cell = ws.cell(line, column, value)
            cell.border = BOX
            cell.alignment = WRAP if isinstance(value, str) else MIDDLE
            if isinstance(value, int) and value >= 1000:
                cell.number_format = "#,##0"
            if index in block.strong:
                cell.font = BOLD
        line += 1
    return line + 1
