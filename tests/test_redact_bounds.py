"""Redaction reads only what can be shown: big texts and wide tables stay bounded work.

The policy runs on the event loop (tool results, attachments every turn); a 20 MB text
redacted whole, or a table read once per column, would stall every chat of the server.
The work is measured by what reaches the redactor, never by the clock.
"""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_chatkit.context_policy import MAX_TEXT_CHARS, ContextPolicy
from jupyter_chatkit.context_policy import tables as tables_module
from jupyter_chatkit.context_policy.budget import MAX_RESULT_CHARS
from jupyter_chatkit.context_policy.redact import REDACT_MARGIN, Redactor
from jupyter_chatkit.kernel.introspect import dumps

SECRET = "Zq8wL3vN7pX2kR5t"


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of the texts the redactor reads."""
    seen: list[int] = []
    real = Redactor.text

    def text(self: Redactor, value: str) -> str:
        seen.append(len(value))
        return real(self, value)

    monkeypatch.setattr(Redactor, "text", text)
    return seen


def big_csv(rows: int = 100_000) -> str:
    return "id,name,score\n" + "".join(f"{i},user{i},{i * 7 % 100}\n" for i in range(rows))


def test_a_big_text_is_redacted_only_as_far_as_it_is_shown(read: list[int]) -> None:
    csv = big_csv()
    text, _ = ContextPolicy().text(csv, 16_000)
    assert max(read) <= 16_000 + REDACT_MARGIN
    assert len(text) <= 16_000 + 40
    assert text.startswith("id,name,score\n0,user0,")
    assert f"[{len(csv) - (16_000 - 30):,} more chars]" in text  # counts the whole text


def test_a_secret_at_the_clip_boundary_is_still_hidden() -> None:
    limit = 4_000
    for offset in range(-40, 41, 5):
        lead = "x" * (limit - 30 + offset) + "\n"
        text, count = ContextPolicy().text(f'{lead}password = "{SECRET}"\n' + "y" * 50_000, limit)
        assert count == 1, offset
        for k in range(4, len(SECRET) + 1):
            assert SECRET[:k] not in text, (offset, text[-120:])
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEow" + "A" * 3_000 + "\n"
    text, count = ContextPolicy().text("x" * (limit - 50) + key + "z" * 100_000, limit)
    assert count == 1 and "MIIEow" not in text


def test_a_tool_result_walk_reads_strings_only_to_the_budget(read: list[int]) -> None:
    result = {"text": big_csv(), "rows": [big_csv(2_000)] * 3, "many": ["a b c"] * 200_000}
    body = ContextPolicy().tool_result(result)
    assert max(read) <= MAX_RESULT_CHARS + REDACT_MARGIN
    assert len(read) < 60_000  # the 200,000-item list is not read whole
    assert len(dumps(body)) <= MAX_RESULT_CHARS


def test_a_tool_result_hides_a_secret_past_the_budget_cut() -> None:
    text = "x" * (MAX_RESULT_CHARS + REDACT_MARGIN - 20) + f' token = "{SECRET}" ' + "y" * 9000
    body = dumps(ContextPolicy().tool_result({"text": text, "more": [text]}))
    assert SECRET[:6] not in body


def test_a_wide_aligned_header_over_long_rows_is_read_once(monkeypatch: Any) -> None:
    """399 ``pwd`` columns over rows of a million characters: linear, not columns x row."""
    scans: list[int] = []
    real = tables_module._WHITESPACE

    class Counting:
        def search(self, text: str, pos: int = 0, endpos: int = 2**62) -> Any:
            scans.append(min(endpos, len(text)) - pos)
            return real.search(text, pos, endpos)

    monkeypatch.setattr(tables_module, "_WHITESPACE", Counting())
    header = "  " + "  ".join(["pwd"] * 399)
    rows = ["0  " + "a" * 1_000_000 for _ in range(3)]
    redactor = Redactor()
    out = redactor._tables("\n".join([header, *rows]))
    assert sum(scans) <= 3 * len(header)
    assert out.count("a" * 1_000_000) == 3  # no table row: no cell of it is taken apart

    # The same header over rows of its own width still hides every cell, scanned once.
    scans.clear()
    cells = [f"s{k:03d}Q7x" for k in range(150)]  # a header under 2,000 chars
    row = "0  " + "  ".join(cells)
    header = " " * 3 + "  ".join(f"{'pwd':>{len(c)}}" for c in cells)
    out = redactor._tables(f"{header}\n{row}\n{row}")
    assert all(c not in out for c in cells)
    assert sum(scans) <= 2 * len(row)


# -- configured MCP values: a credential is hidden also in part, a plain value only whole --

MCP_KEY = "mcpk-Qw7Er5Ty3Ui9Op1As"
MCP_BEARER = "x9Lm4Wv8Rt1Yp6NqW3eZa0"
MCP_PLAIN = "plainapikeyvalueforever"


def mcp_settings() -> Any:
    from jupyter_chatkit.settings import Settings

    server = {
        "url": "https://mcp.example.org/api/v1/projects?token=" + MCP_KEY,
        "headers": {
            "Accept": "application/json; charset=utf-8",
            "X-Base-Path": "/api/v1/projects/reports",
            "Authorization": f"Bearer {MCP_BEARER}",
            "X-API-Key": MCP_PLAIN,
        },
    }
    return Settings(mcp_servers={"docs": server})


def test_a_harmless_configured_header_hides_only_itself() -> None:
    from .test_context_trust import TEXTS

    redactor = ContextPolicy.from_settings(mcp_settings()).redactor()
    for text in TEXTS["harmless"]:
        assert redactor.text(text) == text, text
    assert redactor.count == 0
    # The configured values themselves are still hidden whole.
    text = redactor.text("sent: application/json; charset=utf-8 to /api/v1/projects/reports")
    assert "charset=utf-8" not in text and "/api/v1/projects/reports" not in text


def test_mcp_credentials_are_hidden_also_in_part() -> None:
    redactor = ContextPolicy.from_settings(mcp_settings()).redactor()
    for key in (MCP_KEY, MCP_BEARER, MCP_PLAIN):
        text = redactor.text(f"key={key[:15]}… and {key}x")
        assert key[:12] not in text, text


@pytest.mark.parametrize(
    ("template", "secret"),
    [
        ("{}\n", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),  # a bare AWS secret key
        ('auth = HTTPBasicAuth("ada", "{}")\n', SECRET),
        ("Cookie: sessionid={}; theme=dark\n", SECRET),
        ("machine api.example.com login ada password {}\n", SECRET),
    ],
)
def test_new_shapes_at_the_clip_boundary_are_still_hidden(template: str, secret: str) -> None:
    limit = 4_000
    for offset in range(-60, 61, 3):
        lead = "x" * (limit - 30 + offset) + "\n"
        text, count = ContextPolicy().text(lead + template.format(secret) + "y" * 50_000, limit)
        assert count >= 1, offset
        for k in range(6, len(secret) + 1):
            assert secret[:k] not in text, (offset, text[-120:])


# -- the whole policy: ~90 linear rules on a megabyte of their trigger words took seconds --

WORDS = "password token secret key api_key passwd pwd auth credential login bearer use: name= "


@pytest.mark.parametrize(
    "line",
    [
        pytest.param((WORDS * (1_000_000 // len(WORDS) + 1))[:1_000_000], id="trigger-words"),
        pytest.param(("password = " * 90_910)[:1_000_000], id="assignments-without-value"),
        pytest.param(WORDS + "lorem ipsum dolor sit amet " * 37_000, id="words-then-prose"),
    ],
)
def test_a_megabyte_line_of_trigger_words_is_read_only_to_the_text_budget(
    read: list[int], line: str
) -> None:
    text, _ = ContextPolicy().text(line)
    assert max(read) <= MAX_TEXT_CHARS + REDACT_MARGIN
    assert len(text) <= MAX_TEXT_CHARS + 40
    assert text.endswith(" more chars]")


def test_the_text_budget_hides_a_secret_at_its_cut_and_shows_short_texts_whole() -> None:
    # The assignment starts 12 characters further each time (8 places, from ~76 before
    # the cut to 8 past it; offsets landing on the same place were read twice before).
    for words in sorted({(MAX_TEXT_CHARS - 30 + offset) // 12 for offset in range(-40, 41, 8)}):
        lead = "lorem ipsum " * words
        text, count = ContextPolicy().text(f'{lead}password = "{SECRET}"\n' + "y " * 60_000)
        assert count == 1, words
        for k in range(4, len(SECRET) + 1):
            assert SECRET[:k] not in text, words
    whole = "lorem ipsum " * (MAX_TEXT_CHARS // 12 - 3) + f'token = "{SECRET}"'
    assert len(whole) <= MAX_TEXT_CHARS
    text, count = ContextPolicy().text(whole)
    assert count == 1 and "more chars]" not in text and text.startswith("lorem ipsum lorem")
