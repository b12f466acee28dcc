"""The check-in desk, for people without phones, and the paper sheet afterwards.

/desk <n> ──> desk mode for the session on now (or the last one, to enter a paper sheet)
/desk <n> <k> ──> the k-th session of activity n, when it is over: the desk "entering afterwards"
    type a name (accents optional) ──> matching people as buttons ──> press ──> present
    paste several lines (a sign-in sheet) ──> each name found once is present; the rest are listed
    /headcount 12 7 ──> 12 walk-ins counted without names, 7 of them women
    /close ──> the session is closed: no more check-ins; the totals are shown
/headcount 12 7 with no desk open ──> the sessions already begun, the most recent first, to choose from

A session that is over is entered afterwards: its rows say so (`afterwards`) and each is audited. How far back
one may go (bot.services.activities.afterwards_since): the director any year (a new center's last year), staff
this calendar year, a village head the past week's paper sheet.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import (
    Activity,
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
from bot.services import activities, centers, checkin, conversations, people
from bot.text import fold
from handlers import events, new_activity

JOURNEY = "desk"
SHEET_DAYS = activities.SHEET_DAYS  # a paper sheet is entered by anyone at the desk up to a week after
_WHICH = re.compile(r"^(\d{1,9})\s+(\d{1,3})$")  # "/desk 12 2": the second session of activity 12
_CHOSEN = re.compile(r"^s(\d{1,12})$")  # "/headcount 12 7 s40": counted for session 40, chosen from the list


class Step(enum.StrEnum):
    DESK = "desk"


async def open_desk(ctx: Context, args: str) -> None:
    usage = N_("Please write the number of one of your center's activities, like /desk 12.")
    assert ctx.person is not None
    on_now = await checkin.open_sessions(ctx.session, ctx.person.center_id or 0, ctx.now)
    if not args.strip() and len({s.activity_id for s in on_now}) == 1:  # the one on now: no need to pick it
        args = str(on_now[0].activity_id)
    which = _WHICH.match(args.strip())
    typed = which.group(1) if which else args
    activity = await events.of_my_center(ctx, typed, usage, command="desk", statuses=checkin.HELD)
    current = None if which else next((s for s in activity.sessions if checkin.window_open(s, ctx.now)), None)
    if current is None:
        current = await _past_session(ctx, activity, int(which.group(2)) if which else None)
    afterwards = checkin.ended(current, ctx.now)
    await conversations.move_to(
        ctx.session, ctx.person.id, JOURNEY, Step.DESK, ctx.now, {"session": current.id, "afterwards": afterwards}
    )
    when = ctx.t.datetime(current.starts_at)
    if afterwards:
        opened = ctx._(
            "Desk open for {title} ({when}), entering afterwards: what you enter is marked as entered afterwards "
            "and counted in the figures.\nType a name to find someone, paste a list of names from the paper sheet, "
            "send /headcount TOTAL WOMEN for people counted without names, and /close at the end.",
            title=activity.title,
            when=when,
        )
    else:
        opened = ctx._(
            "Desk open for {title} ({when}).\nType a name to find someone, paste a list of names from the paper "
            "sheet, send /headcount TOTAL WOMEN for walk-ins without names, and /close at the end.",
            title=activity.title,
            when=when,
        )
    ctx.reply(opened)


async def _past_session(ctx: Context, activity: Activity, number: int | None) -> ActivitySession:
    """The session begun before now to open the desk for: the one asked for by its number; else the latest when
    it began this past week (the paper sheet, as before) or is the only one; else the sessions to choose from,
    the most recent first. Only those this person may enter (bot.services.activities.afterwards_since)."""
    since = activities.afterwards_since(ctx.person, ctx.t.timezone, ctx.now)
    begun = [
        (index, s)
        for index, s in enumerate(activity.sessions, 1)
        if s.starts_at <= ctx.now and (since is None or s.starts_at >= since)
    ]
    if number is not None:
        chosen = next((s for index, s in begun if index == number), None)
        if chosen is None:
            raise Refusal(_NOTHING_TO_ENTER, title=activity.title)
        return chosen
    if not begun:
        raise Refusal(_NOTHING_TO_ENTER, title=activity.title)
    latest = begun[-1][1]
    if len(begun) == 1 or latest.starts_at >= ctx.now - timedelta(days=SHEET_DAYS):
        return latest
    count = len(activity.sessions)
    choices = tuple(
        (Choice(_session_label(ctx, s.starts_at, index, count), f"/desk {activity.id} {index}"),)
        for index, s in reversed(begun[-events.PAGE :])
    )
    raise Refusal(N_("Which session of {title}?"), choices, title=activity.title)


_NOTHING_TO_ENTER = N_(
    "{title} has no session on now or already held that you can enter. Staff enter this year's sessions; the "
    "director, those of any year."
)


def _session_label(ctx: Context, starts: datetime, index: int, count: int) -> str:
    when = ctx.t.datetime(starts, "dd/MM/yyyy HH:mm")
    return ctx._("{when} · session {index} of {count}", when=when, index=index, count=count) if count > 1 else when


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    current = await ctx.session.get(ActivitySession, int(conversation.data["session"]))
    assert current is not None and ctx.person is not None
    afterwards = bool(conversation.data.get("afterwards"))
    if text.startswith("#") and text[1:].isdigit():
        await _mark(ctx, current, int(text[1:]), AttendanceMethod.DESK, afterwards)
        return
    lines = [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
    if len(lines) > 1:
        await _sheet(ctx, current, lines, afterwards)
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


async def _mark(
    ctx: Context, current: ActivitySession, person_id: int, method: AttendanceMethod, afterwards: bool
) -> None:
    person = await ctx.session.get(Person, person_id)
    if person is None or ctx.person is None or person.center_id != ctx.person.center_id:
        raise Refusal(N_("I cannot find that person among the people of your center."))
    ctx.close_buttons()
    if await checkin.record(ctx.session, current, person, ctx.now, method, by=ctx.person, afterwards=afterwards):
        ctx.reply(ctx._("✅ {name} is checked in.", name=person.full_name))
    else:
        ctx.reply(ctx._("{name} was already checked in.", name=person.full_name))


async def _sheet(ctx: Context, current: ActivitySession, lines: list[str], afterwards: bool) -> None:
    """Names copied from a paper sign-in sheet: one found exactly once is present; the rest are listed."""
    assert ctx.person is not None and ctx.person.center_id is not None
    marked, missing, unsure = 0, [], []
    for line in lines:
        same = await people.named(ctx.session, ctx.person.center_id, line, people.CONSENTING, whole=True, limit=2)
        if len(same) == 1:
            marked += await checkin.record(
                ctx.session, current, same[0], ctx.now, AttendanceMethod.SHEET, by=ctx.person, afterwards=afterwards
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
    """Walk-ins at the open desk; in /new's attendance question, that session's count; with no desk open, the
    sessions already begun are offered, the most recent first, and the count goes to the one chosen."""
    assert ctx.person is not None and ctx.person.center_id is not None
    conversation = await conversations.current(ctx.session, ctx.person.id)
    if conversation is not None and new_activity.counting(conversation):
        await new_activity.on_text(ctx, conversation, args)
        return
    words = args.split()
    chosen = _CHOSEN.match(words.pop()) if len(words) == 3 else None
    if not (len(words) == 2 and all(n.isascii() and n.isdigit() and len(n) < 5 for n in words)):
        raise Refusal(N_("Please write the walk-ins like /headcount 12 7: 12 people, 7 of them women."))
    total, women = int(words[0]), int(words[1])
    if women > total:
        raise Refusal(N_("There cannot be more women than people. Please write /headcount TOTAL WOMEN."))
    if conversation is not None and conversation.journey == JOURNEY:
        current = await _desk_session(ctx)
    elif chosen is not None:
        current = await _chosen_session(ctx, int(chosen.group(1)))
    else:
        current = await _offer_sessions(ctx, total, women)
    afterwards = checkin.ended(current, ctx.now)
    checkin.count_heads(
        ctx.session,
        current,
        total,
        women,
        center_id=ctx.person.center_id,
        now=ctx.now,
        by=ctx.person,
        afterwards=afterwards,
    )
    if afterwards:
        activity = await ctx.session.get(Activity, current.activity_id)
        assert activity is not None
        ctx.reply(
            ctx._(
                "Entered afterwards for {title} ({when}): {total} people counted, {women} of them women.",
                title=activity.title,
                when=ctx.t.datetime(current.starts_at),
                total=total,
                women=women,
            )
        )
    else:
        ctx.reply(ctx._("Counted {total} walk-ins, {women} of them women.", total=total, women=women))


async def _offer_sessions(ctx: Context, total: int, women: int) -> ActivitySession:
    """No desk open: the sessions already begun that this person may enter, the most recent first, each a
    button that counts for it; with none, the activities to open the desk for, as before."""
    assert ctx.person is not None and ctx.person.center_id is not None
    since = activities.afterwards_since(ctx.person, ctx.t.timezone, ctx.now)
    found = await checkin.started_sessions(ctx.session, ctx.person.center_id, ctx.now, since=since, limit=events.PAGE)
    if not found:
        await events.pick(ctx, "desk", "", events.ALL_OPEN)
    rows = []
    for sitting in found[: events.PAGE]:
        activity = await ctx.session.get(Activity, sitting.activity_id)
        assert activity is not None
        index = next(i for i, s in enumerate(activity.sessions, 1) if s.id == sitting.id)
        label = f"{_session_label(ctx, sitting.starts_at, index, len(activity.sessions))} · {activity.title}"
        rows.append((Choice(label, f"/headcount {total} {women} s{sitting.id}"),))
    raise Refusal(N_("For which session? The most recent first."), tuple(rows))


async def _chosen_session(ctx: Context, session_id: int) -> ActivitySession:
    """A session pressed in the list: of this center, begun, and one this person may still enter."""
    assert ctx.person is not None
    sitting = await ctx.session.get(ActivitySession, session_id)
    activity = await ctx.session.get(Activity, sitting.activity_id) if sitting else None
    since = activities.afterwards_since(ctx.person, ctx.t.timezone, ctx.now)
    if (
        sitting is None
        or activity is None
        or activity.center_id != ctx.person.center_id
        or activity.status not in checkin.HELD
        or sitting.starts_at > ctx.now
        or (since is not None and sitting.starts_at < since)
    ):
        raise Refusal(N_("That session cannot be counted. Please send /headcount again and choose from the list."))
    ctx.close_buttons()
    return sitting


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
    if await checkin.named_within_totals(ctx.session, current):  # the names were among the total typed in
        ctx.reply(
            ctx._(
                "Session closed. Present: {named} people by name among the {total} entered; {registered} had "
                "registered.",
                named=named,
                total=(named or 0) + walk_ins,
                registered=registered,
            )
        )
        return
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
