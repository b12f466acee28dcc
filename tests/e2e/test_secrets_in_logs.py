"""The token never reaches a log, even from a library logging every request, and logs name people by id."""

from __future__ import annotations

import logging

import pytest

from bot.channels.fake_telegram import FakeTelegram, Fault
from bot.config import ConfigError, load_settings
from tests.conftest import Bot
from tests.journeys import commune, onboard, publish


async def test_logs_carry_ids_and_never_the_token_or_names(
    bot: Bot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="httpx")  # it writes every request's URL, token included
    caplog.set_level(logging.INFO)
    place = await commune(bot, fake)
    lan = fake.add_user("Lan")
    await onboard(bot, lan, name="Nguyễn Thị Lan")
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    fake.inject("sendMessage", Fault.server_error(), times=3)  # errors are logged, with their tracebacks
    lan.block_bot()
    await bot.say(place.director, f"/register {activity_id}")
    await bot.deliver()

    logged = caplog.text
    assert "HTTP Request" in logged and "/bot[secret]/" in logged  # the URLs were logged, redacted
    assert fake.token not in logged and fake.token.split(":")[1] not in logged
    assert "Nguyễn Thị Lan" not in logged and "Phạm Văn Hùng" not in logged


def test_a_malformed_token_is_not_echoed_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "12345:leaked secret!")
    with pytest.raises(ConfigError) as refused:
        load_settings(_env_file=None)
    assert "leaked" not in str(refused.value)
