"""The core's front door: one incoming message in, one transaction, then the replies out.

Save first, send second: a journey only collects what it wants sent; the collected messages go
out after the commit, and a rollback (a refusal or a crash) drops them with the data.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot import choices, typed
from bot.address import address_of
from bot.config import Settings
from bot.context import Context
from bot.database import Database
from bot.errors import Refusal
from bot.flood import FloodGuard, Verdict
from bot.i18n import N_, Translator, pick_locale
from bot.messaging import (
    ChatMoved,
    ChatRef,
    Edit,
    Effect,
    Event,
    Incoming,
    Menu,
    Messenger,
    Outcome,
    RecipientGone,
    Send,
)
from bot.models import Center, Conversation, Person
from bot.registry import Access, Registry, Where, access_of, allowed
from bot.services import conversations, groups, outbox, people, recipients
from bot.services.conversations import ASKED, QUESTION
from bot.services.regions import officer_region

log = logging.getLogger(__name__)

SLOW_DOWN = N_("You are sending messages faster than I can read them. Please wait a minute, then try again.")
TYPE_INSTEAD = N_(
    "I didn't understand that. You can type:\n• events: what is coming up\n• my: your registrations\n"
    "• the 4 numbers shown at the hall: to check in\n• help: everything I can do"
)
FOUR_DIGITS = re.compile(r"^[0-9]{4}$")  # ASCII only: \d would match other scripts' digits too

DENIED = {
    Access.MEMBER: N_("Please send /start and agree to the privacy notice first."),
    Access.HELPER: N_("Sorry, only the center's director, staff and village heads can use /{command}."),
    Access.STAFF: N_("Sorry, only the center's director and staff can use /{command}."),
    Access.DIRECTOR: N_("Sorry, only the center's director can use /{command}."),
}


class Dispatcher:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        registry: Registry,
        channels: dict[str, Messenger],
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.settings = settings
        self.registry = registry
        self.channels = channels  # by name: every message goes out through the channel of its chat
        self.clock = clock
        self.on_outbox_change: Callable[[], Awaitable[None]] | None = None
        self.on_tagged_send: Callable[[str, ChatRef, str], Awaitable[None]] | None = None
        self.flood = FloodGuard(settings.flood_per_minute)

    async def handle(self, incoming: Incoming) -> Outcome:
        """Run the journey for one incoming message and deliver what it produced."""
        if incoming.sender is not None and not incoming.is_group and incoming.event in (Event.MESSAGE, Event.BUTTON):
            verdict = self.flood.check((incoming.channel, incoming.sender.id))
            if verdict is not Verdict.OK:
                return await self._slow_down(incoming, verdict)
        now = self.clock()
        t = Translator(self.settings.default_locale, self.settings.timezone)
        wake = False
        async with self.db.session() as session:
            try:
                async with session.begin():
                    ctx = await self._context(session, incoming, now)
                    t = ctx.t
                    await self._route(ctx)
                    await self._mark_question(ctx)
                outcome = ctx.outcome
                wake = bool(session.info.pop(outbox.WAKE, False))  # committed: see bot/services/outbox.py
            except Refusal as refusal:
                text = t.gettext(refusal.message)
                outcome = Outcome([Send(incoming.chat, text.format(**refusal.fields), refusal.choices)])
            except Exception:
                log.exception("journey failed for update in chat %s", incoming.chat.id)
                apology = t.gettext("Sorry, something went wrong on our side. Nothing was saved; please try again.")
                outcome = Outcome([Send(incoming.chat, apology)])
        await self.deliver(outcome)
        if wake and self.on_outbox_change is not None:
            await self.on_outbox_change()
        return outcome

    async def _slow_down(self, incoming: Incoming, verdict: Verdict) -> Outcome:
        outcome = Outcome()
        if verdict is Verdict.WARN:
            t = await self._translator_of(incoming)
            outcome.effects.append(Send(incoming.chat, t.gettext(SLOW_DOWN)))
            await self.deliver(outcome)
        return outcome

    async def _translator_of(self, incoming: Incoming) -> Translator:
        """The person's own language (their /lang choice wins over the phone's) and their center's time zone,
        read once a flood: the warning is said once, and what follows it reads nothing."""
        assert incoming.sender is not None
        async with self.db.session() as session:
            person = await people.by_account(session, incoming.channel, incoming.sender.id)
        if person is not None and person.consent_withdrawn_at is not None:
            person = None  # no longer processed: as in _context
        return self._translator(person, person.center if person else None, incoming.sender.language_code, self.clock())

    def _translator(
        self, person: Person | None, center: Center | None, client_language: str | None, now: datetime
    ) -> Translator:
        """The person's /lang choice, else their phone's language, else their center's, in the center's zone,
        addressing them as a villager would (bot/address.py)."""
        locale = pick_locale(
            person.language if person else None,
            client_language,
            center.locale if center else None,
            self.settings.default_locale,
        )
        timezone = center.timezone if center else self.settings.timezone
        return Translator(locale, timezone, address_of(person, now.date(), locale))

    async def _context(self, session, incoming: Incoming, now: datetime) -> Context:  # type: ignore[no-untyped-def]
        person = await people.by_account(session, incoming.channel, incoming.sender.id) if incoming.sender else None
        withdrawn = person if person is not None and person.consent_withdrawn_at is not None else None
        if withdrawn is not None:
            person = None  # no longer processed; only their rights and agreeing again reach them
        client_language = incoming.sender.language_code if incoming.sender else None
        if person is not None and client_language and person.messenger_language != client_language:
            person.messenger_language = client_language  # kept for messages sent to them later
        if person is not None and incoming.sender is not None:
            people.wrote_from(person, incoming.channel, incoming.sender.id, now)
            if person.blocked_at is not None and incoming.event in (Event.MESSAGE, Event.BUTTON):
                person.blocked_at = None  # someone who writes has not blocked the bot (Zalo says nothing of it)
        center_id = person.center_id if person else None
        if center_id is None and incoming.is_group:
            group = await groups.by_chat(session, incoming.chat)
            center_id = group.center_id if group else None
        center = await session.get(Center, center_id) if center_id else None
        personal = not incoming.is_group  # a group reads the center's language, whoever spoke
        t = self._translator(person if personal else None, center, client_language if personal else None, now)
        channel = self.channels[incoming.channel]
        if (
            not channel.capabilities.buttons
            and not incoming.is_group
            and incoming.event is Event.MESSAGE
            and incoming.text
        ):
            command = await choices.picked(session, incoming.chat, incoming.text)  # "2": the second choice shown
            if command is not None:
                incoming = replace(incoming, text=command)
        return Context(
            session=session,
            incoming=incoming,
            person=person,
            center=center,
            t=t,
            now=now,
            settings=self.settings,
            registry=self.registry,
            deep_link=channel.deep_link,
            download=channel.download,
            withdrawn=withdrawn,
            can=channel.capabilities,
            channels=self.channels,
        )

    async def _route(self, ctx: Context) -> None:
        incoming = ctx.incoming
        if incoming.event not in (Event.MESSAGE, Event.BUTTON):
            handler = self.registry.events.get(incoming.event)
            if handler is not None:
                await handler(ctx)
            return
        text = incoming.text or ""
        command = incoming.command
        conversation = None
        if not incoming.is_group and (command is None or ctx.person is None):  # a stranger's /register N too
            conversation = await conversations.current(ctx.session, ctx.person.id) if ctx.person else None
            meant = typed.command(
                text, self.registry.commands, in_step=conversation is not None, known=ctx.person is not None
            )
            if meant is not None:
                meant = await choices.completed(ctx.session, incoming.chat, meant)
                name, _, args = meant[1:].partition(" ")
                command = (name, args.strip())
        if command is not None:
            await self._command(ctx, *command)
        elif incoming.document is not None and not incoming.is_group and self.registry.on_document is not None:
            await self.registry.on_document(ctx)
        elif not incoming.is_group:
            await self._answer(ctx, text, conversation)

    async def _command(self, ctx: Context, name: str, args: str) -> None:
        command = self.registry.commands.get(name)
        where = Where.GROUP if ctx.incoming.is_group else Where.PRIVATE
        if command is None:
            if where is Where.PRIVATE:
                raise Refusal(
                    N_("I don't know the command /{command}. Send /help to see what I can do."), command=name[:32]
                )
            return  # groups hold other bots too: stay quiet
        if command.where not in (where, Where.ANY):
            if command.where is Where.GROUP:
                raise Refusal(N_("Please send /{command} inside the group chat it is for."), command=name)
            raise Refusal(
                N_("Please send /{command} to me in a private chat: {link}"), command=name, link=ctx.deep_link("")
            )
        if not allowed(ctx.person, command):
            if officer_region(ctx.person) is not None:
                raise Refusal(N_("As an officer of a region, you can use /stats and /report."))
            raise Refusal(DENIED[command.access], command=name)
        await command.handler(ctx, args)

    async def _answer(self, ctx: Context, text: str, conversation: Conversation | None) -> None:
        """Plain text (or a button's answer) goes to the step the person is at, if any. A stranger's first words,
        whatever they are, open the bot as /start does: on Zalo there is no Start button to press."""
        journey = self.registry.journeys.get(conversation.journey) if conversation else None
        if conversation is not None and (
            journey is None
            or access_of(ctx.person) < journey.access
            or (journey.expires is not None and conversation.updated_at < ctx.now - journey.expires)
        ):
            await conversations.finish(ctx.session, conversation.person_id)  # stale, renamed or no longer allowed
            journey = None
        if conversation is None or journey is None:
            if ctx.person is None and ctx.withdrawn is None and "start" in self.registry.commands:
                await self._command(ctx, "start", "")
                return
            if FOUR_DIGITS.match(text.strip()) and "code" in self.registry.commands:
                await self._command(ctx, "code", text.strip())  # the check-in code shown at the venue
                return
            if ctx.can.buttons:
                ctx.reply(ctx._("I didn't understand that. Send /help to see what I can do."))
            else:  # nothing on show to press: what can be typed now, in the words bot/typed.py reads
                ctx.reply(ctx._(TYPE_INSTEAD))
            return
        if not ctx.is_button and (asked := conversation.data.get(ASKED)) and ctx.can.edit:
            ctx.outcome.effects.append(Edit(ctx.incoming.chat, str(asked)))  # answered by typing: its buttons go
        if ctx.incoming.forwarded_from or ctx.incoming.forwarded_hidden:
            if journey.on_forward is None:
                raise Refusal(N_("Please type your answer rather than forwarding a message."))
            await journey.on_forward(ctx, conversation)
        else:
            await journey.on_text(ctx, conversation, text)

    async def _mark_question(self, ctx: Context) -> None:
        """The last message with buttons that a person in a journey is sent is its question: tagged, so that its
        id is kept (`conversations.asked`) and its buttons are taken off when the answer is typed instead."""
        if ctx.person is None or ctx.incoming.is_group or not ctx.can.edit:
            return
        effects = ctx.outcome.effects
        last = next((i for i in range(len(effects) - 1, -1, -1) if _sent_to(effects[i], ctx.incoming.chat)), None)
        if last is None:
            return
        effect = effects[last]
        assert isinstance(effect, Send)
        if effect.tag is not None or not any(not c.url for row in effect.choices for c in row):
            return  # most answers (a check-in's, say) ask nothing: no query for them
        conversation = await conversations.current(ctx.session, ctx.person.id)
        if conversation is not None:
            effects[last] = replace(effect, tag=f"{QUESTION}:{conversation.id}")

    async def deliver(self, outcome: Outcome) -> None:
        for effect in await self._fit(outcome.effects):
            try:
                await self._deliver_one(effect)
            except RecipientGone as gone:
                await self.recipient_gone(gone.chat, gone.reason)
            except Exception:
                log.exception("could not deliver %s", type(effect).__name__)

    async def _fit(self, effects: list[Effect]) -> list[Effect]:
        """The effects as each chat's channel can take them: without buttons, choices numbered (bot/choices.py,
        the numbers saved before anything is sent); without edits, a new message with the new text (an edit that
        only takes buttons off has nothing to do); without per-chat menus, none."""
        fitted: list[Effect] = []
        offers = choices.Offers()
        for effect in effects:
            chat = effect.chat
            can = self.channels[chat.channel].capabilities if chat is not None else None
            if can is not None and isinstance(effect, Edit) and not can.edit:
                if effect.text is None:
                    continue
                effect = Send(effect.chat, effect.text, effect.choices)
            if can is not None and isinstance(effect, Menu) and not can.chat_menus:
                continue
            if can is not None and isinstance(effect, Send) and not can.buttons:
                effect = offers.number(effect)
            fitted.append(effect)
        if offers.read_back:
            try:
                async with self.db.session() as session, session.begin():
                    await offers.save(session, self.clock())
            except Exception:  # the replies still go out; a number typed back then reads as text
                log.exception("the numbered choices could not be saved")
        return fitted

    async def _deliver_one(self, effect: Send | Edit | Menu) -> None:
        if isinstance(effect, Send):
            if effect.draw is not None:
                effect = replace(effect, image=await asyncio.to_thread(effect.draw), draw=None)
            channel = self.channels[effect.chat.channel]
            try:
                message_id = await channel.send(effect)
                if effect.tag and message_id is not None and self.on_tagged_send is not None:
                    await self.on_tagged_send(effect.tag, effect.chat, message_id)
            except ChatMoved as moved:
                await self.chat_moved(moved.chat, moved.new_chat)
                await channel.send(replace(effect, chat=moved.new_chat, tag=None))
        elif isinstance(effect, Edit):
            await self.channels[effect.chat.channel].edit(effect)
        elif effect.chat is not None:
            await self.channels[effect.chat.channel].set_menu(effect)
        else:  # everyone's menu: on every channel that has menus
            for channel in self.channels.values():
                if channel.capabilities.chat_menus:
                    await channel.set_menu(effect)

    async def recipient_gone(self, chat: ChatRef, reason: str) -> None:
        """Stop writing to a person who blocked the bot, or a group that removed it."""
        async with self.db.session() as session, session.begin():
            await recipients.gone(session, chat, self.clock())
        log.info("chat %s %s can no longer be written to: %s", chat.channel, chat.id, reason)

    async def chat_moved(self, chat: ChatRef, new_chat: ChatRef) -> None:
        async with self.db.session() as session, session.begin():
            await groups.migrated(session, chat=chat, new_chat=new_chat, now=self.clock())

    def default_menus(self, locales: tuple[str, ...]) -> list[Menu]:
        """Menus for everyone's private chats (one per language) and for groups."""
        menus = []
        for locale in locales:
            t = Translator(locale)
            language = None if locale == self.settings.default_locale else locale
            private = self.registry.menu_for(Access.MEMBER, Where.PRIVATE)
            group = self.registry.menu_for(Access.DIRECTOR, Where.GROUP)
            menus.append(Menu(tuple((c.name, t.gettext(c.description)) for c in private), language=language))
            menus.append(Menu(tuple((c.name, t.gettext(c.description)) for c in group), language=language, groups=True))
        return menus


def _sent_to(effect: Effect, chat: ChatRef) -> bool:
    return isinstance(effect, Send) and effect.chat == chat
