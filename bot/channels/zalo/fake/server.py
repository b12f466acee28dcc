"""The HTTP face of the fake Zalo Bot API: the same methods, envelopes and errors as ../shared/ZALO.md, refusing
what Zalo refuses (a text over 2,000 characters, a keyboard, an unknown chat, a photo that is not a URL it can
fetch), with faults on demand (a server error, a timeout, a 429)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.fake_http import IN_PROCESS, TIMED_OUT

if TYPE_CHECKING:
    from bot.channels.zalo.fake.fake import FakeZalo

TEXT = 2000
SENDS = {"sendMessage", "sendPhoto", "sendSticker", "sendChatAction"}


class ZaloRefusal(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.code, "description": self.description}


@dataclass
class ZaloCall:
    method: str
    params: dict[str, Any]
    code: int  # 200, Zalo's error code, or 0 for a call that never got an answer
    at: float = field(default_factory=time.monotonic, repr=False)


@dataclass
class ZaloFault:
    """An injected failure: an error answer (`code`), or a timeout (optionally after the call took effect)."""

    code: int = 0
    description: str = ""
    times_out: bool = False
    delivered: bool = False

    @classmethod
    def server_error(cls, code: int = 502) -> ZaloFault:
        return cls(code, "Bad Gateway")

    @classmethod
    def too_many_requests(cls) -> ZaloFault:
        return cls(429, "Too Many Requests: quota exceeded")

    @classmethod
    def timeout(cls, delivered: bool = False) -> ZaloFault:
        return cls(times_out=True, delivered=delivered)


def build_app(fake: FakeZalo) -> Starlette:
    async def bot_api(request: Request) -> Response:
        method = request.path_params["method"]
        params: dict[str, Any] = {}
        fault: ZaloFault | None = None
        try:
            if request.path_params["token"] != fake.token:
                raise ZaloRefusal(401, "Unauthorized")
            params = await _params(request)
            handler = METHODS.get(method)
            if handler is None:
                raise ZaloRefusal(404, "Not Found")
            fault = fake.take_fault(method, params.get("chat_id"))
            if fault is not None and not fault.times_out:
                raise ZaloRefusal(fault.code, fault.description)
            if fault is None or fault.delivered:
                if method in SENDS and fake.over_limit():
                    raise ZaloRefusal(429, "Too Many Requests: quota exceeded")
                if method == "getUpdates":  # a long poll ends early when its client has gone
                    result = await get_updates(fake, params, request.is_disconnected)
                else:
                    result = await handler(fake, params)
                body, code = {"ok": True, "result": result}, 200
            else:
                body, code = {}, 0
        except ZaloRefusal as refusal:
            body, code = refusal.body(), refusal.code
        if fault is not None and fault.times_out:
            fake.calls.append(ZaloCall(method, params, 0))
            return await _time_out(request)
        fake.calls.append(ZaloCall(method, params, code))
        return Response(json.dumps(body, ensure_ascii=False), media_type="application/json", status_code=200)

    return Starlette(routes=[Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"])])


async def _params(request: Request) -> dict[str, Any]:
    """JSON, a form, or the query: Zalo takes all three."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            try:
                data = json.loads(await request.body() or b"{}")
            except ValueError:
                raise ZaloRefusal(400, "Bad Request: the body is not JSON") from None
            if not isinstance(data, dict):
                raise ZaloRefusal(400, "Bad Request: the body is not an object")
            params.update(data)
        elif kind:
            params.update(dict(await request.form()))
    return params


def _chat(fake: FakeZalo, params: dict[str, Any]) -> str:
    chat_id = params.get("chat_id")
    if not isinstance(chat_id, str) or not chat_id:
        raise ZaloRefusal(400, "Bad Request: chat_id must be a string")
    if any(key in params for key in ("reply_markup", "keyboard", "buttons")):
        raise ZaloRefusal(400, "Bad Request: keyboards are not supported")
    user = fake.users.get(chat_id)
    if chat_id not in fake.chats or not fake.chats[chat_id].messages:
        raise ZaloRefusal(404, "Not Found: the chat does not exist or the user has not written to the bot")
    if user is not None and user.blocked_bot:
        raise ZaloRefusal(403, "Forbidden: the user has blocked the bot")
    return chat_id


