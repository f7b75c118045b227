/**
 * Attachments in the composer (issue 11, item 5): a file picker, drag and drop onto the
 * chat, and pasting images or small files into the box. Each file is checked (type and
 * size) before anything is sent, announced to the server (`attachments.create`),
 * uploaded to the URL it answers (jupyter-chatkit/attachments/<id>), and shown as a chip
 * until the message goes; the message carries the ids (ChatKit attachments). Images
 * reach vision-capable models; the server's PolicyConverter clips and redacts text.
 */

import type { ChatSession } from "../client/session";
import type { Attachment } from "../client/types";
import { revealIn } from "./bidi";
import { button, h, icon } from "./dom";

/** How the host sends an attachment's bytes (authenticated, to the server's URL). */
export type UploadFile = (url: string, file: Blob, signal?: AbortSignal) => Promise<void>;

/** The largest image attached. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The largest text file attached (the model reads at most 16k characters of it). */
export const MAX_TEXT_BYTES = 1024 * 1024;

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const TEXT_EXTENSIONS: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  txt: "text/plain",
  md: "text/markdown",
  py: "text/x-python",
  json: "application/json",
  yaml: "text/yaml",
  yml: "text/yaml",
  sql: "text/x-sql",
  log: "text/plain",
};

/** The MIME type we send for `file` (from its extension when the browser gives none). */
export function mimeOf(file: { name: string; type: string }): string {
  const ext = file.name.split(".").pop()?.toLowerCase() ?? "";
  if (TEXT_EXTENSIONS[ext]) return TEXT_EXTENSIONS[ext];
  return file.type || "application/octet-stream";
}

/** Why `file` cannot be attached, or null when it can. */
export function attachmentProblem(file: { name: string; type: string; size: number }): string | null {
  const mime = mimeOf(file);
  const mb = (n: number): string => `${Math.round(n / (1024 * 1024))} MB`;
  if (IMAGE_TYPES.has(mime)) {
    return file.size > MAX_IMAGE_BYTES ? `${file.name} is too large (images up to ${mb(MAX_IMAGE_BYTES)}).` : null;
  }
  if (mime.startsWith("text/") || mime === "application/json") {
    return file.size > MAX_TEXT_BYTES ? `${file.name} is too large (text files up to ${mb(MAX_TEXT_BYTES)}).` : null;
  }
  return `${file.name} cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files (CSV, TXT, JSON, Python, Markdown).`;
}

/** Files taken from the tray for a message (see {@link AttachmentTray.take}). */
export interface TakenAttachments {
  /** The attachment ids the message carries. */
  ids: string[];
  /** Put the files back in the tray: the message was not sent. Safe to call twice. */
  putBack(): void;
}

interface Pending {
  key: number;
  name: string;
  kind: "image" | "file";
  attachment: Attachment | null;
  done: Promise<Attachment | null>;
}

/** The attached files of the next message, shown as chips. */
export class AttachmentTray {
  readonly el: HTMLElement;
  /** The picker button and its file input (the host puts them in the composer). */
  readonly controls: HTMLElement;
  private items: Pending[] = [];
  private next = 0;
  private readonly picker: HTMLInputElement;

  /** Called when files are added, removed, taken or put back (the host's Send follows). */
  onChange: (() => void) | null = null;

  constructor(
    private readonly session: ChatSession,
    private readonly upload: UploadFile,
    private readonly announce: (text: string) => void,
  ) {
    this.el = h("div", { class: "jck-chips jck-attachments", role: "list", "aria-label": "Attached files" });
    this.el.hidden = true;
    this.picker = h("input", { type: "file", multiple: true, hidden: true, class: "jck-file-input" });
    this.picker.addEventListener("change", () => {
      if (this.picker.files) this.add([...this.picker.files]);
      this.picker.value = "";
    });
    const pick = button(icon("plus"), () => this.picker.click(), {
      class: "jck-btn jck-btn-icon jck-attach",
      "aria-label": "Attach files",
      title: "Attach an image or a text file (or drop / paste it here)",
    });
    this.controls = h("span", { class: "jck-attach-controls" }, pick, this.picker);
  }

  /** Drop files on `zone` and paste them into `input`. */
  bind(zone: HTMLElement, input: HTMLTextAreaElement): void {
    zone.addEventListener("dragover", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      zone.classList.add("jck-dropping");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("jck-dropping"));
    zone.addEventListener("drop", (e) => {
      zone.classList.remove("jck-dropping");
      const files = e.dataTransfer?.files;
      if (!files?.length) return;
      e.preventDefault();
      e.stopPropagation(); // not into the notebook behind
      this.add([...files]);
    });
    input.addEventListener("paste", (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (!files.length) return; // plain text pastes as text
      e.preventDefault();
      this.add(files);
    });
  }

