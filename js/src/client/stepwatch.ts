/**
 * An Agent step's card waiting in this page learns, without a click, what another page
 * (another tab, browser or machine of the same person) did with the same step: began it,
 * or sent its result. The server tells every page showing the thread through the page's
 * `TURN.CHANGES` long-poll (threadwatch.ts); a page that begins a step wakes it
 * (`TURN.STEP_STARTED`), and so does the turn its result starts. Before, the card knew
 * only when clicked (stepstarts.ts asks the server then).
 *
 * On such a word for the thread a card waits in, the page asks whether the step still
 * waits (one `items.list` of the newest item): answered, the card shows the outcome (the
 * thread is opened again: `answered`); begun elsewhere, it says so and offers to read
 * what the cell shows or to run it again on a click (`begun`).
 */

import type { LiveStep } from "./approvals";
import type { ChatSession } from "./session";
import { answeredElsewhere } from "./stepstarts";
import { onTurnSignals, type TurnSignal } from "./turnsignal";

/**
 * Follow the server's word on the steps waiting in `live` (a StepApprovals' map, by item
 * id) for `session`'s thread; returns how to stop.
 */
export function watchStepsElsewhere(session: ChatSession, live: ReadonlyMap<string, LiveStep>): () => void {
  const checking = new Set<string>();
  const check = async (id: string, step: LiveStep, heard: TurnSignal): Promise<void> => {
    checking.add(id);
    try {
      const answered = await answeredElsewhere(session, { id, thread_id: heard.threadId }, new AbortController().signal);
      // Decided here meanwhile (a click, Stop): that decision stands.
      if (live.get(id) !== step || !step.decide) return;
      if (answered) step.decide("answered");
      else if (!step.begun && heard.stepStarted === id) step.decide("begun");
    } finally {
      checking.delete(id);
    }
  };
  return onTurnSignals((heard) => {
    // The server's word only (it alone knows what other browsers did).
    if (heard.lastItemId === undefined || heard.threadId !== session.threadId) return;
    for (const [id, step] of live) {
      if (step.phase === "waiting" && step.decide && !checking.has(id)) void check(id, step, heard);
    }
  });
}
