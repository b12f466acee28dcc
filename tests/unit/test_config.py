"""A wrong setting stops start-up with one line that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels import telegram
from bot.cli import main
from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LOCALE", "fr"),
        ("BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://localhost/db"),
        ("BOT_API_BASE_URL", "ftp:/nowhere"),
    ],
)
def test_malformed_setting_is_named_in_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings(_env_file=None)
    message = str(raised.value)
    assert message.startswith(f"Configuration error: {name}:")
    assert "\n" not in message


def test_defaults_need_no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_TOKEN", "DATABASE_URL", "TIMEZONE", "DEFAULT_LOCALE", "BOT_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.default_locale == "vi"
    assert settings.bot_api_base_url is None and telegram.API == "https://api.telegram.org/bot"  # Telegram's own


def test_cli_without_token_starts_the_sandbox_and_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    """The sandbox itself is tested in tests/e2e/test_sandbox.py; here only that `loalang` chooses it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    started = []

    async def sandbox(settings: object, **options: object) -> int:
        started.append(options)
        return 0

    monkeypatch.setattr("bot.channels.sandbox.run", sandbox)
    assert main([]) == 0
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and "BOT_TOKEN" in out and "bản chạy thử" in out  # in Vietnamese, the default
    [options] = started
    assert (options["folder"], options["fresh"], options["port"]) == (Path("data/sandbox"), False, 8080)


def test_cli_stops_on_a_bad_setting_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIMEZONE", "Nowhere/Town")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "Configuration error: TIMEZONE: unknown time zone 'Nowhere/Town'; try Asia/Ho_Chi_Minh"
    ]
