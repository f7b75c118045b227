/**
 * Completion in the composer: `@df`, `@cell 3` / `#3`, `@data/sales.csv` (mentions,
 * offered by the host) and `/explain`, `/fix`, `/new` (slash commands).
 *
 * A chosen mention is written into the box as `@label` and remembered; when the message
 * is sent, each remembered `@label` still in the text becomes a tag (a chip in the sent
 * bubble, its content resolved by the host's producers). A name nobody picked from the
 * list stays plain text. The popup is a listbox under ARIA rules: ↑/↓ move, Enter or
 * Tab pick, Esc closes.
 */

import type { ClientToolCallItem } from "../client/types";
import { revealIn } from "./bidi";
import type { ContextRef, MessagePart } from "./context";
import { h, uniqueId } from "./dom";

/** Where mention options come from (the host: kernel variables, cells, files). */
export interface MentionSource {
  /** Options for `query`, typed after `@` (or after `#`: cells by number). */
  complete(query: string, trigger: "@" | "#"): Promise<ContextRef[]>;
}

/** A `/command` in the composer. */
export interface SlashCommand {
  name: string;
  description: string;
  /**
   * Run it (the text after the command as `args`); the composer is cleared first, and
   * given its text back when this answers `false` (the command could not run).
   */
  run(args: string): boolean | undefined;
}

interface Option {
  label: string;
  detail: string;
  pick(): void;
  /** Whether the option still fits `query` typed on after it was listed (mentions only). */
  fits?(query: string): boolean;
}

