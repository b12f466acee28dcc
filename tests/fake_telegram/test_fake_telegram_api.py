"""The fake answers a real python-telegram-bot `Bot` the way Telegram does."""

from __future__ import annotations

import json
import struct
import zlib

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
)
from telegram.error import BadRequest, Forbidden, InvalidToken
from telegram.request import HTTPXRequest

from bot.channels.telegram.fake import FakeTelegram


def png(width: int = 3, height: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]])


async def test_get_me_satisfies_initialize(ptb: Bot, tg: FakeTelegram) -> None:
    assert ptb.id == tg.bot_id == 123456
    assert ptb.username == "loalang_bot"
    assert ptb.first_name == "Loa Làng"
    assert ptb.can_join_groups is True
    assert ptb.can_read_all_group_messages is True
    assert ptb.supports_inline_queries is False
    assert tg.calls[0].method == "getMe" and tg.calls[0].status == 200


async def test_send_message_with_inline_keyboard(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan", "Nguyễn")
    lan.send("/start")
    sent = await ptb.send_message(lan.id, "Chọn thôn", reply_markup=keyboard("Đông", "Tây"))
    assert sent.chat.id == lan.id and sent.from_user is not None and sent.from_user.id == tg.bot_id
    assert sent.reply_markup == keyboard("Đông", "Tây")
    stored = lan.private_chat.bot_messages[-1]
    assert (stored.message_id, stored.text, stored.buttons) == (sent.message_id, "Chọn thôn", ["Đông", "Tây"])
    assert tg.calls[-1].params == {
        "chat_id": lan.id,
        "text": "Chọn thôn",
        "reply_markup": {
            "inline_keyboard": [[{"text": "Đông", "callback_data": "đông"}, {"text": "Tây", "callback_data": "tây"}]]
        },
    }


async def test_html_is_stored_as_text_and_entities(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("hi")
    sent = await ptb.send_message(lan.id, "  <b>Thôn</b> &amp; <i>xã</i>\n", parse_mode="HTML")
    assert sent.text == "Thôn & xã"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4), ("italic", 7, 2)]
    with pytest.raises(BadRequest, match="parse entities"):
        await ptb.send_message(lan.id, "<b>open", parse_mode="HTML")


