"""Staff are told when a session's check-in opens (30 minutes before it starts): what, where, the code, and the
hall screen's link.

No job of its own is kept: the session's `checkin_told_at` is the truth. The wake-up (scheduler/wakeup.py) asks
`next_due` for the next opening not yet told, and each run of the sender calls `tell`, which marks the sessions
whose window is open and writes one notice per person to the outbox in the same transaction. So a restart, or
several processes, tell each session once; a session whose window passed while the bot was down is not told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from bot.database import Database
from bot.models import LIVE, Activity, ActivitySession
from bot.notices import Notice, owe
from bot.services import checkin, hall


def _untold(now: datetime):  # type: ignore[no-untyped-def]
    return (
        ActivitySession.checkin_told_at.is_(None),
        ActivitySession.closed_at.is_(None),
        ActivitySession.starts_at >= now - checkin.AFTER,
        ActivitySession.activity_id.in_(select(Activity.id).where(Activity.status.in_(LIVE))),
    )


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next check-in not yet told opens (now, if one is open)."""
    async with db.session() as session:
        first = await session.scalar(select(func.min(ActivitySession.starts_at)).where(*_untold(now)))
    return None if first is None else max(first - checkin.BEFORE, now)


async def tell(db: Database, now: datetime, base_url: str | None) -> int:
    """Tell the staff of each session whose check-in has opened, once; returns how many sessions were told."""
    opening = (*_untold(now), ActivitySession.starts_at <= now + checkin.BEFORE)
    async with db.session() as session:  # a read first: most runs find nothing, and write nothing (SQLite)
        if await session.scalar(select(ActivitySession.id).where(*opening).limit(1)) is None:
            return 0
    async with db.session() as session, session.begin():
        opened = list(  # marked in one statement: of two processes at once, only one gets each session
            await session.scalars(
                update(ActivitySession)
                .where(*opening)
                .values(checkin_told_at=now)
                .returning(ActivitySession.id)
                .execution_options(synchronize_session=False)
            )
        )
        for session_id in opened:
            current = await session.get(ActivitySession, session_id)
            activity = await session.get(Activity, current.activity_id) if current else None
            if current is None or activity is None:
                continue
            link = await hall.link(session, current, base_url)
            for person in await hall.to_tell(session, activity):
                owe(
                    session,
                    person,
                    Notice.CHECKIN_OPEN,
                    center_id=activity.center_id,
                    now=current.starts_at - checkin.BEFORE,  # one row per session, however late it is told
                    activity_id=activity.id,
                    session_id=current.id,
                    link=link,
                )
    return len(opened)
