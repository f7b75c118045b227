/**
 * A message sent by a command (the error buttons, the cell menu, slash commands) rather
 * than typed: the chat drops a send while it answers or readies another message, so the
 * person is told instead of the click doing nothing.
 */

import type { ChatHandle, MessagePart } from "../../src/index";

/** Said when the chat is answering. */
export const STILL_ANSWERING = "The assistant is still answering; send again when it has finished.";
/** Said when another message is being readied (its context read, its files uploaded). */
export const STILL_PREPARING = "Your last message is still being prepared; send again when it has gone.";

/** Send `text` to `chat`, or `notify` why it cannot take it now. */
export async function sendFromCommand(
  chat: Pick<ChatHandle, "session" | "preparing" | "send">,
  text: string | readonly MessagePart[],
  notify: (message: string) => void,
): Promise<void> {
  if (chat.session.busy) {
    notify(STILL_ANSWERING);
    return;
  }
  if (chat.preparing) {
    notify(STILL_PREPARING);
    return;
  }
  await chat.send(text);
}
