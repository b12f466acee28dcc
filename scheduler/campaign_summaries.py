"""At a campaign's end the director gets its summary: at 07:00 (the center's zone) on the day after its last
day, a message with the figures and a second with the file (XLSX) for the wrap-up meeting.

Like scheduler/checkin_opens.py no job is kept: the campaign's `summary_sent_at` is the truth. The wake-up
(scheduler/wakeup.py) asks `next_due` for the next summary owed, and each run of the sender calls `owe`, which
marks the campaigns whose summary is due and writes the outbox rows in the same transaction. So a restart, or
several processes, send each summary once. A summary more than a week late (the bot was down, or the campaign
was entered afterwards from last year's records) is not sent.

The rows are worded when sent, from the figures then, in the director's language. Two rows rather than one: a
messenger's caption under a file is short (1,024 characters on Telegram), and a week's list is longer. On a
messenger without files the file row is a link to it (bot/shelf.py), or a note to ask for it where the bot has
no public address."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import shelf
from bot.database import Database
from bot.i18n import N_, Translator
from bot.messaging import Messenger, Send
from bot.models import Campaign, Center, Delivery, Person, Role, RoleKind
from bot.notices import Notice, owe
from bot.reports import campaign as campaign_report
from bot.services import campaign_figures, campaigns

TEXT, FILE = "text", "file"
SLACK = timedelta(days=2)  # the latest zone is this close to UTC: ends_on this far back may already be due


async def _owed(session: AsyncSession, now: datetime) -> list[tuple[Campaign, datetime]]:
    """The summaries not sent, with when each is due; those more than a week late are left out. Few rows: a
    center runs a handful of campaigns a year, and only those that ended lately are read."""
    oldest: date = (now - campaigns.SUMMARY_LATEST - SLACK).date()
    rows = await session.execute(
        select(Campaign, Center.timezone)
        .join(Center, Center.id == Campaign.center_id)
        .where(Campaign.summary_sent_at.is_(None), Campaign.ends_on.is_not(None), Campaign.ends_on >= oldest)
    )
    owed = []
    for campaign, zone in rows:
        due = campaigns.summary_due(campaign, zone)
        if now <= due + campaigns.SUMMARY_LATEST:
            owed.append((campaign, due))
    return owed


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next summary is owed (now, if one is)."""
    async with db.session() as session:
        owed = await _owed(session, now)
    return max(min(due for _, due in owed), now) if owed else None


async def owe_due(db: Database, now: datetime) -> int:
    """Mark each campaign whose summary is due and queue it for the center's director(s); returns how many."""
    async with db.session() as session:  # a read first: most runs find nothing, and write nothing (SQLite)
        due = [c.id for c, at in await _owed(session, now) if at <= now]
    if not due:
        return 0
    async with db.session() as session, session.begin():
        marked = list(  # in one statement: of two processes at once, only one gets each campaign
            await session.scalars(
                update(Campaign)
                .where(Campaign.id.in_(due), Campaign.summary_sent_at.is_(None))
                .values(summary_sent_at=now)
                .returning(Campaign.id)
                .execution_options(synchronize_session=False)
            )
        )
        for campaign_id in marked:
            campaign = await session.get(Campaign, campaign_id)
            assert campaign is not None
            directors = await session.scalars(
                select(Person)
                .join(Role, Role.person_id == Person.id)
                .where(Role.center_id == campaign.center_id, Role.kind == RoleKind.DIRECTOR)
            )
            for director in directors:
                for part in (TEXT, FILE):
                    owe(
                        session,
                        director,
                        Notice.CAMPAIGN_SUMMARY,
                        center_id=campaign.center_id,
                        now=now,
                        campaign_id=campaign.id,
                        part=part,
                    )
    return len(marked)


async def render(
    session: AsyncSession,
    delivery: Delivery,
    t: Translator,
    now: datetime,
    *,
    channel: Messenger,
    base_url: str | None,
) -> Send | None:
    """The summary's text, or its file (a link where the messenger takes no files); None if the campaign is gone."""
    campaign = await session.get(Campaign, delivery.detail["campaign_id"])
    center = await session.get(Center, delivery.center_id)
    if campaign is None or center is None:
        return None
    figures = await campaign_figures.figures(session, campaign, now)
    days = campaigns.days_of(campaign, now.date())
    if delivery.detail.get("part") != FILE:
        return Send(delivery.to, campaign_report.text(figures, days, t, ended=True))
    attachment = campaign_report.workbook(figures, days, t, center.name)
    caption = t.gettext("📎 {name}: the summary file, for the wrap-up meeting.").format(name=campaign.name)
    if channel.capabilities.files:
        return Send(delivery.to, caption, file=attachment)
    if base_url is None:
        return Send(delivery.to, caption + "\n" + t.gettext(NO_FILES))
    link = shelf.keep(session, base_url, attachment.content, attachment.filename, now)
    return Send(delivery.to, caption + "\n" + t.gettext(LINK).format(link=link))


NO_FILES = N_("This messenger cannot carry files. Please ask the center for a copy.")
LINK = N_("📎 Open it here (the link works for 24 hours): {link}")
