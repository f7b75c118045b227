"""Under JupyterHub, keep the server's secrets out of what kernels and terminals inherit.

A single-user server starts kernels and terminals with a copy of its own ``os.environ``.
The provider key and the store URL (with its password) are read once into the settings
at start-up; removing them from ``os.environ`` afterwards means code a user runs never
gets them handed over. What this does and does not protect is said in the README
("Deploying on JupyterHub"): with the default spawner the server runs as the user, who
can still read the server process's own environment.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from ..settings import ENV_API_KEY, ENV_STORE_URL, JupyterChatKit, url_credentials

# Set by JupyterHub's spawners in every single-user server's environment.
HUB_MARKERS = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER")

# Never secrets of ours, and needed by the single-user server and the kernel's chat.
_KEEP = frozenset({"JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", "JUPYTERHUB_USER"})


def running_under_hub(environ: Mapping[str, str]) -> bool:
    """True when a JupyterHub spawner started this server."""
    return all(environ.get(name, "").strip() for name in HUB_MARKERS)


def secret_values(settings: JupyterChatKit) -> list[str]:
    """The configured secrets: the provider key, the store URL and its password, the
    provider URL and its password when it holds credentials."""
    # Imported here: this module loads with the extension, in the server's start-up,
    # while SQLAlchemy (~0.3 s, 10 MB) is left to the background build.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    values = [settings.api_key.strip(), settings.store_url.strip()]
    try:
        password = make_url(settings.store_url.strip()).password if settings.store_url else None
    except ArgumentError:
        password = None
    if password:
        values.append(str(password))
    # A provider URL with credentials (https://user:password@proxy/v1) is a key too.
    credentials = url_credentials(settings.base_url)
    if credentials:
        values += [settings.base_url.strip(), *credentials]
    # Short values would match unrelated variables by accident (a password "1").
    return [value for value in values if len(value) >= 6]


def scrub_secrets(settings: JupyterChatKit, environ: MutableMapping[str, str]) -> list[str]:
    """Remove the secret variables from ``environ``; return their names (never values).

    The settings are read in full first, so the ones that default to an environment
    variable keep their value. Removed: ``OPENAI_API_KEY``, ``JUPYTER_CHATKIT_STORE_URL``,
    and any other variable holding the configured key, store URL or store password
    (a config file may have read them from a variable of another name).
    """
    # Evaluate every env-backed default before the variables go (a refused one too).
    settings.refused_setting()
    secrets = secret_values(settings)
    removed = []
    for name in sorted(environ):
        if name in _KEEP:
            continue
        value = environ[name]
        if name in (ENV_API_KEY, ENV_STORE_URL) or any(s in value for s in secrets):
            del environ[name]
            removed.append(name)
    return removed
