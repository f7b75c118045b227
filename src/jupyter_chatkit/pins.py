"""The library releases whose internals the version-pinned shortcuts were read for.

A shortcut into a library's internals (a stand-in module, a skipped copy or task) checks
the installed release against its pin here and otherwise takes the library's own path:
another release is never broken, only not sped up. Moving a pin means reading each
shortcut that uses it again against the new release:

- openai-agents: ``serverext/sdk_stand_ins.py`` (sandbox, MCP compat, griffe),
  ``assistant/warmup.py`` (the run state's adapter), ``assistant/run_speedups.py``,
  ``assistant/agent.py`` (gathers with known results), ``assistant/chat_completions.py``
  (the stream's close). The private methods overridden (of openai-chatkit too) are in
  ``assistant/library_hooks.py``, checked against the installed release by its test.
- openai: ``serverext/sdk_stand_ins.py`` (the Responses stream helpers),
  ``assistant/openai_client.py`` (the skipped transform of plain parameters),
  ``assistant/chat_completions.py`` and ``assistant/responses_model.py`` (their streams'
  ``_cast_to`` and ``_decoder``).
- httpx2: ``assistant/openai_client.py`` (the merged headers).
- openai-chatkit: ``assistant/event_merge.py`` (its ``_merge_generators`` replaced).
"""

AGENTS = "0.24.0"
OPENAI = "3.57.0"
HTTPX2 = "2.16.2"
CHATKIT = "1.6.5"