type Token = NonNullable<ReturnType<typeof tokenAt>>;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The mention token that ends at the caret: `@cell 3`, `@data/x.csv`, `#3`, or null. */
export function tokenAt(text: string): { trigger: "@" | "#"; query: string; start: number } | null {
  const m = /(?:^|\s)(@cell\s+\d*|@[\w./-]*|#\d*)$/.exec(text);
  if (!m) return null;
  const token = m[1];
  return { trigger: token[0] as "@" | "#", query: token.slice(1), start: text.length - token.length };
}

/** Split `text` into text and the remembered mentions written in it as `@label`. */
export function splitMentions(text: string, mentions: readonly ContextRef[]): MessagePart[] {
  if (!mentions.length) return [text];
  const byLabel = new Map(mentions.map((m) => [m.label, m]));
  const labels = [...byLabel.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
  // A label ends at a word boundary: "@df" must not claim "@df2".
  const re = new RegExp(`@(${labels.join("|")})(?![\\w/.-])`, "g");
  const parts: MessagePart[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const index = m.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    const ref = byLabel.get(m[1]);
    parts.push(ref ?? m[0]);
    last = index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The completion popup bound to a composer's text box. */
export class Completer {
  readonly el: HTMLElement;
  private options: Option[] = [];
  private active = 0;
  private mentions: ContextRef[] = [];
  // Each completion asked for takes a number; only the newest may fill the list, and
  // closing the list takes a number too, so an answer still on its way cannot reopen it.
  private seq = 0;
  // The mention token the listed options were made for.
  private listed: Token | null = null;
  private blurTimer: ReturnType<typeof setTimeout> | undefined;
  /** A look at which mentions the box still holds is due in the next frame. */
  private noting = 0;
  /** The mentions last told to {@link onMentions} (by id), so an unchanged set is not told again. */
  private told = "";

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly source: MentionSource | null,
    private readonly commands: () => readonly SlashCommand[],
    /** Write `text` into the box (the composer resizes it). */
    private readonly setText: (text: string) => void,
    /**
     * The mentions picked from the list that the box still holds, told when that changes
     * (at most once a frame while the person types): the chips row shows them.
     */
    private readonly onMentions: (refs: ContextRef[]) => void = () => {},
  ) {
    this.el = h("div", { class: "jck-complete", role: "listbox", id: uniqueId("jck-complete") });
    this.el.hidden = true;
    // A textarea keeps its textbox role (HTML allows it no other, so not ARIA's combobox):
    // a textbox may say it has a list popup and which option is active, but not whether
    // it is expanded (aria-expanded is not a textbox's state). The list shown or not is
    // told by aria-activedescendant (set only while options show) and the listbox's hidden.
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-haspopup", "listbox");
    input.setAttribute("aria-controls", this.el.id);
    input.addEventListener("input", () => {
      void this.update();
      this.noteMentions();
    });
    // Leaving the box closes the list, a little later (a click on an option lands
    // first). Coming back before then keeps it: a stale close would also cancel the
    // completion asked for by what is typed after the return.
    input.addEventListener("blur", () => {
      clearTimeout(this.blurTimer);
      this.blurTimer = setTimeout(() => this.close(), 150);
    });
    input.addEventListener("focus", () => clearTimeout(this.blurTimer));
    // The caret moved off the mention the list was made for (a click, ←, Home): a pick
    // would splice the option in at the old token with the text from the new caret
    // ("@d" + Home + Tab made "@df @d"). The list closes instead.
    input.addEventListener("click", () => this.checkCaret());
    input.addEventListener("keyup", (e) => {
      if (/^(ArrowLeft|ArrowRight|Home|End|PageUp|PageDown)$/.test(e.key)) this.checkCaret();
    });
    // Capture on the form: before the composer's own Enter (send) and Esc handling.
    (input.form ?? input).addEventListener("keydown", (e) => this.onKey(e as KeyboardEvent), { capture: true });
  }

  /** The message's parts: mentions picked from the list become references. */
  parts(text: string): MessagePart[] {
    const parts = splitMentions(text, this.mentions);
    this.mentions = [];
    this.tellMentions();
    // Sent: a completion still on its way must not open over the emptied box.
    this.close();
    return parts;
  }

  /** Forget remembered mentions (the box was cleared or replaced). */
  reset(): void {
    this.mentions = [];
    this.tellMentions();
    this.close();
  }

  /**
   * Look again, in the next frame, at which remembered mentions the box holds. Typing
   * with none remembered costs nothing; with some, one match over the text per frame.
   */
  private noteMentions(): void {
    if (this.noting || (!this.mentions.length && !this.told)) return;
    if (typeof requestAnimationFrame !== "function") {
      this.tellMentions();
      return;
    }
    this.noting = requestAnimationFrame(() => {
      this.noting = 0;
      this.tellMentions();
    });
  }

  /** Tell {@link onMentions} the remembered mentions still written in the box, if changed. */
  private tellMentions(): void {
    if (this.noting) cancelAnimationFrame(this.noting);
    this.noting = 0;
    const held = this.mentions.length
      ? splitMentions(this.input.value, this.mentions).filter((p): p is ContextRef => typeof p !== "string")
      : [];
    const refs = held.filter((ref, i) => held.findIndex((r) => r.id === ref.id) === i);
    const key = refs.map((r) => r.id).join("\n");
    if (key === this.told) return;
    this.told = key;
    this.onMentions(refs);
  }

  private async update(): Promise<void> {
    const seq = ++this.seq;
    const before = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    const slash = /^\/(\w*)$/.exec(before);
    if (slash) {
      const wanted = slash[1].toLowerCase();
      this.show(
        this.commands()
          .filter((c) => c.name.startsWith(wanted))
          .map((c) => ({
            label: `/${c.name}`,
            detail: c.description,
            pick: () => {
              const typed = this.input.value;
              const args = typed.slice(before.length).trim();
              this.setText("");
              this.close();
              // Not run (no notebook, no cell): what was typed stays to send another way.
              if (c.run(args) === false) this.setText(typed);
            },
          })),
      );
      return;
    }
    const token = tokenAt(before);
    if (!token || !this.source) {
      this.close();
      return;
    }
    // Until the new answer comes, show only what still fits the text: Enter must never
    // pick an option listed for what was typed before (it would undo the typing).
    this.narrow(token);
    let refs: ContextRef[] = [];
    try {
      refs = await this.source.complete(token.query, token.trigger);
    } catch (e) {
      console.warn("jupyter-chatkit: completion failed", e);
    }
    if (seq !== this.seq) return; // typed on meanwhile
    this.show(
      refs.slice(0, 12).map((ref) => ({
        label: ref.kind === "cell" ? ref.label : `@${ref.label}`,
        detail: ref.title ?? ref.kind,
        pick: () => {
          const value = this.input.value;
          const caret = this.input.selectionStart ?? value.length;
          const inserted = `@${ref.label} `;
          const text = value.slice(0, token.start) + inserted + value.slice(caret);
          if (!this.mentions.some((m) => m.label === ref.label)) this.mentions.push(ref);
          this.setText(text);
          const at = token.start + inserted.length;
          this.input.setSelectionRange(at, at);
          this.close();
          this.input.focus();
          // Picked: the chips row names it at once (setText fires no input event).
          this.tellMentions();
        },
        fits: (query: string) => fits(ref, query, token.trigger),
      })),
      token,
    );
  }

  /** Close the list when the caret is no longer at the end of what it was made for. */
  private checkCaret(): void {
    if (this.el.hidden) return;
    const before = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    const listed = this.listed;
    const token = tokenAt(before);
    const still = listed
      ? token !== null &&
        token.start === listed.start &&
        token.trigger === listed.trigger &&
        !/^[\w./-]/.test(this.input.value.slice(before.length))
      : /^\/\w*$/.test(before);
    if (!still || this.input.selectionStart !== this.input.selectionEnd) this.close();
  }

  /** Keep the listed options that fit `token` (the same mention, typed on); hide the rest. */
  private narrow(token: Token): void {
    const listed = this.listed;
    if (this.el.hidden || !listed) return;
    const same = listed.start === token.start && listed.trigger === token.trigger;
    const kept = same ? this.options.filter((o) => o.fits?.(token.query)) : [];
    if (kept.length === this.options.length) return;
    if (kept.length) this.show(kept, token);
    else this.hide();
  }

  private show(options: Option[], token: Token | null = null): void {
    this.options = options;
    this.listed = token;
    this.active = 0;
    this.el.hidden = options.length === 0;
    this.render();
  }

  /** Close the list and forget completions on their way. */
  private close(): void {
    this.seq++;
    this.hide();
  }

  private hide(): void {
    if (this.el.hidden) return;
    this.options = [];
    this.listed = null;
    this.el.hidden = true;
    this.input.removeAttribute("aria-activedescendant");
  }

  private render(): void {
    this.el.replaceChildren(
      ...this.options.map((o, i) => {
        const row = h(
          "div",
          {
            class: `jck-complete-item${i === this.active ? " jck-active" : ""}`,
            role: "option",
            id: `${this.el.id}-${i}`,
            "aria-selected": String(i === this.active),
          },
          h("span", { class: "jck-complete-label" }, o.label),
          h("span", { class: "jck-complete-detail" }, o.detail),
        );
        // mousedown, not click: the box keeps the focus.
        row.addEventListener("mousedown", (e) => {
          e.preventDefault();
          o.pick();
        });
        return row;
      }),
    );
    // A file's or variable's name may hold bidi controls or zero-width characters.
    revealIn(this.el);
    if (this.options.length) this.input.setAttribute("aria-activedescendant", `${this.el.id}-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
  }

  private onKey(e: KeyboardEvent): void {
    if (this.el.hidden || !this.options.length || e.isComposing) return;
    const n = this.options.length;
    let handled = true;
    if (e.key === "ArrowDown") this.active = (this.active + 1) % n;
    else if (e.key === "ArrowUp") this.active = (this.active - 1 + n) % n;
    else if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey) this.options[this.active].pick();
    else if (e.key === "Escape") this.close();
    else handled = false;
    if (!handled) return;
    e.preventDefault();
    e.stopPropagation();
    if (!this.el.hidden) this.render();
  }
}

/** Whether `ref`, listed for an earlier query, still fits `query` (by the sources' rules). */
function fits(ref: ContextRef, query: string, trigger: "@" | "#"): boolean {
  if (ref.kind === "cell") {
    const wanted = trigger === "#" ? query : /^cell\s*(\d*)$/i.exec(query)?.[1];
    return wanted !== undefined && /\d+$/.exec(ref.label)?.[0].startsWith(wanted) === true;
  }
  return ref.label.startsWith(query);
}

/** A client tool as the session runs it (args, signal and the call item). */
type ToolHandler = (
  args: Record<string, unknown>,
  context: { signal: AbortSignal; item: ClientToolCallItem },
) => Promise<unknown> | unknown;

/**
 * Mentions answered by the client tools themselves, for hosts without their own source
 * (the `%chat` widget): `@name` lists kernel variables with `list_kernel_variables` and
 * reads a picked one with `inspect_kernel_variable`, the same producers the model's own
 * calls use (redacted and bounded where they run).
 */
export function toolMentions(tools: Record<string, ToolHandler>): MentionSource {
  const run = async (name: string, args: Record<string, unknown>): Promise<unknown> => {
    const handler = tools[name];
    if (!handler) return { error: `${name} is not available here.` };
    const item: ClientToolCallItem = {
      id: `mention-${name}`,
      thread_id: "",
      created_at: new Date().toISOString(),
      type: "client_tool_call",
      status: "pending",
      call_id: `mention-${name}`,
      name,
      arguments: args,
    };
    return handler(args, { signal: AbortSignal.timeout(20_000), item });
  };
  let listed: { at: number; rows: { name: string; type: string }[] } | null = null;
  return {
    async complete(query, trigger) {
      if (trigger !== "@" || !/^\w*$/.test(query)) return [];
      if (!listed || Date.now() - listed.at > 5000) {
        const result = (await run("list_kernel_variables", {})) as Record<string, unknown> | null;
        const rows = Array.isArray(result?.variables) ? (result.variables as Record<string, unknown>[]) : [];
        listed = {
          at: Date.now(),
          rows: rows
            .filter((r) => typeof r.name === "string")
            .map((r) => ({ name: String(r.name), type: String(r.type ?? "") })),
        };
      }
      return listed.rows
        .filter((r) => r.name.startsWith(query))
        .map((r) => ({
          id: `variable:${r.name}`,
          kind: "variable" as const,
          label: r.name,
          title: r.type ? `${r.name}: ${r.type}` : r.name,
          resolve: () => run("inspect_kernel_variable", { name: r.name }),
        }));
    },
  };
}

/**
 * `source`'s mentions, and after `@` the files `files` lists for what is typed (a host
 * that can read files through the context policy: the `%chat` widget's, through the
 * JupyterLab extension's bridge). A failing listing offers no file.
 */
export function withFiles(
  source: MentionSource,
  files: ((query: string) => Promise<ContextRef[]>) | null,
): MentionSource {
  if (!files) return source;
  return {
    async complete(query, trigger) {
      const [own, listed] = await Promise.all([
        source.complete(query, trigger),
        trigger === "@" ? files(query).catch(() => []) : Promise.resolve([]),
      ]);
      return [...own, ...(Array.isArray(listed) ? listed : [])];
    },
  };
}
