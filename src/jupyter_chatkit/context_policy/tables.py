"""Tables printed as text, where a header names a secret column: CSV/TSV, Markdown,
polars boxes, pandas' aligned repr and Series, key/value rows and YAML blocks under a
secret-named key (HTML tables: html_tables.py). A mixin of :class:`.redact.Redactor` (it
counts what it hides in ``count``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import rules
from .compiled_rules import (
    CALL_ARGUMENT,
    CREDENTIAL_VALUE,
    KEEP_VALUE,
    NAME_TRIGGERS,
    PLACEHOLDER_VALUE,
)
from .lazy_patterns import lazy_compile
from .names import is_secret_name, marker
from .names import names_words as _is_vocab
from .values import is_keyish_name, looks_random

# Every shape a line starts (a key/value row, a header, a YAML key, a Series footer) has
# a secret name on that line. ``gh-pat`` is one too (it normalises to ``gh_pat``): no "_".
_LINE_TRIGGER = lazy_compile("|".join(sorted({re.escape(t.lstrip("_")) for t in NAME_TRIGGERS})))
_DELIMITERS = tuple(lazy_compile(f"({d})") for d in rules.TABLE_DELIMITERS)
# A line holding none of them is no delimited row: one scan instead of a split by each.
_ANY_DELIMITER = lazy_compile("|".join(rules.TABLE_DELIMITERS))
_HEADER_FIELD = lazy_compile(rules.TABLE_HEADER_FIELD)
_RULE_ROW = lazy_compile(rules.TABLE_RULE_ROW)
_SERIES_FOOTER = lazy_compile(rules.SERIES_FOOTER)
_ALIGNED_TOKEN = lazy_compile(r"\S+")
_SENTENCE_RUN = lazy_compile(r"\S \S+ \S")
_PLACEHOLDER = lazy_compile(re.escape(rules.PLACEHOLDER_OPEN) + r"[^\n»]{0,200}»")
# A cell of 3+ words led by a prose word (``but it is not set yet``): a sentence's clause.
_PROSE_ROW = lazy_compile(rules.PROSE_ROW, re.IGNORECASE)
# A YAML mapping key (``host: x``, ``"a b":``), not a plain scalar's text.
_YAML_KEY = lazy_compile(
    r"^(?:['\"][^'\"\n]{0,100}['\"]|[^\s:'\"][^:\n]{0,100}?)[ \t]*:(?:[ \t]|$)"
)
_SPLIT_WIDE = lazy_compile(r"(\s{2,})")
_WHITESPACE = lazy_compile(r"\s")
_SPLIT_COLUMNS = lazy_compile(rules.SPLIT_COLUMNS)
_SPLIT_DATA = lazy_compile(rules.SPLIT_DATA)
_NEXT_ROW = lazy_compile(r"\s*(?:,\s*)?" + rules.LIST_ROW)
_STRUCTURED_DTYPE = lazy_compile(rules.STRUCTURED_DTYPE)
_DTYPE_NAME = lazy_compile(r"\([ \t]*['\"]([^'\"\n]{1,100})['\"]")
_TUPLE_ROW = lazy_compile(rules.TUPLE_ROW)
_YAML_BLOCK_KEY = lazy_compile(rules.YAML_BLOCK_KEY)
_BARE_ALIGNED_HEADER = lazy_compile(rules.BARE_ALIGNED_HEADER)
_CODE_STATEMENT = lazy_compile(rules.CODE_STATEMENT)
_ALIGNED_KEY_VALUE = lazy_compile(rules.ALIGNED_KEY_VALUE)
_ROW_NUMBER = lazy_compile(rules.ROW_NUMBER)
_SCHEMA_CELLS = lazy_compile(rules.SCHEMA_CELLS, re.IGNORECASE)
_INDEX_NAME_LINE = lazy_compile(rules.INDEX_NAME_LINE)
_LABELLED_ROW = lazy_compile(rules.LABELLED_ROW)
_PROSE_KEY = lazy_compile(rules.PROSE_KEY, re.IGNORECASE)
_POLARS_DTYPES = lazy_compile(
    r"^│(?:\s*(?:str|i8|i16|i32|i64|u8|u16|u32|u64|f32|f64|bool|date|datetime\[\S+\]|null"
    r"|cat|list\[\S+\]|struct\[\d+\]|binary|decimal\[\S+\]|object|time|duration\[\S+\])"
    r"\s*[│┆])+$"
)


# How an aligned column's cells are read: all hidden, hidden when shaped like a
# credential (a column of a text's words, ``token``), hidden when random-looking.
_SECRET, _WORDS, _KEYISH = 0, 1, 2


def _named_positions(body: str, named: Callable[[str], bool]) -> tuple[set[int], int]:
    """Positions of the literals of a list of names that ``named`` picks, and how many
    items."""
    positions: set[int] = set()
    position = 0
    for token in CALL_ARGUMENT.finditer(body):
        if token.group(0) == ",":
            position += 1
        elif token.group(1) and named(token.group(0)[1:-1]):
            positions.add(position)
    return positions, position + 1


def _secret_positions(body: str) -> tuple[set[int], int]:
    """Positions of the secret-named literals of a list of names, and how many items."""
    return _named_positions(body, is_secret_name)


def _vocab_positions(body: str) -> set[int]:
    """Positions of the literals naming a text's words (``token``) in a list of names."""
    return _named_positions(body, _is_vocab)[0]


