"""A notebook file read as text (an attached .ipynb, a mentioned one in the sidebar) reads
alike in both languages: the same cases (tests/fixtures/notebook_texts.json) give the same
text through ``assistant.history.notebook_text`` and js/lab/src/mentions.ts's
``notebookText`` (js/lab/test/notebooktexts.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.context_policy import ContextPolicy

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "notebook_texts.json").read_text(encoding="utf-8")
)["cases"]
_BY_NAME = {c["name"]: c for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_notebook_reads_as_the_sidebar_reads_it(case: dict[str, Any]) -> None:
    assert notebook_text(case["notebook"]) == case["text"]


def test_a_key_in_a_traceback_saved_as_one_string_is_hidden() -> None:
    # Read as a list, each character was its own line: no rule saw the key.
    case = _BY_NAME["a key in a traceback saved as one string"]
    text = ContextPolicy().text(notebook_text(case["notebook"]) or "")[0]
    assert "Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA" not in text.replace("\n", ""), text
    assert "auth failed for key" in text


def test_the_kernels_reader_of_its_saved_notebook_reads_a_progress_line_as_shown(
    tmp_path: Path,
) -> None:
    from jupyter_chatkit.kernel.notebook_file import read_cells

    # The same saved frames through get_notebook_cells' reader: the last frame only.
    case = _BY_NAME[
        "a progress line redrawn with carriage returns (nbclient saves each frame): read as "
        "shown, its last frame"
    ]
    path = tmp_path / "a.ipynb"
    path.write_text(case["notebook"], encoding="utf-8")
    (cell,) = read_cells(path) or []
    (stdout,) = cell["outputs"]
    assert stdout["text"] == "step 3/3\n" + "x" * 60 + "\n"
