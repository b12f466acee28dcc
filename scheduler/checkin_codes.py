"""The check-in code on the staff's screen changes every minute: while a session's window is open,
the message that shows it is edited to the code of the new minute."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot import cards
from bot.database import Database
from bot.i18n import Translator
from bot.messaging import ChatRef, Edit, Messenger, Send
from bot.models import Activity, ActivitySession, Center
from bot.services import checkin, hall

log = logging.getLogger(__name__)


def _showing(now: datetime):  # type: ignore[no-untyped-def]
    return (
        ActivitySession.checkin_message.is_not(None),
        ActivitySession.starts_at <= now + checkin.BEFORE,
        ActivitySession.starts_at >= now - checkin.AFTER,
    )


async def remember(db: Database, tag: str, chat: ChatRef, message_id: str) -> None:
    """The staff message for "checkin:<session>" was sent: keep its id to edit it every minute."""
    kind, _, key = tag.partition(":")
    if kind != "checkin" or not key.isdigit():
        return
    async with db.session() as session, session.begin():
        await session.execute(
            update(ActivitySession)
            .where(ActivitySession.id == int(key))
            .values(checkin_channel=chat.channel, checkin_chat=chat.id, checkin_message=message_id)
        )


async def next_due(db: Database, now: datetime) -> datetime | None:
    async with db.session() as session:
        any_open = await session.scalar(select(ActivitySession.id).where(*_showing(now)).limit(1))
    if any_open is None:
        return None
    return datetime.fromtimestamp((checkin.minute_of(now) + 1) * 60, tz=now.tzinfo) + timedelta(seconds=0)


async def refresh(db: Database, channels: dict[str, Messenger], now: datetime, base_url: str | None = None) -> int:
    """Edit each screen whose minute has passed, keeping its buttons (the QR, and the hall screen's link where there
    is a web address). Where a channel cannot edit (Zalo), the new minute's code comes as a new message, while the
    session's window is open."""
    minute = checkin.minute_of(now)
    edits: list[Edit | Send] = []
    async with db.session() as session, session.begin():
        rows = await session.scalars(
            select(ActivitySession).where(
                *_showing(now),
                (ActivitySession.checkin_shown_minute.is_(None)) | (ActivitySession.checkin_shown_minute != minute),
            )
        )
        for current in rows:
            activity = await session.get(Activity, current.activity_id)
            center = await session.get(Center, activity.center_id) if activity else None
            channel = channels.get(current.checkin_channel or "")
            if activity is None or center is None or channel is None:
                continue
            assert current.checkin_chat is not None and current.checkin_message is not None
            current.checkin_shown_minute = minute
            t = Translator(center.locale, center.timezone)
            text = cards.checkin_screen(activity, checkin.code(center.secret, current.id, minute), t)
            screen = ChatRef(channel.name, current.checkin_chat)
            if channel.capabilities.edit:
                link = hall.address(base_url, current.hall_token) if base_url and current.hall_token else None
                edits.append(Edit(screen, current.checkin_message, text, hall.screen_buttons(current.id, link, t)))
            else:
                edits.append(Send(screen, text))
    for edit in edits:
        try:
            channel = channels[edit.chat.channel]
            await (channel.edit(edit) if isinstance(edit, Edit) else channel.send(edit))
        except Exception as error:
            log.info("check-in code not renewed in %s: %s", edit.chat.id, type(error).__name__)
    return len(edits)
