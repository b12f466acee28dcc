"""Over a real loopback socket (the sandbox's way), and the control API that plays the people."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
import segno
from PIL import Image
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TimedOut
from telegram.request import HTTPXRequest

from bot.channels.telegram.fake import FakeTelegram, Fault


async def test_real_http_on_loopback(tg: FakeTelegram) -> None:
    async with tg.serve() as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
        file_url = base_url.removesuffix("/bot") + "/file/bot"
        request = HTTPXRequest(read_timeout=0.5)
        async with Bot(tg.token, base_url=base_url, base_file_url=file_url, request=request) as bot:
            lan = tg.add_user("Lan")
            lan.send_document("ghi-chu.txt", "Chào thầy".encode())
            (update,) = await bot.get_updates(timeout=1)
            assert update.message is not None and update.message.document is not None
            file = await bot.get_file(update.message.document.file_id)
            assert (await file.download_as_bytearray()).decode() == "Chào thầy"
            await bot.send_message(
                lan.id,
                "Đã nhận",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Cảm ơn", callback_data="thanks")]]),
            )
            assert lan.private_chat.bot_messages[-1].buttons == ["Cảm ơn"]
            tg.inject("sendMessage", Fault.timeout(delivered=True))
            with pytest.raises(TimedOut):  # the server holds the answer until the client gives up
                await bot.send_message(lan.id, "chậm")
            assert lan.private_chat.bot_messages[-1].text == "chậm"


async def test_control_api(tg: FakeTelegram, ptb: Bot) -> None:
    async with httpx.AsyncClient(transport=tg.transport(), base_url="http://fake-telegram") as client:
        created = (await client.post("/_control/users", json={"first_name": "Lan", "language_code": "en"})).json()
        assert created["first_name"] == "Lan" and created["language_code"] == "en"
        sent = await client.post("/_control/send", json={"user_id": created["id"], "text": "/start"})
        assert sent.status_code == 200 and sent.json()["entities"][0]["type"] == "bot_command"
        (update,) = await ptb.get_updates()
        assert update.message is not None and update.message.text == "/start"

        reply = await ptb.send_message(
            created["id"],
            "Chọn",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]]),
        )
        chats = (await client.get("/_control/chats")).json()
        assert [(c["id"], c["type"], c["messages"]) for c in chats] == [(created["id"], "private", 2)]
        messages = (await client.get(f"/_control/chats/{created['id']}/messages")).json()
        assert [m["text"] for m in messages] == ["/start", "Chọn"]

        press = {"user_id": created["id"], "chat_id": created["id"], "message_id": reply.message_id}
        pressed = await client.post("/_control/press", json={**press, "button": "Có"})
        assert pressed.status_code == 200
        query_id = pressed.json()["callback_query_id"]
        (update,) = await ptb.get_updates(offset=update.update_id + 1)
        assert update.callback_query is not None and update.callback_query.id == query_id

        missing = await client.post("/_control/press", json={**press, "button": "Không"})
        assert missing.status_code == 400 and "available: 'Có'" in missing.json()["error"]
        unknown = await client.post("/_control/send", json={"user_id": 1, "text": "x"})
        assert unknown.status_code == 404
        assert (await client.get("/_control/users")).json() == [created]


async def test_control_api_plays_what_a_phone_does(tg: FakeTelegram, ptb: Bot) -> None:
    """Scanning a QR, tapping a bot link, forwarding, sending a file and reading the bot's toast."""
    lan, hoa = tg.add_user("Lan"), tg.add_user("Hoa")
    group = tg.add_group("Nhóm Thôn Đông")
    group.add_member(lan)
    group.add_member(hoa)
    group.add_bot(lan)
    lan.send("/start")
    picture = io.BytesIO()
    segno.make(f"https://t.me/{tg.bot_username}?start=k7-1234", error="m").save(picture, kind="png", scale=10)
    qr = await ptb.send_photo(lan.id, picture.getvalue(), caption="Mã: 1234")
    card = await ptb.send_message(
        group.id, "Chuyên đề", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Đăng ký", callback_data="r")]])
    )
    async with httpx.AsyncClient(transport=tg.transport(), base_url="http://fake-telegram") as client:
        scanned = await client.post(
            "/_control/scan", json={"user_id": hoa.id, "chat_id": lan.id, "message_id": qr.message_id}
        )
        assert scanned.json() == {
            "text": f"https://t.me/{tg.bot_username}?start=k7-1234",
            "opened": True,
            "chat_id": hoa.id,
        }
        assert hoa.private_chat.messages[-1].text == "/start k7-1234"
        photo = await client.get(f"/_control/files/{qr.photo[-1].file_id}")
        assert photo.content == picture.getvalue()
        assert (await client.get(f"/_control/files/{qr.photo[-1].file_id}/qr")).json() == {"qr": True}
        chart = await ptb.send_photo(lan.id, _plain_png(), caption="Biểu đồ")
        assert (await client.get(f"/_control/files/{chart.photo[-1].file_id}/qr")).json() == {"qr": False}
        assert (await client.get("/_control/files/nothing/qr")).status_code == 404

        tapped = await client.post("/_control/open_link", json={"user_id": lan.id, "url": "https://example.org/x"})
        assert tapped.json() == {"opened": False, "chat_id": None}

        hop = {"user_id": hoa.id, "chat_id": group.id, "message_id": card.message_id, "to_chat_id": hoa.id}
        forwarded = (await client.post("/_control/forward", json=hop)).json()
        assert forwarded["text"] == "Chuyên đề" and forwarded["forward_origin"]["type"] == "user"

        plan = base64.b64encode("Ngày,Giờ\n".encode()).decode()
        sent = await client.post(
            "/_control/send_document",
            json={"user_id": lan.id, "chat_id": lan.id, "filename": "kế hoạch.csv", "content_base64": plan},
        )
        download = await client.get(f"/_control/files/{sent.json()['document']['file_id']}")
        assert download.content == "Ngày,Giờ\n".encode()
        assert "k%E1%BA%BF%20ho%E1%BA%A1ch.csv" in download.headers["content-disposition"]

        press = {"user_id": hoa.id, "chat_id": group.id, "message_id": card.message_id, "button": "Đăng ký"}
        query_id = (await client.post("/_control/press", json=press)).json()["callback_query_id"]
        assert (await client.get(f"/_control/answers/{query_id}")).json() == {"answered": False}
        await ptb.answer_callback_query(query_id, "Đã đăng ký")
        answer = (await client.get(f"/_control/answers/{query_id}")).json()
        assert answer == {"answered": True, "text": "Đã đăng ký", "show_alert": False}


def _plain_png() -> bytes:
    """A picture with no QR code in it, as a chart is."""
    picture = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(picture, format="PNG")
    return picture.getvalue()
