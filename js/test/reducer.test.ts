import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyEvent,
  completeToolCall,
  emptyState,
  errorEventMessage,
  lastAnswer,
  messageText,
  settleStopped,
  STOPPED_NOTE,
  type ThreadState,
} from "../src/client/reducer";
import { SSEParser } from "../src/client/sse";
import type { ErrorEvent, ThreadItem, ThreadStreamEvent, WidgetItem } from "../src/client/types";
import { bytes, chunked, fixtures } from "./helpers";

/** An event as a server might send it, outside what chatkit.types declares. */
const wire = (event: object): ThreadStreamEvent => event as ThreadStreamEvent;

function events(sse: string, size = 17): ThreadStreamEvent[] {
  const p = new SSEParser();
  const out: ThreadStreamEvent[] = [];
  for (const c of chunked(bytes(sse), size)) for (const m of p.push(c)) out.push(JSON.parse(m.data));
  return out;
}

function run(state: ThreadState, sse: string): ThreadState {
  return events(sse).reduce(applyEvent, state);
}

test("create stream builds the thread the server stored", () => {
  let s = run(emptyState(), fixtures.create);
  assert.equal(s.thread?.id, "thr_0001");
  assert.deepEqual(s.streamOptions, { allow_cancel: true });
  assert.equal(s.notices.length, 1);
  assert.equal(s.notices[0].title, "Note");
  const call = s.items.at(-1)!;
  assert.equal(call.type, "client_tool_call");
  assert.equal(call.type === "client_tool_call" && call.status, "pending");
  // Client answers the tool; the server saves it but sends no event for it.
  s = completeToolCall(s, call.id, { variables: [{ name: "df" }] });
  s = run(s, fixtures.toolOutput);
  assert.equal(s.thread?.title, "Loading data");
  assert.deepEqual(s.items, fixtures.threadAfterTool.items.data);
  assert.ok(lastAnswer(s).startsWith("Here is how to load the data:"));
  assert.ok(lastAnswer(s).endsWith("\n\nThe kernel has `df` (a DataFrame, 3 rows)."));
  assert.equal(s.error, null);
});

test("streaming widget text deltas equal the final widget", () => {
  const evs = events(fixtures.create);
  let s = emptyState();
  let sawDelta = false;
  for (const ev of evs) {
    s = applyEvent(s, ev);
    if (ev.type === "thread.item.updated" && ev.update.type === "widget.streaming_text.value_delta") {
      sawDelta = true;
    }
    if (ev.type === "thread.item.updated" && ev.update.type === "widget.root.updated") {
      // Just before the root update, deltas alone must have produced the same text.
      break;
    }
  }
  assert.ok(sawDelta);
  const w = s.items.find((i) => i.type === "widget") as WidgetItem;
  const md = (w.widget.children as any[])[1];
  assert.equal(md.value, "Run `df.head()` to **preview** rows.");
});

test("unchanged items keep identity across updates", () => {
  const evs = events(fixtures.create);
  let s = emptyState();
  for (const ev of evs.slice(0, 12)) s = applyEvent(s, ev);
  const user = s.items[0];
  const next = applyEvent(s, evs[12]);
  assert.equal(next.items[0], user);
  assert.notEqual(next, s);
});

test("replaced, removed, effects and errors", () => {
  let s = run(emptyState(), fixtures.create);
  s = run(completeToolCall(s, s.items.at(-1)!.id, {}), fixtures.toolOutput);
  const before = s;
  s = run(s, fixtures.customAction);
  const w = s.items.find((i) => i.type === "widget") as WidgetItem;
  const badges = JSON.stringify(w.widget);
  assert.ok(badges.includes('"inserted"'));
  assert.equal(s.items.length, before.items.length);
  s = run(s, fixtures.error);
  assert.equal(s.error?.message, "The model is unavailable right now.");
  assert.equal(s.error?.allow_retry, true);
  assert.equal(s.progress, null);
  assert.deepEqual(s.items.map((i) => i.id), fixtures.thread.items.data.map((i: any) => i.id));
  s = run(s, fixtures.remove);
  assert.ok(!s.items.some((i) => i.id === "wf_0003"));
});

test("progress shows until output arrives", () => {
  const evs = events(fixtures.create);
  let s = emptyState();
  let sawProgress = false;
  for (const ev of evs) {
    s = applyEvent(s, ev);
    if (ev.type === "progress_update") {
      assert.equal(s.progress?.text, "Reading your notebook…");
      sawProgress = true;
    }
  }
  assert.ok(sawProgress);
  assert.equal(s.progress, null);
});

