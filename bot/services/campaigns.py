"""Campaigns: named stretches of days that group activities, such as the Lifelong Learning Week.

A plan names its campaign in a column; the first activity naming it makes the row. The Lifelong Learning Week
("Tuần lễ hưởng ứng học tập suốt đời") runs 1-7 October by the national calendar, so its days are known from
its name; any other campaign's days are left empty until the director sets them, and meanwhile span its
activities.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
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


SUMMARY_HOUR = 7  # the director's summary goes out at 07:00 on the day after the campaign ends, in its zone
SUMMARY_LATEST = timedelta(days=7)  # a summary not sent within a week (the bot was down, or the campaign was
# entered afterwards, from last year's records) is not sent at all: a stale summary helps no wrap-up meeting
_DAY = r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?"
_DAYS = re.compile(rf"{_DAY}\s*(?:-|–|—|den|to)\s*{_DAY}\s*$")


class CampaignError(ValueError):
    """A campaign's days or name that cannot be taken; the message says what to write instead."""


async def of_center(session: AsyncSession, center_id: int) -> list[Campaign]:
    """The center's campaigns, latest first by their days (those without days last), numbered in this order."""
    found = await session.scalars(select(Campaign).where(Campaign.center_id == center_id))
    return sorted(found, key=lambda c: (c.starts_on is None, -(c.starts_on or date.min).toordinal(), -c.id))


def find(campaigns: list[Campaign], typed: str) -> Campaign | None:
    """A campaign by its number in `of_center`'s list or by (part of) its name, accents optional."""
    plain = fold(typed)
    for word in ("chien dich", "campaign"):
        plain = plain.removeprefix(word).strip()
    if plain.isascii() and plain.isdigit():
        position = int(plain)
        return campaigns[position - 1] if 1 <= position <= len(campaigns) else None
    if not plain:
        return None
    exact = [c for c in campaigns if fold(c.name) == plain]
    partial = [c for c in campaigns if len(plain) >= 3 and plain in fold(c.name)]  # "a" names nothing
    return (exact or partial or [None])[0]


def read_days(text: str, today: date) -> tuple[str, tuple[date, date] | None]:
    """ "Tháng hành động 01/11-30/11/2025" -> the name and its days; the first day's year, when left out, is
    the last day's (or the year before, across New Year), and the last day's, when left out, this year. Raises
    CampaignError for days that are not on the calendar or run backwards."""
    plain = fold(text)
    match = _DAYS.search(plain)
    if match is None:
        return text.strip(), None
    d1, m1, y1, d2, m2, y2 = match.groups()
    last_year = int(y2 or today.year)
    try:
        first = date(int(y1 or last_year), int(m1), int(d1))
        last = date(last_year, int(m2), int(d2))
        if y1 is None and first > last:  # "15/12-15/01/2026": December of the year before
            first = first.replace(year=last_year - 1)
    except ValueError:
        raise CampaignError("not on the calendar") from None
    if last < first or (last - first).days > 366:
        raise CampaignError("backwards")
    # the folded text has the same words as the typed one: cut the typed text at the same word
    words = len(plain[: match.start()].split())
    return " ".join(text.split()[:words]), (first, last)


def days_of(campaign: Campaign, today: date) -> tuple[date, date] | None:
    """Its days as set, or the Lifelong Learning Week's of `today`'s year when the name says it is that week."""
    if campaign.starts_on and campaign.ends_on:
        return campaign.starts_on, campaign.ends_on
    if is_lifelong_learning_week(campaign.name):
        return date(today.year, 10, 1), date(today.year, 10, 7)
    return None


async def start(
    session: AsyncSession, center: Center, name: str, days: tuple[date, date] | None, now: datetime
) -> Campaign:
    """A new campaign of the director's; its days, or the Lifelong Learning Week's. Raises CampaignError when the
    name is empty or taken, or no days were given for another campaign."""
    name = clean_name(name, 300)
    if not name:
        raise CampaignError("no name")
    if await session.scalar(select(Campaign.id).where(Campaign.center_id == center.id, Campaign.name == name)):
        raise CampaignError("taken")
    today = now.astimezone(ZoneInfo(center.timezone)).date()
    campaign = Campaign(center_id=center.id, name=name, created_at=now)
    days = days or days_of(campaign, today)
    if days is None:
        raise CampaignError("no days")
    campaign.starts_on, campaign.ends_on = days
    session.add(campaign)
    await session.flush()
    return campaign


def set_days(campaign: Campaign, days: tuple[date, date], zone: str, now: datetime) -> None:
    """New days; a summary already sent is owed again if the new end is still to come."""
    campaign.starts_on, campaign.ends_on = days
    if campaign.summary_sent_at is not None and summary_due(campaign, zone) > now:
        campaign.summary_sent_at = None


def summary_due(campaign: Campaign, zone: str) -> datetime:
    """07:00 on the day after its last day, in the center's zone, as UTC."""
    assert campaign.ends_on is not None
    morning = datetime.combine(campaign.ends_on + timedelta(days=1), time(SUMMARY_HOUR), ZoneInfo(zone))
    return morning.astimezone(UTC)


async def current_or_coming(session: AsyncSession, center: Center, now: datetime) -> Campaign | None:
    """The campaign under way, else the next to begin (within three months): where a new activity may go."""
    today = now.astimezone(ZoneInfo(center.timezone)).date()
    found = await session.scalars(
        select(Campaign)
        .where(
            Campaign.center_id == center.id,
            Campaign.ends_on >= today,
            Campaign.starts_on <= today + timedelta(days=92),
        )
        .order_by(Campaign.starts_on, Campaign.id)
        .limit(1)
    )
    return found.first()
