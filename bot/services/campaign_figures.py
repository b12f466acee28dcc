"""A campaign's figures: per activity, the participants the plan expected against those who came, and the
campaign's totals. SQL aggregates like bot/services/stats.py, counted by its rules (README, "Counting"): the
learner-visits of an activity are its attendance rows (kept summed on each session) plus its head counts, over
all its sessions; drafts and cancelled activities count nothing; an activity is held once its first session
has begun.

The expected-against-actual share compares like with like: the learner-visits of the activities that had an
expected figure, against the sum of those figures (an opening ceremony the plan gave no figure adds nothing
to either side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    Activity,
    ActivitySession,
    ActivityStatus,
    Campaign,
    HeadCount,
    Registration,
    RegistrationStatus,
)

COUNTED = (ActivityStatus.PUBLISHED, ActivityStatus.CHANGED, ActivityStatus.FINISHED)


@dataclass
class Line:
    """One activity of the campaign."""

    activity_id: int
    starts_at: datetime
    title: str
    place: str | None
    expected: int | None
    held: bool
    registered: int = 0
    actual: int = 0  # learner-visits: attendance and head counts, over its sessions
    women: int = 0


@dataclass
class CampaignFigures:
    campaign_id: int
    name: str
    lines: list[Line] = field(default_factory=list)

    @property
    def held(self) -> list[Line]:
        return [line for line in self.lines if line.held]

    @property
    def visits(self) -> int:
        return sum(line.actual for line in self.held)

    @property
    def women(self) -> int:
        return sum(line.women for line in self.held)

    @property
    def registered(self) -> int:
        return sum(line.registered for line in self.held)

    @property
    def expected(self) -> int:
        """The expected participants of the held activities that had a figure."""
        return sum(line.expected or 0 for line in self.held)

    @property
    def actual_of_expected(self) -> int:
        """The learner-visits of those same activities."""
        return sum(line.actual for line in self.held if line.expected)

    @property
    def percent(self) -> float | None:
        """Actual against expected, in percent (unrounded); None when nothing held had a figure."""
        return 100 * self.actual_of_expected / self.expected if self.expected else None


async def figures(session: AsyncSession, campaign: Campaign, now: datetime) -> CampaignFigures:
    """Its activities in order of their first session, each with its counts: four aggregates."""
    first = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("first"))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    rows = await session.execute(
        select(Activity.id, first.c.first, Activity.title, Activity.place, Activity.expected)
        .join(first, first.c.activity_id == Activity.id)
        .where(Activity.campaign_id == campaign.id, Activity.status.in_(COUNTED))
        .order_by(first.c.first, Activity.id)
    )
    result = CampaignFigures(campaign.id, campaign.name)
    lines = {}
    for a_id, starts, title, place, expected in rows:
        lines[a_id] = Line(a_id, starts, title, place, expected, starts <= now)
        result.lines.append(lines[a_id])
    if not lines:
        return result
    ids = list(lines)
    for a_id, n in await session.execute(
        select(Registration.activity_id, func.count())
        .where(Registration.activity_id.in_(ids), Registration.status == RegistrationStatus.REGISTERED)
        .group_by(Registration.activity_id)
    ):
        lines[a_id].registered = int(n)
    for a_id, n, w in await session.execute(
        select(ActivitySession.activity_id, func.sum(ActivitySession.visits), func.sum(ActivitySession.women_visits))
        .where(ActivitySession.activity_id.in_(ids))
        .group_by(ActivitySession.activity_id)
    ):
        lines[a_id].actual += int(n or 0)
        lines[a_id].women += int(w or 0)
    for a_id, n, w in await session.execute(
        select(ActivitySession.activity_id, func.sum(HeadCount.total), func.sum(HeadCount.women))
        .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
        .where(ActivitySession.activity_id.in_(ids))
        .group_by(ActivitySession.activity_id)
    ):
        lines[a_id].actual += int(n or 0)
        lines[a_id].women += int(w or 0)
    return result
