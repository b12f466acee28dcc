"""Self check-in at the venue.

    staff: /checkin <n> ──> a message with the code of this minute, edited every minute while the
                            window is open (scheduler/checkin_codes.py), a QR button, and the hall screen's
                            link (bot/hall_screen.py) where the bot has a web address
    resident: types the 4 numbers, or scans the QR (?start=k<session>-<code>) ──> counted once

The window runs from 30 minutes before the start to 60 minutes after. A code from an earlier minute,
another session's code, or a code outside the window is politely refused.
"""

from __future__ import annotations

import io
import re

import segno
from sqlalchemy import bindparam, func, select

from bot import cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import (
    LIVE,
    Activity,
    ActivitySession,
    AttendanceMethod,
    Center,
    Person,
    Registration,
    RegistrationStatus,
    RoleKind,
)
from bot.registry import Access, Command
from bot.services import checkin, hall
from bot.services.people import has_role
from bot.text import number
from handlers import events

_QR = re.compile(r"^k([0-9]{1,9})-([0-9]{4})$")
CODE = re.compile(r"^[0-9]{4}$")  # ASCII only, like the codes shown


async def open_checkin(ctx: Context, args: str) -> None:
    """With a number, that activity; with none, the one whose check-in is open now (or a choice)."""
    if not args.strip():
        await _pick_open(ctx)
        return
    usage = N_("Please write the number of one of your center's activities, like /checkin 12.")
    activity = await events.of_my_center(ctx, args, usage, command="checkin", statuses=LIVE)
    current = next((s for s in activity.sessions if checkin.window_open(s, ctx.now)), None)
    if current is None:
        raise Refusal(
            N_("Check-in for {title} opens 30 minutes before a session starts and closes an hour after."),
            title=activity.title,
        )
    secret = await checkin.secret_of(ctx.session, current)
    minute = checkin.minute_of(ctx.now)
    link = await hall.link(ctx.session, current, ctx.settings.public_base_url)
    current.checkin_channel, current.checkin_chat = ctx.incoming.channel, ctx.incoming.chat.id
    current.checkin_shown_minute = minute
    current.checkin_told_at = current.checkin_told_at or ctx.now  # whoever opens it knows: no "check-in opened"
    ctx.reply(
        cards.checkin_screen(activity, checkin.code(secret, current.id, minute), ctx.t),
        hall.screen_buttons(current.id, link, ctx.t),
        tag=f"checkin:{current.id}",
    )


async def _pick_open(ctx: Context) -> None:
    """Staff at the venue rarely know an activity's number: offer what can be checked in now."""
    assert ctx.person is not None and ctx.person.center_id is not None
    now_open = await checkin.open_sessions(ctx.session, ctx.person.center_id, ctx.now)
    if not now_open:
        raise Refusal(
            N_("No check-in is open now: it opens 30 minutes before a session starts. /events lists what is coming.")
        )
    first_of: dict[int, ActivitySession] = {}
    for current in sorted(now_open, key=lambda s: s.starts_at):
        first_of.setdefault(current.activity_id, current)
    if len(first_of) == 1:
        await open_checkin(ctx, str(next(iter(first_of))))
        return
    choices = []
    for activity_id, current in first_of.items():
        activity = await ctx.session.get(Activity, activity_id)
        assert activity is not None
        label = f"{ctx.t.datetime(current.starts_at, 'HH:mm')} · {activity.title}"
        choices.append((Choice(label, f"/checkin {activity.id}"),))
    ctx.reply(ctx._("Check-in is open for these activities. Which one?"), tuple(choices))


async def show_qr(ctx: Context, args: str) -> None:
    wanted = args.strip()
    current = await ctx.session.get(ActivitySession, found) if (found := number(wanted)) else None
    activity = await ctx.session.get(Activity, current.activity_id) if current else None
    if current is None or activity is None or ctx.person is None or activity.center_id != ctx.person.center_id:
        raise Refusal(N_("Please write the number of one of your center's activities, like /checkin 12."))
    if not checkin.window_open(current, ctx.now):
        raise Refusal(N_("Check-in for this session has closed."))
    code = checkin.code(await checkin.secret_of(ctx.session, current), current.id, checkin.minute_of(ctx.now))
    image = io.BytesIO()
    segno.make(ctx.deep_link(f"k{current.id}-{code}"), error="m").save(image, kind="png", scale=10, border=2)
    ctx.reply(ctx._("Scan to check in (valid for about two minutes). Code: {code}", code=code), image=image.getvalue())


