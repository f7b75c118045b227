/** The MIME type of a `%chat` answer's output (kernel/live.py), on its own: read by the
 * answer renderer (answer.ts) and by the sidebar following kernel turns (kernelturns.ts). */
export const ANSWER_MIME = "application/vnd.jupyter-chatkit.answer+json";
