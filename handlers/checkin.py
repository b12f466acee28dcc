"""Self check-in at the venue.

    staff: /checkin <n> ──> a message with the code of this minute, edited every minute while the
                            window is open (scheduler/checkin_codes.py), and a QR button
    resident: types the 4 numbers, or scans the QR (?start=k<session>-<code>) ──> counted once

The window runs from 30 minutes before the start to 60 minutes after. A code from an earlier minute,
another session's code, or a code outside the window is politely refused.
"""

from __future__ import annotations

import io
import re

import segno

from bot import cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import Activity, ActivitySession, AttendanceMethod
from bot.registry import Access, Command
from bot.services import checkin

_QR = re.compile(r"^k(\d{1,9})-(\d{4})$")
CODE = re.compile(r"^\d{4}$")


async def open_checkin(ctx: Context, args: str) -> None:
    wanted = args.strip()
    activity = (
        await ctx.session.get(Activity, int(wanted))
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 10
        else None
    )
    if activity is None or ctx.person is None or activity.center_id != ctx.person.center_id:
        raise Refusal(N_("Please write the number of one of your center's activities, like /checkin 12."))
    current = next((s for s in activity.sessions if checkin.window_open(s, ctx.now)), None)
    if current is None:
        raise Refusal(
            N_("Check-in for {title} opens 30 minutes before a session starts and closes an hour after."),
            title=activity.title,
        )
    secret = await checkin.secret_of(ctx.session, current)
    minute = checkin.minute_of(ctx.now)
    current.checkin_chat_id = ctx.incoming.chat_id
    current.checkin_shown_minute = minute
    ctx.outcome.outbox_changed = True  # the code on screen is renewed every minute
    ctx.reply(
        cards.checkin_screen(activity, checkin.code(secret, current.id, minute), ctx.t),
        ((Choice(ctx._("📷 Show the QR"), f"/checkinqr {current.id}"),),),
        tag=f"checkin:{current.id}",
    )


async def show_qr(ctx: Context, args: str) -> None:
    wanted = args.strip()
    current = (
        await ctx.session.get(ActivitySession, int(wanted))
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 10
        else None
    )
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
    results = []
    for candidate in await checkin.open_sessions(ctx.session, ctx.person.center_id, ctx.now):
        outcome = checkin.verify(
            await checkin.secret_of(ctx.session, candidate),
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


async def _present(ctx: Context, current: ActivitySession) -> None:
    activity = await ctx.session.get(Activity, current.activity_id)
    assert activity is not None and ctx.person is not None
    new = await checkin.record(ctx.session, current, ctx.person, ctx.now, AttendanceMethod.CODE)
    if new:
        ctx.reply(ctx._("✅ Checked in: {title}. Welcome!", title=activity.title) + "\n" + cards.when(activity, ctx.t))
    else:
        ctx.reply(ctx._("You are already checked in for {title}.", title=activity.title))


COMMANDS = (
    Command("checkin", open_checkin, N_("Open check-in and show the code"), Access.STAFF),
    Command("code", typed_code, N_("Check in with the code shown at the venue"), Access.MEMBER, in_menu=False),
    Command("checkinqr", show_qr, N_("Show the check-in QR"), Access.STAFF, in_menu=False),
)
