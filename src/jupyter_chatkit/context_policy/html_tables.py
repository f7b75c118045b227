"""HTML tables (``DataFrame.to_html``, a notebook's rich output read as text) whose header
names a secret column, and key/value rows (``<th>password</th><td>x</td>``). Part of
:class:`.redact.Redactor`; ``htmlTables`` in js/lab/src/redacttables.ts is the TypeScript
twin."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import rules
from .lazy_patterns import lazy_compile
from .names import is_secret_name
from .names import names_words as _is_vocab
from .tables import apply_edits
from .values import is_keyish_name

_HTML_TOKEN = lazy_compile(rules.HTML_TOKEN)


def hide_html_tables(
    text: str, hide: Callable[[str, bool], str], hide_random: Callable[[str], str]
) -> str:
    """``text`` with the cells of secret-named columns passed to ``hide`` (with True under
    a column of a text's words, ``token``) and those of key-ish columns (``Key``, ``salt``)
    to ``hide_random``: the redactor's, which count and leave a placeholder."""
    rows: list[list[re.Match[str]]] = []
    row: list[re.Match[str]] = []
    inside = False  # within <tr> … </tr>: a newline does not end the row
    for token in _HTML_TOKEN.finditer(text):
        if token.group(3) is not None:
            row.append(token)
            continue
        tag = token.group(2)
        if tag is None and inside:
            continue  # a newline inside <tr>
        if row:
            rows.append(row)
            row = []
        if tag == "tr":
            inside = not token.group(1)
        elif tag is not None:
            inside = False
            if tag == "table" and token.group(1):
                rows.append([])  # a table's header applies to its own rows only
    if row:
        rows.append(row)
    edits: list[tuple[int, int, str]] = []
    secret: set[int] = set()
    words: set[int] = set()  # columns named ``token``: a text's words
    keyish: set[int] = set()  # columns named ``Key``, ``salt``: random cells only
    for cells in rows:
        if not cells:
            secret, keyish = set(), set()
            continue
        names = [c.group(4).strip() for c in cells]
        if all(c.group(3).startswith("<th") for c in cells):
            named = {k for k, n in enumerate(names) if n and is_secret_name(n)}
            loose = {k for k, n in enumerate(names) if n and k not in named and is_keyish_name(n)}
            if named or loose:
                secret, keyish = named, loose
                words = {k for k in secret if _is_vocab(names[k])}
                continue
        for k, cell in enumerate(cells):
            if k in keyish and names[k]:
                new = hide_random(cell.group(4))
                if new != cell.group(4):
                    edits.append((cell.start(4), cell.end(4), new))
        columns = set(secret)
        filled = [k for k, n in enumerate(names) if n]
        pair = len(filled) == 2 and is_secret_name(names[filled[0]])
        if pair:
            columns.add(filled[1])  # <th>password</th><td>x</td>
        for k in columns:
            if k < len(cells) and names[k]:
                cell = cells[k]
                vocab = k in words or (pair and k == filled[1] and _is_vocab(names[filled[0]]))
                new = hide(cell.group(4), vocab)
                if new != cell.group(4):
                    edits.append((cell.start(4), cell.end(4), new))
    return apply_edits(text, edits)
