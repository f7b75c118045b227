"""The expressions more than one module of the policy matches with, compiled once.

``rules.py`` holds the rules' sources (shared with TypeScript); a module that needs one of
these compiled imports it from here rather than compiling its own copy, so a flag (the
placeholder rule is case-blind) cannot differ between two modules' copies of one rule.
Each compiles at its first use (:func:`~.lazy_patterns.lazy_compile`); an expression used
by one module only stays in that module. Mirrors ``js/lab/src/redactcompiled.ts`` (where
KEEP_VALUE, PROSE_VALUE and PLACEHOLDER_VALUE are ``redactnames.ts``'s own).
"""

from __future__ import annotations

import re

from . import rules
from .lazy_patterns import lazy_compile

# A value shaped like a password or a key (long, mixed letters and digits or symbols).
CREDENTIAL_VALUE = lazy_compile(rules.CREDENTIAL_VALUE)
# ``<your-key>``, ``your_token_here``, ``xxx``: a stand-in, not a secret.
PLACEHOLDER_VALUE = lazy_compile(rules.PLACEHOLDER_VALUE, re.IGNORECASE)
# ``None``, ``true``, ``off``: a value that is never a secret.
KEEP_VALUE = lazy_compile(rules.KEEP_VALUE)
# Prose after a name (``password: required``): a description.
PROSE_VALUE = lazy_compile(rules.PROSE_VALUE, re.IGNORECASE)
# A lower-case identifier (a name, not a secret, when listed).
NAME_LIKE_VALUE = lazy_compile(rules.NAME_LIKE_VALUE)
# A record's field name (``"username"``, ``"host"``): a name, never a secret's value.
FIELD_NAME_VALUE = lazy_compile(rules.FIELD_NAME_VALUE)
# A quoted string literal, its quote in group 1 and its text in group 2.
STRING_LITERAL = lazy_compile(rules.STRING_LITERAL)
# A call and its arguments; one argument of a call's argument list.
CALL_ARGUMENTS = lazy_compile(rules.CALL_ARGUMENTS)
CALL_ARGUMENT = lazy_compile(rules.CALL_ARGUMENT)
# ``name=`` at an argument's start (a keyword argument, not ``==``).
KEYWORD_ARGUMENT = lazy_compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)")
# A capitalised identifier: a class (``Session``), not a secret.
CLASS_NAME = lazy_compile(r"^[A-Z][A-Za-z0-9_]*$")
# An identifier.
WORD = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A line that assigns (``x = …``, ``d["k"], y = …``), not one that compares.
ASSIGNMENT_LINE = lazy_compile(r"^\s*[A-Za-z_][A-Za-z0-9_.\[\]'\", ]*(?<![=!<>])=(?!=)")

# The words that make a name a secret's (``password``, ``_key``), as a tuple.
NAME_TRIGGERS = tuple(rules.NAME_TRIGGERS)
# Secret names that usually hold an object, not a secret (``session.get(url).text``):
# their output is described.
OBJECT_NAMES = frozenset({"session", "sess", "cookies", "cookie", "auth"})
