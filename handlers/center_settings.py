"""/reminders: the director sets when the center's reminders go out by default ("1d@19:00,2h").
/retention: how many months personal rows of past activities are kept before they are anonymized."""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.models import Center
from bot.registry import Access, Command
from bot.services import audit, reminders
from bot.text import number

SHORTEST, LONGEST = 6, 120  # months: reports need last year's names for a while; the law wants no more than needed


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
        raise Refusal(
            N_("I could not read “{rule}”. Write for example 1d@19:00,2h or 30m."), rule=str(bad)[:40]
        ) from None
    center.reminders = ",".join(parsed)
    ctx.reply(
        ctx._(
            "Done: new activities will be reminded at {rules}. Activities already announced keep "
            "their reminders; change one with /change.",
            rules=center.reminders or "-",
        )
    )


async def retention(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    if not args.strip():
        ctx.reply(
            ctx._(
                "Names in past activities are kept for {months} months, then only anonymous totals remain. "
                "To change it, send for example /retention 24.",
                months=center.retention_months,
            )
        )
        return
    months = number(args.strip())
    if months is None or not SHORTEST <= months <= LONGEST:
        raise Refusal(
            N_("Please write a number of months from {low} to {high}, like /retention 24."), low=SHORTEST, high=LONGEST
        )
    center.retention_months = months
    actor = ctx.person.id if ctx.person else None
    audit.record(ctx.session, action="center.retention", at=ctx.now, center_id=center.id, actor_id=actor, months=months)
    ctx.reply(ctx._("Done: names in past activities are now kept for {months} months.", months=months))


COMMANDS = (
    Command("reminders", reminder_rules, N_("When reminders go out by default"), Access.DIRECTOR),
    Command("retention", retention, N_("How long names in past activities are kept"), Access.DIRECTOR, in_menu=False),
)
