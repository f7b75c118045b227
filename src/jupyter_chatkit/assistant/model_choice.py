"""Which model answers a turn: the configured one, or one picked in the chat's header.

A pick travels on each user message as ChatKit's ``inference_options.model`` and so is
kept per thread (a turn uses the model of the thread's last user message). The server
accepts only the allow-list of :attr:`Settings.allowed_models`, or with ``models =
['*']`` any model the provider's ``GET /models`` lists; anything else is refused before
the message is saved, with a message naming the choices.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from chatkit.types import ThreadItem, UserMessageItem

from ..settings import Settings
from .models import build_model, client_options, close_model, model_client
from .partial import KeepPartialOutput

if TYPE_CHECKING:
    from agents.models.interface import Model

log = logging.getLogger("jupyter_chatkit")

# How long the provider's model list is trusted before it is asked again.
LIST_TTL = 300.0
LIST_TIMEOUT = 10.0
MAX_LISTED = 500


class ModelNotAllowed(ValueError):
    """A picked model the server does not accept (a 400 / ErrorEvent for the client)."""


class ModelChoice:
    """The models of one assistant: validation, the provider's list, one client each."""

    def __init__(self, settings: Settings, default: Model) -> None:
        """``default`` is the assistant's model for ``settings.effective_model``."""
        self.settings = settings
        self.default = default
        self._built: dict[str, KeepPartialOutput] = {}
        self._listed: tuple[float, list[str]] | None = None
        self._lock = asyncio.Lock()

    async def names(self) -> list[str]:
        """The models to offer: the allow-list, or the provider's list with ``*``."""
        allowed = self.settings.allowed_models
        if not self.settings.any_provider_model:
            return allowed
        listed = await self.provider_models()
        return allowed + sorted(m for m in listed if m not in allowed)

    async def provider_models(self) -> list[str]:
        """The provider's ``GET /models`` names (cached; empty when it cannot tell)."""
        async with self._lock:
            if self._listed and time.monotonic() - self._listed[0] < LIST_TTL:
                return self._listed[1]
            names: list[str] = []
            try:
                from openai import AsyncOpenAI

                async with AsyncOpenAI(
                    **client_options(self.settings),
                    timeout=LIST_TIMEOUT,
                    max_retries=0,
                ) as client:
                    async for model in client.models.list():
                        names.append(model.id)
                        if len(names) >= MAX_LISTED:
                            break
            except Exception as exc:  # no /models here: only the allow-list is offered
                log.info("the provider's model list is unavailable: %s", type(exc).__name__)
            self._listed = (time.monotonic(), names)
            return names

    async def check(self, name: str | None) -> None:
        """Raise :class:`ModelNotAllowed` unless ``name`` (a pick) may be used."""
        if not name or name in self.settings.allowed_models:
            return
        if self.settings.any_provider_model and name in await self.provider_models():
            return
        choices = ", ".join(self.settings.allowed_models)
        more = " or a model the provider lists" if self.settings.any_provider_model else ""
        raise ModelNotAllowed(
            f"The model {name[:100]!r} is not available on this server; pick {choices}{more}."
        )

    def for_items(self, items: Sequence[ThreadItem]) -> Model:
        """The model of the last user message among ``items`` (the thread's pick)."""
        for item in reversed(items):
            if isinstance(item, UserMessageItem):
                return self.model(item.inference_options.model)
        return self.default

    def model(self, name: str | None) -> Model:
        """The model for ``name`` (checked earlier by :meth:`check`), built once."""
        if not name or name == self.settings.effective_model:
            return self.default
        if name not in self._built:
            settings = Settings(**{**self.settings.values(), "model": name})
            # Same provider, key and options, so the configured model's client: its
            # connections, which a person's writing keeps open (provider_warm.py), serve
            # the pick's turns too, with no pool and handshake of their own.
            default = self.default
            inner = default.inner if isinstance(default, KeepPartialOutput) else default
            self._built[name] = KeepPartialOutput(build_model(settings, model_client(inner)))
        return self._built[name]

    async def aclose(self) -> None:
        """Close the HTTP clients of the models built for picks."""
        for model in self._built.values():
            await model.close()
            await close_model(model.inner)
        self._built.clear()