async def by_typed_code(ctx: Context, typed: str) -> bool:
    """Four numbers typed by a resident: check them in if they match an open session of their center."""
    if ctx.person is None or ctx.person.center_id is None or not CODE.match(typed):
        return False
    assert ctx.center is not None and ctx.center.id == ctx.person.center_id  # the open sessions' center
    results = []
    for candidate in await checkin.open_sessions(ctx.session, ctx.person.center_id, ctx.now):
        outcome = checkin.verify(
            ctx.center.secret,
            candidate.id,
            typed,
            ctx.now,
            candidate.starts_at - checkin.BEFORE,
        )
        if outcome is checkin.Check.OK:
            await _present(ctx, candidate)
            return True
        results.append(outcome)
    if checkin.Check.EXPIRED in results:
        raise Refusal(N_("This code has expired. Please type the code shown now."))
    raise Refusal(N_("This code is not right, or check-in is not open now. Please check the numbers on the screen."))


async def by_qr(ctx: Context, payload: str) -> bool:
    """The QR's link: the session and the code of the minute it was shown."""
    match = _QR.match(payload)
    if match is None:
        return False
    current = await ctx.session.get(ActivitySession, int(match.group(1)))
    activity = await ctx.session.get(Activity, current.activity_id) if current else None
    if current is None or activity is None or ctx.person is None or activity.center_id != ctx.person.center_id:
        raise Refusal(N_("This check-in code is for another activity."))
    if not checkin.window_open(current, ctx.now):
        raise Refusal(N_("Check-in for this session has closed."))
    outcome = checkin.verify(
        await checkin.secret_of(ctx.session, current),
        current.id,
        match.group(2),
        ctx.now,
        current.starts_at - checkin.BEFORE,
    )
    if outcome is checkin.Check.EXPIRED:
        raise Refusal(N_("This code has expired. Please type the code shown now."))
    if outcome is checkin.Check.WRONG:
        raise Refusal(N_("This check-in code is for another activity."))
    await _present(ctx, current)
    return True


async def typed_code(ctx: Context, args: str) -> None:
    if not await by_typed_code(ctx, args.strip()):
        raise Refusal(N_("Please type the 4 numbers shown at the check-in desk."))


# A storm of check-ins asks for the title and the dates alone, not the whole activity, with a statement built
# once (bench/checkin_storm.py).
_TITLE_AND_DATES = (
    select(Activity.title, func.min(ActivitySession.starts_at), func.count(ActivitySession.id))
    .join(ActivitySession.activity)
    .where(Activity.id == bindparam("id"))
    .group_by(Activity.id)
)


async def _present(ctx: Context, current: ActivitySession) -> None:
    title, first_start, sessions = (await ctx.session.execute(_TITLE_AND_DATES, {"id": current.activity_id})).one()
    assert ctx.person is not None
    new = await checkin.record(ctx.session, current, ctx.person, ctx.now, AttendanceMethod.CODE)
    if new:
        welcome = ctx._("✅ Checked in: {title}. Welcome!", title=title)
        ctx.reply(welcome + "\n" + cards.when_from(first_start, sessions, ctx.t))
    else:
        ctx.reply(ctx._("You are already checked in for {title}.", title=title))


COMMANDS = (
    Command("checkin", open_checkin, N_("Open check-in and show the code"), Access.STAFF),
    Command("code", typed_code, N_("Check in with the code shown at the venue"), Access.MEMBER, in_menu=False),
    Command("checkinqr", show_qr, N_("Show the check-in QR"), Access.STAFF, in_menu=False),
)


_TICKET = re.compile(r"^t(\d{1,9})-([0-9a-f]{12})$")


