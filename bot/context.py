"""What a journey gets: the open transaction, who is speaking, their language, and a place to
put the replies it wants sent. Nothing is sent from here: the dispatcher sends after commit. A message to
anyone else is an outbox row (bot/notices.py), not a reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import shelf
from bot.address import address_of
from bot.config import Settings
from bot.i18n import Translator, pick_locale
from bot.messaging import Attachment, Capabilities, Edit, Event, Incoming, Keyboard, Menu, Messenger, Outcome, Send
from bot.models import Center, Person
from bot.registry import Registry, Where


@dataclass
class Context:
    session: AsyncSession
    incoming: Incoming
    person: Person | None
    center: Center | None
    t: Translator
    now: datetime
    settings: Settings
    registry: Registry
    deep_link: Callable[[str], str]
    download: Callable[[str], Awaitable[bytes]]
    outcome: Outcome = field(default_factory=Outcome)
    withdrawn: Person | None = None  # the sender withdrew their consent: a stranger but for their rights
    can: Capabilities = field(default_factory=Capabilities)  # what the sender's messenger can do
    channels: Mapping[str, Messenger] = field(default_factory=dict)  # every messenger the bot serves

    def _(self, message: str, **fields: object) -> str:
        text = self.t.gettext(message)
        return text.format(**fields) if fields else text

    @property
    def is_button(self) -> bool:
        return self.incoming.event is Event.BUTTON

    def reply(
        self,
        text: str,
        choices: Keyboard = (),
        image: bytes | None = None,
        file: Attachment | None = None,
        tag: str | None = None,
        draw: Callable[[], bytes] | None = None,
        *,
        typed_answer: bool = False,
    ) -> None:
        """`typed_answer`: the question is answered with a number of its own (a count), so where a channel has
        no buttons its choices are shown with their typed commands, not numbered (bot/choices.py). A file goes as
        a link where the messenger takes none (bot/shelf.py), saved with the rest of the answer."""
        if file is not None and not self.can.files:
            text = f"{text}\n\n{self._file_link(file)}"
            file = None
        self.outcome.effects.append(
            Send(
                self.incoming.chat,
                text,
                choices,
                image=image,
                file=file,
                tag=tag,
                draw=draw,
                typed_answer=typed_answer,
            )
        )

    def _file_link(self, file: Attachment) -> str:
        base = self.settings.public_base_url
        if base is None:
            return self._("This messenger cannot carry files. Please ask the center for a copy.")
        owner = self.person.id if self.person is not None else None
        link = shelf.keep(self.session, base, file.content, file.filename, self.now, owner=owner)
        return self._("📎 Open it here (the link works for 24 hours): {link}", link=link)

    def close_buttons(self, *, answered: bool = True) -> None:
        """Take the buttons off the message that was just pressed, so it cannot be pressed twice, and keep the
        answer on it ("Nữ" under "…nữ hay nam?") where the messenger told which button it was; `answered=False`
        for a press that answers nothing (a stale button)."""
        if not self.is_button or self.incoming.message_id is None:
            return
        shown, label = self.incoming.shown, self.incoming.pressed
        text = (
            f"{shown}\n\n{label if not label[:1].isalnum() else '✔ ' + label}" if answered and shown and label else None
        )
        self.outcome.effects.append(Edit(self.incoming.chat, self.incoming.message_id, text))

    def toast(self, text: str) -> None:
        self.outcome.toast = text

    def translator_for(self, person: Person) -> Translator:
        """The language another person reads in, for messages sent to them."""
        locale = pick_locale(
            person.language,
            person.messenger_language,
            self.center.locale if self.center else None,
            self.settings.default_locale,
        )
        return Translator(locale, self.t.timezone, address_of(person, self.now.date(), locale))

    def readdress(self) -> None:
        """Address the sender anew, once their language, gender or birth year changed."""
        self.t = self.t.to(address_of(self.person, self.now.date(), self.t.locale))

    def refresh_menu(self, person: Person) -> None:
        """Show the person the command menu of their current roles, in their language."""
        t = self.translator_for(person)
        commands = self.registry.menu_of(person, Where.PRIVATE)
        for account in person.accounts:
            self.outcome.effects.append(
                Menu(tuple((c.name, t.gettext(c.description)) for c in commands), chat=account.chat)
            )
