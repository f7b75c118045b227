/**
 * The output of `%chat QUESTION` / `%%chat` (kernel/live.py): a MIME renderer for
 * `application/vnd.jupyter-chatkit.answer+json`, preferred over the bundle's
 * `text/markdown` where this extension is installed. It shows the same Markdown with the
 * chat's code blocks (Copy, Insert, Insert & run); Insert puts the code below the cell
 * that holds this output (the magic's own cell), not below whatever cell is active.
 * Under a finished answer, the chat's "Read:" line (js/src/ui/readline.ts, the same
 * code): what the kernel's tools read for it and how many values they hid.
 *
 * Only a trusted output (made in this session, or in a notebook the person trusted) gets
 * Insert and Insert & run: an untrusted one (a notebook from someone else, opened as it
 * was saved) could hold any code dressed as the assistant's answer. It is shown the
 * same, sanitized, with Copy only and a note saying why.
 *
 * The bundle's Markdown stays the saved notebook's meaning: other front ends, nbconvert
 * and GitHub show it with fenced code.
 */

import type { INotebookTracker } from "@jupyterlab/notebook";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import type { ClientToolCallItem, CodeActions, MarkdownView, ThreadItem } from "../../src/index";
import { ANSWER_MIME } from "./answermime";
import { insertCode } from "./edits";
import { targetOfElement } from "./locate";

/** The MIME type kernel/live.py puts in an answer's bundle. */
export { ANSWER_MIME };

/** Ahead of text/markdown (60): lower ranks win. */
export const ANSWER_RANK = 40;

/** What kernel/live.py sends under {@link ANSWER_MIME}. */
interface AnswerData {
  markdown?: unknown;
  streaming?: unknown;
  /** The tool calls the kernel answered, as kernel/client.py `read_call` keeps them. */
  reads?: unknown;
}

/** The completed client tool calls in `reads` (anything else is left out). */
function readCalls(reads: unknown): ThreadItem[] {
  if (!Array.isArray(reads)) return [];
  return reads.filter(
    (r): r is ClientToolCallItem =>
      !!r && typeof r === "object" && (r as ThreadItem).type === "client_tool_call" && typeof r.name === "string",
  );
}

/** Renders one `%chat` answer output. */
export class AnswerRenderer extends Widget implements IRenderMime.IRenderer {
  private view: Promise<MarkdownView> | null = null;
  /** Whether {@link view} was made for a trusted output (it then has Insert buttons). */
  private viewTrusted = false;
  private untrustedNote: HTMLElement | null = null;
  private readonly status: HTMLElement;
  private readLine: HTMLElement | null = null;

  constructor(private readonly tracker: INotebookTracker) {
    super();
    this.addClass("jck-answer");
    this.status = document.createElement("div");
    this.status.className = "jck-answer-status";
    this.status.setAttribute("role", "status");
    this.node.append(this.status);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = (model.data[ANSWER_MIME] ?? {}) as AnswerData;
    const text = typeof data.markdown === "string" ? data.markdown : "";
    const streaming = data.streaming === true;
    // Updates wait for the same view in the order they came; the streaming mark follows
    // the text shown (a finished answer's mark goes when its last text is there).
    const trusted = model.trusted === true;
    if (this.view && this.viewTrusted !== trusted) {
      // Trust changed (the person trusted the notebook): the buttons are made anew.
      void this.view.then((old) => old.el.remove());
      this.view = null;
    }
    if (!this.view) {
      this.viewTrusted = trusted;
      this.view = this.createView(trusted);
      this.showUntrusted(!trusted);
    }
    (await this.view).update(text, true);
    this.node.classList.toggle("jck-streaming", streaming);
    await this.showReads(streaming ? [] : readCalls(data.reads));
  }

  /** The "Read:" line of a finished answer, built by the chat's own readline.ts. */
  private async showReads(reads: ThreadItem[]): Promise<void> {
    const { readLine, summarizeTurn } = await import("../../src/index");
    const line = reads.length ? readLine(summarizeTurn(null, reads)) : null;
    this.readLine?.remove();
    this.readLine = line;
    if (line) this.node.insertBefore(line, this.status);
  }

  /** The note under an untrusted output saying why its code has Copy only. */
  private showUntrusted(show: boolean): void {
    this.untrustedNote?.remove();
    this.untrustedNote = null;
    if (!show) return;
    const note = document.createElement("div");
    note.className = "jck-answer-untrusted";
    note.textContent = "This notebook is not trusted: its code can be copied, not inserted or run from here.";
    this.untrustedNote = note;
    this.node.insertBefore(note, this.status);
  }

  /**
   * The markdown view, its code (the chat UI's chunk) loaded on the first answer shown;
   * Insert and Insert & run only on a trusted output's code.
   */
  private async createView(trusted: boolean): Promise<MarkdownView> {
    const [{ MarkdownView }, { ensureChatStyles }] = await Promise.all([
      import("../../src/index"),
      import("./uistyle"),
    ]);
    ensureChatStyles();
    const actions: CodeActions = {
      insert: trusted ? (code, run) => this.insert(code, run) : null,
      announce: (text) => this.announce(text),
    };
    const view = new MarkdownView({ code: actions, imageDomains: [] });
    this.node.insertBefore(view.el, this.readLine ?? this.untrustedNote ?? this.status);
    return view;
  }

  private async insert(code: string, run: boolean): Promise<void> {
    const target = targetOfElement(this.tracker, this.node);
    const ok = target ? await insertCode(target.panel, target.index, code, { run, position: "below" }) : false;
    this.announce(
      !ok
        ? "Could not insert here (read-only notebook?); use Copy."
        : !run
          ? "Inserted into a new cell below."
          : ok === "no-kernel"
            ? "Inserted below; it runs once the notebook has a kernel."
            : "Inserted below and running.",
    );
  }

  private announce(text: string): void {
    this.status.textContent = text;
  }
}

/** The renderer factory to register with the notebook's rendermime registry. */
export function answerRendererFactory(tracker: INotebookTracker): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [ANSWER_MIME],
    defaultRank: ANSWER_RANK,
    createRenderer: () => new AnswerRenderer(tracker),
  };
}
