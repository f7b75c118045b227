/**
 * Code from the assistant to the notebook: Insert / Insert & run on code blocks and code
 * cards, the cards' other widget actions, and the host's extra buttons on a card.
 * Code reaches a cell only on a person's click; without a notebook bridge it is copied.
 */

import { type CellPosition, cellPosition, type InsertOptions, type InsertResult } from "../bridge";
import type { ChatSession } from "../client/session";
import type { ActionConfig, WidgetItem } from "../client/types";
import { ACTION, INSERT_ACTIONS as INSERT_ACTION_TYPES } from "../protocol";
import { button, copyText, h, icon } from "./dom";
import type { CodeActions, CodeBlockAction, MarkdownOptions } from "./markdown";
import { cardCode, type WidgetContext } from "./widgets";

/** The widget actions that put code in a cell. */
export const INSERT_ACTIONS = new Set<string>(INSERT_ACTION_TYPES);
const NO_BRIDGE = "cell insertion needs the JupyterLab extension";
const REFUSED = "the notebook did not take a new cell: read-only?";

/** What the person is told after `insertCell` resolved `result` (truthy). */
export function insertedText(result: InsertResult, run: boolean, position: CellPosition = "below"): string {
  const where = position === "above" ? "above" : "below";
  if (!run) return `Inserted into a new cell ${where}.`;
  // Not "running": nothing runs until the person picks a kernel (or none is started).
  if (result === "no-kernel") return `Inserted ${where}; it runs once the notebook has a kernel.`;
  return `Inserted ${where} and running.`;
}

/** An explanation longer than this (characters) is cut to a few lines until asked for. */
export const CLAMP_CHARS = 280;

/**
 * A code card's explanation (its Markdown holding no code) cut to a few lines with a
 * "Show more" toggle when long: the model writes it, and a long one pushed the card's code
 * and Insert buttons out of view. A long one is cut; once drawn, one that fits after all
 * (a wide chat) loses its fade and its toggle (watched: a hidden sidebar draws it later).
 */
export function clampExplanation(card: HTMLElement): void {
  for (const md of card.querySelectorAll<HTMLElement>(".jck-w-markdown")) {
    if (md.querySelector("pre") || (md.textContent ?? "").trim().length <= CLAMP_CHARS) continue;
    md.classList.add("jck-w-clamped");
    const toggle = button(
      "Show more",
      () => {
        const open = md.classList.toggle("jck-w-clamped") === false;
        toggle.textContent = open ? "Show less" : "Show more";
        toggle.setAttribute("aria-expanded", String(open));
      },
      { class: "jck-w-more", "aria-expanded": "false" },
    );
    md.after(toggle);
    new ResizeObserver(() => {
      if (!md.classList.contains("jck-w-clamped")) return;
      const fits = md.scrollHeight <= md.clientHeight + 1;
      md.classList.toggle("jck-w-fits", fits);
      toggle.hidden = fits;
    }).observe(md);
  }
}

/** What {@link codeCards} needs from the chat's host (see ChatOptions). */
export interface CodeCardOptions {
  insertCell?(code: string, opts: InsertOptions): Promise<InsertResult>;
  insertBlocked?(): string | null;
  codeActions?: readonly CodeBlockAction[];
  onEffect?(name: string, data: Record<string, unknown>): void;
}

/** The chat's side of code blocks and cards. */
export interface CodeCards {
  /** Put `code` in a new cell (and run it), or copy it when that cannot be; says which. */
  insert(code: string, run: boolean, position?: CellPosition, item?: string): Promise<void>;
  /** Options of the markdown of the thread's messages (image domains, code buttons);
   * `item`: the message's id, which its code blocks' inserts name. */
  markdownOptions(item?: string): MarkdownOptions;
  /** What a widget item's view needs: its actions, markdown and extra card buttons. */
  widgetContext(item: WidgetItem): WidgetContext;
}

