"""The sandbox's web page and the few JSON routes it adds to the fake Bot API's control API: who is
in the cast, the clock, and fast-forward. Every word the page shows comes from here, through
gettext, so the page speaks Vietnamese or English like the bot."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot import shelf, webhook
from bot.bootstrap import LoaLang
from bot.channels.sandbox import hints
from bot.channels.sandbox.clock import SandboxClock, next_due, sending
from bot.channels.sandbox.demo import Cast
from bot.channels.telegram.fake import FakeTelegram
from bot.channels.telegram.fake.chats import PRESENT
from bot.channels.zalo.fake import FakeZalo
from bot.channels.zalo.fake import control as zalo_control
from bot.config import SUPPORTED_LOCALES
from bot.i18n import N_, Translator
from bot.models import DeliveryKind

WEB = Path(__file__).resolve().parent / "web"
SENDING_WAIT = 5.0  # seconds fast-forward waits for the messages that fell due to go out (groups are paced)

LABELS = {
    "title": N_("Loa Làng sandbox"),
    "chats": N_("Chats"),
    "type_message": N_("Write a message…"),
    "send": N_("Send"),
    "attach": N_("Send a file"),
    "as": N_("Writing as"),
    "forward": N_("Forward"),
    "forward_to": N_("Forward to…"),
    "cancel": N_("Cancel"),
    "scan": N_("Scan the QR code"),
    "scan_as": N_("Scan this QR code with the phone of…"),
    "open_as": N_("Open this link on the phone of…"),
    "not_a_qr": N_("There is no Loa Làng QR code in this picture."),
    "fast_forward": N_("⏩ Jump to the next event"),
    "nothing_due": N_("Nothing else is scheduled."),
    "next": N_("Next"),
    "now": N_("Now"),
    "edited": N_("edited"),
    "back": N_("Back"),
    "empty_chat": N_("No messages yet."),
    "bot": N_("Loa Làng"),
    "file_sent": N_("File sent."),
    "close": N_("Close"),
    "open_picture": N_("Open the picture"),
    "zalo": N_("Zalo"),
}

OTHER_LANGUAGE = {"vi": "English", "en": "Tiếng Việt"}

ROLES = {
    "director": N_("Director"),
    "staff": N_("Staff"),
    "head": N_("Village head, {village}"),
    "resident": N_("Resident"),
    "newcomer": N_("New resident: has never opened the bot"),
    "zalo-newcomer": N_("New resident on Zalo: has never written to the bot"),
    "zalo-head": N_("Village head on Zalo, {village}"),
    "commune": N_("The commune's group"),
    "village": N_("Village group, {village}"),
}

WHAT = {
    DeliveryKind.ANNOUNCE: N_("announcement: {title}"),
    DeliveryKind.REMINDER: N_("reminder: {title}"),
    DeliveryKind.UPDATE: N_("change notice: {title}"),
    DeliveryKind.CANCEL: N_("cancellation notice: {title}"),
    DeliveryKind.NOTICE: N_("a message about: {title}"),
    None: N_("check-in opens: {title}"),
}
# with no activity to name: a village head's list for people without a phone names several, and a notice (a
# bulletin, a summary, a survey's invitation) may name none
UNTITLED = {
    DeliveryKind.REMINDER: N_("reminders for people without a phone, to their village head"),
    DeliveryKind.NOTICE: N_("a message from Loa Làng"),
}


@dataclass
class Page:
    """Filled in once the bot runs and the cast exists; until then the page is told to wait."""

    fake: FakeTelegram
    clock: SandboxClock
    timezone: str
    default_locale: str
    zalo: FakeZalo | None = None
    app: LoaLang | None = None
    cast: Cast | None = field(default=None)

    def routes(self) -> list[BaseRoute]:
        zalo = zalo_control.control_routes(self.zalo, self._zalo_chats) if self.zalo else []
        return [
            Route("/", self.index, methods=["GET"]),
            Mount("/static", app=StaticFiles(directory=WEB), name="static"),
            Route("/_control/sandbox", self.sandbox, methods=["GET"]),
            Route("/_control/clock", self.show_clock, methods=["GET"]),
            Route("/_control/clock/next", self.fast_forward, methods=["POST"]),
            Route(shelf.ROUTE, self.shared_file, methods=["GET"]),
            *zalo,
        ]

    def _zalo_chats(self) -> dict[int, str]:
        return {chat.chat_id: chat.zalo_id for chat in self.cast.chats if chat.zalo_id} if self.cast else {}

    async def shared_file(self, request: Request) -> Response:
        """A picture or file the bot handed out as a link (bot/shelf.py), as its web server serves it."""
        if self.app is None or self.app.shelf is None:
            return _starting()
        return await webhook.shared_file(self.app.shelf, request.path_params["token"])

    async def index(self, request: Request) -> Response:
        return FileResponse(WEB / "index.html")

    async def sandbox(self, request: Request) -> Response:
        if self.cast is None or self.app is None:
            return _starting()
        t = self._translator(request)
        labels = {key: t.gettext(text) for key, text in LABELS.items()}
        labels["language"] = OTHER_LANGUAGE[t.locale]  # a language's own name, never translated
        return JSONResponse(
            {
                "lang": t.locale,
                "timezone": self.timezone,
                "labels": labels,
                "bot": {"id": self.fake.bot_id, "username": self.fake.bot_username, "name": labels["bot"]},
                "hint": await self._hint(t),
                "chats": [self._chat(chat, t) for chat in self.cast.chats],
            }
        )

    async def show_clock(self, request: Request) -> Response:
        if self.app is None:
            return _starting()
        return JSONResponse(await self._clock(self._translator(request)))

    async def fast_forward(self, request: Request) -> Response:
        """Move time to the next event and let the bot act on it at once."""
        if self.app is None:
            return _starting()
        due = await next_due(self.app.db, self.clock())
        if due is not None:
            self.clock.move_to(due.at)
            await self.app.wakeup.poke()
            # Answer once what fell due is out, so that the next jump skips nothing.
            deadline = time.monotonic() + SENDING_WAIT
            for _ in range(int(SENDING_WAIT / 0.05)):
                if not await sending(self.app.db, self.clock()) or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
        answer = await self._clock(self._translator(request))
        # what the jump reached, for a script driving the page: the clock it shows may already be the one after
        answer["reached"] = None if due is None else {"kind": due.kind or "checkin", "title": due.title}
        return JSONResponse(answer)

    async def _clock(self, t: Translator) -> dict[str, Any]:
        assert self.app is not None
        now = self.clock()
        due = await next_due(self.app.db, now)
        upcoming = None
        if due is not None:
            upcoming = {
                "at": due.at.isoformat(),
                "shown": t.datetime(max(due.at, now), "HH:mm dd/MM"),
                "what": t.gettext(WHAT[due.kind]).format(title=due.title)
                if due.title
                else t.gettext(UNTITLED.get(due.kind, N_("a message from Loa Làng"))),
            }
        return {
            "now": now.isoformat(),
            "shown": t.datetime(now, "HH:mm · EEEE, dd/MM/yyyy"),
            "next": upcoming,
            "hint": await self._hint(t),  # the clock is polled, so the hint follows the visitor's progress
        }

    def _chat(self, chat: Any, t: Translator) -> dict[str, Any]:
        subtitle = t.gettext(ROLES[chat.role]).format(village=chat.village or "")
        if chat.kind == "zalo":
            assert self.zalo is not None
            name = self.zalo.users[chat.zalo_id].display_name
            member = {"user_id": chat.chat_id, "name": name, "role": subtitle}
            return {"chat_id": chat.chat_id, "kind": "zalo", "title": name, "subtitle": subtitle, "members": [member]}
        if chat.kind == "private":
            user = self.fake.users[chat.chat_id]
            members = [user]
            title = _name(user.first_name, user.last_name)
        else:
            group = self.fake.chats[chat.chat_id]
            members = [self.fake.users[i] for i, status in group.members.items() if status in PRESENT]
            title = group.title or ""
        roles = {c.chat_id: c for c in self.cast.chats if c.kind == "private"} if self.cast else {}
        return {
            "chat_id": chat.chat_id,
            "kind": chat.kind,
            "title": title,
            "subtitle": subtitle,
            "members": [
                {
                    "user_id": user.id,
                    "name": _name(user.first_name, user.last_name),
                    "role": t.gettext(ROLES[roles[user.id].role]).format(village=roles[user.id].village or "")
                    if user.id in roles
                    else "",
                }
                for user in members
            ],
        }

    async def _hint(self, t: Translator) -> str:
        if self.cast is None or self.app is None:
            return ""
        return await hints.hint(self.app.db, self.cast, t, self.app.channel.name)

    def _translator(self, request: Request) -> Translator:
        wanted = request.query_params.get("lang", self.default_locale)
        return Translator(wanted if wanted in SUPPORTED_LOCALES else self.default_locale, self.timezone)


class JsonPostsOnly(BaseHTTPMiddleware):
    """A page on another site can POST a form or plain text here without asking; a JSON body needs a
    CORS preflight, which this server never grants."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        json_body = request.headers.get("content-type", "").startswith("application/json")
        if request.method == "POST" and request.url.path.startswith("/_control/") and not json_body:
            return JSONResponse({"error": "a JSON body is required"}, status_code=415)
        return await call_next(request)


def _name(first: str, last: str | None) -> str:
    """Vietnamese order: family and middle names first."""
    return f"{last} {first}" if last else first


def _starting() -> Response:
    return JSONResponse({"error": "the sandbox is starting"}, status_code=503)
