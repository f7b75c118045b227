/**
 * Code → notebook: where a new cell goes, and `window.jupyterChatkitBridge`, the contract
 * between the chat widget in a cell output (anywidget, which has no notebook API) and
 * our JupyterLab extension (js/lab/src/bridge.ts implements it).
 *
 * The two sides ship in different bundles and may come from different versions of the
 * package, so the widget checks `version` and the extension validates every argument.
 *
 * Contract, version 1:
 *   insertCell(fromEl, code, {run, position}) → Promise<InsertResult>
 *       insert a code cell holding exactly `code` next to (`position`, default below)
 *       the cell that holds `fromEl`, make it active, run it if `run`. False when no
 *       notebook holds `fromEl` or the notebook refused (read-only); "no-kernel" when
 *       inserted but, the notebook having no kernel, run only once one is chosen
 *       (extensions older than that answer true then).
 *   notebookCells(fromEl, args) → Promise<object | null>
 *       the `get_notebook_cells` answer, centred on the cell holding `fromEl`.
 *   activeCell(fromEl) → Promise<object | null>
 *       the `get_active_cell` answer for the cell holding `fromEl` (from a chat's own
 *       cell: the cell its chips name, see js/lab/src/widgetcontext.ts `readTarget`).
 *       (These two are what extensions older than `runTool` answer; a newer extension
 *       keeps them, as `runTool` of those names, for older widgets. Never add one
 *       method per tool again: new tools go through `runTool`.)
 * null means "not inside a notebook here": the widget answers from the kernel instead.
 *
 * Optional (newer extensions; the widget checks it is there):
 *   runTool(fromEl, name, args, signal?) → Promise<object | null>
 *       the answer of client tool `name` (any `runs_in: "notebook"` tool of
 *       `CLIENT_TOOLS` in protocol.ts), about the notebook and cell holding `fromEl`,
 *       already through the context policy (redacted, bounded). null: no notebook holds
 *       `fromEl`, or this extension does not know `name` (it may be older than the
 *       widget); the widget then asks the kernel. Agent steps are never run here: they
 *       go through `agent()`, after the person approved them. A kernel tool
 *       (`runs_in: "kernel"`) is answered by the notebook's kernel as it runs now: the
 *       widget asks so only when its own kernel connection is gone (a restart). An
 *       older extension answers null there.
 *   watchContext(fromEl, onChange) → stop()
 *       call `onChange` now and whenever it changes with the notebook holding `fromEl`
 *       (its path, renames included) and its context chips (the notebook, the cell the
 *       person last worked in other than the chat's own, the selection in it).
 *       `notebook: null` when no notebook holds `fromEl`.
 *   showCell(fromEl, index)
 *       make cell `index` (0-based) of the notebook holding `fromEl` active and scroll
 *       to it (cell links in the read line and in sent chips).
 *   liveCells(fromEl) → {kept_out: string[], readable: string[]} | null
 *       the sources of the code cells of the notebook holding `fromEl` that the person
 *       kept out (tag `chatkit-private`, saved or not) and of its other code cells
 *       (both empty when none is kept out: the live tags win over the saved ones);
 *       null when no notebook holds `fromEl`. The widget sends them
 *       with its variables tools: the kernel does not describe the variables only
 *       kept-out cells define.
 *   files(fromEl, query) → Promise<ContextRef[]>
 *       the files under the server's root whose path starts as `query` (typed after
 *       `@`: `data/sa`), each a mention read when the message is sent, through the
 *       context policy (a notebook open there is read as open). The widget offers
 *       them beside its kernel's variables.
 *   keptOutCells(fromEl) → number[]
 *       the 0-based indexes of the kept-out cells of the notebook holding `fromEl`
 *       (none when no notebook holds it): the widget tells the server with each request,
 *       which then refuses Agent steps on them.
 *   agent(fromEl) → AgentHost | null
 *       Agent mode's steps (insert, edit, run a cell, each after the person approved
 *       its card) on the notebook holding `fromEl` (see ui/agent.ts); null: none here.
 */

import type { AgentHost } from "./ui/agent";
import type { ContextRef } from "./ui/context";

/** Where a new cell goes relative to the reference cell (the card action's `position`). */
export type CellPosition = "below" | "above";

/** Read a position from an action or effect payload; anything unknown means "below". */
export function cellPosition(value: unknown): CellPosition {
  return value === "above" ? "above" : "below";
}

/** How a cell is inserted. */
/**
 * What an insertion did: false, nothing; true, inserted (and running when asked);
 * "no-kernel", inserted, and asked to run while the notebook had no kernel: JupyterLab
 * asks for one (as its own Run does) and the cell runs only once one is chosen.
 */
export type InsertResult = boolean | "no-kernel";

export interface InsertOptions {
  /** Run the new cell. */
  run: boolean;
  /** Where it goes relative to the reference cell. */
  position: CellPosition;
  /**
   * The thread item the code comes from (an answer, a card), when known: a host placing
   * the cell by what the turn was about reads it (the sidebar: the cell it was asked of).
   */
  item?: string;
}

/** The notebook holding a widget and what its chips offer (`watchContext`). */
export interface NotebookContext {
  /** The notebook's path under the server's root; null when no notebook holds it. */
  notebook: string | null;
  /** The chips: the notebook, a cell, the selection. */
  refs: ContextRef[];
}

/** `ChatkitBridge.runTool`: one notebook client tool by name (see the contract above). */
export type BridgeRunTool = (
  fromEl: HTMLElement,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<unknown | null>;

/** What our JupyterLab extension puts on `window` (version 1). */
export interface ChatkitBridge {
  version: 1;
  insertCell(fromEl: HTMLElement, code: string, opts?: Partial<InsertOptions>): Promise<InsertResult>;
  notebookCells(fromEl: HTMLElement, args?: Record<string, unknown>): Promise<unknown | null>;
  activeCell(fromEl: HTMLElement): Promise<unknown | null>;
  runTool?: BridgeRunTool;
  watchContext?(fromEl: HTMLElement, onChange: (context: NotebookContext) => void): () => void;
  showCell?(fromEl: HTMLElement, index: number): void;
  liveCells?(fromEl: HTMLElement): { kept_out: string[]; readable: string[] } | null;
  files?(fromEl: HTMLElement, query: string): Promise<ContextRef[]>;
  keptOutCells?(fromEl: HTMLElement): number[];
  agent?(fromEl: HTMLElement): AgentHost | null;
}

declare global {
  interface Window {
    jupyterChatkitBridge?: ChatkitBridge;
  }
}

/** The bridge when present and of a version we speak. */
export function getBridge(): ChatkitBridge | null {
  const b = (globalThis as { jupyterChatkitBridge?: ChatkitBridge }).jupyterChatkitBridge;
  return b && b.version === 1 ? b : null;
}

/**
 * Notebook tool `name` answered by `bridge` for the notebook holding `fromEl`; null when
 * it has no answer (the caller asks the kernel). An extension without `runTool` is older
 * than this widget and knows only version 1's two tools.
 */
export function bridgeTool(
  bridge: ChatkitBridge,
  fromEl: HTMLElement,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<unknown | null> {
  if (bridge.runTool) return bridge.runTool(fromEl, name, args, signal);
  if (name === "get_notebook_cells") return bridge.notebookCells(fromEl, args);
  if (name === "get_active_cell") return bridge.activeCell(fromEl);
  return Promise.resolve(null);
}
