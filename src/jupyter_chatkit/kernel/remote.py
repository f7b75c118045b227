"""The kernel's chat through its own Jupyter server's endpoint, over HTTP.

A kernel started by a Jupyter server asks that server (``POST
{server}jupyter-chatkit/chatkit``) instead of running an assistant of its own: the server
holds the provider key and the store, authenticates the request and names its user. Under
JupyterHub this is how the in-kernel chat works without any DSN or key in the kernel, as
the hub user the server authenticated. Identity is never claimed by the kernel: it sends
a token, the server decides who that is.

Which server: under JupyterHub, ``JUPYTERHUB_SERVICE_URL`` (the user's own server) with
``JUPYTERHUB_API_TOKEN``; on a laptop, the running server whose process started this
kernel, from its runtime file (``jpserver-<pid>.json`` in Jupyter's runtime dir, which
holds its URL and token). With neither (nbclient, a script), or with a server that
does not run jupyter-chatkit's extension (its health endpoint is asked once), the kernel
runs its own assistant with the user's own settings (:mod:`.runtime`).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assistant.results import JsonResult, StreamResult
from ..protocol import RequestContext
from .deferrals import before_http

if TYPE_CHECKING:
    import ssl

    # Imported when a request is made: a kernel with no server (nbclient, a script)
    # finds none and never needs httpx (~50 ms of CPU: httpx imports its command line's
    # click and pygments when installed).
    import httpx

log = logging.getLogger("jupyter_chatkit")

ENDPOINT_PATH = "jupyter-chatkit/chatkit"


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings of the kernel's requests to its server (httpx's default, without
    the environment's), made once per process: loading the CA bundle costs 20-70 ms of
    CPU, and every question opens its client anew (:meth:`AssistantRuntime.busy`)."""
    import httpx

    return httpx.create_ssl_context(trust_env=False)


@dataclass(frozen=True)
class ServerEndpoint:
    """Where the kernel's server answers ChatKit requests, and the token to send."""

    url: str
    token: str = ""
    hub: bool = False

    def __repr__(self) -> str:
        # Never the token: reprs end up in logs and tracebacks.
        return f"ServerEndpoint(url={self.url!r}, hub={self.hub})"


def find_server(environ: Mapping[str, str] | None = None) -> ServerEndpoint | None:
    """The endpoint of the Jupyter server that started this kernel, if there is one."""
    env = os.environ if environ is None else environ
    token = env.get("JUPYTERHUB_API_TOKEN", "").strip()
    service_url = env.get("JUPYTERHUB_SERVICE_URL", "").strip()
    if token and service_url:
        return ServerEndpoint(_join(service_url, ENDPOINT_PATH), token, hub=True)
    return _server_of_parent(os.getppid())


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path


