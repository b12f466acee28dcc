"""Seeing activities: /events lists what is coming for the person's village, a card's link opens one
activity privately, a calendar file adds it to the phone, and a village head can copy a plain-text
version into other messengers."""

from __future__ import annotations

import re
from typing import NoReturn

from sqlalchemy import func, or_, select

from bot import calendar, cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Attachment, Choice, Edit, Keyboard
from bot.models import LIVE, Activity, ActivitySession, ActivityStatus, RoleKind, Standing, activity_village
from bot.registry import Access, Command, allowed
from bot.services import activities, registrations
from bot.services.people import has_role
from bot.text import number

_PAYLOAD = re.compile(r"^[ar](\d{1,9})(?:-v(\d{1,9}))?$")  # "r…": a registration typed (bot/typed.py)
ALL_OPEN = (ActivityStatus.DRAFT, *LIVE)  # not cancelled, not finished
_REGISTER_PAYLOAD = re.compile(r"^r([0-9]{1,9})(?:-v([0-9]{1,9}))?$")


def activity_payload(payload: str) -> tuple[int, int | None] | None:
    """ "a12-v3" -> (12, 3): the activity a card's link opens, and the village credited for it."""
    match = _PAYLOAD.match(payload)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def registration_of(payload: str) -> str | None:
    """ "r12-v3" -> "12 v3": what /register is given when a stranger typed "DK 12 3" (bot/typed.py)."""
    match = _REGISTER_PAYLOAD.match(payload)
    if match is None:
        return None
    return match.group(1) + (f" v{match.group(2)}" if match.group(2) else "")


async def open_link(ctx: Context, payload: str) -> bool:
    """Do what a card's link says: register ("a12-v3", the card's Register button, or "r12-v3", typed), or send
    the calendar file ("ics12"). Returns False when the payload is no such link."""
    if payload.startswith("ics") and payload[3:].isascii() and payload[3:].isdigit():
        await calendar_file(ctx, payload[3:])
        return True
    if (wanted := registration_of(payload)) is not None:
        await ctx.registry.commands["register"].handler(ctx, wanted)
        return True
    found = activity_payload(payload)
    if found is None:
        return False
    activity = await visible(ctx, found[0])
    if activity is None:
        raise Refusal(N_("This activity is no longer available."))
    credit = f" v{found[1]}" if found[1] else ""  # the card's "Register" was tapped: it registers, one tap
    await ctx.registry.commands["register"].handler(ctx, f"{activity.id}{credit}")
    return True


async def show_cards(ctx: Context, shown: list[Activity], village_id: int | None) -> None:
    """Private cards as this reader should see them: the seats taken as the group's card counts them, what the
    reader has already done, and the actions their role allows."""
    person = ctx.person
    assert person is not None
    ids = [a.id for a in shown]
    taken = await registrations.counts(ctx.session, ids)
    mine = await registrations.standings(ctx.session, person.id, ids)
    for activity in shown:
        text, keyboard = _private_card(ctx, activity, village_id, taken.get(activity.id, 0), mine.get(activity.id))
        ctx.reply(text, keyboard)


async def refresh_card(ctx: Context, activity: Activity) -> None:
    """The card a button was pressed on, changed to show what the person just did (on a messenger without edits
    the answer alone says it: a copy of the card would only add a message)."""
    if not ctx.is_button or ctx.incoming.message_id is None or not ctx.can.edit or ctx.person is None:
        return
    await ctx.session.flush()
    taken = (await registrations.counts(ctx.session, [activity.id])).get(activity.id, 0)
    standing = (await registrations.standings(ctx.session, ctx.person.id, [activity.id])).get(activity.id)
    text, keyboard = _private_card(ctx, activity, ctx.person.village_id, taken, standing)
    ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, text, keyboard))


def _private_card(
    ctx: Context, activity: Activity, village_id: int | None, taken: int, standing: Standing | None
) -> tuple[str, Keyboard]:
    headed = _headed_village(ctx)
    forwardable = headed is not None and standing is None and ctx.can.links
    rows = cards.buttons(  # a head's card is one to pass on: links, which survive forwarding, crediting the village
        activity,
        ctx.t,
        in_group=forwardable,
        village_id=headed if forwardable else village_id,
        deep_link=ctx.deep_link,
        registered=taken,
        standing=standing,
    )
    rows += cards.staff_actions(activity, ctx.t, lambda name: _may(ctx, name))
    return cards.card(activity, ctx.t, registered=taken, standing=standing), rows


def _headed_village(ctx: Context) -> int | None:
    """The (first) village the reader is head of, if any."""
    person = ctx.person
    heads = (
        sorted(r.village_id for r in person.roles if r.kind is RoleKind.VILLAGE_HEAD and r.village_id) if person else []
    )
    return heads[0] if heads else None


def _may(ctx: Context, name: str) -> bool:
    command = ctx.registry.commands.get(name)
    return command is not None and allowed(ctx.person, command)


