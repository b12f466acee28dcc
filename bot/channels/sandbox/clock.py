"""The sandbox's clock: real time plus an offset that only grows, so a trainer can jump to the
next thing the bot will do (a reminder, an announcement, a check-in opening, a campaign's summary, the month's
plan reminder, the question after a session, a bulletin) instead of waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.database import Database
from bot.models import LIVE, Activity, ActivitySession, Delivery, DeliveryKind, DeliveryStatus
from bot.services import checkin, outbox
from scheduler import bulletins, campaign_summaries, feedback_ask, plan_reminder

# what the sender writes into the outbox only when its time comes: the next of each is a moment to jump to
LATER_NOTICES = (campaign_summaries, plan_reminder, feedback_ask, bulletins)


class SandboxClock:
    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_to(self, moment: datetime) -> None:
        """Never backwards: rows already sent would otherwise be due again."""
        self.offset = max(self.offset, moment - datetime.now(UTC))


@dataclass(frozen=True)
class Due:
    at: datetime
    kind: DeliveryKind | None  # None: a check-in window opens
    title: str


async def next_due(db: Database, now: datetime) -> Due | None:
    """The earliest waiting message of the outbox, or the next opening of a check-in window."""
    async with db.session() as session:
        owed = (
            await session.execute(
                select(Delivery.next_attempt_at, Delivery.kind, Activity.title)
                .outerjoin(Activity, Activity.id == Delivery.activity_id)
                .where(Delivery.status.in_(outbox.WAITING))
                .order_by(Delivery.next_attempt_at)
                .limit(1)
            )
        ).first()
        opening = (
            await session.execute(
                select(ActivitySession.starts_at, Activity.title)
                .join(Activity, Activity.id == ActivitySession.activity_id)
                .where(Activity.status.in_(LIVE), ActivitySession.starts_at > now + checkin.BEFORE)
                .order_by(ActivitySession.starts_at)
                .limit(1)
            )
        ).first()
    candidates = [
        Due(_aware(at), DeliveryKind.NOTICE, "")
        for at in [await later.next_due(db, now) for later in LATER_NOTICES]
        if at is not None and _aware(at) > now  # owed now: the sender writes it on its own
    ]
    if owed is not None:
        candidates.append(Due(_aware(owed.next_attempt_at), owed.kind, owed.title or ""))
    if opening is not None:
        candidates.append(Due(_aware(opening.starts_at) - checkin.BEFORE, None, opening.title))
    return min(candidates, key=lambda due: due.at, default=None)


async def sending(db: Database, now: datetime) -> bool:
    """Whether messages already due are still waiting or on their way."""
    async with db.session() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.status.in_((*outbox.WAITING, DeliveryStatus.IN_PROGRESS)),
                Delivery.next_attempt_at <= now,
            )
        )
    return bool(count)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