def runtime_info(pid: int) -> dict[str, Any] | None:
    """The runtime file (``jpserver-<pid>.json``) of the local server of process ``pid``:
    its URL, token and root directory; None when there is none."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        info_file = Path(jupyter_runtime_dir()) / f"jpserver-{pid}.json"
        if not info_file.is_file():
            return None
        info: Any = json.loads(info_file.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("pid") != pid:
        return None
    return info


def _server_of_parent(parent_pid: int) -> ServerEndpoint | None:
    """The local server whose process is this kernel's parent, from its runtime file.

    Only a server with a token qualifies (a password-only server has nothing the kernel
    could authenticate with); the file is readable by its owner only.
    """
    info = runtime_info(parent_pid)
    if info is None:
        return None
    url, token = str(info.get("url") or ""), str(info.get("token") or "")
    if not url or not token:
        return None
    return ServerEndpoint(_join(url, ENDPOINT_PATH), token)


class RemoteAssistant:
    """Answers :meth:`handle` like :class:`NotebookAssistant`, by asking the server."""

    def __init__(self, endpoint: ServerEndpoint) -> None:
        self.endpoint = endpoint
        self._client: httpx.AsyncClient | None = None
        # Servers that want an XSRF token even from token-authenticated clients
        # (JupyterHub's legacy single-user mode) get the one their health GET set.
        self._xsrf: str | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            before_http()
            import httpx

            self._client = httpx.AsyncClient(
                # Connecting to one's own server is immediate; an answer may stream for
                # minutes, and the model request has its own timeout on the server.
                timeout=httpx.Timeout(connect=10.0, read=None, write=60.0, pool=60.0),
                headers={"Authorization": f"token {self.endpoint.token}"},
                # The server is the kernel's own: no proxy in between.
                trust_env=False,
                verify=tls_context(),
            )
        return self._client

    async def handle(self, body: bytes | str, context: RequestContext) -> JsonResult | StreamResult:
        """POST one ChatKit request; the server authenticates it and picks the user.

        ``context`` is not sent: who is asking is the server's decision. Failures come
        back as a JSON error with a readable message, never raised.
        """
        import httpx

        del context
        content = body.encode() if isinstance(body, str) else body
        try:
            response = await self._post(content)
            if response.status_code == 403 and self._xsrf is None:
                # Tornado checks XSRF before authenticating in JupyterHub's legacy mode.
                data = await response.aread()
                await response.aclose()
                if b"_xsrf" not in data or not await self._fetch_xsrf():
                    return _json_result(403, response.headers.get("Content-Type", ""), data)
                response = await self._post(content)
        except httpx.HTTPError as exc:
            log.warning("The kernel could not reach its Jupyter server: %s", type(exc).__name__)
            return JsonResult.error(
                503, "The kernel could not reach its Jupyter server; try again."
            )
        content_type = response.headers.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/event-stream"):
            return StreamResult(self._events(response))
        try:
            data = await response.aread()
        finally:
            await response.aclose()
        return _json_result(response.status_code, content_type, data)

    async def _post(self, content: bytes) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if self._xsrf:
            headers |= {"X-XSRFToken": self._xsrf, "Cookie": f"_xsrf={self._xsrf}"}
        client = self._http()
        request = client.build_request("POST", self.endpoint.url, content=content, headers=headers)
        return await client.send(request, stream=True)

    async def _fetch_xsrf(self) -> bool:
        """Get the server's XSRF cookie from the (authenticated) health endpoint."""
        response = await self._http().get(self._health_url)
        self._xsrf = response.cookies.get("_xsrf") or None
        return self._xsrf is not None

    @property
    def _health_url(self) -> str:
        return self.endpoint.url.rsplit("/", 1)[0] + "/health"

    async def available(self) -> bool | None:
        """True when the server answers our health endpoint for this token.

        False when it runs without jupyter-chatkit's extension (404) or refuses the
        token: then the kernel runs its own assistant, as before. None when it cannot be
        reached right now (worth asking again later).
        """
        import httpx

        try:
            response = await self._http().get(self._health_url)
        except httpx.HTTPError as exc:
            log.info("The kernel's Jupyter server is not reachable: %s", type(exc).__name__)
            return None
        if response.status_code != 200:
            log.info("The kernel's Jupyter server has no assistant (%s)", response.status_code)
            return False
        self._xsrf = response.cookies.get("_xsrf") or self._xsrf
        return True

    async def answering(self) -> tuple[bool, str]:
        """Whether the server's assistant answers with the built-in offline model, and
        its model's name (its ``config`` endpoint: names only); False and '' when that
        cannot be told."""
        import httpx

        url = self.endpoint.url.rsplit("/", 1)[0] + "/config"
        try:
            response = await self._http().get(url)
            config = response.json() if response.status_code == 200 else {}
            model = config.get("model")
            return config.get("offline") is True, model if isinstance(model, str) else ""
        except (httpx.HTTPError, ValueError, AttributeError):
            return False, ""

    async def _events(self, response: httpx.Response) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_raw():
                yield chunk
        finally:
            # Closing stops the server's run too (it sees the connection go).
            await response.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections (reopened on the next request)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


def _json_result(status: int, content_type: str, data: bytes) -> JsonResult:
    """The server's JSON answer as is; anything else (a proxy's HTML page) as a message."""
    if content_type.startswith("application/json"):
        try:
            json.loads(data)
            return JsonResult(status, data)
        except ValueError:
            pass
    if status in (401, 403):
        message = "Your Jupyter server refused the kernel's request (not authorized)."
    else:
        message = f"Your Jupyter server answered with status {status}."
    return JsonResult.error(status, message)
