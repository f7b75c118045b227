"""The one table of redaction rules, shared by Python and TypeScript.

Everything here is plain data: regular expressions written in the syntax Python's ``re``
and JavaScript's ``RegExp`` read the same way (no inline flags, no named groups, no
possessive quantifiers), plus word lists. ``js/lab/src/redaction-rules.generated.ts`` is
rendered from :func:`rules_dict` (``python -m jupyter_chatkit.context_policy.rules
--write``); a test fails when the two differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Names are compared after normalisation: camelCase split, lower case, every run of
# other characters turned into one "_" (``X-Api-Key`` -> ``x_api_key``). A name is secret
# when one of its "_"-separated parts (or adjacent pair) is in this list, so
# ``db_password`` and ``GITHUB_TOKEN`` match while ``tokenizer``, ``max_tokens`` and
# ``author`` do not.
SECRET_NAME_PATTERN = (
    r"(?:^|_)(?:passwords?|passwd|pwd|passphrase|secrets?|token|auth|authorization"
    r"|credentials?|creds|dsn|cookies?|session|session_?id|bearer|otp"
    r"|(?:api|private|access|secret|signing|encryption|client)_?keys?"
    r"|client_?secret|conn(?:ection)?_?str(?:ing)?)(?:_|$)"
    # Run-together names (AUTHTOKEN, GITHUBTOKEN, DBPASSWORD, MYAPIKEY).
    r"|(?:^|_)[a-z0-9]*(?:password|passwd|passphrase|secret|token|apikey|credentials?)(?:_|$)"
)

# Known shapes of credential values. ``group`` is the part that is secret (0: the whole
# match); ``flags`` is "" or "i" (case-insensitive).
VALUE_RULES: list[dict[str, Any]] = [
    {
        "kind": "PEM private key",
        "pattern": r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE "
        r"KEY-----|[A-Za-z0-9+/=\s\\]*)",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "DER key body",
        "pattern": r"(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{60,}={0,2}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "JWT",
        "pattern": r"eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "API key",
        "pattern": r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{16,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Stripe key",
        "pattern": r"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "GitHub token",
        "pattern": r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Hugging Face token",
        "pattern": r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Slack token",
        "pattern": r"(?<![A-Za-z0-9])xox[abpr]-[A-Za-z0-9-]{10,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "AWS key id",
        "pattern": r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Google API key",
        "pattern": r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "bearer token",
        "pattern": r"(\b(?:bearer|token|basic)[ \t]+)((?=[A-Za-z0-9._~+/=-]{12,})"
        r"[A-Za-z._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "URL password",
        "pattern": r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/?#@'\"]*:)([^\s@/'\"]+)(?=@)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "query secret",
        "pattern": r"([?&;](?:password|passwd|pwd|token|secret|api_?key|access_token|auth|sig"
        r"|signature)=)([^&\s'\"#]+)",
        "group": 2,
        "flags": "i",
    },
]

# Cheap pre-check: a text whose lower-case form contains none of these cannot match a
# value rule (plain substring tests: far cheaper than a regular expression).
VALUE_TRIGGERS: list[str] = [
    "-----begin",
    "mii",
    "eyj",
    "sk-",
    "sk_",
    "rk_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "hf_",
    "xox",
    "akia",
    "asia",
    "aiza",
    "bearer",
    "token",
    "basic",
    "://",
    "password=",
    "passwd=",
    "pwd=",
    "secret=",
    "key=",
    "auth=",
    "sig=",
    "signature=",
]

# ``name = "value"``, ``"name": "value"``, ``name="value"``, ``environ["NAME"] = "value"``
# in code, JSON, reprs and messages. Groups: 1 name, 2 separator, 3 quote, 4 value.
QUOTED_ASSIGNMENT = (
    r"([A-Za-z_][A-Za-z0-9_.-]*)(['\"]?\]?[ \t]*(?::=|=|:)[ \t]*[rbuRBU]?)(['\"])"
    r"((?:(?!\3)[^\n\\]|\\.){1,2000})\3"
)
# ``%env NAME=value``, ``export NAME=value``, ``NAME=value`` / ``name: value`` on a line of
# its own (``.env`` files, YAML). Groups: 1 prefix, 2 name, 3 separator, 4 value.
BARE_ASSIGNMENT = (
    r"^([ \t]*(?:%env[ \t]+|%set_env[ \t]+|!?export[ \t]+|set[ \t]+)?)"
    r"([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*[=:][ \t]*|[ \t]+)([^\s'\"]+)[ \t]*$"
)
# A text needs one of these (in its lower-case form), and "=" or ":" or a line starting
# with %env / export / set, for the assignment rules to be tried.
NAME_TRIGGERS: list[str] = [
    "pass",
    "pwd",
    "secret",
    "token",
    "auth",
    "credential",
    "creds",
    "dsn",
    "cookie",
    "session",
    "bearer",
    "key",
    "otp",
    "conn",
]

# Environment variables whose values are harmless and useful (paths, locale, versions).
ENV_ALLOW_NAMES: list[str] = sorted(
    {
        "CONDA_DEFAULT_ENV",
        "CONDA_PREFIX",
        "CUDA_VISIBLE_DEVICES",
        "HOME",
        "HOSTNAME",
        "JPY_PARENT_PID",
        "JPY_SESSION_NAME",
        "JUPYTER_CHATKIT_API",
        "JUPYTER_CHATKIT_MODEL",
        "LANG",
        "LANGUAGE",
        "LOGNAME",
        "MPLBACKEND",
        "OMP_NUM_THREADS",
        "PATH",
        "PWD",
        "PYTHONHASHSEED",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "SHELL",
        "SHLVL",
        "TERM",
        "TMPDIR",
        "TZ",
        "USER",
        "VIRTUAL_ENV",
    }
)
ENV_ALLOW_PREFIXES: list[str] = ["LC_"]

# The marker every redaction leaves; the model is told what it means.
PLACEHOLDER_OPEN = "«redacted: "
PLACEHOLDER_CLOSE = "»"


def rules_dict() -> dict[str, Any]:
    """The whole table as JSON-ready data (what the TypeScript copy holds)."""
    return {
        "secretNamePattern": SECRET_NAME_PATTERN,
        "valueRules": VALUE_RULES,
        "valueTriggers": VALUE_TRIGGERS,
        "quotedAssignment": QUOTED_ASSIGNMENT,
        "bareAssignment": BARE_ASSIGNMENT,
        "nameTriggers": NAME_TRIGGERS,
        "envAllowNames": ENV_ALLOW_NAMES,
        "envAllowPrefixes": ENV_ALLOW_PREFIXES,
        "placeholderOpen": PLACEHOLDER_OPEN,
        "placeholderClose": PLACEHOLDER_CLOSE,
    }


TS_PATH = Path("js/lab/src/redaction-rules.generated.ts")


def render_typescript() -> str:
    """The TypeScript module holding a copy of the table."""
    body = json.dumps(rules_dict(), indent=2, ensure_ascii=False)
    return (
        "// Generated from src/jupyter_chatkit/context_policy/rules.py: do not edit.\n"
        "// Regenerate: python -m jupyter_chatkit.context_policy.rules --write\n"
        f"export const RULES = {body} as const;\n"
    )


if __name__ == "__main__":
    from ..protocol import write_or_print

    write_or_print(render_typescript(), TS_PATH, sys.argv[1:])
