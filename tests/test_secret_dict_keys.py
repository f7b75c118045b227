"""A dict under a secret name: whose keys stay (8de4713) and whose hide.

Under a (user, password) name (``credentials``, ``creds``, ``auth``, ``login``) a dict's
keys are its fields or its users: they stay. Under any other secret name (``passwords``,
``secrets``, ``tokens``) the keys may be the secrets themselves (a password -> user map):
every literal hides, as before 8de4713.
"""

from __future__ import annotations

import pytest

from jupyter_chatkit.context_policy import ContextPolicy


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (
            "passwords = {'hunter2': 'ada', 'correcthorsebatterystaple': 'bob'}",
            ["hunter2", "correcthorsebatterystaple"],
        ),
        ("{'secrets': {'opensesame': 'vault'}}", ["opensesame"]),
        ("API_KEYS = {'letmein99': 'ci'}", ["letmein99"]),
    ],
)
def test_keys_of_a_dict_of_secrets_hide(text: str, secrets: list[str]) -> None:
    out = ContextPolicy().text(text)[0]
    for secret in secrets:
        assert secret not in out, out


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("{'credentials': {'user': 'ada', 'password': 'x}Y7zQw3m'}}", ["'user'", "'password'"]),
        ("creds = {'ada': 'x)Y7zQw3m', 'bob': 'q(W8zrT'}", ["'ada'", "'bob'"]),
    ],
)
def test_keys_of_a_credentials_record_stay(text: str, kept: list[str]) -> None:
    out = ContextPolicy().text(text)[0]
    for word in kept:
        assert word in out, out
    assert "x}Y7zQw3m" not in out and "x)Y7zQw3m" not in out and "q(W8zrT" not in out
