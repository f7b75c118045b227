"""Secrets in brackets and strings: the literals of a list, tuple, set or dict under a
secret's name (``auth = ("ada", "pw")``, ``password = ["a", "b"]``), the bracket after a
literal naming a secret (``"password", ("ada", "pw")``), literals a secret-named variable
is built from (``api_key = a + b``), and literals glued to a hidden one. The part of
:class:`.redact.Redactor` that reads containers, kept apart from the one that reads
assignments; ``js/lab/src/redact.ts`` holds the TypeScript twin.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from . import rules
from .calls import names_a_secret
from .compiled_rules import CREDENTIAL_VALUE, STRING_LITERAL
from .lazy_patterns import lazy_compile
from .names import is_secret_name, marker, names_words, normalize_name
from .unpacking import after_unpacking_names, hide_unpacked
from .values import looks_random

_LABEL_NAME = lazy_compile(rules.LABEL_NAME)
_CONTINUED = lazy_compile(rules.CONTINUED_STRING)

# After a dict's key: its colon.
_KEY_FOLLOWS = lazy_compile(r"[ \t]*:")
# A mapping saying what type its field is: a JSON schema's (rules.SCHEMA_KEYWORDS).
_SCHEMA_TYPE = lazy_compile(r"(['\"])type\1[ \t]*:")
_SCHEMA_KEYWORDS = frozenset(rules.SCHEMA_KEYWORDS)
# ``"type": "string"``, ``"format": "date-time"``, ``"title": "Api Key"``: a keyword's
# words (letters, blanks and hyphens).
_SCHEMA_WORD_KEY = lazy_compile(r"(['\"])(?:type|format|title|description)\1[ \t]*:[ \t]*\Z")
_SUBSCRIPTED = lazy_compile(r"[A-Za-z0-9_)\]]")
_SCHEMA_WORD = lazy_compile(r"^[A-Za-z][A-Za-z -]{0,100}$")
# Tuples under these names are (user, password) pairs: ``auth = ("ada", "pw")``.
USER_FIRST = lazy_compile(r"(?:^|_)(?:auth|creds|credentials|login)$")
# A pair inside a container (``[("ada", "pw")]``: 1 opener, 2 content, 3 closer), or a
# string literal outside one (4 quote, 5 content).
# A bracket inside a literal is none of the pair's (``('ada', 'p(w9')``).
_INNER_PAIR = lazy_compile(
    r"([\[(])(" + rules.BRACKET_PIECE + r"{0,2000})([\])])"
    r"|(['\"])((?:(?!\4)[^\\\n]|\\.){0,2000})\4"
)
_FIRST_FIELD = lazy_compile(rules.FIRST_FIELD)


def _subscript(match: re.Match[str]) -> bool:
    """True for a literal that indexes a mapping (``os.environ['PASS']``, ``cfg["pw"]``):
    a key's name, not a value."""
    text, start = match.string, match.start()
    return (
        start >= 2
        and text[start - 1] == "["
        and _SUBSCRIPTED.match(text[start - 2]) is not None
        and text.startswith("]", match.end())
    )


def _user_and_rest(body: str) -> tuple[str, str]:
    """A pair's body split after its first field's comma (outside its literals: a user
    ``'ada,l'`` is one field), or ("", body) when it has none."""
    head = _FIRST_FIELD.match(body)
    return (head.group(0), body[head.end() :]) if head else ("", body)


