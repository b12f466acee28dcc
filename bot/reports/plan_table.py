"""The month's plan as the seed-001 table (an Excel workbook), for the center's notice board and the commune.

The columns and their order are the seed's (section V, "KẾ HOẠCH TỪNG THÁNG"); the month is written once, on
the first row of its block, and the rows under it leave it empty, as the seed does: a director recognises the
file as the one they would have typed, and `plan import` reads it back. A last row sums the participants and
the budget."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.i18n import N_, Translator
from bot.reports.xlsx import BOX, CENTRE, WRAP
from bot.services.month_plan import Row

COLUMNS = (
    N_("Month"),
    N_("Activity content"),
    N_("Participants"),
    N_("Target group"),
    N_("Partner or teacher"),
    N_("Budget"),
)
WIDTHS = (10, 48, 12, 24, 28, 14)


def write(rows: list[Row], heading: list[str], t: Translator) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = t.gettext(N_("Plan"))[:31]
    width = len(COLUMNS)
    line = 1
    for text in heading:
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        cell = ws.cell(line, 1, text)
        cell.font, cell.alignment = Font(bold=True, size=13 if line == 1 else 11), CENTRE
        line += 1
    line += 1
    for column, name in enumerate(COLUMNS, 1):
        cell = ws.cell(line, column, t.gettext(name))
        cell.font, cell.alignment, cell.border = Font(bold=True), CENTRE, BOX
    line += 1
    for row in rows:
        values = (row.month, row.content, row.participants, row.target_group, row.partner, row.budget)
        for column, value in enumerate(values, 1):
            cell = ws.cell(line, column, value if value != "" else None)
            cell.border = BOX
            cell.alignment = WRAP if column in (2, 4, 5) else Alignment(horizontal="center", vertical="center")
            if isinstance(value, int) and value >= 1000:
                cell.number_format = "#,##0"
        line += 1
    participants = sum(r.participants or 0 for r in rows)
    budget = sum(r.budget or 0 for r in rows)
    total = (t.gettext(N_("Total")), None, participants or None, None, None, budget or None)
    for column, value in enumerate(total, 1):
        cell = ws.cell(line, column, value)
        cell.border, cell.font = BOX, Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if isinstance(value, int) and value >= 1000:
            cell.number_format = "#,##0"
    for column, relative in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(column)].width = relative
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
