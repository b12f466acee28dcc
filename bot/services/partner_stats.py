"""/stats and the report read per partner ("Theo đơn vị phối hợp"): activities held, learner-visits and women
by the organisation an activity names (or its speaker, when it names no organisation), as SQL aggregates over
the sessions' tallies and head counts, counted the way the totals are (bot/services/stats.py), so the lines add
up to the total. Activities that name no partner make a line of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Activity, ActivitySession, HeadCount, Partner
from bot.services.stats import Period, Scope, _activity_filter, _first_sessions


@dataclass
class PartnerLine:
    """One partner's figures for the period; `partner_id` None is the line of activities naming none."""

    partner_id: int | None
    name: str
    activities: int = 0
    visits: int = 0
    women: int = 0


async def by_partner(session: AsyncSession, scope: Scope, period: Period, now: datetime) -> list[PartnerLine]:
    """Each partner with something held in the period, the most learner-visits first; the line of activities
    with no partner last. Three aggregates, whatever the number of activities."""
    start, end = period.bounds(scope.timezone)
    who = func.coalesce(Activity.partner_id, Activity.speaker_id)
    lines: dict[int | None, PartnerLine] = {}

    def line(key: int | None) -> PartnerLine:
        return lines.setdefault(key, PartnerLine(key, ""))

    first = _first_sessions()
    for key, held in await session.execute(
        select(who, func.count())
        .join(first, first.c.activity_id == Activity.id)
        .where(*_activity_filter(scope), first.c.first >= start, first.c.first < min(end, now))
        .group_by(who)
    ):
        line(key).activities += int(held or 0)
    in_period = and_(ActivitySession.starts_at >= start, ActivitySession.starts_at < end)
    for key, visits, women in await session.execute(
        select(who, func.sum(ActivitySession.visits), func.sum(ActivitySession.women_visits))
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(*_activity_filter(scope), in_period)
        .group_by(who)
    ):
        line(key).visits += int(visits or 0)
        line(key).women += int(women or 0)
    for key, visits, women in await session.execute(
        select(who, func.sum(HeadCount.total), func.sum(HeadCount.women))
        .select_from(HeadCount)
        .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(*_activity_filter(scope), in_period)
        .group_by(who)
    ):
        line(key).visits += int(visits or 0)
        line(key).women += int(women or 0)
    named = [key for key in lines if key is not None]
    if named:
        for partner_id, name in await session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(named))):
            lines[partner_id].name = name
    found = [entry for entry in lines.values() if entry.activities or entry.visits]
    return sorted(found, key=lambda e: (e.partner_id is None, -e.visits, -e.activities, e.name))
