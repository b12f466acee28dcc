"""What the report a center sends upward says besides the results table: the budget by source, the
campaigns of the period, the next period's planned activities, the villages served and the addressees.

Read once per report, beside `stats.figures` (which stays the one source of the table and of `/stats`),
each as one or two grouped queries over the scope's activities, so a province's report costs a few
queries more, not one per center.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    Activity,
    ActivitySession,
    ActivityStatus,
    BudgetSource,
    Campaign,
    Center,
    DateKnown,
    HeadCount,
    Village,
)
from bot.services import budgets
from bot.services.stats import COUNTED, Period, PeriodKind, Scope

PLANNED = (ActivityStatus.DRAFT, *COUNTED)  # the next period's plan: drafts are planned too
COMING_SHOWN = 10


@dataclass
class CampaignLine:
    """A campaign's activities that started in the period, and their learner-visits in it."""

    name: str
    activities: int = 0
    visits: int = 0
    women: int = 0


@dataclass
class PlannedLine:
    starts_at: datetime
    date_known: DateKnown
    title: str


@dataclass
class Facts:
    budgets: dict[BudgetSource, budgets.Money]
    campaigns: list[CampaignLine]
    coming: list[PlannedLine]  # the first COMING_SHOWN of the next period's activities
    coming_total: int
    villages: int
    population: int | None  # of the centers that gave it
    visits_counted: int  # the period's learner-visits in those centers, for the ratio
    addressees: list[str] = field(default_factory=list)  # as the center wrote them; empty: the default


def following(period: Period) -> Period:
    """The period after this one: "Phương hướng tháng tới" is about it."""
    if period.kind is PeriodKind.YEAR:
        return Period(period.year + 1)
    last = 4 if period.kind is PeriodKind.QUARTER else 12
    if period.number == last:
        return Period(period.year + 1, period.kind, 1)
    return Period(period.year, period.kind, period.number + 1)


def addressees_of(center: Center) -> list[str]:
    """The center's own "Kính gửi" lines, one per line of `report_addressees` (trailing ";" or "." dropped)."""
    stored = (center.report_addressees or "").splitlines()
    lines = [line.strip().lstrip("-•").strip().rstrip(";.").strip() for line in stored]
    return [line for line in lines if line]


async def facts(session: AsyncSession, scope: Scope, period: Period, visits_by_center: dict[int, int]) -> Facts:
    """Everything the document needs beyond `Figures`; `visits_by_center` is the period's table total of
    each center, so the ratio is counted over the centers that gave their population."""
    start, end = period.bounds(scope.timezone)
    first = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("first"))
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Activity.center_id.in_(scope.center_ids))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    in_period = and_(first.c.first >= start, first.c.first < end)
    campaigns: dict[int, CampaignLine] = {}
    for c_id, name, n in await session.execute(
        select(Campaign.id, Campaign.name, func.count(Activity.id))
        .join(Activity, Activity.campaign_id == Campaign.id)
        .join(first, first.c.activity_id == Activity.id)
        .where(Activity.status.in_(COUNTED), in_period)
        .group_by(Campaign.id, Campaign.name)
        .order_by(Campaign.name)
    ):
        campaigns[c_id] = CampaignLine(name, int(n))
    if campaigns:
        sessions_in = and_(ActivitySession.starts_at >= start, ActivitySession.starts_at < end)
        for c_id, n, w in await session.execute(
            select(Activity.campaign_id, func.sum(ActivitySession.visits), func.sum(ActivitySession.women_visits))
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .where(Activity.campaign_id.in_(list(campaigns)), Activity.status.in_(COUNTED), sessions_in)
            .group_by(Activity.campaign_id)
        ):
            campaigns[c_id].visits += int(n or 0)
            campaigns[c_id].women += int(w or 0)
        for c_id, n, w in await session.execute(
            select(Activity.campaign_id, func.sum(HeadCount.total), func.sum(HeadCount.women))
            .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .where(Activity.campaign_id.in_(list(campaigns)), Activity.status.in_(COUNTED), sessions_in)
            .group_by(Activity.campaign_id)
        ):
            campaigns[c_id].visits += int(n or 0)
            campaigns[c_id].women += int(w or 0)
    after_start, after_end = following(period).bounds(scope.timezone)
    next_one = and_(first.c.first >= after_start, first.c.first < after_end, Activity.status.in_(PLANNED))
    coming = [
        PlannedLine(starts, known, title)
        for starts, known, title in await session.execute(
            select(first.c.first, Activity.date_known, Activity.title)
            .join(first, first.c.activity_id == Activity.id)
            .where(next_one)
            .order_by(first.c.first, Activity.id)
            .limit(COMING_SHOWN)
        )
    ]
    coming_total = (
        len(coming)
        if len(coming) < COMING_SHOWN
        else int(
            await session.scalar(
                select(func.count())
                .select_from(Activity)
                .join(first, first.c.activity_id == Activity.id)
                .where(next_one)
            )
            or 0
        )
    )
    villages = int(
        await session.scalar(select(func.count()).select_from(Village).where(Village.center_id.in_(scope.center_ids)))
        or 0
    )
    populations = {
        c_id: int(p)
        for c_id, p in await session.execute(
            select(Center.id, Center.population_15_plus).where(
                Center.id.in_(scope.center_ids), Center.population_15_plus.is_not(None)
            )
        )
        if p
    }
    addressees: list[str] = []
    if scope.region_id is None:
        center = await session.get(Center, scope.center_ids[0])
        addressees = addressees_of(center) if center else []
    return Facts(
        budgets=await budgets.by_source(session, scope, period),
        campaigns=list(campaigns.values()),
        coming=coming,
        coming_total=coming_total,
        villages=villages,
        population=sum(populations.values()) if populations else None,
        visits_counted=sum(v for c, v in visits_by_center.items() if c in populations),
        addressees=addressees,
    )
