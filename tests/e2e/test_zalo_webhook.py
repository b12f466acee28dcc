"""Zalo posts updates to the webhook: the secret header is checked, both body shapes are read, and an update
posted twice (same message id) is handled once."""

from __future__ import annotations

import httpx

from bot.bootstrap import bootstrap
from bot.channels.zalo.fake import FakeZalo
from bot.channels.zalo.webhook import HEADER
from bot.config import Settings
from bot.webhook import channel_secret, secret_for
from scheduler.limits import Limits
from tests.conftest import Clock
from tests.webhooks import URL, Process


async def test_the_zalo_webhook_refuses_a_wrong_secret_and_handles_a_repeat_once(
    both_settings: Settings, zalo: FakeZalo, clock: Clock
) -> None:
    alone = both_settings.model_copy(update={"bot_token": None})  # ZALO_BOT_TOKEN only: Zalo alone
    app = bootstrap(alone, clock=clock, transports={"zalo": zalo.transport()}, limits=Limits().scaled(20))
    assert [channel.name for channel in app.channels] == ["zalo"]
    secret = secret_for(zalo.token)
    process = Process(app, secret)
    await process.start(zalo)
    try:
        assert zalo.webhook == {"url": URL, "secret_token": secret}
        lan = zalo.add_user("Lan")
        lan.send("Xin chào")
        update = zalo.take_posted()
        async with httpx.AsyncClient(base_url=process.address) as client:
            assert (await client.post("/telegram", json=update)).status_code == 403
            forged = {HEADER: channel_secret(secret, "zalo")}
            assert (await client.post("/telegram", json=update, headers=forged)).status_code == 403
            assert app.channel.handled == 0
            wrapped = {"ok": True, "result": update}  # the shape the documentation shows
            assert (await client.post("/telegram", json=wrapped, headers={HEADER: secret})).status_code == 200
            assert (await client.post("/telegram", json=update, headers={HEADER: secret})).status_code == 200
            assert (await client.post("/telegram", json={"ok": True}, headers={HEADER: secret})).status_code == 400
        await zalo.wait_for(lambda: app.channel.handled >= 1 and bool(lan.private_chat.bot_messages))
        answers = [m.text for m in lan.private_chat.bot_messages]
        assert answers == ["Chưa có Trung tâm học tập cộng đồng nào được thiết lập ở đây. Xin thử lại sau."]
    finally:
        await process.stop()
    assert app.channel.handled == 1
