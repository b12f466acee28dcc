"""Choices on a channel without buttons. Each choice is numbered under its message ("1. Nữ"), and the number
typed back picks it exactly as a press would: it stands for the command the button carries, and the journey
reads that command as if typed. A link (a URL button) is written out with its address instead.

The numbers a chat was last offered are a row (`offered_choices`), saved before the message is sent; the next
message to that chat replaces them (with none, if it offers none), so a number always means what the person
read last. The messages of one answer are numbered on from each other (five cards: 1 to 10). Numbers are read
in private chats only (in a group anyone's "2" would act).

A number must never be mistaken for an answer: going back and cancelling (`/back`, `/cancel`) are never
numbered, nor are the choices of a question answered with a number of its own (a count of seats or sessions,
`Send.typed_answer`); those are written with the command to type instead."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import ChatRef, Send
from bot.models import OfferedChoices

NAVIGATION = ("/back", "/cancel")
PICK = re.compile(r"^\s*([0-9]{1,2})\s*[.)]?\s*$")  # "2", "2.", " 2 ": ASCII digits, as a keypad types them


def number(message: Send, first: int = 1) -> tuple[Send, list[str]]:
    """The message with its choices written as numbered lines from `first`, and the commands the numbers
    stand for, in order."""
    lines: list[str] = []
    commands: list[str] = []
    for row in message.choices:
        for choice in row:
            if choice.url:
                lines.append(f"{choice.label}: {choice.url}")
            elif message.typed_answer or choice.command in NAVIGATION:
                lines.append(f"{choice.label}: {choice.command}")
            else:
                commands.append(choice.command)
                lines.append(f"{first + len(commands) - 1}. {choice.label}")
    if not lines:
        return message, []
    return replace(message, text=f"{message.text}\n\n" + "\n".join(lines), choices=()), commands


class Offers:
    """The numbers offered per chat across one answer or one batch of the outbox, numbered on from each other."""

    def __init__(self) -> None:
        self.by_chat: dict[ChatRef, list[str]] = {}

    def number(self, message: Send) -> Send:
        numbers = self.by_chat.setdefault(message.chat, [])
        message, commands = number(message, len(numbers) + 1)
        numbers.extend(commands)
        return message

    @property
    def read_back(self) -> dict[ChatRef, list[str]]:
        """The chats whose numbers are read back: private ones (in a group anyone's "2" would act)."""
        return {chat: commands for chat, commands in self.by_chat.items() if not chat.group}

    async def save(self, session: AsyncSession, now: datetime) -> None:
        for chat, commands in self.read_back.items():
            await offer(session, chat, commands, now)


async def offer(session: AsyncSession, chat: ChatRef, commands: list[str], now: datetime) -> None:
    """Remember what the numbers in this chat now stand for: one statement, so that two processes answering the
    same chat at once cannot both insert."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(OfferedChoices).values(channel=chat.channel, chat=chat.id, commands=commands, offered_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[OfferedChoices.channel, OfferedChoices.chat],
            set_={"commands": statement.excluded.commands, "offered_at": statement.excluded.offered_at},
        )
    )


async def forget(session: AsyncSession, chats: list[ChatRef]) -> None:
    """What these chats were offered goes with the person (it names their chat and what they were shown)."""
    for chat in chats:
        await session.execute(
            delete(OfferedChoices).where(OfferedChoices.channel == chat.channel, OfferedChoices.chat == chat.id)
        )


COMPLETED = ("/agree",)  # never a confirmation: "forget" typed twice must not read as "/forget yes"


async def completed(session: AsyncSession, chat: ChatRef, command: str) -> str:
    """ "Đồng ý" typed (/agree) when the choices on show hold it with more to it ("/agree r12-v3", which carries
    the link the person came by): the one on show, as pressing would. Only for agreeing, which asks no second
    question: a bare word never stands for a choice that confirms something."""
    if command not in COMPLETED:
        return command
    return next((offered for offered in await _offered(session, chat) if offered.split()[0] == command), command)


async def picked(session: AsyncSession, chat: ChatRef, text: str) -> str | None:
    """The command a typed number picks in this chat, or None when the text is not one of the numbers shown."""
    typed = PICK.match(text)
    if typed is None:
        return None
    commands = await _offered(session, chat)
    index = int(typed.group(1)) - 1
    return commands[index] if 0 <= index < len(commands) else None


async def _offered(session: AsyncSession, chat: ChatRef) -> list[str]:
    """The commands the numbers in this chat stand for now (none offered: empty)."""
    commands = await session.scalar(
        select(OfferedChoices.commands).where(OfferedChoices.channel == chat.channel, OfferedChoices.chat == chat.id)
    )
    return list(commands or ())
