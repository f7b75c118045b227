/**
 * Incremental parser for `text/event-stream` (the WHATWG "event stream" format):
 * feed it byte chunks split anywhere (even inside a UTF-8 sequence or between CR
 * and LF) and it returns each complete event's data. Handles LF, CR and CRLF line
 * ends, multi-line `data:` fields, `:` comment lines and the `event`/`id`/`retry`
 * fields (kept, though ChatKit sends only `data`).
 */

/** One dispatched server-sent event. */
export interface SSEMessage {
  /** The `event:` field, "message" when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last `id:` seen, if any. */
  id?: string;
}

/** Streaming SSE parser; one instance per response body. */
export class SSEParser {
  private decoder = new TextDecoder("utf-8");
  private buffer = "";
  /** A chunk ended in CR: a following LF belongs to the same line end. */
  private pendingCR = false;
  private data: string[] = [];
  private event = "";
  private lastId: string | undefined;
  private firstLine = true;

  /** Feed bytes (or already-decoded text); returns the events completed by them. */
  push(chunk: Uint8Array | string): SSEMessage[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.feed(text);
  }

  /**
   * Flush at end of stream. Per the spec an event not terminated by a blank line
   * is discarded; returns nothing unless the decoder had a dangling sequence that
   * completed a line (it cannot, so this is for symmetry).
   */
  end(): SSEMessage[] {
    const out = this.feed(this.decoder.decode());
    this.buffer = "";
    this.data = [];
    this.event = "";
    return out;
  }

  private feed(text: string): SSEMessage[] {
    const out: SSEMessage[] = [];
    let s = text;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (s.startsWith("\n")) s = s.slice(1);
    }
    // The kept buffer never holds a line end, so scanning resumes where it stopped
    // (no quadratic rescans when one long event arrives in many small chunks).
    const from = this.buffer.length;
    this.buffer += s;
    let start = 0;
    const buf = this.buffer;
    for (let i = from; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = buf.slice(start, i);
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const msg = this.line(line);
      if (msg) out.push(msg);
    }
    this.buffer = buf.slice(start);
    return out;
  }

  private line(raw: string): SSEMessage | null {
    let line = raw;
    if (this.firstLine) {
      this.firstLine = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return null;
      }
      const msg: SSEMessage = { event: this.event || "message", data: this.data.join("\n") };
      if (this.lastId !== undefined) msg.id = this.lastId;
      this.data = [];
      this.event = "";
      return msg;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      default:
        // "retry" and unknown fields: nothing for us to do.
        break;
    }
    return null;
  }
}
