"""The general causes held-out probe 8 found (tests/fixtures/probe8_texts.json), each as
cases of its own in tests/fixtures/probe8_causes.json (read by
js/lab/test/probe8causes.test.ts too):

- leaks: a key repeated in an error's words (``Invalid API key provided: x``), a
  password column named in another language (HTML, text, Markdown, CSV tables), an API
  key named in Japanese or Korean, a Twitch chat token (``PASS oauth:…``);
- look-alikes shown unchanged: a URL's path after its host (no AWS secret key), platform
  ids with a prefix (``team_``, ``dpl_``), masks showing a key's last characters, a
  template's variable as a URL's password, field names after a secret's name in a pair
  (``__slots__``, ``dict_keys``), YAML tags naming where a secret is kept, another
  language's name about a password (``Passwort-Länge``).

Probe 9's causes (tests/fixtures/probe9_texts.json) are cases of the same file (ids
``p9-``): a Netscape cookies.txt jar and a login written as ``user / password`` hidden;
schema listings of secret-named columns (``df.dtypes``, ``df.info()``, Spark's
``printSchema``, a JSON schema's field), names about a secret's age or rotation, a
cookie holding a word, a mapping's key as a subscript (``env['API_PASS']``), a shell
variable piped to ``--password-stdin`` and ``authorization_response`` shown unchanged.

Probe 10's causes (tests/fixtures/probe10_texts.json), ids ``p10-`` and the look-alikes
after them: Basic credentials built by other encoders and languages (``btoa``,
``urlsafe_b64encode``, ``EncodeToString``, R's and Julia's ``base64encode``) hidden; a
cursor's or a special token's name (``nextPageToken``, ``idempotency_token``,
``pad_token``), masks (``hf****``, ``sk-a...Xy12``, a lone ``*``), base64 digests after
their algorithm (``SHA256:…``, ``sha384-…``), ids named in prose (``experiment id …``),
punctuation tokens, camelCase placeholders, a CSP header's sources, a UUID under a name's
qualifier, a secret's ends under its name (``api_key_last4``) shown unchanged; a whole
credential under such a name (ids ``p10r-``: a split secret's halves as ``secret_first``
and ``secret_last``, ``password_last``, an unmasked ``_MASKED``) hidden all the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "probe8_causes.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES["leaks"], ids=[c["id"] for c in CASES["leaks"]])
def test_a_secret_is_hidden(case: dict[str, Any]) -> None:
    text, count = ContextPolicy().text(case["text"])
    assert count >= 1
    for secret in case["secrets"]:
        assert secret not in text, text


@pytest.mark.parametrize("text", CASES["harmless"])
def test_a_look_alike_is_shown_unchanged(text: str) -> None:
    assert ContextPolicy().text(text) == (text, 0)
