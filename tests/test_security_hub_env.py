"""Red team: under JupyterHub, a provider URL holding credentials stays out of kernels.

Kernels and terminals inherit the single-user server's environment; the key and the
store URL are removed from it (serverext/secrets.py). ``OPENAI_BASE_URL`` with a
``user:password@`` is as much a key as ``OPENAI_API_KEY``.
"""

from __future__ import annotations

from jupyter_chatkit.serverext.secrets import scrub_secrets
from jupyter_chatkit.settings import JupyterChatKit


def test_a_provider_url_with_credentials_is_removed_with_its_password() -> None:
    url = "https://team:proxy-pass-98765@llm-proxy.example/v1"
    environ = {
        "PATH": "/usr/bin",
        "OPENAI_BASE_URL": url,
        "PROXY_PASSWORD": "proxy-pass-98765",
        "JUPYTERHUB_API_TOKEN": "hub-token",
        "JUPYTERHUB_USER": "alice",
    }
    settings = JupyterChatKit(base_url=url, api_key="")
    removed = scrub_secrets(settings, environ)
    assert removed == ["OPENAI_BASE_URL", "PROXY_PASSWORD"]
    assert "proxy-pass-98765" not in repr(environ)
    # The server kept what it read.
    assert settings.base_url == url


def test_a_plain_provider_url_stays_and_a_broken_one_is_no_error() -> None:
    environ = {"OPENAI_BASE_URL": "http://llm.internal:8000/v1", "PATH": "/usr/bin"}
    settings = JupyterChatKit(base_url="http://llm.internal:8000/v1")
    assert scrub_secrets(settings, environ) == []
    broken = JupyterChatKit(base_url="http://[::1/v1")
    assert scrub_secrets(broken, dict(environ)) == []
