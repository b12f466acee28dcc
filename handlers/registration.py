"""Registering, the waitlist, giving a seat back, and /my.

A resident registers from a card's button, a village head's forwarded link, or by typing
("/register 12"). Someone without a profile answers it first and lands back here. When the activity
is full they go on the waitlist (first come, first served) and can leave it; a seat given back goes at
once to the first person waiting, who is told and can decline ("Can't come").

The village credited is the one whose card or link brought the person (v<id>), otherwise their own.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot import cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import Activity, Attendance, Person, Registration, RegistrationStatus
from bot.registry import Access, Command
from bot.services import centers, helped, partners, registrations
from bot.services.registrations import Outcome
from bot.text import number
from handlers import events, profile

_ARGS = re.compile(r"^(\d{1,9})(?:\s+v(\d{1,9}))?$")


async def register(ctx: Context, args: str) -> None:
    if not args.strip():  # which one: offered, not asked for by a number nobody sees
        await events.events(ctx, "")
        return
    match = _ARGS.match(args.strip())
    if match is None:
        raise Refusal(N_("Please write the activity's number, like /register 12. Send /events to see them."))
    activity = await events.visible(ctx, int(match.group(1)))
    if activity is None:
        raise Refusal(N_("This activity is no longer available."))
    person = _person(ctx)
    credited = int(match.group(2)) if match.group(2) else None
    villages = {v.id for v in await centers.villages_of(ctx.session, activity.center_id)}
    if credited not in villages:
        credited = None
    if not person.profile_complete:
        ctx.close_buttons()
        ctx.reply(ctx._("First, a few questions about you; then I will register you."))
        await profile.begin(ctx, then=f"/register {args.strip()}")
        return
    result = await registrations.register(ctx.session, activity, person, village_id=credited, now=ctx.now)
    await events.refresh_card(ctx, activity)
    give_back = ((Choice(ctx._("🙅 Can't come"), f"/unregister {activity.id}"),),)
    if result.outcome is Outcome.ALREADY:
        ctx.reply(ctx._("You are already registered for {title}. See you there!", title=activity.title), give_back)
    elif result.outcome in (Outcome.WAITLISTED, Outcome.ALREADY_WAITING):
        leave = ((Choice(ctx._("Leave the waitlist"), f"/unregister {activity.id}"),),)
        ctx.reply(
            ctx._(
                "{title} is full. You are number {position} on the waitlist: if a seat is freed, it is yours "
                "and I will tell you.",
                title=activity.title,
                position=result.position,
            ),
            leave,
        )
    else:
        ctx.reply(
            ctx._(
                "You are registered for {title}, {when}. I will remind you before it starts.",
                title=cards.what(activity, ctx.t),
                when=cards.when_where(activity, ctx.t),
            ),
            give_back,
        )


async def unregister(ctx: Context, args: str) -> None:
    wanted = args.strip()
    activity = await ctx.session.get(Activity, found) if (found := number(wanted)) else None
    mine = await _registration(ctx, activity)
    if activity is None or mine is None:
        raise Refusal(N_("You are not registered for that activity."))
    was_waiting = mine.status is RegistrationStatus.WAITLISTED
    await registrations.give_up(ctx.session, mine, ctx.now)  # whoever gets the seat is told (bot/notices.py)
    await events.refresh_card(ctx, activity)
    if was_waiting:
        ctx.reply(ctx._("You have left the waitlist for {title}.", title=activity.title))
    else:
        ctx.reply(ctx._("Your seat for {title} is given back. Thank you for telling us!", title=activity.title))


async def coming(ctx: Context, args: str) -> None:
    """The answer "Yes" to "Are you still coming?": nothing changes but the person knows it counted."""
    wanted = args.strip()
    activity = await ctx.session.get(Activity, found) if (found := number(wanted)) else None
    registration = await _registration(ctx, activity)
    if activity is None or registration is None or registration.status is not RegistrationStatus.REGISTERED:
        raise Refusal(N_("You are not registered for that activity."))
    ctx.close_buttons()
    ctx.reply(ctx._("Thank you! See you at {title}.", title=activity.title))


async def mine(ctx: Context, args: str) -> None:
    person = _person(ctx)
    rows = []
    for registration in await registrations.of_person(ctx.session, person.id):
        activity = await ctx.session.get(Activity, registration.activity_id)
        if activity is not None and activity.ends_at > ctx.now:
            rows.append((activity, registration))
    visits = await ctx.session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.person_id == person.id)
    )
    if visits:
        ctx.reply(
            ctx.t.ngettext(
                "You have taken part in {count} session so far. Thank you!",
                "You have taken part in {count} sessions so far. Thank you!",
                visits,
            ).format(count=visits)
        )
    if not rows:
        ctx.reply(ctx._("You have not registered for anything coming up. Send /events to see what is on."))
    else:
        shown = [activity for activity, _registration in sorted(rows, key=lambda row: row[0].starts_at)]
        ctx.reply(ctx._("Your registrations:"))
        await events.show_cards(ctx, shown, person.village_id)
    listed = await helped.registered_by(ctx.session, person.id, ctx.now)
    if listed:  # a village head's or staff member's /add: the people they registered, after their own
        ctx.reply(_helped_text(ctx, listed))
    if await partners.is_partner(ctx.session, person.id):  # a speaker's own sessions are a list of their own
        ctx.reply(ctx._("To see the sessions you lead, send:") + "\n/sessions")


def _helped_text(ctx: Context, listed: list[helped.Helped]) -> str:
    """Per activity, what, when, then each person and where they stand: once the activity is over (or a
    session of it was attended), whether they came."""
    blocks = [ctx._("The people you registered:")]
    for entry in listed:
        lines = [f"📢 {cards.what(entry.activity, ctx.t)}", f"🗓 {cards.when(entry.activity, ctx.t)}"]
        for name, status, came in entry.people:
            if came:
                state = ctx._("✅ came")
            elif entry.over(ctx.now):
                state = ctx._("❌ did not come")
            elif status is RegistrationStatus.WAITLISTED:
                state = ctx._("⏳ on the waitlist")
            else:
                state = ctx._("has a seat")
            lines.append(f"• {name}: {state}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


async def _registration(ctx: Context, activity: Activity | None) -> Registration | None:
    if activity is None:
        return None
    for registration in await registrations.of_person(ctx.session, _person(ctx).id):
        if registration.activity_id == activity.id:
            return registration
    return None


def _person(ctx: Context) -> Person:
    assert ctx.person is not None
    return ctx.person


COMMANDS = (
    Command("my", mine, N_("What you registered for"), Access.MEMBER),
    Command("register", register, N_("Register for an activity"), Access.MEMBER, in_menu=False),
    Command("coming", coming, N_("Confirm you are still coming"), Access.MEMBER, in_menu=False),
    Command("unregister", unregister, N_("Give back a seat or leave a waitlist"), Access.MEMBER, in_menu=False),
)
