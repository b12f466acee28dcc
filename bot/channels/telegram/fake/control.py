"""A small JSON API to play the people from outside the process (the browser sandbox)."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.telegram.fake import qr

if TYPE_CHECKING:
    from bot.channels.telegram.fake.chats import FakeChat
    from bot.channels.telegram.fake.fake import FakeTelegram
    from bot.channels.telegram.fake.messages import FakeMessage
    from bot.channels.telegram.fake.people import FakeUser


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def control_routes(fake: FakeTelegram) -> list[Route]:
    def endpoint(action: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                return JSONResponse(await action(request))
            except _Refused as refused:
                return JSONResponse({"error": str(refused)}, status_code=refused.status)
            except AssertionError as refused:  # what the people cannot do (press a missing button…)
                return JSONResponse({"error": str(refused)}, status_code=400)

        return run

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            raise _Refused(400, "a JSON object is expected") from None
        if not isinstance(data, dict):
            raise _Refused(400, "a JSON object is expected")
        return data

    def user(data: dict[str, Any]) -> FakeUser:
        found = fake.users.get(data.get("user_id"))  # type: ignore[arg-type]
        if found is None:
            raise _Refused(404, f"no user {data.get('user_id')!r}")
        return found

    def chat(chat_id: object) -> FakeChat:
        found = fake.chats.get(chat_id)  # type: ignore[arg-type]
        if found is None:
            raise _Refused(404, f"no chat {chat_id!r}")
        return found

    def message(data: dict[str, Any]) -> FakeMessage:
        found = chat(data.get("chat_id")).message(data.get("message_id"))  # type: ignore[arg-type]
        if found is None:
            raise _Refused(404, f"no message {data.get('message_id')!r} in chat {data.get('chat_id')!r}")
        return found

    async def list_chats(request: Request) -> Any:
        return [
            {**c.to_json(), "bot_status": c.bot_status, "migrated_to": c.migrated_to, "messages": len(c.messages)}
            for c in fake.chats.values()
        ]

    async def list_messages(request: Request) -> Any:
        try:
            chat_id = int(request.path_params["chat_id"])
        except ValueError:
            raise _Refused(404, "chat ids are integers") from None
        return [message.to_json() for message in chat(chat_id).messages]

    async def download(request: Request) -> Response:
        stored = fake.files.by_id.get(request.path_params["file_id"])
        if stored is None:
            return JSONResponse({"error": "no such file"}, status_code=404)
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.file_name)}"
        return Response(stored.content, media_type=stored.mime_type or "image/jpeg", headers=headers)

    holds_qr: dict[str, bool] = {}  # by file id: a stored file never changes

    async def has_qr(request: Request) -> Any:
        """Whether a picture holds a QR code, as a phone's camera would find: the page offers to scan only
        those (a ticket, the check-in screen), never a chart. Decoded once per file, off the event loop."""
        file_id = request.path_params["file_id"]
        stored = fake.files.by_id.get(file_id)
        if stored is None:
            raise _Refused(404, "no such file")
        if file_id not in holds_qr:
            holds_qr[file_id] = bool(await asyncio.to_thread(qr.read, stored.content))
        return {"qr": holds_qr[file_id]}

    async def list_users(request: Request) -> Any:
        return [u.to_json() for u in fake.users.values()]

    async def create_user(request: Request) -> Any:
        data = await body(request)
        if not isinstance(data.get("first_name"), str) or not data["first_name"]:
            raise _Refused(400, "first_name is required")
        created = fake.add_user(
            data["first_name"],
            data.get("last_name"),
            language_code=data.get("language_code", "vi"),
            username=data.get("username"),
        )
        return created.to_json()

    async def send(request: Request) -> Any:
        data = await body(request)
        if not isinstance(data.get("text"), str) or not data["text"]:
            raise _Refused(400, "text is required")
        sender = user(data)
        target = chat(data["chat_id"]) if data.get("chat_id") is not None else None
        return sender.send(data["text"], target).to_json()

    async def press(request: Request) -> Any:
        data = await body(request)
        sender = user(data)
        return {"callback_query_id": sender.press(message(data), str(data.get("button", "")))}

    async def answer(request: Request) -> Any:
        """What the bot answered a button press with (a toast or an alert), once it has."""
        query_id = request.path_params["query_id"]
        if query_id not in fake.callback_queries:
            raise _Refused(404, f"no callback query {query_id!r}")
        given = fake.callback_answers.get(query_id)
        if given is None:
            return {"answered": False}
        return {"answered": True, "text": given.get("text"), "show_alert": bool(given.get("show_alert"))}

    async def forward(request: Request) -> Any:
        data = await body(request)
        return user(data).forward(message(data), chat(data.get("to_chat_id"))).to_json()

    async def open_link(request: Request) -> Any:
        data = await body(request)
        sent = user(data).open_link(str(data.get("url", "")))
        return {"opened": sent is not None, "chat_id": sent.chat_id if sent else None}

    async def scan(request: Request) -> Any:
        data = await body(request)
        text, sent = user(data).scan(message(data))
        return {"text": text, "opened": sent is not None, "chat_id": sent.chat_id if sent else None}

    async def send_document(request: Request) -> Any:
        data = await body(request)
        name = data.get("filename")
        if not isinstance(name, str) or not name:
            raise _Refused(400, "filename is required")
        try:
            content = base64.b64decode(str(data.get("content_base64", "")), validate=True)
        except binascii.Error:
            raise _Refused(400, "content_base64 is not base64") from None
        target = chat(data["chat_id"]) if data.get("chat_id") is not None else None
        return user(data).send_document(name, content, target, data.get("caption")).to_json()

    return [
        Route("/_control/chats", endpoint(list_chats), methods=["GET"]),
        Route("/_control/chats/{chat_id}/messages", endpoint(list_messages), methods=["GET"]),
        Route("/_control/users", endpoint(list_users), methods=["GET"]),
        Route("/_control/users", endpoint(create_user), methods=["POST"]),
        Route("/_control/send", endpoint(send), methods=["POST"]),
        Route("/_control/press", endpoint(press), methods=["POST"]),
        Route("/_control/answers/{query_id}", endpoint(answer), methods=["GET"]),
        Route("/_control/forward", endpoint(forward), methods=["POST"]),
        Route("/_control/open_link", endpoint(open_link), methods=["POST"]),
        Route("/_control/scan", endpoint(scan), methods=["POST"]),
        Route("/_control/send_document", endpoint(send_document), methods=["POST"]),
        Route("/_control/files/{file_id}", download, methods=["GET"]),
        Route("/_control/files/{file_id}/qr", endpoint(has_qr), methods=["GET"]),
    ]
