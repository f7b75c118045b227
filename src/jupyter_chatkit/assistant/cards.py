"""Code cards: the widget the agent's ``propose_code`` tool streams, and its actions.

A card shows code with Insert / Insert & run / Copy buttons. Insert buttons send a
server-handled action (:data:`ACTION_INSERT_CELL` / :data:`ACTION_INSERT_AND_RUN_CELL`);
the server answers with a client effect that the front end turns into a new cell. The
code that reaches the cell is always the code stored in the card, never a payload the
client made up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    Button,
    Caption,
    Card,
    Col,
    Markdown,
    Row,
    Title,
    WidgetComponentBase,
    WidgetRoot,
)

from ..protocol import ACTION_INSERT_AND_RUN_CELL, ACTION_INSERT_CELL, Action
from .fence import fence as fence
from .fence import fence_language

STATUS_ID = "jck-card-status"
POSITIONS = ("below", "above")
MAX_CODE_CHARS = 50_000
# A card's title is a line above its code, not a place for text that pushes it away.
MAX_TITLE_CHARS = 120


def code_card(code: str, title: str = "", explanation: str = "", language: str = "python") -> Card:
    """Build the card for one proposed code cell."""
    code = code[:MAX_CODE_CHARS]
    # The model writes the title and the language: one line each, the language a word.
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    language = fence_language(language) or "python"
    payload = {"code": code, "position": "below"}
    children: list[Any] = [
        Row(
            gap=2,
            align="center",
            children=[
                Title(value=title.strip() or "Proposed code", size="sm"),
                Badge(label=language, color="secondary", variant="outline", size="sm"),
            ],
        ),
    ]
    if explanation.strip():
        children.append(Markdown(value=explanation.strip()))
    children.append(Markdown(value=fence(code, language)))
    children.append(
        Row(
            gap=2,
            wrap="wrap",
            children=[
                Button(
                    label="Insert",
                    iconStart="plus",
                    style="primary",
                    size="sm",
                    onClickAction=ActionConfig(type=ACTION_INSERT_CELL, payload=payload),
                ),
                Button(
                    label="Insert & run",
                    iconStart="play",
                    style="secondary",
                    size="sm",
                    onClickAction=ActionConfig(type=ACTION_INSERT_AND_RUN_CELL, payload=payload),
                ),
                Button(
                    label="Copy",
                    style="secondary",
                    variant="outline",
                    size="sm",
                    onClickAction=ActionConfig(
                        type=Action.COPY_CODE, payload={"code": code}, handler="client"
                    ),
                ),
            ],
        )
    )
    children.append(Caption(id=STATUS_ID, value="", size="sm"))
    return Card(size="full", children=[Col(gap=2, children=children)])


def _walk(node: Any) -> Iterator[WidgetComponentBase]:
    if isinstance(node, WidgetComponentBase):
        yield node
    for child in getattr(node, "children", None) or []:
        yield from _walk(child)


# Those the running turn's front end shows, set by respond() for the turn's run (the
# propose_code tool and the offline model run in its task, so they read the same).
host_buttons: ContextVar[tuple[str, ...]] = ContextVar("host_buttons", default=())


def card_buttons() -> list[str]:
    """The labels of a code card's buttons, in order, with those the running turn's front
    end adds (what a note about a card names)."""
    own = [n.label for n in _walk(code_card("")) if isinstance(n, Button) and n.label]
    return own + [b for b in host_buttons.get() if b not in own]


def named_list(labels: list[str]) -> str:
    """``a, b and c``."""
    return " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)


def card_code(widget: WidgetRoot) -> str | None:
    """The code a card's insert buttons carry, or None if this is not a code card."""
    for node in _walk(widget):
        action = getattr(node, "onClickAction", None)
        if isinstance(action, ActionConfig) and action.type in (
            ACTION_INSERT_CELL,
            ACTION_INSERT_AND_RUN_CELL,
        ):
            payload = action.payload if isinstance(action.payload, dict) else {}
            code = payload.get("code")
            if isinstance(code, str):
                return code
    return None


def mark_inserted(widget: WidgetRoot, ran: bool, count: int | None = None) -> WidgetRoot:
    """A copy of the card whose status line says the code went into the notebook.

    Inserts and insert-and-runs are counted separately ("✓ Inserted · Inserted and ran
    in the notebook", "✓ Inserted 2 times in the notebook"). ``count`` is ignored (kept
    for callers of the old signature): the counts come from the card itself.
    """
    inserted, runs = insert_counts(widget)
    if ran:
        runs += 1
    else:
        inserted += 1
    parts = []
    if inserted:
        parts.append("Inserted" + (f" {inserted} times" if inserted > 1 else ""))
    if runs:
        parts.append("Inserted and ran" + (f" {runs} times" if runs > 1 else ""))
    copy = widget.model_copy(deep=True)
    for node in _walk(copy):
        if node.id == STATUS_ID and isinstance(node, Caption):
            node.value = f"✓ {' · '.join(parts)} in the notebook"
    return copy


_COUNTED = re.compile(r"^(Inserted and ran|Inserted)(?: (\d+) times)?(?: \(\d+ times\))?")


def insert_counts(widget: WidgetRoot) -> tuple[int, int]:
    """(inserts, insert-and-runs) the card's status line records."""
    for node in _walk(widget):
        if node.id == STATUS_ID and isinstance(node, Caption) and node.value.startswith("✓"):
            inserted = runs = 0
            body = node.value[1:].strip().removesuffix(" in the notebook")
            for part in body.split(" · "):
                match = _COUNTED.match(part.strip())
                if match is None:
                    continue
                n = int(match[2]) if match[2] else 1
                if match[1] == "Inserted and ran":
                    runs += n
                else:
                    inserted += n
            return inserted, runs
    return 0, 0


def inserted_count(widget: WidgetRoot) -> int:
    """How many times the card says its code was inserted, run or not (0 if never)."""
    inserted, runs = insert_counts(widget)
    return inserted + runs
