"""Word lists of the table of :mod:`.rules` kept apart for their length: environment
variables whose values are shown, HTML character references read before the rules, and
the words a name of a text's tokens holds. Rendered into the TypeScript copy with the
rest of the table."""

from __future__ import annotations

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

# Of the names (rules.py): the only words a name of a text's tokens holds before
# ``token`` (``input_token_ids``): after any other (``access_token_ids``,
# ``auth_token_list``, ``id_token_index``) it names credentials again.
TOKEN_TEXT_WORDS: list[str] = sorted(
    {"all", "input", "output", "prompt", "completion", "source", "target", "special", "text"}
)

# HTML character references read as their characters before the rules (folded.py): the
# punctuation and spaces a name and its value are written with in an HTML output.
HTML_ENTITIES: dict[str, str] = {
    "quot": '"', "apos": "'", "amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "ensp": " ",
    "emsp": " ", "thinsp": " ", "colon": ":", "equals": "=", "lpar": "(", "rpar": ")",
    "lsqb": "[", "rsqb": "]", "lbrack": "[", "rbrack": "]", "lcub": "{", "rcub": "}",
    "lbrace": "{", "rbrace": "}", "comma": ",", "semi": ";", "period": ".", "sol": "/",
    "bsol": "\\", "grave": "`", "num": "#", "dollar": "$", "percnt": "%", "excl": "!",
    "quest": "?", "commat": "@", "ast": "*", "midast": "*", "plus": "+", "lowbar": "_",
    "hyphen": "-", "dash": "-", "vert": "|", "verbar": "|", "Tab": "\t", "NewLine": "\n",
}  # fmt: skip

# JSON Schema's and OpenAPI's keywords (``model_json_schema()``, an API's spec): in a
# mapping under a secret's name that says its ``"type"``, they describe the secret's
# field (``{"password": {"type": "string", "minLength": 12}}``), never hold it.
SCHEMA_KEYWORDS: list[str] = sorted(
    {
        "$ref",
        "additionalProperties",
        "allOf",
        "anyOf",
        "contentEncoding",
        "contentMediaType",
        "const",
        "default",
        "deprecated",
        "description",
        "enum",
        "example",
        "examples",
        "format",
        "items",
        "maxLength",
        "maximum",
        "minLength",
        "minimum",
        "nullable",
        "oneOf",
        "pattern",
        "properties",
        "readOnly",
        "required",
        "title",
        "type",
        "writeOnly",
    }
)
