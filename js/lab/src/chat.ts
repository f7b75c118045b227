/**
 * The one place that knows the shared chat UI's API (js/src/index.ts), so a change
 * there is a change here only.
 */

import { PageConfig } from "@jupyterlab/coreutils";
import { createChat, fetchTransport } from "../../src/index";
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
    const chat = createChat(host, {
      transport,
      clientTools: link.clientTools(),
      // Code-card and code-block insertions (the UI calls this only on a click).
      insertCell: (code, opts) => link.insert(code, { run: !!opts?.run }),
      onEffect: (name, data) => {
        void link.effect(name, data);
      },
      title: "Notebook Assistant",
      placeholder: placeholderFor(options.sendShortcut()),
    });
    const stopReplace = installReplaceButtons(host, (code) => link.replaceActive(code), options.notify);
    return {
      send: (text) => chat.send(text),
      newThread: () => chat.newThread(),
      openThread: (id) => chat.openThread(id),
      dispose: () => {
        stopReplace();
        stopSendKey();
        chat.dispose();
      },
    };
  };
}
