"""Secrets a URL carries outside its user and password: in its query string or fragment
(``?api_key=x``, URL-encoded ``password%3Dx``, an OAuth ``?code=``, ``#access_token=``)
and as a token in its path or user part (Anaconda's ``/t/<token>/``,
``https://<token>@github.com``). Part of the table of :mod:`.rules` (see
:mod:`.value_rules` for the fields of a rule): one list spliced into
:mod:`.context_rules` where these rules always stood, rendered into the TypeScript copy
with the rest."""

from __future__ import annotations

from typing import Any

# A literal that is a URL with a password (``postgresql://etl:pw@db/sales``): given by
# position to a secret-named parameter (``connect(dsn)``), only its password is hidden,
# as the URL password rule hides it, so its host and database stay readable (hidden
# whole, a traceback's ``connect("…")`` lost what the error was about). Groups: 1 the
# scheme and user, 2 the password (up to the last "@"), 3 the "@" and the rest.
URL_WITH_PASSWORD = (
    r"^([A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s/?#@:]{0,200}:)(.{1,256})(@[^\s@/?#]*(?:[/?#]\S*)?)$"
)
# The same for a keyword DSN (libpq's ``host=db user=etl password=pw dbname=sales``):
# only its password's value. Groups: 1 the pairs before it and ``password=``, 2 the
# value (bare or single-quoted), 3 the pairs after it.
_DSN_PAIR = r"[A-Za-z_]{1,30}[ \t]*=[ \t]*(?:'[^'\n]{0,256}'|[^\s'=]{1,256})"
DSN_WITH_PASSWORD = (
    rf"^((?:{_DSN_PAIR}[ \t]+){{0,20}}password[ \t]*=[ \t]*)('[^'\n]{{1,256}}'|[^\s']{{1,256}})"
    rf"((?:[ \t]+{_DSN_PAIR}){{0,20}}[ \t]*)$"
)

URL_QUERY_RULES: list[dict[str, Any]] = [
    {
        "kind": "query secret",
        "triggers": ["%3d"],
        # URL-encoded ``password=x`` inside a query or a form body.
        # After ``%3F`` too (``%253Fapi_key%253D``: encoded twice, read once).
        "pattern": r"((?:\b|(?<=%[0-9A-Fa-f]{2}))(?:password|passwd|pwd|token|secret"
        r"|api[_-]?key|access_token|client_secret)%3D)([^&\s'\"%«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "query secret",
        "triggers": [
            "password=",
            "passwd=",
            "pwd=",
            "token=",
            "secret=",
            "key=",
            "auth=",
            "sig=",
            "signature=",
            "credential=",
            "appid=",
            "sessid=",
            "sessionid=",
            "session_id=",
            "session-id=",
        ],
        # Also prefixed (``X-Amz-Signature=``, ``X-Goog-Credential=``, ``sessionToken=``).
        # After "#" too: an OAuth implicit flow's ``#access_token=…`` fragment.
        # A key by its service's name for it: ``access_key=`` (ipstack), ``auth_key=``
        # (DeepL), ``hapikey=`` (HubSpot), ``appid=`` (OpenWeather); ``sort_key=`` stays.
        "pattern": r"([?&;#](?:password|passwd|pwd|token|secret|api[_-]?key|key|access_token"
        r"|refresh_token|id_token|client_secret|private_token|auth|sig|signature|h?apikey|appid"
        r"|(?:access|secret|auth|private|app|client|consumer|license|master|developer|dev"
        r"|account|subscription|user)[_-]?key"
        r"|[A-Za-z0-9-]*[-_]?(?:signature|secret|password|credential)"
        r"|[A-Za-z0-9-]*[-_]?(?:security|session|access|refresh|auth|id|bearer|api|app|user)"
        r"[-_]?token|jwt"
        # A session's id as a URL carries it (``;jsessionid=x``, ``?PHPSESSID=x``).
        r"|(?:j|php)?sess(?:ion)?[_-]?id)=)"
        r"((?![<{$])[^&\s'\"#«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "query secret",
        # An OAuth authorization code in a redirect URL (``/callback?code=4/0AX4…&state=…``,
        # ``&code=SplxlOBe…``): a password-shaped value only (``?code=python``,
        # ``&code=ERR42`` and hex ids stay).
        # Not ``code=`` alone: ``status_code=200`` is in many a log.
        "triggers": ["?code=", "&code=", ";code=", "#code="],
        # No "?" or ";" in it (escaped in a query): each start reads no further than the next.
        "pattern": r"([?&;#]code=)((?![<{$])[^&?;\s'\"#«]{10,500})(?![^&?;\s'\"#«])",
        "group": 2,
        "flags": "i",
        "check": "password",
    },
    {
        "kind": "URL token",
        # Anaconda's token channels, in a conda config, ``conda config --show`` or a
        # ``conda install -c``: ``https://conda.anaconda.org/t/<token>/<channel>``,
        # ``https://repo.anaconda.cloud/repo/t/<token>/main``.
        "triggers": ["/t/"],
        "pattern": r"(anaconda\.(?:org|cloud|com)/(?:[A-Za-z0-9_.-]{1,60}/){0,3}t/)"
        r"([A-Za-z0-9_-]{8,200})(?=/)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "URL token",
        # ``https://<token>@github.com/x.git``: a token as the URL's user, no password.
        "triggers": ["://"],
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)([A-Za-z0-9_.~-]{16,200})"
        r"(?=@[A-Za-z0-9.-])",
        "group": 2,
        "flags": "",
        "check": "random",
    },
]
