"""A notebook's outputs as JupyterLab shows and saves them: each run of stream outputs of
one name as one. Every reader of a notebook file (the kernel's, an attached or mentioned
notebook's text) reads them so, or a key printed in two flushes reaches the model in two
pieces no rule can tell."""

from __future__ import annotations

import itertools
import re
from typing import Any

# Carriage returns right before a line's end: the line ends there (JupyterLab's reading).
_RETURNS_AT_END = re.compile(r"\r+\n")


def multiline_text(value: Any) -> str:
    """An nbformat multiline string (a string, or a list of lines) as one text; anything
    else a writer saved there (null, a number) is no text, whole or as a line. The
    sidebar's ``multilineText`` (streams.ts) reads it alike."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def merged_streams(outputs: list[Any]) -> list[Any]:
    """``outputs`` with each run of stream outputs of one name (stdout, stderr) as one, its
    carriage returns resolved (:func:`overwritten`), as JupyterLab shows and saves them.
    A notebook run by nbclient or papermill keeps every flush apart (``print("API_KEY=",
    end="")``, a pause, then the key): read one by one, the name and its value were never
    in one text for the policy to see."""
    merged: list[Any] = []
    # Each run's texts, joined once at its end: joined at each output, a cell of many
    # flushes (a loop printing a line a step) cost time quadratic in its outputs.
    pieces: list[str] = []
    for raw in outputs:
        last = merged[-1] if merged else None
        if (
            isinstance(raw, dict)
            and raw.get("output_type") == "stream"
            and isinstance(last, dict)
            and last.get("output_type") == "stream"
            and last.get("name") == raw.get("name")
        ):
            pieces.append(multiline_text(raw.get("text")))
            continue
        if len(pieces) > 1:
            merged[-1] = {**merged[-1], "text": "".join(pieces)}
        pieces = [multiline_text(raw.get("text"))] if isinstance(raw, dict) else []
        merged.append(raw)
    if len(pieces) > 1:
        merged[-1] = {**merged[-1], "text": "".join(pieces)}
    return [_as_shown(raw) for raw in merged]


def overwritten(text: str) -> str:
    """``text`` as a terminal and JupyterLab's output area show it: what follows a
    carriage return on a line writes over that line from its start (a progress bar's
    frames, tqdm's, read as its last one; a shorter frame keeps the longer one's end).
    nbclient saves every frame; a notebook run in JupyterLab saves what it showed."""
    if "\r" not in text:
        return text
    lines = []
    for line in _RETURNS_AT_END.sub("\n", text).split("\n"):
        # Read from the last frame back, an earlier one showing only past the later ones'
        # end: linear in the line (forward, each frame copied the line so far).
        *earlier, shown = line.split("\r")
        for frame in reversed(earlier):
            if len(frame) > len(shown):
                shown += frame[len(shown) :]
        lines.append(shown)
    return "\n".join(lines)


def _as_shown(raw: Any) -> Any:
    if isinstance(raw, dict) and raw.get("output_type") == "stream":
        text = multiline_text(raw.get("text"))
        if "\r" in text:
            return {**raw, "text": overwritten(text)}
    return raw


def split_streams(outputs: list[Any]) -> dict[str, list[int]]:
    """The places of each stream (by name) written in pieces with other outputs between
    (``stdout``, a warning on ``stderr``, ``stdout`` again), for the names that are."""
    places: dict[str, list[int]] = {}
    for i, raw in enumerate(outputs):
        if isinstance(raw, dict) and raw.get("output_type") == "stream":
            name = raw.get("name")
            places.setdefault(name if isinstance(name, str) else "", []).append(i)
    return {
        name: at for name, at in places.items() if any(b - a > 1 for a, b in itertools.pairwise(at))
    }
