/**
 * Context chips: what the next message shows the model besides its text (the notebook,
 * the active cell, the selection, an error), above the composer.
 *
 * The host says what is current ({@link ContextRef}); people remove a chip (×) or pin
 * it (it then stays when the active cell moves on). What the chips name travels with
 * the message as ChatKit `input_tag` parts whose `data.content` the host resolves at
 * send time through its own client-tool producers (already redacted and bounded); the
 * server passes it through the context policy once more. Nothing is pasted as text.
 */

import type { UserMessageContent, UserMessageTagContent } from "../client/types";
import { revealIn, revealText } from "./bidi";
import { button, h, icon } from "./dom";
import { distinctName } from "./paths";
import "./context.css";

/**
 * What a reference points at. A `note` is not a reference: it says, in the chips row,
 * what the chat cannot see here (e.g. the active cell outside JupyterLab); it is never
 * sent and cannot be pinned or removed.
 */
export type ContextKind = "notebook" | "cell" | "selection" | "error" | "variable" | "file" | "note";

/** One thing the model may read with the next message. */
export interface ContextRef {
  /** Stable id of what is referenced (e.g. `cell:<model id>`): same thing, same id. */
  id: string;
  kind: ContextKind;
  /** What the chip (and the sent message) shows, e.g. "cell 3", "sales.ipynb". */
  label: string;
  /** Tooltip. */
  title?: string;
  /** The tooltip also shows what the chip sends now, as the model reads it
   * ({@link sentTooltip}, resolved when it is about to show). */
  showsSent?: boolean;
  /** For cells: the 0-based index, so a click can scroll there. */
  cell?: number;
  /**
   * The notebook it is in (its path), for what lies in one: a pinned chip shown while
   * another notebook is current names its own (see {@link ContextChips.chips}).
   */
  notebook?: string;
  /**
   * Where what it names is when the message is sent (e.g. a cell's position and source
   * fingerprint), kept with the message's tag (`data.anchor`) so the host finds it again
   * after a reload; never read by the model.
   */
  anchor?(): Record<string, unknown> | undefined;
  /**
   * The content the model reads, produced at send time by the host's client-tool
   * producers (redacted, bounded). A failure becomes an `error` entry, never a throw.
   */
  resolve(): Promise<unknown>;
}

/** The most of what a chip sends its tooltip shows. */
export const SENT_TOOLTIP_CHARS = 800;

/**
 * `ref`'s tooltip with what it sends now: its content as the model reads it (its own
 * `resolve`, the host's client-tool producers through the context policy: no value the
 * model would not get), bounded. A person deciding whether to send it sees the values,
 * not only the names of the fields.
 */
export async function sentTooltip(ref: ContextRef): Promise<string> {
  let sent: string;
  try {
    sent = JSON.stringify(await ref.resolve()) ?? "";
  } catch (e) {
    sent = `(could not be read: ${(e as Error).message})`;
  }
  if (sent.length > SENT_TOOLTIP_CHARS) sent = `${sent.slice(0, SENT_TOOLTIP_CHARS - 1)}…`;
  return `${ref.title ?? ref.label}\nSends: ${sent}`;
}

/** A part of a message: text, or a reference shown as a chip. */
export type MessagePart = string | ContextRef;

/** The tag a reference becomes: `data` holds what the model reads. */
export async function toTag(ref: ContextRef): Promise<UserMessageTagContent> {
  let content: unknown;
  try {
    content = await ref.resolve();
  } catch (e) {
    content = { error: `Could not read ${ref.label}: ${(e as Error).message}` };
  }
  const data: Record<string, unknown> = { kind: ref.kind, label: ref.label, content };
  if (ref.cell !== undefined) data.cell = ref.cell;
  const anchor = ref.anchor?.();
  if (anchor) data.anchor = anchor;
  return { type: "input_tag", id: ref.id, text: ref.label, data, interactive: ref.kind === "cell" };
}

/**
 * A message's ChatKit content from its parts plus the chips: text parts stay text,
 * references become tags (each thing once, in order).
 */
