"""The report as one CSV file: each sheet as a block (its title, its header, its rows), with a blank
line between blocks. UTF-8 with a byte-order mark, so Excel opens the Vietnamese letters right."""

from __future__ import annotations

import csv
import io

from bot.reports.layout import Block, Report


def write(report: Report) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for number, sheet in enumerate(report.sheets):
        if number:
            out.writerow([])
        out.writerow([sheet.title])
        for text in [*(sheet.masthead[0] if sheet.masthead else []), *(sheet.dateline or ()), *sheet.heading]:
            if text:
                out.writerow([text])
        for paragraph in sheet.before:
            out.writerow([paragraph.text])
        columns = list(sheet.columns)
        if sheet.group:
            text, first, span = sheet.group
            for column in range(first, first + span):
                columns[column] = f"{text}: {columns[column]}"
        out.writerow(columns)
        for row in sheet.rows:
            out.writerow(["" if value is None else value for value in row])
        for text in sheet.footer:
            out.writerow([text])
        for part in sheet.after:
            if isinstance(part, Block):  # from the second column, as in the workbook
                out.writerow(["", *part.columns])
                for row in part.rows:
                    out.writerow(["", *("" if value is None else value for value in row)])
            else:
                out.writerow([part.text])
        for text in sheet.signature:
            if text:
                out.writerow([text])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
