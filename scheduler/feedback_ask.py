"""After a session, those who came are asked once whether it was useful (bot/services/feedback.py says when and who).

No job of its own is kept, as for check-in openings (scheduler/checkin_opens.py): the session's `feedback_asked_at`
is the truth. The wake-up (scheduler/wakeup.py) asks `next_due` when the next question falls due, and each run of the
sender calls `tell`, which marks each session whose time has come and, in the same transaction, writes a `Feedback`
row and an outbox notice per person who came. So a restart, or several processes, ask about each session once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from bot.database import Database
from bot.models import Activity, ActivitySession, Center, Feedback
from bot.notices import Notice, owe
from bot.services import feedback, people


def _by_zone(now: datetime):  # type: ignore[no-untyped-def]
    """The earliest end of a session still to be asked about, per time zone: a few rows, however many sessions."""
    return (
        select(Center.timezone, func.min(ActivitySession.ends_at))
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .join(Center, Center.id == Activity.center_id)
        .where(*feedback.unasked(now))
        .group_by(Center.timezone)
    )


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next question falls due (now, if one is owed)."""
    async with db.session() as session:
        rows = (await session.execute(_by_zone(now))).all()
    return min((max(feedback.due_at(ends, zone), now) for zone, ends in rows), default=None)


async def tell(db: Database, now: datetime) -> int:
    """Ask about each session whose time has come, once; returns how many sessions were marked."""
    async with db.session() as session:  # a read first: nearly every run finds nothing, and writes nothing
        rows = await session.execute(
            select(ActivitySession.id, ActivitySession.ends_at, Center.timezone)
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .join(Center, Center.id == Activity.center_id)
            .where(*feedback.unasked(now), ActivitySession.ends_at <= now - feedback.AFTER)
            .order_by(ActivitySession.ends_at, ActivitySession.id)
        )
        due = [(sid, feedback.due_at(ends, zone)) for sid, ends, zone in rows]
    marked = 0
    for session_id, due_at in due:
        if due_at > now:
            continue
        async with db.session() as session, session.begin():
            ours = await session.scalar(  # of two processes at once, only one marks the session
                update(ActivitySession)
                .where(ActivitySession.id == session_id, ActivitySession.feedback_asked_at.is_(None))
                .values(feedback_asked_at=now)
                .returning(ActivitySession.id)
                .execution_options(synchronize_session=False)
            )
            current = await session.get(ActivitySession, session_id) if ours else None
            activity = await session.get(Activity, current.activity_id) if current else None
            if current is None or activity is None:
                continue
            marked += 1
            if now - due_at > feedback.STALE:  # the bot was down: too late to ask
                continue
            for person in await feedback.who_came(session, session_id):
                if not people.reachable(person) or await feedback.of(session, session_id, person.id):
                    continue
                session.add(Feedback(session_id=session_id, person_id=person.id, asked_at=now))
                owe(
                    session,
                    person,
                    Notice.FEEDBACK,
                    center_id=activity.center_id,
                    now=due_at,
                    activity_id=activity.id,
                    session_id=session_id,
                )
    return marked
