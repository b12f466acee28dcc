"""parse_mode handling: Telegram stores plain text plus entities, and rejects malformed markup.

Offsets and lengths are in UTF-16 code units, as in the Bot API. The parsers cover what bots
actually send (the documented tags and markers); errors use Telegram's wording.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from bot.channels.telegram.fake.errors import ApiError, bad_request

Entity = dict[str, Any]

MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_error(what: str) -> ApiError:
    return bad_request(f"can't parse entities: {what}")


def format_text(text: str, parse_mode: str | None, entities: list[Entity] | None) -> tuple[str, list[Entity]]:
    """The stored text and entities for what the client sent, trimmed the way Telegram trims."""
    if entities is not None:
        plain, found = text, [dict(entity) for entity in entities]
    elif parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            plain, found = parse_html(text)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = parse_markdown(text)
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        plain, found = text, []
    return strip(plain, found)


def strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram drops leading and trailing whitespace and shifts entities along."""
    stripped = text.strip()
    if stripped == text:
        return text, sorted_entities(entities)
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(size, entity["offset"] + entity["length"] - shift)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, sorted_entities(kept)


def sorted_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))


class _Builder:
    """Collects plain text and the entities opened and closed along the way."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def close(self, kind: str, start: int, *, end: int | None = None, **extra: Any) -> None:
        end = self.offset if end is None else end
        if end > start:
            self.entities.append({"type": kind, "offset": start, "length": end - start, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), sorted_entities(self.entities)


# --- HTML ---

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _HtmlParser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.out = _Builder()
        self.open: list[tuple[str, int, dict[str, Any]]] = []

    def byte_offset(self) -> int:
        line, column = self.getpos()
        return len(self.source[: self.line_starts[line - 1] + column].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        kind = _HTML_TAGS.get(tag)
        if kind is None or (tag == "span" and values.get("class") != "tg-spoiler"):
            raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset()}')
        extra: dict[str, Any] = {}
        if tag == "a":
            if not values.get("href"):
                raise parse_error(f"Can't find end of TextUrl entity at byte offset {self.byte_offset()}")
            extra["url"] = values["href"]
        elif tag == "blockquote" and "expandable" in values:
            kind = "expandable_blockquote"
        elif tag == "tg-emoji":
            extra["custom_emoji_id"] = values.get("emoji-id", "")
        elif tag == "code" and self.open and self.open[-1][0] == "pre":
            language = values.get("class", "")
            if language.startswith("language-"):
                self.open[-1][2]["language"] = language.removeprefix("language-")
                kind = ""  # the language belongs to the enclosing pre, no code entity of its own
        self.open.append((tag, self.out.offset, {"kind": kind, **extra}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            raise parse_error(f"Unexpected end tag at byte offset {self.byte_offset()}")
        name, start, extra = self.open.pop()
        if name != tag:
            raise parse_error(
                f'Unmatched end tag at byte offset {self.byte_offset()}, expected "</{name}>", found "</{tag}>"'
            )
        kind = extra.pop("kind")
        if kind:
            self.out.close(kind, start, **extra)

    def handle_data(self, data: str) -> None:
        self.out.add(data)

    def handle_entityref(self, name: str) -> None:
        self.out.add(_HTML_NAMED.get(name, f"&{name};"))

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
        self.out.add(chr(code))


def parse_html(source: str) -> tuple[str, list[Entity]]:
    parser = _HtmlParser(source)
    parser.feed(source)
    parser.close()
    if parser.open:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{parser.open[-1][0]}"')
    return parser.out.result()


# --- MarkdownV2 ---

_V2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def _byte_at(source: str, index: int) -> int:
    return len(source[:index].encode())


def _reserved(char: str) -> ApiError:
    return parse_error(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")


def _until(source: str, index: int, end: str, kind: str, start: int) -> tuple[str, int]:
    """Literal text up to the unescaped `end`; only backslash escapes count inside code and URLs."""
    chars: list[str] = []
    while index < len(source):
        if source.startswith(end, index):
            return "".join(chars), index + len(end)
        if source[index] == "\\" and index + 1 < len(source):
            chars.append(source[index + 1])
            index += 2
            continue
        chars.append(source[index])
        index += 1
    raise parse_error(f"Can't find end of {_V2_NAMES[kind]} entity at byte offset {_byte_at(source, start)}")


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    open_: list[tuple[str, int, int]] = []  # kind, utf-16 start, source index
    quote_start: int | None = None
    index = 0
    while index < len(source):
        char = source[index]
        line_start = index == 0 or source[index - 1] == "\n"
        if line_start:
            if char == ">":
                if quote_start is None:
                    quote_start = out.offset
                index += 1
                continue
            if quote_start is not None:
                out.close("blockquote", quote_start, end=out.offset - 1)  # the newline is not quoted
                quote_start = None
        if char == "\\":
            if index + 1 < len(source) and 0 < ord(source[index + 1]) < 127:
                out.add(source[index + 1])
                index += 2
                continue
            raise _reserved("\\")
        if source.startswith("```", index):
            header_end = source.find("\n", index + 3)
            header = source[index + 3 : header_end] if header_end != -1 else " "
            has_header = not any(c.isspace() or c == "`" for c in header)
            body, end = _until(source, header_end + 1 if has_header else index + 3, "```", "pre", index)
            start = out.offset
            out.add(body)
            out.close("pre", start, **({"language": header} if has_header and header else {}))
            index = end
            continue
        if char == "`":
            body, end = _until(source, index + 1, "`", "code", index)
            start = out.offset
            out.add(body)
            out.close("code", start)
            index = end
            continue
        if char == "[":
            open_.append(("text_link", out.offset, index))
            index += 1
            continue
        if char == "]":
            if not open_ or open_[-1][0] != "text_link":
                raise _reserved("]")
            kind, start, at = open_.pop()
            if not source.startswith("(", index + 1):
                raise parse_error(f"Can't find end of TextUrl entity at byte offset {_byte_at(source, at)}")
            url, index = _until(source, index + 2, ")", "text_link", at)
            out.close("text_link", start, url=url)
            continue
        marker = source[index : index + 2] if source[index : index + 2] in ("__", "||") else char
        kind = _V2_MARKERS.get(marker) if marker != "|" else None
        if kind is not None:
            if open_ and open_[-1][0] == kind:
                _, start, _ = open_.pop()
                out.close(kind, start)
            elif any(entry[0] == kind for entry in open_):
                name, _, at = open_[-1]
                raise parse_error(f"Can't find end of {_V2_NAMES[name]} entity at byte offset {_byte_at(source, at)}")
            else:
                open_.append((kind, out.offset, index))
            index += len(marker)
            continue
        if char in MARKDOWN_V2_RESERVED:
            raise _reserved(char)
        out.add(char)
        index += 1
    if open_:
        name, _, at = open_[-1]
        raise parse_error(f"Can't find end of {_V2_NAMES[name]} entity at byte offset {_byte_at(source, at)}")
    if quote_start is not None:
        out.close("blockquote", quote_start)
    return out.result()


# --- legacy Markdown ---

_V1_MARKERS = {"*": "bold", "_": "italic"}


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    index = 0

    def unclosed(at: int) -> ApiError:
        return parse_error(f"Can't find end of the entity starting at byte offset {_byte_at(source, at)}")

    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and source[index + 1] in "_*`[":
            out.add(source[index + 1])
            index += 2
            continue
        if source.startswith("```", index):
            end = source.find("```", index + 3)
            if end == -1:
                raise unclosed(index)
            start = out.offset
            out.add(source[index + 3 : end])
            out.close("pre", start)
            index = end + 3
            continue
        if char in "*_`":
            end = source.find(char, index + 1)
            if end == -1:
                raise unclosed(index)
            start = out.offset
            out.add(source[index + 1 : end])
            out.close(_V1_MARKERS.get(char, "code"), start)
            index = end + 1
            continue
        if char == "[":
            close = source.find("](", index + 1)
            end = source.find(")", close + 2) if close != -1 else -1
            if end == -1:
                raise unclosed(index)
            start = out.offset
            out.add(source[index + 1 : close])
            out.close("text_link", start, url=source[close + 2 : end])
            index = end + 1
            continue
        out.add(char)
        index += 1
    return out.result()