async def events(ctx: Context, args: str) -> None:
    """What is coming for the person's village, soonest first, a page at a time ("more 5")."""
    person = ctx.person
    assert person is not None and person.center_id is not None
    more = MORE.match(args.strip())
    offset = int(more.group(1)) if more else 0
    not_over = select(ActivitySession.activity_id).where(ActivitySession.ends_at > ctx.now)
    query = select(Activity).where(
        Activity.center_id == person.center_id, Activity.status.in_(LIVE), Activity.id.in_(not_over)
    )
    if not has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF):
        mine = select(activity_village.c.activity_id).where(activity_village.c.village_id == person.village_id)
        query = query.where(or_(Activity.all_villages.is_(True), Activity.id.in_(mine)))
    first_start = select(func.min(ActivitySession.starts_at)).where(ActivitySession.activity_id == Activity.id)
    ordered = query.order_by(first_start.scalar_subquery(), Activity.id)
    upcoming = list(await ctx.session.scalars(ordered.offset(offset).limit(EVENTS_PAGE + 1)))
    if not upcoming:
        if offset:
            raise Refusal(N_("That was all: there is nothing more coming up."))
        ctx.reply(ctx._("There are no upcoming activities for your village yet. I will tell you when there are."))
        return
    if not offset:
        ctx.reply(ctx._("Coming up:"))
    await show_cards(ctx, upcoming[:EVENTS_PAGE], person.village_id)
    if len(upcoming) > EVENTS_PAGE:
        ctx.reply(
            ctx._("There is more coming up."),
            ((Choice(ctx._("➡ More"), f"/events more {offset + EVENTS_PAGE}"),),),
        )


async def calendar_file(ctx: Context, args: str) -> None:
    activity = await visible(ctx, wanted) if (wanted := number(args)) else None
    if activity is None:
        raise Refusal(N_("This activity is no longer available."))
    ctx.reply(
        ctx._("Open this file to add the activity to your phone's calendar."),
        file=Attachment(f"loalang-{activity.id}.ics", calendar.ics(activity, ctx.now)),
    )


async def plain_text(ctx: Context, args: str) -> None:
    """The card as plain text with the registration link, to paste into Zalo or read on the loudspeaker."""
    if not args.strip() or MORE.match(args.strip()):
        await pick(ctx, "text", args, LIVE)
    activity = await visible(ctx, wanted) if (wanted := number(args)) else None
    if activity is None:
        raise Refusal(N_("This activity is no longer available."))
    person = ctx.person
    assert person is not None
    village_id = next(iter(sorted(r.village_id for r in person.roles if r.village_id)), None)
    how = cards.ways_to_register(activity, village_id, ctx.t, ctx.channels.values())
    taken = await registrations.count(ctx.session, activity.id)
    ctx.reply(cards.card(activity, ctx.t, registered=taken) + "\n\n" + how)


PAGE = 6  # activities offered at once, soonest first
EVENTS_PAGE = 5  # cards at once in /events: a phone screen or two
MORE = re.compile(r"^more\s+([0-9]{1,4})$")


async def of_my_center(
    ctx: Context, typed: str, usage: str, *, command: str, statuses: tuple[ActivityStatus, ...] = ALL_OPEN
) -> Activity:
    """The activity a staff member typed the number of, whatever its state, but only of their own center;
    otherwise the polite `usage` message (an N_ id with the command's example). Without a number, nobody is
    asked for one they cannot see: the soonest activities are offered to pick from (`pick`)."""
    if not typed.strip() or MORE.match(typed.strip()):
        await pick(ctx, command, typed, statuses)
    activity = await ctx.session.get(Activity, found) if (found := number(typed)) else None
    if activity is None or ctx.person is None or activity.center_id != ctx.person.center_id:
        raise Refusal(usage)
    return activity


async def pick(ctx: Context, command: str, typed: str, statuses: tuple[ActivityStatus, ...]) -> NoReturn:
    """Offer the center's soonest activities as choices that run `/command N`, a page at a time ("more 6")."""
    person = ctx.person
    assert person is not None and person.center_id is not None
    found = MORE.match(typed.strip())
    offset = int(found.group(1)) if found else 0
    rows = await activities.soonest(
        ctx.session, person.center_id, ctx.now, statuses=statuses, offset=offset, limit=PAGE
    )
    if not rows:
        raise Refusal(N_("There is no coming activity to choose from."))
    choices = [
        (Choice(f"{cards.short_when(starts, a.date_known, ctx.t)} · {a.title}", f"/{command} {a.id}"),)
        for a, starts in rows[:PAGE]
    ]
    if len(rows) > PAGE:
        choices.append((Choice(ctx._("➡ More"), f"/{command} more {offset + PAGE}"),))
    raise Refusal(N_("Which activity?"), tuple(choices))


async def visible(ctx: Context, activity_id: int) -> Activity | None:
    """An activity this person may see: published, of their own center, not over yet."""
    activity = await ctx.session.get(Activity, activity_id)
    if activity is None or activity.status not in LIVE or ctx.person is None:
        return None
    if activity.center_id != ctx.person.center_id or activity.ends_at <= ctx.now:
        return None
    return activity


COMMANDS = (
    Command("events", events, N_("Upcoming talks, classes and events"), Access.MEMBER),
    Command("ics", calendar_file, N_("Add an activity to your calendar"), Access.MEMBER, in_menu=False),
    Command("text", plain_text, N_("An activity as text to copy"), Access.HELPER, in_menu=False),
)
