/**
 * A new conversation's model title (title_threads = "model") streams after the first
 * answer; a first turn that ended otherwise (stopped: the stream closed; failed) left
 * the thread marked `title_pending`. It is asked for once per session (however many
 * chats show it): get_by_id answers when the title is written.
 */

import { type ChatSession, perSession } from "../client/session";
import type { Thread } from "../client/types";

/** Per session, the threads whose owed title was asked for. */
const asked = new WeakMap<ChatSession, Set<string>>();

/** Ask for the shown thread's owed title, if it is owed and not asked yet; `alive`: the chat still shows. */
export async function askOwedTitle(session: ChatSession, alive: () => boolean): Promise<void> {
  const meta = session.state.thread;
  const ids = perSession(asked, session, () => new Set<string>());
  if (!meta?.metadata?.title_pending || ids.has(meta.id)) return;
  const id = meta.id;
  ids.add(id);
  try {
    const thread = await session.request<Thread>({ type: "threads.get_by_id", params: { thread_id: id } });
    const now = session.state.thread;
    if (!alive() || !now || now.id !== id || !now.metadata?.title_pending) return;
    session.apply({ type: "thread.updated", thread: { ...thread, items: { data: [], has_more: false } } });
  } catch (err) {
    console.warn("jupyter-chatkit: could not ask for the conversation's title", err);
  }
}
