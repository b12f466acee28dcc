"""A village head's work is seen: a registration through Thôn Đông's forwarded card is credited to Thôn Đông in
/stats (the director's "By village" view and the head's own screen) and in the report's village sheet, while the
person still counts, as a learner-visit, in the village where she lives (Thôn Tây)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from tests.conftest import Bot
from tests.journeys import AGREE, Commune, commune, local, make_head, onboard, publish, tr

VILLAGE_LINE = "• {village}: {visits} ({women} women); registered {registered}, waiting {waiting}, here {here}"
VIA_LINE = "   through the village's group: {registered} registered, {came} came"


async def _through_donGs_card(bot: Bot, fake: FakeTelegram, place: Commune, lang: str) -> tuple[FakeUser, int]:
    """Tâm, head of Thôn Đông, forwards the card to the village's women's group; Hoa of Thôn Tây registers
    from it; Lan of Thôn Đông registers by herself; at the session, staff check Hoa in at the desk."""
    tam = fake.add_user("Tâm", language_code=lang)
    await onboard(bot, tam, name="Vũ Thị Tâm", village="Thôn Đông")
    await make_head(bot, place.center_id, "Vũ Thị Tâm", place.villages, "Thôn Đông")
    activity_id = await publish(bot, place)
    await bot.deliver()
    women = fake.add_group("Chi hội phụ nữ thôn Đông")
    forwarded = tam.forward(place.groups["Thôn Đông"].bot_messages[-1], women)
    hoa = fake.add_user("Hoa")
    assert hoa.follow(forwarded, "✍️ Đăng ký") is not None
    await bot.settle()
    await bot.press(hoa, hoa.private_chat.bot_messages[-1], tr("vi", AGREE))
    await bot.say(hoa, "Trần Thị Hoa")
    await bot.say(hoa, "1970")
    await bot.press(hoa, hoa.private_chat.bot_messages[-1], "Thôn Tây")
    lan = fake.add_user("Lan")
    await onboard(bot, lan, village="Thôn Đông")
    await bot.say(lan, f"/register {activity_id}")  # her own doing: no village's credit

    bot.clock.current = local("06/10/2025 13:20")
    hung = place.director
    await bot.say(hung, f"/checkin {activity_id}")
    await bot.say(hung, f"/desk {activity_id}")
    found = (await bot.say(hung, "tran thi hoa"))[-1]
    await bot.press(hung, found, found.buttons[0])
    await bot.say(hung, "/close")
    bot.clock.current = local("06/10/2025 16:00")
    if lang == "en":
        await bot.say(hung, "/lang en")
    return tam, activity_id


async def test_a_registration_through_a_forwarded_card_is_credited_to_the_village_in_stats(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    tam, _ = await _through_donGs_card(bot, fake, place, lang)
    hung = place.director

    message = (await bot.say(hung, "/stats 2025"))[-1]
    await bot.press(hung, message, tr(lang, "🏘 By village"))
    lines = (message.text or "").splitlines()
    dong = tr(lang, VILLAGE_LINE, village="Thôn Đông", visits=0, women=0, registered=2, waiting=0, here=0)
    tay = tr(lang, VILLAGE_LINE, village="Thôn Tây", visits=1, women=1, registered=0, waiting=0, here=1)
    # Thôn Đông's group brought Hoa (one place, and she came); Lan registered by herself: not its credit
    assert lines[lines.index(dong) + 1] == tr(lang, VIA_LINE, registered=1, came=1)
    # Hoa's visit counts where she lives, and Thôn Tây's group brought no one
    assert tay in lines
    assert not lines[lines.index(tay) + 1].startswith("   ")

    own = (await bot.say(tam, "/stats 2025"))[-1].text or ""  # the head's own screen: her village, her work
    expected = "Through the group of {village}: {registered} registered, {came} came"
    assert tr(lang, expected, village="Thôn Đông", registered=1, came=1) in own.splitlines()


async def test_the_report_credits_the_village_beside_its_residents(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await _through_donGs_card(bot, fake, place, "vi")
    hung = place.director

    workbook = (await bot.say(hung, "/report 2025"))[-1].document
    assert workbook is not None
    sheet = load_workbook(io.BytesIO(workbook[1])).worksheets[2]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in cells if row[0] == "Thôn")
    assert header == ["Thôn", "Số lượt người tham gia", "Nữ", "Đăng ký qua nhóm thôn", "Đến dự qua nhóm thôn"]
    by_village = {row[0]: row[1:5] for row in cells if isinstance(row[1], int)}
    assert by_village == {
        "Thôn Bắc": [0, 0, 0, 0],
        "Thôn Đông": [0, 0, 1, 1],  # Hoa came through its group
        "Thôn Tây": [1, 1, 0, 0],  # where Hoa lives: her visit
        "Tổng cộng": [1, 1, 1, 1],
    }

    text = (await bot.say(hung, "/report 2025 csv"))[-1].document
    assert text is not None
    rows = list(csv.reader(io.StringIO(text[1].decode("utf-8-sig"))))
    villages = {r[0]: r[1:5] for r in rows if r and r[0] in ("Thôn Đông", "Thôn Tây")}
    assert villages == {"Thôn Đông": ["0", "0", "1", "1"], "Thôn Tây": ["1", "1", "0", "0"]}
