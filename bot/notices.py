"""Messages owed to one person because of what someone else did: a seat freed for them on a waitlist, a role
given or ended by the director, a new director taking over. Like every message to someone other than the
person who just wrote, each is an outbox row written in the journey's transaction, so it gets the outbox's
retries, sending limits, reasons and crash safety; it is worded when it is sent, in the reader's language, from
what is true then (a seat given back meanwhile is not announced, a check-in closed meanwhile is not opened)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards
from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard
from bot.models import (
    Activity,
    ActivitySession,
    ActivityStatus,
    Center,
    Delivery,
    DeliveryKind,
    Partner,
    Person,
    Role,
    RoleKind,
    Village,
)
from bot.services import bulletin, checkin, feedback, hall, month_plan, outbox, partners, people, registrations
from bot.text import spelled_out

ROLE_GIVEN_TEXT = N_("{director} has made you {role} of {center}. Send /help to see what you can do now.")
ROLE_ENDED_TEXT = N_("{director} has ended your role as {role} of {center}. Thank you for your help!")
BULLETIN_WEEK_TEXT = N_("The loudspeaker bulletin for the coming week, ready to be read aloud:")
BULLETIN_DAY_TEXT = N_("The loudspeaker bulletin for tomorrow, ready to be read aloud:")
BULLETIN_FILE = N_("📄 Text file")
HALL_SCREEN_TEXT = N_(
    "Open the hall screen on the hall's laptop or projector: everyone checks in from their seat, with no queue."
)


class Notice(enum.StrEnum):
    SEAT_FREED = "seat_freed"  # activity_id: the waitlist's first got a seat
    ROLE_GIVEN = "role_given"  # role, village_id, by: the director appointed them
    ROLE_ENDED = "role_ended"  # role, village_id, by: the director took the role back
    STEPPED_DOWN = "stepped_down"  # successor: a new director (named as known then) claimed the center
    CHECKIN_OPEN = "checkin_open"  # session_id, link: staff are told a session's check-in opened
    CAMPAIGN_SUMMARY = "campaign_summary"  # campaign_id, part: worded by scheduler/campaign_summaries.py
    PLAN_REMINDER = "plan_reminder"  # month: the director is told the month's activities with no day or time yet
    FEEDBACK = "feedback"  # session_id: one who came is asked whether it was useful (scheduler/feedback_ask.py)
    SURVEY = "survey"  # survey_id: a group's invitation to the learning-needs survey (bot/services/surveys.py)
    BULLETIN = "bulletin"  # village_id, first, last, daily: the loudspeaker bulletin (scheduler/bulletins.py)
    PARTNER_LINKED = "partner_linked"  # partner_id: the director linked a speaker or partner to this person
    SESSION_ATTENDANCE = "session_attendance"  # session_id: a speaker is told how many came (bot/services/partners.py)


def owe(
    session: AsyncSession,
    person: Person,
    notice: Notice,
    *,
    center_id: int,
    now: datetime,
    activity_id: int | None = None,
    **fields: Any,
) -> None:
    """Queue the notice for `person`, unless the bot may not write to them (no phone, blocked, withdrawn)."""
    chat = people.chat_of(person)
    if chat is None or not people.reachable(person):
        return
    outbox.enqueue(
        session,
        center_id=center_id,
        activity_id=activity_id,
        recipients=[outbox.Recipient(chat, person.id)],
        kind=DeliveryKind.NOTICE,
        due_at=now,
        detail={"notice": notice.value, **fields},
    )


async def render(
    session: AsyncSession, delivery: Delivery, t: Translator, now: datetime
) -> tuple[str, Keyboard] | None:
    """The notice's words now, or None when it is no longer true."""
    detail = delivery.detail
    notice = Notice(detail["notice"])
    center = await session.get(Center, delivery.center_id)
    center_name = spelled_out(center.name) if center else ""
    if notice is Notice.CHECKIN_OPEN:
        return await _checkin_open(session, detail, center, t, now)
    if notice is Notice.BULLETIN:
        return await bulletin_notice(session, center, detail, t) if center else None
    if notice is Notice.SESSION_ATTENDANCE:
        return await _attendance(session, delivery, t, now)
    if notice is Notice.PARTNER_LINKED:
        partner = await session.get(Partner, detail["partner_id"])
        if partner is None or partner.person_id != delivery.person_id:  # unlinked meanwhile
            return None
        text = t.gettext(
            "{center} has listed you as {name} among its partners and speakers. You will get the reminders of the "
            "sessions you lead, and afterwards how many came. To see your sessions, send:"
        )
        return text.format(center=center_name, name=partner.name) + "\n/sessions", ()
    if notice is Notice.PLAN_REMINDER:
        return await month_plan.reminder(session, center, detail["month"], t, now) if center else None
    if notice is Notice.FEEDBACK:
        return await _feedback(session, detail, delivery.person_id, t)
    if notice is Notice.SEAT_FREED:
        activity = await session.get(Activity, delivery.activity_id) if delivery.activity_id else None
        if activity is None or not await registrations.has_seat(session, activity.id, delivery.person_id):
            return None
        text = t.gettext("Good news: a seat is free and it is yours. You are registered for {title}, {when}.")
        keyboard = ((Choice(t.gettext("🙅 Can't come"), f"/unregister {activity.id}"),),)
        return text.format(title=cards.what(activity, t), when=cards.when_where(activity, t)), keyboard
    if notice is Notice.STEPPED_DOWN:
        text = t.gettext(
            "{name} is now the director of {center}, so you are no longer its director. Thank you for your "
            "work. The new director can appoint you as staff if you stay on."
        )
        return text.format(name=detail["successor"], center=center_name), ()
    village_id = detail.get("village_id")
    still = await session.scalar(
        select(Role.id).where(
            Role.person_id == delivery.person_id,
            Role.center_id == delivery.center_id,
            Role.kind == RoleKind(detail["role"]),
            Role.village_id == village_id if village_id else Role.village_id.is_(None),
        )
    )
    if (still is not None) != (notice is Notice.ROLE_GIVEN):  # given and taken back, or taken and given again
        return None
    director = await session.get(Person, detail["by"])
    village = await session.get(Village, detail["village_id"]) if detail.get("village_id") else None
    role = t.gettext(cards.ROLE_NAMES[RoleKind(detail["role"])]) + (f" ({village.name})" if village else "")
    message = ROLE_GIVEN_TEXT if notice is Notice.ROLE_GIVEN else ROLE_ENDED_TEXT
    name = (director.full_name if director else None) or ""
    return t.gettext(message).format(director=name, role=role, center=center_name), ()


