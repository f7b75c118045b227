"""The Jupyter server extension app: handler wiring, with the settings declared once.

The settings are :class:`~jupyter_chatkit.settings.JupyterChatKit` (``c.JupyterChatKit.*``),
a Configurable the app builds from the server's config; this app declares none of its own.
Importing this module is cheap: chatkit and openai-agents load in the background once
the server starts, and the first request waits for them if it comes sooner.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING, Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join

from ..assistant.scrub import register_secret
from ..logs import setup_logging, write_with
from ..protocol import LOCAL_USER
from ..settings import JupyterChatKit
from ..settings_checked import checked_settings, unknown_settings
from .attachments import AttachmentHandler
from .deferred_imports import defer_unused_packages
from .handlers import (
    _SINGLE_USER_PROVIDERS,
    AttachmentNotFoundHandler,
    ChatKitHandler,
    ConfigHandler,
    HealthHandler,
    ModelsHandler,
    NotFoundHandler,
)
from .holder import AssistantHolder
from .renames import RenameFollower, server_id
from .secrets import running_under_hub, scrub_secrets

if TYPE_CHECKING:
    from ..store import SQLStore

URL_PREFIX = "jupyter-chatkit"


async def _store_of(holder: AssistantHolder) -> SQLStore:
    """The store of the holder's assistant (waiting for it to be built)."""
    return (await holder.get()).sql_store


class JupyterChatKitApp(ExtensionApp):
    """jupyter-chatkit: a ChatKit endpoint for the notebook assistant."""

    name = "jupyter_chatkit"
    description = "A notebook assistant speaking the ChatKit protocol."
    classes = [*ExtensionApp.classes, JupyterChatKit]

    def assistant_settings(self) -> JupyterChatKit:
        """The settings in force: ``c.JupyterChatKit.*``, else environment, else defaults
        (a refused config value left out: :meth:`initialize_settings` keeps the assistant
        off then)."""
        return checked_settings(self.config, self)[0]

    def _link_jupyter_server_extension(self, serverapp: Any) -> None:
        """Link to the server, with the configured secrets hidden from its log first.

        Linking hands the server's config (command line, config files) to traitlets,
        whose ``Config changed: {...}`` debug lines print every value in it: with
        ``--debug``, ``--JupyterChatKit.api_key=sk-...`` was written whole, by the server
        and by each extension linked after this one, long before the assistant (which
        registers its secrets) was built. Registered from the server's config before,
        and from this app's (its own config files too) after.
        """
        _hide_in_logs(checked_settings(serverapp.config)[0])
        super()._link_jupyter_server_extension(serverapp)
        _hide_in_logs(self.assistant_settings())

    def initialize_settings(self) -> None:
        """Set up logging, create the (lazy) assistant holder and start loading it."""
        setup_logging()
        write_with(self.log)
        settings, refused = checked_settings(self.config, self)
        # A refused setting (--JupyterChatKit.max_upload_bytes=abc, JUPYTER_CHATKIT_API=chat)
        # keeps the assistant off, not the extension: one line here, a 503 naming it to
        # every request (holder.py).
        if refused is None:
            refused = (settings.refused_setting() or (None, None))[1]
        if refused is not None:
            self.log.error("jupyter-chatkit: the assistant is off: %s", refused)
        for unknown in unknown_settings(self.config):
            self.log.warning("jupyter-chatkit: %s", unknown)
        hub = running_under_hub(os.environ)
        if hub:
            # Kernels and terminals are spawned later with a copy of os.environ: the
            # store URL and the provider key must not be in it. The kernel's chat asks
            # this server instead (kernel/remote.py), authenticated as its user.
            removed = scrub_secrets(settings, os.environ)
            if removed:
                self.log.info(
                    "jupyter-chatkit: removed %s from the environment kernels and "
                    "terminals inherit",
                    ", ".join(removed),
                )
        base_url: str = self.serverapp.base_url if self.serverapp else "/"
        root_dir: str = self.serverapp.root_dir if self.serverapp else os.getcwd()
        holder = AssistantHolder(
            settings,
            attachment_url=lambda attachment_id: url_path_join(
                base_url, URL_PREFIX, "attachments", attachment_id
            ),
            # Recorded on each thread made here: renames move only this server's threads.
            server_id=server_id(os.environ, hub, root_dir),
            refused=refused,
        )
        follower = RenameFollower(partial(_store_of, holder), self._owners(hub))
        if self.serverapp is not None and self.serverapp.event_logger is not None:
            follower.listen(self.serverapp.event_logger)
        self.settings["jupyter_chatkit"] = {
            "holder": holder,
            # Renamed notebooks, open or closed, keep their conversations (renames.py).
            "renames": follower,
            "max_request_bytes": settings.max_request_bytes,
            "max_upload_bytes": settings.max_upload_bytes,
            # Under a hub, users are never collapsed into one scope (see handlers).
            "hub": hub,
        }
        # Before the background build imports openai-agents: no mcp package beyond the
        # submodule the SDK imports until an MCP server starts (deferred_imports.py).
        defer_unused_packages()
        holder.start_in_background()
        if refused is not None:
            return
        if settings.offline:
            self.log.info("jupyter-chatkit: offline demo model (no provider configured)")
        else:
            self.log.info(
                "jupyter-chatkit: model %s via %s (%s)",
                settings.effective_model,
                settings.provider,
                settings.effective_api,
            )

    def _owners(self, hub: bool) -> list[str]:
        """This server's owner, whose threads recorded before servers were (older
        releases) follow its renames too (see :mod:`.renames`); none when it has many."""
        if hub:
            owner = os.environ.get("JUPYTERHUB_USER", "").strip()
            return [owner] if owner else []
        provider = self.serverapp.identity_provider if self.serverapp else None
        if provider is None or type(provider) in _SINGLE_USER_PROVIDERS:
            return [LOCAL_USER]
        return []  # several users, one root: nobody's older threads can be told apart

    def initialize_handlers(self) -> None:
        """Mount the endpoints under ``{base_url}jupyter-chatkit/``."""
        # ExtensionApp prepends the server's base_url to these patterns.
        prefix = "/" + URL_PREFIX
        self.handlers.extend(
            [
                (url_path_join(prefix, "chatkit"), ChatKitHandler),
                (url_path_join(prefix, "health"), HealthHandler),
                (url_path_join(prefix, "config"), ConfigHandler),
                (url_path_join(prefix, "models"), ModelsHandler),
                (
                    url_path_join(prefix, "attachments", r"([A-Za-z0-9_\-]{1,100})"),
                    AttachmentHandler,
                ),
                # Anything else under the prefix: a JSON 404, not Jupyter's HTML page.
                (url_path_join(prefix, "attachments", "(.*)"), AttachmentNotFoundHandler),
                (prefix + "(/.*)?", NotFoundHandler),
            ]
        )

    async def stop_extension(self) -> None:
        """Close the store when the server stops."""
        follower: Any = self.settings.get("jupyter_chatkit", {}).get("renames")
        if follower is not None and self.serverapp and self.serverapp.event_logger:
            follower.stop(self.serverapp.event_logger)
        holder: Any = self.settings.get("jupyter_chatkit", {}).get("holder")
        if holder is not None:
            await holder.close()


def _hide_in_logs(settings: JupyterChatKit) -> None:
    """Scrub ``settings``' secrets from every log record of the process from now on."""
    try:
        secrets = settings.configured_secrets
    except Exception:  # a refused value: the assistant says so when it is built
        return
    for secret in secrets:
        register_secret(secret)
