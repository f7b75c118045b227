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

from .shape_rules import SSH_PUBLIC_KEY_TYPE_BEFORE

# Words for "password" (and "API key", "secret key") a notebook written in another
# language names one with, lower case. Latin ones start a word; ``clave`` and ``chiave``
# ("key") only with "api" or "secret" beside them (``autoclave``, a dict's ``clave``).
_LATIN_WORDS = (
    # ``passwort`` and its plural's vowel (``passwörter``, ``kennwörter``, ``passwoerter``).
    r"passw(?:o|ö|oe)rt|kennw(?:o|ö|oe)rt"
    r"|contrase[ñn]a|mot[ _-]?de[ _-]?passe|senha|wachtwoord|has[łl]o"
    r"|l[öo]senord|passord|adgangskode|salasana|[şs]ifre|jelsz[óo]|heslo"
    r"|clave[ _-]?(?:api|secreta)|api[ _-]?clave|chiave[ _-]?(?:api|segreta)"
    r"|m[ậa]t[ _]?kh[ẩa]u|kata[ _]?sandi|clave[ _-]?de[ _-]?acceso"
    # Chinese in pinyin (``mima``, 密码; ``miyao``, 密钥; ``yonghu_mima``), not a longer
    # word (``mimas``).
    r"|(?:mima|miyao)(?![a-zà-ÿ])"
    # ``parolă`` (Romanian), ``parol`` (Turkic, Russian in Latin letters), ``parola
    # d'ordine``; not ``parola`` alone (Italian for "word").
    r"|parol(?![a-zà-ÿ])|parolă|parola[ _-]?d[ _'-]?ordine"
    # Words for "secret" (German, Dutch, Italian, Spanish, Portuguese, Polish, Indonesian,
    # Swedish, Danish, Norwegian, Finnish): ``geheim`` with its endings, not ``geheimrat``.
    r"|geheim(?:nis|e|er|es)?(?![a-zà-ÿ])|segreto|secreto|segredo|sekret|rahasia"
    r"|hemlighet|hemmelighe[dt]|salaisuus"
    # A key's word with a secret's or an API's beside it (``api_schlüssel``, ``chave_api``,
    # ``clé_secrète``, ``geheime_sleutel``, ``zugangsschlüssel``); ``schlüssel`` alone is
    # a dict's key as often as a credential.
    r"|(?:api|geheim(?:e|er)?|zugangs|zugriffs|secret|privat(?:e|er)?)[ _-]?"
    r"(?:schl(?:ü|ue)ssel|sleutel|klucz|nyckel)|(?:schl(?:ü|ue)ssel|sleutel|klucz)[ _-]?api"
    r"|chave[ _-]?(?:api|secreta|de[ _]acesso)|api[ _-]?chave"
    r"|cl[ée][ _-]?(?:api|secr[èe]te|priv[ée]e|d[e']?[ _-]?acc[èe]s)|api[ _-]?cl[ée]"
    # French "token" with an API's or an access's beside it (``jeton_api``, ``jeton d'accès``);
    # ``jeton`` alone is also a game's chip or a counter.
    r"|jeton[ _-]?(?:api|secret|d[e']?[ _-]?(?:acc[èe]s|authentification))|api[ _-]?jeton"
)
# Scripts without letter case or word spaces: the word may end a longer name (``数据库
# 密码``, ``DB密码``); a longer word that only starts with it (``암호화``, encryption) is
# another word, since a name's ASCII tail is all that may follow.
_OTHER_WORDS = (
    r"пароль|парол[яюе]|密码|密碼|口令|パスワード|暗証番号|비밀번호|암호|κωδικός"
    r"|σύνθημα|סיסמה|סיסמא|كلمة[ _]?المرور|पासवर्ड|รหัสผ่าน"
    # "Secret", "secret key", "token": ``секрет``, ``密钥``, ``秘密鍵``, ``トークン``, ``토큰``.
    r"|секрет|токен|секретный[ _]?ключ|ключ[ _]?api|api[ _]?ключ|密钥|秘钥|私钥|令牌"
    r"|秘密鍵|秘密|トークン|토큰|비밀[ _]?키"
    # An API's key in Japanese or Korean (``APIキー``, ``api_키``); ``キー``/``키`` alone is
    # a dict's key as often as a credential.
    r"|api[ _-]?(?:キー|鍵|키)|(?:アクセス|シークレット)[ _]?キー|(?:액세스|시크릿)[ _]?키"
)
# Letters of a name in Latin (with its accents), Greek or Cyrillic script, as character
# ranges both languages' regular expressions read alike (the TypeScript copy has no "u"
# flag, so no ``\p{L}``): ``schlüssel``, ``contraseña``, ``пароль``. Not the
# multiplication or division sign between them.
NAME_LETTERS = "A-Za-zÀ-ÖØ-öø-ɏΑ-ώЀ-ӿ"
# A name's tail after the word: letters of Latin or Cyrillic script, digits, "_"
# (``passwort_db``, ``пароль_бд``); Hangul or kana go on another word (``암호화``).
_TAIL = r"[A-Za-z0-9_À-ÿĀ-žЀ-ӿ]"
# A tail ending in one of these names something about the password (as
# rules.SECRET_NAME_QUALIFIERS does in English): ``passwort_policy``, ``senha_hash``.
_QUALIFIERS = (
    r"policy|policies|hash|hashed|length|len|min|max|rules?|hint|strength|reset|expiry"
    r"|expires|changed|valid|ok|prompt|label|field|input|form|count|set|type|regel"
    # The same words in the names' languages, after "_" or "-" (``Passwort-Richtlinie``,
    # ``пароль_политика``).
    r"|richtlinien?|regeln|l(?:ä|ae)nge|hinweis|pol[ií]tica|politique|longitud|longueur"
    r"|r[èe]gles?|comprimento|regras|d[łl]ugo[śs][ćc]|polityka|zasady|uzunlu[ğg]u?|politika"
    r"|kurallar(?:i|\u0131)?|правила|политика|длина"
)
# The word, then the name's tail (``passwort_db``, ``clave_api_prod``).
FOREIGN_SECRET_NAME = (
    rf"(?:(?<![{NAME_LETTERS}])(?:{_LATIN_WORDS})|(?:{_OTHER_WORDS}))"
    rf"(?!{_TAIL}{{0,40}}[_-](?:{_QUALIFIERS})(?!{_TAIL})){_TAIL}{{0,40}}"
)
# Words that name a password as often as something else (``parola``: Romanian's
# password, Italian's word): only for the two rules below that hide a value shaped like a
# password or a generated key (``parola: Kx9#mPq2``, not ``parola: ciao``).
_CHECKED_WORDS = rf"(?<![{NAME_LETTERS}])parola"
# ``=`` (not ``==``, ``<=``), ``:``, a full-width colon; a key's closing quote before it.
_SEPARATOR = r"['\"]?[ \t]*(?:=(?!=)|[:\uff1a])[ \t]*"
_LINE_END = r"(?=[ \t]*(?:\r?\n|$))"

