"""A turn's history goes to the model through openai-agents' model-input filter.

openai-agents (0.24.0 read) copies a run's input again and again before each model
call, though nothing of ours changes it: the run's state deep-copies it (run.py:2739,
run_state.py:979), and each model call copies the whole list twice
(``ItemHelpers.input_to_new_input_list``, run_loop.py:2465 and, through
``_prepare_turn_input_items``, run_loop.py:354), then copies each item's top level
once more (``normalize_input_items_for_api``, run_internal/items.py:356). For a
follow-up in a 30-turn thread that was ~0.4 ms of the request's ~7.5 ms of server CPU.

So a run is given only the last item of its input, and the earlier items are put back
in front of each model call's input by ``RunConfig.call_model_input_filter``, the SDK's
documented hook for editing "the input sent to the model". The model gets the same
items, in the same order, as when the run was given them all; the earlier ones are the
very dicts the turn's converter handed out (kept in memory for the next turns,
model_input.py's ConvertedItems), not copies. (They skip the SDK's normalisation of a
run's input, which only drops keys of its own sessions, ``_agents_tool_description``,
``_agents_tool_title`` and ``created_by``, that our converter never writes.)

That is safe because nothing between the filter and the request changes an item (read
in 0.24.0): the de-duplication of the filter's output only reads items, copying each
before it looks (run_loop.py:2550, run_internal/items.py:810-842 and 1113-1121); the
compaction snapshot is skipped without a session (session_persistence.py:128); the
chat-completions model validates and converts the items by building new dicts
(openai_chatcompletions.py:605-631, chatcmpl_converter.py:534-1000), and our
``_replayable`` (chat_completions.py) replaces an earlier answer by a replayable copy,
itself kept for the next model calls and never changed; the Responses
model copies its input before anything else (openai_responses.py:936); a retry calls
the model again with the same list. No run here has hooks, a session, handoffs, input
guardrails or a server-managed conversation, the other readers of that list.
tests/test_history_filter.py checks the kept items after turns through both models.

What the SDK records as the run's input (``RunResultStreaming.input``,
``to_input_list()``, its ``RunState``) holds only the last item: nothing here reads it
(ChatKit's ``stream_agent_response`` reads the run's events). A run that needs those
(sessions, handoffs, resumable state) must be given its whole input instead.
"""

from __future__ import annotations

from typing import Any

from agents import TResponseInputItem
from agents.run_config import CallModelData, CallModelInputFilter, ModelInputData

__all__ = ["split_history"]


def split_history(
    agent_input: list[TResponseInputItem],
) -> tuple[list[TResponseInputItem], CallModelInputFilter | None]:
    """The run's input (the last item of ``agent_input``) and the filter that puts the
    items before it back in front of every model call's input (None: nothing to add)."""
    if len(agent_input) < 2:
        return agent_input, None
    earlier = agent_input[:-1]

    def with_history(data: CallModelData[Any]) -> ModelInputData:
        sent = data.model_data
        return ModelInputData(input=[*earlier, *sent.input], instructions=sent.instructions)

    return agent_input[-1:], with_history
