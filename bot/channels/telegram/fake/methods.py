"""The Bot API methods the fake answers, each returning Telegram's `result` or raising ApiError."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.channels.telegram.fake import errors
from bot.channels.telegram.fake.chats import FakeChat
from bot.channels.telegram.fake.errors import ApiError, bad_request
from bot.channels.telegram.fake.files import StoredFile, UploadedFile, image_size
from bot.channels.telegram.fake.formatting import format_text, utf16_len
from bot.channels.telegram.fake.keyboards import check_markup
from bot.channels.telegram.fake.messages import FakeMessage, member_json
from bot.channels.telegram.fake.params import Params

if TYPE_CHECKING:
    from bot.channels.telegram.fake.fake import FakeTelegram

Handler = Callable[["FakeTelegram", Params], Awaitable[Any]]

METHODS: dict[str, Handler] = {}
SENDS = {"sendMessage", "sendPhoto", "sendDocument"}  # what Telegram's broadcast limits count

MAX_TEXT = 4096
MAX_CAPTION = 1024
COMMAND_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


def lookup(name: str) -> str | None:
    """Telegram matches method names case-insensitively."""
    lowered = name.lower()
    return next((known for known in METHODS if known.lower() == lowered), None)


# --- whom a call is about ---


def chat_for(fake: FakeTelegram, chat_id: object, *, writing: bool = True) -> FakeChat:
    """The chat a call targets, refused the way Telegram refuses it."""
    chat = fake.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise errors.chat_not_found()
    if chat.migrated_to is not None:
        raise errors.migrated(chat.migrated_to)
    if chat.user is not None:
        if writing and chat.user.blocked_bot:
            raise errors.blocked()
        if writing and not chat.user.started:
            raise errors.forbidden("bot can't initiate conversation with a user")
    elif chat.bot_status != "member":
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if chat.bot_removed:
            raise errors.forbidden(f"bot was kicked from the {kind}")
        raise errors.forbidden(f"bot is not a member of the {kind}")
    return chat


def _text(params: Params, key: str, limit: int, *, required: bool) -> tuple[str | None, list[dict[str, Any]]]:
    raw = params.get(key)
    if raw is None:
        return None, []
    entities_key = "entities" if key == "text" else "caption_entities"
    text, entities = format_text(str(raw), params.get("parse_mode"), params.get(entities_key))
    if not text:
        if required:
            raise bad_request("message text is empty")
        return None, []
    if utf16_len(text) > limit:
        raise bad_request("message is too long" if key == "text" else "message caption is too long")
    return text, entities


def _reply_to(chat: FakeChat, params: Params) -> FakeMessage | None:
    reply = params.get("reply_parameters")
    if not isinstance(reply, dict):
        return None
    target = chat.message(int(reply.get("message_id", 0)))
    if target is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return target


def _stored_file(fake: FakeTelegram, value: object, kind: str) -> StoredFile:
    if isinstance(value, UploadedFile):
        if not value.content:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            if image_size(value.content) is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return fake.files.add_photo(value.content)
        mime = None if value.mime_type == "application/octet-stream" else value.mime_type
        return fake.files.add_document(value.filename, value.content, mime)
    stored = fake.files.by_id.get(value) if isinstance(value, str) else None
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def _edited(fake: FakeTelegram, params: Params) -> FakeMessage:
    if "inline_message_id" in params:
        raise bad_request("MESSAGE_ID_INVALID")  # the fake has no inline mode
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    chat = chat_for(fake, params["chat_id"])
    message = chat.message(params.get("message_id", 0))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


# --- the methods ---


@method("getMe")
async def get_me(fake: FakeTelegram, params: Params) -> Any:
    return {
        **fake.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": not fake.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(fake: FakeTelegram, params: Params) -> Any:
    if fake.webhook_url:
        raise errors.conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
    if "allowed_updates" in params:
        fake.allowed_updates = list(params["allowed_updates"] or [])
    limit = min(max(int(params.get("limit", 100)), 1), 100)
    wait = max(float(params.get("timeout", 0)), 0.0)
    fake.poll_generation += 1
    mine = fake.poll_generation
    fake.wake()  # an older long poll now ends with 409, as on Telegram
    deadline = time.monotonic() + wait
    offset = params.get("offset")
    while True:
        updates = fake.take_updates(offset, limit)
        remaining = deadline - time.monotonic()
        if updates or remaining <= 0:
            return updates
        await fake.changed(remaining)
        if fake.poll_generation != mine:
            raise errors.conflict(
                "terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        offset = None  # confirmed once already


@method("setWebhook")
async def set_webhook(fake: FakeTelegram, params: Params) -> Any:
    url = params["url"]
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if params.get("drop_pending_updates"):
        fake.drop_updates()
    if "allowed_updates" in params:
        fake.allowed_updates = list(params["allowed_updates"] or [])
    fake.webhook = {key: value for key, value in params.items() if key != "certificate"}
    fake.webhook["has_custom_certificate"] = "certificate" in params
    fake.wake()
    return Described(True, "Webhook was set" if url else "Webhook was deleted")


@method("deleteWebhook")
async def delete_webhook(fake: FakeTelegram, params: Params) -> Any:
    had = bool(fake.webhook_url)
    fake.webhook = {}
    if params.get("drop_pending_updates"):
        fake.drop_updates()
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(fake: FakeTelegram, params: Params) -> Any:
    info: dict[str, Any] = {
        "url": fake.webhook_url,
        "has_custom_certificate": bool(fake.webhook.get("has_custom_certificate")),
        "pending_update_count": len(fake.pending_updates),
    }
    if fake.webhook_url:
        info["max_connections"] = fake.webhook.get("max_connections", 40)
        for key in ("ip_address", "allowed_updates"):
            if key in fake.webhook:
                info[key] = fake.webhook[key]
    return info


@method("sendMessage")
async def send_message(fake: FakeTelegram, params: Params) -> Any:
    chat = chat_for(fake, params["chat_id"])
    text, entities = _text(params, "text", MAX_TEXT, required=True)
    markup = check_markup(params.get("reply_markup"))
    reply_to = _reply_to(chat, params)
    message = chat.post(fake.bot, text=text, entities=entities, reply_markup=markup, reply_to=reply_to)
    return message.to_json()


@method("sendPhoto")
async def send_photo(fake: FakeTelegram, params: Params) -> Any:
    chat = chat_for(fake, params["chat_id"])
    stored = _stored_file(fake, params["photo"], "photo")
    caption, entities = _text(params, "caption", MAX_CAPTION, required=False)
    markup = check_markup(params.get("reply_markup"))
    reply_to = _reply_to(chat, params)
    message = chat.post(fake.bot, text=caption, entities=entities, reply_markup=markup, photo=stored, reply_to=reply_to)
    return message.to_json()


@method("sendDocument")
async def send_document(fake: FakeTelegram, params: Params) -> Any:
    chat = chat_for(fake, params["chat_id"])
    stored = _stored_file(fake, params["document"], "document")
    caption, entities = _text(params, "caption", MAX_CAPTION, required=False)
    markup = check_markup(params.get("reply_markup"))
    reply_to = _reply_to(chat, params)
    message = chat.post(
        fake.bot, text=caption, entities=entities, reply_markup=markup, document=stored, reply_to=reply_to
    )
    return message.to_json()


@method("editMessageText")
async def edit_message_text(fake: FakeTelegram, params: Params) -> Any:
    message = _edited(fake, params)
    if message.photo_file or message.document_file or message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = _text(params, "text", MAX_TEXT, required=True)
    markup = check_markup(params.get("reply_markup"))  # leaving it out removes the inline keyboard
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise errors.not_modified()
    message.text, message.entities, message.reply_markup = text, entities, markup
    return _touch(fake, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(fake: FakeTelegram, params: Params) -> Any:
    message = _edited(fake, params)
    markup = check_markup(params.get("reply_markup"))
    if markup == message.reply_markup:
        raise errors.not_modified()
    message.reply_markup = markup
    return _touch(fake, message)


def _touch(fake: FakeTelegram, message: FakeMessage) -> Any:
    message.edits += 1
    message.edit_date = fake.now()
    return message.to_json()


@method("answerCallbackQuery")
async def answer_callback_query(fake: FakeTelegram, params: Params) -> Any:
    query_id = params["callback_query_id"]
    if fake.callback_queries.get(query_id) is not False:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if len(params.get("text", "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    fake.callback_queries[query_id] = True
    fake.callback_answers[query_id] = dict(params)
    return True


@method("getFile")
async def get_file(fake: FakeTelegram, params: Params) -> Any:
    stored = fake.files.by_id.get(params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file()


def _scope_key(fake: FakeTelegram, params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope:
        chat_for(fake, scope["chat_id"], writing=False)
    elif scope["type"].startswith("chat"):
        raise bad_request("chat_id is empty")
    language = params.get("language_code", "")
    if language and not (len(language) == 2 and language.isalpha() and language.islower()):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True, separators=(",", ":"), ensure_ascii=False), language


@method("setMyCommands")
async def set_my_commands(fake: FakeTelegram, params: Params) -> Any:
    commands = params["commands"]
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object" if not isinstance(commands, list) else "too many commands")
    stored = []
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        description = command.get("description") if isinstance(command, dict) else None
        if (
            not isinstance(name, str)
            or not 1 <= len(name) <= 32
            or not all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": name, "description": description})
    key = _scope_key(fake, params)
    if stored:
        fake.commands[key] = stored
    else:
        fake.commands.pop(key, None)
    return True


@method("deleteMyCommands")
async def delete_my_commands(fake: FakeTelegram, params: Params) -> Any:
    fake.commands.pop(_scope_key(fake, params), None)
    return True


@method("getMyCommands")
async def get_my_commands(fake: FakeTelegram, params: Params) -> Any:
    return fake.commands.get(_scope_key(fake, params), [])


@method("getChat")
async def get_chat(fake: FakeTelegram, params: Params) -> Any:
    return chat_for(fake, params["chat_id"], writing=False).full_info()


@method("getChatMember")
async def get_chat_member(fake: FakeTelegram, params: Params) -> Any:
    chat = chat_for(fake, params["chat_id"], writing=False)
    user_id = params["user_id"]
    if user_id == fake.bot.id:
        return member_json(fake.bot.to_json(), chat.bot_status)
    user = fake.users.get(user_id)
    if user is None or (chat.user is not None and user is not chat.user):
        raise bad_request("user not found")
    return member_json(user.to_json(), chat.status_of(user_id))


@method("close")
async def close(fake: FakeTelegram, params: Params) -> Any:
    return True


@method("logOut")
async def log_out(fake: FakeTelegram, params: Params) -> Any:
    return True


class Described:
    """A result Telegram sends with a human description next to it ("Webhook was set")."""

    def __init__(self, result: Any, description: str) -> None:
        self.result = result
        self.description = description


def success(result: Any) -> dict[str, Any]:
    if isinstance(result, Described):
        return {"ok": True, "result": result.result, "description": result.description}
    return {"ok": True, "result": result}


def check_types(params: Params) -> None:
    """What the decoder could not enforce alone."""
    for key in ("text", "caption", "callback_query_id", "file_id", "url", "language_code", "parse_mode"):
        if key in params and not isinstance(params[key], str):
            raise ApiError(400, f'Bad Request: field "{key}" must be of type String')
