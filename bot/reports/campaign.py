"""A campaign's figures in words (the director's summary, and `/stats` for a campaign) and as a workbook for the
wrap-up meeting: one row per activity held (date, title, place, expected, registered, actual, women), then the
totals and actual against expected. Both read one `CampaignFigures`, so the file and the text agree."""

from __future__ import annotations

import io
import re
from datetime import date

from bot.i18n import N_, Translator
from bot.messaging import Attachment
from bot.reports.summary import clip, share
from bot.services.campaign_figures import CampaignFigures, Line

TITLE_SHOWN = 60  # characters of a title in a chat line; the file has them whole
COLUMNS = (
    N_("No."),
    N_("Date"),
    N_("Content"),
    N_("Place"),
    N_("Expected"),
    N_("Registered"),
    N_("Actual"),
    N_("Women"),
)


def days_text(days: tuple[date, date] | None, t: Translator) -> str:
    if days is None:
        return t.gettext("days not set")
    first, last = days
    return f"{first:%d/%m}–{last:%d/%m/%Y}" if first.year == last.year else f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"


def text(figures: CampaignFigures, days: tuple[date, date] | None, t: Translator, *, ended: bool = False) -> str:
    """The campaign in one message: what was held and how many came against what was expected, then each
    activity on its own line."""
    _ = t.gettext
    heading = _("📊 {name} has ended ({days}).") if ended else _("📊 {name} ({days})")
    lines = [heading.format(name=figures.name, days=days_text(days, t))]
    if not figures.lines:
        lines.append(_("No activity of this campaign has been announced yet."))
        return "\n".join(lines)
    lines.append(
        _("Held: {held} activities, {visits} learner-visits ({women} women).").format(
            held=t.number(len(figures.held)), visits=t.number(figures.visits), women=t.number(figures.women)
        )
    )
    if figures.percent is not None:
        lines.append(
            _("Expected {expected} participants, {actual} came ({percent}%).").format(
                expected=t.number(figures.expected),
                actual=t.number(figures.actual_of_expected),
                percent=share(figures.percent, t),
            )
        )
    lines.append("")
    lines += [_line(line, t) for line in figures.lines]
    return "\n".join(lines)


def _line(line: Line, t: Translator) -> str:
    _ = t.gettext
    fields = {
        "day": t.datetime(line.starts_at, "dd/MM"),
        "title": clip(line.title, TITLE_SHOWN),
        "expected": t.number(line.expected or 0),
        "registered": t.number(line.registered),
        "actual": t.number(line.actual),
    }
    if not line.held:
        return _("• {day} {title}: still to come, {registered} registered").format(**fields)
    if line.expected:
        return _("• {day} {title}: expected {expected}, registered {registered}, came {actual}").format(**fields)
    return _("• {day} {title}: registered {registered}, came {actual}").format(**fields)


def workbook(figures: CampaignFigures, days: tuple[date, date] | None, t: Translator, center_name: str) -> Attachment:
    """The summary as an Excel file; openpyxl is loaded only when one is asked for."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    _ = t.gettext
    book = Workbook()
    ws = book.active
    ws.title = clip(_("Summary"), 31)
    ws.append([center_name])
    ws.append([_("SUMMARY OF {name}").format(name=figures.name.upper())])
    ws.append([days_text(days, t)])
    ws.append([])
    ws.append([_(column) for column in COLUMNS])
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, line in enumerate(figures.held, 1):
        ws.append(
            [
                number,
                t.datetime(line.starts_at, "dd/MM/yyyy"),
                line.title,
                line.place or "",
                line.expected,
                line.registered,
                line.actual,
                line.women,
            ]
        )
    ws.append(["", "", _("Total"), "", figures.expected, figures.registered, figures.visits, figures.women])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    if figures.percent is not None:
        share_label = _("Actual against expected, of the activities with an expected figure (%)")
        ws.append(["", "", share_label, "", "", "", round(figures.percent, 1), ""])
    for row in (1, 2, 3):
        ws.cell(row, 1).font = Font(bold=True, size=13 if row == 2 else 11)
    for column, width in zip("ABCDEFGH", (5, 12, 60, 35, 10, 10, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=6, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    buffer = io.BytesIO()
    book.save(buffer)
    name = re.sub(r"[^\w.-]+", "-", figures.name, flags=re.UNICODE).strip("-") or "campaign"
    return Attachment(f"{name}.xlsx", buffer.getvalue())
