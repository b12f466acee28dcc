"""The Telegram channel: python-telegram-bot on one side, the messaging port on the other.

It turns updates into `Incoming`, hands them to the dispatcher, and turns `Send`/`Edit`/`Menu` into Bot API
calls, translating Telegram's errors into the port's `RecipientGone`, `ChatMoved` and `RateLimited`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MessageOriginUser,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.channels.telegram.webhook import TelegramWebhook
from bot.channels.turns import ChatTurns
from bot.messaging import (
    Capabilities,
    ChatMoved,
    ChatRef,
    Edit,
    Event,
    FileRef,
    Incoming,
    Keyboard,
    Menu,
    RateLimited,
    RecipientGone,
    Send,
    Sender,
    TransientFailure,
)

# python-telegram-bot 22 deprecates integer `retry_after`; opt in to timedeltas now.
os.environ.setdefault("PTB_TIMEDELTA", "true")

if TYPE_CHECKING:
    from telegram import User

    from bot.dispatcher import Dispatcher

log = logging.getLogger(__name__)

NAME = "telegram"
GONE = ("chat not found", "user not found", "bot was kicked", "bot is not a member", "have no rights to send")
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


def file_url(base_url: str) -> str:
    """https://api.telegram.org/bot -> https://api.telegram.org/file/bot (and the same for a local server)."""
    root, _, tail = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}"


def chat_ref(chat_id: int, *, group: bool | None = None) -> ChatRef:
    """Telegram's chat id as the port's reference. Telegram gives groups and channels negative ids, private
    chats positive ones (a person's private chat has the person's own id): only this module knows that."""
    return ChatRef(NAME, str(chat_id), chat_id < 0 if group is None else group)


def _id(chat: ChatRef) -> int:
    return int(chat.id)


class TelegramChannel:
    """Implements `bot.messaging.Messenger` with python-telegram-bot."""

    name = NAME
    capabilities = Capabilities()  # Telegram does all the port asks

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrent_updates: int = 1,
    ) -> None:
        """concurrent_updates > 1 (webhook mode) handles that many updates at once, each chat's in turn:
        while one waits on the database another goes on. Polling keeps to one, in order."""
        extra = {"transport": transport} if transport is not None else None
        # the bot's id names its sending limits, shared between processes (the key they had before other channels)
        self.limits_key = token.split(":", 1)[0]
        self.webhook = TelegramWebhook(self)
        self.application = (
            Application.builder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_url(base_url))
            .request(HTTPXRequest(connection_pool_size=32, httpx_kwargs=extra))
            .get_updates_request(HTTPXRequest(httpx_kwargs=extra))
            .concurrent_updates(concurrent_updates if concurrent_updates > 1 else False)
            .build()
        )
        self._turns = ChatTurns()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.dispatcher: Dispatcher | None = None
        self.last_update_id = 0  # updates are handled in order; tests and the sandbox wait on this
        self.handled = 0  # how many updates this process has finished with (webhook tests count these)
        self.on_handled: Callable[[str], Awaitable[None]] | None = None  # webhook mode: bot/inbox.py forgets it

    @property
    def bot(self):  # type: ignore[no-untyped-def]
        return self.application.bot

    async def start(self, *, poll: bool = True) -> None:
        await self.application.initialize()
        await self.application.start()
        if poll and self.application.updater is not None:
            await self.application.updater.start_polling(poll_interval=0.0, timeout=10)
        log.info("on Telegram as @%s", self.bot.username)

    async def drain(self) -> None:
        """Take no more updates and finish the ones received; sending still works until `stop`."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()

    async def stop(self) -> None:
        await self.drain()
        await self.application.shutdown()

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            await self._handle(update)
            return
        async with self._turns.turn(chat.id):  # a person's messages are answered in the order they were sent
            await self._handle(update)

    async def _handle(self, update: Update) -> None:
        assert self.dispatcher is not None, "bootstrap wires the dispatcher before starting"
        try:
            incoming = to_incoming(update, self.bot.id, self.bot.username)
            if incoming is None:
                return
            outcome = await self.dispatcher.handle(incoming)
            if update.callback_query is not None:
                await update.callback_query.answer(outcome.toast)
        finally:
            try:
                if self.on_handled is not None:
                    await self.on_handled(str(update.update_id))
            finally:
                self.last_update_id = max(self.last_update_id, update.update_id)
                self.handled += 1

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update could not be processed: %s", type(context.error).__name__, exc_info=context.error)

    # --- the Messenger port ---

    async def send(self, message: Send) -> str | None:
        markup = _markup(message.choices)
        chat_id = _id(message.chat)
        try:
            if message.image is not None:
                sent = await self.bot.send_photo(
                    chat_id,
                    InputFile(message.image, filename="image.png"),
                    caption=_within(message.text, CAPTION) or None,
                    reply_markup=markup,
                )
            elif message.file is not None:
                sent = await self.bot.send_document(
                    chat_id,
                    InputFile(message.file.content, filename=message.file.filename),
                    caption=_within(message.text, CAPTION) or None,
                    reply_markup=markup,
                )
            else:
                sent = await self.bot.send_message(chat_id, _within(message.text, TEXT), reply_markup=markup)
        except ChatMigrated as moved:
            raise ChatMoved(message.chat, chat_ref(moved.new_chat_id, group=True)) from None
        except RetryAfter as wait:
            raise RateLimited(message.chat, wait.retry_after.total_seconds()) from None  # type: ignore[union-attr]
        except Forbidden as refused:
            raise RecipientGone(message.chat, refused.message) from None
        except BadRequest as bad:
            if any(marker in bad.message.lower() for marker in GONE):
                raise RecipientGone(message.chat, bad.message) from None
            raise
        except (TimedOut, NetworkError) as failure:
            raise TransientFailure(f"{type(failure).__name__}: {failure.message}") from None
        return str(sent.message_id)

    async def edit(self, edit: Edit) -> None:
        markup = _markup(edit.choices)
        try:
            if edit.text is None:
                await self.bot.edit_message_reply_markup(_id(edit.chat), int(edit.message_id), reply_markup=markup)
            else:
                await self.bot.edit_message_text(
                    _within(edit.text, TEXT), _id(edit.chat), int(edit.message_id), reply_markup=markup
                )
        except BadRequest as bad:
            if "not modified" not in bad.message.lower():
                raise

    async def set_menu(self, menu: Menu) -> None:
        if menu.chat is not None:
            scope = BotCommandScopeChat(_id(menu.chat))
        elif menu.groups:
            scope = BotCommandScopeAllGroupChats()
        else:
            scope = BotCommandScopeAllPrivateChats()
        commands = [BotCommand(name, description[:256]) for name, description in menu.commands]
        await self.bot.set_my_commands(commands, scope=scope, language_code=menu.language)

    def deep_link(self, payload: str) -> str:
        base = f"https://t.me/{self.bot.username}"
        return f"{base}?start={payload}" if payload else base

    async def download(self, ref: str) -> bytes:
        telegram_file = await self.bot.get_file(ref)
        return bytes(await telegram_file.download_as_bytearray())


def _markup(choices: Keyboard) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(c.label, url=c.url)
                if c.url
                else InlineKeyboardButton(c.label, callback_data=_fit(c.command))
                for c in row
            ]
            for row in choices
        ]
    )


def _fit(command: str) -> str:
    """Telegram takes at most 64 bytes of button data; journeys keep theirs short, this is the last guard."""
    data = command.encode()
    if len(data) <= 64:
        return command
    log.warning("button command cut to 64 bytes: %r", command)
    return data[:64].decode(errors="ignore")


def _label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the button whose data was sent, read off the message it was pressed on."""
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _sender(user: User | None) -> Sender | None:
    if user is None:
        return None
    return Sender(str(user.id), user.first_name, user.last_name, user.language_code)


