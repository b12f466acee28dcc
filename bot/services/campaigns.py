"""Campaigns: named stretches of days that group activities, such as the Lifelong Learning Week.

A plan names its campaign in a column; the first activity naming it makes the row. The Lifelong Learning Week
("Tuần lễ hưởng ứng học tập suốt đời") runs 1-7 October by the national calendar, so its days are known from
its name; any other campaign's days are left empty until the director sets them, and meanwhile span its
activities.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Campaign, Center
from bot.text import clean_name, fold

LIFELONG_LEARNING_WEEK = "Tuần lễ hưởng ứng học tập suốt đời"


def is_lifelong_learning_week(name: str) -> bool:
    return "hoc tap suot doi" in fold(name)


async def named(session: AsyncSession, center: Center, name: str, around: datetime, now: datetime) -> Campaign:
    """The center's campaign of this name, made if new. `around` is when its first activity starts."""
    name = clean_name(name, 300)
    found = await session.scalar(select(Campaign).where(Campaign.center_id == center.id, Campaign.name == name))
    if found is not None:
        return found
    campaign = Campaign(center_id=center.id, name=name, created_at=now)
    if is_lifelong_learning_week(name):
        year = around.astimezone(ZoneInfo(center.timezone)).year
        campaign.starts_on, campaign.ends_on = date(year, 10, 1), date(year, 10, 7)
    session.add(campaign)
    await session.flush()
    return campaign
