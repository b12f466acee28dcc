"""/report: the yearly report file in the official layout (Excel by default; PDF or CSV on request).

    /report [year] [xlsx|pdf|csv] ──> the file, with buttons for the other two formats

The director and staff get their center's; a district's or province's officer gets one block of rows
per center of the region. The figures are those `/stats` shows at the same moment.
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.registry import Access, Command
from bot.reports import FORMATS, yearly
from bot.services import stats
from bot.text import number
from handlers.stats import Wanted, scope_of

NAMES = {"xlsx": "Excel", "pdf": "PDF", "csv": "CSV"}


async def report(ctx: Context, args: str) -> None:
    words = args.lower().split()
    fmt = next((w.lstrip(".") for w in words if w.lstrip(".") in FORMATS), "xlsx")
    rest = [w for w in words if w.lstrip(".") not in FORMATS]
    scope, title = await scope_of(ctx, Wanted())
    year = stats.Period.containing(ctx.now, scope.timezone).year
    if rest:
        typed = number(rest[0])
        if len(rest) > 1 or typed is None or not 2000 <= typed <= year:
            raise Refusal(N_("Please write the year of the report, like /report 2025 (or /report 2025 pdf)."))
        year = typed
    attachment, figures = await yearly(ctx.session, scope, year, ctx.now, ctx.t, fmt)
    total = figures.table.total
    ctx.reply(
        ctx._(
            "Report {year} of {title}: {classes} classes, {visits} learner-visits ({women} women).",
            year=year,
            title=title,
            classes=ctx.t.number(total.classes),
            visits=ctx.t.number(total.visits),
            women=ctx.t.number(total.women),
        ),
        (tuple(Choice(NAMES[other], f"/report {year} {other}") for other in FORMATS if other != fmt),),
        file=attachment,
    )


COMMANDS = (Command("report", report, N_("The yearly report file"), Access.STAFF, regional=True),)
