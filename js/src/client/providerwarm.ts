/**
 * Telling the server a person is writing a message (`TURN.WARM`), so the model's
 * connection to its provider, closed while they paused (a provider's idle timeout, the
 * server's keep-alive expiry), is opened again before Enter instead of on the turn's
 * path (assistant/provider_warm.py). At most every {@link WARM_EVERY_MS} while they
 * type, never while a turn streams (its request holds the connection); the answer is
 * not waited for and a failure is ignored: the turn opens the connection itself then.
 */

import { TURN } from "../protocol";
import type { NonStreamingReq } from "./types";

/** The shortest time between two words to the server (the server's WARM_AFTER is 4 s). */
export const WARM_EVERY_MS = 4000;

/** What the warmer needs of a session. */
export interface WarmSession {
  readonly busy: boolean;
  request<T>(req: NonStreamingReq): Promise<T>;
}

/** A function to call as a person writes (each input in the box) in `session`'s chat. */
export function providerWarmer(session: WarmSession, now: () => number = Date.now): () => void {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    if (session.busy || t - last < WARM_EVERY_MS) return;
    last = t;
    // One of our own requests (protocol.py, Turn), next to ChatKit's on the same endpoint.
    const req = { type: TURN.WARM, params: {} } as unknown as NonStreamingReq;
    session.request(req).catch(() => undefined);
  };
}
