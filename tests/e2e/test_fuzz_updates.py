"""Hostile and odd input, generated: hypothesis throws batches of updates at the real Application through
the fake Bot API (any text, commands with junk arguments, real and forged button presses, wrong and
corrupt files, photos, typed codes, update kinds the bot does not handle) and checks what must always
hold: nothing fails, an English reader gets no Vietnamese, and the database keeps its invariants (no
registrations beyond capacity, no attendance without its session, session tallies equal to their rows).

Zalo's people are in every batch too: a resident and a newcomer typing anything, numbers, commands without
their slash, stickers, pictures and what Zalo cannot show a bot; Zalo must refuse nothing the bot sends.

The run checks that the bot handled at least 2,000 generated updates (clock moves, presses with nothing to
press and update kinds the bot never asked for do not count)."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import segno
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeMessage, FakeTelegram, FakeUser
from bot.channels.zalo.fake import FakeZalo, FakeZaloUser
from bot.config import Settings
from bot.i18n import Translator
from bot.models import (
    Account,
    Activity,
    ActivitySession,
    Attendance,
    Delivery,
    Gender,
    Person,
    Registration,
    RegistrationStatus,
)
from bot.services import outbox
from bot.services.people import HAS_ACCOUNT
from handlers import build_registry
from tests.conftest import PUBLIC, Bot, Clock
from tests.journeys import commune, onboard, publish

EXAMPLES = 25
UPDATES = 120  # actions per example; together the examples must hand the bot at least 2,000 updates
COMMANDS = sorted(build_registry().commands)
NASTY = [
    "' OR 1=1; DROP TABLE person; --",
    "\u202eđảo ngược\u202c",
    "\x00\x01\x07\x1b[31m",
    "👩‍🌾" * 500,
    "A" * 4096,
    "/start " + "a" * 60,
    "/register 99999999999999999999",
    "/checkin -1",
    "/answer profile_name " + "x" * 300,
    "#1",
    "/erase #1 yes",
    "<b>bold</b> &amp; *markdown* _x_",
    "tro giup",
    "đồng ý",
    "0000",
    "\n\n\n",
]


def _english_starts() -> list[str]:
    """How each English message with a Vietnamese translation begins (up to its first field)."""
    with (Path(__file__).parents[2] / "locales" / "messages.pot").open("rb") as template:
        ids = [m.id for m in read_po(template) if isinstance(m.id, str)]
    vi = Translator("vi")
    return sorted({i.split("{")[0] for i in ids if len(i.split("{")[0]) >= 15 and vi.gettext(i) != i})


ENGLISH_STARTS = _english_starts()
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
FILE_NAMES = ["ke-hoach.xlsx", "plan.csv", "x.exe"]
RAW_KINDS = ["edited_message", "channel_post", "message_reaction", "inline_query", "poll", "chat_join_request"]
SWITCHED = "Done: I will speak English with you from now on."
APOLOGIES = ("Sorry, something went wrong", "Xin lỗi, hệ thống vừa gặp trục trặc")

texts = st.one_of(st.text(min_size=1, max_size=200), st.sampled_from(NASTY))  # Telegram sends no empty text
people = st.sampled_from(["lan", "ken", "stranger", "director"])
zalo_people = st.sampled_from(["mai", "visitor"])  # on Zalo: a resident who agreed, and someone new
actions = st.one_of(
    st.tuples(st.just("text"), people, st.booleans(), texts),
    st.tuples(st.just("command"), people, st.booleans(), st.sampled_from(COMMANDS), texts),
    st.tuples(st.just("press"), people, st.integers(0, 50)),
    st.tuples(st.just("forge"), people, st.one_of(texts, st.sampled_from(COMMANDS).map(lambda c: f"/{c} 1"))),
    st.tuples(st.just("file"), people, st.sampled_from(FILE_NAMES), st.binary(max_size=3000)),
    st.tuples(st.just("photo"), people),
    st.tuples(st.just("code"), people, st.from_regex(r"\A\d{4}\Z")),
    st.tuples(st.just("raw"), st.sampled_from(RAW_KINDS)),
    st.tuples(st.just("clock"), st.integers(0, 40)),
    st.tuples(st.just("zalo"), zalo_people, st.one_of(texts, st.sampled_from(COMMANDS), st.from_regex(r"\A\d{1,2}\Z"))),
    st.tuples(st.just("zalo_odd"), zalo_people, st.sampled_from(["sticker", "image", "unsupported"]), texts),
)  # fmt: skip


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_thousands_of_generated_updates_break_nothing(migrated_database: Path) -> None:
    handled: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),  # the same batches in CI; FUZZ_RANDOM=1 explores new ones
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.lists(actions, min_size=UPDATES, max_size=UPDATES))
    def throw(batch: list[tuple[Any, ...]]) -> None:
        handled.append(asyncio.run(_throw(migrated_database, batch)))

    throw()
    print(f"{sum(handled)} generated updates handled in {len(handled)} batches")
    assert sum(handled) >= 2000, f"only {sum(handled)} generated updates reached the bot"


async def _throw(template: Path, batch: list[tuple[Any, ...]]) -> int:
    """Run one batch against a fresh bot; returns how many of its updates reached the bot."""
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    folder = Path(tempfile.mkdtemp())
    clock = Clock(datetime(2025, 10, 6, 6, 10, tzinfo=UTC))  # 13:10 in Vietnam: check-in is open
    fake = FakeTelegram(clock=clock)
    zalo = FakeZalo(clock=clock)
    shutil.copyfile(template, folder / "loalang.db")
    bot = Bot(
        Settings(
            bot_token=fake.token,
            bot_api_base_url=fake.base_url,
            zalo_bot_token=zalo.token,
            zalo_api_base_url=zalo.base_url,
            public_base_url=PUBLIC,
            database_url=f"sqlite+aiosqlite:///{folder / 'loalang.db'}",
            flood_per_minute=100_000,  # the flood guard would set most of a fast batch aside unread
            _env_file=None,  # type: ignore[call-arg]
        ),
        fake,
        clock,
        zalo=zalo,
    )
    await bot.start()
    try:
        place = await commune(bot, fake)
        await publish(bot, place, start="06/10/2025 13:30", capacity=2)
        await publish(bot, place, "Lớp tin học", start="08/10/2025 08:00", capacity=1)
        cast = {"director": place.director, "stranger": fake.add_user("Khách"), "lan": fake.add_user("Lan")}
        cast["ken"] = fake.add_user("Ken", language_code="en")
        await onboard(bot, cast["lan"])
        await onboard(bot, cast["ken"], name="Ken Nguyen", gender="male", village="Thôn Tây")
        on_zalo = {"mai": zalo.add_user("Mai"), "visitor": zalo.add_user("Khách Zalo")}
        for answer in ("Xin chào", "Đồng ý", "Trần Thị Mai", "1980", "1"):
            on_zalo["mai"].send(answer)
            await bot.settle()
        await bot.say(place.director, "/checkin 1")
        group = place.groups["Thôn Đông"]
        handled = 0
        real = bot.app.dispatcher.handle  # type: ignore[union-attr]

        async def counted(incoming: Any) -> Any:
            nonlocal handled
            handled += 1
            return await real(incoming)

        bot.app.dispatcher.handle = counted  # type: ignore[method-assign, union-attr]
        for action in batch:
            if action[0] in ("zalo", "zalo_odd"):
                await _on_zalo(bot, on_zalo[action[1]], action)
            else:
                await _act(bot, fake, cast, group, action)
        await bot.settle()
        await bot.deliver()
        said = [text for kind, *rest in batch for text in rest if isinstance(text, str)]
        _no_failures(fake, errors)
        _zalo_took_everything(zalo)
        _english_for_ken(cast["ken"], said)
        _vietnamese_for_lan(cast["lan"])
        await _invariants(bot)
        return handled
    finally:
        await bot.stop()
        logging.getLogger().removeHandler(errors)
        shutil.rmtree(folder, ignore_errors=True)


async def _act(bot: Bot, fake: FakeTelegram, cast: dict[str, FakeUser], group: Any, action: tuple[Any, ...]) -> None:
    kind = action[0]
    if kind == "clock":
        bot.clock.advance(minutes=action[1])
        await bot.deliver()
        return
    if kind == "raw":
        fake.enqueue(action[1], _raw(action[1], cast["lan"], group))
        cast["lan"].send("/help")  # kinds the bot did not ask for never reach it: settle on one it did
        await bot.settle()
        return
    user = cast[action[1]]
    if kind == "text":
        user.send(action[3], group if action[2] else None)
    elif kind == "command":
        user.send(f"/{action[3]} {action[4]}", group if action[2] else None)
    elif kind == "code":
        user.send(action[2])
    elif kind == "file":
        user.send_document(action[2], action[3])
    elif kind == "photo":
        picture = io.BytesIO()
        segno.make("https://example.org").save(picture, kind="png")
        user.send_photo(picture.getvalue())
    elif kind == "press":
        buttons = [(m, b) for m in user.private_chat.bot_messages[-5:] for b in m.buttons if _presses(m, b)]
        if not buttons:
            return
        message, label = buttons[action[2] % len(buttons)]
        user.press(message, label)
    elif kind == "forge":
        last = user.private_chat.bot_messages[-1] if user.private_chat.bot_messages else None
        if last is None:
            return
        query = fake.new_callback_query()
        payload = {"id": query, "from": user.to_json(), "message": last.to_json(), "chat_instance": "1"}
        fake.enqueue("callback_query", {**payload, "data": action[2][:64] or "x"})
    await bot.settle()


async def _on_zalo(bot: Bot, user: FakeZaloUser, action: tuple[Any, ...]) -> None:
    """Typed on Zalo: any text, a command's name without its slash, a number; or a sticker, a picture (with a
    caption) or what Zalo cannot show a bot (a protected user's message)."""
    if action[0] == "zalo":
        user.send(action[2])
    elif action[2] == "sticker":
        user.send_sticker()
    elif action[2] == "image":
        user.send_image(action[3])
    else:
        user.protected = True
        user.send("")
        user.protected = False
    await bot.settle()


def _zalo_took_everything(zalo: FakeZalo) -> None:
    """Zalo refused nothing the bot sent (a text too long, a keyboard…), and no answer there was an apology."""
    refused = [(c.method, c.code, c.params) for c in zalo.calls if c.method.startswith("send") and c.code != 200]
    assert refused == []
    crashed = [m.text for c in zalo.chats.values() for m in c.bot_messages if m.shown.startswith(APOLOGIES)]
    assert crashed == [], crashed


def _presses(message: FakeMessage, label: str) -> bool:
    """Callback buttons only (a URL button opens a link; the fake's people cannot press it)."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return any(b.get("text") == label and "callback_data" in b for row in rows for b in row)


def _raw(kind: str, user: FakeUser, group: Any) -> dict[str, Any]:
    """Update kinds Telegram can send that the bot never asked for or does not handle."""
    when = int(datetime.now(UTC).timestamp())
    message = {"message_id": 999_999, "date": when, "chat": group.to_json(), "from": user.to_json(), "text": "sửa"}
    return {
        "edited_message": {**message, "edit_date": when},
        "channel_post": {"message_id": 1, "date": when, "chat": {"id": -100123, "type": "channel", "title": "Kênh"}},
        "message_reaction": {
            "chat": group.to_json(), "message_id": 1, "date": when, "user": user.to_json(),
            "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        },
        "inline_query": {"id": "1", "from": user.to_json(), "query": "lớp", "offset": ""},
        "poll": {
            "id": "1", "question": "?", "options": [{"persistent_id": "0", "text": "a", "voter_count": 0}],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
        },
        "chat_join_request": {"chat": group.to_json(), "from": user.to_json(), "user_chat_id": user.id, "date": when},
    }[kind]  # fmt: skip


def _no_failures(fake: FakeTelegram, errors: _Errors) -> None:
    failures = [logging.Formatter().format(record) for record in errors.records]
    assert failures == [], "\n".join(failures)
    crashed = [m.text for c in fake.chats.values() for m in c.bot_messages if (m.text or "").startswith(APOLOGIES)]
    assert crashed == [], crashed


def _english_for_ken(ken: FakeUser, said: list[str]) -> None:
    """What Ken reads is English, once the names the center gave (people, villages, activities, the center)
    and his own words are taken out."""
    names = [
        "Trung tâm học tập cộng đồng xã Thanh Bình", "Chuyên đề phòng chống lừa đảo qua mạng", "Lớp tin học",
        "Hội trường UBND xã", "Công an xã", "Thôn Đông", "Thôn Tây", "Thôn Bắc", "Nguyễn Thị Lan", "Phạm Văn Hùng",
        "Tiếng Việt", "Đồng ý", "Nhóm Thôn Đông", "Nhóm Xã",
    ]  # fmt: skip
    for message in _while_speaking(ken, "en"):
        text = message.text or ""
        for name in sorted(names + said, key=len, reverse=True):
            if name:
                text = text.replace(name, "")
        assert not VIETNAMESE.search(text), message.text


def _while_speaking(user: FakeUser, language: str) -> list[FakeMessage]:
    """The bot's messages to `user` while their language was `language`: /lang (typed or pressed, which the
    batches do) switches it, and the bot's confirmation marks the moment."""
    switched = {tr: code for code in ("vi", "en") for tr in [Translator(code).gettext(SWITCHED)]}
    current, kept = language, []
    for message in user.private_chat.bot_messages:
        current = switched.get(message.text or "", current)
        if current == language and (message.text or "") not in switched:
            kept.append(message)
    return kept


