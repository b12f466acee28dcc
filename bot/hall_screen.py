"""The hall screen: a web page for the hall's laptop or projector that shows the open session's check-in code and
its QR code, large enough to read from the back of the hall, so residents check in from their seats instead of
queueing at a phone. Served by the bot's web server (bot/webhook.py) and the sandbox at ROUTE.

Only staff are given its link (bot/services/hall.py). No script: the page reloads itself (a meta refresh) a second
after each minute turns, when the code changes, and every half minute before check-in opens. Before the window it
says when check-in opens; after it (or once staff closed check-in) that check-in has closed (status 410), for half a
day; a
made-up or long-expired link gets a short page in Vietnamese and English with status 404.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

import segno
from starlette.responses import HTMLResponse, Response

from bot import cards
from bot.database import Database
from bot.i18n import N_, Translator
from bot.messaging import Messenger
from bot.models import LIVE, Activity, Center
from bot.services import checkin, hall

ROUTE = "/hall/{token}"  # hall.PATH as a web server's route
WAITING_REFRESH = 30  # seconds between reloads before check-in opens
HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
}
NOT_FOUND = N_("This page does not exist, or its link has expired. Please ask the center's staff for the new link.")
STYLE = """
html, body { margin: 0; min-height: 100%; background: #fff; color: #111;
  font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
main { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: 2vh 5vw;
  min-height: 100vh; padding: 3vh 3vw; box-sizing: border-box; text-align: center; }
h1 { font-size: clamp(1.6rem, 4.2vw, 4rem); margin: 0 0 1vh; }
p { font-size: clamp(1.2rem, 2.8vw, 2.8rem); margin: 0.4em 0; }
.code { font-size: clamp(6rem, 21vw, 24rem); font-weight: 800; line-height: 1; letter-spacing: 0.08em;
  font-variant-numeric: tabular-nums; margin: 2vh 0; }
.qr svg { width: min(72vh, 40vw); height: auto; }
.quiet { color: #555; }
"""


async def page(
    db: Database, token: str, now: datetime, *, channels: Iterable[Messenger], default_locale: str
) -> Response:
    """The screen for the session the link names: its code, when check-in opens, that it closed, or 404."""
    async with db.session() as session:
        current = await hall.by_token(session, token, now)
        activity = await session.get(Activity, current.activity_id) if current else None
        center = await session.get(Center, activity.center_id) if activity else None
        if current is None or activity is None or center is None:
            return not_found()
        t = Translator(center.locale or default_locale, center.timezone)
        heading = t.gettext("Check-in: {title}").format(title=activity.title)
        when = cards.when_from(current.starts_at, 1, t)
        about = " · ".join(part for part in (when, activity.place) if part)
        if activity.status not in LIVE or current.closed_at is not None or now > hall.window_ends(current):
            closed = t.gettext("Check-in for this session has closed.")
            body = f"<section><h1>{_(heading)}</h1><p>{_(about)}</p><p>{_(closed)}</p></section>"
            return _page(t, heading, body, refresh=None, status=410)
        opens = current.starts_at - checkin.BEFORE
        if now < opens:
            says = t.gettext("Check-in opens at {time}.").format(time=t.datetime(opens, "HH:mm, dd/MM/yyyy"))
            body = f"<section><h1>{_(heading)}</h1><p>{_(about)}</p><p>{_(says)}</p></section>"
            return _page(t, heading, body, refresh=WAITING_REFRESH)
        code = checkin.code(center.secret, current.id, checkin.minute_of(now))
    link = _qr_link(channels, f"k{current.id}-{code}")
    how = (
        t.gettext("Send these 4 numbers to Loa Làng, or scan the QR code with the phone's camera.")
        if link
        else t.gettext("Send these 4 numbers to Loa Làng.")
    )
    follows = t.gettext("The code changes every minute; this screen follows by itself.")
    body = (
        f"<section><h1>{_(heading)}</h1><p>{_(about)}</p>"
        f'<div class="code" id="code">{code}</div>'
        f'<p>{_(how)}</p><p class="quiet">{_(follows)}</p></section>'
    )
    if link:
        qr = segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=True, title=code)
        body += f'<section class="qr">{qr}</section>'
    return _page(t, heading, body, refresh=61 - now.second)


def not_found() -> Response:
    """A made-up or expired link: in Vietnamese and in English, since nothing says whose center it was."""
    said = "".join(f'<p lang="{locale}">{_(Translator(locale).gettext(NOT_FOUND))}</p>' for locale in ("vi", "en"))
    return HTMLResponse(_html("vi", "404", f"<section>{said}</section>", None), status_code=404, headers=HEADERS)


def _qr_link(channels: Iterable[Messenger], payload: str) -> str | None:
    """The QR opens the first messenger that has links into the bot (Telegram); Zalo's residents type the code."""
    return next((channel.deep_link(payload) for channel in channels if channel.capabilities.links), None)


def _page(t: Translator, title: str, body: str, refresh: int | None, status: int = 200) -> Response:
    return HTMLResponse(_html(t.locale, title, body, refresh), status_code=status, headers=HEADERS)


def _html(locale: str, title: str, body: str, refresh: int | None) -> str:
    reload = f'<meta http-equiv="refresh" content="{refresh}">' if refresh is not None else ""
    return (
        f'<!doctype html><html lang="{_(locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex">{reload}<title>{_(title)}</title><style>{STYLE}</style></head>'
        f"<body><main>{body}</main></body></html>"
    )


def _(text: str) -> str:
    return html.escape(text, quote=False)  # text between tags only: the attributes are our own
