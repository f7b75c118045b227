/**
 * How ChatKit requests reach a server: the `Transport` interface, the HTTP one used
 * against the Jupyter server extension, and helpers shared by all transports.
 */

import { isStreamingReq } from "./types";

/** The bytes and status of one answered request. */
export interface TransportResponse {
  /** HTTP-like status: 2xx is success. */
  status: number;
  /** `text/event-stream` for streaming requests, else usually `application/json`. */
  contentType: string;
  /** The body, possibly still arriving. Errors mid-body are thrown while iterating. */
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
}

/** Sends one ChatKit request (a JSON-serialisable object). */
export interface Transport {
  /**
   * Send `body`; resolves once the response starts (status known). Aborting `signal`
   * rejects or ends the body with an `AbortError` and tells the server to stop.
   */
  send(body: object, signal?: AbortSignal): Promise<TransportResponse>;
}

/**
 * `transport` with `frontEnd` (what this front end shows, e.g. the buttons it adds to
 * code cards; a function: as it is when each request is sent, e.g. the cells kept out
 * now) in the metadata of every ChatKit streaming request: a message, Regenerate, a
 * widget action, a client tool's result (the turn goes on there too).
 */
export function withFrontEnd(
  transport: Transport,
  frontEnd: Record<string, unknown> | (() => Record<string, unknown>),
): Transport {
  return {
    send(body: object, signal?: AbortSignal) {
      const req = body as { type?: unknown; metadata?: Record<string, unknown> };
      if (typeof req.type !== "string" || !req.type.startsWith("threads.") || !isStreamingReq({ type: req.type }))
        return transport.send(body, signal);
      const now = typeof frontEnd === "function" ? frontEnd() : frontEnd;
      return transport.send({ ...body, metadata: { ...req.metadata, front_end: now } }, signal);
    },
  };
}

/** A failed request, with a message fit to show a person. */
export class TransportError extends Error {
  /** HTTP-like status, 0 when the request never got an answer. */
  readonly status: number;
  constructor(message: string, status = 0) {
    super(message);
    this.name = "TransportError";
    this.status = status;
  }
}

/** True for the error an aborted request or body read throws. */
export function isAbortError(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    ((e as { name?: string }).name === "AbortError" || (e as { code?: number }).code === 20)
  );
}

/** An `AbortError` (DOMException where available). */
export function abortError(): Error {
  if (typeof DOMException !== "undefined") return new DOMException("Aborted", "AbortError");
  const e = new Error("Aborted");
  e.name = "AbortError";
  return e;
}

/** Iterate a body whether it is a ReadableStream or an async iterable. */
export async function* iterateBody(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (typeof (body as ReadableStream<Uint8Array>).getReader === "function") {
    // Not every browser can `for await` a ReadableStream yet.
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    yield* body as AsyncIterable<Uint8Array>;
  }
}