# Lower-case pieces a text must hold for the rules to be tried (and, as name triggers,
# for the name passes: a table's, a record's or a call's ``contraseña`` column).
FOREIGN_TRIGGERS = [
    "passwort", "kennwort", "contraseña", "contrasena", "passe", "senha", "wachtwoord",
    "hasło", "haslo", "lösenord", "losenord", "passord", "adgangskode", "salasana", "şifre",
    "sifre", "jelszó", "jelszo", "heslo", "clave", "chiave", "khẩu", "sandi", "парол",
    "passwört", "passwoert", "kennwört", "kennwoert", "jeton",
    "密码", "密碼", "口令", "パスワード", "暗証番号", "비밀번호", "암호", "κωδικ", "σύνθημα",
    "סיסמ", "المرور", "पासवर्ड", "รหัสผ่าน", "parol", "geheim", "segreto", "secreto",
    "segredo", "sekret", "rahasia", "hemlighet", "hemmelighe", "salaisuus", "sleutel",
    "schlüssel", "schluessel", "klucz", "nyckel", "chave", "clé", "cle_", "cle-", "cle ",
    "секрет", "токен", "ключ", "密钥", "秘钥", "私钥", "令牌", "秘密", "トークン", "토큰",
    "비밀", "mima", "miyao", "khau", "キー", "키",
]  # fmt: skip

FOREIGN_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # ``passwort = "x"``, ``{"пароль": "x"}``, ``senha='x'``: the quoted value.
        "triggers": FOREIGN_TRIGGERS,
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
        "triggers": FOREIGN_TRIGGERS,
        "pattern": rf"((?<![=!<>])(?:{FOREIGN_SECRET_NAME})['\"]?[ \t]*"
        rf"(?:=(?!=)[ \t]*(?![{NAME_LETTERS}_][{NAME_LETTERS}0-9_.]*{_LINE_END})|[:\uff1a][ \t]*))"
        r"(?![$%]|\{\{)([^\s'\"(){}\[\]<>,;«]{3,128})" + _LINE_END,
        "group": 2,
        "flags": "i",
    },
    # The two prose rules of context_rules.py ("password in text", "key in text") with
    # these words: a value soon after the word, whatever stands between (``senha =
    # Qz7vLmP2xR9wK4tN``, ``mot de passe est Hunt3rXy9``, ``пароль -> ...``). Only a
    # value that looks like a password or a generated key; the name ends at its last
    # letter (``(?!{_TAIL})``), so the prose after it is read from one start only.
    {
        "kind": "password in text",
        "triggers": FOREIGN_TRIGGERS,
        "pattern": rf"((?<![=!<>])(?:{FOREIGN_SECRET_NAME}|{_CHECKED_WORDS})(?!{_TAIL})"
        # Not past a value already hidden (context_rules.py's rule).
        r"(?:[^\n»]{0,60}?|[^\n»]{0,60}\r?\n[^\n»]{0,24}?)[\s'\"`=:(<\[\uff1a])"
        r"((?=[A-Za-z!@#$%^&*.~+/-]{0,63}[0-9])[A-Za-z0-9!@#$%^&*.~+/-]{6,64})"
        r"(?![A-Za-z0-9!@#$%^&*._~+/-]|\(|\.[A-Za-z])",
        "group": 2,
        "flags": "i",
        "check": "password",
    },
    {
        "kind": "key in text",
        "triggers": FOREIGN_TRIGGERS,
        "pattern": rf"((?<![=!<>])(?:{FOREIGN_SECRET_NAME}|{_CHECKED_WORDS})(?!{_TAIL})"
        r"[^\n»]{0,40}?[ \t'\"`=:\uff1a])"
        + SSH_PUBLIC_KEY_TYPE_BEFORE
        + r"([A-Za-z0-9+/=_.~-]{16,})",
        "group": 2,
        "flags": "i",
        "check": "random",
    },
]
