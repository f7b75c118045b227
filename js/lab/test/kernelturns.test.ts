/**
 * Node tests of the sidebar following the kernel's turns (kernelturns.ts) and of the room
 * it keeps under JupyterLab's toasts (toastroom.ts): which kernel messages show a turn in
 * the chat. The end-to-end behaviour runs in real JupyterLab
 * (tests/browser/test_widget_views_lab.py, test_sidebar.py).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signal } from "@lumino/signaling";
import type { ThreadStreamEvent } from "../../src/client/types";
import { ANSWER_MIME } from "../src/answermime";
import { answeredThread, followKernelTurns, type KernelTurnChat, relayedEvent, streamingAnswer } from "../src/kernelturns";
import { coveredBottom } from "../src/toastroom";

type Msg = Parameters<typeof relayedEvent>[0];

/** A kernel IOPub message of `type` with `content`. */
function iopub(type: string, content: Record<string, unknown>, parent = "run-1"): Msg {
  const msg = { header: { msg_type: type }, parent_header: { msg_id: parent }, content, channel: "iopub" };
  return msg as unknown as Msg;
}

/** An update of a `%chat` answer's output while it streams, from execution `parent`. */
function streaming(parent: string): Msg {
  return iopub("update_display_data", { data: { [ANSWER_MIME]: { streaming: true, markdown: "Hi" } } }, parent);
}

/** The comm message a kernel sends a `%chat` widget's views for one stream event. */
function relayed(event: Record<string, unknown>): Msg {
  const custom = { type: "thread.event", data: JSON.stringify(event) };
  return iopub("comm_msg", { comm_id: "c", data: { method: "custom", content: custom } });
}

const userMessage = (thread: string): Record<string, unknown> => ({
  type: "thread.item.done",
  item: { id: `u-${thread}`, type: "user_message", thread_id: thread, content: [] },
});
const delta = { type: "thread.item.updated", item_id: "a1", update: { type: "assistant_message.content_part.text_delta" } };

test("relayedEvent reads only the widget protocol's custom thread events", () => {
  assert.equal(relayedEvent(relayed(userMessage("t1")))?.type, "thread.item.done");
  assert.equal(relayedEvent(iopub("comm_msg", { data: { method: "update", state: {} } })), null);
  const other = { method: "custom", content: { type: "chat.answer", data: "{}" } };
  assert.equal(relayedEvent(iopub("comm_msg", { data: other })), null);
  const broken = { method: "custom", content: { type: "thread.event", data: "{not json" } };
  assert.equal(relayedEvent(iopub("comm_msg", { data: broken })), null);
  assert.equal(relayedEvent(iopub("stream", { name: "stdout", text: "thread.event" })), null);
});

test("answeredThread names the thread of a finished answer only", () => {
  const done = { [ANSWER_MIME]: { streaming: false, thread_id: "t1" } };
  assert.equal(answeredThread(iopub("update_display_data", { data: done })), "t1");
  assert.equal(answeredThread(iopub("display_data", { data: done })), "t1");
  const streaming = { [ANSWER_MIME]: { streaming: true, thread_id: "t1" } };
  assert.equal(answeredThread(iopub("update_display_data", { data: streaming })), null);
  assert.equal(answeredThread(iopub("display_data", { data: { "text/plain": "x" } })), null);
  assert.equal(answeredThread(iopub("comm_msg", { data: done })), null);
});

/** A sidebar chat showing `threadId`, and what the kernel's messages did to it. */
function sidebar(threadId: string | null) {
  const applied: ThreadStreamEvent[] = [];
  const opened: string[] = [];
  const remembered: string[] = [];
  const chat = {
    preparing: false,
    session: {
      threadId,
      busy: false,
      apply: (event: ThreadStreamEvent) => void applied.push(event),
      openThread: async (id: string) => void opened.push(id),
    },
  };
  const iopubMessage = new Signal<object, Msg>({});
  const link = { panel: { isDisposed: false, sessionContext: { iopubMessage } }, changed: new Signal<object, null>({}) };
  const stop = followKernelTurns(chat as unknown as KernelTurnChat, link as never, (id) => void remembered.push(id));
  return { chat, applied, opened, remembered, send: (msg: Msg) => iopubMessage.emit(msg), stop };
}