def _text(value: object, what: str, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ZaloRefusal(400, f"Bad Request: {what} is required")
    if len(value) > TEXT:
        raise ZaloRefusal(400, f"Bad Request: {what} is longer than {TEXT} characters")
    return value


async def get_me(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    return {"id": fake.bot_id, "account_name": fake.account_name, "account_type": "BASIC", "can_join_groups": False}


async def get_updates(
    fake: FakeZalo, params: dict[str, Any], gone: Callable[[], Awaitable[bool]] | None = None
) -> dict[str, Any]:
    if fake.webhook.get("url"):
        raise ZaloRefusal(400, "Bad Request: getUpdates does not work while a webhook is set")
    try:
        wait = min(float(params.get("timeout", "30")), fake.longest_poll)
    except ValueError:
        raise ZaloRefusal(400, "Bad Request: timeout must be a number of seconds") from None
    update = await fake.next_update(wait, gone)
    if update is None:
        raise ZaloRefusal(408, "Request Timeout")
    return update


async def set_webhook(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    url, secret = params.get("url"), params.get("secret_token")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ZaloRefusal(400, "Bad Request: url must be an https:// address")
    if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
        raise ZaloRefusal(400, "Bad Request: secret_token must be 8 to 256 characters")
    fake.webhook = {"url": url, "secret_token": secret}
    return {"url": url, "updated_at": fake.now_ms()}


async def delete_webhook(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    fake.webhook = {}
    return {"url": "", "updated_at": fake.now_ms()}


async def get_webhook_info(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    return {"url": fake.webhook.get("url", ""), "updated_at": fake.now_ms()}


async def send_message(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = _chat(fake, params)
    text = _text(params.get("text"), "text", required=True)
    message = fake.bot_said(chat_id, text=text)
    return {"message_id": message.message_id, "date": message.date}


async def send_photo(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = _chat(fake, params)
    caption = _text(params.get("caption"), "caption", required=False)
    url = params.get("photo")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ZaloRefusal(400, "Bad Request: photo must be the URL of a picture")
    content = await fake.fetch(url)
    if content is None:
        raise ZaloRefusal(400, "Bad Request: the photo could not be fetched")
    message = fake.bot_said(chat_id, photo_url=url, photo=content, caption=caption or None)
    return {"message_id": message.message_id, "date": message.date}


async def send_sticker(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = _chat(fake, params)
    message = fake.bot_said(chat_id, text="[sticker]")
    return {"message_id": message.message_id, "date": message.date}


async def send_chat_action(fake: FakeZalo, params: dict[str, Any]) -> dict[str, Any]:
    _chat(fake, params)
    if params.get("action") != "typing":
        raise ZaloRefusal(400, "Bad Request: action must be typing")
    return {}


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendSticker": send_sticker,
    "sendChatAction": send_chat_action,
}


async def fetch_picture(client: httpx.AsyncClient, url: str) -> bytes | None:
    try:
        response = await client.get(url)
    except httpx.HTTPError:
        return None
    if response.status_code != 200 or not response.headers.get("content-type", "").startswith("image/"):
        return None
    return response.content


async def _time_out(request: Request) -> Response:
    """In-process, tell the transport to raise ReadTimeout; over a socket, hang until the client leaves."""
    if request.headers.get(IN_PROCESS):
        return Response(b"{}", media_type="application/json", headers={TIMED_OUT: "1"})
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 300.0
    while loop.time() < give_up:
        if await request.is_disconnected():
            break
        await asyncio.sleep(0.05)
    return Response(status_code=504)
