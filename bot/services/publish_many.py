"""Publishing many drafts at once: a month's, a campaign's, or the last import's.

A batch is named by what a button can carry: `month 2025-10` (the drafts whose first session starts in that
month, in the center's zone), `campaign 3` (the drafts of campaign 3), `import 57` (the drafts made by the same
import as draft 57). An import writes all its drafts in one transaction with one `created_at` and an
`import_key` each, so the drafts that share a `created_at` and have an `import_key` are one import; "the last
import" is the newest such group that still has drafts. Each draft is published exactly as `/publish N` would
(bot/services/activities.py `publish`); one that cannot be (its day or time not set, its time passed, no
place to tell residents) is skipped with the reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import (
    Activity,
    ActivitySession,
    ActivityStatus,
    Campaign,
    Center,
    DateKnown,
    GroupChat,
    Person,
    Village,
)
from bot.services import activities
from bot.services.month_plan import Month

NO_PLACE = N_("it has no place yet")


class Batch(enum.StrEnum):
    MONTH = "month"
    CAMPAIGN = "campaign"
    IMPORT = "import"


@dataclass(frozen=True)
class Offer:
    batch: Batch
    key: str  # "2025-10", a campaign's id, an import's first draft id
    name: str  # the month's label or the campaign's name; empty for an import
    count: int

    @property
    def command(self) -> str:
        return f"/publish {self.batch} {self.key}"


MOST_CAMPAIGNS = 3  # campaigns offered at once: the coming ones


def _starts():  # type: ignore[no-untyped-def]
    return (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("starts"))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )


async def _drafts(session: AsyncSession, center: Center, *where: object) -> list[Activity]:
    first = _starts()
    return list(
        await session.scalars(
            select(Activity)
            .join(first, first.c.activity_id == Activity.id)
            .where(Activity.center_id == center.id, Activity.status == ActivityStatus.DRAFT, *where)  # type: ignore[arg-type]
            .order_by(first.c.starts, Activity.id)
        )
    )


async def offers(session: AsyncSession, center: Center, now: datetime) -> list[Offer]:
    """The batches worth a button: this month's and next month's drafts, each campaign's, the last import's;
    only those with two drafts or more that can be announced now (one is published by its own button), and
    counting only those: a button never promises drafts that still lack their day or time."""

    def ready(drafts: list[Activity] | None) -> int:
        return sum(why_not(draft, now) is None for draft in drafts or [])

    found: list[Offer] = []
    this = Month.of(now, center.timezone)
    for month in (this, this.shifted(1)):
        found.append(
            Offer(Batch.MONTH, month.key, month.label, ready(await members(session, center, Batch.MONTH, month.key)))
        )
    rows = await session.execute(
        select(Campaign.id, Campaign.name)
        .join(Activity, Activity.campaign_id == Campaign.id)
        .where(Campaign.center_id == center.id, Activity.status == ActivityStatus.DRAFT)
        .group_by(Campaign.id, Campaign.name)
        .order_by(Campaign.id.desc())
        .limit(MOST_CAMPAIGNS)
    )
    for cid, name in rows.all():
        found.append(
            Offer(Batch.CAMPAIGN, str(cid), name, ready(await members(session, center, Batch.CAMPAIGN, str(cid))))
        )
    last = await session.scalar(
        select(func.max(Activity.created_at)).where(
            Activity.center_id == center.id,
            Activity.status == ActivityStatus.DRAFT,
            Activity.import_key.is_not(None),
        )
    )
    if last is not None:
        anchor = await session.scalar(
            select(func.min(Activity.id)).where(
                Activity.center_id == center.id, Activity.import_key.is_not(None), Activity.created_at == last
            )
        )
        found.append(
            Offer(Batch.IMPORT, str(anchor), "", ready(await members(session, center, Batch.IMPORT, str(anchor))))
        )
    return [offer for offer in found if offer.count > 1]


async def members(session: AsyncSession, center: Center, batch: Batch, key: str) -> list[Activity] | None:
    """The batch's drafts, in the order they start; None when the key names nothing of this center."""
    if batch is Batch.MONTH:
        month = Month.from_key(key)
        if month is None:
            return None
        first = _starts()
        in_month = select(first.c.activity_id).where(
            first.c.starts >= month.starts(center.timezone), first.c.starts < month.shifted(1).starts(center.timezone)
        )
        return await _drafts(session, center, Activity.id.in_(in_month))
    if not key.isascii() or not key.isdigit() or len(key) > 9:
        return None
    if batch is Batch.CAMPAIGN:
        campaign = await session.get(Campaign, int(key))
        if campaign is None or campaign.center_id != center.id:
            return None
        return await _drafts(session, center, Activity.campaign_id == campaign.id)
    anchor = await session.get(Activity, int(key))
    if anchor is None or anchor.center_id != center.id or anchor.import_key is None:
        return None
    return await _drafts(session, center, Activity.import_key.is_not(None), Activity.created_at == anchor.created_at)


def why_not(activity: Activity, now: datetime) -> str | None:
    """Why this draft cannot be announced now (a message id), or None when it can."""
    if activity.status is not ActivityStatus.DRAFT:
        return N_("it is no longer a draft")
    if activity.date_known is DateKnown.MONTH:
        return N_("it has no day or time yet")
    if activity.date_known is DateKnown.DAY:
        return N_("it has no time yet")
    if activity.starts_at <= now:
        return N_("its time has passed")
    if not (activity.place or "").strip():  # a card with no 📍 line: residents would not know where to go
        return NO_PLACE
    return None


@dataclass(frozen=True)
class Told:
    """Where a draft's card goes once published: the linked groups by name, the villages whose head gets it to
    paste into the village's own group (none linked to the bot, as on Zalo), and how many people in private."""

    groups: list[str]
    pasted: list[str]
    private: int


async def told(session: AsyncSession, activity: Activity) -> Told:
    recipients = await activities.audience(session, activity)
    chats = [(r.chat.channel, r.chat.id) for r in recipients if r.chat.group]
    names: list[str] = []
    if chats:
        rows = await session.execute(
            select(GroupChat.channel, GroupChat.external_id, GroupChat.title).where(
                GroupChat.center_id == activity.center_id, GroupChat.active.is_(True)
            )
        )
        titles = {(channel, chat): title for channel, chat, title in rows}
        names = [titles.get(chat) or chat[1] for chat in chats]
    heads = await activities._heads_to_paste(session, activity)  # what `publish` will write, read the same way
    villages = {
        v.id: v.name for v in await session.scalars(select(Village).where(Village.id.in_([v for _, v in heads])))
    }
    pasting = {head.chat for head, _ in heads}
    return Told(
        names,
        sorted({villages[v] for _, v in heads if v in villages}),
        sum(1 for r in recipients if not r.chat.group and r.chat not in pasting),
    )


async def publish(
    session: AsyncSession, ids: list[int], center: Center, *, now: datetime, by: Person | None
) -> tuple[list[Activity], list[tuple[Activity, str]]]:
    """Publish each of these drafts as one would one by one; returns the published and the skipped, with why."""
    done: list[Activity] = []
    skipped: list[tuple[Activity, str]] = []
    for activity_id in ids:
        activity = await session.get(Activity, activity_id)
        if activity is None or activity.center_id != center.id:
            continue
        reason = why_not(activity, now)
        if reason is None:
            try:
                await activities.publish(session, activity, now=now, by=by)
            except activities.ActivityError:
                reason = N_("its time has passed")
        if reason is None:
            done.append(activity)
        else:
            skipped.append((activity, reason))
    return done, skipped