/** Read a whole body as text. */
export async function readText(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of iterateBody(body)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * Said when the endpoint answers with Jupyter's own 404 page rather than one of its JSON
 * errors: this server runs no jupyter-chatkit server extension (disabled, installed in
 * another environment than Jupyter's, or it failed to load: a bad setting such as
 * JUPYTER_CHATKIT_API=chat) while the front end is there.
 */
export const NO_SERVER_EXTENSION =
  "This Jupyter server does not run jupyter-chatkit's server extension (jupyter-chatkit/chatkit answered 404). If it failed to load, the Jupyter server's log and `jupyter chatkit` say why; otherwise install jupyter-chatkit in the environment Jupyter runs from, run `jupyter server extension enable jupyter_chatkit`, then restart Jupyter.";

/** The readable message of an error body: JSON `{"message": ...}` or the text itself. */
export function errorMessage(status: number, text: string): string {
  try {
    const data = JSON.parse(text) as { message?: unknown; reason?: unknown; error?: unknown };
    for (const v of [data.message, data.reason, data.error]) {
      if (typeof v === "string" && v.trim()) return v;
    }
  } catch {
    // not JSON
  }
  // An HTML page (a proxy's, Jupyter's own): its style sheets and scripts are not words.
  const plain = text
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (plain && plain.length <= 300) return `${status}: ${plain}`;
  return `The server answered ${status}.`;
}

// ---------------------------------------------------------------- page config

/** What the Jupyter page tells us (`#jupyter-config-data`). */
export interface PageConfig {
  /** Server base URL, always ending in "/". */
  baseUrl: string;
  /** API token when the page carries one (e.g. `?token=` logins); else undefined. */
  token?: string;
}

/** Ensure a trailing slash. */
export function normalizeBaseUrl(url: string): string {
  if (!url) return "/";
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * Read JupyterLab / Notebook's `#jupyter-config-data` script tag; null when absent
 * (e.g. VS Code, Colab) or unreadable.
 */
export function readPageConfig(doc: Document | undefined = globalThis.document): PageConfig | null {
  const el = doc?.getElementById("jupyter-config-data");
  if (!el?.textContent) return null;
  try {
    const data = JSON.parse(el.textContent) as { baseUrl?: unknown; token?: unknown };
    if (typeof data.baseUrl !== "string") return null;
    const cfg: PageConfig = { baseUrl: normalizeBaseUrl(data.baseUrl) };
    if (typeof data.token === "string" && data.token) cfg.token = data.token;
    return cfg;
  } catch {
    return null;
  }
}

/** The `_xsrf` cookie Jupyter's tornado checks on POST, or undefined. */
export function xsrfToken(doc: Document | undefined = globalThis.document): string | undefined {
  const cookie = doc?.cookie ?? "";
  const m = cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

// ---------------------------------------------------------------- HTTP transport

/** Options of {@link fetchTransport}. */
export interface FetchTransportOptions {
  /** Jupyter server base URL (`PageConfig.baseUrl`), e.g. "/" or "/user/ada/". */
  baseUrl: string;
  /** Jupyter API token, sent as `Authorization: token ...` when given. */
  token?: string;
  /** Override how the XSRF token is found (tests); defaults to the `_xsrf` cookie. */
  xsrf?: () => string | undefined;
  /** Override `fetch` (tests). */
  fetch?: typeof fetch;
}

/** The ChatKit endpoint under a base URL. */
export function chatkitUrl(baseUrl: string): string {
  return `${normalizeBaseUrl(baseUrl)}jupyter-chatkit/chatkit`;
}

/**
 * POST requests to `{baseUrl}jupyter-chatkit/chatkit` with Jupyter's auth: cookies
 * (same-origin), the `X-XSRFToken` header and the token if the page has one.
 * Non-2xx answers reject with a {@link TransportError} carrying the server's message.
 */
export function fetchTransport(options: FetchTransportOptions): Transport {
  const url = chatkitUrl(options.baseUrl);
  return {
    async send(body: object, signal?: AbortSignal): Promise<TransportResponse> {
      const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        Accept: "text/event-stream, application/json",
      };
      const xsrf = (options.xsrf ?? xsrfToken)();
      if (xsrf) headers["X-XSRFToken"] = xsrf;
      if (options.token) headers.Authorization = `token ${options.token}`;
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          credentials: "same-origin",
          cache: "no-store",
          signal,
        });
      } catch (e) {
        if (isAbortError(e)) throw e;
        throw new TransportError(
          `Could not reach the Jupyter server (${(e as Error)?.message ?? e}).`,
        );
      }
      const contentType = res.headers.get("Content-Type") ?? "";
      if (!res.ok) {
        const text = await res.text().catch(() => "");
        if (res.status === 404 && !contentType.includes("json")) {
          throw new TransportError(NO_SERVER_EXTENSION, res.status);
        }
        throw new TransportError(errorMessage(res.status, text), res.status);
      }
      return {
        status: res.status,
        contentType,
        body: res.body ?? emptyBody(),
      };
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {
  // A 204 or bodiless answer.
}

/**
 * `GET {baseUrl}jupyter-chatkit/health`: true when the server extension answers 200
 * within `timeoutMs`.
 */
export async function checkHealth(
  options: FetchTransportOptions & { timeoutMs?: number },
): Promise<boolean> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), options.timeoutMs ?? 4000);
  try {
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `token ${options.token}`;
    const res = await doFetch(`${normalizeBaseUrl(options.baseUrl)}jupyter-chatkit/health`, {
      credentials: "same-origin",
      cache: "no-store",
      headers,
      signal: ctl.signal,
    });
    // Drain so the connection is released.
    await res.text().catch(() => "");
    return res.status === 200;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
