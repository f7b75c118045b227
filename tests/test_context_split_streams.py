"""Leftovers of the context policy (POLICY14): a stream written in pieces with another
stream's output between them, and a random-looking literal passed by position, or
through a neutral variable, to a client's or an API's class the policy does not know.

Before, ``print("password: Hunt3r", end="")``, a warning on stderr, then ``print("Xy9!qz")``
showed the password's second half (each piece was read alone), and ``k = "<16 random>";
AcmeClient(k)`` showed the key (only known vendors' calls were read by position).
"""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy, dumps


def _stream(name: str, text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def _cell(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    result = ContextPolicy().tool_result({"cells": [{"index": 0, "outputs": outputs}]})
    cell: dict[str, Any] = result["cells"][0]
    return cell


@pytest.mark.parametrize(
    "between",
    [
        _stream("stderr", "WARNING: slow network\n"),
        {"output_type": "display_data", "data": {"text/plain": "<Figure size 640x480>"}},
    ],
)
def test_a_password_cut_by_another_output_is_hidden_whole(between: dict[str, Any]) -> None:
    outputs = [
        _stream("stdout", "connecting with password: Hunt3r"),
        between,
        _stream("stdout", "Xy9!qz\nconnected\n"),
    ]
    cell = _cell(outputs)
    shown = dumps(cell)
    assert "Hunt3r" not in shown and "Xy9!qz" not in shown, shown
    # The stream is one output in its first one's place; what stood between follows it.
    assert [o["output_type"] for o in cell["outputs"]] == ["stream", between["output_type"]]
    assert cell["outputs"][0]["text"].endswith("\nconnected\n")


def test_interleaved_streams_without_a_secret_keep_their_order() -> None:
    outputs = [
        _stream("stdout", "step 1\n"),
        _stream("stderr", "slow\n"),
        _stream("stdout", "step 2\n"),
    ]
    assert _cell(outputs)["outputs"] == outputs


@pytest.mark.parametrize(
    "source",
    [
        'k = "Zx9Lm4Wv8Rt1Yp6N"\nclient = AcmeClient(k)',
        'client = acme.AcmeClient("Zx9Lm4Wv8Rt1Yp6N", region="eu")',
        'weather = WeatherAPI("a8Fk29LmQx7Pz3Rt")',
    ],
)
def test_a_random_literal_given_first_to_a_client_is_hidden(source: str) -> None:
    text, count = ContextPolicy().text(source)
    assert count == 1 and "Zx9Lm4Wv8Rt1Yp6N" not in text and "a8Fk29LmQx7Pz3Rt" not in text


@pytest.mark.parametrize(
    "source",
    [
        'c = Client("tcp://127.0.0.1:8786")',
        'client = bigquery.Client("my-project-123")',
        'q = QdrantClient("localhost", port=6333)',
        'name = "imdb_reviews_v2"\nds = DatasetClient(name)',
    ],
)
def test_what_a_client_is_given_by_position_stays_when_it_is_no_key(source: str) -> None:
    assert ContextPolicy().text(source) == (source, 0)
