"""The sandbox without a browser: its cast and demo week, fast-forward to the next event, a restart
that carries on where it stopped, and `--fresh`'s empty center."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

import bot.channels.sandbox as sandbox
from bot.config import Settings


@asynccontextmanager
async def running(folder: Path, *, fresh: bool = False) -> AsyncIterator[httpx.AsyncClient]:
    """`loalang sandbox` in this process, until the block ends (as Ctrl-C would end it)."""
    stop, started = asyncio.Event(), asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        sandbox.run(
            Settings(_env_file=None),  # type: ignore[call-arg]
            folder=folder,
            fresh=fresh,
            port=0,
            ready=started.set_result,
            stop=stop,
        )
    )
    done, _ = await asyncio.wait({task, started}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    assert started in done, task.result() if task.done() else "the sandbox did not start in a minute"
    try:
        async with httpx.AsyncClient(base_url=started.result(), timeout=10) as client:
            yield client
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 15) -> Any:  # noqa: ASYNC109
    """Poll until `check()` gives something truthy."""
    deadline = time.monotonic() + timeout
    while not (found := await check()):
        assert time.monotonic() < deadline, "timed out waiting for the sandbox"
        await asyncio.sleep(0.05)
    return found


async def texts(client: httpx.AsyncClient, chat_id: int, *, zalo: bool = False) -> list[str]:
    path = f"/_control/{'zalo/' if zalo else ''}chats/{chat_id}/messages"
    return [m.get("text") or m.get("caption") or "" for m in (await client.get(path)).json()]


async def test_the_demo_week_is_announced_and_fast_forward_delivers_the_next_reminder(tmp_path: Path) -> None:
    async with running(tmp_path / "sandbox") as client:
        cast = (await client.get("/_control/sandbox", params={"lang": "vi"})).json()
        titles = [(c["title"], c["subtitle"]) for c in cast["chats"]]
        assert titles == [
            ("Phạm Văn Hùng", "Giám đốc"),
            ("Đinh Thị Thu", "Cán bộ Trung tâm"),
            ("Nguyễn Văn Thắng", "Trưởng thôn: Thôn Thượng"),
            ("Trần Thị Hoa", "Trưởng thôn: Thôn Trung"),
            ("Bùi Thị Lan", "Người dân"),
            ("Lê Văn Tâm", "Người dân"),
            ("Vũ Thị Mai", "Người dân mới: chưa dùng Loa Làng lần nào"),
            ("Xã Thanh Bình", "Nhóm chung của xã"),
            ("Thôn Thượng", "Nhóm thôn: Thôn Thượng"),
            ("Thôn Trung", "Nhóm thôn: Thôn Trung"),
            ("Lò Thị Sen", "Người dân mới trên Zalo: chưa nhắn tin cho Loa Làng lần nào"),
            ("Đỗ Văn Bình", "Trưởng thôn trên Zalo: Thôn Hạ"),
        ]
        assert "Vũ Thị Mai" in cast["hint"]
        rebound = await client.get("/_control/sandbox", headers={"host": "evil.example"})
        assert rebound.status_code == 400  # another site's name pointed at 127.0.0.1 reads nothing
        form = await client.post("/_control/send", content=b"text=hi", headers={"content-type": "text/plain"})
        assert form.status_code == 415  # a page elsewhere cannot post here without a CORS preflight
        english = (await client.get("/_control/sandbox", params={"lang": "en"})).json()
        assert english["labels"]["fast_forward"] == "⏩ Jump to the next event"

        binh = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Đỗ Văn Bình")
        pasted = await until(lambda: _cards(client, binh, 5, zalo=True))  # to paste in Thôn Hạ's Zalo group
        assert "Để đăng ký qua Zalo, nhắn cho Loa Làng:\nDK " in pasted[0]
        sen = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Lò Thị Sen")
        await client.post("/_control/zalo/send", json={"chat_id": sen, "text": "Chào cháu"})
        notice = await until(lambda: _new(client, sen, 1, zalo=True))
        assert notice[-1].endswith("1. ✅ Đồng ý\n2. English")

        village = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Thôn Thượng")
        cards = await until(lambda: _cards(client, village, 5))
        assert cards[0].startswith("📢 Chuyên đề: Khái niệm và các loại AI")
        clock = (await client.get("/_control/clock", params={"lang": "vi"})).json()
        today = datetime.fromisoformat(clock["now"])
        assert "Thứ" in clock["shown"]

        lan = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Bùi Thị Lan")
        before = len(await texts(client, lan))
        while clock["next"] is not None and not clock["next"]["what"].startswith("nhắc lịch"):
            clock = (await client.post("/_control/clock/next", params={"lang": "vi"}, json={})).json()
        assert (
            clock["next"]["what"]
            == "nhắc lịch: Chuyên đề: Khái niệm và các loại AI, ứng dụng AI trong các lĩnh vực đời sống và công việc"
        )
        moved = (await client.post("/_control/clock/next", params={"lang": "vi"}, json={})).json()
        assert datetime.fromisoformat(moved["now"]) >= datetime.fromisoformat(clock["next"]["at"]) > today
        reminder = await until(lambda: _new(client, lan, before), timeout=45)  # paced behind the groups' own
        assert "Khái niệm và các loại AI" in reminder[-1]


async def test_a_restart_carries_on_and_fresh_starts_an_empty_center(tmp_path: Path) -> None:
    folder = tmp_path / "sandbox"
    async with running(folder) as client:
        cast = (await client.get("/_control/sandbox")).json()
        mai = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Vũ Thị Mai")
        await client.post("/_control/send", json={"user_id": mai, "text": "/start"})
        notice = await until(lambda: _new(client, mai, 1))
        sen = next(c["chat_id"] for c in cast["chats"] if c["title"] == "Lò Thị Sen")
        await client.post("/_control/zalo/send", json={"chat_id": sen, "text": "Xin chào"})
        zalo_notice = await until(lambda: _new(client, sen, 1, zalo=True))
        jumped = (await client.post("/_control/clock/next", json={})).json()

    async with running(folder) as client:
        assert (await client.get("/_control/sandbox")).json()["chats"] == cast["chats"]
        assert (await texts(client, mai))[:2] == ["/start", notice[-1]]
        assert (await texts(client, sen, zalo=True))[:2] == ["Xin chào", zalo_notice[-1]]
        await client.post("/_control/zalo/send", json={"chat_id": sen, "text": "Đồng ý"})
        assert (await until(lambda: _new(client, sen, 4, zalo=True)))[
            -1
        ] == "Xin cho biết họ và tên, ví dụ: Nguyễn Thị Lan."
        clock = (await client.get("/_control/clock")).json()
        assert datetime.fromisoformat(clock["now"]) >= datetime.fromisoformat(jumped["now"])  # time kept its jump
        messages = (await client.get(f"/_control/chats/{mai}/messages")).json()
        agree = {"user_id": mai, "chat_id": mai, "message_id": messages[1]["message_id"], "button": "✅ Đồng ý"}
        assert (await client.post("/_control/press", json=agree)).status_code == 200
        await until(lambda: _new(client, mai, 2))  # the bot still knows her and goes on with her profile

    (folder / "notes.txt").write_text("the trainer's own file")
    async with running(folder, fresh=True) as client:
        cast = (await client.get("/_control/sandbox", params={"lang": "en"})).json()
        assert cast["hint"].startswith("An empty center. To claim it, the director sends Loa Làng:\n/start ")
        director = cast["chats"][0]["chat_id"]
        claim = cast["hint"].split("/start ")[1].split()[0]
        for chat in cast["chats"]:
            if chat["kind"] == "group":
                assert not any(t.startswith("📢") for t in await texts(client, chat["chat_id"]))
        await client.post("/_control/send", json={"user_id": director, "text": f"/start {claim}"})
        answer = await until(lambda: _new(client, director, 1))
        assert "Trung tâm học tập cộng đồng xã Thanh Bình" in answer[-1]
        clock = (await client.get("/_control/clock", params={"lang": "en"})).json()
        assert clock["next"] is None
        assert clock["hint"] == cast["hint"]  # the clock, polled, carries the hint: nothing agreed yet, no step made
    assert (folder / "notes.txt").read_text() == "the trainer's own file"  # --fresh removes only its own files


async def _cards(client: httpx.AsyncClient, chat_id: int, count: int, *, zalo: bool = False) -> list[str] | None:
    found = [t for t in await texts(client, chat_id, zalo=zalo) if t.startswith("📢")]
    return found if len(found) >= count else None


async def _new(client: httpx.AsyncClient, chat_id: int, seen: int, *, zalo: bool = False) -> list[str] | None:
    found = await texts(client, chat_id, zalo=zalo)
    return found if len(found) > seen else None