def _hot_lines(text: str) -> list[int]:
    """Indices of the lines of ``text`` holding a name trigger, in order."""
    lower = text.lower()  # lowering keeps every "\n" where it was
    hot: list[int] = []
    line = 0
    done = 0
    found = _LINE_TRIGGER.search(lower)
    while found is not None:
        line += lower.count("\n", done, found.start())
        hot.append(line)
        done = lower.find("\n", found.end())
        if done < 0:
            break
        found = _LINE_TRIGGER.search(lower, done)
    return hot


# A CSV/TSV writer's delimiters (Markdown pads its cells as it likes).
_WRITERS = frozenset({"(,)", "(\t)", "(;)"})


def _padded(parts: list[str]) -> bool:
    """True when a blank stands beside a delimiter of a split row (``a, b``, ``| a |``)."""
    return any(
        parts[j - 1].endswith((" ", "\t")) or parts[j + 1].startswith((" ", "\t"))
        for j in range(1, len(parts), 2)
    )


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, new) span replaced (spans do not overlap)."""
    if not edits:
        return text
    pieces: list[str] = []
    done = 0
    for start, end, new in sorted(edits):
        pieces += [text[done:start], new]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _credential_pair(line: str) -> bool:
    """True for a two-field row whose second field is shaped like a credential."""
    for delimiter in _DELIMITERS:
        fields = [f for f in delimiter.split(line)[0::2] if f.strip()]
        if len(fields) == 2:
            return CREDENTIAL_VALUE.match(fields[1].strip().strip("'\"*`")) is not None
    return False


class TableRedaction:
    """Hides the cells of secret-named columns in tables printed as text."""

    count: int

    # -- tables in text ----------------------------------------------------------------

    def _positional_rows(self, text: str) -> str:
        """Values by position under names said elsewhere: ``to_json(orient="split")``
        and numpy structured arrays and records."""
        edits: list[tuple[int, int, str]] = []
        if "columns" in text:
            for columns in _SPLIT_COLUMNS.finditer(text):
                positions, count = _secret_positions(columns.group(1))
                data = _SPLIT_DATA.search(text) if positions else None
                if data is None:
                    continue
                vocab = _vocab_positions(columns.group(1))
                at = data.end() - 1  # at the "[" opening the rows
                found = _NEXT_ROW.match(text, at + 1)
                while found is not None:
                    edits += self._row_edits(
                        found.group(1), found.start(1), positions, count, vocab
                    )
                    found = _NEXT_ROW.match(text, found.end())
                break
        if "dtype=[" in text:
            start = 0
            for dtype in _STRUCTURED_DTYPE.finditer(text):
                names = _DTYPE_NAME.findall(dtype.group(1))
                positions = {k for k, n in enumerate(names) if is_secret_name(n)}
                vocab = {k for k, n in enumerate(names) if _is_vocab(n)}
                if positions:
                    for found in _TUPLE_ROW.finditer(text, start, dtype.start()):
                        edits += self._row_edits(
                            found.group(1), found.start(1), positions, len(names), vocab
                        )
                start = dtype.end()
        return apply_edits(text, edits)

    def _row_edits(
        self,
        body: str,
        offset: int,
        positions: set[int],
        count: int,
        vocab: set[int] | frozenset[int] = frozenset(),
    ) -> list[tuple[int, int, str]]:
        """Edits hiding a row's items at ``positions`` (under ``vocab`` positions, a
        text's words, only those shaped like a credential)."""
        tokens = list(CALL_ARGUMENT.finditer(body))
        if sum(1 for t in tokens if t.group(0) == ",") + 1 != count:
            return []
        edits = []
        position = 0
        for token in tokens:
            text = token.group(0)
            if text == ",":
                position += 1
            elif position in positions and text.strip():
                if token.group(1):
                    inner = text[1:-1]
                    if not inner or rules.PLACEHOLDER_OPEN in inner:
                        continue
                    if position in vocab and CREDENTIAL_VALUE.match(inner) is None:
                        continue
                    self.count += 1
                    new = f"{text[0]}{marker(f'str, {len(inner):,} chars')}{text[0]}"
                else:
                    new = self._hide_cell(text, position in vocab)
                if new != text:
                    edits.append((offset + token.start(), offset + token.end(), new))
        return edits

    def _aligned_key_value(self, line: str) -> str | None:
        """``api_token    x  y`` (a Series, a transposed frame): the values after a name."""
        if len(line) > 2000 or "  " not in line:
            return None
        number = _ROW_NUMBER.match(line)
        head = number.group(0) if number else ""
        found = _ALIGNED_KEY_VALUE.match(line[len(head) :])
        if found is None or _SCHEMA_CELLS.match(found.group(3)) is not None:
            return None  # ``password  1000 non-null  object``: a schema's row (df.info())
        # Under a key-ish name (``tok    str    x``, a ``%whos`` row): random values only.
        secret = is_secret_name(found.group(1))
        if not secret and not is_keyish_name(found.group(1)):
            return None
        parts = _SPLIT_WIDE.split(found.group(3))
        vocab = _is_vocab(found.group(1))
        parts[0::2] = [
            self._hide_cell(v, vocab) if secret else self._hide_random_cell(v) for v in parts[0::2]
        ]
        row = head + found.group(1) + found.group(2) + "".join(parts)
        return row if row != line else None

    def _key_value_row(self, line: str) -> str | None:
        """``password,x`` / ``| password | x |``: a two-field row naming a secret."""
        if len(line) > 2000 or _ANY_DELIMITER.search(line) is None:
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            filled = [k for k, f in enumerate(fields) if f.strip()]
            if len(filled) == 3 and fields[filled[0]].strip().isdigit():
                filled = filled[1:]  # ``|  1 | password | x |``: a frame's row number
            if len(filled) != 2:
                continue
            name = fields[filled[0]].strip().strip("'\"*`")
            value = fields[filled[1]].strip().strip("'\"*`")
            if not _HEADER_FIELD.match(name) or not is_secret_name(name) or is_secret_name(value):
                return None
            if name.count(" ") > 2 or _PROSE_ROW.match(value) or _PROSE_KEY.match(name):
                # ``The API token must be 40 characters; yours has 12``, ``For the
                # password, use getpass``: a sentence.
                return None
            k = 2 * filled[1]
            hidden = self._hide_cell(parts[k], _is_vocab(name))
            if hidden == parts[k]:
                return None
            parts[k] = hidden
            return "".join(parts)
        return None

    def _tables(self, text: str) -> str:
        """Cells of secret-named columns hidden in CSV/TSV/Markdown/polars/pandas text."""
        lines = text.split("\n")
        changed = False
        i = 0
        # Only lines holding a trigger are tried (the rows below a header are read from
        # it): each line's tries cost ~10 us, and a million blank lines took 14 s.
        hot = _hot_lines(text)
        k = 0
        while k < len(hot):
            if hot[k] < i:
                k += 1
                continue
            i = hot[k]
            line = lines[i]
            block = _YAML_BLOCK_KEY.match(line) if ":" in line else None
            if block and is_secret_name(block.group(2)):
                i, hid = self._yaml_block(lines, i + 1, len(block.group(1)), bool(block.group(3)))
                changed |= hid
                continue
            footer = _SERIES_FOOTER.match(line)
            if footer and is_secret_name(footer.group(1).strip()):
                changed |= self._series_values(lines, i)
                i += 1
                continue
            index = _INDEX_NAME_LINE.match(line)
            if index and is_secret_name(index.group(1)):
                vocab = _is_vocab(index.group(1))
                i, hid = self._index_labels(lines, i + 1, vocab)
                changed |= hid
                continue
            header = None
            pair = self._key_value_row(line)
            if pair is not None:
                # ``password,count`` over ``hunter2x,3`` (a secret column first): the row
                # is read both ways, a pair and the header of the rows below it; not when
                # its value is shaped like a credential (``password,hunter2x`` over
                # ``user,ada``: one pair a line), as no column is named so.
                if not _credential_pair(line):
                    header = self._delimited_header(line)
            else:
                pair = self._aligned_key_value(line)
            if pair is not None:
                lines[i] = pair
                changed = True
                if header is None:
                    i += 1
                    continue
            found = header or self._delimited_header(line) or self._aligned_header(line)
            if found is None:
                i += 1
                continue
            i += 1
            while i < len(lines) and lines[i].strip():
                row = found(lines[i])
                if row is None:
                    break
                if row != lines[i]:
                    lines[i] = row
                    changed = True
                i += 1
        return "\n".join(lines) if changed else text

    def _yaml_block(self, lines: list[str], i: int, indent: int, scalar: bool) -> tuple[int, bool]:
        """The value lines under ``password: |`` (all) or ``tokens:`` (``- item`` lines, or
        a plain scalar on the lines below), more indented than the key; returns where the
        block ends and if it hid any."""
        changed = False
        start = i
        while i < len(lines):
            line = lines[i]
            body = line.lstrip(" \t")
            if not body:
                i += 1
                continue
            if len(line) - len(body) <= indent and not (body.startswith("- ") and not scalar):
                break
            if scalar:
                hidden = self._hide_cell(line)
            elif body.startswith("- "):
                head = line[: len(line) - len(body) + 2]
                hidden = head + self._hide_cell(body[2:])
            elif _YAML_KEY.match(body) is None and i == start:
                # ``password:`` then the value on the next line, more indented: a plain
                # scalar (YAML folds it into the key's value).
                hidden = self._hide_cell(line)
                scalar = True
            else:
                break  # a nested mapping: its own keys say what they hold
            if hidden != line:
                lines[i] = hidden
                changed = True
            i += 1
        return i, changed

    def _hide_cell(self, cell: str, vocab: bool = False) -> str:
        """``cell`` hidden; under a column of a text's words (``vocab``) only a value
        shaped like a credential."""
        # Markdown's inline code (`` `sk-...` ``) quotes a cell as quotes do.
        inner = cell.strip().strip("'\"`")
        if not inner or _RULE_ROW.match(inner) or rules.PLACEHOLDER_OPEN in inner:
            return cell
        if KEEP_VALUE.match(inner.lower()) or (vocab and CREDENTIAL_VALUE.match(inner) is None):
            return cell
        if PLACEHOLDER_VALUE.match(inner.split(None, 1)[0].strip("'\"`")) is not None:
            # A mask leading the cell (``aws configure list``'s ``****************WXYZ
            # shared-credentials-file``, a docs table's `` `sk-...` (placeholder)``): the
            # tool or the writer hid the key itself.
            return cell
        if _PROSE_ROW.match(inner.removeprefix("(")) is not None:
            # A sentence about the secret, as a key/value row's (``set via Vault``,
            # ``(stored in CI secrets)``).
            return cell
        self.count += 1
        lead = cell[: len(cell) - len(cell.lstrip())]
        trail = cell[len(cell.rstrip()) :]
        return f"{lead}{marker(f'str, {len(inner):,} chars')}{trail}"

    def _hide_random_cell(self, cell: str) -> str:
        """``cell`` under a key-ish column (``Key``, ``salt``): hidden when its text, out of
        its quotes (and a LaTeX row's ``\\\\``), looks random; ``id``, ``A1`` stay."""
        head, end = cell, ""
        if cell.rstrip().endswith("\\\\"):
            head, end = cell.rstrip()[:-2], cell[len(cell.rstrip()) - 2 :]
        if not looks_random(head.strip().strip("'\"`")):
            return cell
        return self._hide_cell(head) + end

    def _delimited_header(self, line: str) -> Any:
        if len(line) > 2000 or _ANY_DELIMITER.search(line) is None:
            return None
        if _CODE_STATEMENT.match(line) is not None:
            return None  # ``import wandb, tiktoken``: code, no header
        lower = line.lower()
        if not any(t in lower for t in NAME_TRIGGERS):
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            if len(fields) < 2:
                continue
            # A LaTeX row ends with ``\\``.
            names = [f.strip().rstrip("\\").strip().strip("'\"") for f in fields]
            if not all(not n or _HEADER_FIELD.match(n) for n in names):
                continue
            if not names[-1] and sum(1 for n in names if n) == 1:
                # `` "Session",``: one item a line of a list or tuple in code, no header
                # (a CSV writer ends no one-column row with its delimiter).
                continue
            secret = [k for k, n in enumerate(names) if n and is_secret_name(n)]
            # A key-ish column (``key``, ``signature``, ``salt``) holds a key only
            # sometimes: its random-looking cells are hidden, its words (``id``) stay.
            keyish = [k for k, n in enumerate(names) if n and k not in secret and is_keyish_name(n)]
            if not secret and not keyish:
                continue
            vocab = {k for k in secret if _is_vocab(names[k])}

            def row(
                text: str,
                delimiter: re.Pattern[str] = delimiter,
                count: int = len(fields),
                secret: list[int] = secret,
                keyish: list[int] = keyish,
                vocab: set[int] = vocab,
                tight: bool = delimiter.pattern in _WRITERS and not _padded(parts),
            ) -> str | None:
                parts = delimiter.split(text)
                if len(parts[0::2]) != count:
                    # A rule row (``╞═══╡``) has no delimiter; anything else ends the table.
                    return text if _RULE_ROW.match(text) else None
                if tight and _padded(parts):
                    # ``name,key`` then ``Wrote 2 rows, 9a8b…``: a CSV writer pads no cell
                    # the header does not; a sentence's ", " is no row of this table.
                    return None
                if _POLARS_DTYPES.match(text):
                    return text  # polars' dtype row under its ``---`` row
                pair = None if secret else self._key_value_row(text)
                if pair is not None:
                    return pair  # ``password,x`` under ``key,value``: a key/value table
                for k in secret:
                    parts[2 * k] = self._hide_cell(parts[2 * k], k in vocab)
                for k in keyish:
                    parts[2 * k] = self._hide_random_cell(parts[2 * k])
                return "".join(parts)

            return row
        return None

    def _aligned_header(self, line: str) -> Any:
        # pandas' repr: columns right-aligned under names separated by 2+ spaces; a
        # column's cells end where its name ends and start after the previous one's end.
        if (
            not (line.startswith("  ") or _BARE_ALIGNED_HEADER.match(line))
            or len(line) > 2000
            or any(c in line for c in "=:()\"'<,")
            or _CODE_STATEMENT.match(line) is not None
        ):
            return None  # ``,``: code's arguments (``a.user, a.token``), no frame's header
        lower = line.lower()
        if not any(t in lower for t in NAME_TRIGGERS):
            return None
        tokens = list(_ALIGNED_TOKEN.finditer(line))
        if len(tokens) == 1 and tokens[0].group(0) == "pass":
            return None  # Python's ``pass`` statement: the code below it is no column
        if len(tokens) == 2 and _SCHEMA_CELLS.match(tokens[1].group(0)) is not None:
            return None  # ``password    object``: a column and its type (``df.dtypes``)
        # A sentence (3 words one blank apart: a frame's names stand 2+ apart), a comment.
        if line.rstrip()[-1:] in ";." or line.lstrip()[:1] == "#" or _SENTENCE_RUN.search(line):
            return None
        # Each column: where its cells may start and end, and how they are read (a
        # secret's, a text's words', or a key-ish name's: random-looking cells only).
        spans: list[tuple[int, int, int]] = []
        for k, token in enumerate(tokens):
            name = token.group(0)
            if is_secret_name(name):
                mode = _WORDS if _is_vocab(name) else _SECRET
            elif is_keyish_name(name):
                mode = _KEYISH
            else:
                continue
            spans.append((tokens[k - 1].end() if k else 0, token.end(), mode))
        if not spans:
            return None

        width = len(line)
        # ``key  value`` (no secret column): a row may name a secret in its first cell.
        pairs = all(mode == _KEYISH for _, _, mode in spans)

        def row(text: str) -> str | None:
            # pandas pads every row to the header's width: a row far wider is not one of
            # this table's (and scanning it once per column would be quadratic).
            if len(text) > 2 * width + 200:
                return None
            pair = self._aligned_key_value(text) if pairs else None
            if pair is not None:
                return pair  # ``1  password  x`` under ``key  value``
            # Right to left, each scan stops where the cell to its right began, so the row
            # is read once and built once.
            cells: list[tuple[int, int, int]] = []
            stop = len(text)
            for start, end, mode in reversed(spans):
                end = min(end, stop)
                gap = _WHITESPACE.search(text, end, stop)
                end = gap.start() if gap else stop  # a cell wider than its name
                # The cell runs left from its end to two spaces (the column gap) or to
                # the previous column's end; for the first column that may be the index.
                begin = end
                while begin > start and not (
                    text[begin - 1] == " " and text[begin - 2 : begin] == "  "
                ):
                    begin -= 1
                cells.append((begin, end, mode))
                stop = begin
            pieces: list[str] = []
            done = 0
            # A cell a rule already hid holds blanks (``«redacted: password in text»``):
            # its width is no column's, and a piece of it is no value.
            hidden = [m.span() for m in _PLACEHOLDER.finditer(text)] if "«" in text else []
            for begin, end, mode in reversed(cells):
                cell = text[begin:end]
                pieces.append(text[done:begin])
                if not cell.strip() or any(a < end and begin < b for a, b in hidden):
                    pieces.append(cell)
                elif mode == _KEYISH:
                    pieces.append(self._hide_random_cell(cell))
                else:
                    pieces.append(self._hide_cell(cell, mode == _WORDS))
                done = end
            pieces.append(text[done:])
            return "".join(pieces)

        return row

    def _index_labels(self, lines: list[str], i: int, vocab: bool) -> tuple[int, bool]:
        """The row labels under an index named like a secret (``password`` alone on a
        line, then ``x    1``), hidden; returns where the rows end and if it hid any."""
        changed = False
        while i < len(lines):
            row = _LABELLED_ROW.match(lines[i])
            if row is None:
                break
            keep = vocab and CREDENTIAL_VALUE.match(row.group(1)) is None
            label = row.group(1) if keep else self._hide_cell(row.group(1))
            if label != row.group(1):
                lines[i] = label + row.group(2)
                changed = True
            i += 1
        return i, changed

    def _series_values(self, lines: list[str], footer: int) -> bool:
        changed = False
        j = footer - 1
        while j >= 0 and lines[j].strip() and footer - j <= 1000:
            parts = _SPLIT_WIDE.split(lines[j].strip(), maxsplit=1)
            value = parts[2] if len(parts) == 3 else ""
            if value and value != "...":
                lines[j] = lines[j][: lines[j].rindex(value)] + self._hide_cell(value)
                changed = True
            j -= 1
        return changed
