import type { ChatHandle, ChatSession } from "../../src/index";

/**
 * The sidebar's chat handle over a real ChatSession, for node tests of what follows it
 * (threads.ts): opening, new threads, and the shown thread's id changes as the chat
 * (ui/chat.ts) reports them, each once. `send` readies and sends as the chat's composer
 * does: `preparing` while readied (here, one turn of the event loop: the chips), then the
 * session's send (busy from there), then `onPrepared`'s listeners, as the message went
 * (or stayed, the session being busy already).
 */
export function chatOver(session: ChatSession): ChatHandle {
  let preparing = false;
  const prepared = new Set<() => void>();
  const send = async (text: string): Promise<void> => {
    if (session.busy || preparing) return;
    preparing = true;
    let sending: Promise<void> | null = null;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (!session.busy) sending = session.send(text);
    } finally {
      preparing = false;
      for (const cb of [...prepared]) cb();
    }
    await sending;
  };
  return {
    session,
    get threadId() {
      return session.threadId;
    },
    send,
    openThread: (id: string) => session.openThread(id),
    newThread: () => session.newThread(),
    onThreadChange: (cb: (id: string | null) => void) => {
      let shown = session.threadId;
      return session.subscribe(() => {
        if (session.threadId !== shown) cb((shown = session.threadId));
      });
    },
    onAnswer: (cb: () => void) => session.subscribe((e) => e.type === "answer" && cb()),
    get preparing() {
      return preparing;
    },
    onPrepared: (cb: () => void) => {
      prepared.add(cb);
      return () => prepared.delete(cb);
    },
  } as unknown as ChatHandle;
}
