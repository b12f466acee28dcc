"""A small JSON API to play the people from outside the process (the browser sandbox)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from bot.channels.fake_telegram.chats import FakeChat
    from bot.channels.fake_telegram.fake import FakeTelegram
    from bot.channels.fake_telegram.people import FakeUser


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
        message = chat(data.get("chat_id")).message(data.get("message_id"))  # type: ignore[arg-type]
        if message is None:
            raise _Refused(404, f"no message {data.get('message_id')!r} in chat {data.get('chat_id')!r}")
        return {"callback_query_id": sender.press(message, str(data.get("button", "")))}

    return [
        Route("/_control/chats", endpoint(list_chats), methods=["GET"]),
        Route("/_control/chats/{chat_id}/messages", endpoint(list_messages), methods=["GET"]),
        Route("/_control/users", endpoint(list_users), methods=["GET"]),
        Route("/_control/users", endpoint(create_user), methods=["POST"]),
        Route("/_control/send", endpoint(send), methods=["POST"]),
        Route("/_control/press", endpoint(press), methods=["POST"]),
    ]
