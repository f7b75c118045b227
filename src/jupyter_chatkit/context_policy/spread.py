"""A configured key printed spread out: its letters and digits with other characters
between them.

``' '.join(key)``, ``list(key)`` (``['s', 'k', '-', …]``), a UTF-16 text read as bytes
(a NUL between each two), a key cut over lines or columns: no exact-value check sees the
key, yet the model reads it. A key's first letters and digits (prepared.PREFIX_CHARS) in
order, each with at most :data:`SPREAD_GAP` other characters (no letter or digit) before
the next, hide it, with as many of its following letters and digits as follow in order.
Only the keys that hide their prefixes (the API key, MCP credentials, random-looking
configured values of 20+ characters): a dozen of their letters in order is no accident.

Also the key as a cell can turn it without knowing a secret's shape: reversed
(``key[::-1]``), upper- or lower-cased, as hex (``key.encode().hex()``), each looked for
as one more key, and as character codes (``[ord(c) for c in key]``, ``list(key.encode())``),
read back into characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Other characters allowed between two of a key's letters or digits: a list's items
# ("', '-', '" between two letters of "s-p") and a column's padding.
SPREAD_GAP = 12
_GAP = f"[^A-Za-z0-9]{{0,{SPREAD_GAP}}}"
# A key needs this many letters and digits to be looked for spread out.
MIN_SPREAD_CHARS = 16
# A line holding one character after an index (``pd.Series(list(key))``, ``for i, c in
# enumerate(key): print(i, c)``): the index's digits stand between the key's letters.
_INDEXED_CHAR = re.compile(r"[^\S\n]*(?:\S+[^\S\n]+)?(\S)[^\S\n]*")


# A run of character codes (``[115, 107, 45, …]``, ``115 107 45``): printable ASCII in
# decimal, one to four other characters between two; at least a key's head of them.
_CODE_RUN = r"(?<![0-9.])(?:[0-9]{2,3}[^0-9A-Za-z\n]{1,4}){%d,}[0-9]{2,3}(?![0-9.])"
_CODE = re.compile(r"[0-9]+")


def _alnum(text: str) -> str:
    return "".join(c for c in text if _is_alnum(c))


def _turned(key: str) -> set[str]:
    """``key``'s letters and digits, and as a cell may turn them: reversed, upper- or
    lower-cased (each reversed too), and its bytes in hex."""
    letters = _alnum(key)
    cased = {letters, letters.upper(), letters.lower()}
    return cased | {k[::-1] for k in cased} | {key.encode("utf-8", "replace").hex()}


@dataclass(frozen=True)
class Spread:
    """The keys to look for spread out: one pattern for their heads, and each head's keys."""

    pattern: re.Pattern[str]
    keys: dict[str, tuple[str, ...]]
    # How many letters and digits a head has.
    head: int
    # A run of character codes long enough to hold a head.
    codes: re.Pattern[str]

    def hide(self, value: str, marker: str) -> tuple[str, int]:
        """``value`` with each spread-out key replaced by ``marker``, and how many."""
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            text = match.group(0)
            places = [i for i, c in enumerate(text) if _is_alnum(c)]
            letters = "".join(text[i] for i in places)
            longest = max(self.head, self._longest(letters))
            count += 1
            return marker + text[places[longest - 1] + 1 :]

        value = self.pattern.sub(replace, value)
        if "," in value or " " in value:
            value, coded = self._hide_codes(value, marker)
            count += coded
        if value.count("\n") >= self.head:
            value, listed = self._hide_listed(value, marker)
            count += listed
        return value, count

    def _longest(self, letters: str) -> int:
        """How many of ``letters``' first letters and digits are one key's, in order
        (0 when its head is no key's)."""
        longest = 0
        for key in self.keys.get(letters[: self.head], ()):
            n = self.head
            while n < len(letters) and n < len(key) and letters[n] == key[n]:
                n += 1
            longest = max(longest, n)
        return longest

    def _hide_codes(self, value: str, marker: str) -> tuple[str, int]:
        """``value`` with a run of character codes holding a key hidden whole."""
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            codes = [int(n) for n in _CODE.findall(match.group(0))]
            if any(n < 32 or n > 126 for n in codes):
                return match.group(0)
            letters = _alnum("".join(map(chr, codes)))
            if not any(self._longest(letters[at:]) for at in range(len(letters) - self.head + 1)):
                return match.group(0)
            count += 1
            return marker

        return self.codes.sub(replace, value), count

    def _hide_listed(self, value: str, marker: str) -> tuple[str, int]:
        """``value`` with a key listed one character a line after an index hidden: its
        first line's character replaced by ``marker``, the others' removed."""
        lines = value.split("\n")
        # Per line: where its one character is (None: not such a line).
        spots = [_INDEXED_CHAR.fullmatch(line) for line in lines]
        count = 0
        start = 0
        while start < len(lines):
            if spots[start] is None:
                start += 1
                continue
            end = start
            while end < len(lines) and spots[end] is not None:
                end += 1
            run = [i for i in range(start, end) if _is_alnum(_char(spots[i]))]
            letters = "".join(_char(spots[i]) for i in run)
            at = 0
            while at <= len(letters) - self.head:
                n = self._longest(letters[at:])
                if not n:
                    at += 1
                    continue
                hidden = run[at : at + n]
                for k, i in enumerate(hidden):
                    spot = spots[i]
                    if spot is not None:
                        shown = marker if k == 0 else ""
                        lines[i] = lines[i][: spot.start(1)] + shown + lines[i][spot.end(1) :]
                count += 1
                at += n
            start = end
        return ("\n".join(lines), count) if count else (value, 0)


def _char(spot: re.Match[str] | None) -> str:
    return spot.group(1) if spot is not None else ""


def _is_alnum(char: str) -> bool:
    """An ASCII letter or digit (what a key is read by)."""
    return char.isascii() and char.isalnum()


def spread_pattern(keys: Iterable[str], head: int) -> Spread | None:
    """The :class:`Spread` of ``keys`` with :data:`MIN_SPREAD_CHARS`+ letters and digits,
    found by their first ``head`` letters and digits."""
    found: dict[str, set[str]] = {}
    for key in keys:
        if len(_alnum(key)) >= MIN_SPREAD_CHARS:
            for letters in _turned(key):
                found.setdefault(letters[:head], set()).add(letters)
    if not found:
        return None
    heads = "|".join(_GAP.join(map(re.escape, h)) for h in sorted(found))
    longest = max(len(k) for ks in found.values() for k in ks) - head
    pattern = re.compile(f"(?<![A-Za-z0-9])(?:{heads})(?:{_GAP}[A-Za-z0-9]){{0,{longest}}}")
    codes = re.compile(_CODE_RUN % (head - 1))
    return Spread(pattern, {h: tuple(ks) for h, ks in found.items()}, head, codes)
