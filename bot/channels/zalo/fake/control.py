"""A small JSON API to play Zalo's people from outside the process (the browser sandbox): read a chat, type in
it. Messages are given in the shape the sandbox's page draws (ids counted from 1, dates in seconds, `from` with
`is_bot`), with a picture as the address Zalo fetched it from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from bot.channels.zalo.fake.fake import FakeZalo


def control_routes(fake: FakeZalo, ids: Callable[[], Mapping[int, str]], prefix: str = "/_control/zalo") -> list[Route]:
    """`ids()`: the page's number for each Zalo chat it shows (the page counts chats with numbers), to Zalo's id."""

    def found(chat_id: str) -> str | None:
        zalo_id = ids().get(int(chat_id)) if chat_id.isdigit() else None
        return zalo_id if zalo_id in fake.chats else None

    async def chats(request: Request) -> Response:
        shown = ids()
        return JSONResponse(
            [{"id": n, "messages": len(fake.chats[z].messages)} for n, z in shown.items() if z in fake.chats]
        )

    async def messages(request: Request) -> Response:
        zalo_id = found(request.path_params["chat_id"])
        if zalo_id is None:
            return JSONResponse({"error": "no such chat"}, status_code=404)
        number = int(request.path_params["chat_id"])
        return JSONResponse([_shown(fake, number, index, m) for index, m in enumerate(fake.chats[zalo_id].messages, 1)])

    async def send(request: Request) -> Response:
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
            return JSONResponse({"error": "a chat_id and a text are expected"}, status_code=400)
        zalo_id = found(str(data.get("chat_id")))
        user = fake.users.get(zalo_id or "")
        if user is None:
            return JSONResponse({"error": "no such person"}, status_code=404)
        user.send(data["text"][:2000])
        return JSONResponse({"ok": True})

    return [
        Route(f"{prefix}/chats", chats, methods=["GET"]),
        Route(prefix + "/chats/{chat_id}/messages", messages, methods=["GET"]),
        Route(f"{prefix}/send", send, methods=["POST"]),
    ]


def _shown(fake: FakeZalo, chat: int, index: int, message: Any) -> dict[str, Any]:
    """A private chat's person is named by the page's number for the chat."""
    person = fake.users.get(message.chat_id)
    author = (
        {"id": fake.bot_id, "first_name": fake.account_name, "is_bot": True}
        if message.from_bot
        else {"id": chat, "first_name": person.display_name if person else "", "is_bot": False}
    )
    shown: dict[str, Any] = {"message_id": index, "date": message.date // 1000, "from": author}
    if message.photo_url:
        shown["photo_url"] = message.photo_url
        if message.caption:
            shown["caption"] = message.caption
    else:
        shown["text"] = message.text
    return shown
