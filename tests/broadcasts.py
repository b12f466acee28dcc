"""A center whose village groups were linked long ago, and an event ready to announce to all of them: where
the crash test (tests/e2e/test_crash.py) and the broadcast benchmark (bench/broadcast_bench.py) start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels import telegram
from bot.channels.telegram.fake import FakeTelegram
from bot.database import Database
from bot.models import ActivityKind, Center, GroupChat
from bot.services import activities, centers

TITLE = "📢 Ngày hội học tập suốt đời"  # how the announcement's card begins


async def linked_groups(url: str, fake: FakeTelegram, groups: int, *, center: str, village: str) -> None:
    """`groups` chats named "`village` N", each linked to the center, and the event published three days on."""
    owner = fake.add_user("Hùng")
    chats = []
    for index in range(groups):
        chat = fake.add_group(f"{village} {index}")
        chat.add_bot(owner)
        chats.append(chat)
    fake.drop_pending_updates()  # the groups were linked long ago
    now = datetime.now(UTC)
    db = Database(url)
    await db.upgrade()
    async with db.session() as session, session.begin():
        made = await centers.create_center(session, name=center, villages=[f"{village} 0"], now=now)
        session.add_all(
            GroupChat(
                channel=telegram.NAME,
                external_id=str(c.id),
                title=c.title,
                center_id=made.id,
                active=True,
                updated_at=now,
            )
            for c in chats
        )
        await session.flush()
        start = now + timedelta(days=3)
        draft = activities.Draft(
            title=TITLE[2:], kind=ActivityKind.EVENT, sessions=[(start, start + timedelta(hours=3))]
        )
        activity = await activities.create(session, await session.get(Center, made.id), draft, now=now, by=None)
        await activities.publish(session, activity, now=now, by=None)
    await db.dispose()
