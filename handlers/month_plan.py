"""/plan: the month's plan for the director and staff, and its file for the notice board and the commune.

    /plan [10/2025 | tháng 10] ──> the month's activities, each with its state and what to do next,
        [◀ 09/2025] [11/2025 ▶] [📄 Excel file] [📢 Publish this month's drafts]
        ◀ ▶ ──> the same message, edited to the month before or after (a new message where there are no edits)
    /plan 10/2025 file ──> the seed-001 table of the month, as a file (a link where the messenger takes none)
    /plan quý 4/2025 | /plan 2025-2026 ──> the quarter's or school year's table, as a file

On Zalo, which has no buttons, the choices are numbered lines (bot/choices.py).
"""

from __future__ import annotations

import asyncio

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_, Translator
from bot.messaging import Attachment, Choice, Edit
from bot.models import Center
from bot.registry import Access, Command
from bot.services import month_plan
from bot.services.month_plan import Line, Month, Span, State
from bot.text import fold

TURN = "turn"  # in the ◀ ▶ buttons' commands
FILE_WORDS = {"file", "xlsx", "excel", "tep", "tap tin"}
USAGE = N_(
    "I could not read “{typed}”. Write for example /plan 10/2025, /plan tháng 10, or /plan 2025-2026 for a file."
)


async def plan(ctx: Context, args: str) -> None:
    center = ctx.center
    assert center is not None
    words = args.split()
    wants_file = any(fold(w) in FILE_WORDS for w in words)
    turned = TURN in words  # ◀ ▶ pressed on a month's plan: that message turns to the month asked
    typed = " ".join(w for w in words if fold(w) not in FILE_WORDS and w != TURN)
    span = month_plan.read_span(typed, Month.of(ctx.now, center.timezone))
    if span is None:
        raise Refusal(USAGE, typed=typed[:40])
    found = await month_plan.lines(ctx.session, center, span, ctx.now)
    if wants_file or span.months > 1:
        await _send_file(ctx, center, span, found)
        return
    month = span.first
    earlier, later = month.shifted(-1), month.shifted(1)
    rows = [
        (
            Choice(f"◀ {earlier.label}", f"/plan {earlier.label} {TURN}"),
            Choice(f"{later.label} ▶", f"/plan {later.label} {TURN}"),
        ),
    ]
    if found:  # an empty month's file would be an empty table
        rows.append((Choice(ctx._("📄 Excel file"), f"/plan {month.label} file"),))
    drafts = sum(1 for line in found if line.state is State.DRAFT)
    if drafts > 1:
        rows.append((Choice(ctx._("📢 Publish this month's drafts"), f"/publish month {month.key}"),))
    text = describe(found, month, ctx.t)
    if turned and ctx.is_button and ctx.can.edit and ctx.incoming.message_id is not None:
        ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, text, tuple(rows)))
        return
    ctx.reply(text, tuple(rows))


def describe(found: list[Line], month: Month, t: Translator) -> str:
    """The month in one message: a heading, then each activity's when and title, its state and the command
    that moves it on, alone on its line (locales/VOICE.md)."""
    if not found:
        return (
            t.gettext(N_("Nothing is planned for {month} yet. Send a plan file, or create an activity with:")).format(
                month=month.label
            )
            + "\n/new"
        )
    heading = t.ngettext(
        "The plan of {month}: {count} activity.", "The plan of {month}: {count} activities.", len(found)
    ).format(month=month.label, count=len(found))
    blocks = [heading]
    for line in found[: month_plan.MOST_SHOWN]:
        blocks.append(month_plan.block(line, t))
    if len(found) > month_plan.MOST_SHOWN:
        blocks.append(
            t.gettext(N_("…and {count} more: the Excel file holds them all.")).format(
                count=len(found) - month_plan.MOST_SHOWN
            )
        )
    return "\n\n".join(blocks)


def span_title(span: Span, t: Translator) -> str:
    if span.kind == "year":
        return t.gettext(N_("School year {first}-{last}")).format(first=span.first.year, last=span.last.year)
    if span.kind == "quarter":
        return t.gettext(N_("Quarter {quarter}/{year}")).format(
            quarter=(span.first.month + 2) // 3, year=span.first.year
        )
    return t.gettext(N_("Month {month}")).format(month=span.first.label)


async def _send_file(ctx: Context, center: Center, span: Span, found: list[Line]) -> None:
    from bot.reports import plan_table  # openpyxl is loaded on the first file, not at start

    rows = month_plan.table(found, center.timezone)
    title = span_title(span, ctx.t)
    heading = [center.name, ctx._("MONTH-BY-MONTH PLAN"), title]
    content = await asyncio.to_thread(plan_table.write, rows, heading, ctx.t)
    budget = sum(line.budget or 0 for line in found)
    name = f"ke-hoach-{span.first.key}" + (f"-{span.last.key}" if span.months > 1 else "")
    ctx.reply(
        ctx.t.ngettext(
            "{title}: {count} activity, a budget of {budget} đồng. The file is the plan's table, for the notice "
            "board and the commune.",
            "{title}: {count} activities, a budget of {budget} đồng. The file is the plan's table, for the notice "
            "board and the commune.",
            len(found),
        ).format(title=title, count=ctx.t.number(len(found)), budget=ctx.t.number(budget)),
        file=Attachment(f"{name}.xlsx", content),
    )


COMMANDS = (Command("plan", plan, N_("The month's plan, and its file"), Access.STAFF),)