/** Code blocks and cards of `session`'s thread, for a chat whose host gave `options`. */
export function codeCards(session: ChatSession, options: CodeCardOptions, announce: (text: string) => void): CodeCards {
  const insert = async (code: string, run: boolean, position: CellPosition = "below", item?: string): Promise<void> => {
    if (options.insertCell) {
      let ok: InsertResult = false;
      try {
        ok = await options.insertCell(code, { run, position, ...(item ? { item } : {}) });
      } catch (e) {
        console.warn("jupyter-chatkit: insertCell failed", e);
      }
      if (ok) {
        announce(insertedText(ok, run, position));
        return;
      }
    }
    // With a bridge that answered no (a read-only notebook), the extension is there.
    const why = options.insertBlocked?.() ?? (options.insertCell ? REFUSED : NO_BRIDGE);
    announce((await copyText(code)) ? `Copied — paste into a cell (${why})` : "Could not insert or copy the code.");
  };
  const codeActions = (item?: string): CodeActions => ({
    insert: (code, run) => insert(code, run, "below", item),
    announce,
    // The host's buttons learn the message a block is in (its turn's cells: chat.ts).
    extra: options.codeActions?.map((a) => ({ ...a, run: (code: string) => a.run(code, item) })),
  });
  const markdownOptions = (item?: string): MarkdownOptions => ({
    imageDomains: session.state.thread?.allowed_image_domains ?? null,
    code: codeActions(item),
  });

  const runAction = async (item: WidgetItem, action: ActionConfig): Promise<void> => {
    const payload = action.payload;
    if (action.handler === "client") {
      const data = (payload && typeof payload === "object" ? payload : { value: payload }) as Record<string, unknown>;
      if (action.type === ACTION.COPY_CODE) {
        const ok = await copyText(String(data.code ?? ""));
        announce(ok ? "Copied to the clipboard." : "Could not copy.");
      } else if (INSERT_ACTIONS.has(action.type)) {
        const run = action.type === ACTION.INSERT_AND_RUN_CELL || data.run === true;
        await insert(String(data.code ?? ""), run, cellPosition(data.position), item.id);
      } else {
        options.onEffect?.(action.type, data);
      }
      return;
    }
    // ChatKit's action payloads are objects; ours always are.
    const body = payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
    if (INSERT_ACTIONS.has(action.type) && options.insertBlocked?.()) {
      // Nothing would take the cell: copy here instead of asking the server, which
      // counts the card's inserts ("✓ Inserted in the notebook") before the cell exists.
      const code = typeof body.code === "string" ? body.code : cardCode(item.widget, INSERT_ACTIONS);
      if (code !== null) {
        await insert(code, false, "below", item.id);
        return;
      }
    }
    await session.customAction({ type: action.type, payload: body }, item.id);
  };
  const widgetContext = (item: WidgetItem): WidgetContext => {
    const code = cardCode(item.widget, INSERT_ACTIONS);
    if (code === null)
      return {
        onAction: (action) => runAction(item, action),
        markdown: markdownOptions(item.id),
        copyText: item.copy_text,
      };
    // A code card: one set of buttons, the card's (Insert, Insert & run, Copy), plus the
    // host's own (e.g. Replace cell); its code block gets no second bar.
    return {
      onAction: (action) => runAction(item, action),
      markdown: { ...markdownOptions(item.id), codeBar: false },
      copyText: item.copy_text,
      extend: (el) => {
        clampExplanation(el);
        const extra = options.codeActions ?? [];
        const row = [...el.querySelectorAll(".jck-w-row")].filter((r) => r.querySelector(".jck-w-btn")).pop();
        if (!row || !extra.length) return;
        for (const a of extra) {
          row.appendChild(
            button([icon(a.icon), h("span", null, a.label)], () => a.run(code, item.id), {
              class: `jck-w-btn jck-w-btn-secondary jck-w-btn-outline jck-w-btn-sm${a.className ? ` ${a.className}` : ""}`,
              "aria-label": a.ariaLabel ?? a.label,
              title: a.title ?? a.label,
            }),
          );
        }
      },
    };
  };
  return { insert, markdownOptions, widgetContext };
}
