/**
 * The chat header's model: a label, or a picker when the server allows several models.
 * The pick is kept per thread: it rides on each message (`inference_options.model`), so
 * a reopened thread uses the model of its last message.
 */

import { type ChatSession, perSession } from "../client/session";
import { h } from "./dom";

/** The server's model and the ones people may pick per conversation. */
export interface ModelChoice {
  /** The model used unless one is picked. */
  default: string;
  /** The models the server accepts (including the default); fewer than two: no picker. */
  allowed: readonly string[];
  /** How to show the default (e.g. "offline demo model"); defaults to its name. */
  label?: string;
}

/**
 * The header's model for a chat answered over the comm (the widget with no server
 * endpoint): its name as the kernel says it (`COMM.CONFIG`, client/comm.ts
 * kernelConfig); no picker there, the kernel's assistant answers with its own model.
 * null when the kernel does not say.
 */
export function kernelModel(config: { offline: boolean; model: string } | null): ModelChoice | null {
  if (!config?.model) return null;
  const label = config.offline ? "offline demo model" : config.model;
  return { default: config.model, allowed: [config.model], label };
}

/**
 * The model picked in each thread (by thread id), per session: chats sharing a session
 * (one widget shown twice) share the picks too.
 */
const pickedBySession = new WeakMap<ChatSession, Map<string, string>>();
/** The pickers of each session's chats, with whether each chat is gone. */
const pickersBySession = new WeakMap<ChatSession, Map<ModelPicker, () => boolean>>();

/** The model label or picker of one chat, in step with its session's thread. */
export class ModelPicker {
  /** Where the label goes (replaced by the picker when there is a choice). */
  readonly el: HTMLElement = h("span", { class: "jck-model", title: "The model answering" });
  private models: ModelChoice | null = null;
  private picker: HTMLSelectElement | null = null;
  /** The model picked in each thread (by thread id). */
  private readonly picked: Map<string, string>;

  constructor(
    private readonly session: ChatSession,
    choice: ModelChoice | null | undefined | Promise<ModelChoice | null>,
    announce: (text: string) => void,
    disposed: () => boolean,
  ) {
    this.picked = perSession(pickedBySession, session, () => new Map());
    void Promise.resolve(choice).then((m) => {
      if (!m || disposed()) return;
      this.models = m;
      if (m.allowed.length < 2) {
        this.el.textContent = m.label ?? m.default;
        // Cut with an ellipsis when long: the whole name shows on hover.
        this.el.title = `The model answering: ${m.label ?? m.default}`;
        return;
      }
      const select = h("select", { class: "jck-model", "aria-label": "Model", title: "The model answering" });
      for (const name of m.allowed) {
        select.appendChild(h("option", { value: name }, name === m.default && m.label ? m.label : name));
      }
      select.addEventListener("change", () => {
        session.model = select.value === m.default ? null : select.value;
        const id = session.threadId;
        if (id) this.picked.set(id, select.value);
        announce(`Model: ${select.value}`);
        // The other chats on this session show the pick at once.
        const pickers = pickersBySession.get(session);
        for (const [other, gone] of pickers ?? []) {
          if (gone()) pickers?.delete(other);
          else if (other !== this) other.reflect();
        }
      });
      this.el.replaceWith(select);
      this.picker = select;
      this.show();
      perSession(pickersBySession, session, () => new Map()).set(this, disposed);
    });
  }

  /** The thread changed from `previous` to the session's: show (and use) its model. */
  threadChanged(previous: string | null): void {
    const id = this.session.threadId;
    // A thread created with a picked model keeps it.
    if (id && !previous && this.session.model) this.picked.set(id, this.session.model);
    this.show();
  }

  private show(): void {
    const models = this.models;
    if (!models) return;
    const want = this.threadModel();
    const current = want && models.allowed.includes(want) ? want : models.default;
    this.session.model = current === models.default ? null : current;
    if (this.picker) {
      this.picker.value = current;
      this.picker.title = `The model answering: ${current}`;
    }
  }

  /** The picker shows the session's model (picked here or in a chat sharing the session). */
  private reflect(): void {
    const models = this.models;
    if (!models || !this.picker) return;
    const current = this.session.model ?? models.default;
    if (this.picker.value !== current && models.allowed.includes(current)) {
      this.picker.value = current;
      this.picker.title = `The model answering: ${current}`;
    }
  }

  private threadModel(): string | null {
    const id = this.session.threadId;
    if (id && this.picked.has(id)) return this.picked.get(id) ?? null;
    const items = this.session.state.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (it.type === "user_message" && it.inference_options?.model) return it.inference_options.model;
    }
    return null;
  }
}
