"""/register: a resident takes a seat, from a card's button, a village head's forwarded link, or typed
("/register 12"). Someone without a profile answers its questions first and lands back here.

The village credited is the one whose card or link brought the person (v<id> in the command),
otherwise their own."""

from __future__ import annotations

import re

from bot import cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.registry import Access, Command
from bot.services import centers, registrations
from bot.services.registrations import Outcome
from handlers import events, profile

_ARGS = re.compile(r"^(\d{1,9})(?:\s+v(\d{1,9}))?$")


async def register(ctx: Context, args: str) -> None:
    match = _ARGS.match(args.strip())
    if match is None:
        raise Refusal(N_("Please write the activity's number, like /register 12. Send /events to see them."))
    activity = await events.visible(ctx, int(match.group(1)))
    if activity is None:
        raise Refusal(N_("This activity is no longer available."))
    person = ctx.person
    assert person is not None
    credited = int(match.group(2)) if match.group(2) else None
    if credited is not None and credited not in {
        v.id for v in await centers.villages_of(ctx.session, activity.center_id)
    }:
        credited = None
    if not person.profile_complete:
        ctx.close_buttons()
        ctx.reply(ctx._("First, a few questions about you; then I will register you."))
        await profile.begin(ctx, then=f"/register {args.strip()}")
        return
    outcome = await registrations.register(ctx.session, activity, person, village_id=credited, now=ctx.now)
    if outcome is Outcome.ALREADY:
        ctx.reply(ctx._("You are already registered for {title}. See you there!", title=activity.title))
    elif outcome is Outcome.FULL:
        ctx.reply(ctx._("Sorry, {title} is full.", title=activity.title))
    else:
        ctx.outcome.outbox_changed = True  # reminders for this person, and the group cards' counts
        ctx.reply(
            ctx._(
                "You are registered for {title}, {when}. I will remind you before it starts.",
                title=activity.title,
                when=cards.when(activity, ctx.t),
            )
        )


COMMANDS = (Command("register", register, N_("Register for an activity"), Access.MEMBER, in_menu=False),)
