"""``jupyter chatkit``: what a user runs when the assistant misbehaves.

It reads the same configuration the server would (``jupyter_server_config.*``, then the
environment), prints the provider, API, model and store in force, whether a key is set
(never the key), sends one tiny request to the provider, lists the provider's models,
and checks that the server extension, the JupyterLab extension and the default kernel
are ready. It exits non-zero when any check fails. ``jupyter chatkit --help-all`` lists
every ``c.JupyterChatKit`` option.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from jupyter_core.application import JupyterApp
from traitlets import Bool, Float, TraitError, Unicode, default, validate

from . import __version__
from .settings import (
    ENV_API_KEY,
    STORE_DRIVER_MISSING,
    JupyterChatKit,
    default_sqlite_path,
    is_postgres_url,
    redact_url,
)
from .settings_checked import checked_settings, unknown_settings

KERNEL_CODE = "import jupyter_chatkit; print(jupyter_chatkit.__version__)"
# The provider only has to answer; a short reply keeps the check cheap.
PING = "Reply with the single word OK."
# Below this, setting up the client is not worth a word in the report (it is in --json).
SETUP_WORTH_SHOWING_MS = 500


@dataclass
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    # A check that passed with something worth a look (e.g. a model the provider
    # does not list); it does not fail the command.
    warning: bool = False
    data: dict[str, Any] = field(default_factory=dict)


def describe_settings(settings: JupyterChatKit) -> dict[str, Any]:
    """The settings in force, safe to print: names, never the key or a password."""
    return {
        "version": __version__,
        "provider": settings.provider,
        "api": None if settings.offline else settings.effective_api,
        "model": settings.effective_model,
        "base_url": redact_url(settings.base_url) or None,
        "key_set": bool(settings.api_key),
        "store": redact_url(settings.store_url) or f"sqlite:///{default_sqlite_path()}",
    }


def _client(settings: JupyterChatKit, timeout: float) -> Any:
    import openai

    from .assistant.models import client_options

    return openai.OpenAI(
        **client_options(settings),
        timeout=timeout,
        max_retries=0,
    )


def _error_text(exc: BaseException, settings: JupyterChatKit, timeout: float) -> str:
    import openai

    from .assistant.models import describe_model_error

    if isinstance(exc, openai.APITimeoutError):
        # The chat's "ask something smaller" fits no check; a local server's first
        # request may be loading the model.
        return (
            f"no answer within {timeout:g} s: the server is slow or busy (a local server "
            "may be loading the model); try a longer --timeout"
        )
    text, _retry = describe_model_error(exc, settings.where)
    return text


def _is_an_answer(result: Any, api: str) -> bool:
    """Whether ``result`` is a model's answer: openai returns a body that is not JSON (a
    web page: a proxy, a server's UI at the base URL) as its text, and builds JSON of
    another shape without the fields it lacks, raising nothing for either."""
    if api == "responses":
        return isinstance(getattr(result, "output", None), list)
    return bool(getattr(result, "choices", None))


def check_request(settings: JupyterChatKit, timeout: float) -> Check:
    """Send one tiny request through the API the assistant uses."""
    name = "provider request"
    if settings.offline:
        return Check(
            name,
            True,
            f"skipped: the offline demo model is in force (set {ENV_API_KEY}, or "
            "OPENAI_BASE_URL for an OpenAI-compatible server)",
            warning=True,
        )
    model = settings.effective_model
    # Two phases: loading the OpenAI library and making its client is this command's own
    # cost (paid once when the server starts), not the provider's; the answer is timed alone.
    began = time.perf_counter()
    client = None
    try:
        # Made inside: a base URL the HTTP client refuses raises here, with the URL's
        # text (a password holding "#" shows as its "port") in the exception's message.
        client = _client(settings, timeout)
        asked = time.perf_counter()
        result: Any
        if settings.effective_api == "responses":
            result = client.responses.create(model=model, input=PING, max_output_tokens=16)
        else:
            result = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": PING}]
            )
        answered = time.perf_counter()
    except Exception as exc:
        return Check(name, False, _error_text(exc, settings, timeout))
    finally:
        if client is not None:
            client.close()
    if not _is_an_answer(result, settings.effective_api):
        return Check(
            name,
            False,
            "the server's reply is no model answer (a web page, or JSON of another "
            f"kind): check that {settings.where('base_url')} points at its OpenAI-compatible "
            "API (it usually ends in /v1)",
        )
    ms, setup_ms = (answered - asked) * 1000, (asked - began) * 1000
    detail = f"{model} answered through {settings.effective_api} in {ms:.0f} ms"
    if setup_ms >= SETUP_WORTH_SHOWING_MS:
        detail += f" (loading the OpenAI client took {setup_ms:.0f} ms more, not counted)"
    return Check(name, True, detail, data={"ms": round(ms), "setup_ms": round(setup_ms)})


def check_models(settings: JupyterChatKit, timeout: float) -> Check:
    """List the provider's models (``GET /models``) where it has that endpoint."""
    name = "provider models"
    if settings.offline:
        return Check(name, True, "skipped: offline model", warning=True)
    import openai

    client = None
    try:
        client = _client(settings, timeout)
        ids = sorted(m.id for m in client.models.list())
    except openai.NotFoundError:
        return Check(name, True, "this provider has no model list (GET /models)", warning=True)
    except Exception as exc:
        return Check(name, False, _error_text(exc, settings, timeout))
    finally:
        if client is not None:
            client.close()
    shown = ", ".join(ids[:20]) + (f" … and {len(ids) - 20} more" if len(ids) > 20 else "")
    model = settings.effective_model
    if model not in ids:
        return Check(
            name,
            True,
            f"{model} is not in the provider's list: {shown or '(empty)'}",
            warning=True,
            data={"models": ids},
        )
    return Check(
        name, True, f"{len(ids)} listed, {model} among them: {shown}", data={"models": ids}
    )