class ContainerRedaction:
    """Hides the literals of containers and pieces under a secret's name (counted)."""

    count: int

    def _replace_container(self, match: re.Match[str]) -> str:
        name, sep, bracket, body = match.group(1, 2, 3, 4)
        last = name.rsplit(".", 1)[-1]
        if not is_secret_name(last) or _LABEL_NAME.search(name):
            return match.group(0)
        user_first = USER_FIRST.search(normalize_name(last)) is not None
        code = STRING_LITERAL.sub("", body) if user_first else ""  # brackets outside its literals
        if bracket != "(" and user_first and ("(" in code or "[" in code):
            # ``auth = [("ada", pw)]``, ``{"creds": [["ada", "pw"], ...]}``: pairs in a
            # list; each pair's user stays, any other literal hides.
            return f"{name}{sep}{bracket}{_INNER_PAIR.sub(self._replace_inner_pair, body)}"
        if bracket == "(" and USER_FIRST.search(normalize_name(last)) and "," in body:
            # ``auth = ("ada", pw)``: requests' (user, password) pair; the user stays.
            head, rest = _user_and_rest(body)
            return f"{name}{sep}{bracket}{head}{STRING_LITERAL.sub(self._replace_literal, rest)}"
        # ``{"token": ["the", "of"]}``: a text's words; only a credential-shaped one hides.
        replace = self._replace_word if names_words(last) else self._replace_literal
        if bracket == "{" and _SCHEMA_TYPE.search(body) is not None:
            # ``"password": {"type": "string", "minLength": 12}``: a JSON schema's field;
            # its keywords and a type's name stay, any other literal (a default) hides.
            return f"{name}{sep}{bracket}{STRING_LITERAL.sub(self._schema_literal, body)}"
        if bracket == "{" and user_first:
            # ``{'credentials': {'user': 'ada', 'password': 'x'}}``: a record's keys name
            # its values (or its users); only a credential-shaped key hides. Not under
            # other names: ``passwords = {'hunter2': 'ada'}``'s keys are the secrets.
            keyed = functools.partial(self._keyed, replace)
            return f"{name}{sep}{bracket}{STRING_LITERAL.sub(keyed, body)}"
        return f"{name}{sep}{bracket}{STRING_LITERAL.sub(replace, body)}"

    def _keyed(self, replace: Callable[[re.Match[str]], str], match: re.Match[str]) -> str:
        if (
            _KEY_FOLLOWS.match(match.string, match.end())
            and CREDENTIAL_VALUE.match(match.group(2)) is None
        ):
            return match.group(0)
        return replace(match)

    def _schema_literal(self, match: re.Match[str]) -> str:
        if _KEY_FOLLOWS.match(match.string, match.end()):
            keep = match.group(2) in _SCHEMA_KEYWORDS
        else:
            before = match.string[max(0, match.start() - 40) : match.start()]
            keep = (
                _SCHEMA_WORD_KEY.search(before) is not None
                and _SCHEMA_WORD.match(match.group(2)) is not None
            )
        return match.group(0) if keep else self._replace_literal(match)

    def _replace_inner_pair(self, match: re.Match[str]) -> str:
        if match.group(4):
            return STRING_LITERAL.sub(self._replace_literal, match.group(0))
        opener, body, closer = match.group(1, 2, 3)
        head, rest = _user_and_rest(body)
        return f"{opener}{head}{STRING_LITERAL.sub(self._replace_literal, rest)}{closer}"

    def _replace_word(self, match: re.Match[str]) -> str:
        if CREDENTIAL_VALUE.match(match.group(2)) is None:
            return match.group(0)
        return self._replace_literal(match)

    def _replace_literal(self, match: re.Match[str]) -> str:
        quote, secret = match.group(1, 2)
        if not secret or rules.PLACEHOLDER_OPEN in secret or _subscript(match):
            return match.group(0)
        self.count += 1
        return f"{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

    def _replace_paired(self, match: re.Match[str]) -> str:
        # ``"password", ("ada", "pw")``: the bracket after a literal naming a secret.
        quote, name, comma, bracket, body = match.group(1, 2, 3, 4, 5)
        if not names_a_secret(name):
            return match.group(0)
        body = STRING_LITERAL.sub(self._replace_literal, body)
        return f"{quote}{name}{quote}{comma}{bracket}{body}"

    def _aliased(self, text: str, names: frozenset[str], random_only: bool = False) -> str:
        """String literals assigned to the variables a secret-named one is set from
        (``random_only``: a key-ish one's, random-looking literals only)."""
        alternatives = "|".join(re.escape(n) for n in sorted(names)[:50])
        pattern = re.compile(
            rf"(?<![A-Za-z0-9_.])((?:{alternatives})[ \t]*(?::=|=)[ \t]*[rbuRBUfF]{{0,2}})"
            r"(['\"])((?:(?!\2)[^\n\\]|\\.){1,2000})\2"
        )

        def replace(match: re.Match[str]) -> str:
            head, quote, secret = match.group(1, 2, 3)
            # ``a, b = "ada", "pw"``: ``b``'s literal is the second, hidden below.
            if (
                rules.PLACEHOLDER_OPEN in secret
                or after_unpacking_names(text, match.start(1))
                or (random_only and not looks_random(secret))
            ):
                return match.group(0)
            self.count += 1
            return f"{head}{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

        text = pattern.sub(replace, text)
        if random_only:
            return text
        # ``a, b = "ada", "pw"``: one of the names last before ``=``.
        if "," in text and re.search(rf",[ \t]*(?:{alternatives})[ \t]*[)\]]?[ \t]*=", text):

            def hide(secret: str) -> str:
                self.count += 1
                return marker(f"str, {len(secret):,} chars")

            text = hide_unpacked(text, hide, names)
        # ``parts = ["sk-", "x"]`` before ``api_key = "".join(parts)``: every literal.
        listed = re.compile(
            rf"(?<![A-Za-z0-9_.])((?:{alternatives})[ \t]*(?::=|=)[ \t]*[\[(])"
            r"([^\[\]()\n]{1,2000})(?=[\])])"
        )
        return listed.sub(
            lambda m: m.group(1) + STRING_LITERAL.sub(self._replace_literal, m.group(2)), text
        )

    def _continued(self, text: str) -> str:
        # Each pass hides one more literal of a chain: bounded by the chain's length.
        for _ in range(50):
            clean = _CONTINUED.sub(self._replace_continued, text)
            if clean == text:
                return text
            text = clean
        return text

    def _replace_continued(self, match: re.Match[str]) -> str:
        head, glue, quote, secret = match.group(1, 2, 3, 4)
        self.count += 1
        return f"{head}{glue}{quote}{marker(f'str, {len(secret):,} chars')}"
