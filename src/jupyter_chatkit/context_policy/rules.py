"""The one table of redaction rules, shared by Python and TypeScript.

Everything here is plain data: regular expressions written in the syntax Python's ``re``
and JavaScript's ``RegExp`` read the same way (no inline flags, no named groups, no
possessive quantifiers), plus word lists. ``js/lab/src/redaction-rules.generated.ts`` is
rendered from :func:`rules_dict` (``python -m jupyter_chatkit.context_policy.rules
--write``); a test fails when the two differ.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# Which calls take a credential or a key by position, and the words that send a text to them.
from .call_rules import (
    ASSIGNED_BEFORE,
    CALL_WORDS,
    CHAINED_TARGET,
    CLIENT_CREDENTIAL_ARG,
    COMMAND_ENV_PREFIX,
    COMMAND_PROGRAM,
    CONNECT_CALLS,
    CREDENTIAL_CALLS,
    CREDENTIAL_CLIENTS,
    DECODE_CALLS,
    ENV_VARIABLE_NAME,
    GETTER_ASSIGNMENT,
    GETTER_CALL,
    GETTER_WORDS,
    GETTER_WRAPPER,
    KEY_CALLS,
    NAMED_GETTER,
    NON_CREDENTIAL_CALLS,
    RANDOM_KEY_CALL_SUFFIX,
    RANDOM_KEY_CALLS,
    SECRET_GETTER,
    SECRET_STORE_COMMAND,
    SHELL_CELL,
    SHELL_COMMANDS,
    SHELL_ESCAPE,
    WALRUS_ASSIGNMENT,
)
from .foreign_rules import FOREIGN_SECRET_NAME, NAME_LETTERS
from .joined_rules import (
    FSTRING_FIELD_PART,
    JOINED_AFTER_WORD,
    JOINED_FSTRING,
    JOINED_HINT,
    JOINED_LIST,
    JOINED_LITERALS,
    JOINED_MIN_CHARS,
    JOINED_PIECE,
    JOINED_VALUE,
)
from .late_rules import LATE_RULES

# What makes a name a secret's, and the words a text needs for the name rules to run.
from .name_rules import (
    NAME_NUMBER,
    NAME_TRIGGERS,
    SECRET_NAME_PATTERN,
    SECRET_NAME_QUALIFIERS,
    TOKEN_NOT_CREDENTIAL_HEADS,
    TOKEN_QUALIFIERS,
)

# What values and printed tables look like, and the known shapes of credential values
# (long lists, kept in modules of their own).
from .shape_rules import (
    ANNOTATION_NEXT,
    ANNOTATION_VALUE,
    AUTH_SCHEME_NAME,
    AUTH_SCHEME_VALUE,
    B64_DIGEST,
    B64_DIGEST_LABEL,
    CLASS_HEADER,
    CODE_VALUE,
    CREDENTIAL_VALUE,
    ENDS_MAX_CHARS,
    ENDS_QUALIFIERS,
    ENV_READ_NAME,
    FILE_PATH_VALUE,
    HASH_CONTEXT,
    HEX_DIGEST,
    HIGH_ENTROPY_VALUE,
    KEEP_VALUE,
    KEY_NOT_UUID_NAME,
    KEYISH_NAME_PATTERN,
    MASK_IN_VALUE,
    NAMING_QUALIFIERS,
    PLACEHOLDER_VALUE,
    PROSE_ROW,
    PROSE_VALUE,
    PROSE_WORD,
    SCHEMA_CELLS,
    SHORT_NAME_VALUE,
    TEMPLATE_VALUE,
    TYPE_VALUE,
    UUID_VALUE,
    WEAK_QUALIFIERS,
    WORD_SECRET_NAME,
)
from .short_name_rules import (
    SHORT_NAME_PASSWORD_VALUE,
    SHORT_NAME_TRIGGERS,
    SHORT_PASSWORD_NAMES,
)
from .table_rules import (
    ALIGNED_KEY_VALUE,
    BARE_ALIGNED_HEADER,
    CODE_STATEMENT,
    HTML_TOKEN,
    INDEX_NAME_LINE,
    LABELLED_ROW,
    PROSE_KEY,
    ROW_NUMBER,
    SERIES_FOOTER,
    TABLE_DELIMITERS,
    TABLE_HEADER_FIELD,
    TABLE_RULE_ROW,
    YAML_BLOCK_KEY,
)
from .url_rules import DSN_WITH_PASSWORD, URL_WITH_PASSWORD
from .value_rules import VALUE_RULES
from .word_lists import (
    ENV_ALLOW_NAMES,
    ENV_ALLOW_PREFIXES,
    HTML_ENTITIES,
    SCHEMA_KEYWORDS,
    TOKEN_TEXT_WORDS,
)

# A name's letters (foreign_rules.NAME_LETTERS), short for the patterns below.
_L = NAME_LETTERS

# Cheap pre-check: a rule runs only on a text whose lower-case form contains one of its
# ``triggers`` (plain substring tests: far cheaper than a regular expression).
VALUE_TRIGGERS: list[str] = sorted({t for rule in VALUE_RULES for t in rule["triggers"]})

# ``name = "value"``, ``"name": "value"``, ``name="value"``, ``environ["NAME"] = "value"``
# in code, JSON, reprs and messages. Groups: 1 name, 2 separator, 3 quote, 4 value.
QUOTED_ASSIGNMENT = (
    # The name starts where a word does: trying every position inside a long word
    # made this quadratic (16,000 letters took 24 s).
    # A name's letters may be accented, Greek or Cyrillic (``password_ü``, ``größe_token``):
    # read whole, as Python reads an identifier, it is judged as one.
    rf"(?<![{_L}0-9_.-])([{_L}_][{_L}0-9_.-]*)"
    # Not psql's interpolation of a variable (``ALTER USER etl PASSWORD :'pw'``, set by
    # ``\\set pw`` or ``psql -v pw=…``): a blank, a colon glued to the quote, a name.
    r"(?![ \t]+:(?:'[A-Za-z_][A-Za-z0-9_]{0,62}'|\"[A-Za-z_][A-Za-z0-9_]{0,62}\"))"
    # The value may start on the next line (``"password":\n "x"``, ``pw = (\n "x"``).
    # Blanks before that line's end belong to the run before it alone (a second run
    # there made ``password =`` then 20,000 blanks take seconds: quadratic).
    # A type annotation between them (``db_password: str = "x"``, ``: str | None =``).
    # Not an upper-case name after the colon (PowerShell's ``$env:DB_PASSWORD = "x"``).
    r"(['\"]?\]?(?:[ \t]*:[ \t]*(?![A-Z][A-Z0-9_]*[ \t]*=)[A-Za-z_][A-Za-z0-9_.]{0,40}"
    r"(?:\[[A-Za-z0-9_., |]{0,60}\])?"
    r"(?:[ \t]*\|[ \t]*[A-Za-z_][A-Za-z0-9_.]{0,40})?(?=[ \t]*=(?!=)))?"
    r"[ \t]*(?::=|=>|=|:)[ \t]*(?:(?:\\[ \t]*)?\r?\n[ \t]*|\([ \t]*(?:\r?\n[ \t]*)?)?"
    r"(?:[rbuRBU]|[fF][rR]?|[rR][fFbB]|[bB][rR])?)(['\"]{3}|['\"`])"
    r"((?:(?!\3)[^\n\\]|\\.){1,2000})\3"
)
# ``%env NAME=value``, ``export NAME=value``, ``NAME=value`` / ``name: value`` on a line of
# its own (``.env`` files, YAML). Groups: 1 prefix, 2 name, 3 separator, 4 value.
BARE_ASSIGNMENT = (
    # ``setx NAME value`` (Windows), ``set -x NAME value`` (fish); ``env: NAME=value``
    # (what IPython's ``%env NAME=value`` prints).
    r"^([ \t]*(?:%env[ \t]+|env:[ \t]+|%set_env[ \t]+|!?export[ \t]+|setx[ \t]+"
    r"|set[ \t]+(?:-[gxU]{1,3}[ \t]+)?)?)"
    # A value starts with no ";": ``Password=;Server=db`` is an empty password in a
    # connection string, and the next pair is no value.
    rf"([{_L}_][{_L}0-9_.-]*)([ \t]*[=:][ \t]*|[ \t]+)([^\s'\";][^\s'\"]*)[ \t]*$"
)
# ``name=value`` / ``"name": value`` inside a line, the value unquoted (log lines,
# exception messages, CLI flags, JSON numbers, YAML and INI values). Groups: 1 name,
# 2 separator, 3 value.
INLINE_ASSIGNMENT = (
    # ``**password**: x`` in Markdown: emphasis around the name or after the colon.
    # A name starts a word or follows "-" that does not join it to one (``--password``,
    # not the ``amz`` of ``x-amz-key``) and holds no "--": started inside every dashed
    # word, a long ``a-a-…-a=`` was read again from each part, quadratic.
    # In a repr (``'user=ada\\npassword=x'``) a name also starts after an escape.
    rf"(?:(?<=\\[ntr])|(?<![{_L}0-9_.\\])(?<![{_L}0-9_.]-))([{_L}_](?:[{_L}0-9_.]|-(?!-))*)"
    # ``\\mathrm{password}: x`` in LaTeX: a brace after the name.
    # ``HMAC_SECRET (sha256): x``: a parenthetical between them (then the value must
    # look like a credential: ``token (str): Token to use`` is a docstring).
    r"((?:[ \t]*\([A-Za-z0-9 _.-]{1,30}\))?(?:['\"`}]|\*\*)?[ \t]*(?::=|=|:)[ \t]*"
    # A YAML anchor before the value (``api_key: &k x``) is no value.
    r"(?:\*\*[ \t]*|!![A-Za-z]{1,20}[ \t]+|&[A-Za-z0-9_-]{1,40}[ \t]+)?)"
    # The value is a whole word, not the name of the next ``NAME=value`` (``env:
    # DB_PASSWORD=x`` as %env prints it): no backing off to a shorter value.
    # (Checked where the value starts: after it, each failure was tried again from
    # every name inside a long value, ``a:a:…:a=b``, quadratic.)
    # An escape (``\\n``) ends it too.
    # Nor a URL after its scheme (``bigquery://p?credentials=x``: the query's names).
    r"((?!//)(?![A-Za-z_][A-Za-z0-9_.-]*=[A-Za-z_])(?:[^\s'\"`,;&<>(){}\[\]|«=$\\]|\\(?![ntr]))+)"
    r"(?![^\s'\"`,;&<>(){}\[\]|«=$\\]|\\(?![ntr]))"
)
# ``AuthError: login failed``: a name like this is a label, not a secret's name.
LABEL_NAME = r"(?:Error|Exception|Warning|Exit|Interrupt)$"
# More string literals glued to a hidden one (``'ghp_abc' 'def'``, ``"ab" +\n "cd"``) are
# the rest of that secret. Groups: 1 placeholder and its quote, 2 glue, 3 quote,
# 4 content.
CONTINUED_STRING = (
    # ``'a' + \`` then a line break: both glues at once.
    r"(«redacted: [^»\n]{1,80}»['\"])([ \t]*(?:\+[ \t]*)?(?:\\[ \t]*)?\n?[ \t]*)(['\"])"
    r"([^'\"\n«]{1,2000})(?=['\"])"
)


# A string literal on one line is one piece of a bracket's content: a bracket or a comma
# inside it (``[('ada', 'p(w9')]``) is none of the code's. A quote no literal closes on
# its line is one character (``it's``). Exactly one way to read each character: linear.
def _inside(excluded: str) -> str:
    """One piece of a bracket's content: a string literal, a lone quote, or a character
    that is none of ``excluded`` (a character class body)."""
    return (
        r"(?:'(?:[^'\\\n]|\\[^\n])*'|\"(?:[^\"\\\n]|\\[^\n])*\""
        r"|'(?![^'\n]*')|\"(?![^\"\n]*\")|[^" + excluded + r"'\"])"
    )


# One piece of a one-level bracket's content (``[("ada", "p(w9")]``: each pair's body).
BRACKET_PIECE = _inside(r"\[\](){}\n")
# Up to the first comma of a tuple's body outside its literals (``'ada,l', 'pw'``: the
# user is ``'ada,l'``).
FIRST_FIELD = r"^" + _inside(r",\n") + r"*,"

# ``password = ["a", "b"]``, ``"password": ["x"]``, ``auth=("admin", "pw")``: the string
# literals of a one-level list, tuple, set or dict under a secret name. Groups: 1 name,
# 2 separator, 3 opening bracket, 4 content.
CONTAINER_ASSIGNMENT = (
    rf"(?<![{_L}0-9_.-])([{_L}_][{_L}0-9_.-]*)(['\"]?\]?[ \t]*(?::=|=|:)[ \t]*)"
    r"([\[({])((?:" + BRACKET_PIECE + r"|[\[(]" + BRACKET_PIECE + r"{0,2000}[\])]){1,2000})"
    r"(?=[\])}])"
)
# What stands between two quoted items of a list (``", "``): never a quoted value.
ITEM_GLUE = r"^[ \t]*,[ \t]*$"
# ``"password", ("ada", "pw")``, ``["token", ["x"]]``: a bracket after a literal naming a
# secret holds that secret's value. Groups: 1 quote, 2 the name, 3 the comma, 4 opening
# bracket, 5 content.
PAIRED_CONTAINER = (
    r"(['\"])([^'\"\n]{1,100})\1([ \t]*,[ \t]*)([\[(])("
    + _inside(r"()\[\]{}\n")
    + r"{1,2000})(?=[)\]])"
)
# ``password = S`` (kept: a variable) and elsewhere ``S = "hunter2"``: the literal a
# secret-named variable takes from another. Groups: 1 the secret name, 2 the variable.
ALIAS_ASSIGNMENT = (
    # A dict's quoted key too (``{"password": pw}``).
    r"(?<![A-Za-z0-9_.'\"])['\"]?([A-Za-z_][A-Za-z0-9_.]*)(?:['\"][ \t]*:|[ \t]*(?::=|=))"
    r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?=$|[\n;,)}#])"
)
# Where a variable is passed as a credential by position (flows.py): a call's arguments
# (``login(user, pw)``, ``HTTPBasicAuth(u, pw)``, ``connect(host, user, pw)``) or a
# tuple set to a secret's name (``auth = (user, pw)``). Groups: 1 the callee or the name,
# 2 "=" for a tuple, 3 the arguments (no brackets inside).
ALIAS_CALL = (
    r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]{0,100})[ \t]*(=[ \t]*)?\(([^()\n]{1,400})\)"
)
# A variable set under a quoted key (``os.environ["AWS_SECRET_ACCESS_KEY"] = aws``,
# ``config["db"]["password"] = pw``): a secret-named key holds it (values.aliases).
# Groups: 1 the quote, 2 the key, 3 the variable.
SUBSCRIPT_ALIAS = (
    r"(?<=[A-Za-z0-9_\])])[ \t]*\[[ \t]*(['\"])([^'\"\n]{1,100})\1[ \t]*\][ \t]*=(?!=)"
    r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?=$|[\n;#])"
)
# One argument of a call that is a quoted name (``os.putenv("DB_PASSWORD", pw)``,
# ``setdefault("OPENAI_API_KEY", k)``, ``setattr(cfg, "api_key", k)``): a secret's name
# there makes the variable passed next that secret (flows.py). Groups: 1 quote, 2 name.
QUOTED_ARGUMENT = r"^[ \t]*(['\"])([^'\"\n]{1,100})\1[ \t]*$"
# A variable as a URL's password in an f-string or a format string (``f"{u}:{pw}@h"``).
URL_PASSWORD_FIELD = r"[^\s'\"/:{}]*:\{([A-Za-z_][A-Za-z0-9_]*)\}@"
# ``api_key = a + b``, ``password = "".join(parts)``, ``token = f"{head}{tail}"``: a
# secret-named variable built from others on one line. Groups: 1 the name, 2 what it is
# set to (read by EXPRESSION_PART: names, literals, "+", ".join(", str( ), brackets).
ASSIGNED_EXPRESSION = r"^[ \t]*([A-Za-z_][A-Za-z0-9_.]*)[ \t]*(?::=|=)(?!=)[ \t]*([^\n]{1,500})$"
EXPRESSION_PART = (
    r"[rbuRBU]?([fF]?)[rR]?(['\"])((?:(?!\2)[^\\\n]|\\.)*)\2|(\.join\(|str\()"
    r"|([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_(])|[ \t+,()\[\]]+"
)
# A transcript: an input (or a cell's last line over ``Out[n]:``), then its output (``In
# [3]: password`` / ``Out[3]: 'x'``, ``>>> tok`` / ``'x'``). Groups: input, label, output.
TRANSCRIPT = (
    r"^(?:(?:In \[[0-9]{1,6}\]:|>>>)[ \t]+|(?=[^\n]{1,500}\r?\nOut\[[0-9]{1,6}\]:))"
    r"([^\n]{1,500})\r?\n"
    r"(?!>>>|\.\.\.|In \[)((?:Out\[[0-9]{1,6}\]:[ \t]*)?)([^\n]{1,2000})$"
)
# ``password = "%s" % "x"``, ``token = "{}".format("x")``: the arguments fill a template
# under a secret name. Groups: 1 all before the arguments, 2 the name, 3 the template's
# quote, 4 the arguments.
FORMATTED_ASSIGNMENT = (
    rf"(?<![{_L}0-9_.-])(([{_L}_][{_L}0-9_.-]*)['\"]?[ \t]*(?::=|=|:)[ \t]*"
    r"[rbuRBUfF]{0,2}(['\"])[^'\"\n]{0,200}\3[ \t]*(?:%[ \t]*\(?|\.format\())([^()\n]{1,2000})"
)
# A list or tuple without nested brackets (a list of names, a row of values). Group 1:
# its items.
FLAT_LIST = r"[\[(](" + _inside(r"\[\]()\n") + r"{1,2000})[\])]"
# ``INSERT INTO t (user, password) VALUES ('ada', 'x')``. Groups: 1 the columns, 2 the
# first row's values.
SQL_INSERT = (
    r"\binsert[ \t]+into[ \t]+[^\s(]{1,100}[ \t]*\(([^()\n]{1,500})\)[ \t\r\n]*values"
    r"[ \t\r\n]*\((" + _inside(r"()\n") + r"{0,2000})\)"
)
# A JSON pair inside a JSON string: ``"{\\"password\\": \\"x\\"}"``. Groups: 1 the name,
# 2 the value.
ESCAPED_JSON_PAIR = (
    r"\\\"([A-Za-z_][A-Za-z0-9_.-]{0,100})\\\"[ \t]*:[ \t]*\\\"([^\\\n\"]{1,2000})\\\""
)
# Rows of values by position under names said elsewhere: ``to_json(orient="split")``
# (``"columns": [...]`` then ``"data": [[...], ...]``) and numpy structured arrays and
# records (rows ``(...)`` before ``dtype=[('user', 'O'), ('password', 'O')]``).
SPLIT_COLUMNS = r"['\"]columns['\"][ \t]*:[ \t]*\[(" + _inside(r"\[\]\n") + r"{1,5000})\]"
SPLIT_DATA = r"['\"]data['\"][ \t]*:[ \t]*\["
LIST_ROW = r"\[(" + _inside(r"\[\]\n") + r"{0,20000})\]"
STRUCTURED_DTYPE = (
    r"dtype=\[((?:\([ \t]*['\"][^'\"\n]{1,100}['\"][ \t]*,[^()\n]{1,200}\)[ \t]*"
    r"(?:,[ \t\n]*)?){1,500})\]"
)
TUPLE_ROW = r"\((" + _inside(r"()\n") + r"{0,20000})\)"
# Under a secret name, an f-string's fields (``{pw}``) are references: only its literal
# text can hold a secret, a run of these with a letter and a digit or symbol.
FSTRING_PREFIX = r"(?:[fF][rR]?|[rR][fF])$"
FSTRING_FIELD = r"\{[^{}\n]{0,200}\}"
FSTRING_RUN = r"[A-Za-z0-9!#$%^&*+=~_-]{6,}"
STRING_LITERAL = r"(['\"])((?:(?!\1)[^\\\n]|\\.){0,2000})\1"

# Secrets passed by position: ``HTTPBasicAuth("u", "pw")``, ``connect("db", "admin",
# "pw")``, ``os.putenv("DB_PASSWORD", "pw")``, ``["--password", "pw"]``. A call, a bare
# tuple or a list without nested brackets; groups: 1 the callee (maybe empty), 2 "(" or
# "[" (a list or an index: only the pair rule applies), 3 the arguments.
# The callee starts a dotted name, or follows the "." of a call's result
# (``SMTP(h).login(u, pw)``): started after every "." of a long ``a.b.c…`` it read
# to the end each time, quadratic.
CALL_ARGUMENTS = (
    r"(?<![A-Za-z0-9_])(?<![A-Za-z0-9_]\.)([A-Za-z_][A-Za-z0-9_.]*)?([(\[])"
    r"(" + _inside(r"()\[\]\n") + r"{1,2000})(?=[)\]])"
)
# After a literal naming a secret, a literal like this is one more name when 3+ literals
# stand together (``["user", "password", "email"]``, a list of columns), not its value.
# A tokenizer's piece is a word too: SentencePiece's "▁" and GPT-2's "Ġ" mark a word's
# start, WordPiece's "##" its continuation (``['▁The', '▁password', '▁is']``). A class's,
# a camelCase function's or a constant's name too (``__all__ = ["Session", "Response"]``):
# each lower-case run of 2+ letters, no digit inside (``Kx8mP2qZ``, ``KxmPqZvL`` are none).
# A punctuation token of a tokenized text too (``['is', 'secret', '.']``).
NAME_LIKE_VALUE = (
    r"^(?:[▁Ġ]|##)?(?:[a-z_][a-z0-9_]*|[a-z]*(?:[A-Z]{1,5}[a-z]{2,})+[A-Z]{0,5}"
    r"|[A-Z]{2,}(?:_[A-Z0-9]+)*|[.,;:!?¿¡…\u2013\u2014-]{1,3})$"
)
# A YAML tag, then what it refers to, under a secret's name (``api_key: !secret openai``,
# Home Assistant's; ``Password: !Ref DbPassword``, CloudFormation's; ``!vault |``): a
# reference to a secret kept elsewhere. Matched at the value's end.
YAML_TAG_REFERENCE = r"[ \t]+[A-Za-z0-9_.|>/-]"
YAML_TAG = r"^![A-Za-z][A-Za-z0-9_.:-]{0,40}$"
# A record's field name (``("password", "username")``, ``__slots__ = ("db_password",
# "host")``): after a literal naming a secret, one more name even in a pair, never its
# value.
FIELD_NAME_VALUE = (
    r"^(?:user(?:_?names?)?|users|login|e_?mails?|mail|names?|host(?:_?names?)?|hosts|port"
    r"|db(?:_?name)?|database|schema|url|uri|endpoint|ids?|uid|user_?id|role|region"
    r"|account|path|scope|domain|server|address|timeout|driver|ssl_?mode|phone"
    r"|(?:first|last|full)_?name|created(?:_at)?|updated(?:_at)?)$"
)
# A literal holding a name and its value (``'db_password = "x"'``, ``"API_KEY=x"``, a line
# of a file listed as a list's item) names no value after it; ``"API_KEY="``,
# ``"password:"`` and ``"Authorization: Bearer"`` do.
ASSIGNED_ITEM = r"[=:][ \t]*(?![Bb]earer[ \t]*$|[Bb]asic[ \t]*$|[Tt]oken[ \t]*$)[^\s]"
# After a literal naming a secret, a numpy dtype is that field's type, not its value
# (``[('password', 'U40')]``, ``('password', '<U20')``, ``('token', 'object')``).
DTYPE_VALUE = (
    r"^[<>|=]?(?:[biufcOSUVa][0-9]{0,4}|[mM]8(?:\[[a-z]{1,2}\])?|object|str|bool|bytes"
    r"|u?int(?:8|16|32|64)?|float(?:16|32|64)?|complex(?:64|128)?"
    r"|(?:datetime|timedelta)64(?:\[[a-z]{1,2}\])?)$"
)
# One argument: a string literal, other text up to a comma, or the comma.
CALL_ARGUMENT = r"(['\"])(?:(?!\1)[^\\\n]|\\.)*\1|[^,'\"]+|,"
# ``user, password = "ada", "x"`` (brackets around either side too): 2+ names at a
# line's start (or a repr's: after its quote), then their values. Groups: 1 the names,
# 2 the values (up to the line's end, read with CALL_ARGUMENT).
UNPACKING = (
    r"^[ \t]*['\"]?[(\[]?[ \t]*((?:[A-Za-z_][A-Za-z0-9_.]{0,100}[ \t]*,[ \t]*){1,20}"
    r"[A-Za-z_][A-Za-z0-9_.]{0,100})[ \t]*,?[ \t]*[)\]]?[ \t]*=(?!=)[ \t]*([^\n]{1,2000})$"
)
# The names before a name that an unpacking's line starts with (``user, `` before
# ``password = "ada", "x"``): the assignment rules leave its values to the unpacking's.
UNPACKING_HEAD = (
    r"(?:^|\n)[ \t]*['\"]?[(\[]?[ \t]*(?:[A-Za-z_][A-Za-z0-9_.]{0,100}[ \t]*,[ \t]*){1,20}$"
)
# A name of an id right before a random-looking value (``version_id = "…"``,
# ``"requestId": "…"``): an id, not a key (unless the name is a secret's: ``session_id``).
# Group 1 or 2: the name.
ID_NAME_BEFORE = (
    r"(?:([A-Za-z_][A-Za-z0-9_]{0,60}(?:_id|_ids|Id|Ids|ID|_uuid|_guid))['\"]?[ \t]*[=:]"
    # In prose too (group 2): a word, a blank, then its id (``(vault id wlxg…)``, ``entity
    # guid: Mz…``); ``session id`` still names a secret.
    r"|(?<![A-Za-z0-9_])([A-Za-z]{2,30}[ \t]+(?:id|ids|ID|Id|uuid|UUID|guid|GUID))[ \t]*:?)"
    r"[ \t]*['\"]?(?![\s\S])"
)
# Any name right before a value (``"nextPageToken": "``): read by names.py (a cursor's
# token, not a credential). Group 1: the name.
NAME_BEFORE_VALUE = r"([A-Za-z_][A-Za-z0-9_]{0,60})['\"]?[ \t]*[=:][ \t]*['\"]?(?![\s\S])"


# Environment variables kept and HTML references read: word_lists.py.

# A text's HTML references are read only when it then holds one of these (a name's word,
# or an OAuth code's parameter): a table of ``Tom &amp; Jerry`` is not redacted twice, and
# HTML escaping never touches the characters of a bare key.
# Both redactors add VALUE_TRIGGERS: a key shape's escaped too (``sk&#95;live&#95;…``,
# ``sk\\_live\\_…`` in Markdown).
ENTITY_TRIGGERS: list[str] = [*NAME_TRIGGERS, "code="]

# The marker every redaction leaves; the model is told what it means.
PLACEHOLDER_OPEN = "«redacted: "
PLACEHOLDER_CLOSE = "»"
# A value shown shortened as ``head...tail`` (IPython's Verbose tracebacks, reprlib, a
# log): once its head is hidden, the elision and the run of key characters after it (or
# the marker that already hid them) are the same secret's and go with it. So is a run
# joined to the hidden head by a symbol a key rule's run stops at
# (``Wint3r-Is-C0ming!JiKCKF``: ``«…»!JiKCKF``), not a URL query's next ``&name=``.
ELIDED_TAIL = (
    "(" + PLACEHOLDER_OPEN + r"[^«»\n]{1,80}»)(?:(?:\.{3}|…)"
    r"(?:" + PLACEHOLDER_OPEN + r"[^«»\n]{1,80}»|[A-Za-z0-9_+/=~.-]*[A-Za-z0-9_+/=~-])"
    r"|(?:[!#$%*^]|[&?](?![A-Za-z0-9_.-]{1,40}=))[A-Za-z0-9_+/=~.-]*[A-Za-z0-9_+/=~-])"
)


def rules_dict() -> dict[str, Any]:
    """The whole table as JSON-ready data (what the TypeScript copy holds)."""
    return {
        "secretNamePattern": SECRET_NAME_PATTERN,
        "nameNumber": NAME_NUMBER,
        "secretNameQualifiers": SECRET_NAME_QUALIFIERS,
        "tokenQualifiers": TOKEN_QUALIFIERS,
        "tokenNotCredentialHeads": TOKEN_NOT_CREDENTIAL_HEADS,
        "tokenTextWords": TOKEN_TEXT_WORDS,
        "schemaKeywords": SCHEMA_KEYWORDS,
        "valueRules": VALUE_RULES,
        "valueTriggers": VALUE_TRIGGERS,
        "quotedAssignment": QUOTED_ASSIGNMENT,
        "bareAssignment": BARE_ASSIGNMENT,
        "inlineAssignment": INLINE_ASSIGNMENT,
        "containerAssignment": CONTAINER_ASSIGNMENT,
        "stringLiteral": STRING_LITERAL,
        "pairedContainer": PAIRED_CONTAINER,
        "bracketPiece": BRACKET_PIECE,
        "firstField": FIRST_FIELD,
        "aliasAssignment": ALIAS_ASSIGNMENT,
        "aliasCall": ALIAS_CALL,
        "urlPasswordField": URL_PASSWORD_FIELD,
        "subscriptAlias": SUBSCRIPT_ALIAS,
        "quotedArgument": QUOTED_ARGUMENT,
        "assignedExpression": ASSIGNED_EXPRESSION,
        "expressionPart": EXPRESSION_PART,
        "transcript": TRANSCRIPT,
        "formattedAssignment": FORMATTED_ASSIGNMENT,
        "flatList": FLAT_LIST,
        "sqlInsert": SQL_INSERT,
        "escapedJsonPair": ESCAPED_JSON_PAIR,
        "splitColumns": SPLIT_COLUMNS,
        "splitData": SPLIT_DATA,
        "listRow": LIST_ROW,
        "structuredDtype": STRUCTURED_DTYPE,
        "tupleRow": TUPLE_ROW,
        "fstringPrefix": FSTRING_PREFIX,
        "fstringField": FSTRING_FIELD,
        "fstringRun": FSTRING_RUN,
        "hashContext": HASH_CONTEXT,
        "hexDigest": HEX_DIGEST,
        "b64Digest": B64_DIGEST,
        "b64DigestLabel": B64_DIGEST_LABEL,
        "placeholderValue": PLACEHOLDER_VALUE,
        "schemaCells": SCHEMA_CELLS,
        "proseValue": PROSE_VALUE,
        "proseRow": PROSE_ROW,
        "proseWord": PROSE_WORD,
        "wordSecretName": WORD_SECRET_NAME,
        "foreignSecretName": FOREIGN_SECRET_NAME,
        "nameLetters": NAME_LETTERS,
        "templateValue": TEMPLATE_VALUE,
        "callArguments": CALL_ARGUMENTS,
        "callArgument": CALL_ARGUMENT,
        "unpacking": UNPACKING,
        "unpackingHead": UNPACKING_HEAD,
        "nameLikeValue": NAME_LIKE_VALUE,
        "fieldNameValue": FIELD_NAME_VALUE,
        "yamlTag": YAML_TAG,
        "yamlTagReference": YAML_TAG_REFERENCE,
        "assignedItem": ASSIGNED_ITEM,
        "itemGlue": ITEM_GLUE,
        "dtypeValue": DTYPE_VALUE,
        "credentialCalls": CREDENTIAL_CALLS,
        "keyCalls": KEY_CALLS,
        "decodeCalls": DECODE_CALLS,
        "randomKeyCalls": RANDOM_KEY_CALLS,
        "randomKeyCallSuffix": RANDOM_KEY_CALL_SUFFIX,
        "assignedBefore": ASSIGNED_BEFORE,
        "lateKinds": [str(r["kind"]) for r in LATE_RULES],
        "idNameBefore": ID_NAME_BEFORE,
        "nameBeforeValue": NAME_BEFORE_VALUE,
        "callWords": CALL_WORDS,
        "envVariableName": ENV_VARIABLE_NAME,
        "connectCalls": CONNECT_CALLS,
        "nonCredentialCalls": NON_CREDENTIAL_CALLS,
        "getterCall": GETTER_CALL,
        "secretGetter": SECRET_GETTER,
        "namedGetter": NAMED_GETTER,
        "getterAssignment": GETTER_ASSIGNMENT,
        "getterWords": GETTER_WORDS,
        "getterWrapper": GETTER_WRAPPER,
        "chainedTarget": CHAINED_TARGET,
        "walrusAssignment": WALRUS_ASSIGNMENT,
        "shellEscape": SHELL_ESCAPE,
        "shellCell": SHELL_CELL,
        "shellCommands": SHELL_COMMANDS,
        "commandEnvPrefix": COMMAND_ENV_PREFIX,
        "commandProgram": COMMAND_PROGRAM,
        "clientCredentialArg": CLIENT_CREDENTIAL_ARG,
        "secretStoreCommand": SECRET_STORE_COMMAND,
        "credentialClients": CREDENTIAL_CLIENTS,
        "keepValue": KEEP_VALUE,
        "labelName": LABEL_NAME,
        "continuedString": CONTINUED_STRING,
        "codeValue": CODE_VALUE,
        "typeValue": TYPE_VALUE,
        "annotationValue": ANNOTATION_VALUE,
        "annotationNext": ANNOTATION_NEXT,
        "classHeader": CLASS_HEADER,
        "shortNameValue": SHORT_NAME_VALUE,
        "keyishNamePattern": KEYISH_NAME_PATTERN,
        "keyNotUuidName": KEY_NOT_UUID_NAME,
        "uuidValue": UUID_VALUE,
        "envReadName": ENV_READ_NAME,
        "authSchemeName": AUTH_SCHEME_NAME,
        "authSchemeValue": AUTH_SCHEME_VALUE,
        "shortPasswordNames": SHORT_PASSWORD_NAMES,
        "shortNamePasswordValue": SHORT_NAME_PASSWORD_VALUE,
        "shortNameTriggers": SHORT_NAME_TRIGGERS,
        "weakQualifiers": WEAK_QUALIFIERS,
        "namingQualifiers": NAMING_QUALIFIERS,
        "endsQualifiers": ENDS_QUALIFIERS,
        "endsMaxChars": ENDS_MAX_CHARS,
        "maskInValue": MASK_IN_VALUE,
        "credentialValue": CREDENTIAL_VALUE,
        "filePathValue": FILE_PATH_VALUE,
        "highEntropyValue": HIGH_ENTROPY_VALUE,
        "yamlBlockKey": YAML_BLOCK_KEY,
        "bareAlignedHeader": BARE_ALIGNED_HEADER,
        "urlWithPassword": URL_WITH_PASSWORD,
        "dsnWithPassword": DSN_WITH_PASSWORD,
        "codeStatement": CODE_STATEMENT,
        "alignedKeyValue": ALIGNED_KEY_VALUE,
        "rowNumber": ROW_NUMBER,
        "indexNameLine": INDEX_NAME_LINE,
        "labelledRow": LABELLED_ROW,
        "proseKey": PROSE_KEY,
        "htmlToken": HTML_TOKEN,
        "tableDelimiters": TABLE_DELIMITERS,
        "tableHeaderField": TABLE_HEADER_FIELD,
        "tableRuleRow": TABLE_RULE_ROW,
        "seriesFooter": SERIES_FOOTER,
        "nameTriggers": NAME_TRIGGERS,
        "envAllowNames": ENV_ALLOW_NAMES,
        "envAllowPrefixes": ENV_ALLOW_PREFIXES,
        "htmlEntities": HTML_ENTITIES,
        "entityTriggers": ENTITY_TRIGGERS,
        "placeholderOpen": PLACEHOLDER_OPEN,
        "placeholderClose": PLACEHOLDER_CLOSE,
        "elidedTail": ELIDED_TAIL,
        "joinedHint": JOINED_HINT,
        "joinedAfterWord": JOINED_AFTER_WORD,
        "joinedList": JOINED_LIST,
        "joinedLiterals": JOINED_LITERALS,
        "joinedFstring": JOINED_FSTRING,
        "joinedPiece": JOINED_PIECE,
        "fstringFieldPart": FSTRING_FIELD_PART,
        "joinedMinChars": JOINED_MIN_CHARS,
        "joinedValue": JOINED_VALUE,
    }


TS_PATH = Path("js/lab/src/redaction-rules.generated.ts")


def render_typescript() -> str:
    """The TypeScript module holding a copy of the table."""
    from ..protocol import render_table

    return render_table(
        "RULES", rules_dict(), "jupyter_chatkit.context_policy.rules", ascii_only=False
    )


if __name__ == "__main__":
    from ..protocol import write_or_print

    write_or_print(render_typescript(), TS_PATH, sys.argv[1:])
