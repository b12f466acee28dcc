"""The check-in desk, for people without phones, and the paper sheet afterwards.

/desk <n> ──> desk mode for the session on now (or the last one, to enter a paper sheet)
    type a name (accents optional) ──> matching people as buttons ──> press ──> present
    paste several lines (a sign-in sheet) ──> each name found once is present; the rest are listed
    /headcount 12 7 ──> 12 walk-ins counted without names, 7 of them women
    /close ──> the session is closed: no more check-ins; the totals are shown
"""

from __future__ import annotations

import enum
from datetime import timedelta

from sqlalchemy import func, select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import (
    LIVE,
    ActivitySession,
    Attendance,
    AttendanceMethod,
    Conversation,
    HeadCount,
    Person,
    Registration,
    RegistrationStatus,
)
from bot.registry import Access, Command, Journey
from bot.services import centers, checkin, conversations, people
from bot.text import fold
from handlers import events

JOURNEY = "desk"
SHEET_DAYS = 7  # a paper sheet can be entered up to a week after the session


class Step(enum.StrEnum):
    DESK = "desk"


async def open_desk(ctx: Context, args: str) -> None:
    usage = N_("Please write the number of one of your center's activities, like /desk 12.")
    on_now = await checkin.open_sessions(ctx.session, ctx.person.center_id or 0, ctx.now) if ctx.person else []
    if not args.strip() and len({s.activity_id for s in on_now}) == 1:  # the one on now: no need to pick it
        args = str(on_now[0].activity_id)
    activity = await events.of_my_center(ctx, args, usage, command="desk", statuses=LIVE)
    current = next((s for s in activity.sessions if checkin.window_open(s, ctx.now)), None)
    if current is None:
        started = [s for s in activity.sessions if ctx.now - timedelta(days=SHEET_DAYS) <= s.starts_at <= ctx.now]
        current = started[-1] if started else None
    if current is None:
        raise Refusal(N_("There is no session of {title} on now or in the last week."), title=activity.title)
    await conversations.move_to(ctx.session, ctx.person.id, JOURNEY, Step.DESK, ctx.now, {"session": current.id})
    ctx.reply(
        ctx._(
            "Desk open for {title} ({when}).\nType a name to find someone, paste a list of names from the paper "
            "sheet, send /headcount TOTAL WOMEN for walk-ins without names, and /close at the end.",
            title=activity.title,
            when=ctx.t.datetime(current.starts_at),
        )
    )


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    current = await ctx.session.get(ActivitySession, int(conversation.data["session"]))
    assert current is not None and ctx.person is not None
    if text.startswith("#") and text[1:].isdigit():
        await _mark(ctx, current, int(text[1:]), AttendanceMethod.DESK)
        return
    lines = [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
    if len(lines) > 1:
        await _sheet(ctx, current, lines)
        return
    village = centers.match_village(await centers.villages_of(ctx.session, ctx.person.center_id or 0), text)
    if village is not None and fold(village.name) == fold(text):
        await _registered_of(ctx, current, village.id, village.name)
        return
    wanted = fold(text)
    if len(wanted) < 2:
        raise Refusal(N_("Type at least two letters of the name."))
    found = await people.named(ctx.session, ctx.person.center_id or 0, text, people.CONSENTING)
    if not found:
        raise Refusal(
            N_("Nobody called “{typed}”. Try part of the name, or count them with /headcount."), typed=text[:40]
        )
    ctx.reply(
        ctx._("Who is it?"),
        tuple((Choice(_label(p), f"/answer {Step.DESK} #{p.id}"),) for p in found),
    )


async def _registered_of(ctx: Context, current: ActivitySession, village_id: int, name: str) -> None:
    """A village's name typed at the desk: the people of that village registered for the activity."""
    rows = await ctx.session.scalars(
        select(Person)
        .join(Registration, Registration.person_id == Person.id)
        .where(
            Registration.activity_id == current.activity_id,
            Registration.status == RegistrationStatus.REGISTERED,
            Person.village_id == village_id,
        )
        .order_by(Person.full_name)
    )
    people = list(rows)[:30]
    if not people:
        ctx.reply(ctx._("Nobody from {village} registered. Type a name to find someone.", village=name))
        return
    ctx.reply(
        ctx._("Registered from {village}:", village=name),
        tuple((Choice(_label(p), f"/answer {Step.DESK} #{p.id}"),) for p in people),
    )


def _label(person: Person) -> str:
    village = person.village.name if person.village else "-"
    return f"{person.full_name} ({person.birth_year}, {village})"


async def _mark(ctx: Context, current: ActivitySession, person_id: int, method: AttendanceMethod) -> None:
    person = await ctx.session.get(Person, person_id)
    if person is None or ctx.person is None or person.center_id != ctx.person.center_id:
        raise Refusal(N_("I cannot find that person among the people of your center."))
    ctx.close_buttons()
    if await checkin.record(ctx.session, current, person, ctx.now, method, by=ctx.person):
        ctx.reply(ctx._("✅ {name} is checked in.", name=person.full_name))
    else:
        ctx.reply(ctx._("{name} was already checked in.", name=person.full_name))


async def _sheet(ctx: Context, current: ActivitySession, lines: list[str]) -> None:
    """Names copied from a paper sign-in sheet: one found exactly once is present; the rest are listed."""
    assert ctx.person is not None and ctx.person.center_id is not None
    marked, missing, unsure = 0, [], []
    for line in lines:
        same = await people.named(ctx.session, ctx.person.center_id, line, people.CONSENTING, whole=True, limit=2)
        if len(same) == 1:
            marked += await checkin.record(
                ctx.session, current, same[0], ctx.now, AttendanceMethod.SHEET, by=ctx.person
            )
        elif same:
            unsure.append(line)
        else:
            missing.append(line)
    parts = [ctx._("From the sheet: {count} checked in.", count=marked)]
    if unsure:
        parts.append(ctx._("Several people have these names; type each to choose: {names}", names=", ".join(unsure)))
    if missing:
        parts.append(
            ctx._(
                "Not found (register them with /add, or count them with /headcount): {names}", names=", ".join(missing)
            )
        )
    ctx.reply("\n".join(parts))


async def headcount(ctx: Context, args: str) -> None:
    current = await _desk_session(ctx)
    numbers = args.split()
    if not (len(numbers) == 2 and all(n.isascii() and n.isdigit() and len(n) < 5 for n in numbers)):
        raise Refusal(N_("Please write the walk-ins like /headcount 12 7: 12 people, 7 of them women."))
    total, women = int(numbers[0]), int(numbers[1])
    if women > total:
        raise Refusal(N_("There cannot be more women than people. Please write /headcount TOTAL WOMEN."))
    ctx.session.add(
        HeadCount(
            session_id=current.id,
            total=total,
            women=women,
            recorded_by_id=ctx.person.id if ctx.person else None,
            at=ctx.now,
        )
    )
    ctx.reply(ctx._("Counted {total} walk-ins, {women} of them women.", total=total, women=women))


async def close(ctx: Context, args: str) -> None:
    current = await _desk_session(ctx)
    current.closed_at = ctx.now
    assert ctx.person is not None
    await conversations.finish(ctx.session, ctx.person.id)
    named = await ctx.session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.session_id == current.id)
    )
    walk_ins = await ctx.session.scalar(
        select(func.coalesce(func.sum(HeadCount.total), 0)).where(HeadCount.session_id == current.id)
    )
    registered = await ctx.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.activity_id == current.activity_id, Registration.status == RegistrationStatus.REGISTERED)
    )
    ctx.reply(
        ctx._(
            "Session closed. Present: {named} by name and {walk_ins} walk-ins counted; {registered} had registered.",
            named=named,
            walk_ins=walk_ins,
            registered=registered,
        )
    )


async def _desk_session(ctx: Context) -> ActivitySession:
    assert ctx.person is not None
    conversation = await conversations.current(ctx.session, ctx.person.id)
    if conversation is None or conversation.journey != JOURNEY:  # which desk: offered, not asked for by number
        await events.pick(ctx, "desk", "", events.ALL_OPEN)
    current = await ctx.session.get(ActivitySession, int(conversation.data["session"]))
    assert current is not None
    return current


COMMANDS = (
    Command("desk", open_desk, N_("Check people in at the desk, or enter a paper sheet"), Access.HELPER),
    Command("headcount", headcount, N_("Count walk-ins without names"), Access.HELPER, in_menu=False),
    Command("close", close, N_("Close the session's check-in"), Access.HELPER, in_menu=False),
)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.HELPER, expires=timedelta(hours=12)),)
