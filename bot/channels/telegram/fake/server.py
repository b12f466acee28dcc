"""The HTTP face of the fake: Bot API routes, file downloads and the control API, as one ASGI app."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import telegram
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.fake_http import IN_PROCESS, TIMED_OUT
from bot.channels.telegram.fake import errors
from bot.channels.telegram.fake.control import control_routes
from bot.channels.telegram.fake.errors import ApiError
from bot.channels.telegram.fake.faults import Fault
from bot.channels.telegram.fake.methods import METHODS, SENDS, check_types, lookup, success
from bot.channels.telegram.fake.params import Params, method_spec, python_name, read_params

if TYPE_CHECKING:
    from bot.channels.telegram.fake.fake import FakeTelegram

log = logging.getLogger(__name__)

LONGEST_HANG = 300.0  # over a real socket, an injected timeout hangs until the client gives up


@dataclass
class ApiCall:
    """One Bot API call as the fake saw it. status 0: no answer was given (an injected timeout)."""

    method: str
    params: Params
    status: int
    response: dict[str, Any] | None = field(default=None, repr=False)
    timed_out: bool = False
    at: float = field(default_factory=time.monotonic, repr=False)  # when the fake answered (benchmarks time it)

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.timed_out


def build_app(fake: FakeTelegram) -> Starlette:
    async def bot_api(request: Request) -> Response:
        return await _call(fake, request)

    async def download(request: Request) -> Response:
        if request.path_params["token"] != fake.token:
            return _json(errors.unauthorized().body(), 401)
        stored = fake.files.by_path.get(request.path_params["path"])
        if stored is None:
            return _json(errors.not_found().body(), 404)
        return Response(stored.content, media_type=stored.mime_type or "application/octet-stream")

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", download, methods=["GET"]),
            *control_routes(fake),
        ]
    )


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=status, media_type="application/json", headers=headers)


async def _call(fake: FakeTelegram, request: Request) -> Response:
    requested = request.path_params["method"]
    name = lookup(requested) or requested
    params: Params = {}
    fault: Fault | None = None
    try:
        if request.path_params["token"] != fake.token:
            raise errors.unauthorized()
        if name not in METHODS:
            raise _unknown(name)
        params = await read_params(request)
        method_spec(name).check(params)
        check_types(params)
        fault = fake.faults.take(name, params.get("chat_id"))
        if fault is not None and not fault.times_out:
            raise fault.error()
        if fault is None or fault.delivered:
            limited = _limited(fake, name, params)
            if limited is not None:
                wait = fake.limiter.wait(limited[0], group=limited[1], scale=fake.limit_scale)
                if wait is not None:
                    raise errors.too_many_requests(wait)
            body, status = success(await METHODS[name](fake, params)), 200
            if limited is not None:
                fake.limiter.record(limited[0], group=limited[1])
        else:
            body, status = {}, 0
    except ApiError as error:
        body, status = error.body(), error.status
    if fault is not None and fault.times_out:
        fake.calls.append(ApiCall(name, params, status, body or None, timed_out=True))
        return await _time_out(request, body, status)
    fake.calls.append(ApiCall(name, params, status, body))
    if status != 200:
        log.debug("%s answered %s: %s", name, status, body.get("description"))
    return _json(body, status)


def _unknown(name: str) -> ApiError:
    if hasattr(telegram.Bot, python_name(name)):
        log.warning("the fake Bot API does not implement %s", name)
        return ApiError(404, f"Not Found: the fake Bot API does not implement {name}")
    return errors.not_found()


def _limited(fake: FakeTelegram, name: str, params: Params) -> tuple[int, bool] | None:
    """(chat id, is a group) when this call counts against Telegram's broadcast limits."""
    chat_id = params.get("chat_id")
    if not fake.enforce_limits or name not in SENDS or not isinstance(chat_id, int):
        return None
    chat = fake.chats.get(chat_id)
    return chat_id, bool(chat and chat.is_group)


async def _time_out(request: Request, body: dict[str, Any], status: int) -> Response:
    """In-process, tell the transport to raise ReadTimeout; over a socket, hang until the client leaves."""
    if request.headers.get(IN_PROCESS):
        return _json(body, status or 504, {TIMED_OUT: "1"})
    loop = asyncio.get_running_loop()
    give_up = loop.time() + LONGEST_HANG
    while loop.time() < give_up:
        if await request.is_disconnected():
            break
        await asyncio.sleep(0.05)
    return _json(errors.ApiError(504, "Gateway Timeout").body(), 504)
