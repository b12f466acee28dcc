"""Webhook mode: Telegram posts updates to `loalang run --webhook URL`; the secret header is checked, the
answer is immediate, health and readiness are served, and a stop finishes what was accepted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.channels.telegram.webhook import HEADER
from bot.config import Settings
from bot.models import InboxUpdate
from scheduler.liveness import GRACE
from tests.conftest import Clock
from tests.journeys import onboard
from tests.webhooks import URL, WebhookBot


@pytest.fixture
async def hooked(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[WebhookBot]:
    """One process serving the webhook."""
    harness = WebhookBot(settings, fake, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_telegram_posts_updates_and_the_bot_answers_them(hooked: WebhookBot, fake: FakeTelegram) -> None:
    assert fake.webhook["url"] == URL and fake.webhook["secret_token"] == hooked.secret
    await hooked.create_center()
    lan = fake.add_user("Lan")
    await onboard(hooked, lan)
    assert lan.private_chat.bot_messages[-1].text is not None
    assert hooked.pusher.delivered >= 5 and hooked.pusher.refused == 0
    async with httpx.AsyncClient(base_url=hooked.processes[0].address) as client:
        assert (await client.get("/healthz")).text == "ok"
        assert (await client.get("/readyz")).text == "ready"


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(hooked: WebhookBot, fake: FakeTelegram) -> None:
    forged = {
        "update_id": 9999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "M"},
            "text": "/start",
        },
    }
    async with httpx.AsyncClient(base_url=hooked.processes[0].address) as client:
        assert (await client.post("/telegram", json=forged)).status_code == 403
        assert (await client.post("/telegram", json=forged, headers={HEADER: "x" * 64})).status_code == 403
        assert (await client.post("/telegram", content=b"{", headers={HEADER: hooked.secret})).status_code == 400
    assert hooked.app is not None and hooked.app.channel.handled == 0
    assert fake.calls_to("sendMessage") == []


async def test_stopping_finishes_every_update_already_accepted(hooked: WebhookBot, fake: FakeTelegram) -> None:
    people = [fake.add_user(f"Người {n}") for n in range(40)]
    for person in people:
        person.send("/start")
    await fake.wait_for(lambda: hooked.pusher.delivered == 40, timeout=30)  # all accepted, most not yet handled
    await hooked.stop()
    assert all(len(person.private_chat.bot_messages) == 1 for person in people)


async def test_neither_the_token_nor_the_secret_is_ever_logged(
    hooked: WebhookBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await hooked.stop()
    await hooked.start()  # again, so that setWebhook is logged too
    await hooked.create_center()
    lan = fake.add_user("Lan")
    await onboard(hooked, lan)
    async with httpx.AsyncClient(base_url=hooked.processes[0].address) as client:
        await client.post("/telegram", content=b"[]", headers={HEADER: hooked.secret})  # logged as not an update
    await hooked.stop()
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "setWebhook" in logged and "not an update" in logged  # the calls that carry them were logged
    assert fake.token not in logged and fake.token.split(":")[1] not in logged
    assert hooked.secret not in logged


async def test_an_update_is_saved_before_the_answer_and_forgotten_once_handled(
    hooked: WebhookBot, fake: FakeTelegram
) -> None:
    await hooked.create_center()
    lan = fake.add_user("Lan")
    lan.send("/start")
    post = fake.pending_updates[-1]
    await hooked.settle()
    assert len(lan.private_chat.bot_messages) == 1
    async with httpx.AsyncClient(base_url=hooked.processes[0].address) as client:  # Telegram posts it again
        assert (await client.post("/telegram", json=post, headers={HEADER: hooked.secret})).status_code == 200
    await hooked.say(fake.add_user("Hoa"), "/start")  # an update after it, through Telegram as usual
    assert len(lan.private_chat.bot_messages) == 1  # handled once
    assert hooked.app is not None and hooked.app.channel.handled == hooked.pusher.delivered
    assert hooked.app is not None
    async with hooked.app.db.session() as session:  # the text of what people send is not kept, only the id
        kept = (await session.scalars(select(InboxUpdate))).all()
    assert [(row.payload, row.handled_at is not None) for row in kept] == [({}, True), ({}, True)]  # Lan's, Hoa's


async def test_updates_posted_at_once_are_each_handled_once_even_one_posted_twice(
    hooked: WebhookBot, fake: FakeTelegram
) -> None:
    await hooked.create_center()
    crowd = [fake.add_user(f"Người {n}") for n in range(24)]
    for person in crowd:  # the fake posts them side by side, and they are saved together
        person.send("/start")
    last = fake.pending_updates[-1]
    await hooked.settle()
    assert all(len(person.private_chat.bot_messages) == 1 for person in crowd)
    assert hooked.app is not None
    handled = hooked.app.channel.handled
    again = {**last, "update_id": 10**9}  # a new update, posted twice at the same moment
    async with httpx.AsyncClient(base_url=hooked.processes[0].address) as client:
        answers = await asyncio.gather(
            *(client.post("/telegram", json=again, headers={HEADER: hooked.secret}) for _ in range(2))
        )
    assert [answer.status_code for answer in answers] == [200, 200]
    await fake.wait_for(lambda: hooked.app is not None and hooked.app.channel.handled == handled + 1)
    assert sum(len(person.private_chat.bot_messages) for person in crowd) == len(crowd) + 1  # one answer more
    async with hooked.app.db.session() as session:
        assert len((await session.scalars(select(InboxUpdate))).all()) == len(crowd) + 1


async def test_updates_a_killed_process_had_saved_are_handled_by_another(
    hooked: WebhookBot, fake: FakeTelegram
) -> None:
    await hooked.create_center()
    lan = fake.add_user("Lan")
    lan.send("/start")
    post = fake.pending_updates[-1]
    fake.drop_pending_updates()  # it reached a process that saved it, answered 200, and was killed
    assert hooked.app is not None
    async with hooked.app.db.session() as session, session.begin():
        session.add(
            InboxUpdate(
                channel="telegram",
                update_id=str(post["update_id"]),
                payload=post,
                received_at=hooked.clock(),
                claimed_by=7,
            )
        )
    process = hooked.processes[0]
    for _look in range(2):  # what the watch does every 15 seconds; on PostgreSQL, a process whose lock is free
        for payload in await process.hook.inbox.take_over():  # is taken for dead at a look GRACE after the first
            await process.hook._enqueue(payload)
        hooked.clock.advance(seconds=GRACE.total_seconds())
    await fake.wait_for(lambda: bool(lan.private_chat.bot_messages))
    assert "Đồng ý" in lan.private_chat.bot_messages[-1].buttons[0]
