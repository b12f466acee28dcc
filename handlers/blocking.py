"""A person blocking the bot is recorded, so nothing more is sent to them until they unblock it."""

from __future__ import annotations

from bot.context import Context
from bot.messaging import Event


async def blocked(ctx: Context) -> None:
    if ctx.person is not None and ctx.person.blocked_at is None:
        ctx.person.blocked_at = ctx.now


async def unblocked(ctx: Context) -> None:
    if ctx.person is not None:
        ctx.person.blocked_at = None


EVENTS = {Event.BOT_BLOCKED: blocked, Event.BOT_UNBLOCKED: unblocked}
