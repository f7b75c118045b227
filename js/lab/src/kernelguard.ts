/**
 * What the browser read from a notebook passes the notebook's kernel before the model
 * gets it (kernel.ts `hideKernelSecrets`): the kernel knows the values it holds under
 * secret names, and hides them where an output shows one with no name beside it.
 *
 * Two doors: every request of the sidebar's chat that carries the person's input (the
 * message, its context chips, a structured input or action), and every notebook tool's
 * result (tools.ts `runNotebookTool`: the sidebar's, the `%chat` widget's through the
 * bridge, Agent mode's). The kernel tools' results are made by the kernel itself.
 */

import type { ISessionContext } from "@jupyterlab/apputils";
import type { ContextRef, Transport } from "../../src/index";
import { GUARD_BUSY_WAIT_MS, hideKernelSecrets } from "./kernel";

/** A session context, looked up when it is needed (the followed notebook changes). */
export type SessionSource = () => ISessionContext | null | undefined;

/** ChatKit requests that carry what the person sends (text, chips, actions). */
const CARRY_INPUT = new Set([
  "threads.create",
  "threads.add_user_message",
  "threads.add_structured_input",
  "threads.custom_action",
]);

/** `value` as the kernel of `session` lets it go to the model (see kernel.ts). */
export function guardValue(session: ISessionContext | null | undefined, value: unknown): Promise<unknown> {
  return hideKernelSecrets(session, value, { busyWaitMs: GUARD_BUSY_WAIT_MS });
}

/** `transport` whose requests carrying input pass the kernel of `session()` first. */
export function guardedTransport(transport: Transport, session: SessionSource): Transport {
  return {
    async send(body: object, signal?: AbortSignal) {
      const request = body as { type?: unknown; params?: unknown };
      if (typeof request.type !== "string" || !CARRY_INPUT.has(request.type) || !request.params) {
        return transport.send(body, signal);
      }
      const params = await guardValue(session(), request.params);
      return transport.send({ ...request, params }, signal);
    },
  };
}

/** `ref` whose content passes the kernel of `session()` (a `%chat` widget's chips). */
export function guardedRef(ref: ContextRef, session: SessionSource): ContextRef {
  return { ...ref, resolve: async () => guardValue(session(), await ref.resolve()) };
}
