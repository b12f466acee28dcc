"""Deliver: one rendered message goes out through its chat's channel, within that channel's sending limits. A
slot too far away is not waited for: the row goes back to the outbox, so one busy chat never holds a worker.
The outcome, never an exception, is handed to scheduler/record.py."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import logs
from bot.messaging import ChatMoved, ChatRef, Messenger, RateLimited, RecipientGone, Send, TransientFailure
from scheduler.limits import Limiter
from scheduler.record import Failed, Moved, Result, Retry, Sent, later

if TYPE_CHECKING:
    from scheduler.shared_limits import SharedLimiter

log = logging.getLogger(__name__)
LONGEST_WAIT = 1.5  # seconds a worker may wait for a slot before handing the row back: over one overall window


@dataclass
class Job:
    delivery_id: int
    chat: ChatRef
    message: Send


async def deliver(job: Job, channel: Messenger, limiter: Limiter | SharedLimiter) -> Result:
    """Send one message within the limits; the outcome, to be recorded. Never raises."""
    try:
        wait = await limiter.book(job.chat, longest=LONGEST_WAIT)
        if wait > LONGEST_WAIT:  # nothing was booked: the row waits in the outbox, not in a worker
            return later(wait, "waiting for the chat's sending limit", count=False)
        if wait > 0:
            await asyncio.sleep(wait)
        message_id = await channel.send(job.message)
    except RateLimited as limited:
        return later(limited.retry_after, "429: retry after", count=False)
    except ChatMoved as moved:
        return Moved(moved.new_chat)
    except RecipientGone as gone:
        return Failed(gone.reason, gone=True)
    except TransientFailure as failure:
        return Retry(logs.scrub(str(failure)))
    except Exception as error:  # a bug or an unexpected answer: retry a few times, then give up
        log.exception("delivery %s failed", job.delivery_id)
        return Retry(logs.scrub(f"{type(error).__name__}: {error}"))  # kept in the row
    try:
        await limiter.sent(job.chat)
    except Exception:  # the message went out; only the limiter's bookkeeping is off
        log.exception("the limiter could not note a sent message")
    return Sent(message_id)
