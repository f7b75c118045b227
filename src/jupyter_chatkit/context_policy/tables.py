"""Tables printed as text, where a header names a secret column: CSV/TSV, Markdown,
polars boxes, pandas' aligned repr and Series, HTML tables, key/value rows and YAML
blocks under a secret-named key. A mixin of :class:`.redact.Redactor` (it counts what it
hides in ``count``)."""

from __future__ import annotations

import re
from typing import Any

from . import rules
from .names import is_secret_name, marker

_KEEP_VALUE = re.compile(rules.KEEP_VALUE)
_NAME_TRIGGERS = tuple(rules.NAME_TRIGGERS)
_DELIMITERS = tuple(re.compile(f"({d})") for d in rules.TABLE_DELIMITERS)
_HEADER_FIELD = re.compile(rules.TABLE_HEADER_FIELD)
_RULE_ROW = re.compile(rules.TABLE_RULE_ROW)
_SERIES_FOOTER = re.compile(rules.SERIES_FOOTER)
_ALIGNED_TOKEN = re.compile(r"\S+")
_SPLIT_WIDE = re.compile(r"(\s{2,})")
_WHITESPACE = re.compile(r"\s")
_HTML_ROW = re.compile(rules.HTML_ROW)
_HTML_CELL = re.compile(rules.HTML_CELL)
_YAML_BLOCK_KEY = re.compile(rules.YAML_BLOCK_KEY)
_BARE_ALIGNED_HEADER = re.compile(rules.BARE_ALIGNED_HEADER)
_ALIGNED_KEY_VALUE = re.compile(rules.ALIGNED_KEY_VALUE)
_POLARS_DTYPES = re.compile(
    r"^│(?:\s*(?:str|i8|i16|i32|i64|u8|u16|u32|u64|f32|f64|bool|date|datetime\[\S+\]|null"
    r"|cat|list\[\S+\]|struct\[\d+\]|binary|decimal\[\S+\]|object|time|duration\[\S+\])"
    r"\s*[│┆])+$"
)


