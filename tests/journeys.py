"""Steps that many end-to-end tests share, written as a person would do them."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.channels.fake_telegram import FakeTelegram, FakeUser
from bot.i18n import Translator
from bot.models import Person
from tests.conftest import Bot


def tr(lang: str, message: str, **fields: object) -> str:
    text = Translator(lang).gettext(message)
    return text.format(**fields) if fields else text


AGREE = "✅ Đồng ý (I agree)"


async def onboard(
    bot: Bot,
    user: FakeUser,
    *,
    name: str = "Nguyễn Thị Lan",
    gender: str = "female",
    year: str = "1965",
    village: str = "Thôn Đông",
    start: str = "/start",
) -> None:
    """Consent and profile, pressing the buttons as shown."""
    notice = (await bot.say(user, start))[-1]
    lang = user.language_code if user.language_code in ("vi", "en") else "vi"
    await bot.press(user, notice, tr(lang, AGREE))
    await bot.say(user, name)
    gender_question = user.private_chat.bot_messages[-1]
    await bot.press(user, gender_question, next(b for b in gender_question.buttons if _is(gender, b)))
    await bot.say(user, year)
    village_question = user.private_chat.bot_messages[-1]
    await bot.press(user, village_question, village)


def _is(gender: str, label: str) -> bool:
    return label in {"female": ("Nữ", "Female"), "male": ("Nam", "Male"), "other": ("Khác", "Other")}[gender]


async def people_count(bot: Bot) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def person_of(bot: Bot, user: FakeUser) -> Person | None:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return await session.scalar(select(Person).where(Person.telegram_user_id == user.id))


def chat_menu(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The command menu set for one private chat, as Telegram would show it."""
    for (scope, _language), commands in fake.commands.items():
        parsed = json.loads(scope)
        if parsed.get("type") == "chat" and parsed.get("chat_id") == chat_id:
            return [c["command"] for c in commands]
    return []


def default_menu(fake: FakeTelegram, scope_type: str, language: str = "") -> list[str]:
    for (scope, lang), commands in fake.commands.items():
        if json.loads(scope).get("type") == scope_type and lang == language:
            return [c["command"] for c in commands]
    return []