def _vietnamese_for_lan(lan: FakeUser) -> None:
    """What Lan reads never starts like an English message that has a Vietnamese translation."""
    for message in _while_speaking(lan, "vi"):
        text = message.text or ""
        untranslated = [start for start in ENGLISH_STARTS if text.startswith(start)]
        assert untranslated == [], text


async def _invariants(bot: Bot) -> None:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        for activity in await session.scalars(select(Activity)):
            seated = await session.scalar(
                select(func.count())
                .select_from(Registration)
                .where(Registration.activity_id == activity.id, Registration.status == RegistrationStatus.REGISTERED)
            )
            assert activity.capacity is None or (seated or 0) <= activity.capacity, activity.title
        orphans = await session.scalar(
            select(func.count())
            .select_from(Attendance)
            .outerjoin(ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.id.is_(None))
        )
        assert orphans == 0
        for current in await session.scalars(select(ActivitySession)):
            rows = await session.execute(
                select(func.count(), func.count().filter(Person.gender == Gender.FEMALE))
                .select_from(Attendance)
                .join(Person, Person.id == Attendance.person_id)
                .where(Attendance.session_id == current.id)
            )
            visits, women = rows.one()
            assert (current.visits, current.women_visits) == (visits, women)
        forgotten_with_account = await session.scalar(
            select(func.count()).select_from(Person).where(Person.forgotten_at.is_not(None), HAS_ACCOUNT)
        )
        assert forgotten_with_account == 0
        withdrawn = (
            select(Account.external_id)
            .join(Person, Person.id == Account.person_id)
            .where(Person.consent_withdrawn_at.is_not(None))
        )
        owed = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.chat.in_(withdrawn), Delivery.status.in_(outbox.WAITING))
        )
        assert owed == 0  # nothing waits to be sent to someone who withdrew their consent
