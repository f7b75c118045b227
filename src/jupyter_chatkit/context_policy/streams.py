"""A notebook's outputs as JupyterLab shows and saves them: each run of stream outputs of
one name as one. Every reader of a notebook file (the kernel's, an attached or mentioned
notebook's text) reads them so, or a key printed in two flushes reaches the model in two
pieces no rule can tell."""

from __future__ import annotations

import itertools
from typing import Any


def multiline_text(value: Any) -> str:
    """An nbformat multiline string (a string, or a list of lines) as one text; anything
    else a writer saved there (null, a number) is no text, whole or as a line. The
    sidebar's ``multilineText`` (streams.ts) reads it alike."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def merged_streams(outputs: list[Any]) -> list[Any]:
    """``outputs`` with each run of stream outputs of one name (stdout, stderr) as one, as
    JupyterLab shows and saves them. A notebook run by nbclient or papermill keeps every
    flush apart (``print("API_KEY=", end="")``, a pause, then the key): read one by one,
    the name and its value were never in one text for the policy to see."""
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
    return merged


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