def mcp_checks(settings: JupyterChatKit) -> list[Callable[[], Check]]:
    """One check per configured MCP server: does it start, and which tools does it offer.

    Nothing configured: no check (and the MCP stack is not loaded for it).
    """
    from .assistant.mcp_config import parse_servers

    return [partial(check_mcp_server, settings, c) for c in parse_servers(settings.mcp_servers)]


def check_mcp_server(settings: JupyterChatKit, config: Any) -> Check:
    """Start one MCP server, list its tools, stop it."""
    import asyncio

    from .assistant.mcp import McpTools
    from .assistant.scrub import Scrubber
    from .context_policy import ContextPolicy

    async def probe() -> tuple[list[Any], list[str]]:
        tools = McpTools([config], ContextPolicy.from_settings(settings))
        try:
            return await tools.tools()
        finally:
            await tools.aclose()

    name = f"MCP server {config.name}"
    refs, problems = asyncio.run(probe())
    # An error text may quote what the server was given; its secrets stay out of the report.
    scrub = Scrubber(config.secrets()).text
    if problems:
        return Check(name, False, scrub(problems[0]), data={"transport": config.transport})
    names = [ref.tool for ref in refs]
    asks = [ref.tool for ref in refs if ref.ask]
    detail = f"{config.describe()} starts; {len(names)} tools: {', '.join(names) or 'none'}"
    if names and len(asks) < len(names):
        detail += f" ({len(names) - len(asks)} run without asking)"
    return Check(
        name,
        True,
        scrub(detail),
        warning=not names,
        data={"transport": config.transport, "tools": names, "ask": asks},
    )


def check_server_extension() -> Check:
    """Is ``jupyter_chatkit`` enabled in the server config that ``jupyter lab`` reads?"""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    name = "server extension"
    manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
    if manager.enabled("jupyter_chatkit"):
        return Check(name, True, "jupyter_chatkit is enabled")
    return Check(
        name,
        False,
        "jupyter_chatkit is not enabled: run `jupyter server extension enable jupyter_chatkit`",
    )


def check_store_driver(settings: JupyterChatKit) -> Check:
    """A PostgreSQL store needs asyncpg, an extra a plain install lacks (it is not opened
    here: its login and database are the server's to try)."""
    import importlib.util

    if importlib.util.find_spec("asyncpg") is None:
        return Check("store driver", False, STORE_DRIVER_MISSING)
    return Check("store driver", True, "asyncpg is installed")


def check_labextension() -> Check:
    """Is the JupyterLab extension installed where JupyterLab looks, and not disabled?"""
    name = "JupyterLab extension"
    try:
        from jupyter_core.paths import jupyter_path
        from jupyterlab_server.config import get_federated_extensions, get_page_config
    except ImportError:
        return Check(name, False, "JupyterLab is not installed: `pip install jupyterlab`")
    paths = jupyter_path("labextensions")
    found = get_federated_extensions(paths).get("jupyter-chatkit")
    if found is None:
        return Check(name, False, "jupyter-chatkit is not installed: reinstall jupyter-chatkit")
    disabled = get_page_config(paths).get("disabledExtensions") or {}
    names = disabled if isinstance(disabled, list) else [k for k, v in disabled.items() if v]
    off = [n for n in names if n == "jupyter-chatkit" or n.startswith("jupyter-chatkit:")]
    if off:
        return Check(
            name,
            False,
            f"disabled ({', '.join(off)}): `jupyter labextension enable jupyter-chatkit`",
        )
    version = found.get("version", "?")
    warning = version != __version__
    detail = f"jupyter-chatkit {version} is enabled"
    if warning:
        detail += f" (the Python package is {__version__}: reinstall to match)"
    return Check(name, True, detail, warning=warning)


