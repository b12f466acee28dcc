"""A survey's results as a picture and a spreadsheet. The picture, like the /stats chart (bot/reports/chart.py),
is drawn with Pillow for a phone held upright: one bar per topic, the most wished on top, the women's part in
pale red inside it, each with its number. The spreadsheet has one row per topic and a column per village, gender
and age band, for the director's own tables."""

from __future__ import annotations

import io

from bot.i18n import N_, Translator
from bot.reports import fonts
from bot.services import surveys
from bot.text import fold

WIDTH = 1080
MARGIN, LINE, BAR = 30, 62, 44
LABEL, TITLE = 44, 52
INK, ALL, WOMEN = "#000000", "#0b3c8c", "#f4a3a3"
GENDERS = (("female", N_("Women")), ("male", N_("Men")))


def png(found: surveys.Results, t: Translator) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    label_font = ImageFont.truetype(str(fonts.REGULAR), LABEL)
    title_font = next(  # the title whole (its year matters), smaller if need be
        font
        for size in (TITLE, 46, 40, 34)
        if (font := ImageFont.truetype(str(fonts.BOLD), size)).getlength(found.survey.title) <= WIDTH - 2 * MARGIN
        or size == 34
    )
    ranked = found.ranked()
    height = MARGIN * 3 + LINE * 2 + len(ranked) * (LINE + BAR + 20) + LINE
    image = Image.new("RGB", (WIDTH, max(height, 400)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), _fit(found.survey.title, title_font, WIDTH - 2 * MARGIN), font=title_font, fill=INK)
    heard = t.gettext("{count} people answered").format(count=found.answered)
    draw.text((MARGIN, MARGIN + LINE), heard, font=label_font, fill=INK)
    top = MARGIN * 2 + LINE * 2
    highest = max((found.topics[item["key"]] for item in ranked), default=1)
    room = WIDTH - 2 * MARGIN - 120
    for item in ranked:
        count = found.topics[item["key"]]
        women = found.by_gender.get("female", {}).get(item["key"], 0)
        draw.text(
            (MARGIN, top), _fit(surveys.label(item, t), label_font, WIDTH - 2 * MARGIN), font=label_font, fill=INK
        )
        top += LINE
        length = room * count / highest
        draw.rectangle((MARGIN, top, MARGIN + length, top + BAR), fill=ALL)
        if women:
            draw.rectangle((MARGIN, top + BAR // 4, MARGIN + room * women / highest, top + 3 * BAR // 4), fill=WOMEN)
        draw.text((MARGIN + length + 12, top - 2), str(count), font=label_font, fill=INK)
        top += BAR + 20
    key = t.gettext("Dark: everyone · pale red: women")
    draw.text((MARGIN, top), key, font=label_font, fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def xlsx(found: surveys.Results, t: Translator) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t.gettext("Results")[:31]
    villages = sorted(found.people_by_village, key=fold)  # as a villager reads them: Đông before Tây
    bands = [name for _, _, name in surveys.BANDS if name in found.people_by_band]
    if surveys.UNKNOWN in found.people_by_band:
        bands.append(surveys.UNKNOWN)
    sheet.append([found.survey.title])
    sheet.append([t.gettext("{count} people answered").format(count=found.answered)])
    sheet.append([])
    header = [t.gettext("Topic"), t.gettext("Everyone")]
    header += villages + [t.gettext(name) for _, name in GENDERS]
    header += [t.gettext(b) if b != surveys.UNKNOWN else t.gettext("age not known") for b in bands]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for item in found.ranked():
        key = item["key"]
        row: list[object] = [surveys.label(item, t), found.topics[key]]
        row += [found.by_village[v][key] for v in villages]
        row += [found.by_gender.get(g, {}).get(key, 0) for g, _ in GENDERS]
        row += [found.by_band[b][key] for b in bands]
        sheet.append(row)
    sheet.append([])
    sheet.append([t.gettext("Time of day"), t.gettext("Everyone")])
    for item in found.survey.times:
        sheet.append([surveys.label(item, t), found.times[item["key"]]])
    sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fit(text: str, font: object, room: float) -> str:
    """The text, shortened with an ellipsis until it fits."""
    length = font.getlength  # type: ignore[attr-defined]
    if length(text) <= room:
        return text
    while text and length(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
