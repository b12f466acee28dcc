"""/reminders: the director sets when the center's reminders go out by default ("1d@19:00,2h")."""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.models import Center
from bot.registry import Access, Command
from scheduler import reminders


async def reminder_rules(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    wanted = args.strip()
    if not wanted:
        ctx.reply(
            ctx._(
                "Reminders now go out at: {rules}. To change them, send for example /reminders 1d@19:00,2h "
                "(the day before at 19:00, and two hours before).",
                rules=center.reminders or "-",
            )
        )
        return
    rules = "" if wanted == "-" else wanted
    try:
        parsed = reminders.parse(rules)
    except reminders.BadRule as bad:
        raise Refusal(N_("I could not read “{rule}”. Write for example 1d@19:00,2h or 30m."), rule=str(bad)) from None
    center.reminders = ",".join(parsed)
    ctx.reply(
        ctx._(
            "Done: new activities will be reminded at {rules}. Activities already announced keep "
            "their reminders; change one with /change.",
            rules=center.reminders or "-",
        )
    )


COMMANDS = (Command("reminders", reminder_rules, N_("When reminders go out by default"), Access.DIRECTOR),)
