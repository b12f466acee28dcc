"""The page's hint bar: the one next step of the tour, read from what the visitor has done so far.

With the demo, the tour follows Vũ Thị Mai, the newcomer: agree, answer the profile, register from her
village group's card, check in, then see her counted in the director's /stats. In an empty center it follows
the director: claim the center, create and publish an activity, then watch it go out. The hint is worked out
from the database (not from what the page saw), so it is right after a restart or in a second tab too.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.sandbox.demo import Cast
from bot.database import Database
from bot.i18n import N_, Translator
from bot.models import (
    Account,
    Activity,
    ActivityStatus,
    Attendance,
    Person,
    Registration,
    RegistrationStatus,
    Role,
    RoleKind,
)

START = N_(
    "Start here: open the chat of Vũ Thị Mai, a resident who has never used the bot, and type /start. "
    "Then open the Thôn Thượng group and press “Register” on a card as Mai. On Zalo, Lò Thị Sen has "
    "never written to the bot: say hello and answer by typing."
)
PROFILE = N_("Next step: in Vũ Thị Mai's chat, answer the questions: name, gender, year of birth, village.")
REGISTER = N_(
    "Next step: open the Thôn Thượng group, choose Vũ Thị Mai under “Writing as” and press “Register” on a card."
)
CHECK_IN = N_(
    "Next step: press “⏩ Jump to the next event” until the check-in of Mai's activity opens; then send /checkin "
    "in Đinh Thị Thu's chat and type the code in Mai's chat."
)
STATS = N_(
    "Next step: in Phạm Văn Hùng's chat, send /stats to see Mai counted. On Zalo, Lò Thị Sen has never written "
    "to the bot: say hello."
)
CLAIM = N_("An empty center: in the director's chat, type /start {code} to claim it, then /help.")
CLAIMING = N_("Next step: in the director's chat, answer the questions to finish claiming the center.")
PUBLISH = N_("Next step: in the director's chat, send /new to create an activity and publish it.")
PUBLISHED = N_(
    "Next step: press “⏩ Jump to the next event” to send the reminders; /stats in the director's chat shows "
    "who registered."
)


async def hint(db: Database, cast: Cast, t: Translator, channel: str) -> str:
    """The next step for the visitor, in the page's language."""
    async with db.session() as session:
        if cast.claim:
            director = await session.scalar(select(exists().where(Role.kind == RoleKind.DIRECTOR)))
            if not director:
                claiming = await _person(session, cast, "director", channel)
                return t.gettext(CLAIMING) if claiming is not None else t.gettext(CLAIM).format(code=cast.claim)
            published = await session.scalar(
                select(exists().where(Activity.status.not_in((ActivityStatus.DRAFT, ActivityStatus.CANCELLED))))
            )
            return t.gettext(PUBLISHED if published else PUBLISH)
        mai = await _person(session, cast, "newcomer", channel)
        if mai is None or mai.consent_at is None:
            return t.gettext(START)
        if not mai.profile_complete:
            return t.gettext(PROFILE)
        if await session.scalar(select(exists().where(Attendance.person_id == mai.id))):
            return t.gettext(STATS)
        registered = exists().where(
            Registration.person_id == mai.id, Registration.status == RegistrationStatus.REGISTERED
        )
        return t.gettext(CHECK_IN if await session.scalar(select(registered)) else REGISTER)


async def _person(session: AsyncSession, cast: Cast, role: str, channel: str) -> Person | None:
    """Who the bot knows behind the private chat of the cast's `role`, once they have written to it."""
    chat = next((chat.chat_id for chat in cast.chats if chat.role == role and chat.kind == "private"), None)
    return await session.scalar(
        select(Person).join(Account).where(Account.channel == channel, Account.external_id == str(chat))
    )
