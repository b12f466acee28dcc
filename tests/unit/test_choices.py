"""Choices on a channel without buttons: what the person reads, and what a number they type picks."""

from __future__ import annotations

from bot.choices import number
from bot.messaging import ChatRef, Choice, Send

CHAT = ChatRef("text", "lan")


def test_answers_are_numbered_and_going_back_or_cancelling_is_written_as_its_command() -> None:
    question = Send(
        CHAT,
        "Xin chọn giới tính:",
        ((Choice("Nữ", "/answer gender female"), Choice("Nam", "/answer gender male")), (Choice("✖ Hủy", "/cancel"),)),
    )
    shown, commands = number(question, first=3)
    assert shown.text == "Xin chọn giới tính:\n\n3. Nữ\n4. Nam\n✖ Hủy: /cancel" and shown.choices == ()
    assert commands == ["/answer gender female", "/answer gender male"]


def test_a_question_answered_with_a_count_numbers_none_of_its_choices() -> None:
    seats = Send(CHAT, "Có bao nhiêu chỗ?", ((Choice("Bỏ qua", "/answer capacity -"),),), typed_answer=True)
    shown, commands = number(seats)
    assert shown.text == "Có bao nhiêu chỗ?\n\nBỏ qua: /answer capacity -" and commands == []  # "1" is one seat
