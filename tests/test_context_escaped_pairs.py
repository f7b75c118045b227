"""A JSON string holding an emoji escaped as a surrogate pair is still read as its lines.

Python's ``json.dumps`` (ensure_ascii, its default) writes every character outside the
BMP as two ``\\uXXXX`` escapes. The escaped-lines pass (context_policy/escaped_lines.py)
took each half for a lone surrogate and skipped the whole string, so a frame's secret in
a JSON log line leaked whenever the same string held an emoji. The TypeScript twin
(js/lab/test/redactescaped.test.ts) checks the same text gives the same output."""

from __future__ import annotations

import json

from jupyter_chatkit.context_policy.escaped_lines import decode
from jupyter_chatkit.context_policy.redact import Redactor

FRAME = (
    "            name           value\n0        db_host  db.example\n"
    "1    db_password    Wq7vLp2nXz9t"
)
# The same text and output as js/lab/test/redactescaped.test.ts.
TEXT = json.dumps({"log": FRAME + "\n\U0001f600 done", "level": "info"})
EXPECTED = (
    '{"log": "            name           value\\n0        db_host  db.example\\n'
    '1    db_password    \u00abredacted: str, 12 chars\u00bb\\n\U0001f600 done", "level": "info"}'
)


def test_a_surrogate_pair_is_one_character_and_a_lone_half_no_text() -> None:
    assert "\\ud83d\\ude00" in TEXT
    assert decode("a\\ud83d\\ude00b\\n") == "a\U0001f600b\n"
    assert decode("a\\uD83D\\uDE00") == "a\U0001f600"
    assert decode("a\\ud83d b") is None
    assert decode("a\\ude00\\ud83d") is None


def test_a_json_log_line_with_an_emoji_hides_its_frames_secret() -> None:
    out = Redactor().text(TEXT)
    assert "Wq7vLp2nXz9t" not in out
    assert out == EXPECTED
    assert json.loads(out)["level"] == "info"