async def test_bot_cannot_write_first_and_unknown_chats_are_not_found(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await ptb.send_message(lan.id, "xin chào")
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb.send_message(999, "xin chào")
    lan.send("chào bot")
    await ptb.send_message(lan.id, "xin chào")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await ptb.send_message(lan.id, "  ")


async def test_edits_apply_and_refuse_no_change(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    sent = await ptb.send_message(lan.id, "Câu hỏi", reply_markup=keyboard("Có", "Không"))
    edited = await ptb.edit_message_text("Câu hỏi (đã trả lời)", lan.id, sent.message_id, reply_markup=keyboard("Sửa"))
    assert edited.edit_date is not None
    stored = lan.private_chat.message(sent.message_id)
    assert stored is not None
    assert (stored.text, stored.buttons, stored.edits) == ("Câu hỏi (đã trả lời)", ["Sửa"], 1)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_text("Câu hỏi (đã trả lời)", lan.id, sent.message_id, reply_markup=keyboard("Sửa"))
    await ptb.edit_message_reply_markup(lan.id, sent.message_id, reply_markup=None)
    assert (stored.buttons, stored.edits) == ([], 2)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb.edit_message_reply_markup(lan.id, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb.edit_message_text("?", lan.id, 4242)
    with pytest.raises(BadRequest, match="can't be edited"):
        await ptb.edit_message_text("?", lan.id, 1)  # Lan's own /start


async def test_photo_and_document_uploads(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    photo = await ptb.send_photo(lan.id, InputFile(png(), filename="qr.png"), caption="Mã QR")
    assert photo.caption == "Mã QR"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    document = await ptb.send_document(
        lan.id, InputFile(b"a,b\n1,2\n", filename="danh-sach.csv"), caption="Danh sách", reply_markup=keyboard("OK")
    )
    assert document.document is not None and document.document.file_name == "danh-sach.csv"
    assert document.document.mime_type == "text/csv"
    photo_msg, document_msg = lan.private_chat.bot_messages
    assert (photo_msg.photo, photo_msg.text) == (png(), "Mã QR")
    assert document_msg.document == ("danh-sach.csv", b"a,b\n1,2\n")
    assert document_msg.buttons == ["OK"]
    assert "photo" in tg.calls_to("sendPhoto")[0].params
    resent = await ptb.send_photo(lan.id, photo.photo[-1].file_id)  # by file_id, no upload
    assert resent.photo[-1].file_id == photo.photo[-1].file_id
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await ptb.send_photo(lan.id, InputFile(b"not an image", filename="x.png"))


async def test_user_document_can_be_downloaded(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    sent = lan.send_document("hoc-vien.xlsx", b"PK\x03\x04 spreadsheet", caption="/import")
    update = (await ptb.get_updates())[0]
    assert update.message is not None and update.message.document is not None
    assert update.message.caption == "/import" and update.message.message_id == sent.message_id
    file = await ptb.get_file(update.message.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(tg.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"PK\x03\x04 spreadsheet"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await ptb.get_file("nope")


async def test_unknown_parameters_are_refused(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    with pytest.raises(BadRequest, match="nexpected parameter 'colour'"):
        await ptb.send_message(lan.id, "x", api_kwargs={"colour": "red"})
    # Python-only spellings still work: PTB turns them into the API's parameters.
    first = await ptb.send_message(lan.id, "một", disable_web_page_preview=True)
    await ptb.send_message(lan.id, "hai", reply_to_message_id=first.message_id)
    assert tg.calls[-1].params["reply_parameters"] == {"message_id": first.message_id}
    assert lan.private_chat.bot_messages[-1].reply_to is lan.private_chat.bot_messages[-2]


async def test_unknown_method_and_wrong_token(ptb: Bot, tg: FakeTelegram) -> None:
    async with httpx.AsyncClient(transport=tg.transport()) as client:
        response = await client.post(f"{tg.base_url}{tg.token}/sendTelepathy", data={"chat_id": "1"})
        assert (response.status_code, response.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        response = await client.get(f"{tg.base_url}{tg.token}/GETME")  # names are case-insensitive
        assert response.json()["result"]["username"] == "loalang_bot"
        response = await client.post(f"{tg.base_url}{tg.token}/sendMessage", json={"chat_id": 5, "text": "x"})
        assert response.json()["description"] == "Bad Request: chat not found"


async def test_set_my_commands_store(ptb: Bot, tg: FakeTelegram) -> None:
    group = tg.add_group("Thôn Đông")
    group.add_bot(by=tg.add_user("Lan"))
    await ptb.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
    await ptb.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeAllGroupChats(), language_code="en")
    await ptb.set_my_commands([BotCommand("report", "Báo cáo")], scope=BotCommandScopeChat(group.id))
    assert tg.commands[('{"type":"default"}', "")] == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "help", "description": "Trợ giúp"},
    ]
    assert tg.commands[('{"type":"all_group_chats"}', "en")] == [{"command": "help", "description": "Help"}]
    assert (f'{{"chat_id":{group.id},"type":"chat"}}', "") in tg.commands
    mine = await ptb.get_my_commands(scope=BotCommandScopeAllGroupChats(), language_code="en")
    assert mine == (BotCommand("help", "Help"),)
    await ptb.delete_my_commands(scope=BotCommandScopeAllGroupChats(), language_code="en")
    assert await ptb.get_my_commands(scope=BotCommandScopeAllGroupChats(), language_code="en") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await ptb.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_get_chat_and_members(ptb: Bot, tg: FakeTelegram) -> None:
    lan, minh = tg.add_user("Lan"), tg.add_user("Minh", username="minh")
    group = tg.add_group("Thôn Đông")
    group.add_member(lan)
    group.add_bot(by=lan)
    group.add_member(minh)
    info = await ptb.get_chat(group.id)
    assert (info.id, info.type, info.title) == (group.id, "group", "Thôn Đông")
    private = await ptb.get_chat(minh.id)
    assert (private.type, private.username) == ("private", "minh")
    assert isinstance(await ptb.get_chat_member(group.id, lan.id), ChatMemberOwner)
    assert isinstance(await ptb.get_chat_member(group.id, minh.id), ChatMemberMember)
    assert isinstance(await ptb.get_chat_member(group.id, tg.bot_id), ChatMemberMember)
    outsider = tg.add_user("Hoa")
    assert isinstance(await ptb.get_chat_member(group.id, outsider.id), ChatMemberLeft)
    minh.send("/start")
    minh.block_bot()
    assert isinstance(await ptb.get_chat_member(minh.id, tg.bot_id), ChatMemberBanned)
    with pytest.raises(BadRequest, match="User not found"):
        await ptb.get_chat_member(group.id, 77)


async def test_wrong_token_is_invalid(tg: FakeTelegram) -> None:
    transport = {"transport": tg.transport()}
    impostor = Bot("654321:wrong", base_url=tg.base_url, request=HTTPXRequest(httpx_kwargs=transport))
    with pytest.raises(InvalidToken):
        await impostor.initialize()
    await impostor.shutdown()
    assert tg.calls[-1].status == 401


async def test_webhook_methods(ptb: Bot, tg: FakeTelegram) -> None:
    assert (await ptb.get_webhook_info()).url == ""
    await ptb.set_webhook("https://loalang.example/hook", secret_token="s3cret", max_connections=5)
    info = await ptb.get_webhook_info()
    assert (info.url, info.max_connections, info.pending_update_count) == ("https://loalang.example/hook", 5, 0)
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await ptb.set_webhook("http://insecure.example/hook")
    assert await ptb.delete_webhook()
    assert json.loads(json.dumps(tg.webhook)) == {}


async def test_wait_for_fails_clearly(tg: FakeTelegram) -> None:
    with pytest.raises(AssertionError, match=r"timed out after 0.05s waiting for .*tg.users"):
        await tg.wait_for(lambda: bool(tg.users), timeout=0.05)
