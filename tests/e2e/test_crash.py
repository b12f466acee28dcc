"""A real process is killed with SIGKILL in the middle of a broadcast to 500 groups and started again:
every group gets the announcement, and only messages that were in flight at the kill may repeat."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.database import Database
from bot.models import Delivery, DeliveryStatus
from tests.broadcasts import TITLE, linked_groups

GROUPS = 500


async def _spawn(url: str, base_url: str, fake: FakeTelegram, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url}
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; raise SystemExit(main(['run']))",
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=out,
        )


def _received(fake: FakeTelegram) -> dict[int, int]:
    return {
        chat_id: sum(1 for m in chat.bot_messages if (m.text or "").startswith(TITLE))
        for chat_id, chat in fake.chats.items()
        if chat.is_group
    }


async def _in_progress(url: str) -> int:
    db = Database(url)
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.IN_PROGRESS)
        )
    await db.dispose()
    return int(count or 0)


async def test_a_broadcast_killed_mid_way_finishes_after_restart_without_duplicates(tmp_path: Path) -> None:
    fake = FakeTelegram()
    url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    await linked_groups(url, fake, GROUPS, center="TTHTCĐ phường Nhơn Hưng", village="Tổ dân phố")
    log = tmp_path / "bot.log"
    async with fake.serve() as base_url:
        first = await _spawn(url, base_url, fake, log)
        try:
            await fake.wait_for(lambda: sum(_received(fake).values()) >= 150, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        delivered_before = sum(_received(fake).values())
        in_flight = await _in_progress(url)
        assert delivered_before < GROUPS, "the kill came too late to test anything"

        second = await _spawn(url, base_url, fake, log)
        try:
            await fake.wait_for(lambda: all(_received(fake).values()), timeout=90)
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), timeout=30)

    received = _received(fake)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    print(f"\nkilled after {delivered_before} of {GROUPS}; in flight at the kill: {in_flight}; repeated: {duplicates}")
    assert len(received) == GROUPS and all(count >= 1 for count in received.values())
    assert duplicates <= in_flight
    assert second.returncode == 0, log.read_text()[-3000:]
