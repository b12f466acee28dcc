"""The hall screen's link, and who is told when a session's check-in opens.

The link is PUBLIC_BASE_URL/hall/<token>: the token is a random secret kept on the session (32 random bytes,
unguessable), made the first time the link is offered, and it works only while the session's check-in window is
open; it names nothing else, so only those it was given to (staff) can open the screen. Without PUBLIC_BASE_URL
the bot has no web address and no link is offered.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard
from bot.models import Activity, ActivitySession, Person, Role, RoleKind
from bot.services import checkin, people

PATH = "/hall/{token}"
SAYS_CLOSED = timedelta(hours=12)  # after the window, the page says check-in closed; later the link is unknown
TOLD = (RoleKind.DIRECTOR, RoleKind.STAFF)
BUTTON = N_("🖥 Open the hall screen")


def screen_buttons(session_id: int, link: str | None, t: Translator) -> Keyboard:
    """Under the staff's check-in screen: the QR, and the hall screen's link when there is one (a button, or on a
    messenger without buttons the address written out)."""
    qr = (Choice(t.gettext("📷 Show the QR"), f"/checkinqr {session_id}"),)
    return (qr, (Choice(t.gettext(BUTTON), url=link),)) if link else (qr,)


def address(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + PATH.format(token=token)


async def link(session: AsyncSession, activity_session: ActivitySession, base_url: str | None) -> str | None:
    """The session's hall-screen address, its token made now if it has none; None without a web address. Two
    processes making it at once agree: only the first token is written, and both read that one back."""
    if not base_url:
        return None
    await session.execute(
        update(ActivitySession)
        .where(ActivitySession.id == activity_session.id, ActivitySession.hall_token.is_(None))
        .values(hall_token=secrets.token_urlsafe(32))
        .execution_options(synchronize_session=False)
    )
    token = await session.scalar(select(ActivitySession.hall_token).where(ActivitySession.id == activity_session.id))
    assert token is not None
    return address(base_url, token)


def window_ends(activity_session: ActivitySession) -> datetime:
    """When the screen stops showing a code: the end of the window, or when staff closed check-in."""
    ends = activity_session.starts_at + checkin.AFTER
    return min(ends, activity_session.closed_at) if activity_session.closed_at is not None else ends


async def by_token(session: AsyncSession, token: str, now: datetime) -> ActivitySession | None:
    """The session a link names, unless it is made up or long expired (half a day after its window)."""
    if not token or len(token) > 64:
        return None
    found = await session.scalar(select(ActivitySession).where(ActivitySession.hall_token == token))
    if found is None or now > window_ends(found) + SAYS_CLOSED:
        return None
    return found


async def to_tell(session: AsyncSession, activity: Activity) -> list[Person]:
    """Who is told that check-in opened: whoever created the activity, while they are still its center's director
    or staff; for an activity nobody holding such a role created (imported from a plan, made by someone since
    gone), the center's director and staff. One person who runs the session, rather than every staff member for
    every session; nobody when nobody can be reached."""
    placed = select(Role.person_id).where(Role.center_id == activity.center_id, Role.kind.in_(TOLD))
    holders = list(await session.scalars(select(Person).where(Person.id.in_(placed)).order_by(Person.id)))
    creator = next((p for p in holders if p.id == activity.created_by_id), None)
    chosen = [creator] if creator is not None else holders
    return [person for person in chosen if people.reachable(person)]
