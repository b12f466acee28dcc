"""/report: the report a center sends upward, for a month, a quarter or a year (Excel by default; PDF or
CSV on request), and /addressees: whom it goes to.

    /report                      ──> which report? [This month] [Last month] [This quarter] [This year]
    /report <period> [xlsx|pdf|csv] ──> the file, with buttons for the other two formats
        (<period>: 2025, quý 4, q2025-4, 10/2025, tháng 10, or a button's code)
    /addressees                  ──> the "Kính gửi" lines the report carries, and how to change them
    /addressees A; B             ──> saved, one per line (a new line works as well as ";")
    /addressees mặc định         ──> back to the default (the commune's People's Committee, the region's
                                     education office)

The director and staff get their center's; a district's or province's officer gets one block of rows
per center of the region. The figures are those `/stats` shows at the same moment.
"""

from __future__ import annotations

import re

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import Center
from bot.registry import Access, Command
from bot.reports import FORMATS, default_addressees, document, layout
from bot.services import audit, stats, upward
from bot.text import fold, spelled_out
from handlers.stats import Wanted, scope_of

NAMES = {"xlsx": "Excel", "pdf": "PDF", "csv": "CSV"}
USAGE = N_(
    "Please write the month, quarter or year of the report, for example:\n/report 10/2025\n/report quý 4\n"
    "/report 2025\nAdd pdf or csv at the end for those formats."
)
DEFAULT_WORDS = ("mac dinh", "default", "xoa", "clear")
MAX_ADDRESSEES = 6


async def report(ctx: Context, args: str) -> None:
    words = args.lower().split()
    fmt = next((w.lstrip(".") for w in words if w.lstrip(".") in FORMATS), "xlsx")
    rest = [w for w in words if w.lstrip(".") not in FORMATS]
    scope, title = await scope_of(ctx, Wanted())
    today = stats.Period.containing(ctx.now, scope.timezone)
    if not rest:
        if words:  # only a format: the year, as before
            period = today
        else:
            _ask(ctx, scope.timezone)
            return
    else:
        found = stats.parse_period(" ".join(rest), today)
        if found is None or found.year > today.year:
            raise Refusal(USAGE)
        period = found
    attachment, figures = await document(ctx.session, scope, period, ctx.now, ctx.t, fmt)
    total = figures.table.total
    ctx.reply(
        ctx._(
            "Report for {period} of {title}: {classes} classes, {visits} learner-visits ({women} women).",
            period=layout.period_words(period, ctx.t),
            title=spelled_out(title),
            classes=ctx.t.number(total.classes),
            visits=ctx.t.number(total.visits),
            women=ctx.t.number(total.women),
        ),
        (tuple(Choice(NAMES[other], f"/report {period.code} {other}") for other in FORMATS if other != fmt),),
        file=attachment,
    )


def _ask(ctx: Context, zone: str) -> None:
    """The four reports people send: this month's, last month's, this quarter's and the year's."""
    month = stats.Period.containing(ctx.now, zone, stats.PeriodKind.MONTH)
    quarter = stats.Period.containing(ctx.now, zone, stats.PeriodKind.QUARTER)
    year = stats.Period.containing(ctx.now, zone)
    choices = (
        (ctx._("This month"), month),
        (ctx._("Last month"), month.previous()),
        (ctx._("This quarter"), quarter),
        (ctx._("This year"), year),
    )
    ctx.reply(
        ctx._("Which report would you like? It comes as an Excel file; PDF and CSV are offered with it."),
        tuple(
            (Choice(f"{label} ({layout.period_words(period, ctx.t)})", f"/report {period.code}"),)
            for label, period in choices
        ),
    )


async def addressees(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    typed = args.strip()
    if not typed:
        own = upward.addressees_of(center)
        shown = own or await default_addressees(ctx.session, center, ctx.t)
        lines = [ctx._("The reports are addressed to:"), *(f"- {name}" for name in shown)]
        if not own:
            lines.append(ctx._("(the default, from the commune)"))
        lines.append(
            ctx._(
                "To change them, write each one after the command, separated by “;”, for example:\n"
                "/addressees Ủy ban nhân dân xã Thanh Bình; Phòng Giáo dục và Đào tạo huyện Đông Triều\n"
                "To go back to the default:\n/addressees mặc định"
            )
        )
        ctx.reply("\n".join(lines))
        return
    if fold(typed) in DEFAULT_WORDS:
        names: list[str] = []
    else:
        names = [n.strip().lstrip("-•").strip().rstrip(".").strip() for n in re.split(r"[;\n]", typed)]
        names = [n for n in names if n]
        if not names or len(names) > MAX_ADDRESSEES or any(len(n) > 200 for n in names):
            raise Refusal(
                N_(
                    "Please write at most six addressees, each shorter than 200 letters, separated by “;”, "
                    "for example:\n/addressees Ủy ban nhân dân xã Thanh Bình; Phòng Giáo dục và Đào tạo"
                )
            )
    center.report_addressees = "\n".join(names) or None
    audit.record(
        ctx.session,
        action="center.addressees",
        at=ctx.now,
        center_id=center.id,
        actor_id=ctx.person.id if ctx.person else None,
        count=len(names),
    )
    shown = names or await default_addressees(ctx.session, center, ctx.t)
    ctx.reply("\n".join([ctx._("✅ Saved. The reports are addressed to:"), *(f"- {name}" for name in shown)]))


COMMANDS = (
    Command("report", report, N_("The report file: a month's, a quarter's or the year's"), Access.STAFF, regional=True),
    Command("addressees", addressees, N_("Whom the reports are addressed to"), Access.DIRECTOR, in_menu=False),
)
