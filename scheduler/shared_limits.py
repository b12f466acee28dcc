"""Telegram's limits belong to the bot, not to a process: with REDIS_URL set, every process books its
sending slots in Redis, under the same rules as `scheduler.limits.Limiter` (30 a second overall, 20 a
minute in a group, 1 a second in a chat, on Redis's clock). One Lua script books a slot atomically, so two
processes never take the same one. Should Redis fail, a process books on its own until it answers again:
sending goes on, at worst a little over the limit, and Telegram's 429s are waited out as ever."""

from __future__ import annotations

import contextlib
import itertools
import logging
import secrets
import time

import redis.asyncio as redis
from redis.exceptions import RedisError

from bot.messaging import ChatRef
from scheduler.limits import Limiter, Limits

log = logging.getLogger(__name__)
RETRY_REDIS = 5.0  # seconds between tries while Redis does not answer

BOOK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local overall_cap, second, chat_gap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local group_cap, minute, member, longest = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local function opens(key, cap, window, at)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local after = '(' .. string.format('%.6f', at - window)
  local n = redis.call('ZCOUNT', key, after, '+inf')
  if n < cap then return at end
  local e = redis.call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', n - cap, 1)
  return math.max(at, tonumber(e[2]) + window)
end
local at = math.max(now, tonumber(redis.call('GET', KEYS[2]) or now))
at = opens(KEYS[1], overall_cap, second, at)
if KEYS[3] ~= '' then at = opens(KEYS[3], group_cap, minute, at) end
if at - now > longest then return string.format('%.6f', at - now) end
if KEYS[3] ~= '' then
  redis.call('ZADD', KEYS[3], at, member)
  redis.call('EXPIRE', KEYS[3], math.ceil(minute * 2 + (at - now)))
end
redis.call('ZADD', KEYS[1], at, member)
redis.call('EXPIRE', KEYS[1], math.ceil(second * 2 + (at - now)))
redis.call('SET', KEYS[2], string.format('%.6f', at + chat_gap), 'EX', math.ceil(chat_gap + (at - now)) + 1)
return string.format('%.6f', at - now)
"""


DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for _, key in ipairs({KEYS[1], KEYS[3]}) do
  if key ~= '' then
    local at = redis.call('ZSCORE', key, ARGV[1])
    if at and tonumber(at) < now then redis.call('ZADD', key, 'XX', now, ARGV[1]) end
  end
end
local gap = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[2]) or 0) < now + gap then
  redis.call('SET', KEYS[2], string.format('%.6f', now + gap), 'EX', math.ceil(gap) + 1)
end
return 1
"""


class SharedLimiter:
    def __init__(self, url: str, *, prefix: str, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.prefix = prefix
        self.client = redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._book = self.client.register_script(BOOK)
        self._done = self.client.register_script(DONE)
        self._members: dict[ChatRef, str] = {}
        self._fallback = Limiter(self.limits)
        self._numbers = itertools.count()
        self._name = secrets.token_hex(6)  # bookings' names, unique across processes
        self._down = False
        self._retry_at = 0.0

    async def book(self, chat: ChatRef, longest: float = 3600.0) -> float:
        """Seconds until this process may send to `chat`; the slot is taken at once, unless it is more
        than `longest` away (then nothing is booked)."""
        if self._down and time.monotonic() < self._retry_at:  # a Redis that does not answer is not asked
            return self._fallback.reserve(chat, longest)  # every time: each try costs the timeout
        member = f"{self._name}:{next(self._numbers)}"
        args = [
            max(int(self.limits.overall_per_second), 1),
            self.limits.second,
            self.limits.second / self.limits.chat_per_second,
            max(int(self.limits.group_per_minute), 1),
            self.limits.minute,
            member,
            longest,
        ]
        try:
            wait = float(await self._book(keys=self._keys(chat), args=args))
        except (RedisError, OSError) as error:
            if not self._down:
                log.warning("Redis does not answer (%s); booking sending slots in this process", type(error).__name__)
            self._down, self._retry_at = True, time.monotonic() + RETRY_REDIS
            return self._fallback.reserve(chat, longest)
        if self._down:
            log.info("Redis answers again; sending slots are shared once more")
            self._down = False
        if wait <= longest:
            self._members[chat] = member
        return wait

    async def sent(self, chat: ChatRef) -> None:
        """The message was handled: its slot moves to now, as Telegram counts it (see Limiter.done)."""
        self._fallback.done(chat)
        member = self._members.pop(chat, None)
        if member is None or self._down:
            return
        gap = self.limits.second / self.limits.chat_per_second
        with contextlib.suppress(RedisError, OSError):
            await self._done(keys=self._keys(chat), args=[member, gap])

    def _keys(self, chat: ChatRef) -> list[str]:
        """The prefix names the bot on one channel (bootstrap); a chat's id is the channel's, as a string."""
        group = f"{self.prefix}:group:{chat.id}" if chat.group else ""
        return [f"{self.prefix}:all", f"{self.prefix}:chat:{chat.id}", group]

    async def close(self) -> None:
        await self.client.aclose()