class TableRedaction:
    """Hides the cells of secret-named columns in tables printed as text."""

    count: int

    # -- tables in text ----------------------------------------------------------------

    def _html_tables(self, text: str) -> str:
        """Cells of secret-named columns (and key/value rows) of HTML tables hidden."""
        secret: set[int] = set()

        def row(match: re.Match[str]) -> str:
            nonlocal secret
            cells = list(_HTML_CELL.finditer(match.group(1)))
            names = [c.group(2).strip() for c in cells]
            heads = [c.group(1).startswith("<th") for c in cells]
            if names and all(heads) and any(n and is_secret_name(n) for n in names):
                secret = {k for k, n in enumerate(names) if n and is_secret_name(n)}
                return match.group(0)
            hide = set(secret)
            filled = [k for k, n in enumerate(names) if n]
            if len(filled) == 2 and is_secret_name(names[filled[0]]):
                hide.add(filled[1])  # <th>password</th><td>x</td>
            if not hide:
                return match.group(0)
            body = match.group(1)
            for k in sorted(hide, reverse=True):
                if k < len(cells) and names[k]:
                    cell = cells[k]
                    body = (
                        body[: cell.start(2)] + self._hide_cell(cell.group(2)) + body[cell.end(2) :]
                    )
            start = match.start(1) - match.start(0)
            whole = match.group(0)
            return whole[:start] + body + whole[start + len(match.group(1)) :]

        parts = re.split(r"(</table>)", text)
        # A table's header applies to its own rows only.
        for k in range(0, len(parts), 2):
            secret = set()
            parts[k] = _HTML_ROW.sub(row, parts[k])
        return "".join(parts)

    def _aligned_key_value(self, line: str) -> str | None:
        """``api_token    x  y`` (a Series, a transposed frame): the values after a name."""
        if len(line) > 2000 or "  " not in line:
            return None
        found = _ALIGNED_KEY_VALUE.match(line)
        if found is None or not is_secret_name(found.group(1)):
            return None
        parts = _SPLIT_WIDE.split(found.group(3))
        parts[0::2] = [self._hide_cell(v) for v in parts[0::2]]
        row = found.group(1) + found.group(2) + "".join(parts)
        return row if row != line else None

    def _key_value_row(self, line: str) -> str | None:
        """``password,x`` / ``| password | x |``: a two-field row naming a secret."""
        if len(line) > 2000:
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            filled = [k for k, f in enumerate(fields) if f.strip()]
            if len(filled) != 2:
                continue
            name = fields[filled[0]].strip().strip("'\"*`")
            value = fields[filled[1]].strip().strip("'\"*`")
            if not _HEADER_FIELD.match(name) or not is_secret_name(name) or is_secret_name(value):
                return None
            k = 2 * filled[1]
            hidden = self._hide_cell(parts[k])
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
        while i < len(lines):
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
            pair = self._key_value_row(line) or self._aligned_key_value(line)
            if pair is not None:
                lines[i] = pair
                changed = True
                i += 1
                continue
            found = self._delimited_header(line) or self._aligned_header(line)
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
        """The value lines under ``password: |`` (all) or ``tokens:`` (``- item`` lines),
        more indented than the key; returns where the block ends and if it hid any."""
        changed = False
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
            else:
                break  # a nested mapping: its own keys say what they hold
            if hidden != line:
                lines[i] = hidden
                changed = True
            i += 1
        return i, changed

    def _hide_cell(self, cell: str) -> str:
        inner = cell.strip().strip("'\"")
        if not inner or _RULE_ROW.match(inner) or rules.PLACEHOLDER_OPEN in inner:
            return cell
        if _KEEP_VALUE.match(inner.lower()):
            return cell
        self.count += 1
        lead = cell[: len(cell) - len(cell.lstrip())]
        trail = cell[len(cell.rstrip()) :]
        return f"{lead}{marker(f'str, {len(inner):,} chars')}{trail}"

    def _delimited_header(self, line: str) -> Any:
        lower = line.lower()
        if len(line) > 2000 or not any(t in lower for t in _NAME_TRIGGERS):
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            if len(fields) < 2:
                continue
            names = [f.strip().strip("'\"") for f in fields]
            if not all(not n or _HEADER_FIELD.match(n) for n in names):
                continue
            secret = [k for k, n in enumerate(names) if n and is_secret_name(n)]
            if not secret:
                continue

            def row(
                text: str,
                delimiter: re.Pattern[str] = delimiter,
                count: int = len(fields),
                secret: list[int] = secret,
            ) -> str | None:
                parts = delimiter.split(text)
                if len(parts[0::2]) != count:
                    # A rule row (``╞═══╡``) has no delimiter; anything else ends the table.
                    return text if _RULE_ROW.match(text) else None
                if _POLARS_DTYPES.match(text):
                    return text  # polars' dtype row under its ``---`` row
                for k in secret:
                    parts[2 * k] = self._hide_cell(parts[2 * k])
                return "".join(parts)

            return row
        return None

    def _aligned_header(self, line: str) -> Any:
        # pandas' repr: columns right-aligned under names separated by 2+ spaces; a
        # column's cells end where its name ends and start after the previous one's end.
        if (
            not (line.startswith("  ") or _BARE_ALIGNED_HEADER.match(line))
            or len(line) > 2000
            or any(c in line for c in "=:()\"'")
        ):
            return None
        lower = line.lower()
        if not any(t in lower for t in _NAME_TRIGGERS):
            return None
        tokens = list(_ALIGNED_TOKEN.finditer(line))
        spans = []
        for k, token in enumerate(tokens):
            if is_secret_name(token.group(0)):
                start = tokens[k - 1].end() if k else 0
                spans.append((start, token.end()))
        if not spans:
            return None

        width = len(line)

        def row(text: str) -> str | None:
            # pandas pads every row to the header's width: a row far wider is not one of
            # this table's (and scanning it once per column would be quadratic).
            if len(text) > 2 * width + 200:
                return None
            # Right to left, each scan stops where the cell to its right began, so the row
            # is read once and built once.
            cells: list[tuple[int, int]] = []
            stop = len(text)
            for start, end in reversed(spans):
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
                cells.append((begin, end))
                stop = begin
            pieces: list[str] = []
            done = 0
            for begin, end in reversed(cells):
                cell = text[begin:end]
                pieces.append(text[done:begin])
                pieces.append(self._hide_cell(cell) if cell.strip() else cell)
                done = end
            pieces.append(text[done:])
            return "".join(pieces)

        return row

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
