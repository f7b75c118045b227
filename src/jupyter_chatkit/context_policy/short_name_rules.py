"""A password under a one-letter name (``p = "hunter2"``, ``{"p": "Winter24!"}``,
``login(u, p="dragon99")``): part of the table of :mod:`.rules` (see :mod:`.value_rules`
for the fields of a rule), rendered into the TypeScript copy with the rest.

``p`` names many things (a probability, a path, a plot, a process), so only a quoted
literal shaped like a password is hidden: 6-64 characters with no blank, dot, slash or
colon (a file, a path, a URL, a format), a letter and a digit or a symbol. Numbers
(``"1e-5"``), colours (``"#ff0000"``), bit widths (``"float32"``, ``"sha256"``),
palettes (``"tab10"``) and names (``"gpt-4o"``, ``"conv2d"``) stay; a word and a number
(``"layer3"``) is hidden, shaped as ``"hunter2"`` is.
"""

from __future__ import annotations

from typing import Any

# Families of models a notebook loads by name (``p = "resnet50"``), lower case.
_MODEL_FAMILIES = (
    r"resnet|resnext|wide_resnet|vgg|densenet|efficientnet|mobilenet|inception|xception"
    r"|alexnet|squeezenet|shufflenet|mnasnet|regnet[xy]?|convnext|vit|deit|swin|beit|yolo"
    r"|unet|gpt|bert|roberta|distilbert|albert|deberta|electra|xlnet|llama|mistral|mixtral"
    r"|qwen|gemma|phi|falcon|bloom|opt|t5|bart|whisper|clip|dino|sam|detr|ssd|rcnn|lstm"
    r"|gru|mlp|cnn|lenet|darknet|hrnet|nasnet|pointnet|wav2vec|stablelm|starcoder|pythia"
    # Classic models and a network's parts (``xgboost_v2``, ``layer4``, ``block3``).
    r"|xgboost|xgb|lightgbm|lgbm|catboost|layer|block|stage|conv|encoder|decoder|head"
)


def _password_literal(end: str, char: str = r"[^'\"\s]") -> str:
    """A literal's shape, then the literal (one group) of ``char`` characters, up to
    ``end``: its closing quote in a text, the end of a string for a value, the end of a
    URL's parameter or of a line for an unquoted one."""
    return (
        rf"(?={char}{{6,64}}{end})(?={char}{{0,63}}[A-Za-z])(?={char}{{0,63}}[0-9!@#$^&*~?])"
        rf"(?!{char}{{0,64}}[./\\:,;=()\[\]{{}}<>|%])"
        rf"(?![0-9]+(?:[eE][+-]?[0-9]+)?{end})(?!#[0-9A-Fa-f]{{3,8}}{end})"
        rf"(?![A-Za-z_]{{1,20}}(?:8|16|32|64|128|256|384|512){end})"
        rf"(?!(?:tab|Set|Pastel|Dark|Accent|Paired|C)[0-9]{{1,2}}[bc]?{end})"
        # A lower-case name with dashes (``gpt-4o``, ``t5-small``) or a digit run inside
        # one word (``conv2d``, ``mp3file``): a model's, a layer's or a file's name.
        rf"(?![a-z0-9]{{1,30}}(?:-[a-z0-9]{{1,30}}){{1,5}}{end})"
        rf"(?![a-z]{{1,30}}[0-9]{{1,4}}[a-z]{{1,30}}{end})"
        # A model's architecture and its size or version (``resnet50``, ``vgg16``,
        # ``yolov8``, ``efficientnet_b0``, ``qwen2_5``): a family's name, then digits.
        rf"(?!(?:{_MODEL_FAMILIES})[_-]?[a-z]?[0-9]{{1,4}}(?:[_-]?[a-z0-9]{{1,8}}){{0,3}}{end})"
        rf"({char}{{6,64}})"
    )


# An unquoted value's characters and where it ends (a URL's next parameter, an escape,
# a quote or a blank: ``&``, ``#``, ``\\``).
_UNQUOTED = r"[^'\"\s&#\\]"
_UNQUOTED_END = r"(?=[&#'\"\s\\]|$)"
_LINE_END = r"(?=[ \t]*(?:\r?\n|$))"