def check_kernel(kernel_name: str, timeout: float) -> Check:
    """Start the default kernel and import jupyter_chatkit in it."""
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_client.manager import start_new_kernel

    name = f"kernel {kernel_name}"
    try:
        # The kernel's own start-up chatter is not part of the report.
        manager, client = start_new_kernel(
            kernel_name=kernel_name, startup_timeout=timeout, stderr=subprocess.DEVNULL
        )
    except NoSuchKernel:
        return Check(name, False, f"no kernel named {kernel_name}: `pip install ipykernel`")
    except Exception as exc:
        return Check(name, False, f"could not start ({type(exc).__name__}: {exc})")
    out: list[str] = []
    errors: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content.get("name") == "stdout":
            out.append(content["text"])
        elif kind == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")

    try:
        client.execute_interactive(KERNEL_CODE, timeout=timeout, output_hook=hook)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    if errors:
        return Check(
            name,
            False,
            f"cannot import jupyter_chatkit ({errors[0]}): install jupyter-chatkit in the "
            "kernel's environment",
        )
    version = "".join(out).strip()
    if version != __version__:
        return Check(
            name,
            True,
            f"imports jupyter_chatkit {version}, but the server has {__version__}",
            warning=True,
        )
    return Check(name, True, f"imports jupyter_chatkit {version}")


class ChatKitDoctor(JupyterApp):
    """Check jupyter-chatkit's set-up: settings in force, provider, extensions, kernel."""

    name = "jupyter-chatkit"
    description = __doc__ or ""
    version = __version__
    classes = [JupyterChatKit]
    flags = {
        **JupyterApp.flags,
        "json": ({"ChatKitDoctor": {"json": True}}, "Print the report as JSON."),
        "no-kernel": (
            {"ChatKitDoctor": {"check_kernel": False}},
            "Do not start a kernel to check that it can import jupyter_chatkit.",
        ),
    }
    aliases = {**JupyterApp.aliases, "timeout": "ChatKitDoctor.timeout"}

    json = Bool(False, config=True, help="Print the report as JSON.")
    check_kernel = Bool(True, config=True, help="Start the default kernel and import us in it.")
    kernel_name = Unicode("python3", config=True, help="The kernel to check.")
    timeout = Float(30.0, config=True, help="Seconds to wait for the provider and the kernel.")

    @validate("timeout")
    def _positive_timeout(self, proposal: Any) -> float:
        # With none, every request times out at once and the report blamed the server.
        if proposal["value"] <= 0:
            raise TraitError(f"--timeout must be more than 0 seconds, not {proposal['value']}")
        return float(proposal["value"])

    @default("config_file_name")
    def _default_config_file_name(self) -> str:
        # The server's own config files: the settings this command reports are the ones
        # `jupyter lab` would use.
        return "jupyter_server_config"

    def start(self) -> None:
        """Run every check, print the report, exit 1 when one failed."""
        settings, refused = checked_settings(self.config, self)
        checks: list[Callable[[], Check]] = [
            lambda: check_request(settings, self.timeout),
            lambda: check_models(settings, self.timeout),
            check_server_extension,
            check_labextension,
        ]
        if is_postgres_url(settings.store_url):
            checks.append(lambda: check_store_driver(settings))
        if settings.mcp_servers:
            checks += mcp_checks(settings)
        if self.check_kernel:
            checks.append(lambda: check_kernel(self.kernel_name, self.timeout))
        summary: dict[str, Any] | None = None
        try:
            summary = describe_settings(settings)
        except TraitError as exc:
            # A setting from the environment is checked when first read
            # (JUPYTER_CHATKIT_API=chat); the server extension cannot load with it either.
            refused = refused or str(exc)
        if refused is not None:  # the server keeps the assistant off with it (app.py)
            summary, checks = None, [partial(Check, "settings", False, refused)]
        else:  # a typo'd name: ignored by the server, said here (and in its log)
            checks += [partial(Check, "settings", False, u) for u in unknown_settings(self.config)]
        if not self.json and summary is not None:
            print(_format_settings(summary), flush=True)
        results = []
        for run in checks:
            result = _guarded(run)
            results.append(result)
            if not self.json:
                print(_format_check(result), flush=True)
        ok = all(r.ok for r in results)
        if self.json:
            report = {"ok": ok, "settings": summary, "checks": [asdict(r) for r in results]}
            print(json.dumps(report, indent=2))
        else:
            print("All checks passed." if ok else "Some checks failed (✗ above).")
        self.exit(0 if ok else 1)


def _guarded(run: Callable[[], Check]) -> Check:
    try:
        return run()
    except Exception as exc:  # a check must report, never crash the report
        return Check("check", False, f"{type(exc).__name__}: {exc}")


def _format_settings(summary: dict[str, Any]) -> str:
    api = f" ({summary['api']})" if summary["api"] else ""
    base = f" at {summary['base_url']}" if summary["base_url"] else ""
    key = f"set ({ENV_API_KEY} or c.JupyterChatKit.api_key)" if summary["key_set"] else "not set"
    return "\n".join(
        [
            f"jupyter-chatkit {summary['version']}",
            f"  provider  {summary['provider']}{api}{base}",
            f"  model     {summary['model']}",
            f"  key       {key}",
            f"  store     {summary['store']}",
        ]
    )


def _format_check(check: Check) -> str:
    mark = "✗" if not check.ok else ("!" if check.warning else "✓")
    return f"{mark} {check.name}: {check.detail}"


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``jupyter chatkit`` (the ``jupyter-chatkit`` script)."""
    ChatKitDoctor.launch_instance(argv=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
