"""Two bot processes behind one webhook, on one database; the proxy hands each update to either. Whatever
lands where, a conversation carries on, seats are never oversold, a check-in code shown by one is taken by
the other, and every group gets its announcement once while both send."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.config import Settings
from bot.models import Attendance, Registration, RegistrationStatus
from tests.conftest import Clock
from tests.journeys import checkin_code, commune, local, onboard, person_of, publish, residents_with_profiles
from tests.webhooks import WebhookBot


@pytest.fixture
async def two(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[WebhookBot]:
    harness = WebhookBot(settings, fake, clock, processes=2)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_two_processes_share_conversations_seats_codes_and_the_outbox(
    two: WebhookBot, fake: FakeTelegram
) -> None:
    place = await commune(two, fake)
    lan = fake.add_user("Lan")
    await onboard(two, lan)  # her answers alternate between the processes
    person = await person_of(two, lan)
    assert person is not None and person.profile_complete
    assert all(p.app.channel.handled > 10 for p in two.processes)  # both really took part

    for process in two.processes:  # no wake-ups: the test runs both senders at once over the same outbox
        process.app.wakeup.scheduler.pause()
    activity_id = await publish(two, place, capacity=10)
    groups = list(place.groups.values())
    assert not any(g.bot_messages and "lừa đảo" in (g.bot_messages[-1].text or "") for g in groups)
    sent = await asyncio.gather(*(p.app.sender.run_due() for p in two.processes))
    assert sum(sent) >= len(groups)
    assert [len([m for m in g.bot_messages if "lừa đảo" in (m.text or "")]) for g in groups] == [1] * len(groups)

    residents = [fake.add_user(f"Người {i}") for i in range(30)]
    await residents_with_profiles(two, place, residents)
    for user in residents:  # all at once, landing on either process
        user.send(f"/register {activity_id}")
    await fake.wait_for(lambda: all(u.private_chat.bot_messages for u in residents), timeout=60)
    await two.settle()
    assert two.app is not None
    async with two.app.db.session() as session:
        statuses = list(await session.scalars(select(Registration.status)))
    assert statuses.count(RegistrationStatus.REGISTERED) == 10 and statuses.count(RegistrationStatus.WAITLISTED) == 20

    two.clock.current = local("06/10/2025 13:20")
    screen = (await two.say(place.director, f"/checkin {activity_id}"))[-1]
    code = checkin_code(screen.text)
    for user in residents:
        user.send(code)
    await fake.wait_for(lambda: all(len(u.private_chat.bot_messages) >= 2 for u in residents), timeout=60)
    await two.settle()
    async with two.app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 30
