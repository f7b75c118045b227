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


def test_a_hidden_key_never_takes_another_keys_name() -> None:
    """A key that is a secret is shown as its placeholder, made unique: a plain key of the
    same name (a result read before, its placeholders kept), in either order, keeps its
    entry, and neither the secret nor any value is lost."""
    key = "sk-proj-9fK2mQ7vX1bN4cR8tY3wZ6pL0sD5hJ2aG4"
    taken = "«redacted: API key»"
    for data in ({key: 1, taken: 2}, {taken: 2, key: 1}, {key: 1, f"{taken} #2": 2, taken: 3}):
        out = ContextPolicy().redactor().data(data)
        assert key not in str(out)
        assert sorted(out.values()) == sorted(data.values()), out
        assert out[taken] == data[taken] or taken not in data
