/**
 * The one place that knows the shared chat UI's API (js/src/index.ts), so a change
 * there is a change here only.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import { createChat, fetchTransport } from "../../src/index";
import { toPosition } from "./edits";
import type { NotebookLink } from "./link";
import type { ChatFactory, ChatHandle } from "./panel";
import { installReplaceButtons } from "./replacebuttons";
import { installSendKey, placeholderFor } from "./sendkey";

/** How the person sends a message from the composer. */
export type SendShortcut = "Enter" | "Accel Enter";

/** Options of {@link chatFactory}. */
export interface ChatFactoryOptions {
  link: NotebookLink;
  /** The current send-shortcut setting (read on every key press). */
  sendShortcut: () => SendShortcut;
  /** Show a short message in the panel. */
  notify: (text: string) => void;
}

/** The last open thread, per Jupyter server (base URL), in this browser. */
const lastThread = {
  key: (): string => `jupyter-chatkit:last-thread:${PageConfig.getBaseUrl()}`,
  get(): string | null {
    try {
      return window.localStorage.getItem(this.key());
    } catch {
      return null; // storage disabled
    }
  },
  set(id: string | null): void {
    try {
      if (id) window.localStorage.setItem(this.key(), id);
      else window.localStorage.removeItem(this.key());
    } catch {
      // storage disabled: nothing to remember
    }
  },
};

/** A factory creating the chat UI wired to the Jupyter server and the current notebook. */
export function chatFactory(options: ChatFactoryOptions): ChatFactory {
  const { link } = options;
  return (host: HTMLElement): ChatHandle => {
    const token = PageConfig.getToken();
    const transport = fetchTransport({
      baseUrl: PageConfig.getBaseUrl(),
      ...(token ? { token } : {}),
    });
    const stopSendKey = installSendKey(host, options.sendShortcut);
    const remembered = lastThread.get();
    const chat = createChat(host, {
      transport,
      clientTools: link.clientTools(),
      // Code-card and code-block insertions (the UI calls this only on a click).
      // `position` is forwarded for when the UI passes the effect's position through.
      insertCell: (code, opts) =>
        link.insert(code, {
          run: !!opts?.run,
          position: toPosition((opts as { position?: unknown } | undefined)?.position),
        }),
      onEffect: (name, data) => {
        void link.effect(name, data);
      },
      title: "Notebook Assistant",
      placeholder: placeholderFor(options.sendShortcut()),
      initialThreadId: remembered,
    });
    // Reopen the same conversation after a reload (threads live on the server, per user).
    const stopRemember = chat.onThreadChange((id) => lastThread.set(id));
    const stopReplace = installReplaceButtons(host, (code) => link.replaceActive(code), options.notify);
    return {
      send: async (text) => {
        // The UI ignores a send while it is answering; say so instead of dropping it.
        if (chat.session.busy) {
          options.notify("The assistant is still answering; send again when it has finished.");
          return;
        }
        await chat.send(text);
      },
      newThread: () => chat.newThread(),
      openThread: (id) => chat.openThread(id),
      dispose: () => {
        stopRemember();
        stopReplace();
        stopSendKey();
        chat.dispose();
      },
    };
  };
}
