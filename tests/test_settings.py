"""One declaration of every setting: config, environment and defaults agree everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from traitlets import TraitError
from traitlets.config import Config

from jupyter_chatkit.settings import JupyterChatKit, MiB, redact_url

from .test_handlers import server_config


def test_environment_fills_what_config_leaves_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("JUPYTER_CHATKIT_MODEL", "env-model")
    monkeypatch.setenv("JUPYTER_CHATKIT_API", "Responses")

    from_env = JupyterChatKit()
    configured = JupyterChatKit(config=Config({"JupyterChatKit": {"model": "cfg-model"}}))

    assert (from_env.model, from_env.effective_api, from_env.provider) == (
        "env-model",
        "responses",
        "openai-compatible",
    )
    assert configured.model == "cfg-model"
    assert configured.base_url == "http://127.0.0.1:1/v1"


def test_a_bad_api_name_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_CHATKIT_API", "completions")
    with pytest.raises(TraitError, match="JUPYTER_CHATKIT_API must be"):
        _ = JupyterChatKit().api


def test_repr_hides_the_key_and_store_password() -> None:
    settings = JupyterChatKit(
        api_key="sk-hidden-0123456789", store_url="postgresql://u:hunter22@db/chat"
    )
    text = repr(settings)
    assert "sk-hidden" not in text and "hunter22" not in text
    assert "postgresql://u:***@db/chat" in text


def test_equal_settings_share_a_cache_key() -> None:
    a = JupyterChatKit(model="m", redact_patterns=["x+"])
    b = JupyterChatKit(model="m", redact_patterns=["x+"])
    assert a.cache_key() == b.cache_key()
    assert a.cache_key() != JupyterChatKit(model="other").cache_key()
    assert JupyterChatKit().max_upload_bytes == 20 * MiB


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path, title_threads=False, max_upload_bytes=12345, history_max_items=7)


async def test_server_config_reaches_the_assistant(jp_serverapp: Any) -> None:
    chatkit = jp_serverapp.web_app.settings["jupyter_chatkit"]
    settings = chatkit["holder"].settings

    assert settings.title_threads is False
    assert settings.history_max_items == 7
    assert chatkit["max_upload_bytes"] == 12345
    assert settings.offline


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ada:hunter22@db/chat", "postgresql://ada:***@db/chat"),
        ("https://sk-proxy-token-0123@proxy.example/v1", "https://***@proxy.example/v1"),
        ("https://:only-a-password@proxy/v1", "https://:***@proxy/v1"),
        ("postgresql://ada:p@ss:w0rd@db/chat", "postgresql://ada:***@db/chat"),
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
        ("sqlite:////home/ada/chat.sqlite3", "sqlite:////home/ada/chat.sqlite3"),
        ("https://proxy/v1?next=a@b", "https://proxy/v1?next=a@b"),
        # A credential in the query or fragment, by the policy's secret names.
        (
            "https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=az-secret-1234",
            "https://x.openai.azure.com/openai?api-version=2024-06-01&api-key=***",
        ),
        (
            "https://proxy/v1?key=AIzaSyA-secret-99;token=tk-123456",
            "https://proxy/v1?key=***;token=***",
        ),
        ("https://proxy/v1#access_token=abc123456", "https://proxy/v1#access_token=***"),
        ("https://proxy/v1?sort_key=a&max_tokens=5", "https://proxy/v1?sort_key=a&max_tokens=5"),
        # A typo ("//" without ":"): no scheme to read, all before the "@" is hidden.
        ("postgresql//ada:hunter22@db/chat", "***@db/chat"),
        ("postgres:/ada:hunter22@db/chat", "***@db/chat"),
    ],
)
def test_redact_url_hides_a_password_and_a_bare_token_user(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_a_percent_encoded_url_password_is_hidden_from_the_model_as_sent() -> None:
    # The HTTP client sends "p%40ss" as "p@ss" (Basic auth): a notebook holding the
    # password as the provider gets it must not show it to the model either.
    from types import SimpleNamespace

    from jupyter_chatkit.context_policy import ContextPolicy

    settings = SimpleNamespace(base_url="https://ada:wh%40t-a%20secret@proxy.example/v1")
    policy = ContextPolicy.from_settings(settings)
    for shown in ("wh@t-a secret", "wh%40t-a%20secret"):
        text, _ = policy.text(f"print({shown!r})")
        assert shown not in text


def test_a_credential_in_the_provider_url_query_is_a_configured_secret() -> None:
    from jupyter_chatkit.context_policy import ContextPolicy
    from jupyter_chatkit.serverext.secrets import secret_values

    secret = "az-query-secret-0123456789"
    settings = JupyterChatKit(base_url=f"https://x.openai.azure.com/openai?api-key={secret}")

    assert secret in settings.configured_secrets
    assert secret in secret_values(settings)
    text, _ = ContextPolicy.from_settings(settings).text(f"print({secret[3:]!r}) # {secret}")
    assert secret not in text
    assert secret not in redact_url(settings.base_url) and secret not in repr(settings)


@pytest.mark.parametrize("mark", ["#", "/", "?"])
def test_a_password_with_an_unescaped_reserved_character_is_hidden(mark: str) -> None:
    # SQLAlchemy reads a store URL's password up to the "@" ("Pa55#w0rd"), so such a
    # store works; urlsplit ends the userinfo at the "#", and the whole URL was printed
    # by `jupyter chatkit` and left out of the secrets removed from answers and logs.
    password = f"Pa55{mark}w0rd-red4"
    url = f"postgresql://chatkit:{password}@db.internal:5432/chat"
    settings = JupyterChatKit(store_url=url)

    assert redact_url(url) == "postgresql://chatkit:***@db.internal:5432/chat"
    assert password not in repr(settings)
    assert password in settings.configured_secrets


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/v1?next=a@b", "http://[::1]:8888/user/ada@example.org/lab"],
)
def test_a_port_before_an_at_sign_in_the_path_is_not_a_password(url: str) -> None:
    assert redact_url(url) == url


@pytest.mark.parametrize(
    ("setting", "url"),
    [
        ("store_url", "postgresql//ada:typo-pass-123@db/chat"),
        ("base_url", "http//ada:typo-pass-456@h/v1"),
    ],
)
def test_a_password_in_a_url_typed_without_its_scheme_is_a_configured_secret(
    setting: str, url: str
) -> None:
    # "postgresql//" or "http//" (the ":" left out): urlsplit finds no userinfo, so the
    # password was not removed from answers and logs by exact value.
    settings = JupyterChatKit(**{setting: url})
    assert url.rpartition("@")[0].rpartition(":")[2] in settings.configured_secrets


def test_a_list_setting_given_on_the_command_line_as_a_literal_is_that_list() -> None:
    """A server reads its command line before it knows the extension's classes: a list
    literal for one (``'--JupyterChatKit.models=["a", "b"]'``) was kept whole as one
    item, a model named '["a", "b"]' and a redaction pattern that hid nothing meant."""
    from traitlets.config import Application

    app = Application()
    app.parse_command_line(
        [
            '--JupyterChatKit.models=["small-model", "big-model"]',
            "--JupyterChatKit.redact_patterns=['ACME-[0-9]{8}']",
            "--JupyterChatKit.model=gpt-4.1",
        ]
    )
    settings = JupyterChatKit(config=app.config)
    assert settings.models == ["small-model", "big-model"]
    assert settings.redact_patterns == ["ACME-[0-9]{8}"]
    assert settings.model == "gpt-4.1"
    # One name, and the repeated flag traitlets documents, read as before.
    app = Application()
    app.parse_command_line(
        ["--JupyterChatKit.models=one", "--JupyterChatKit.redact_patterns=[A-Z]{3}-[0-9]+"]
    )
    settings = JupyterChatKit(config=app.config)
    assert (settings.models, settings.redact_patterns) == (["one"], ["[A-Z]{3}-[0-9]+"])


def test_a_list_setting_given_again_as_literals_adds_their_items() -> None:
    """A flag given again adds items (traitlets' documented repeated flag): two literals
    gave two items of text ('["a"]', '["b"]'); a literal holding other than text is
    refused with the setting's name, as traitlets refuses it for a class it knows."""
    from traitlets.config import Application

    def parsed(*argv: str) -> JupyterChatKit:
        app = Application()
        app.parse_command_line([f"--JupyterChatKit.{arg}" for arg in argv])
        return JupyterChatKit(config=app.config)

    assert parsed('models=["small"]', 'models=["big", "huge"]').models == ["small", "big", "huge"]
    patterns = parsed("redact_patterns=['ACME-[0-9]{8}']", "redact_patterns=[A-Z]{3}-[0-9]+")
    assert patterns.redact_patterns == ["ACME-[0-9]{8}", "[A-Z]{3}-[0-9]+"]
    assert parsed("models=one", "models=two").models == ["one", "two"]
    with pytest.raises(TraitError, match=r"JupyterChatKit\.models.*int"):
        parsed('models=["small", 1]')
    with pytest.raises(TraitError, match="redact_patterns"):
        parsed("redact_patterns=['ACME-1']", "redact_patterns=[None]")
