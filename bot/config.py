"""Settings from the environment and an optional `.env` file.

A wrong setting must stop start-up with one line that names it, so a part-time
volunteer can fix it without reading a traceback.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("vi", "en")
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_ZALO_TOKEN = re.compile(r"^[A-Za-z0-9_-]{3,}:[A-Za-z0-9_-]{8,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str | None = None  # None: the messenger's own (bot/channels/telegram)
    database_url: str = "sqlite+aiosqlite:///data/loalang.db"
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = Field(default="vi")
    flood_per_minute: int = Field(default=60, ge=1)  # private messages and presses one person may send a minute
    webhook_secret: SecretStr | None = None  # default: derived from the token, so every process agrees
    redis_url: str | None = None  # several processes: they share Telegram's sending limits through it
    # Telegram's sending limits times this: only for a bot Telegram lets send faster (paid broadcasts), and
    # for the benchmarks, whose fake Bot API is told the same factor
    send_rate_scale: float = Field(default=1.0, gt=0)
    zalo_bot_token: SecretStr | None = None  # from Zalo Bot Creator: "<bot id>:<secret>"
    zalo_api_base_url: str | None = None  # None: Zalo's own (bot/channels/zalo)
    # Zalo publishes no sending limits: a conservative guess, shared between processes like Telegram's
    zalo_send_per_second: float = Field(default=5.0, gt=0)
    # where the bot's web server is reached from outside (https://…): Zalo fetches pictures from it, and people
    # open the files Zalo cannot carry there (bot/shelf.py)
    public_base_url: str | None = None

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _TOKEN.match(value.strip()):
            raise ValueError("expected the token from @BotFather, like 123456789:AAF...")
        return value.strip()

    @field_validator("zalo_bot_token", mode="before")
    @classmethod
    def _zalo_token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _ZALO_TOKEN.match(value.strip()):
            raise ValueError("expected the token from Zalo Bot Creator, like 1234567890123456789:AbCd...")
        return value.strip()

    @field_validator("bot_api_base_url", "zalo_api_base_url")
    @classmethod
    def _url_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected the http(s) address of the Bot API, ending in /bot")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected the address people and Zalo reach the bot's web server at, like https://…")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_shape(cls, value: str) -> str:
        if not re.match(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://", value):
            raise ValueError("expected sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; try Asia/Ho_Chi_Minh") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"Configuration error: {name}: {message}") from None