export async function messageContent(
  parts: readonly MessagePart[],
  chips: readonly ContextRef[] = [],
): Promise<UserMessageContent[]> {
  const out: UserMessageContent[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    if (typeof part === "string") {
      if (!part) continue;
      const last = out[out.length - 1];
      if (last?.type === "input_text") last.text += part;
      else out.push({ type: "input_text", text: part });
    } else if (!seen.has(part.id)) {
      seen.add(part.id);
      out.push(await toTag(part));
    }
  }
  const extra = chips.filter((c) => !seen.has(c.id));
  for (const ref of extra) {
    seen.add(ref.id);
    // The server de-duplicates tags by their text: keep labels unique.
    if (out.some((c) => c.type === "input_tag" && c.text === ref.label)) continue;
    const tag = await toTag(ref);
    // A chip is context, not words of the message: the server keeps it out of the text.
    tag.data.chip = true;
    out.push(tag);
  }
  return out;
}

/** The plain text of parts (what shows while the message is being sent). */
export function partsText(parts: readonly MessagePart[]): string {
  return parts.map((p) => (typeof p === "string" ? p : p.label)).join("");
}

/** The chips row above the composer. */
export class ContextChips {
  readonly el: HTMLElement;
  private current: ContextRef[] = [];
  private pinned: ContextRef[] = [];
  /** Ids the person removed; an id comes back only when it changes (another cell). */
  private dismissed = new Set<string>();
  /** What is on screen, so an unchanged set is not rebuilt (a click in progress survives). */
  private shown = "";
  /**
   * What the message being written mentions (`@df` picked from the list, still in the
   * box): read with it as the message's own tags, shown here so the row names all the
   * model will read. Not chips of their own: deleting `@df` from the box drops one.
   */
  private mentioned: ContextRef[] = [];
  /** The paths of the other notebooks open beside the current one ({@link setOpen}). */
  private open: string[] = [];

  constructor(private readonly announce: (text: string) => void = () => {}) {
    this.el = h("div", { class: "jck-chips", role: "list", "aria-label": "Context for the next message" });
    this.el.hidden = true;
  }

  /** What the host says is current (the active notebook, cell, selection). */
  setCurrent(refs: readonly ContextRef[]): void {
    const ids = new Set(refs.map((r) => r.id));
    for (const id of [...this.dismissed]) if (!ids.has(id)) this.dismissed.delete(id);
    this.current = [...refs];
    this.render();
  }

  /**
   * The notebooks open now (the sidebar's): a notebook is named apart from them too, as
   * the "Attached to" bar names it ("b/nb.ipynb" while "a/nb.ipynb" is open).
   */
  setOpen(paths: readonly string[]): void {
    this.open = [...paths];
    this.render();
  }

  /** What the box mentions now ({@link mentioned}); an unchanged set costs no DOM work. */
  setMentioned(refs: readonly ContextRef[]): void {
    if (!refs.length && !this.mentioned.length) return;
    this.mentioned = [...refs];
    this.render();
  }

  /** Keep `ref` for the next messages, whatever becomes current. */
  pin(ref: ContextRef): void {
    if (!this.pinned.some((p) => p.id === ref.id)) this.pinned.push(ref);
    this.dismissed.delete(ref.id);
    this.render();
  }

  /**
   * The chips the next message carries. A pin stays when another notebook becomes current
   * (the person kept it on purpose, e.g. to compare), named with its notebook there
   * ("nb7.ipynb: cell 1", in the chip and the message's tags; not " · ", which the Read
   * line puts between the things read): a bare "cell 1" read as the current notebook's.
   * Such a chip does not scroll (its index is another notebook's). Notebooks of the same
   * file name in different folders are named by as much of their path as tells them
   * apart ("a/nb.ipynb: cell 1" beside "b/nb.ipynb").
   */
  chips(): ContextRef[] {
    const here = this.current.find((r) => r.notebook !== undefined)?.notebook;
    const refs = [...this.pinned, ...this.current];
    const paths = [...this.open, ...refs.flatMap((r) => (r.notebook === undefined ? [] : [r.notebook]))];
    const named = (ref: ContextRef): ContextRef => {
      if (ref.notebook === undefined) return ref;
      const name = distinctName(ref.notebook, paths);
      if (ref.kind === "notebook") return name === ref.label ? ref : { ...ref, label: name };
      return ref.notebook === here ? ref : { ...ref, label: `${name}: ${ref.label}`, cell: undefined };
    };
    const out = this.pinned.map(named);
    for (const ref of this.current) {
      if (ref.kind === "note") continue;
      if (!this.dismissed.has(ref.id) && !out.some((p) => p.id === ref.id)) out.push(named(ref));
    }
    return out;
  }

