"""What journeys offer: commands with the access they need, multi-step journeys, and chat events.

Access is checked here, once, for every command and every button (a button is a command),
so no journey can forget it.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.messaging import Event
from bot.models import Conversation, Person, RoleKind
from bot.services.people import has_role
from bot.services.regions import officer_region

if TYPE_CHECKING:
    from bot.context import Context


class Access(enum.IntEnum):
    """Who may use a command, from the widest to the narrowest."""

    ANYONE = 0
    MEMBER = 1
    HELPER = 2
    STAFF = 3
    DIRECTOR = 4


class Where(enum.Enum):
    PRIVATE = "private"
    GROUP = "group"
    ANY = "any"


def access_of(person: Person | None) -> Access:
    if person is None:
        return Access.ANYONE
    if has_role(person, RoleKind.DIRECTOR):
        return Access.DIRECTOR
    if has_role(person, RoleKind.STAFF):
        return Access.STAFF
    if has_role(person, RoleKind.VILLAGE_HEAD):
        return Access.HELPER
    return Access.MEMBER


CommandHandler = Callable[["Context", str], Awaitable[None]]
StepHandler = Callable[["Context", Conversation, str], Awaitable[None]]
ForwardHandler = Callable[["Context", Conversation], Awaitable[None]]
EventHandler = Callable[["Context"], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    description: str
    access: Access = Access.ANYONE
    where: Where = Where.PRIVATE
    in_menu: bool = True
    regional: bool = False  # a district's or province's officer may use it too, for their region


def allowed(person: Person | None, command: Command) -> bool:
    """The one access rule for every command and button. A region officer who belongs to no center may
    use the regional commands and those open to anyone, nothing that needs a center."""
    if officer_region(person) is not None:
        if command.regional:
            return True
        if person is not None and person.center_id is None:
            return command.access is Access.ANYONE
    return access_of(person) >= command.access


@dataclass(frozen=True)
class Journey:
    """A multi-step conversation; plain text (and button answers) go to `on_text` at its stored step."""

    name: str
    on_text: StepHandler
    on_forward: ForwardHandler | None = None
    on_back: ForwardHandler | None = None
    access: Access = Access.MEMBER
    expires: timedelta | None = None  # an unfinished step older than this is forgotten


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    journeys: dict[str, Journey] = field(default_factory=dict)
    events: dict[Event, EventHandler] = field(default_factory=dict)
    on_document: EventHandler | None = None  # a file sent in a private chat

    def add(self, *items: Command | Journey) -> None:
        for item in items:
            table: dict = self.commands if isinstance(item, Command) else self.journeys
            if item.name in table:
                raise ValueError(f"{item.name} registered twice")
            table[item.name] = item

    def on(self, event: Event, handler: EventHandler) -> None:
        self.events[event] = handler

    def menu_for(self, access: Access, where: Where) -> list[Command]:
        """The commands a person with this access sees, in registration order."""
        return [c for c in self.commands.values() if c.in_menu and c.access <= access and c.where in (where, Where.ANY)]

    def menu_of(self, person: Person | None, where: Where) -> list[Command]:
        """A person's commands; a region officer who is no one in a center sees only the regional ones."""
        if officer_region(person) is not None and access_of(person) <= Access.MEMBER:
            return [
                c
                for c in self.commands.values()
                if c.in_menu and (c.regional or c.access is Access.ANYONE) and c.where in (where, Where.ANY)
            ]
        return self.menu_for(access_of(person), where)