FEEDBACK_TEXT = N_("Thank you for coming to “{title}” on {day}.\nWas it useful to you?")
USEFUL = N_("👍 Useful")
NOT_USEFUL = N_("👎 Not useful")


async def _feedback(
    session: AsyncSession, detail: dict[str, Any], person_id: int | None, t: Translator
) -> tuple[str, Keyboard] | None:
    """The one question after a session, with its two answers; nothing once answered or forgotten."""
    current = await session.get(ActivitySession, detail["session_id"])
    activity = await session.get(Activity, current.activity_id) if current else None
    asked = await feedback.of(session, current.id, person_id) if current and person_id else None
    if current is None or activity is None or asked is None or asked.answered_at is not None:
        return None
    title = activity.title.replace("“", "‘").replace("”", "’")  # quotes inside the question's own quotes
    text = t.gettext(FEEDBACK_TEXT).format(title=title, day=t.datetime(current.starts_at, "dd/MM"))
    command = f"/useful {current.id}"
    return text, ((Choice(t.gettext(USEFUL), f"{command} yes"), Choice(t.gettext(NOT_USEFUL), f"{command} no")),)


async def bulletin_notice(
    session: AsyncSession, center: Center, detail: dict[str, Any], t: Translator
) -> tuple[str, Keyboard] | None:
    """The automatic bulletin, worded from what is announced when it goes out; nothing when there is nothing to
    announce. A button gives it as a text file, to print or to copy to the announcer."""
    village = await session.get(Village, detail["village_id"]) if detail.get("village_id") else None
    if detail.get("village_id") and village is None:
        return None
    first, last = date.fromisoformat(detail["first"]), date.fromisoformat(detail["last"])
    words, count = await bulletin.text(session, center, village, first, last, t)
    if not count:
        return None
    heading = BULLETIN_DAY_TEXT if detail.get("daily") else BULLETIN_WEEK_TEXT
    command = f"/loa {first.isoformat()} {last.isoformat()} {village.id if village else 'all'} file"
    return f"{t.gettext(heading)}\n\n{words}", ((Choice(t.gettext(BULLETIN_FILE), command),),)


async def _attendance(
    session: AsyncSession, delivery: Delivery, t: Translator, now: datetime
) -> tuple[str, Keyboard] | None:
    """How many came to the session the reader led, and the women among them: figures only, never names (see
    bot/services/partners.py). Nothing when the session was called off, moved later, or they no longer lead it."""
    current = await session.get(ActivitySession, delivery.detail["session_id"])
    activity = await session.get(Activity, current.activity_id) if current else None
    if (
        current is None
        or activity is None
        or activity.status is ActivityStatus.CANCELLED
        or current.ends_at > now
        or not await partners.speaks_at(session, activity, delivery.person_id)
    ):
        return None
    counted = await partners.figures(session, current.id)
    lines = [
        t.gettext("📋 Attendance: {title}").format(title=activity.title),
        f"🗓 {cards.when_from(current.starts_at, 1, t)}",
    ]
    if counted.total:
        came = t.ngettext(
            "{total} person came, {women} of them women.", "{total} people came, {women} of them women.", counted.total
        )
        lines.append(came.format(total=counted.total, women=counted.women))
    else:
        lines.append(t.gettext("No one has been counted at this session yet."))
    lines.append(t.gettext("Thank you for leading this session."))
    return "\n".join(lines), ()


async def _checkin_open(
    session: AsyncSession, detail: dict[str, Any], center: Center | None, t: Translator, now: datetime
) -> tuple[str, Keyboard] | None:
    """What, when, where, this minute's code, and the hall screen's link (a button, or the address written out
    where there are none); nothing once the window has closed."""
    current = await session.get(ActivitySession, detail["session_id"])
    activity = await session.get(Activity, current.activity_id) if current else None
    if current is None or activity is None or center is None or not checkin.window_open(current, now):
        return None
    lines = [
        t.gettext("🔔 Check-in is open: {title}").format(title=activity.title),
        f"🗓 {cards.when_from(current.starts_at, 1, t)}",
    ]
    if activity.place:
        lines.append(f"📍 {activity.place}")
    code = checkin.code(center.secret, current.id, checkin.minute_of(now))
    lines.append(t.gettext("Code: {code} (it changes every minute)").format(code=code))
    if not detail.get("link"):
        return "\n".join(lines), ()
    lines += ["", t.gettext(HALL_SCREEN_TEXT)]
    return "\n".join(lines), ((Choice(t.gettext(hall.BUTTON), url=detail["link"]),),)
