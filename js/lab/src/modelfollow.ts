/**
 * The panel's model label follows the model that answers. The server's model is read
 * once at start-up; Jupyter restarted with another model (`JUPYTER_CHATKIT_MODEL`) while
 * the page stayed open, the label kept the old name until a reload, the next message
 * answered by the new one. It is read again when a turn ends, off the turn's way (a read
 * as the turn starts reached the server with the message, on the same event loop), in a
 * page that is shown, at most once in {@link MIN_GAP_MS} after a read that answered (the
 * page hears the turns of every chat of its own and of the other tabs): the latest read
 * wins.
 */

/** The page's turns as `onTurnSignals` (client/turnsignal.ts) tells them. */
export type TurnListen = (listener: (turn: { phase: "started" | "ended" }) => void) => () => void;

/** The least time between two reads that answered. */
export const MIN_GAP_MS = 15_000;

/** When the page reads: its clock, and whether it is shown. */
export interface FollowOptions {
  now?: () => number;
  shown?: () => boolean;
}

const pageShown = (): boolean => typeof document === "undefined" || document.visibilityState !== "hidden";

/**
 * Call `apply` with what `read` says of the server's model each time a turn ends
 * (`turns`), in a shown page, at most once in {@link MIN_GAP_MS}; a read that fails
 * (null) leaves the label as it is (and the next turn's end reads again), and a read
 * overtaken by a later one is dropped. Returns the remover.
 */
export function followServerModel<T>(
  read: () => Promise<T | null>,
  apply: (info: T) => void,
  turns: TurnListen,
  options: FollowOptions = {},
): () => void {
  const now = options.now ?? Date.now;
  const shown = options.shown ?? pageShown;
  let asked = 0;
  let answeredAt = Number.NEGATIVE_INFINITY;
  let stopped = false;
  const stop = turns((turn) => {
    if (turn.phase !== "ended" || !shown() || now() - answeredAt < MIN_GAP_MS) return;
    const mine = ++asked;
    read().then(
      (info) => {
        if (info === null || stopped) return;
        answeredAt = now();
        if (mine === asked) apply(info);
      },
      () => undefined, // not read this time: the next turn's end reads it again
    );
  });
  return () => {
    stopped = true;
    stop();
  };
}
