"""Group cards show the current count ("Đã đăng ký: 37/100"). After registrations change, each card
already posted in a group is edited in place, at most once a minute per activity, so a busy
registration day never floods the messenger with edits. A channel that cannot edit is left alone: its
cards keep the count they were sent with. The two timestamps on the activity are the truth;
the edit itself is harmless to repeat."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from bot import cards
from bot.database import Database
from bot.i18n import Translator
from bot.messaging import Edit, Messenger
from bot.models import LIVE, Activity, Center, Delivery, DeliveryKind, DeliveryStatus
from bot.services import groups, registrations

log = logging.getLogger(__name__)
EVERY = timedelta(minutes=1)


def _stale():  # type: ignore[no-untyped-def]
    return (
        Activity.counts_version > Activity.cards_version,
        Activity.status.in_(LIVE),
    )


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next card edit is allowed, if any card shows an old count."""
    async with db.session() as session:
        waiting, last = (
            await session.execute(select(func.count(), func.min(Activity.cards_edited_at)).where(*_stale()))
        ).one()
    if not waiting:
        return None
    return now if last is None else max(last + EVERY, now)


async def refresh(db: Database, channels: dict[str, Messenger], now: datetime) -> int:
    """Edit the group cards of every activity whose count changed; returns how many edits were made."""
    edits: list[Edit] = []
    async with db.session() as session, session.begin():
        due = list(
            await session.scalars(
                select(Activity).where(
                    *_stale(), or_(Activity.cards_edited_at.is_(None), Activity.cards_edited_at <= now - EVERY)
                )
            )
        )
        for activity in due:
            activity.cards_edited_at = now  # saved first: a crash after this costs one missed edit, never a flood
            activity.cards_version = activity.counts_version
            center = await session.get(Center, activity.center_id)
            assert center is not None
            t = Translator(center.locale, center.timezone)
            count = await registrations.count(session, activity.id)
            posted = await session.scalars(
                select(Delivery).where(
                    Delivery.activity_id == activity.id,
                    Delivery.kind == DeliveryKind.ANNOUNCE,
                    Delivery.status == DeliveryStatus.SENT,
                    Delivery.is_group.is_(True),
                    Delivery.message_id.is_not(None),
                )
            )
            for card in posted:
                channel = channels.get(card.channel)
                group = await groups.by_chat(session, card.to)
                if channel is None or not channel.capabilities.edit or group is None or not group.active:
                    continue
                assert card.message_id is not None
                choices = cards.buttons(
                    activity, t, in_group=True, village_id=group.village_id, deep_link=channel.deep_link
                )
                edits.append(Edit(card.to, card.message_id, cards.card(activity, t, registered=count), choices))
    for edit in edits:
        try:
            await channels[edit.chat.channel].edit(edit)
        except Exception as error:  # a deleted card or a group that left: the next count fixes nothing, fine
            log.info("card %s in %s not edited: %s", edit.message_id, edit.chat.id, type(error).__name__)
    return len(edits)
