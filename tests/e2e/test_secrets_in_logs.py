"""The token never reaches a log, even from a library logging every request, and logs name people by id."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import pytest

from bot.channels.telegram.fake import FakeTelegram, Fault
from bot.config import ConfigError, Settings, load_settings
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


async def test_a_refused_token_stops_the_bot_without_printing_it(
    cli_env: None, fake: FakeTelegram, settings: Settings
) -> None:
    """Telegram's "token rejected" error quotes the token; what `loalang run` prints of it must not."""
    revoked = "123456:AAH-revoked-token-000000000000000"
    async with fake.serve() as base_url:  # it knows another token: this one is refused with 401
        env = {**os.environ, "BOT_TOKEN": revoked, "BOT_API_BASE_URL": base_url, "DATABASE_URL": settings.database_url}
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("loalang")), "run", env=env, stderr=asyncio.subprocess.PIPE
        )
        _, printed = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    text = printed.decode()
    assert "Loa Làng stopped" in text and "InvalidToken" in text
    assert revoked not in text and revoked.split(":")[1] not in text