  private remove(ref: ContextRef): void {
    this.pinned = this.pinned.filter((p) => p.id !== ref.id);
    if (this.current.some((c) => c.id === ref.id)) this.dismissed.add(ref.id);
    this.announce(`${ref.label} will not be sent.`);
    this.render();
  }

  /** Send the chips the person removed (still current) again. */
  private restore(refs: readonly ContextRef[]): void {
    for (const ref of refs) this.dismissed.delete(ref.id);
    this.announce(`${refs.map((r) => r.label).join(", ")} will be sent again.`);
    this.render();
    (this.el.querySelector(".jck-chip-remove") as HTMLElement | null)?.focus();
  }

  private render(): void {
    const chips = this.chips();
    const notes = this.current.filter((r) => r.kind === "note");
    // What the person removed that is still current: one button brings it back (else a
    // removed notebook chip stayed away until another notebook was opened).
    const left = this.current.filter((r) => r.kind !== "note" && this.dismissed.has(r.id));
    const mentioned = this.mentioned.filter((m) => !chips.some((c) => c.id === m.id));
    const key = JSON.stringify([
      ...chips.map((c) => [c.id, c.label, this.pinned.some((p) => p.id === c.id)]),
      ...mentioned.map((m) => ["mentioned", m.id, m.label]),
      ...notes.map((n) => [n.id, n.label]),
      ...left.map((r) => ["left", r.id, r.label]),
    ]);
    if (key === this.shown) return;
    this.shown = key;
    this.el.hidden = chips.length + mentioned.length + notes.length + left.length === 0;
    const labels = left.map((r) => r.label).join(", ");
    const restore = left.length
      ? button([icon("retry"), h("span", null, `Left out: ${labels}`)], () => this.restore(left), {
          class: "jck-chips-restore",
          "aria-label": `Send ${labels} again`,
          title: "Left out of the next message: click to send it again",
        })
      : null;
    this.el.replaceChildren(
      ...chips.map((ref) => {
        const isPinned = this.pinned.some((p) => p.id === ref.id);
        const pin = isPinned
          ? null
          : button(icon("pin"), () => this.pin(ref), {
              class: "jck-chip-pin",
              "aria-label": `Pin ${ref.label}`,
              title: "Pin: keep sending it when the active cell moves",
            });
        const remove = button(icon("close"), () => this.remove(ref), {
          class: "jck-chip-remove",
          "aria-label": `Remove ${ref.label}`,
          title: "Do not send this",
        });
        const chip = h(
          "span",
          {
            class: `jck-chip jck-chip-${ref.kind}${isPinned ? " jck-chip-pinned" : ""}`,
            role: "listitem",
            title: isPinned ? `${ref.title ?? ref.label} (pinned)` : (ref.title ?? ref.label),
            "data-kind": ref.kind,
          },
          h("span", { class: "jck-chip-label" }, ref.label),
          pin,
          remove,
        );
        if (ref.showsSent) {
          // Read when the tooltip is about to show: the values of now (a kernel started
          // since the row was drawn), as the next message would send them.
          const show = (): void => {
            void sentTooltip(ref).then((tip) => {
              chip.setAttribute("title", revealText(isPinned ? `${tip}\n(pinned)` : tip));
            });
          };
          chip.addEventListener("mouseenter", show);
          chip.addEventListener("focusin", show);
        }
        return chip;
      }),
      ...mentioned.map((ref) =>
        h(
          "span",
          {
            class: `jck-chip jck-chip-${ref.kind} jck-chip-mentioned`,
            role: "listitem",
            title: `${ref.title ?? ref.label} (mentioned in your message: delete @${ref.label} to leave it out)`,
            "data-kind": ref.kind,
          },
          h("span", { class: "jck-chip-label" }, `@${ref.label}`),
        ),
      ),
      ...notes.map((note) =>
        h("span", { class: "jck-chips-note", role: "note", title: note.title ?? note.label }, note.label),
      ),
      ...(restore ? [restore] : []),
    );
    // A notebook's or file's name may hold bidi controls or zero-width characters.
    revealIn(this.el);
  }
}
