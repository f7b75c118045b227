"""Secrets never reach the model: redaction by name, by value shape and by exact value.

One :class:`Redactor` applies the table of :mod:`.rules` and counts what it hid. It works
on plain text (cell sources, outputs, messages, reprs) and on JSON-ready data (tool
results), where a key such as ``"password"`` marks its value as secret. The configured
API keys are removed by exact value even when redaction is switched off.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import rules
from .annotated import hide_annotated_values
from .calls import CallRedaction
from .compiled_rules import (
    CALL_ARGUMENTS,
    CLASS_NAME,
    CREDENTIAL_VALUE,
    NAME_TRIGGERS,
    PLACEHOLDER_VALUE,
    PROSE_VALUE,
)
from .containers import USER_FIRST, ContainerRedaction
from .datawalk import DataRedaction
from .encoded import hide_encoded
from .errors import strip_ansi
from .escaped_lines import read_escaped_lines, read_listed_lines
from .folded import folded
from .heredoc import heredoc_bodies
from .html_tables import hide_html_tables
from .joined import hide_joined
from .lazy_patterns import any_of, lazy_compile
from .loose import LooseRedaction
from .manifests import hide_secret_manifests
from .names import is_placeholder, is_secret_name, marker, normalize_name
from .prepared import (
    MEMO_CHARS,
    MEMO_ENTRIES,
    MIN_EXACT_CHARS,
    Compiled,
    ValueRule,
    prepare,
    prepared,
    text_memo,
)
from .shown import hide_shown_secret, names_secret
from .spread import Spread
from .tables import TableRedaction
from .unpacking import after_unpacking_names, hide_unpacked
from .values import (
    _is_digest,
    _looks_generated,
    after_id_name,
    alias_sets,
    annotates,
    describe_hidden,
    fstring_keeps,
    is_keyish_name,
    is_secret_pair,
    keeps_unquoted,
    looks_like_pair_password,
    looks_like_password,
    looks_like_user_password,
    looks_random,
    shows_rest_of_key,
)

# Judging names and values lives in names.py and values.py, what a cell shows in shown.py;
# these stay importable here.
__all__ = [
    "MIN_EXACT_CHARS",
    "REDACT_MARGIN",
    "Redactor",
    "describe_hidden",
    "hide_shown_secret",
    "is_keyish_name",
    "is_secret_name",
    "is_secret_pair",
    "keeps_unquoted",
    "looks_random",
    "marker",
    "names_secret",
    "normalize_name",
]

# Longer than any rule's match (a PEM block is ~4 kB; quoted values stop at 2,000 chars):
# text cut this far past what is shown still has every secret near the cut matched whole.
REDACT_MARGIN = 8192
# No rule matches a shorter text (the shortest is an assignment like ``pw='a'``).
MIN_SECRET_TEXT = 6
_VALUE_TRIGGERS = tuple(rules.VALUE_TRIGGERS)


_ANY_VALUE_TRIGGER = any_of(_VALUE_TRIGGERS)
_ANY_NAME_TRIGGER = any_of(NAME_TRIGGERS)
# Most texts hold no trigger of either kind: one scan tells, instead of two.
_ANY_TRIGGER = any_of(_VALUE_TRIGGERS + NAME_TRIGGERS)
# ``p = "…"``: the short names' rule (short_name_rules.py), for an unpacking too.
_SHORT_NAME_TRIGGER = any_of(rules.SHORT_NAME_TRIGGERS)
_ENTITY_TRIGGER = any_of(tuple(rules.ENTITY_TRIGGERS) + _VALUE_TRIGGERS)
_BARE_PREFIXES = ("%env", "%set_env", "export", "set ", "setx ")
# Numbers and the punctuation between them (an array's or a list's preview).
_NUMBERS = lazy_compile(r"[0-9.,:;()\[\]{} \t\n+eE-]*\Z")


_STRING_PREFIX = lazy_compile(r"^(?:[fbru]|rb|br|fr|rf)$", re.I)
_LABEL_NAME = lazy_compile(rules.LABEL_NAME)
_CONTAINER = lazy_compile(rules.CONTAINER_ASSIGNMENT)
_PAIRED = lazy_compile(rules.PAIRED_CONTAINER)
_FSTRING_PREFIX = lazy_compile(rules.FSTRING_PREFIX)
_TEMPLATE_VALUE = lazy_compile(rules.TEMPLATE_VALUE)
_MORE_WORDS = lazy_compile(r" +[A-Za-z]")
_PROSE_WORD = lazy_compile(rules.PROSE_WORD)
_WORD_SECRET_NAME = lazy_compile(rules.WORD_SECRET_NAME)
_ITEM_GLUE = lazy_compile(rules.ITEM_GLUE)
# After a bare word: ``+`` and another name or literal (``head + tail``).
_JOINED_NEXT = lazy_compile(r"[ \t]*\+[ \t]*[A-Za-z_'\"]")
_ELIDED_TAIL = lazy_compile(rules.ELIDED_TAIL)
_YAML_TAG = lazy_compile(rules.YAML_TAG)
_YAML_TAG_REFERENCE = lazy_compile(rules.YAML_TAG_REFERENCE)


# A text needs "(", a quote and a name trigger or one of these for the call rule.
_CALL_WORD = any_of(tuple(rules.CALL_WORDS))


_DIGIT_RUN = lazy_compile(r"[0-9]+")


def _type_name(value: str) -> bool:
    """True for a value that reads as a type's name after ``name:`` (``AuthTypes``,
    ``OAuth2PasswordBearer``, ``SHA256Hasher``), not a generated key that starts with a
    capital (``Zx9vB2nM4qR7…``: digits in three or more places), which in ``secret_key:
    Zx9v…, region: eu`` read as an annotation and was shown."""
    return CLASS_NAME.match(value) is not None and not (
        _looks_generated(value) and len(_DIGIT_RUN.findall(value)) >= 3
    )


@dataclass
class Redactor(TableRedaction, CallRedaction, ContainerRedaction, LooseRedaction, DataRedaction):
    """Applies the policy and counts what it hid (``count``)."""

    enabled: bool = True
    exact: tuple[str, ...] = ()
    extra_patterns: tuple[str, ...] = ()
    # Keys hidden also when printed in part (the API key, MCP credentials); of the other
    # ``exact`` values only those that look random are (``application/json; charset=utf-8``
    # as a header must not hide every ``application/json``).
    prefixed: tuple[str, ...] = ()
    # Values the kernel holds under a secret name (kernel/known_secrets.py): hidden by
    # exact value wherever they show without their name (``vals = creds.values``).
    known: tuple[str, ...] = ()
    count: int = 0
    # When set: ``data`` cuts longer strings (and lists) to this many before redacting.
    cut: int = 0
    _rx: Compiled = field(init=False, repr=False)
    _exact: tuple[str, ...] = field(init=False, repr=False)
    _prefixes: re.Pattern[str] | None = field(init=False, repr=False)
    _cores: re.Pattern[str] | None = field(init=False, repr=False)
    _known_cores: re.Pattern[str] | None = field(init=False, repr=False)
    _spread: Spread | None = field(init=False, repr=False)
    _known: tuple[str, ...] = field(init=False, repr=False)
    _known_escaped: tuple[tuple[str, tuple[str, ...]], ...] = field(init=False, repr=False)
    _nested: int = field(default=0, init=False, repr=False)
    _memo: dict[str, tuple[str, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        settings = (
            tuple(self.extra_patterns),
            tuple(self.exact),
            tuple(self.prefixed),
            tuple(self.known),
        )
        # What the settings compile to is the same for every redactor of them (one per
        # tool result or message): kept for plain-str settings (hashing those runs no
        # user code), built anew for anything else.
        plain = all(type(s) is str for part in settings for s in part)
        kept = prepared(*settings) if plain else prepare(*settings)
        self._rx = kept.rx
        self._exact = kept.exact
        self._known = kept.known
        self._known_escaped = kept.known_escaped
        self._prefixes = kept.prefixes
        self._cores = kept.cores
        self._known_cores = kept.known_cores
        self._spread = kept.spread
        # What text() made of a string, shared by the redactors of the same settings
        # (a tool result every turn repeats most of the last one's strings).
        self._memo = text_memo(kept.memo_key)

    # -- text --------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` ANSI-free, with configured keys, key shapes and named assignments hidden."""
        # The result depends on the settings and the string alone: a string seen before
        # is answered from the memo, with the secrets it hid counted again. Not inside a
        # quoted value (``_nested``: fewer levels are left there), and only a plain str
        # (a subclass's __hash__ or __eq__ is user code).
        if type(value) is str and not self._nested and self.enabled:
            plain = folded(value)
            if (
                plain is not None
                and ("&" in value or "%" in value or "\\" in value)
                and _ENTITY_TRIGGER.search(plain.lower()) is None
            ):
                # No name's word even with its HTML references and escapes read
                # (rules.ENTITY_TRIGGERS).
                plain = folded(value, entities=False)
            if plain is not None:
                return self._folded_text(value, plain)
        if type(value) is not str or self._nested or not self.enabled or len(value) > MEMO_CHARS:
            return self._text(value)
        memo = self._memo
        seen = memo.get(value)
        if seen is not None:
            self.count += seen[1]
            return seen[0]
        before = self.count
        clean = self._text(value)
        if len(memo) >= MEMO_ENTRIES:
            memo.clear()
        memo[value] = (clean, self.count - before)
        return clean

    def _folded_text(self, value: str, plain: str) -> str:
        """``value`` holding zero-width characters or full-width letters (folded.py):
        redacted as the plain text it shows when that hides anything (a key cut by a soft
        hyphen is hidden whole), else as it is (emoji joined by ZWJ stay joined)."""
        before = self.count
        # Read once: folding again would read ``&amp;quot;`` twice (and each pass over a
        # long ``&amp;amp;…`` shortens it by four characters only, quadratic).
        clean = self._text(plain)
        return clean if self.count > before else self._text(value)

    def _text(self, value: str) -> str:
        # Terminal colour codes and control characters mean nothing to the model and can
        # hide a secret's shape.
        value = strip_ansi(value)
        for secret in self._exact:
            if secret in value:
                self.count += value.count(secret)
                value = value.replace(secret, marker("configured key"))
        if self._prefixes is not None:
            value = self._prefixes.sub(self._replace_prefix, value)
        if self._cores is not None:
            value = self._cores.sub(self._replace_prefix, value)
        if self._spread is not None:
            value, spread = self._spread.hide(value, marker("configured key"))
            self.count += spread
        if not self.enabled or len(value) < MIN_SECRET_TEXT:
            return value
        value = self.known_values(value)
        rx = self._rx
        if not rx.extra and _NUMBERS.match(value) is not None:
            return value  # ``[0.51 0.95 …]``, ``(626, 627)``: no rule matches numbers alone
        # What names are set from (aliases) is read before a joined run is hidden:
        # ``token = f"xK3b…{tail}"`` sets ``tail`` into a key.
        unjoined = value
        if not self._nested and ('"' in value or "'" in value):
            value = self._joined(value)
        lower = value.lower()
        some = _ANY_TRIGGER.search(lower) is not None
        triggered = some and _ANY_VALUE_TRIGGER.search(lower) is not None
        size = len(value)
        # Most texts hold no trigger: only the rules without one are looked at then.
        for rule in rx.value_rules if triggered else rx.untriggered:
            if size < rule.min_text or (
                rule.prefilter is not None and rule.prefilter.search(value) is None
            ):
                continue
            if rule.heredoc:
                if triggered and rule.trigger_rx and rule.trigger_rx.search(lower):
                    value = self._heredocs(rule, value)
            elif rule.trigger_rx is None or (triggered and rule.trigger_rx.search(lower)):
                value = rule.pattern.sub(functools.partial(self._replace_rule, rule), value)
        named = some and _ANY_NAME_TRIGGER.search(lower) is not None
        if not named and triggered and "," in value and _SHORT_NAME_TRIGGER.search(lower):
            value = hide_unpacked(value, self._hide_unpacked)  # ``u, p = "ada", "hunter2"``
        if named and not self._nested and ('",' in value or "'," in value):
            # ``["user,password", "ada,x"]``: a file's lines as a list (``readlines()``,
            # a JSON attachment), read as lines first (before the pair rules read them as items).
            self._nested += 1
            try:
                value = read_listed_lines(value, self._text)
            finally:
                self._nested -= 1
        if named and ("=" in value or ":" in value or any(m in lower for m in _BARE_PREFIXES)):
            found, keyish = alias_sets(unjoined) if "=" in unjoined else (frozenset(), frozenset())
            if "," in value and "=" in value:
                value = hide_unpacked(value, self._hide_unpacked)
            value = rx.quoted.sub(self._replace_quoted, value)
            value = rx.bare.sub(self._replace_bare, value)
            value = rx.inline.sub(self._replace_inline, value)
            value = _CONTAINER.sub(self._replace_container, value)
            if found:
                value = self._aliased(value, found)
            if keyish:
                value = self._aliased(value, keyish, random_only=True)
        if (
            ("(" in value or "[" in value)
            and ('"' in value or "'" in value)
            and (named or _CALL_WORD.search(lower) is not None)
        ):
            value = CALL_ARGUMENTS.sub(self._replace_call, value)
            if named and "," in value:
                value = _PAIRED.sub(self._replace_paired, value)
        if named:
            value = self._loose(value, named)
        if named and ("columns" in value or "dtype=[" in value):
            value = self._positional_rows(value)
        if named and ("\n" in value or len(value) <= 2000):
            # One line too: ``| password | x |``, ``password,x``.
            value = self._tables(value)
        if named and "kind" in lower and "secret" in lower:
            value = hide_secret_manifests(value, self._hide_cell)
        if named and "└" in value:
            value = hide_annotated_values(value, self._hide_cell, self._hide_random_cell)
        if named and ("<tr" in lower or "<th" in lower):
            value = hide_html_tables(value, self._hide_cell, self._hide_random_cell)
        if named and "\\n" in value and not self._nested:
            # A frame, a YAML block or a CSV in one string of a JSON text or a repr: its
            # lines, read as lines (one level: not inside such a string again).
            self._nested += 1
            try:
                value = read_escaped_lines(value, self._text)
            finally:
                self._nested -= 1
        if "\\/" in value and not self._nested:
            # A JSON writer's escaped slashes (PHP's, Java's): a URL's ``://`` unread.
            self._nested += 1
            try:
                value = read_escaped_lines(value, self._text, "\\/")
            finally:
                self._nested -= 1
        if rules.PLACEHOLDER_OPEN in value:
            value = self._continued(value)
            value = _ELIDED_TAIL.sub(self._elided_tail, value)
            # A value the name rules hid may go on, wrapped, on the next line: the late
            # rules (late_rules.py) again.
            # Each on a text with its trigger only, as at first (an id hidden by a name
            # rule is no cloud key's id: ``api_key="«…»", model="accounts/…"``).
            late_lower = value.lower()
            for rule in rx.late:
                if (rule.prefilter is None or rule.prefilter.search(value) is not None) and (
                    rule.trigger_rx is None or rule.trigger_rx.search(late_lower) is not None
                ):
                    value = rule.pattern.sub(functools.partial(self._replace_rule, rule), value)
        if not self._nested and len(value) >= 16:
            # ``CONFIG_B64 = "eyJ1…"``: a config base64-encoded, read as its text.
            self._nested += 1
            try:
                value, _runs = hide_encoded(value, self._text)
            finally:
                self._nested -= 1
        for pattern in rx.extra:
            value = pattern.sub(functools.partial(self._replace_group, "custom pattern", 0), value)
        return value

    def _joined(self, value: str) -> str:
        """``value`` with a key split across literals hidden whole (joined.py)."""
        before = self.count
        self._nested += 1
        try:
            value, hidden = hide_joined(value, self._text)
        finally:
            self._nested -= 1
        self.count = before + hidden
        return value

    def known_values(self, value: str) -> str:
        """``value`` with only the values the kernel holds under a secret name hidden
        (``known``, plain or escaped); the rules are not run."""
        if not self.enabled or len(value) < MIN_SECRET_TEXT:
            return value
        if self._known_escaped and "\\" in value:
            for head, forms in self._known_escaped:
                if head not in value:
                    continue
                for form in forms:
                    if form in value:
                        self.count += value.count(form)
                        value = value.replace(form, marker("held under a secret name"))
        for secret in self._known:
            if secret in value:
                self.count += value.count(secret)
                value = value.replace(secret, marker("held under a secret name"))
        if self._known_cores is not None:
            value = self._known_cores.sub(self._replace_known_core, value)
        return value

    def _elided_tail(self, match: re.Match[str]) -> str:
        """A hidden head's shortened tail (``«…»...tail``), hidden with it: one secret."""
        if rules.PLACEHOLDER_OPEN in match.group(0)[len(match.group(1)) :]:
            self.count -= 1  # the tail was counted as a secret of its own
        return match.group(1)

    def _replace_known_core(self, match: re.Match[str]) -> str:
        self.count += 1
        return marker("held under a secret name")

    def _replace_prefix(self, match: re.Match[str]) -> str:
        self.count += 1
        return marker("configured key")

    def _replace_rule(self, rule: ValueRule, match: re.Match[str]) -> str:
        secret = match.group(rule.group)
        if secret and (
            (rule.min_distinct and len(set(secret)) < rule.min_distinct)
            or (rule.random and not _looks_generated(secret))
            or (rule.password and not looks_like_password(secret))
            or (rule.user_password and not looks_like_user_password(secret))
            or (rule.pair_password and not looks_like_pair_password(secret))
            or (rule.secret_name and not is_secret_name(match.group(0).split('"', 2)[1]))
            or PLACEHOLDER_VALUE.match(secret)
            or _TEMPLATE_VALUE.match(secret)
            or (
                rule.random
                and _is_digest(
                    secret, match.string[max(0, match.start() - 24) : match.start(rule.group)]
                )
            )
            or (
                # ``(vault id wlxg…)``, ``"requestId": "…"``: an id named right before it.
                (rule.random or rule.password)
                and after_id_name(
                    match.string[max(0, match.start(rule.group) - 80) : match.start(rule.group)]
                )
            )
        ):
            return match.group(0)
        return self._replace_group(rule.kind, rule.group, match)

    def _heredocs(self, rule: ValueRule, value: str) -> str:
        """The bodies of the heredocs whose heads ``rule`` finds, hidden."""
        pieces: list[str] = []
        done = 0
        for start, end in heredoc_bodies(rule.pattern, value):
            body = value[start:end]
            if not body or is_placeholder(body) or PLACEHOLDER_VALUE.match(body):
                continue
            self.count += 1
            pieces += [value[done:start], marker(rule.kind)]
            done = end
        return "".join([*pieces, value[done:]]) if pieces else value

    def _replace_group(self, kind: str, group: int, match: re.Match[str]) -> str:
        secret = match.group(group)
        if not secret or is_placeholder(secret):
            return match.group(0)
        self.count += 1
        whole = match.group(0)
        start = match.start(group) - match.start(0)
        return whole[:start] + marker(kind) + whole[start + len(secret) :]

    def _replace_quoted(self, match: re.Match[str]) -> str:
        name, sep, quote, secret = match.group(1, 2, 3, 4)
        if rules.PLACEHOLDER_OPEN in secret and shows_rest_of_key(name.rsplit(".", 1)[-1], secret):
            # ``api_key = "«…»:a91d…"``: a rule hid a part; the rest is the same key's.
            self.count += 1 - secret.count(rules.PLACEHOLDER_OPEN)
            return f"{name}{sep}{quote}{marker('key shown in part')}{quote}"
        if rules.PLACEHOLDER_OPEN in secret or _ITEM_GLUE.match(secret):
            # ``["API_KEY=", "x"]``: the glue between a list's items is no value (the
            # item after a name is its value: the pair rule hides it).
            return match.group(0)
        if not is_secret_pair(name.rsplit(".", 1)[-1], secret):
            # ``KeyError: "{'password': 'x'}"``: quotes inside the value were read as
            # part of it; its own assignments are looked at once more (twice at most).
            if self._nested < 2 and ("'" in secret or '"' in secret) and len(secret) > 6:
                self._nested += 1
                # ``"source": "pw = \\"x\\""`` (a notebook's JSON text): read with its
                # quotes unescaped, then escaped again (the value held no bare one).
                escaped = len(quote) == 1 and "\\" + quote in secret
                try:
                    inner = self.text(secret.replace("\\" + quote, quote) if escaped else secret)
                finally:
                    self._nested -= 1
                if escaped:
                    inner = inner.replace(quote, "\\" + quote)
                if inner != secret:
                    return f"{name}{sep}{quote}{inner}{quote}"
            return match.group(0)
        if "=" in sep and after_unpacking_names(match.string, match.start()):
            return match.group(0)  # ``user, password = "ada", "x"``: hide_unpacked's
        if (
            "(" in sep
            and USER_FIRST.search(normalize_name(name.rsplit(".", 1)[-1]))
            and match.string[match.end() : match.end() + 8].lstrip()[:1] == ","
        ):
            return match.group(0)  # ``auth = ("ada", pw)``: the user of a pair
        if match.string.startswith(".join(", match.end()):
            return match.group(0)  # ``token_str = " ".join(words)``: a separator
        if "\n" in sep and "=" not in sep and sep[:1] not in ("'", '"'):
            # ``class Token:`` then a docstring: only ``"key":`` and ``name =`` go on.
            return match.group(0)
        if (
            PLACEHOLDER_VALUE.match(secret)
            or _TEMPLATE_VALUE.match(secret)
            or (_FSTRING_PREFIX.search(sep) and fstring_keeps(secret))
        ):
            return match.group(0)
        self.count += 1
        return f"{name}{sep}{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

    def _hide_unpacked(self, secret: str) -> str:
        self.count += 1
        return marker(f"str, {len(secret):,} chars")

    def _replace_bare(self, match: re.Match[str]) -> str:
        prefix, name, sep, secret = match.group(1, 2, 3, 4)
        if rules.PLACEHOLDER_OPEN in secret or not is_secret_pair(name, secret):
            return match.group(0)
        magic = prefix.strip() != ""
        if not sep.strip() and not magic:
            # "name value" is only an assignment after %env / export / set.
            return match.group(0)
        if keeps_unquoted(secret, magic or name.isupper(), name, sep):
            # ``token = make_token()`` is code, not a value: keep it readable.
            return match.group(0)
        if ":" in sep and "=" not in sep and _type_name(secret) and annotates(match):
            return match.group(0)  # ``    token: TokenType`` in a class's body: a type
        self.count += 1
        return f"{prefix}{name}{sep}{marker(f'str, {len(secret):,} chars')}"

    def _replace_inline(self, match: re.Match[str]) -> str:
        name, sep, secret = match.group(1, 2, 3)
        if not is_secret_pair(name.rsplit(".", 1)[-1], secret) or _LABEL_NAME.search(name):
            return match.group(0)
        follows = match.string[match.end() : match.end() + 1]
        if follows in ("(", "[", ".") or (follows in ("'", '"') and _STRING_PREFIX.match(secret)):
            # ``token = b64encode(x)``, ``auth=token["a"]``: code; ``f"..."``: a prefix
            return match.group(0)
        if (
            "=" in sep
            and CREDENTIAL_VALUE.match(secret) is None
            and _JOINED_NEXT.match(match.string, match.end())
        ):
            # ``api_key = head + tail``: an expression, code; not ``password: Secr3t +
            # the 2FA code`` nor ``PASSWORD=Wq8zRt5L +x`` (no variable is named so).
            return match.group(0)
        if "=" not in sep and _type_name(secret) and annotates(match):
            return match.group(0)  # ``cookie: Cookie,``, ``auth: AuthTypes | None``: a type
        if keeps_unquoted(secret, name.isupper(), name, sep):
            return match.group(0)
        if "(" in sep and CREDENTIAL_VALUE.match(secret) is None:
            return match.group(0)  # ``token (str): Token to use``: a docstring
        if not is_secret_name(name.rsplit(".", 1)[-1]) and _is_digest(
            secret, match.string[max(0, match.start() - 40) : match.start(3)]
        ):
            return match.group(0)  # ``sha256 checksum key: e3b0…``: a key-ish name, a digest
        if PROSE_VALUE.match(secret) and _MORE_WORDS.match(match.string, match.end()):
            return match.group(0)  # ``Password: must have 12 characters``
        if (
            ":" in sep
            and "=" not in sep
            and _PROSE_WORD.match(secret)
            and _WORD_SECRET_NAME.search(normalize_name(name.rsplit(".", 1)[-1])) is None
            and _MORE_WORDS.match(match.string, match.end())
        ):
            return match.group(0)  # ``refresh token: valid for 30 days``: a sentence
        if (
            "=" not in sep
            and _YAML_TAG.match(secret)
            and _YAML_TAG_REFERENCE.match(match.string, match.end())
        ):
            return match.group(0)  # ``api_key: !secret openai_key``: where the secret is kept
        self.count += 1
        return f"{name}{sep}{marker(f'str, {len(secret):,} chars')}"
