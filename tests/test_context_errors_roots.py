"""context_policy.errors: what every caller gets, without workarounds of its own."""

from __future__ import annotations

import re

from jupyter_chatkit.context_policy.errors import (
    MAX_MESSAGE_CHARS,
    Frame,
    exception_message,
    reduce_frames,
    strip_ansi,
)


def test_a_cut_escape_sequence_leaves_no_piece() -> None:
    for text in ("ok \x1b[31", "ok \x1b[1;3", "ok \x1b]8;;http://x", "ok \x1b", "ok \x1b[31…"):
        assert "\x1b" not in strip_ansi(text), repr(text)
        assert strip_ansi(text).startswith("ok "), repr(text)


def test_a_long_coloured_message_is_cut_after_its_colours_are_removed() -> None:
    red = "\x1b[31mbad value\x1b[0m "
    message = exception_message(ValueError(red * 80))
    assert "\x1b" not in message
    # The cut counts what is shown: colour codes do not eat the message's room.
    assert message.count("bad value") > MAX_MESSAGE_CHARS // len(red)


def test_a_cut_middle_says_how_many_frames_it_held() -> None:
    frames = [
        Frame(f"Cell In[1], line {i}, in f{i}\n    f{i + 1}()\n" + "x" * 300, True)
        for i in range(12)
    ]
    text = reduce_frames(frames, "RecursionError: too deep", limit=2_000)
    shown = len(re.findall(r"Cell In\[1\]", text))
    gap = re.search(r"… (\d+) frames? not shown", text)
    assert gap is not None, text
    assert shown + int(gap.group(1)) == 12
    assert "\n…\n" not in text


def test_each_member_of_a_big_exception_group_is_told() -> None:
    from jupyter_chatkit.kernel.error_description import describe_error

    def fail(i: int) -> None:
        raise ValueError(f"member {i} failed: the input file had a malformed row " + "z" * 60)

    members: list[Exception] = []
    for i in range(5):
        try:
            fail(i)
        except ValueError as exc:
            members.append(exc)
    try:
        raise ExceptionGroup("five loads failed", members)
    except ExceptionGroup as group:
        told = describe_error(group)["traceback"]
    for i in range(5):
        assert f"member {i} failed" in told, told
