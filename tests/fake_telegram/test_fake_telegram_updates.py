"""Updates: long polling and offsets, and the updates people's actions produce, as PTB parses them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from telegram import (
    Bot,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.error import ChatMigrated, Conflict, Forbidden
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.channels.telegram.fake import FakeTelegram


async def test_offsets_confirm_and_drop_updates(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    for text in ("một", "hai", "ba"):
        lan.send(text)
    first = await ptb.get_updates()
    assert [u.message.text for u in first if u.message] == ["một", "hai", "ba"]
    again = await ptb.get_updates(limit=2)  # nothing confirmed yet: the same updates again
    assert [u.update_id for u in again] == [u.update_id for u in first[:2]]
    rest = await ptb.get_updates(offset=first[1].update_id + 1)
    assert [u.update_id for u in rest] == [first[2].update_id]
    assert await ptb.get_updates(offset=first[2].update_id + 1) == ()
    assert tg.pending_updates == [] and tg.last_update_id == first[2].update_id
    lan.send("bốn")
    lan.send("năm")
    newest = await ptb.get_updates(offset=-1)
    assert [u.message.text for u in newest if u.message] == ["năm"]


async def test_long_poll_waits_for_an_update_or_times_out(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    poll = asyncio.create_task(ptb.get_updates(timeout=5))
    await tg.wait_for(lambda: tg.waiting_polls == 1)
    started = time.monotonic()
    lan.send("có ai không?")
    updates = await poll
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["có ai không?"]
    started = time.monotonic()
    assert await ptb.get_updates(offset=updates[0].update_id + 1, timeout=timedelta(seconds=0.2)) == ()
    assert 0.15 < time.monotonic() - started < 2


async def test_newer_poll_ends_older_with_conflict(ptb: Bot, tg: FakeTelegram, make_bot: Callable[[], Bot]) -> None:
    older = asyncio.create_task(ptb.get_updates(timeout=5))
    await tg.wait_for(lambda: tg.waiting_polls == 1)
    async with make_bot() as second:
        newer = asyncio.create_task(second.get_updates(timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await older
        tg.add_user("Lan").send("hi")
        assert len(await newer) == 1


async def test_webhook_blocks_polling(ptb: Bot, tg: FakeTelegram) -> None:
    tg.add_user("Lan").send("hi")
    await ptb.set_webhook("https://loalang.example/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await ptb.get_updates()
    assert (await ptb.get_webhook_info()).pending_update_count == 1
    await ptb.delete_webhook(drop_pending_updates=True)
    assert await ptb.get_updates() == ()


async def test_allowed_updates_filter(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    sent = await ptb.send_message(
        lan.id, "?", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    )
    lan.press(lan.private_chat.message(sent.message_id), "yes")  # type: ignore[arg-type]
    updates = await ptb.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["yes"]
    assert len(updates) == 1


async def test_application_polls_and_handles_buttons(tg: FakeTelegram) -> None:
    transport = tg.transport()
    app = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .request(HTTPXRequest(httpx_kwargs={"transport": transport}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": transport}))
        .build()
    )

    async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Thôn Đông", callback_data="village:1"),
                    InlineKeyboardButton("Thôn Tây", callback_data="village:2"),
                ]
            ]
        )
        await update.message.reply_text(
            f"Chào {update.message.from_user.first_name}! Bạn ở thôn nào?",  # type: ignore[union-attr]
            reply_markup=markup,
        )

    async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Đã lưu")
        await query.edit_message_text(f"Đã chọn {query.data}")

    app.add_handler(MessageHandler(filters.TEXT, greet))
    app.add_handler(CallbackQueryHandler(choose))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        try:
            lan = tg.add_user("Lan", "Nguyễn")
            lan.send("/start")
            chat = lan.private_chat
            await tg.wait_for(lambda: len(chat.bot_messages) == 1)
            question = chat.bot_messages[0]
            assert question.text == "Chào Lan! Bạn ở thôn nào?"
            assert question.buttons == ["Thôn Đông", "Thôn Tây"]
            with pytest.raises(AssertionError, match="available: 'Thôn Đông'"):
                lan.press(question, "Thôn Bắc")
            query_id = lan.press(question, "Thôn Tây")
            await tg.wait_for(lambda: question.edits == 1)
            assert (question.text, question.buttons) == ("Đã chọn village:2", [])
            assert tg.callback_answers[query_id] == {"callback_query_id": query_id, "text": "Đã lưu"}
        finally:
            await app.updater.stop()
            await app.stop()
    assert tg.pending_updates == []  # the updater confirmed everything on the way out


async def test_block_and_unblock(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    lan.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb.send_message(lan.id, "còn đó không?")
    lan.unblock_bot()
    await ptb.send_message(lan.id, "chào lại")
    _, blocked, unblocked = await ptb.get_updates()
    assert blocked.my_chat_member is not None and unblocked.my_chat_member is not None
    assert blocked.my_chat_member.chat.id == lan.id and blocked.my_chat_member.from_user.id == lan.id
    assert isinstance(blocked.my_chat_member.old_chat_member, ChatMemberMember)
    assert isinstance(blocked.my_chat_member.new_chat_member, ChatMemberBanned)
    assert isinstance(unblocked.my_chat_member.new_chat_member, ChatMemberMember)


async def test_add_and_remove_bot_in_a_group(ptb: Bot, tg: FakeTelegram) -> None:
    lan, minh = tg.add_user("Lan"), tg.add_user("Minh")
    group = tg.add_group("Thôn Đông")
    minh.send("tin trước khi có bot", group)  # the bot is not there: no update
    group.add_bot(by=lan)
    command = lan.send("/help@loalang_bot", group)
    added, joined, help_update = await ptb.get_updates()
    assert added.my_chat_member is not None
    assert isinstance(added.my_chat_member.old_chat_member, ChatMemberLeft)
    assert isinstance(added.my_chat_member.new_chat_member, ChatMemberMember)
    assert added.my_chat_member.from_user.id == lan.id and added.my_chat_member.chat.title == "Thôn Đông"
    assert joined.message is not None and [u.id for u in joined.message.new_chat_members] == [tg.bot_id]
    assert help_update.message is not None
    assert help_update.message.parse_entities() == {help_update.message.entities[0]: "/help@loalang_bot"}
    assert command.message_id == help_update.message.message_id
    await ptb.send_message(group.id, "Chào cả thôn")
    assert [m.text for m in group.bot_messages] == ["Chào cả thôn"]
    group.remove_bot(by=lan)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await ptb.send_message(group.id, "còn ai không?")
    removed = (await ptb.get_updates(offset=help_update.update_id + 1))[0].my_chat_member
    assert removed is not None and isinstance(removed.new_chat_member, ChatMemberLeft)


async def test_migration_to_supergroup(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    group = tg.add_group("Thôn Tây")
    group.add_bot(by=lan)
    supergroup = group.migrate_to_supergroup()
    assert supergroup.type == "supergroup" and str(supergroup.id).startswith("-100")
    updates = await ptb.get_updates()
    old_side, new_side = (u.message for u in updates[-2:])
    assert old_side is not None and new_side is not None
    assert (old_side.chat.id, old_side.migrate_to_chat_id) == (group.id, supergroup.id)
    assert (new_side.chat.id, new_side.migrate_from_chat_id) == (supergroup.id, group.id)
    with pytest.raises(ChatMigrated) as moved:
        await ptb.send_message(group.id, "ở đâu rồi?")
    assert moved.value.new_chat_id == supergroup.id
    await ptb.send_message(supergroup.id, "ở đây")
    assert tg.chat(supergroup.id).bot_messages[-1].text == "ở đây"


async def test_forwards_carry_their_origin(ptb: Bot, tg: FakeTelegram) -> None:
    lan, hoa = tg.add_user("Lan"), tg.add_user("Hoa", "Trần")
    group = tg.add_group("Thôn Bắc")
    original = hoa.send("Số điện thoại của tôi", group)
    lan.forward(original)
    lan.forward(original, hidden=True)
    visible, hidden = (u.message for u in await ptb.get_updates())
    assert visible is not None and hidden is not None
    assert isinstance(visible.forward_origin, MessageOriginUser)
    assert visible.forward_origin.sender_user.id == hoa.id
    assert visible.text == "Số điện thoại của tôi" and visible.from_user.id == lan.id  # type: ignore[union-attr]
    assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "Hoa Trần"


async def test_privacy_mode_hides_group_chatter(ptb: Bot, tg: FakeTelegram) -> None:
    tg.privacy_mode = True
    lan = tg.add_user("Lan")
    group = tg.add_group("Thôn Đông")
    group.add_bot(by=lan)
    lan.send("chuyện phiếm", group)
    lan.send("/help@other_bot", group)
    lan.send("/help", group)
    texts = [u.message.text for u in await ptb.get_updates() if u.message and u.message.text]
    assert texts == ["/help"]
    assert ptb.can_read_all_group_messages is True  # cached by initialize before the switch


async def test_a_forward_keeps_link_buttons_and_drops_callback_buttons(ptb: Bot, tg: FakeTelegram) -> None:
    lan = tg.add_user("Lan")
    lan.send("/start")
    group = tg.add_group("Hội phụ nữ")
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Đăng ký", url=f"https://t.me/{tg.bot.username}?start=a1-v2")],
            [InlineKeyboardButton("Không đến được", callback_data="/unregister 1")],
        ]
    )
    await ptb.send_message(lan.id, "Thẻ", reply_markup=keyboard)
    card = lan.private_chat.bot_messages[-1]
    forwarded = lan.forward(card, group)
    assert forwarded.buttons == ["Đăng ký"]
    hoa = tg.add_user("Hoa")
    opened = hoa.follow(forwarded, "Đăng ký")
    assert opened is not None and opened.text == "/start a1-v2" and opened.chat_id == hoa.id
    question = InlineKeyboardMarkup([[InlineKeyboardButton("Nữ", callback_data="female")]])
    await ptb.send_message(lan.id, "Giới tính?", reply_markup=question)
    asked = lan.forward(lan.private_chat.bot_messages[-1], group)
    assert asked.buttons == [] and "reply_markup" not in asked.to_json()
    with pytest.raises(AssertionError, match="no link button"):
        hoa.follow(forwarded, "Không đến được")
