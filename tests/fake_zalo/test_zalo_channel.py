"""The Zalo channel against the fake Zalo Bot API, over HTTP: what it sends, how Zalo's answers map onto the
messaging port, and what the fake refuses as Zalo does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.channels.zalo.channel import ZaloChannel, split
from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.channels.zalo.fake import FakeZalo, ZaloFault
from bot.messaging import ChatRef, RateLimited, RecipientGone, Send, TransientFailure


@pytest.fixture
async def channel() -> AsyncIterator[tuple[ZaloChannel, FakeZalo]]:
    fake = FakeZalo()
    zalo = ZaloChannel(fake.token, fake.base_url, transport=fake.transport())
    yield zalo, fake
    await zalo.client.aclose()


def test_a_long_text_is_cut_at_line_breaks_and_never_over_the_limit() -> None:
    lines = [f"{n}. Lớp học số {n}: " + "chữ " * 40 for n in range(60)]
    parts = split("\n".join(lines), 2000)
    assert all(len(part) <= 2000 for part in parts) and len(parts) > 1
    assert "\n".join(parts) == "\n".join(lines)  # cut only where a line ended
    assert split("x" * 4500, 2000) == ["x" * 2000, "x" * 2000, "x" * 500]  # no line break: a hard cut
    assert split("một hai " * 400, 2000)[0].endswith("hai")  # else at a space


async def test_a_text_over_2000_characters_arrives_as_several_messages(channel: tuple[ZaloChannel, FakeZalo]) -> None:
    zalo, fake = channel
    lan = fake.add_user("Lan")
    lan.send("Xin chào")
    text = "\n".join(f"Dòng {n}: " + "nội dung " * 20 for n in range(40))
    await zalo.send(Send(ChatRef("zalo", lan.id), text))
    got = [message.text for message in lan.private_chat.bot_messages]
    assert len(got) == 4 and all(len(part) <= 2000 for part in got)
    assert "\n".join(got) == text


async def test_zalos_refusals_become_the_ports_exceptions(channel: tuple[ZaloChannel, FakeZalo]) -> None:
    zalo, fake = channel
    lan = fake.add_user("Lan")
    chat = ChatRef("zalo", lan.id)
    with pytest.raises(RecipientGone):  # she never wrote to the bot: Zalo does not know the chat
        await zalo.send(Send(chat, "Xin chào"))
    lan.send("Xin chào")
    fake.inject("sendMessage", ZaloFault.too_many_requests())
    with pytest.raises(RateLimited):
        await zalo.send(Send(chat, "Xin chào"))
    fake.inject("sendMessage", ZaloFault.server_error())
    with pytest.raises(TransientFailure):
        await zalo.send(Send(chat, "Xin chào"))
    fake.inject("sendMessage", ZaloFault.timeout(delivered=True))
    with pytest.raises(TransientFailure):
        await zalo.send(Send(chat, "Xin chào"))
    assert [m.text for m in lan.private_chat.bot_messages] == ["Xin chào"]  # the lost answer's message arrived
    lan.block()
    with pytest.raises(RecipientGone):
        await zalo.send(Send(chat, "Xin chào"))


async def test_the_fake_refuses_what_zalo_refuses() -> None:
    fake = FakeZalo()
    lan = fake.add_user("Lan")
    lan.send("Xin chào")
    client = ZaloClient(fake.token, fake.base_url, transport=fake.transport())
    try:
        for method, params, words in [
            ("sendMessage", {"chat_id": lan.id, "text": "x" * 2001}, "longer than 2000"),
            ("sendMessage", {"chat_id": lan.id, "text": ""}, "text is required"),
            ("sendMessage", {"chat_id": lan.id, "text": "Chọn", "reply_markup": {"keyboard": []}}, "keyboards"),
            ("sendMessage", {"chat_id": 12345, "text": "Chào"}, "chat_id must be a string"),
            ("sendPhoto", {"chat_id": lan.id, "photo": "iVBORw0KGgo="}, "URL of a picture"),
            ("sendPhoto", {"chat_id": lan.id, "photo": "http://nowhere.invalid/p.png"}, "could not be fetched"),
            ("setWebhook", {"url": "http://bot.example/zalo", "secret_token": "12345678"}, "https://"),
            ("setWebhook", {"url": "https://bot.example/zalo", "secret_token": "short"}, "8 to 256"),
        ]:
            with pytest.raises(ZaloError) as refused:
                await client.call(method, **params)
            assert refused.value.code == 400 and words in refused.value.description, method
        fake.pending.clear()
        with pytest.raises(ZaloError) as empty:
            await client.call("getUpdates", timeout="0")
        assert empty.value.code == 408
        assert await client.get_updates(0) == []
        wrong = ZaloClient("1:wrongtoken", fake.base_url, transport=fake.transport())
        with pytest.raises(ZaloError) as unauthorized:
            await wrong.get_me()
        assert unauthorized.value.code == 401
        await wrong.aclose()
    finally:
        await client.aclose()


async def test_a_picture_goes_as_a_url_zalo_fetches(channel: tuple[ZaloChannel, FakeZalo]) -> None:
    _, fake = channel
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100

    async def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=png, headers={"content-type": "image/png"})

    fake.fetch_transport = httpx.MockTransport(serve)
    lan = fake.add_user("Lan")
    lan.send("Xin chào")
    client = ZaloClient(fake.token, fake.base_url, transport=fake.transport())
    await client.send_photo(lan.id, "https://loalang.example/f/abc/qr.png", "Mã của bạn")
    await client.aclose()
    shown = lan.private_chat.bot_messages[-1]
    assert shown.photo == png and shown.caption == "Mã của bạn"


async def test_an_answer_that_is_not_zalos_never_marks_anyone_gone() -> None:
    """A proxy's error page or a wrong ZALO_API_BASE_URL says nothing about the chat: try again later."""

    async def proxy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<html>Not Found</html>", headers={"content-type": "text/html"})

    zalo = ZaloChannel("1:token-for-tests", "http://proxy.example/bot", transport=httpx.MockTransport(proxy))
    with pytest.raises(TransientFailure):
        await zalo.send(Send(ChatRef("zalo", "e4ea2cd5189df1c3a88c"), "Xin chào"))
    await zalo.client.aclose()
