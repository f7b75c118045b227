"""The Jupyter server extension app: configuration (traitlets) and handler wiring.

Every setting is declared once here with ``help=`` and an environment-variable default;
``settings()`` turns them into the transport-free :class:`~jupyter_chatkit.settings.Settings`.
Importing this module is cheap: chatkit and openai-agents load in the background once
the server starts, and the first request waits for them if it comes sooner.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, CaselessStrEnum, Float, Int, Unicode, default

from ..settings import (
    ENV_API,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_MODEL,
    ENV_STORE_URL,
    Settings,
)
from .handlers import (
    AssistantHolder,
    AttachmentHandler,
    ChatKitHandler,
    ConfigHandler,
    HealthHandler,
)

URL_PREFIX = "jupyter-chatkit"


class JupyterChatKit(ExtensionApp):
    """jupyter-chatkit: a ChatKit endpoint for the notebook assistant."""

    name = "jupyter_chatkit"
    description = "A notebook assistant speaking the ChatKit protocol."

    model = Unicode(
        config=True,
        help=f"Model name. Empty: gpt-4.1-mini for OpenAI, 'offline' when no key or base "
        f"URL is set. Env: {ENV_MODEL}.",
    )
    api = CaselessStrEnum(
        ["", "responses", "chat_completions"],
        config=True,
        help=f"Which OpenAI API to call: 'responses' (OpenAI) or 'chat_completions' "
        f"(any OpenAI-compatible server). Empty: chat_completions when base_url is set. "
        f"Env: {ENV_API}.",
    )
    base_url = Unicode(
        config=True,
        help=f"Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1 "
        f"for Ollama. Env: {ENV_BASE_URL}.",
    )
    api_key = Unicode(
        config=True,
        help=f"API key for the model provider. Never sent to the browser or logged. "
        f"Env: {ENV_API_KEY}.",
    )
    store_url = Unicode(
        config=True,
        help=f"Where conversations are kept: empty for SQLite in the Jupyter data dir, "
        f"sqlite:///path, or postgresql://user:pass@host/db. Env: {ENV_STORE_URL}.",
    )
    instructions = Unicode(
        "", config=True, help="Extra instructions appended to the assistant's system prompt."
    )
    history_max_items = Int(
        60, config=True, help="At most this many thread items are sent to the model."
    )
    history_max_tokens = Int(
        24_000, config=True, help="Approximate token budget of the history sent to the model."
    )
    request_timeout = Float(120.0, config=True, help="Seconds before a model request times out.")
    max_retries = Int(1, config=True, help="Retries of a failed model request.")
    tracing = Bool(False, config=True, help="Send openai-agents traces to OpenAI (off by default).")
    max_request_bytes = Int(
        2_000_000, config=True, help="Largest ChatKit request body accepted, in bytes."
    )
    max_upload_bytes = Int(20_000_000, config=True, help="Largest attachment accepted, in bytes.")

    @default("model")
    def _default_model(self) -> str:
        return os.environ.get(ENV_MODEL, "").strip()

    @default("api")
    def _default_api(self) -> str:
        return os.environ.get(ENV_API, "").strip()

    @default("base_url")
    def _default_base_url(self) -> str:
        return os.environ.get(ENV_BASE_URL, "").strip()

    @default("api_key")
    def _default_api_key(self) -> str:
        return os.environ.get(ENV_API_KEY, "").strip()

    @default("store_url")
    def _default_store_url(self) -> str:
        return os.environ.get(ENV_STORE_URL, "").strip()

    def assistant_settings(self) -> Settings:
        """The configured settings as the core sees them."""
        return Settings(
            model=self.model,
            api=self.api or None,
            base_url=self.base_url,
            api_key=self.api_key,
            store_url=self.store_url,
            instructions=self.instructions,
            history_max_items=self.history_max_items,
            history_max_tokens=self.history_max_tokens,
            request_timeout=self.request_timeout,
            max_retries=self.max_retries,
            tracing=self.tracing,
        )

    def initialize_settings(self) -> None:
        """Create the (lazy) assistant holder and start loading it in the background."""
        settings = self.assistant_settings()
        base_url: str = self.serverapp.base_url if self.serverapp else "/"
        holder = AssistantHolder(
            settings,
            attachment_url=lambda attachment_id: url_path_join(
                base_url, URL_PREFIX, "attachments", attachment_id
            ),
        )
        self.settings["jupyter_chatkit"] = {
            "holder": holder,
            "max_request_bytes": self.max_request_bytes,
            "max_upload_bytes": self.max_upload_bytes,
        }
        holder.start_in_background()
        self.log.info(
            "jupyter-chatkit: model %s via %s", settings.effective_model, settings.provider
        )

    def initialize_handlers(self) -> None:
        """Mount the endpoints under ``{base_url}jupyter-chatkit/``."""
        # ExtensionApp prepends the server's base_url to these patterns.
        prefix = "/" + URL_PREFIX
        self.handlers.extend(
            [
                (url_path_join(prefix, "chatkit"), ChatKitHandler),
                (url_path_join(prefix, "health"), HealthHandler),
                (url_path_join(prefix, "config"), ConfigHandler),
                (
                    url_path_join(prefix, "attachments", r"([A-Za-z0-9_\-]{1,100})"),
                    AttachmentHandler,
                ),
            ]
        )

    async def stop_extension(self) -> None:
        """Close the store when the server stops."""
        holder: Any = self.settings.get("jupyter_chatkit", {}).get("holder")
        if holder is not None:
            await holder.close()
