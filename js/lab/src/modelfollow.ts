/**
 * The panel's model label follows the model that answers. The server's model is read
 * once at start-up; Jupyter restarted with another model (`JUPYTER_CHATKIT_MODEL`) while
 * the page stayed open, the label kept the old name until a reload, the next message
 * answered by the new one. It is read again as each turn starts (the server answers it
 * then: one small GET per turn), the latest read winning.
 */

/** The page's turns as `onTurnSignals` (client/turnsignal.ts) tells them. */
export type TurnListen = (listener: (turn: { phase: "started" | "ended" }) => void) => () => void;

/**
 * Call `apply` with what `read` says of the server's model each time a turn starts
 * (`turns`); a read that fails (null) leaves the label as it is, and a read overtaken by
 * a later one is dropped. Returns the remover.
 */
export function followServerModel<T>(read: () => Promise<T | null>, apply: (info: T) => void, turns: TurnListen): () => void {
  let asked = 0;
  let stopped = false;
  const stop = turns((turn) => {
    if (turn.phase !== "started") return;
    const mine = ++asked;
    read().then(
      (info) => {
        if (info !== null && mine === asked && !stopped) apply(info);
      },
      () => undefined, // not read this time: the next turn reads it again
    );
  });
  return () => {
    stopped = true;
    stop();
  };
}
