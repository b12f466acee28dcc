"""What a person types, read forgivingly: with or without diacritics, in any case, with or without the leading
slash, or as the Vietnamese words people use. Zalo has no buttons, so everything there is typed, often by
someone who has never seen a slash command; Telegram users type too.

    "Đồng ý", "dong y", "1" (the numbered choice)   -> /agree …   (bot/choices.py reads the number)
    "my", "MY", "/my"                                -> /my
    "DK 12 3", "đăng ký 12-3", "dk a12-v3"           -> /register 12 v3 (a stranger: /start r12-v3)
    "/register 12" from a stranger                   -> /start r12: the notice, the profile, then the seat
    "hoạt động", "su kien"                           -> /events

In the middle of a step (a name being asked, say) only going back and cancelling are read as commands, in words
that are no one's name ("huỷ bỏ", "quay lại"): "Nam", "Huy" or "Help Nguyen" is an answer there."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.text import fold

# Whole phrases, folded, that mean a command (Vietnamese first: what people in a commune type).
PHRASES = {
    "dong y": "/agree",
    "toi dong y": "/agree",
    "agree": "/agree",
    "i agree": "/agree",
    "tro giup": "/help",
    "huong dan": "/help",
    "help": "/help",
    "hoat dong": "/events",
    "su kien": "/events",
    "lich": "/events",
    "cua toi": "/my",
    "da dang ky": "/my",
    "dang ky cua toi": "/my",
    "ngon ngu": "/lang",
    "ho so": "/profile",
    "du lieu cua toi": "/mydata",
    "huy": "/cancel",
    "thoi": "/cancel",
}
# Read even in the middle of a question. Never a word that is also a name: "Huy" and "Thời" are given names,
# typed as answers, so on their own they cancel only outside a question (PHRASES).
STEP_PHRASES = {
    "huy bo": "/cancel",
    "cancel": "/cancel",
    "quay lai": "/back",
    "tro lai": "/back",
    "back": "/back",
}
REGISTER = ("dk", "dang ky", "dangky", "register")
UNREGISTER = ("huy dk", "huy dang ky", "tra cho", "unregister")
# "12 3", "12-3", "a12-v3", "12 v3": an activity and, if given, the village whose announcement it came from
ACTIVITY = re.compile(r"^a?\s*([0-9]{1,9})(?:\s*[-\s]\s*v?\s*([0-9]{1,9}))?$")


def command(text: str, commands: Collection[str], *, in_step: bool, known: bool) -> str | None:
    """The command `text` stands for, or None when it is an answer (or words no command knows). `commands`: the
    bot's command names; `known`: whether the person has agreed already (a stranger is shown the notice first)."""
    stripped = text.strip()
    if stripped.startswith("/"):
        name, _, rest = stripped[1:].partition(" ")
        if not known and name.lower() in REGISTER and rest.strip():  # a stranger's /register N: notice, then seat
            return _activity_command("register", rest.strip(), known=False)
        return None  # already a command
    folded = fold(stripped)
    if folded in STEP_PHRASES:
        return STEP_PHRASES[folded]
    if in_step or not folded:
        return None
    if folded in PHRASES:
        return PHRASES[folded]
    for words, name in ((UNREGISTER, "unregister"), (REGISTER, "register")):
        for word in words:
            if folded == word or folded.startswith(word + " "):
                return _activity_command(name, folded[len(word) :].strip(), known=known)
    first, _, rest = stripped.partition(" ")
    if fold(first) in commands:
        return f"/{fold(first)} {rest.strip()}".rstrip()
    return None


def _activity_command(name: str, rest: str, *, known: bool) -> str:
    if not rest:
        return "/events" if name == "register" else "/my"
    found = ACTIVITY.match(rest)
    if found is None:
        return f"/{name} {rest}"  # the command explains what it expected
    activity, village = found.group(1), found.group(2)
    if name == "register" and not known:
        return f"/start r{activity}" + (f"-v{village}" if village else "")  # the notice first, then the seat
    return f"/{name} {activity}" + (f" v{village}" if village and name == "register" else "")


def register_line(activity_id: int, village_id: int | None) -> str:
    """What the announcement pasted in a Zalo group tells readers to type: "DK 12 3" (12 the activity, 3 the
    village credited)."""
    return f"DK {activity_id}" + (f" {village_id}" if village_id else "")
