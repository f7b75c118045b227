import type { ChatHandle, ChatSession } from "../../src/index";

/**
 * The sidebar's chat handle over a real ChatSession, for node tests of what follows it
 * (threads.ts): opening, new threads, and the shown thread's id changes as the chat
 * (ui/chat.ts) reports them, each once.
 */
export function chatOver(session: ChatSession): ChatHandle {
  return {
    session,
    get threadId() {
      return session.threadId;
    },
    openThread: (id: string) => session.openThread(id),
    newThread: () => session.newThread(),
    onThreadChange: (cb: (id: string | null) => void) => {
      let shown = session.threadId;
      return session.subscribe(() => {
        if (session.threadId !== shown) cb((shown = session.threadId));
      });
    },
    onAnswer: (cb: () => void) => session.subscribe((e) => e.type === "answer" && cb()),
    preparing: false,
    onPrepared: () => () => undefined,
  } as unknown as ChatHandle;
}
