"""parse_mode: what Telegram would store (plain text + UTF-16 entities) and what it refuses."""

from __future__ import annotations

import pytest

from bot.channels.telegram.fake.errors import ApiError
from bot.channels.telegram.fake.formatting import format_text, parse_html, parse_markdown, parse_markdown_v2


def spans(entities: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [
        (e["type"], e["offset"], e["length"], *(v for k, v in e.items() if k not in ("type", "offset", "length")))
        for e in entities
    ]


def test_html() -> None:
    text, entities = parse_html(
        '<b>Đậm</b> <i>nghiêng <u>gạch</u></i> <a href="https://t.me/x">liên kết</a> '
        '<pre><code class="language-python">x = 1</code></pre> &lt;&amp;&gt; &#128512;'
    )
    assert text == "Đậm nghiêng gạch liên kết x = 1 <&> 😀"
    assert spans(entities) == [
        ("bold", 0, 3),
        ("italic", 4, 12),
        ("underline", 12, 4),
        ("text_link", 17, 8, "https://t.me/x"),
        ("pre", 26, 5, "python"),
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<b>mở", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<blink>x</blink>", 'Unsupported start tag "blink"'),
    ],
)
def test_html_errors(source: str, error: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as raised:
        parse_html(source)
    assert error in raised.value.description and raised.value.status == 400


def test_markdown_v2() -> None:
    text, entities = parse_markdown_v2(r"*đậm _cả hai_* __gạch__ ~xoá~ ||ẩn|| `mã\`` [xem](https://x.y/a\)b) 1\.5")
    assert text == "đậm cả hai gạch xoá ẩn mã` xem 1.5"
    assert spans(entities) == [
        ("bold", 0, 10),
        ("italic", 4, 6),
        ("underline", 11, 4),
        ("strikethrough", 16, 3),
        ("spoiler", 20, 2),
        ("code", 23, 3),
        ("text_link", 27, 3, "https://x.y/a)b"),
    ]
    assert parse_markdown_v2(">trích\n>dẫn\nsau") == (
        "trích\ndẫn\nsau",
        [{"type": "blockquote", "offset": 0, "length": 9}],
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("Giá 1.5", "Character '.' is reserved"),
        ("*mở", "Can't find end of Bold entity at byte offset 0"),
        ("*a _b* c_", "Can't find end of Italic entity"),
    ],
)
def test_markdown_v2_errors(source: str, error: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_markdown_v2(source)
    assert error in raised.value.description


def test_legacy_markdown() -> None:
    assert parse_markdown("*b* _i_ `c` [t](http://u)") == (
        "b i c t",
        [
            {"type": "bold", "offset": 0, "length": 1},
            {"type": "italic", "offset": 2, "length": 1},
            {"type": "code", "offset": 4, "length": 1},
            {"type": "text_link", "offset": 6, "length": 1, "url": "http://u"},
        ],
    )
    with pytest.raises(ApiError, match="Can't find end of the entity"):
        parse_markdown("*mở")


def test_offsets_are_utf16_and_text_is_trimmed() -> None:
    assert format_text("\n  😀 <b>x</b>  ", "HTML", None) == ("😀 x", [{"type": "bold", "offset": 3, "length": 1}])
    assert format_text(" plain ", None, None) == ("plain", [])
    given = [{"type": "bold", "offset": 1, "length": 3}]
    assert format_text(" abc", "HTML", given) == ("abc", [{"type": "bold", "offset": 0, "length": 3}])
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode", None)
