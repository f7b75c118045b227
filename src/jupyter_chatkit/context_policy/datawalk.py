"""Secrets in JSON-ready data (tool results): a key such as ``"password"`` marks its
value as secret, a ``{"name": "DB_PASSWORD", "value": …}`` entry its value, a list of
names and values its pairs; every string is read as text. The part of
:class:`.redact.Redactor` that walks data, kept apart from the one that reads text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .calls import pair_hides
from .getters import bound_to_getters
from .lazy_patterns import lazy_compile
from .names import is_placeholder, is_secret_name, marker
from .shown import (
    hide_cell_outputs,
    hide_shown_credential,
    hide_shown_secret,
    names_one_of,
    names_secret,
)
from .streams import multiline_text, split_streams
from .values import (
    _plain_key,
    aliases,
    describe_hidden,
    holds_short_password,
    is_keyish_name,
    is_secret_pair,
    is_user_keyed_password,
    looks_random,
    names_id_or_digest,
)

# Values under a secret name that say nothing and may stay (flags, empties).
_KEEP_UNDER_SECRET_NAME = (None, True, False, "")
_CONTAINERS = (str, dict, list, tuple)
# Keys of our own tool results that hold the value of the entry named by "name".
_VALUE_KEYS = ("value", "preview", "repr", "head", "items", "Value")
# Where a record names its entry: a variable's listing, a name/value pair (Kubernetes'
# env, AWS's tags and parameters: ``{"Key": "password", "Value": "…"}``).
_NAME_KEYS = ("name", "Name", "key", "Key")
# A Kubernetes Secret's mappings of secrets.
_SECRET_DATA_KEYS = ("data", "stringData")
# A line of a base64 block as PEM, OpenSSH and MIME write them (rules: the key body rule).
_KEY_LINE = lazy_compile(r"[A-Za-z0-9+/]{48,100}={0,2}\Z")


def _keyish_only(name: Any) -> bool:
    """A name that holds a key only sometimes, not a secret's name (hidden whole)."""
    return type(name) is str and is_keyish_name(name) and not is_secret_name(name)


def _random_str(value: Any) -> bool:
    return type(value) is str and looks_random(value)


def _bare_key(key: Any) -> str:
    """A mapping's key as a kernel shows it (``'kind'``, its repr) or as it is."""
    return key.strip("'\"") if type(key) is str else ""


def _split_rows(columns: Any, rows: Any, hide: Callable[[Any], str]) -> None:
    """A frame as ``to_dict("split")`` / ``to_json(orient="split")`` give it: names in
    ``columns``, rows in ``data``; a row's cell under a secret's column (or a key-ish
    one's, random-looking) hidden in place."""
    if not isinstance(columns, list) or not isinstance(rows, list):
        return
    secret = [k for k, c in enumerate(columns) if type(c) is str]
    if not secret:
        return
    for row in rows:
        if not isinstance(row, list):
            continue
        for k in secret:
            cell = row[k] if k < len(row) else None
            if (
                type(cell) is str
                and cell
                and not is_placeholder(cell)
                and is_secret_pair(columns[k], cell)
            ):
                row[k] = hide(cell)


def _hide_outputs_shown(source: Any, cell: dict[Any, Any]) -> None:
    """A notebook cell (ours, or nbformat's shape from another producer) whose last line
    names a secret (``password``, ``os.environ["DB_PASSWORD"]``): its one-line outputs
    hidden, whoever made the result (the kernel and the page do so already)."""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    if isinstance(source, str) and isinstance(cell["outputs"], list) and names_secret(source):
        cell["outputs"] = hide_cell_outputs(cell["outputs"], hide_shown_secret)