  /** Check, announce and upload `files`; refused ones are said, not added. */
  add(files: readonly File[]): void {
    for (const file of files) {
      const problem = attachmentProblem(file);
      if (problem) {
        this.announce(problem);
        continue;
      }
      const mime = mimeOf(file);
      const name = file.name || (mime.startsWith("image/") ? "pasted image" : "pasted file");
      const pending: Pending = {
        key: this.next++,
        name,
        kind: mime.startsWith("image/") ? "image" : "file",
        attachment: null,
        done: Promise.resolve(null),
      };
      pending.done = this.send(file, name, mime).then(
        (attachment) => {
          pending.attachment = attachment;
          if (!this.items.includes(pending)) {
            // Removed while it was uploading: the server need not keep it.
            this.forget(attachment.id);
            return null;
          }
          this.render();
          return attachment;
        },
        (e: Error) => {
          this.announce(`Could not attach ${name}: ${e.message}`);
          this.items = this.items.filter((p) => p !== pending);
          this.render();
          return null;
        },
      );
      this.items.push(pending);
    }
    this.render();
  }

  private async send(file: File, name: string, mime: string): Promise<Attachment> {
    const attachment = await this.session.request<Attachment>({
      type: "attachments.create",
      params: { name, size: file.size, mime_type: mime },
    });
    // The server names its own paths "jupyter-server:/base/…" (store/attachments.py).
    const url = attachment.upload_descriptor?.url?.replace(/^jupyter-server:/, "");
    if (!attachment.id || !url) throw new Error("the server gave no upload address");
    await this.upload(url, file);
    return attachment;
  }

  /**
   * The uploaded files of the next message, after waiting for uploads still running.
   * They leave the tray; `putBack` returns them if the message is not sent after all.
   */
  async take(): Promise<TakenAttachments> {
    const items = this.items;
    if (!items.length) return { ids: [], putBack: () => undefined };
    await Promise.all(items.map((p) => p.done));
    // A file removed while the others finished uploading is not sent: the server was
    // told to forget it (it went with the message, which then referred to nothing).
    const kept = items.filter((p) => this.items.includes(p) && p.attachment);
    this.items = this.items.filter((p) => !items.includes(p));
    this.render();
    return {
      ids: kept.map((p) => (p.attachment as Attachment).id),
      putBack: () => this.putBack(kept),
    };
  }

  /**
   * Return taken files to the tray, ahead of any attached since, as they were (already
   * uploaded: nothing is sent again). One already back is not added twice.
   */
  private putBack(taken: readonly Pending[]): void {
    const back = taken.filter((p) => !this.items.includes(p));
    if (!back.length) return;
    this.items = [...back, ...this.items];
    this.render();
  }

  private remove(pending: Pending): void {
    this.items = this.items.filter((p) => p !== pending);
    const id = pending.attachment?.id;
    if (id) this.forget(id);
    this.announce(`${pending.name} removed.`);
    this.render();
  }

  private forget(id: string): void {
    void this.session.request({ type: "attachments.delete", params: { attachment_id: id } }).catch(() => {});
  }

  /** How many files wait in the tray (uploaded or uploading). */
  get count(): number {
    return this.items.length;
  }

  private render(): void {
    this.onChange?.();
    this.el.hidden = this.items.length === 0;
    this.el.replaceChildren(
      ...this.items.map((p) =>
        h(
          "span",
          {
            class: `jck-chip jck-chip-attachment${p.attachment ? "" : " jck-uploading"}`,
            role: "listitem",
            title: p.attachment ? p.name : `Uploading ${p.name}…`,
          },
          h("span", { class: "jck-chip-label" }, `${p.kind === "image" ? "Image" : "File"}: ${p.name}`),
          button(icon("close"), () => this.remove(p), {
            class: "jck-chip-remove",
            "aria-label": `Remove ${p.name}`,
            title: "Do not send this file",
          }),
        ),
      ),
    );
    // A file's name may hold bidi controls or zero-width characters: shown for what they are.
    revealIn(this.el);
  }
}

/** An upload with Jupyter's auth: same-origin cookies, the XSRF header, and a token. */
export function jupyterUpload(token?: string): UploadFile {
  return async (url, file, signal) => {
    const headers: Record<string, string> = {};
    const xsrf = /(?:^|;\s*)_xsrf=([^;]*)/.exec(globalThis.document?.cookie ?? "")?.[1];
    if (xsrf) headers["X-XSRFToken"] = decodeURIComponent(xsrf);
    if (token) headers.Authorization = `token ${token}`;
    const body = new FormData();
    body.append("file", file, (file as File).name || "file");
    const res = await fetch(url, { method: "POST", body, headers, credentials: "same-origin", signal });
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        const json = (await res.json()) as { message?: string };
        if (json.message) message = json.message;
      } catch {
        // not JSON: the status says it
      }
      throw new Error(res.status === 413 ? "the file is too large for the server." : message);
    }
  };
}