test("a kernel turn in the thread shown is applied as it comes; another thread's is not", () => {
  const s = sidebar("t1");
  s.send(relayed(userMessage("t1")));
  s.send(relayed(delta)); // names no thread: follows the turn it belongs to
  s.send(relayed({ type: "client_effect", name: "insert", data: {} })); // its page's own
  s.send(relayed(userMessage("t2")));
  s.send(relayed(delta));
  assert.deepEqual(
    s.applied.map((e) => e.type),
    ["thread.item.done", "thread.item.updated"],
  );
  // Its answer's final output: the thread is read again as saved.
  s.send(iopub("update_display_data", { data: { [ANSWER_MIME]: { streaming: false, thread_id: "t1" } } }));
  s.send(iopub("update_display_data", { data: { [ANSWER_MIME]: { streaming: false, thread_id: "t2" } } }));
  assert.deepEqual(s.opened, ["t1"]);
  s.stop();
  s.send(relayed(userMessage("t1")));
  assert.equal(s.applied.length, 2);
});

test("nothing is applied while the sidebar answers or readies a message of its own", () => {
  const s = sidebar("t1");
  s.chat.session.busy = true;
  s.send(relayed(userMessage("t1")));
  s.send(iopub("display_data", { data: { [ANSWER_MIME]: { streaming: false, thread_id: "t1" } } }));
  s.chat.session.busy = false;
  s.chat.preparing = true;
  s.send(relayed(userMessage("t1")));
  assert.deepEqual([s.applied, s.opened], [[], []]);
});

test("a kernel answer starting to stream reads the thread shown again, once per answer", () => {
  // Followed live from there when the server runs the turn (TURN.WATCH in openThread).
  const s = sidebar("t1");
  assert.equal(streamingAnswer(streaming("run-1")), "run-1");
  assert.equal(streamingAnswer(iopub("display_data", { data: { [ANSWER_MIME]: { streaming: true } } })), null);
  s.send(streaming("run-1"));
  s.send(streaming("run-1"));
  s.chat.session.busy = true; // following it
  s.send(streaming("run-2"));
  s.chat.session.busy = false;
  s.send(streaming("run-3"));
  assert.deepEqual(s.opened, ["t1", "t1"]);
  // No thread shown: nothing to read.
  const empty = sidebar(null);
  empty.send(streaming("run-1"));
  assert.deepEqual(empty.opened, []);
});

test("coveredBottom: how far toasts cover the panel's bottom", () => {
  const panel = { top: 40, bottom: 880, left: 1100, right: 1370, height: 840 };
  const toast = (top: number, left = 1060, height = 100) => ({ top, bottom: top + height, left, right: left + 320, height });
  assert.equal(coveredBottom(panel, toast(780)), 100);
  assert.equal(coveredBottom(panel, null), 0);
  assert.equal(coveredBottom(panel, { ...toast(780), height: 0 }), 0); // no toast in it
  assert.equal(coveredBottom(panel, toast(780, 500)), 0); // beside the panel (sidebar on the left)
  assert.equal(coveredBottom(panel, toast(900)), 0); // below it
  // A tall stack leaves the chat half the panel at least.
  assert.equal(coveredBottom(panel, toast(100, 1060, 780)), 420);
});

test("a conversation the kernel's turn created (%%chat --new) is opened once, when none is shown", () => {
  const created = (parent: string, thread: string): Msg =>
    iopub("update_display_data", { data: { [ANSWER_MIME]: { streaming: true, new_thread: thread } } }, parent);
  const s = sidebar(null);
  s.send(streaming("run-new"));
  s.send(created("run-new", "new"));
  s.send(created("run-new", "new"));
  // Opened once; nothing shown before to read again.
  assert.deepEqual(s.opened, ["new"]);
  // Not while the sidebar answers or readies its own message.
  const busy = sidebar(null);
  busy.chat.session.busy = true;
  busy.send(created("run-2", "new"));
  assert.deepEqual(busy.opened, []);
  s.stop();
  busy.stop();
});

test("a conversation the kernel's turn created leaves the one shown on screen, remembered for the notebook", () => {
  // `%chat QUESTION` (a first question) or `%%chat --new` while the person reads or
  // writes in the sidebar's conversation: it was switched away mid-use.
  const created = (parent: string, thread: string): Msg =>
    iopub("update_display_data", { data: { [ANSWER_MIME]: { streaming: true, new_thread: thread } } }, parent);
  const s = sidebar("mine");
  s.send(streaming("run-new"));
  s.send(created("run-new", "magic"));
  s.send(created("run-new", "magic"));
  s.send(streaming("run-new"));
  // Only the first update read the shown thread again (as any kernel answer's does).
  assert.deepEqual(s.opened, ["mine"]);
  assert.equal(s.chat.session.threadId, "mine");
  // The notebook's conversation next time (the sidebar opened, the notebook attached).
  assert.deepEqual(s.remembered, ["magic"]);
  s.stop();
});
