"""Transport-free settings of the assistant.

The Jupyter server extension declares these as traitlets (``c.JupyterChatKit.*``) and
builds a :class:`Settings` from them; the kernel builds one from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

Api = Literal["responses", "chat_completions"]

ENV_MODEL = "JUPYTER_CHATKIT_MODEL"
ENV_API = "JUPYTER_CHATKIT_API"
ENV_BASE_URL = "OPENAI_BASE_URL"
ENV_API_KEY = "OPENAI_API_KEY"
ENV_STORE_URL = "JUPYTER_CHATKIT_STORE_URL"

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"
OFFLINE_MODEL = "offline"


@dataclass(frozen=True)
class Settings:
    """What the assistant needs to know: model, provider, store and limits."""

    model: str = ""
    api: Api | None = None
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    store_url: str = ""
    instructions: str = ""
    history_max_items: int = 60
    history_max_tokens: int = 24_000
    request_timeout: float = 120.0
    max_retries: int = 1
    tracing: bool = False
    title_threads: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read the pinned environment variables; keyword overrides win when truthy."""
        api = os.environ.get(ENV_API, "").strip() or None
        base = cls(
            model=os.environ.get(ENV_MODEL, "").strip(),
            api=_check_api(api),
            base_url=os.environ.get(ENV_BASE_URL, "").strip(),
            api_key=os.environ.get(ENV_API_KEY, "").strip(),
            store_url=os.environ.get(ENV_STORE_URL, "").strip(),
        )
        clean = {k: v for k, v in overrides.items() if v not in (None, "")}
        return replace(base, **clean)  # type: ignore[arg-type]

    @property
    def offline(self) -> bool:
        """True when no LLM is configured (or the model is named ``offline``)."""
        if self.model == OFFLINE_MODEL:
            return True
        return not self.api_key and not self.base_url

    @property
    def provider(self) -> str:
        """A human name for the provider, safe to show (never a secret)."""
        if self.offline:
            return "offline"
        if self.base_url:
            return "openai-compatible"
        return "openai"

    @property
    def effective_api(self) -> Api:
        """The API to call: explicit setting, else chat completions for custom base URLs."""
        if self.api:
            return self.api
        return "chat_completions" if self.base_url else "responses"

    @property
    def effective_model(self) -> str:
        """The model name that will be used."""
        if self.offline:
            return OFFLINE_MODEL
        return self.model or DEFAULT_OPENAI_MODEL

    def public(self) -> dict[str, object]:
        """What may be shown to a browser: names only, no key, no URL credentials."""
        return {
            "model": self.effective_model,
            "provider": self.provider,
            "api": None if self.offline else self.effective_api,
            "offline": self.offline,
        }


def _check_api(value: str | None) -> Api | None:
    if value is None:
        return None
    if value not in ("responses", "chat_completions"):
        raise ValueError(f"{ENV_API} must be 'responses' or 'chat_completions', not {value!r}")
    return value  # type: ignore[return-value]
