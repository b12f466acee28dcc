"""Reading a Bot API call the way Telegram does: form, multipart, JSON or query string, all strings.

Which parameters a method accepts is read off python-telegram-bot's own `Bot` methods, so a
parameter the real client could never send is refused instead of silently accepted.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import telegram
from starlette.datastructures import UploadFile
from starlette.requests import Request

from bot.channels.telegram.fake.errors import bad_request
from bot.channels.telegram.fake.files import UploadedFile

Params = dict[str, Any]

JSON_PARAMS = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "entities",
    "allowed_updates": "allowed_updates",
    "link_preview_options": "link preview options",
    "reply_parameters": "reply parameters",
    "scope": "bot command scope",
    "commands": "bot commands",
    "suggested_post_parameters": "suggested post parameters",
    "media": "media",
}
INT_PARAMS = {
    "chat_id",
    "message_id",
    "user_id",
    "offset",
    "limit",
    "message_thread_id",
    "cache_time",
    "max_connections",
    "direct_messages_topic_id",
}
FLOAT_PARAMS = {"timeout"}
BOOL_PARAMS = {
    "disable_notification",
    "protect_content",
    "show_alert",
    "drop_pending_updates",
    "has_spoiler",
    "show_caption_above_media",
    "disable_content_type_detection",
    "allow_paid_broadcast",
}
FILE_PARAMS = {"photo", "document", "thumbnail", "certificate"}

# Keyword arguments of `telegram.Bot` that never reach the wire, or reach it under another name.
_NOT_SENT = {
    "self",
    "read_timeout",
    "write_timeout",
    "connect_timeout",
    "pool_timeout",
    "api_kwargs",
    "rate_limit_args",
    "filename",
}
_RENAMED = {
    "disable_web_page_preview": "link_preview_options",
    "reply_to_message_id": "reply_parameters",
    "allow_sending_without_reply": "reply_parameters",
}
_MISSING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
    "file_id": "invalid file_id",
    "user_id": "invalid user_id specified",
    "commands": 'parameter "commands" is required',
    "url": "bad webhook: Webhook URL must be provided",
}


def python_name(api_name: str) -> str:
    """getMe -> get_me: the `telegram.Bot` method behind an API method."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_name).lower()


@dataclass(frozen=True)
class MethodSpec:
    name: str
    allowed: frozenset[str]
    required: tuple[str, ...]

    def check(self, params: Params) -> None:
        for name in params:
            if name not in self.allowed:
                raise bad_request(f"unexpected parameter '{name}'")
        for name in self.required:
            if name not in params or (name == "chat_id" and params[name] == ""):
                raise bad_request(_MISSING.get(name, f'parameter "{name}" is required'))


@cache
def method_spec(api_name: str) -> MethodSpec:
    """Allowed and required parameters, from the signature of the matching `telegram.Bot` method."""
    signature = inspect.signature(getattr(telegram.Bot, python_name(api_name)))
    allowed: set[str] = set()
    required: list[str] = []
    for name, parameter in signature.parameters.items():
        if name in _NOT_SENT:
            continue
        allowed.add(_RENAMED.get(name, name))
        if parameter.default is inspect.Parameter.empty:
            required.append(name)
    return MethodSpec(api_name, frozenset(allowed), tuple(required))


async def read_params(request: Request) -> Params:
    """Every parameter of the call, decoded; files resolved from attach:// references."""
    raw: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if not isinstance(payload, dict):
                raise bad_request("JSON object expected as request body")
            raw.update(payload)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    content = await value.read()
                    mime = value.content_type or "application/octet-stream"
                    files[name] = UploadedFile(value.filename or name, content, mime)
                else:
                    raw[name] = value
    params = {name: _decode(name, value) for name, value in raw.items()}
    used: set[str] = set()
    for name in FILE_PARAMS & params.keys():
        value = params[name]
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part not in files:
                raise bad_request(f'file part "{part}" of "{name}" is missing from the request')
            params[name] = files[part]
            used.add(part)
    for name, file in files.items():
        if name not in used:
            params[name] = file
    return params


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value  # a JSON body carries typed values already
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {JSON_PARAMS[name]} JSON object") from None
    if name in INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            if name == "chat_id":
                return value  # "@channelusername"
            raise bad_request(f"invalid {name} specified") from None
    if name in FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
    if name in BOOL_PARAMS:
        lowered = value.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
        raise bad_request(f"invalid {name} specified")
    return value
