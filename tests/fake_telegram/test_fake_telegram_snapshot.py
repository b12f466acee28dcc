"""A saved world loads back as the same world: what people and the bot see, and what comes next."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import segno
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bot.channels.telegram.fake import FakeTelegram
from bot.channels.telegram.fake.snapshot import load, save
from bot.channels.telegram.fake.world import World


def qr_png() -> bytes:
    buffer = io.BytesIO()
    segno.make("x").save(buffer, kind="png")
    return buffer.getvalue()


def histories(world: World) -> dict[int, list[dict[str, object]]]:
    return {chat_id: [m.to_json() for m in chat.messages] for chat_id, chat in world.chats.items()}


async def lived_in(tg: FakeTelegram, ptb: Bot) -> None:
    """Two people, a group with both and the bot, buttons, a reply, an edit, a photo and documents."""
    lan = tg.add_user("Lan", "Nguyễn", username="lan_ng")
    minh = tg.add_user("Minh", language_code="en")
    lan.send("/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đông", callback_data="east")]])
    await ptb.send_message(lan.id, "Chọn thôn", reply_markup=keyboard)
    lan.press(lan.private_chat.bot_messages[-1], "Đông")
    await ptb.edit_message_text("Đã chọn: Đông", chat_id=lan.id, message_id=lan.private_chat.messages[-1].message_id)
    lan.send_photo(qr_png(), caption="mã QR")
    lan.send_document("sổ.pdf", b"%PDF-1.4 tiny")
    await ptb.send_document(lan.id, InputFile(b"a,b\n1,2\n", filename="bảng.csv"))
    group = tg.add_group("Thôn Đông")
    group.add_member(lan)
    group.add_member(minh, by=lan)
    group.add_bot(lan)
    question = lan.send("Ai đi họp?", group)
    minh.reply(question, "Tôi")
    await ptb.send_message(group.id, "Nhắc họp", reply_markup=keyboard)
    minh.block_bot()
    tg.privacy_mode = True


async def test_a_restored_world_looks_and_behaves_the_same(tg: FakeTelegram, ptb: Bot, tmp_path: Path) -> None:
    await lived_in(tg, ptb)
    save(tg, tmp_path, extra={"clock_offset": 12.5})

    back = FakeTelegram()
    assert load(back, tmp_path) == {"clock_offset": 12.5}
    assert histories(back) == histories(tg)
    assert list(back.users) == list(tg.users) and list(back.chats) == list(tg.chats)
    assert back.privacy_mode and back.users[list(tg.users)[1]].blocked_bot
    assert back.last_update_id == tg.last_update_id and back.pending_updates == []

    # the objects hang together as the fake built them
    lan, minh = back.users.values()
    group = back.chats[next(iter(c for c in tg.chats if c < 0))]
    assert lan.private_chat is back.chats[lan.id] and lan.started
    assert group.members == {lan.id: "creator", minh.id: "member"} and group.bot_status == "member"
    reply = group.messages[-2]
    assert reply.sender is minh and reply.reply_to is group.message(reply.message_id - 1)
    assert group.messages[-1].sender is back.bot
    edited = lan.private_chat.message(2)
    assert edited is not None and (edited.edits, edited.text) == (1, "Đã chọn: Đông") and edited.edit_date

    # files download with the same bytes
    assert [f.file_path for f in back.files.by_id.values()] == [f.file_path for f in tg.files.by_id.values()]
    for file_id, stored in tg.files.by_id.items():
        assert back.files.by_id[file_id] == stored
        assert back.files.by_path[stored.file_path].content == stored.content
    assert next(m.photo for m in lan.private_chat.messages if m.photo) == qr_png()

    # life goes on without collisions
    query_id = lan.press(group.messages[-1], "Đông")
    assert query_id not in tg.callback_queries and back.callback_queries[query_id] is False
    [update] = back.pending_updates
    assert update["update_id"] == tg.last_update_id + 1 and update["callback_query"]["data"] == "east"
    assert lan.send("còn đó không?").message_id == len(tg.chats[lan.id].messages) + 1
    assert lan.send_document("mới.txt", b"new").document == ("mới.txt", b"new")
    assert list(back.files.by_path)[-1] == f"documents/file_{len(tg.files.by_id) + 1}.txt"
    assert back.add_user("Hoa").id == tg.add_user("Hoa").id  # what the original would have handed out next
    assert back.add_group("Thôn Tây").id == tg.add_group("Thôn Tây").id


async def test_saving_a_restored_world_again_changes_nothing(tg: FakeTelegram, ptb: Bot, tmp_path: Path) -> None:
    await lived_in(tg, ptb)
    save(tg, tmp_path / "first", extra={"n": 1})
    back = FakeTelegram()
    load(back, tmp_path / "first")
    save(back, tmp_path / "second", extra={"n": 1})
    first, second = (tmp_path / name / "world.json" for name in ("first", "second"))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert "Nhắc họp" in first.read_text(encoding="utf-8")  # ensure_ascii=False
    assert sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*")) == sorted(
        p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*")
    )


def test_files_already_on_disk_are_not_rewritten(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.add_user("Lan").send_photo(qr_png())
    save(tg, tmp_path)
    photo = tmp_path / "files" / "photos" / "file_1.jpg"
    written = photo.stat().st_mtime_ns
    tg.users[1001].send("thêm")
    save(tg, tmp_path)
    assert photo.stat().st_mtime_ns == written and photo.read_bytes() == qr_png()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["world.json"]  # no temporaries left


def test_an_empty_folder_holds_no_snapshot(tmp_path: Path) -> None:
    world = FakeTelegram()
    assert load(world, tmp_path) is None
    assert load(world, tmp_path / "never-created") is None
    assert world.users == {} and world.chats == {}


def test_another_bots_snapshot_is_refused(tmp_path: Path) -> None:
    tg = FakeTelegram()
    tg.add_user("Lan").send("/start")
    save(tg, tmp_path)
    other = FakeTelegram(token="654321:AAH-another-bot")
    with pytest.raises(ValueError, match=r"bot id 123456.*bot 654321"):
        load(other, tmp_path)
    assert other.users == {}


def test_a_world_already_in_use_is_refused(tmp_path: Path) -> None:
    tg = FakeTelegram()
    tg.add_user("Lan")
    save(tg, tmp_path)
    busy = FakeTelegram()
    busy.add_user("Minh")
    with pytest.raises(ValueError, match="freshly built"):
        load(busy, tmp_path)
    assert json.loads((tmp_path / "world.json").read_text(encoding="utf-8"))["extra"] == {}