class DataRedaction:
    """Walks JSON-ready data; its strings go to :meth:`text` (the redactor's)."""

    enabled: bool
    count: int
    # When set: ``data`` cuts longer strings (and lists) to this many before redacting.
    cut: int

    def text(self, value: str) -> str:
        """``value`` redacted as text (the redactor's own)."""
        raise NotImplementedError

    # -- names -------------------------------------------------------------------------

    def secret_name(self, name: Any) -> bool:
        """True when redaction is on and ``name`` marks a secret."""
        return self.enabled and isinstance(name, str) and is_secret_name(name)

    def _aliased(self, text: str, names: frozenset[str]) -> str:
        """``text`` with the literals assigned to ``names`` hidden (the redactor's own)."""
        raise NotImplementedError

    def hide(self, value: Any) -> str:
        """The placeholder for a value hidden because of its name (counted)."""
        self.count += 1
        return marker(describe_hidden(value))

    # -- JSON-ready data ---------------------------------------------------------------

    def data(self, value: Any, depth: int = 0) -> Any:
        """A copy of JSON-ready ``value`` with secrets hidden, by key name and in text."""
        if isinstance(value, str):
            if self.cut and len(value) > self.cut:
                head = self.text(value[: self.cut])
                return f"{head}… [{len(value) - self.cut:,} more chars]"
            return self.text(value)
        if depth > 40:
            return value
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            enabled = self.enabled
            entry_secret = (
                enabled
                and any(self.secret_name(value.get(k)) for k in _NAME_KEYS)
                and value.get("type") != "class"
            )
            # A Kubernetes Secret (manifests.py): its data's keys are named as its user likes.
            manifest = enabled and type(value.get("kind")) is str and value.get("kind") == "Secret"
            # The checks read a key as it is; the copy holds it as the model may read it
            # (a secret may be the key itself: a dict keyed by API key).
            names = self._shown_keys(value) if enabled else None
            for key, item in value.items():
                shown = key if names is None else names.get(key, key)
                # is_secret_pair: a secret name, or a key-ish one holding a random string
                # (most keys are ordinary ones, known after their first look).
                if (
                    enabled
                    and (
                        (entry_secret and key in _VALUE_KEYS)
                        or (not _plain_key(key) and is_secret_pair(key, item))
                        or (
                            type(key) is str
                            and type(item) is str
                            and is_user_keyed_password(key, item)
                        )
                    )
                    and item not in _KEEP_UNDER_SECRET_NAME
                    and not (type(item) is str and is_placeholder(item))
                ):
                    out[shown] = self.hide(item)
                elif manifest and key in _SECRET_DATA_KEYS and isinstance(item, dict):
                    out[shown] = {
                        k: self.hide(v) if isinstance(v, str) and v else self.data(v, depth + 2)
                        for k, v in item.items()
                    }
                elif type(item) is str and type(key) is str:
                    out[shown] = self._named_str(key, item, depth)
                elif isinstance(item, _CONTAINERS):
                    if enabled and key == "outputs" and isinstance(item, list):
                        item = self._whole_streams(item)
                    # A type's name is read too: the user names a class
                    # (``type("sk-…", (), {})``), and it reaches the model in listings.
                    out[shown] = self.data(item, depth + 1)
                else:
                    out[shown] = item  # a number, a flag, None: nothing to hide
            if enabled and ("head" in out or "describe" in out):
                self._keyish_cells(out)
            if enabled and "columns" in out:
                # ``to_dict("split")``'s ``data``, or ``rows`` as other producers name it.
                for rows in ("data", "rows"):
                    if rows in out:
                        _split_rows(value["columns"], out[rows], self.hide)
            if enabled and "outputs" in out and "source" in value:
                _hide_outputs_shown(value["source"], out)
            return out
        if isinstance(value, list | tuple):
            more = len(value) - self.cut if self.cut else 0
            items = value[: self.cut] if more > 0 else value
            # Rows of numbers are most of a table: only strings and containers need a look.
            out_items = [
                self.data(item, depth + 1) if isinstance(item, _CONTAINERS) else item
                for item in items
            ]
            if self.enabled:
                for k in pair_hides(out_items):
                    out_items[k] = self.hide(out_items[k])
                self._manifest_pairs(out_items)
                self._key_lines(out_items)
                self._split_across_cells(items, out_items)
            if more > 0:
                out_items.append(f"… {more:,} more items not shown")
            return out_items
        return value

    def _whole_streams(self, outputs: list[Any]) -> list[Any]:
        """A cell's outputs where a stream was written in pieces with other outputs
        between (``print("password: hun", end="")``, a warning, ``print("ter2…")``): when
        the stream read whole hides what its pieces read one by one do not, its pieces
        are one output, in its first one's place (the rest of the order kept)."""
        for at in split_streams(outputs).values():
            pieces = [multiline_text(outputs[i].get("text")) for i in at]
            before = self.count
            whole = "".join(pieces)
            split = self.text(whole) != "".join(self.text(piece) for piece in pieces)
            self.count = before
            if split:
                first, rest = at[0], frozenset(at[1:])
                outputs = [
                    {**raw, "text": whole} if i == first else raw
                    for i, raw in enumerate(outputs)
                    if i not in rest
                ]
        return outputs

    def _named_str(self, key: str, item: str, depth: int) -> str:
        """A mapping's string read as text; one an id's or a digest's name holds
        (``{"version_id": "…"}``, ``{"sha256": "…"}``) that this hid is read once more
        after its name, as a text shows it (``version_id: "…"``): kept when the rules hid
        it only for looking random there, as they do in text."""
        before = self.count
        clean: str = self.data(item, depth + 1)
        if clean == item or len(item) > 512 or "\n" in item:
            return clean
        if not names_id_or_digest(key):
            return clean
        hidden = self.count
        named = f'{key}: "{item}"'
        if self.text(named) == named:
            self.count = before
            return item
        self.count = hidden
        return clean

    def _shown_keys(self, value: dict[Any, Any]) -> dict[str, str] | None:
        """The keys of a mapping as the copy shows them, where a secret is hidden in one
        (None when none is): redacted as text, each made unique, so that none takes the
        name of another key, plain or hidden, whatever their order (no entry is lost)."""
        hidden: list[tuple[str, str]] = []
        for key in value:
            if type(key) is str:
                shown = self.text(key)
                if shown != key:
                    hidden.append((key, shown))
        if not hidden:
            return None
        changed = {key for key, _ in hidden}
        # Plain keys keep their names; a hidden one takes the first name left free.
        taken = {key for key in value if type(key) is str and key not in changed}
        names: dict[str, str] = {}
        for key, shown in hidden:
            unique, n = shown, 2
            while unique in taken:
                unique, n = f"{shown} #{n}", n + 1
            taken.add(unique)
            names[key] = unique
        return names

    def _manifest_pairs(self, items: list[Any]) -> None:
        """A mapping shown as ``[key, value]`` pairs (a kernel's dict) that is a
        Kubernetes Secret: the values of its ``data`` / ``stringData`` hidden in place."""
        pairs = [i for i in items if isinstance(i, list | tuple) and len(i) == 2]
        if not any(_bare_key(k) == "kind" and v == "Secret" for k, v in pairs):
            return
        for k, item in enumerate(items):
            if item in pairs and _bare_key(item[0]) in _SECRET_DATA_KEYS:
                inner = item[1]
                if isinstance(inner, dict):
                    hidden = {
                        key: self.hide(v) if isinstance(v, str) and v else v
                        for key, v in inner.items()
                    }
                    items[k] = type(item)((item[0], hidden))

    def _key_lines(self, items: list[Any]) -> None:
        """Runs of 2+ strings that are lines of one base64 block (a key's body read as a
        list of lines, ``pem.splitlines()[1:-1]``): hidden when the rules hide them read
        as the lines they are."""
        k = 0
        while k < len(items):
            end = k
            while end < len(items) and type(items[end]) is str and _KEY_LINE.match(items[end]):
                end += 1
            if end - k >= 2:
                before = self.count
                joined = "\n".join(items[k:end])
                hidden = self.text(joined) != joined
                self.count = before
                if hidden:
                    for j in range(k, end):
                        items[j] = self.hide(items[j])
            k = max(end, k + 1)

    def _keyish_cells(self, out: dict[Any, Any]) -> None:
        """A frame's or a Series' description (the variable tools'): under a column or a
        Series named like a key only sometimes (``key``, ``signature``, ``salt``), the
        random-looking cells of its head, top values and top are hidden (the kernel hides
        the columns named like secrets)."""
        columns = out.get("head_columns")
        if not isinstance(columns, list) and isinstance(out.get("columns"), list):
            # The listing names the head's columns in its column entries.
            columns = [c.get("name") if isinstance(c, dict) else None for c in out["columns"]]
        if isinstance(columns, list):
            keyish = {k for k, c in enumerate(columns) if _keyish_only(c)}
            rows = out.get("head")
            if keyish and isinstance(rows, list):
                for row in rows:
                    if isinstance(row, list):
                        for k in keyish:
                            if k < len(row) and _random_str(row[k]):
                                row[k] = self.hide(row[k])
            short = [(k, c) for k, c in enumerate(columns) if type(c) is str and len(c) <= 3]
            if short and isinstance(rows, list):
                # A column ``p`` beside a user's: its password-shaped cells.
                for row in rows:
                    if isinstance(row, list):
                        for k, name in short:
                            cell = row[k] if k < len(row) else None
                            if type(cell) is str and holds_short_password(name, cell):
                                row[k] = self.hide(cell)
        described = out.get("describe")
        if isinstance(described, dict):
            for name, stats in described.items():
                if not isinstance(stats, dict):
                    continue
                top = stats.get("top")
                if (_keyish_only(name) and _random_str(top)) or (
                    type(name) is str and type(top) is str and holds_short_password(name, top)
                ):
                    stats["top"] = self.hide(top)
        if not _keyish_only(out.get("series_name")):
            return
        head = out.get("head")
        if isinstance(head, list):
            out["head"] = [self.hide(v) if _random_str(v) else v for v in head]
        top = out.get("top_values")
        if isinstance(top, list):
            for pair in top:
                if isinstance(pair, list) and pair and _random_str(pair[0]):
                    pair[0] = self.hide(pair[0])
        if isinstance(described, dict) and _random_str(described.get("top")):
            described["top"] = self.hide(described["top"])

    def _split_across_cells(self, items: Any, out_items: list[Any]) -> None:
        """Cells (``{"source": …}``) whose sources build a secret from pieces set in other
        cells (``part1 = 'sk-…'`` in one, ``api_key = part1 + part2`` in the next): the
        pieces' literals are hidden in every cell, as they are within one source. A source
        saved as nbformat's list of lines is read joined, and hidden line by line."""
        sources = [s for s in map(_cell_source, items) if s is not None]
        if len(sources) < 2:
            return
        cut = self.cut or 100_000
        joined = "\n".join(s[:cut] for s in sources)
        found = aliases(joined)
        # ``x = keyring.get_password(...)``: a name bound to a secret's getter has no
        # literal to hide, but ``print(x)`` shows the secret.
        shown = found | bound_to_getters(joined)
        if not shown:
            return
        for k, item in enumerate(out_items):
            source = _cell_source(item)
            if source is not None:
                raw = item["source"]
                hidden: Any = (
                    self._aliased(raw, found)
                    if type(raw) is str
                    else [self._aliased(v, found) if type(v) is str else v for v in raw]
                )
                if hidden != raw:
                    out_items[k] = item = {**item, "source": hidden}
                # ``print(x)`` in a later cell than ``connect(host, user, x)``: its
                # one-line output is that credential (as under a secret's name).
                outputs = item.get("outputs")
                if isinstance(outputs, list) and names_one_of(source, shown):
                    out_items[k] = {
                        **item,
                        "outputs": hide_cell_outputs(outputs, hide_shown_credential),
                    }


def _cell_source(item: Any) -> str | None:
    """A cell's (``{"source": …}``) source as one text: a string, or nbformat's list of
    lines joined (``multiline_text``); None for anything else."""
    if not isinstance(item, dict):
        return None
    source = item.get("source")
    if type(source) is str:
        return source
    return multiline_text(source) if type(source) is list else None
