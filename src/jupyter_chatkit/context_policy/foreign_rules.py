"""A password under its name in another language (``passwort = "x"``, ``Mot de passe :
x``, ``пароль: x``, ``数据库密码: x``, ``パスワード = "x"``): part of the table of
:mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), rendered into the
TypeScript copy with the rest.

The other rules read ASCII names only. A word for "password" followed by ``=`` or a
colon hides the value: a quoted one whole, a bare one when it ends its line and is no
variable's name (``passwort = pw_aus_dem_tresor``) or placeholder (``${PASSWORT}``).
Prose about passwords (``Passwort vergessen?``, ``忘记密码``) has no value to hide."""

from __future__ import annotations

from typing import Any

# Words for "password" (and "API key", "secret key") a notebook written in another
# language names one with, lower case. Latin ones start a word; ``clave`` and ``chiave``
# ("key") only with "api" or "secret" beside them (``autoclave``, a dict's ``clave``).
_LATIN_WORDS = (
    r"passwort|kennwort|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o"
    r"|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo"
    r"|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)"
    r"|mật[ _]?khẩu|kata[ _]?sandi"
)
# Scripts without letter case or word spaces: the word may end a longer name (``数据库
# 密码``, ``DB密码``); a longer word that only starts with it (``암호화``, encryption) is
# another word, since a name's ASCII tail is all that may follow.
_OTHER_WORDS = (
    r"пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός"
    r"|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน"
)
# A name's tail after the word: letters of Latin or Cyrillic script, digits, "_"
# (``passwort_db``, ``пароль_бд``); Hangul or kana go on another word (``암호화``).
_TAIL = r"[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]"
# A tail ending in one of these names something about the password (as
# rules.SECRET_NAME_QUALIFIERS does in English): ``passwort_policy``, ``senha_hash``.
_QUALIFIERS = (
    r"policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry"
    r"|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel"
)
# The word, then the name's tail (``passwort_db``, ``clave_api_prod``).
FOREIGN_SECRET_NAME = (
    rf"(?:(?<![A-Za-zÀ-ÿ])(?:{_LATIN_WORDS})|(?:{_OTHER_WORDS}))"
    rf"(?!{_TAIL}{{0,40}}_(?:{_QUALIFIERS})(?!{_TAIL})){_TAIL}{{0,40}}"
)
# ``=`` (not ``==``, ``<=``), ``:``, a full-width colon; a key's closing quote before it.
_SEPARATOR = r"['\"]?[ \t]*(?:=(?!=)|[:\uff1a])[ \t]*"
_LINE_END = r"(?=[ \t]*(?:\r?\n|$))"

# Lower-case pieces a text must hold for the rules to be tried.
_TRIGGERS = [
    "passwort", "kennwort", "contraseña", "contrasena", "passe", "senha", "wachtwoord",
    "hasło", "haslo", "lösenord", "losenord", "passord", "adgangskode", "salasana", "şifre",
    "sifre", "jelszó", "jelszo", "heslo", "clave", "chiave", "khẩu", "sandi", "парол",
    "密码", "密碼", "口令", "パスワード", "暗証番号", "비밀번호", "암호", "κωδικ", "σύνθημα",
    "סיסמ", "المرور", "पासवर्ड", "รหัสผ่าน",
]  # fmt: skip

FOREIGN_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # ``passwort = "x"``, ``{"пароль": "x"}``, ``senha='x'``: the quoted value.
        "triggers": _TRIGGERS,
        "pattern": rf"((?<![=!<>])(?:{FOREIGN_SECRET_NAME}){_SEPARATOR}[rbRB]?(['\"]))"
        r"([^'\"\n]{1,500})(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``Kennwort: x``, ``Mot de passe : x``, ``数据库密码`` and a full-width colon (a
        # line's last word): the value, unless it is a variable's name after ``=`` or a
        # placeholder. At most 128 characters (a longer key is its shape's to hide): each
        # name on a long line reads no further (``пароль=a`` x 20,000 took 0.8 s at 500).
        "triggers": _TRIGGERS,
        "pattern": rf"((?<![=!<>])(?:{FOREIGN_SECRET_NAME})['\"]?[ \t]*"
        rf"(?:=(?!=)[ \t]*(?![A-Za-z_][A-Za-z0-9_.]*{_LINE_END})|[:\uff1a][ \t]*))"
        r"(?![$%]|\{\{)([^\s'\"(){}\[\]<>,;«]{3,128})" + _LINE_END,
        "group": 2,
        "flags": "i",
    },
]