test("deltas for an index not yet added are padded, annotations inserted", () => {
  let s = applyEvent(emptyState(), {
    type: "thread.item.added",
    item: { type: "assistant_message", id: "m", thread_id: "t", created_at: "", content: [] },
  });
  s = applyEvent(s, {
    type: "thread.item.updated",
    item_id: "m",
    update: { type: "assistant_message.content_part.text_delta", content_index: 1, delta: "hi" },
  });
  s = applyEvent(s, {
    type: "thread.item.updated",
    item_id: "m",
    update: {
      type: "assistant_message.content_part.annotation_added",
      content_index: 1,
      annotation_index: 0,
      annotation: { type: "annotation", source: { type: "url", url: "https://x", title: "x" } },
    },
  });
  const m = s.items[0];
  assert.equal(m.type, "assistant_message");
  if (m.type === "assistant_message") {
    assert.equal(m.content.length, 2);
    assert.equal(m.content[1].text, "hi");
    assert.equal(m.content[1].annotations?.length, 1);
  }
  // Unknown item ids and unknown events leave the state alone.
  const same = applyEvent(s, {
    type: "thread.item.updated",
    item_id: "nope",
    update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" },
  });
  assert.equal(same, s);
  assert.equal(applyEvent(s, wire({ type: "client_effect", name: "x" })), s);
});

test("error events without a message read as their code, never a generic line", () => {
  // Events as a server may send them: ChatKit's codes are an open list.
  const stream = applyEvent(emptyState(), { type: "error", code: "stream.error", allow_retry: true });
  assert.match(stream.error?.message ?? "", /error on the server/);
  assert.match(stream.error?.message ?? "", /Try again/);
  assert.equal(stream.error?.allow_retry, true);
  const custom = applyEvent(emptyState(), { type: "error", code: "custom", allow_retry: false });
  assert.match(custom.error?.message ?? "", /could not finish/);
  assert.doesNotMatch(custom.error?.message ?? "", /Try again/);
  const unknown = applyEvent(emptyState(), wire({ type: "error", code: "quota.exceeded" }));
  assert.match(unknown.error?.message ?? "", /quota\.exceeded/);
  // The server's own words win.
  const ours = applyEvent(emptyState(), wire({ type: "error", code: "custom", message: "The model took too long." }));
  assert.equal(ours.error?.message, "The model took too long.");
  for (const s of [stream, custom, unknown]) assert.doesNotMatch(s.error?.message ?? "", /Something went wrong/);
  assert.equal(errorEventMessage(wire({ type: "error", code: "stream.error" }) as ErrorEvent).length > 20, true);
});

test("settleStopped marks a kept answer as the server stores it, once", () => {
  const at = "2025-01-02T03:04:09";
  const answer = (id: string, texts: string[]): ThreadItem => ({
    id, thread_id: "thr_0001", created_at: at, type: "assistant_message",
    content: texts.map((text) => ({ type: "output_text", text, annotations: [] })),
  }) as ThreadItem;
  const state: ThreadState = {
    ...emptyState(),
    items: [answer("done", ["Earlier."]), answer("a", ["Half an  "]), answer("b", ["Text.", " "])],
  };
  const once = settleStopped(state, new Set(["a", "b"]));
  const texts = once.items.map((i) => (i.type === "assistant_message" ? messageText(i) : ""));
  // Like partial.mark_partial: trailing space dropped, an empty last part becomes the note.
  assert.deepEqual(texts, ["Earlier.", `Half an\n\n${STOPPED_NOTE}`, `Text.\n\n${STOPPED_NOTE}`]);
  assert.equal(once.items[0], state.items[0], "a finished answer is left as it is");
  const twice = settleStopped(once, new Set(["a", "b"]));
  assert.equal(twice, once, "marking again changes nothing");
});

test("settleStopped closes a code block the answer stopped inside before its note", () => {
  // Before, the note went into the code: Copy and Insert put "*[Stopped.]*" in a cell.
  const at = "2025-01-02T03:04:09";
  const cases: [string, string][] = [
    ["Code:\n\n```python\nimport pandas as pd\ndf.gro", "Code:\n\n```python\nimport pandas as pd\ndf.gro\n```"],
    ["~~~~\n```\nx = 1", "~~~~\n```\nx = 1\n~~~~"],
    ["```\na\n```\n\nThen:\n\n```", "```\na\n```\n\nThen:\n\n```\n```"],
    ["```\na\n```\nAll closed.", "```\na\n```\nAll closed."],
    ["```df.head()``` shows rows; then", "```df.head()``` shows rows; then"],
  ];
  for (const [text, closed] of cases) {
    const state: ThreadState = {
      ...emptyState(),
      items: [
        {
          id: "a", thread_id: "thr_0001", created_at: at, type: "assistant_message",
          content: [{ type: "output_text", text, annotations: [] }],
        } as ThreadItem,
      ],
    };
    const [item] = settleStopped(state, new Set(["a"])).items;
    assert.equal(item.type === "assistant_message" ? messageText(item) : "", `${closed}\n\n${STOPPED_NOTE}`);
  }
});
