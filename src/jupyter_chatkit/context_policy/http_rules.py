"""Credentials in HTTP authorization headers and cookies: ``Authorization: Bearer x``
and its schemes, a bearer or basic token in a sentence, a Digest header's response (a
hash of the password, crackable); a Cookie header's values, cookie jars' reprs, HTTP
Basic credentials built in code. Part of the table of :mod:`.rules` (see
:mod:`.value_rules` for the fields of a rule): two lists spliced into
:mod:`.context_rules` where these rules always stood, rendered into the TypeScript copy
with the rest.

Every pattern starts at a literal word and reads a bounded stretch, so each stays
linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

HTTP_RULES: list[dict[str, Any]] = [
    {
        "kind": "authorization header",
        # ``Authorization: Digest username="ada", …, response="6629fae4…"``: the response
        # is a hash of the password (before the header rule, which reads only the first
        # word after the scheme).
        "triggers": ["digest"],
        "pattern": r"(\bdigest[ \t][^\n]{0,400}?\bresponse[ \t]*=[ \t]*['\"]?)"
        r"([0-9a-fA-F]{32,128})(?![0-9a-fA-F])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "authorization header",
        "triggers": ["authorization"],
        # ``Authorization: Bearer X`` / ``Proxy-Authorization: Basic X``: whatever follows.
        # The scheme alone at the line's end (``Authorization: Bearer`` then the token
        # on the next line) is not the value: the next-line rule below hides the token.
        "pattern": r"(\bauthorization['\"]?[ \t]*[:=][ \t]*['\"]?(?:(?:bearer|basic|token|digest"
        r"|apikey|sso-key)[ \t]+)?)"
        # Nor the scheme before a placeholder or a reference (``Bearer <token>``, ``$TOKEN``),
        # nor the scheme alone in its string (``"Bearer " + token``: the token is code).
        r"((?![{$<])(?!(?:bearer|basic|token|digest|apikey|sso-key)[ \t]*(?:\r?\n|$|[{$<'\"`]))"
        r"[^\s'\",;}«]{6,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "bearer token",
        "triggers": ["bearer", "token", "basic"],
        "pattern": r"(\b(?:bearer|token|basic)[ \t]+)((?=[A-Za-z0-9._~+/=-]{12,})"
        r"[A-Za-z._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
        "group": 2,
        "flags": "i",
    },
]

COOKIE_RULES: list[dict[str, Any]] = [
    {
        "kind": "cookie",
        "triggers": ["cookie"],
        # ``Cookie: sessionid=...; csrftoken=...``: every value of the header.
        # Cookies are name=value pairs: ``cookie: Cookie`` (a type annotation) and a
        # template (``cookie: cookie={c}``) stay. So does one cookie whose value is a
        # word, with only attributes after it (``Set-Cookie: cookie_consent=accepted;
        # Path=/``, ``theme=dark``): a setting, never a session's random value.
        "pattern": r"(\b(?:set-)?cookie['\"]?[ \t]*:[ \t]*['\"]?)"
        r"(?![ \t]*['\"]?[A-Za-z0-9_.-]{1,60}=[a-z]{1,16}"
        r"(?:[ \t]*;[ \t]*(?:path|domain|expires|max-age|samesite|secure|httponly|priority"
        r"|partitioned)\b[^;\n'\"]{0,100})*[ \t]*;?[ \t]*"
        r"(?:[\n'\"]|$))"
        r"((?=[^\n'\"«]{0,200}=)(?![^\n'\"«]{0,200}[{$])[^\n'\"«]{6,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # HTTP Basic credentials built in code: ``base64.b64encode(b'ada:hunter2')``,
        # ``b64encode(f'{user}:hunter2'.encode())``: the part after the colon. A reference
        # (``{pw}``, ``$PW``, ``%s``) and a text with spaces in it stay. Other encoders and
        # languages too: ``urlsafe_b64encode``, JavaScript's ``btoa('ada:pw')``, Julia's
        # ``base64encode``, R's ``base64encode(charToRaw("ada:pw"))``, Java's and Go's
        # ``encodeToString`` / ``EncodeToString([]byte("ada:pw"))``.
        "triggers": ["b64encode(", "btoa(", "base64encode(", "encodetostring("],
        "pattern": r"((?<![A-Za-z0-9])(?:b64encode|btoa|base64encode|[Ee]ncodeToString)\("
        r"[ \t]*(?:\[\]byte\(|charToRaw\()?(?:[bBrRuU]|[fF][bBrR]?|[bBrR][fF])?(['\"])"
        r"[^'\"\s:]{0,100}:)(?![{$%])([^'\"\s«]{3,200})(?=\2)",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "cookie",
        # Tornado's signed value (version 2): Jupyter's and JupyterHub's login cookies,
        # ``2|1:0|10:1764540000|23:username-localhost-8888|44:ZDk0…=|5e1b…``, wherever it
        # stands (a Cookie header's quoted value, a dict, a curl line, a log): whoever
        # holds it acts on the server as the person.
        "triggers": ["2|1:0|"],
        "pattern": r"(\b2\|1:0\|)([0-9]{1,3}:[0-9]{1,20}\|[0-9]{1,4}:[^|\s'\"«]{0,300}\|"
        r"[0-9]{1,5}:[A-Za-z0-9+/=_-]{0,8000}\|[0-9a-fA-F]{64})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "xsrf token",
        # Tornado's XSRF token (version 2: a mask, the masked token, a time), in a URL's
        # ``_xsrf=`` or an ``X-XSRFToken`` header: the token part.
        "triggers": ["xsrf"],
        "pattern": r"(\b2\|[0-9a-f]{8}\|)([0-9a-f]{32})(?=\|[0-9]{1,20})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "cookie",
        # A cookie jar's repr (requests, httpx, http.cookiejar): ``<Cookie sessionid=x for
        # example.com/>`` and ``Cookie(version=0, name='JSESSIONID', value='x', …)``. Every
        # value: a session cookie is named as its framework likes (``JSESSIONID``,
        # ``laravel_session``, ``_gh_sess``), and a value shaped like code (``a.b.c``) is
        # a signed session all the same.
        "triggers": ["<cookie "],
        "pattern": r"(<Cookie [^\s=<>]{1,200}=)([^\s<>«]{1,4000})(?= for [^\s<>]{0,300}[ \t]?/?>)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "cookie",
        # A Netscape cookies.txt line (``yt-dlp --cookies``, a browser's export, curl's
        # cookie jar): domain, flag, path, secure, expiry, name, then the value, apart by
        # tabs. Every value: the file is a browser's logins.
        "triggers": ["\ttrue\t", "\tfalse\t"],
        "pattern": r"((?:^|(?<=\n))(?:#HttpOnly_)?[A-Za-z0-9._-]{1,253}\t(?:TRUE|FALSE)\t"
        r"/[^\t\n]{0,1000}\t(?:TRUE|FALSE)\t-?[0-9]{1,20}\t[^\t\n]{1,500}\t)([^\t\n«]{4,4000})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "cookie",
        "triggers": ["cookie(version="],
        "pattern": r"(\bCookie\(version=[0-9]{1,3},[ \t]*name=(['\"])[^'\"\n]{0,200}\2,[ \t]*"
        r"value=(['\"]))([^'\"\n«]{1,4000})(?=\3)",
        "group": 4,
        "flags": "",
    },
]