async def ticket(ctx: Context, args: str) -> None:
    """A registered person's own QR: staff scan it with the phone camera at the desk."""
    wanted = args.strip()
    activity = await events.visible(ctx, found) if (found := number(wanted)) else None
    registration = None
    if activity is not None and ctx.person is not None:
        registration = await ctx.session.scalar(
            select(Registration).where(
                Registration.activity_id == activity.id,
                Registration.person_id == ctx.person.id,
                Registration.status == RegistrationStatus.REGISTERED,
            )
        )
    if activity is None or registration is None:
        raise Refusal(N_("You are not registered for that activity."))
    center = await ctx.session.get(Center, activity.center_id)
    assert center is not None
    link = ctx.deep_link(f"t{registration.id}-{checkin.ticket_signature(center.secret, registration.id)}")
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=2)
    ctx.reply(
        ctx._("Your ticket for {title}. Show it at the check-in desk.", title=activity.title), image=image.getvalue()
    )


async def by_ticket(ctx: Context, payload: str, confirm: bool = False) -> bool:
    """Staff opened a scanned ticket: show whose it is and confirm, or refuse a forged one."""
    match = _TICKET.match(payload)
    if match is None:
        return False
    registration = await ctx.session.get(Registration, int(match.group(1)))
    activity = await ctx.session.get(Activity, registration.activity_id) if registration else None
    center = await ctx.session.get(Center, activity.center_id) if activity else None
    if (
        registration is None
        or activity is None
        or center is None
        or not checkin.ticket_valid(center.secret, registration.id, match.group(2))
    ):
        raise Refusal(N_("This ticket is not valid."))
    if not has_role(ctx.person, RoleKind.DIRECTOR, RoleKind.STAFF, RoleKind.VILLAGE_HEAD) or (
        ctx.person is not None and ctx.person.center_id != activity.center_id
    ):
        ctx.reply(ctx._("This is a check-in ticket. Please show it at the check-in desk."))
        return True
    current = next((s for s in activity.sessions if checkin.window_open(s, ctx.now)), None)
    if current is None:
        coming = min((s.starts_at for s in activity.sessions if s.starts_at - checkin.BEFORE > ctx.now), default=None)
        if coming is not None:  # a good ticket shown early: say when, not that it is over
            raise Refusal(
                N_("Check-in for {title} opens at {time}, half an hour before it starts. This ticket is valid."),
                title=activity.title,
                time=ctx.t.datetime(coming - checkin.BEFORE, "HH:mm, dd/MM/yyyy"),
            )
        raise Refusal(N_("Check-in for this session has closed."))
    person = await ctx.session.get(Person, registration.person_id)
    assert person is not None
    if registration.status is not RegistrationStatus.REGISTERED:
        raise Refusal(N_("{name} is not registered for {title} any more."), name=person.full_name, title=activity.title)
    village = person.village.name if person.village else "-"
    if not confirm:
        ctx.reply(
            ctx._(
                "Check in {name} ({year}, {village}) for {title}?",
                name=person.full_name,
                year=person.birth_year,
                village=village,
                title=activity.title,
            ),
            ((Choice(ctx._("✅ Confirm"), f"/ticketok {payload}"),),),
        )
        return True
    ctx.close_buttons()
    new = await checkin.record(ctx.session, current, person, ctx.now, AttendanceMethod.TICKET, by=ctx.person)
    if new:
        ctx.reply(ctx._("✅ {name} is checked in.", name=person.full_name))
    else:
        ctx.reply(ctx._("{name} was already checked in.", name=person.full_name))
    return True


async def ticket_ok(ctx: Context, args: str) -> None:
    if not await by_ticket(ctx, args.strip(), confirm=True):
        raise Refusal(N_("This ticket is not valid."))


COMMANDS = (
    *COMMANDS,
    Command("ticket", ticket, N_("Your ticket to show at the check-in desk"), Access.MEMBER, in_menu=False),
    Command("ticketok", ticket_ok, N_("Confirm a scanned ticket"), Access.HELPER, in_menu=False),
)
