"""The report as a PDF to print and sign (fpdf2), in DejaVu Sans for the Vietnamese letters (bot/reports/fonts)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.i18n import Translator
from bot.reports import fonts
from bot.reports.layout import Block, Report, Sheet, Text

FONT = "DejaVu"


def write(report: Report, t: Translator) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(fonts.REGULAR))
    pdf.add_font(FONT, "B", str(fonts.BOLD))
    pdf.add_font(FONT, "I", str(fonts.OBLIQUE))
    pdf.set_title(report.filename)
    for sheet in report.sheets:
        _sheet(pdf, sheet, t)
    return bytes(pdf.output())


def _sheet(pdf: FPDF, sheet: Sheet, t: Translator) -> None:
    pdf.add_page(orientation="L" if len(sheet.columns) > 6 else "P")
    pdf.set_font(FONT, size=9)
    if sheet.masthead:
        left, right = sheet.masthead
        half = pdf.epw / 2
        top = pdf.get_y()
        pdf.set_font(FONT, "B", 9)
        for text in left:
            pdf.cell(half, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top)
        for text in right:
            pdf.set_x(pdf.l_margin + half)
            pdf.cell(half, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if sheet.dateline:
        number, dated = sheet.dateline
        half = pdf.epw / 2
        pdf.set_font(FONT, "", 9)
        pdf.cell(half, 5, number, align="C")
        pdf.set_font(FONT, "I", 9)
        pdf.cell(half, 5, dated, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    for number, text in enumerate(sheet.heading):
        pdf.set_font(FONT, "B" if number == 0 else "", 12 if number == 0 else 10)
        pdf.multi_cell(0, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _paragraphs(pdf, sheet.before)
    pdf.set_font(FONT, size=8)
    columns = list(sheet.columns)
    if sheet.group:
        text, first, span = sheet.group
        for column in range(first, first + span):
            columns[column] = f"{text}: {columns[column]}"
    with pdf.table(
        col_widths=tuple(sheet.widths) or None,
        text_align="CENTER",
        headings_style=FontFace(emphasis="BOLD"),
        line_height=4.5,
    ) as table:
        table.row(columns)
        for index, values in enumerate(sheet.rows):
            style = FontFace(emphasis="BOLD") if index in sheet.strong else None
            row = table.row(style=style)
            for value in values:
                if isinstance(value, int):
                    row.cell(t.number(value), align="RIGHT")
                else:
                    row.cell(value or "", align="LEFT")
    pdf.ln(3)
    pdf.set_font(FONT, size=9)
    for text in sheet.footer:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    for part in sheet.after:
        if isinstance(part, Text):
            _paragraphs(pdf, [part])
        else:
            _block(pdf, part, t)
    pdf.ln(2)
    for text in sheet.signature:
        pdf.set_font(FONT, "B" if text.isupper() else ("I" if text.startswith("(") else ""), 9)
        pdf.set_x(pdf.l_margin + pdf.epw / 2)
        pdf.cell(pdf.epw / 2, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _paragraphs(pdf: FPDF, texts: list[Text]) -> None:
    for text in texts:
        pdf.set_font(FONT, "B" if text.bold else "", 9)
        pdf.multi_cell(0, 4.6, text.text, new_x="LMARGIN", new_y="NEXT")


def _block(pdf: FPDF, block: Block, t: Translator) -> None:
    """A small table (the budget by source), two thirds of the width, under the section's title."""
    pdf.set_font(FONT, size=8)
    with pdf.table(
        width=pdf.epw * 2 / 3,
        align="LEFT",
        col_widths=(50, 25, 25),
        text_align="CENTER",
        headings_style=FontFace(emphasis="BOLD"),
        line_height=4.5,
    ) as table:
        table.row(block.columns)
        for index, values in enumerate(block.rows):
            row = table.row(style=FontFace(emphasis="BOLD") if index in block.strong else None)
            for value in values:
                if isinstance(value, int):
                    row.cell(t.number(value), align="RIGHT")
                else:
                    row.cell(value or "", align="LEFT")
    pdf.ln(2)
