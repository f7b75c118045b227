"""A URL's password written percent-encoded is a secret in its decoded form too.

``DATABASE_URL=postgresql://etl:p%40ss%21w0rd-2026@db/sales``: ``unquote(...)`` or
SQLAlchemy's ``make_url(url).password`` prints ``p@ss!w0rd-2026``, which the model must
not read, whether the URL sits in the environment or in a variable of the namespace.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit

import pytest

from jupyter_chatkit.kernel.known_secrets import known_secrets

from .test_context_known_secrets import everything

# Each needs encoding in a URL's user info: "@", "!", "/", ":", "%", a space; one
# begins with its encoded character (``%40dm1n…``), as no ``%(pw)s`` template does.
PASSWORDS = ("p@ss!w0rd-2026", "Tr0ub/4dor:9x", "50%off Sale#7q", "@dm1n-2026!x")


def _url(password: str) -> str:
    return f"postgresql://etl:{quote(password, safe='')}@db.internal/sales"


@pytest.mark.parametrize("password", PASSWORDS)
def test_an_environment_urls_encoded_password_is_hidden_decoded(
    monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    url = _url(password)
    assert password not in url  # it is written encoded
    monkeypatch.setenv("CHATKIT_TEST_DATABASE_URL", url)
    decoded = unquote(urlsplit(url).password or "")
    assert decoded == password
    ns: dict[str, Any] = {"shown": [decoded, "db.internal"]}
    assert password in known_secrets(ns)
    text = everything(ns)
    assert password not in text and "db.internal" in text, text


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_namespace_urls_encoded_password_is_hidden_decoded(password: str) -> None:
    url = _url(password)
    ns: dict[str, Any] = {
        "database_url": url,
        "engine_url": {"url": url},
        "shown": [unquote(urlsplit(url).password or ""), "db.internal"],
    }
    assert password in known_secrets(ns)
    text = everything(ns)
    assert password not in text and "db.internal" in text, text


def test_a_password_with_no_encoding_is_learned_once() -> None:
    """A plain password is not learned again in another form, and a ``%`` that encodes
    nothing (``%zz``) is kept as it is written."""
    ns: dict[str, Any] = {"database_url": "postgresql://etl:Xq7pL2mZ9wRt@db/sales"}
    assert [s for s in known_secrets(ns) if "Xq7pL2mZ9wRt" in s] == ["Xq7pL2mZ9wRt"]
    ns = {"database_url": "postgresql://etl:Ab%zz9Qw7Lm@db/sales"}
    assert "Ab%zz9Qw7Lm" in known_secrets(ns)


def test_a_password_written_with_quote_plus_is_hidden_as_unquote_plus_gives_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLAlchemy's documentation writes a URL's password with ``quote_plus``: a space is
    ``+`` there, and ``unquote_plus`` gives back the password the person typed."""
    password = "correct horse 42!"
    url = f"postgresql://etl:{quote_plus(password)}@db.internal/sales"
    monkeypatch.setenv("CHATKIT_TEST_DATABASE_URL", url)
    decoded = unquote_plus(urlsplit(url).password or "")
    assert decoded == password and password not in url
    ns: dict[str, Any] = {"shown": [decoded, "db.internal"]}
    text = everything(ns)
    assert password not in text and "db.internal" in text, text
