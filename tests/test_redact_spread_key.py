"""A configured key printed spread out is hidden: ``' '.join(key)``, ``list(key)``, a key
read as UTF-16 bytes or cut over lines.

Before, only the key's exact value, its head, tail or middle were looked for: a cell
printing ``' '.join(os.environ["OPENAI_API_KEY"])`` sent the model every character of
the server's key, in order, one space apart.
"""

from __future__ import annotations

import pytest

from jupyter_chatkit.context_policy import ContextPolicy

KEY = "azk-7Hq2Zx9Lm4Wv8Rt1Yp6NqW3eAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"  # no known shape


@pytest.mark.parametrize(
    "shown",
    [
        " ".join(KEY),
        repr(list(KEY)),
        str(tuple(KEY[:24])),
        "\x00".join(KEY) + "\x00",
        "|".join(KEY[i : i + 4] for i in range(0, len(KEY), 4)),
        "key: " + "  ".join(KEY[:30]) + " (the rest elided)",
        # One character a line after an index: pd.Series(list(key)), enumerate(key).
        "\n".join(f"{i:<6}{c}" for i, c in enumerate(KEY)) + "\ndtype: object",
        "\n".join(f"{i} {c}" for i, c in enumerate(KEY[:20])),
        "\n".join(KEY),
        # Turned by a cell: reversed, upper- or lower-cased, as hex, as character codes.
        KEY[::-1],
        f"print(key.upper()) -> {KEY.upper()}",
        KEY.lower(),
        KEY.encode().hex(),
        str([ord(c) for c in KEY]),
        str(list(KEY.encode())),
        " ".join(str(ord(c)) for c in KEY[:20]),
        str([ord(c) for c in reversed(KEY)]),
    ],
)
def test_a_configured_key_spread_out_is_hidden(shown: str) -> None:
    text, count = ContextPolicy(exact=(KEY,)).text(shown)
    assert count >= 1 and "«redacted: " in text
    letters = [c for c in KEY if c.isalnum()]
    # No run of its letters in order, however spread, is left (6 is a word, not a key).
    seen = "".join(c for c in text if c.isalnum())
    assert not any("".join(letters[i : i + 6]) in seen for i in range(len(letters) - 6))


def test_what_stands_beside_it_stays_and_other_text_is_untouched() -> None:
    policy = ContextPolicy(exact=(KEY,))
    text, _ = policy.text("before " + " ".join(KEY) + " after")
    assert text.startswith("before ") and text.endswith(" after")
    # Numbers that are no key's codes (another text's, a range, a shape) stay too.
    codes = str([ord(c) for c in "hello world, this is plain text"])
    others = (" ".join("azk-7Hq2Zx9L"[:11]) + " z", "a z k 7 H q", "the azk docs", codes)
    for other in (*others, str(list(range(97, 127))), "df.shape = (115, 107)"):
        assert policy.text(other) == (other, 0)
    # A column of single characters that is not the key, and the lines around a listed
    # key, stay as they are.
    column = "\n".join(f"{i:<6}{c}" for i, c in enumerate("abcdefghijklmnopqrstuvwxyz"))
    assert policy.text(column) == (column, 0)
    listed = "\n".join(f"{i:<6}{c}" for i, c in enumerate(KEY)) + "\nName: key, dtype: object"
    text, _ = policy.text("x = 1\n" + listed)
    assert text.startswith("x = 1\n0") and text.endswith("\nName: key, dtype: object")
