"""The automatic loudspeaker bulletins: before each week (Sunday 17:00 in the center's zone), the week's bulletin to
each village head or director who turned it on (`/loa on`); and during a campaign, at 17:00 each evening, the
next day's.

No job of its own is kept, as for the month's plan reminder (scheduler/plan_reminder.py): `Person.bulletin_week`
("2025-W41") and `Person.bulletin_day` ("2025-10-03") are the truth, each marked in the same transaction as the
outbox row. The wake-up (scheduler/wakeup.py) asks `next_due`; each run of the sender calls `tell`. A restart or
several processes send each once; a bot that was down at 17:00 sends when it is back, the week or day not yet
over. Who hears what is read when it is owed: a director or staff member gets the commune's bulletin, a village
head their village's. The words are written when the row is sent (bot/notices.py), from what is announced then;
a bulletin with nothing to announce is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from bot.database import Database
from bot.models import Campaign, Center, Person, RoleKind
from bot.notices import Notice, owe
from bot.services import bulletin
from bot.services.people import has_role, headed_village_ids


def _at(day: date, timezone: str) -> datetime:
    """17:00 of `day` in the zone, as a UTC moment."""
    return datetime.combine(day, bulletin.SENT_AT, ZoneInfo(timezone)).astimezone(UTC)


def owed_week(now: datetime, timezone: str) -> tuple[date, datetime]:
    """The Monday of the latest week whose bulletin has fallen due by `now`, and when it fell due (the Sunday
    before, at 17:00)."""
    today = bulletin.local_today(now, timezone)
    monday = today + timedelta(days=7 - today.weekday())
    if now < _at(monday - timedelta(days=1), timezone):
        monday -= timedelta(days=7)
    return monday, _at(monday - timedelta(days=1), timezone)


def owed_day(now: datetime, timezone: str) -> date:
    """The latest day whose daily bulletin has fallen due by `now` (the evening before, at 17:00)."""
    today = bulletin.local_today(now, timezone)
    return today + timedelta(days=1) if now >= _at(today, timezone) else today


@dataclass(frozen=True)
class _Listener:
    person_id: int
    center_id: int
    timezone: str
    week: str | None
    day: str | None


async def _listeners(db: Database) -> tuple[list[_Listener], dict[int, list[tuple[date, date]]]]:
    """Who turned the bulletin on (a few heads and directors), and their centers' campaign days."""
    async with db.session() as session:
        rows = await session.execute(
            select(Person.id, Person.center_id, Center.timezone, Person.bulletin_week, Person.bulletin_day)
            .join(Center, Center.id == Person.center_id)
            .where(Person.weekly_bulletin.is_(True), Person.forgotten_at.is_(None))
        )
        listeners = [_Listener(*row) for row in rows]
        centers = {listener.center_id for listener in listeners}
        campaigns: dict[int, list[tuple[date, date]]] = {}
        if centers:
            for center_id, starts, ends in await session.execute(
                select(Campaign.center_id, Campaign.starts_on, Campaign.ends_on).where(
                    Campaign.center_id.in_(centers), Campaign.starts_on.is_not(None), Campaign.ends_on.is_not(None)
                )
            ):
                campaigns.setdefault(center_id, []).append((starts, ends))
    return listeners, campaigns


def _campaign_day(day: date, spans: list[tuple[date, date]]) -> bool:
    return any(starts <= day <= ends for starts, ends in spans)


def _next_day_due(listener: _Listener, spans: list[tuple[date, date]], now: datetime) -> datetime | None:
    """When the next daily bulletin not yet sent falls due, for a center with campaigns."""
    day = owed_day(now, listener.timezone)
    last = max((ends for _, ends in spans), default=None)
    while last is not None and day <= last:
        if _campaign_day(day, spans) and (listener.day is None or listener.day < day.isoformat()):
            return max(_at(day - timedelta(days=1), listener.timezone), now)
        day += timedelta(days=1)
    return None


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next bulletin not yet sent falls due (now, if one is owed)."""
    listeners, campaigns = await _listeners(db)
    due: list[datetime] = []
    for listener in listeners:
        monday, at = owed_week(now, listener.timezone)
        if listener.week is None or listener.week < bulletin.week_key(monday):
            due.append(max(at, now))
        else:
            due.append(_at(monday + timedelta(days=6), listener.timezone))
        daily = _next_day_due(listener, campaigns.get(listener.center_id, []), now)
        if daily is not None:
            due.append(daily)
    return min(due, default=None)


def _villages(person: Person) -> list[int | None]:
    """The bulletins a person hears: the commune's for a director or staff member, a head's villages'."""
    if has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF):
        return [None]
    return sorted(headed_village_ids(person))


async def tell(db: Database, now: datetime) -> int:
    """Owe each listener's week and campaign day now due and not yet marked; returns how many were marked."""
    listeners, campaigns = await _listeners(db)
    marked = 0
    for listener in listeners:
        monday, _ = owed_week(now, listener.timezone)
        key = bulletin.week_key(monday)
        if listener.week is None or listener.week < key:
            first = max(monday, bulletin.local_today(now, listener.timezone))
            marked += await _owe(
                db, listener, now, Person.bulletin_week, key, first, monday + timedelta(days=6), daily=False
            )
        day = owed_day(now, listener.timezone)
        if _campaign_day(day, campaigns.get(listener.center_id, [])) and (
            listener.day is None or listener.day < day.isoformat()
        ):
            marked += await _owe(db, listener, now, Person.bulletin_day, day.isoformat(), day, day, daily=True)
    return marked


async def _owe(
    db: Database,
    listener: _Listener,
    now: datetime,
    column: InstrumentedAttribute[str | None],
    key: str,
    first: date,
    last: date,
    *,
    daily: bool,
) -> int:
    """Mark the week or day as sent to this listener and owe its bulletins, in one transaction."""
    async with db.session() as session, session.begin():
        ours = await session.scalar(  # of two processes at once, only one marks it
            update(Person)
            .where(Person.id == listener.person_id, or_(column.is_(None), column < key))
            .values({column: key})
            .returning(Person.id)
            .execution_options(synchronize_session=False)
        )
        person = await session.get(Person, listener.person_id) if ours else None
        if person is None:
            return 0
        for village_id in _villages(person):
            owe(
                session,
                person,
                Notice.BULLETIN,
                center_id=listener.center_id,
                now=now,
                village_id=village_id,
                first=first.isoformat(),
                last=last.isoformat(),
                daily=daily,
            )
        return 1
