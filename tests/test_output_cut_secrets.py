"""A long output's head-and-tail cut never leaves a piece of a secret (review).

The context policy runs on a notebook's outputs after they are cut to their bound. A
tail that began inside a key ("j-Q3n8ZkLm…", the key without its "sk-proj-") was a
piece no rule recognises, and it reached the model.
"""

from __future__ import annotations

import pytest

from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.kernel.notebook_file import OUTPUT_CHARS, clip_said, output_text

SECRETS = [
    "sk-proj-Q3n8ZkLm2Vb7Rt5Yx1Wc9Pd4Hs6Jf0Ga",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
]


def _log_cut_inside(secret: str, at: int) -> str:
    """A long log whose tail, as first cut, starts ``at`` characters into ``secret``."""
    base = "log line ok\n" * 2000 + "connecting with token " + secret + "\n"
    pad = base.index(secret) + at + OUTPUT_CHARS // 3 - len(base)
    return base + "done\n" * (pad // 5) + "z" * (pad % 5)


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize("at", [1, 6, 12])
def test_a_tail_cut_inside_a_key_shows_none_of_it(secret: str, at: int) -> None:
    text = _log_cut_inside(secret, at)
    out = output_text({"output_type": "stream", "name": "stdout", "text": text})["text"]
    shown, _ = ContextPolicy().text(out)
    assert secret[-10:] not in shown
    assert shown.endswith("done\n" * 3 + "z" * (len(text) - len(text.rstrip("z"))))
    assert len(out) <= OUTPUT_CHARS


def test_a_head_cut_inside_a_word_ends_before_it() -> None:
    # A long run mixing cases and digits could hold a key: back to whitespace.
    text = "w-" * 250 + " " + "aB3-" * 700 + " end"
    out = output_text({"output_type": "stream", "name": "stdout", "text": text})["text"]
    assert out.startswith("w-" * 250 + " \n… [") and out.endswith("]" + " …\nend")
    # Punctuation no key holds is a boundary too (minified JSON keeps its head).
    packed = '{"rows":[' + ",".join(f'{{"id":{i},"name":"n{i}"}}' for i in range(400)) + "]}"
    out = output_text({"output_type": "stream", "name": "stdout", "text": packed})["text"]
    assert out.startswith('{"rows":[{"id":0,"name":"n0"}') and len(out) > OUTPUT_CHARS // 2


@pytest.mark.parametrize("text", ["GATTACA" * 2000, "ab-" * 2000, "x" * 5000])
def test_a_long_run_of_one_kind_of_character_keeps_its_head_and_tail(text: str) -> None:
    """A DNA sequence or a row of one letter holds no key: cut where the bound falls,
    not emptied back to a whitespace it does not have."""
    out = output_text({"output_type": "stream", "name": "stdout", "text": text})["text"]
    assert out.startswith(text[:300]) and out.endswith(text[-300:])
    assert OUTPUT_CHARS // 2 < len(out) <= OUTPUT_CHARS


@pytest.mark.parametrize("secret", SECRETS)
def test_a_long_markdown_source_cut_inside_a_key_shows_none_of_it(secret: str) -> None:
    # clip_said bounds markdown and raw sources before the policy reads them.
    text = "word " * 180 + "key: " + secret + " and more prose " * 100
    cut = text.index(secret) + 12
    shown, _ = ContextPolicy().text(clip_said(text, cut + 60))
    assert secret[:12] not in shown and "more chars" in shown


@pytest.mark.parametrize("secret", SECRETS)
def test_a_result_cut_inside_a_key_shows_none_of_it(secret: str) -> None:
    # An execute_result's text is cut at its head only (_clip), before the policy runs.
    text = "value " * ((OUTPUT_CHARS - 30 - 12) // 6) + "x" * ((OUTPUT_CHARS - 42) % 6)
    text += secret + " and the rest of the repr " * 50
    assert text.index(secret) + 12 == OUTPUT_CHARS - 30
    out = output_text({"output_type": "execute_result", "data": {"text/plain": text}})["text"]
    shown, _ = ContextPolicy().text(out)
    assert secret[:12] not in shown and len(out) <= OUTPUT_CHARS


# Passwords hold punctuation (# $ ^ & ! @ *) that no key holds: a cut that fell there
# left most of the password in view, past the end of the text a rule reads it in (the
# DSN's "@host", the attribute's closing quote). Probe 11 found it on DSNs, password=
# and <input value=...>; these carriers and passwords are others.
PASSWORDS = ["Kq9!mZ#2vL$8nR^4", "wT4^hb&Zr!0q*Lm", "Q7$e@p#Lx^W2!k9z"]
CARRIERS = [
    "mongodb://svc:{}@mongo-0.mongo:27017/admin?authSource=admin",
    "PGPASSWORD={} psql -h db.internal -U etl",
    '<input type="text" name="client_secret" value="{}" readonly>',
    "mysql -u root -p'{}' sales",
]


def _pieces(text: str, secret: str) -> list[str]:
    """The 4-character pieces of ``secret`` found in ``text``."""
    return [secret[i : i + 4] for i in range(len(secret) - 3) if secret[i : i + 4] in text]


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_cut_never_falls_on_a_passwords_punctuation(password: str, carrier: str) -> None:
    line = carrier.format(password)
    lead = "log line ok\n" * 400
    for j in range(1, len(password)):
        # A result's head cut (_clip cuts at OUTPUT_CHARS - 40) j characters into it.
        at = OUTPUT_CHARS - 40 - j - line.index(password)
        text = lead[len(lead) - at :] + line + "\n" + lead
        out = output_text({"output_type": "execute_result", "data": {"text/plain": text}})["text"]
        assert _pieces(out, password) == [] and len(out) <= OUTPUT_CHARS, out[-120:]
        # A stream's tail cut (the last third) j characters into it.
        tail = len(line) - line.index(password) - j
        text = lead + line + "\n" + "done\n" * ((OUTPUT_CHARS // 3 - tail - 1) // 5)
        text += "z" * ((OUTPUT_CHARS // 3 - tail - 1) % 5)
        out = output_text({"output_type": "stream", "name": "stdout", "text": text})["text"]
        assert _pieces(out, password) == [] and len(out) <= OUTPUT_CHARS, out[:200]


def test_a_tail_cut_inside_a_line_drops_the_line_with_its_label() -> None:
    # "Using key <hex>": a tail that began in the label showed the key without it (40
    # hex characters, as a git commit's), which no rule could tell from a digest.
    key = "c20dff686731d5dbc3473f3306cfe4cefdd0d2a3"
    line = f"wandb: W&B API key is configured. Using key {key} for api.wandb.ai"
    for j in (3, 20, line.index(key) - 2):
        text = "log line ok\n" * 400 + line + "\n" + "step done\n" * 30
        text += "x" * (OUTPUT_CHARS // 3 - 300 - (len(line) - j) - 1)
        out = output_text({"output_type": "stream", "name": "stdout", "text": text})["text"]
        assert key[:8] not in out and out.rstrip("x").endswith("step done\n")
        assert "\n… [" in out and len(out) <= OUTPUT_CHARS
