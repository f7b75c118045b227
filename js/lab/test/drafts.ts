/** Test helper: the sidebar's draft checks (kernelguard.ts `precheckDrafts`) on a box
 * holding `text`, with the notebook session `session()` gives; `runs()`: the checks
 * started so far (each reads the box first). */
import { precheckDrafts } from "../src/kernelguard";

export function drafts(session: () => unknown, text = "hello") {
  const g = globalThis as { document?: unknown };
  g.document ??= { activeElement: null };
  let runs = 0;
  const host = {
    addEventListener() {},
    removeEventListener() {},
    contains: () => false,
    querySelector: () => {
      runs += 1;
      return { value: text };
    },
  };
  const checks = precheckDrafts({
    chat: { session: { threadId: "thr_1", model: null } } as never,
    host: host as never,
    chips: () => [],
    session: () => session() as never,
  });
  return { ...checks, runs: () => runs };
}

/** A chat request sending `text` into thread `thr_1`, as the sidebar's transport gets it. */
export function userMessage(text: string) {
  return {
    type: "threads.add_user_message",
    params: {
      thread_id: "thr_1",
      input: { content: [{ type: "input_text", text }], attachments: [], inference_options: {} },
    },
  };
}
