"""People without a phone, seen through the helper who registered them (a village head or staff, `/add`).

Nobody can remind a person who has no messenger account, so the one who registered them is reminded for them:
ONE list per helper per reminder time (who, what, when), never one message per person. The list is an outbox
row of kind REMINDER with no activity (`detail["helped"]`: the sessions it is about), written in the same
transaction as the registration (save first, send second), and worded when it is sent, from what is true then:
a person who got a phone of their own, a seat given back, a session moved or called off drop out of it.

The same helper's `/my` lists the people they registered, per activity, and whether each came.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards
from bot.i18n import N_, Translator
from bot.models import (
    LIVE,
    Account,
    Activity,
    ActivitySession,
    ActivityStatus,
    Attendance,
    Center,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Person,
    Registration,
    RegistrationStatus,
)
from bot.services import outbox, people, reminders

KEY = "helped"  # the detail key of a helper's list: the ids of the sessions it reminds of
SHOWN_AFTER = timedelta(days=30)  # /my keeps an activity this long after it ended, to show who came
NO_PHONE = ~exists().where(Account.person_id == Person.id)


def _phoneless(activity_id: int) -> list:  # type: ignore[type-arg]
    """Seats at the activity held by people with no messenger account, registered by a helper."""
    return [
        Registration.activity_id == activity_id,
        Registration.status == RegistrationStatus.REGISTERED,
        Registration.registered_by_id.is_not(None),
        Person.id == Registration.person_id,
        NO_PHONE,
        Person.consent_withdrawn_at.is_(None),
        Person.forgotten_at.is_(None),
    ]


async def plan(session: AsyncSession, activity: Activity, now: datetime) -> None:
    """Make sure every helper with someone phoneless at this activity has a list at each of its future
    reminder times, naming its sessions. A helper's list at a time is one row: a second activity reminded at
    the same moment joins the row (locked while it is read), it does not make another message."""
    helper_ids = list(
        await session.scalars(
            select(Registration.registered_by_id)
            .join(Person, Person.id == Registration.person_id)
            .where(*_phoneless(activity.id))
            .distinct()
        )
    )
    if not helper_ids:
        return
    center = await session.get(Center, activity.center_id)
    assert center is not None
    rules = activity.reminders if activity.reminders is not None else center.reminders
    due = sorted(
        (moment, s.id)
        for s in activity.sessions
        for moment in reminders.due_times(rules, s.starts_at, center.timezone)
        if moment > now
    )
    for helper_id in helper_ids:
        helper = await session.get(Person, helper_id)
        chat = people.chat_of(helper) if helper is not None else None
        if helper is None or chat is None or not people.reachable(helper):
            continue
        for moment, session_id in due:
            row = await session.scalar(
                select(Delivery)
                .where(
                    Delivery.person_id == helper.id,
                    Delivery.channel == chat.channel,
                    Delivery.chat == chat.id,
                    Delivery.kind == DeliveryKind.REMINDER,
                    Delivery.activity_id.is_(None),
                    Delivery.due_at == moment,
                    Delivery.status.in_(outbox.WAITING),
                )
                .with_for_update()
            )
            if row is None:
                outbox.enqueue(
                    session,
                    center_id=activity.center_id,
                    activity_id=None,
                    recipients=[outbox.Recipient(chat, helper.id)],
                    kind=DeliveryKind.REMINDER,
                    due_at=moment,
                    detail={KEY: [session_id]},
                )
            elif session_id not in row.detail.get(KEY, []):
                row.detail = {**row.detail, KEY: [*row.detail.get(KEY, []), session_id]}  # a new dict: saved
        await session.flush()


async def render(session: AsyncSession, delivery: Delivery, t: Translator, now: datetime) -> str | None:
    """The helper's list as it stands now, or None when no one on it is still to be reminded."""
    blocks = []
    later = await session.scalars(  # after downtime, a later list due too says it again: leave it to that one
        select(Delivery.detail).where(
            Delivery.channel == delivery.channel,
            Delivery.chat == delivery.chat,
            Delivery.kind == DeliveryKind.REMINDER,
            Delivery.activity_id.is_(None),
            Delivery.due_at > delivery.due_at,
            Delivery.due_at <= now,
            Delivery.status.in_((*outbox.WAITING, DeliveryStatus.IN_PROGRESS, DeliveryStatus.SENT)),
        )
    )
    covered = {session_id for detail in later for session_id in detail.get(KEY, [])}
    found = await session.execute(
        select(ActivitySession, Activity)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(ActivitySession.id.in_(delivery.detail.get(KEY, [])), Activity.status.in_(LIVE))
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    )
    for held, activity in found:
        center = await session.get(Center, activity.center_id)
        assert center is not None
        rules = activity.reminders if activity.reminders is not None else center.reminders
        moved = delivery.due_at not in reminders.due_times(rules, held.starts_at, center.timezone)
        if held.id in covered or held.starts_at <= now or moved:
            continue  # said by a later list, under way, or moved: its new reminder times have their own lists
        names = list(
            await session.scalars(
                select(Person.full_name)
                .select_from(Registration)
                .join(Person, Person.id == Registration.person_id)
                .where(*_phoneless(activity.id), Registration.registered_by_id == delivery.person_id)
                .order_by(Person.full_name, Person.id)
            )
        )
        if not names:
            continue
        lines = [f"📢 {cards.what(activity, t)}", f"🗓 {cards.when_from(held.starts_at, 1, t)}"]
        lines += [f"📍 {activity.place}"] if activity.place else []
        lines += [f"👥 {', '.join(n or '?' for n in names)}"]
        blocks.append("\n".join(lines))
    if not blocks:
        return None
    return "\n\n".join(
        [
            t.gettext(N_("⏰ Reminder for the people you registered:")),
            *blocks,
            t.gettext(N_("Please remind them, so that they come on time. Thank you!")),
        ]
    )


@dataclass
class Helped:
    """One of the activities a helper registered people for, with each person and whether they came."""

    activity: Activity
    people: list[tuple[str, RegistrationStatus, bool]] = field(default_factory=list)  # name, seat, came

    def over(self, now: datetime) -> bool:
        return self.activity.ends_at <= now


async def registered_by(session: AsyncSession, helper_id: int, now: datetime) -> list[Helped]:
    """What `/my` shows a helper: the people they registered, per activity (soonest first), at activities
    still to come or ended in the last 30 days, and whether each checked in at one of its sessions."""
    came = (
        select(Attendance.id)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .where(ActivitySession.activity_id == Registration.activity_id, Attendance.person_id == Registration.person_id)
        .exists()
    )
    last = (
        select(ActivitySession.activity_id, func.max(ActivitySession.ends_at).label("ends"))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    rows = await session.execute(
        select(Activity, Person.full_name, Registration.status, came)
        .select_from(Registration)
        .join(Activity, Activity.id == Registration.activity_id)
        .join(last, last.c.activity_id == Activity.id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.registered_by_id == helper_id,
            Registration.person_id != helper_id,
            Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
            Activity.status != ActivityStatus.CANCELLED,
            last.c.ends > now - SHOWN_AFTER,
            Person.forgotten_at.is_(None),
        )
        .order_by(Activity.id, Person.full_name, Person.id)
    )
    found: dict[int, Helped] = {}
    for activity, name, status, present in rows:
        found.setdefault(activity.id, Helped(activity)).people.append((name or "?", status, bool(present)))
    return sorted(found.values(), key=lambda h: (h.activity.starts_at, h.activity.id))