def to_incoming(update: Update, bot_id: int, bot_username: str | None) -> Incoming | None:
    """The messenger-neutral view of an update, or None for what no journey cares about."""
    if update.my_chat_member is not None:
        return _membership(update)
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat = chat_ref(message.chat.id) if message is not None else chat_ref(query.from_user.id, group=False)
        return Incoming(
            Event.BUTTON,
            chat,
            sender=_sender(query.from_user),
            text=query.data,
            message_id=str(message.message_id) if message is not None else None,
            shown=getattr(message, "text", None),  # None for a picture's caption: that edit would fail
            pressed=_label(getattr(message, "reply_markup", None), query.data),
        )
    message = update.message
    if message is None:
        return None
    chat = message.chat
    here = chat_ref(chat.id, group=chat.type != chat.PRIVATE)
    if message.migrate_to_chat_id is not None:
        return Incoming(Event.CHAT_MIGRATED, here, migrated_to=chat_ref(message.migrate_to_chat_id, group=True))
    if message.migrate_from_chat_id is not None:
        return Incoming(Event.CHAT_MIGRATED, chat_ref(message.migrate_from_chat_id, group=True), migrated_to=here)
    text = message.text or message.caption
    if text and text.startswith("/"):
        head = text.split(maxsplit=1)[0]
        if "@" in head and head.split("@", 1)[1].lower() != (bot_username or "").lower():
            return None  # a command for another bot in the same group
    if text is None and message.forward_origin is None and not message.effective_attachment:
        return None  # service messages: members joining, titles changing…
    origin = message.forward_origin
    document = message.document
    return Incoming(
        Event.MESSAGE,
        here,
        chat_title=chat.title,
        sender=_sender(message.from_user),
        text=text,
        message_id=str(message.message_id),
        forwarded_from=_sender(origin.sender_user) if isinstance(origin, MessageOriginUser) else None,
        forwarded_hidden=origin is not None and not isinstance(origin, MessageOriginUser),
        document=FileRef(document.file_name or "file", document.file_id, document.file_size) if document else None,
    )


def _membership(update: Update) -> Incoming | None:
    change = update.my_chat_member
    assert change is not None
    chat = change.chat
    was = change.old_chat_member.status in PRESENT
    now = change.new_chat_member.status in PRESENT
    if was == now:
        return None
    if chat.type == chat.PRIVATE:
        event = Event.BOT_UNBLOCKED if now else Event.BOT_BLOCKED
    else:
        event = Event.BOT_ADDED if now else Event.BOT_REMOVED
    return Incoming(
        event,
        chat_ref(chat.id, group=chat.type != chat.PRIVATE),
        chat_title=chat.title,
        sender=_sender(change.from_user),
    )


TEXT, CAPTION = 4096, 1024  # Telegram's limits, in UTF-16 code units


def _within(text: str, limit: int) -> str:
    """Cut a text Telegram would refuse as too long (an echoed input, a long list) and mark the cut."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    cut = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", errors="ignore")
    return cut + "…"