# Names of one letter that hold a password so shaped (normalised: ``P`` is ``p``).
SHORT_PASSWORD_NAMES: list[str] = ["p"]
# The same shape for a value under such a name (a dict's item, a kernel's variable).
SHORT_NAME_PASSWORD_VALUE = "^" + _password_literal("$") + "$"

# What a text holds where such a name is set (also read for ``u, p = "ada", "hunter2"``).
SHORT_NAME_TRIGGERS: list[str] = ["p=", "p =", "p:", "p :", 'p"', "p'"]

# Short names of a token, a personal access token or a secret key (``tok``, ``pat``,
# ``sk``), and a key's word alone in English or another language (``key``, ``clave``,
# ``chiave``, ``chave``, ``clé``, ``schlüssel``, ``sleutel``, ``klucz``, ``nyckel``): also
# a text's token, a pattern, sklearn, a dict's or a sort's key. Random-looking values are
# hidden by the key-ish rules; a password-shaped one only with a symbol in it as well as
# a letter and a digit (``"q8#Lz!v2Wm"``), and not a regular expression's anchors (``"^a1$"``).
_KEY_WORDS = ("tok", "pat", "sk", "key", "clave", "chiave", "chave", "clé", "cle")
_KEY_WORDS_TOO = ("schlüssel", "schluessel", "sleutel", "klucz", "nyckel")
_SHORT_KEY_NAME = (
    "(?:"
    + "|".join(f"{w}|{w.capitalize()}|{w.upper()}" for w in (*_KEY_WORDS, *_KEY_WORDS_TOO))
    + ")"
)
_SYMBOL_TOO = r"(?=[^'\"\s]{0,63}[!@#$^&*~?])(?![\^])(?![^'\"\s]{0,63}\$['\"])"
SHORT_KEY_TRIGGERS: list[str] = [
    f"{n}{s}" for n in (*_KEY_WORDS, *_KEY_WORDS_TOO) for s in ("=", " =", ":", " :", '"', "'")
]

SHORT_NAME_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # ``tok = "q8#Lz!v2Wm"``, ``pat="…"``, ``"sk": "…"``.
        "triggers": SHORT_KEY_TRIGGERS,
        "pattern": r"((?<![A-Za-z0-9_.$-])(?:"
        + _SHORT_KEY_NAME
        + r"|(['\"])"
        + _SHORT_KEY_NAME
        + r"\2)[ \t]*(?::=|=|:)[ \t]*[bBrRuU]?['\"])"
        + _SYMBOL_TOO
        + _password_literal("['\"]")
        + r"(?=['\"])",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "password in text",
        # ``p = "…"``, ``p="…"`` (a keyword argument), ``"p": "…"`` (a dict, JSON).
        "triggers": SHORT_NAME_TRIGGERS,
        "pattern": r"((?<![A-Za-z0-9_.$-])(?:[pP]|(['\"])[pP]\2)[ \t]*(?::=|=|:)[ \t]*"
        r"[bBrRuU]?['\"])" + _password_literal("['\"]") + r"(?=['\"])",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "password in text",
        # A pair of the name and its value (``[('u', 'ada'), ('p', 'hunter2')]``).
        "triggers": SHORT_NAME_TRIGGERS,
        "pattern": r"([(\[][ \t]*(['\"])[pP]\2[ \t]*,[ \t]*[bBrRuU]?(['\"]))"
        + _password_literal("['\"]")
        + r"(?=\3)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": "password in text",
        # Unquoted: a URL's parameter (``login?u=ada&p=hunter2``), a line of its own
        # (``p=hunter2`` in a file, ``p: hunter2`` in YAML, a repr's ``\\np=…``).
        "triggers": SHORT_NAME_TRIGGERS,
        "pattern": r"((?:(?<=[?&;])|(?<=\\n)|(?:^|(?<=\n))[ \t]*)[pP][ \t]*[=:][ \t]*)"
        + _password_literal(_UNQUOTED_END, _UNQUOTED)
        + _UNQUOTED_END,
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password in text",
        # ``%whos``' row: the name, its type ``str``, then the value.
        "triggers": ["p  "],
        "pattern": r"((?:^|(?<=\n))[pP][ \t]{2,}str[ \t]{2,})"
        + _password_literal(_LINE_END, r"[^\s]")
        + _LINE_END,
        "group": 2,
        "flags": "",
    },
]
