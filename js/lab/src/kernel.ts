/**
 * Kernel-side client tools (`list_kernel_variables`, `inspect_kernel_variable`): run
 * silently in the notebook's own kernel, where the user's variables live.
 *
 * Contract with the kernel side: the expression
 *   __import__('jupyter_chatkit.kernel.introspect', fromlist=['x']).tool_json(name, args_json)
 * returns a JSON string. We send it as a `user_expressions` entry of a silent, history-
 * free execute request, so nothing shows in the notebook and `In[n]` does not move.
 *
 * Every path ends with a value the model can read: no notebook, no kernel, a busy
 * kernel, a kernel without jupyter_chatkit, a timeout. A tool call never hangs.
 */

import type { ISessionContext } from "@jupyterlab/apputils";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import { stripAnsi } from "./cells";
import { noteCheckable, ownRequest } from "./checkcache";
import { type FloatAt, floatsInJson, parseKeepingFloats } from "./floats";
import type { LiveCells, PushedCells } from "./privatecells";
import { parsePyStringRepr, pyString } from "./pyrepr";
import { policyResult, redactText } from "./redact";
import { mainShellSeen } from "./shellwatch";
import { busySubshell, executeOn, fromSubshell } from "./subshell";

/** How long to wait for a busy kernel to become idle before giving up. */
export const BUSY_WAIT_MS = 3000;
/** How long one introspection may take once the kernel is idle. */
export const REPLY_TIMEOUT_MS = 20000;
/** How long one may take on a subshell while a cell runs (the person waits for it):
 * counted from when the kernel starts it (its busy status), so the wait for the subshell
 * being made, or behind an earlier request of ours on it, is not counted twice. */
export const SUBSHELL_REPLY_MS = 5000;

export const MESSAGES = {
  noNotebook: "No notebook is open, so there is no kernel to look at.",
  noKernel: "The notebook has no running kernel; start one (Kernel menu) and try again.",
  busy: "The kernel is busy running a cell; try again when it finishes.",
  starting: "The kernel is starting or restarting; try again in a moment.",
  dead: "The notebook's kernel is dead or disconnected; restart it and try again.",
  timeout: "The kernel did not answer in time; it may be busy or stuck.",
  slow:
    "The kernel is running a cell and was slow to answer beside it (the computer may be " +
    "loaded); nothing is wrong with the request: ask again in a moment.",
  stopped:
    "The kernel stopped while it was being read (it died, restarted or was shut down); " +
    "ask again once it is running.",
};

/** Why a request the kernel was sent failed, in words a person (and the model) can act
 * on. A kernel that dies, restarts or is shut down under a request cancels it, which
 * @jupyterlab/services says as "Canceled future for execute_request message before
 * replies were done": that told neither what happened. */
function requestFailed(e: unknown): string {
  const message = String((e as Error)?.message ?? e);
  if (/^Canceled future for /.test(message)) return MESSAGES.stopped;
  return `The kernel request failed: ${message}`;
}

/** The Python expression that answers tool `name` with `args` in the kernel; `cells`:
 * the notebook's live cells (privatecells.ts `liveCells`). */
export function toolExpression(name: string, args: unknown, cells: LiveCells | null = null): string {
  const module = "__import__('jupyter_chatkit.kernel.introspect', fromlist=['x'])";
  const call = `${pyString(name)}, ${pyString(JSON.stringify(args ?? {}))}`;
  if (!cells) return `${module}.tool_json(${call})`;
  const live = pyString(JSON.stringify(cells));
  if (cells.kept_out.length) return `${module}.tool_json(${call}, ${live})`;
  // Nothing kept out: a kernel-side jupyter_chatkit older than live cells (tool_json
  // without cells_json) answers as it always did, instead of failing on the argument.
  // Only our own function's signature is read, no user code.
  return (
    `(lambda m: m.tool_json(${call}, ${live}) if 'cells_json' in m.tool_json.__code__.co_varnames ` +
    `else m.tool_json(${call}))(${module})`
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wait until the kernel is idle; false if it stays busy for `ms`. */
async function waitIdle(kernel: Kernel.IKernelConnection, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  // The connection says idle after a control request's end while a cell runs.
  while (kernel.status === "busy" || mainShellSeen(kernel) === "busy") {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Resolve with `promise`, or with `fallback` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** `answer`, or null when the kernel took more than `ms` from starting the request of
 * `future` (its busy status: a subshell runs our requests one after another, so one may
 * wait behind an earlier one given as long), or more than `capMs` in all (never started:
 * a kernel stuck, e.g. a cell holding the GIL). */
function withinOnceStarted<T>(
  future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>,
  answer: Promise<T>,
  ms: number,
  capMs: number,
): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    let started: ReturnType<typeof setTimeout> | undefined;
    const cap = setTimeout(() => finish(null), capMs);
    const finish = (value: T | null): void => {
      clearTimeout(cap);
      clearTimeout(started);
      resolve(value);
    };
    future.onIOPub = (msg) => {
      const state = (msg.content as { execution_state?: string }).execution_state;
      if (started === undefined && msg.header.msg_type === "status" && state === "busy") {
        started = setTimeout(() => finish(null), ms);
      }
    };
    answer.then(finish, (e) => {
      clearTimeout(cap);
      clearTimeout(started);
      reject(e);
    });
  });
}

/** The execute reply of `future` as soon as it comes (its `done` also waits for the
 * idle status, on IOPub); a request that fails fails it. */
function replyOf(
  future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>,
): Promise<KernelMessage.IExecuteReplyMsg> {
  return new Promise((resolve, reject) => {
    future.onReply = resolve;
    future.done.then(resolve, reject);
  });
}

/** Options for {@link runKernelTool}; tests shorten the waits. */
export interface KernelToolOptions {
  busyWaitMs?: number;
  replyTimeoutMs?: number;
  /** The notebook's live cells: the variables only its kept-out cells define are not
   * described (privatecells.ts `liveCells`). */
  cells?: LiveCells | null;
}

/**
 * Why a kernel could not answer: `unavailable` when there is nothing to ask (no notebook,
 * no kernel, a dead one, another language, no jupyter_chatkit in its environment),
 * `busy` when it may hold variables but did not answer now (running a cell, starting,
 * too slow), `failed` when the request itself failed.
 */
export type KernelMiss = { error: string; reason: "unavailable" | "busy" | "failed" };

/** The expression's value in the kernel (its execute reply), or why there is none.
 * `check`: the expression is the secrets check, which reads and runs no user code: its
 * messages do not end the kernel state the checks kept (checkcache.ts). `atReply`: the
 * value as soon as the reply holding it comes, not also the kernel's idle status after
 * it (which the checks kept before Enter need: answers are kept for an idle kernel). */
async function evaluate(
  session: ISessionContext | null | undefined,
  expression: string,
  options: KernelToolOptions,
  check = false,
  atReply = false,
): Promise<KernelMessage.IExecuteReplyMsg | KernelMiss> {
  const miss = (reason: KernelMiss["reason"], error: string): KernelMiss => ({ error, reason });
  if (!session) return miss("unavailable", MESSAGES.noNotebook);
  const kernel = session.session?.kernel;
  if (!kernel) return miss("unavailable", MESSAGES.noKernel);
  const status = kernel.status;
  if (status === "dead" || kernel.connectionStatus === "disconnected") return miss("unavailable", MESSAGES.dead);
  if (status === "starting" || status === "restarting" || status === "autorestarting") {
    return miss("busy", MESSAGES.starting);
  }
  // A cell running: a subshell answers now (subshell.ts); without one, wait as before.
  const subshellWait = options.replyTimeoutMs ?? SUBSHELL_REPLY_MS;
  const got = await busySubshell(kernel, subshellWait);
  // Still being made (a loaded machine): slow, not impossible; kept for the next request.
  if (got === "slow") return miss("busy", MESSAGES.slow);
  const lease = got;
  const subshell = lease?.id ?? null;
  let future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg> | null = null;
  try {
    if (subshell === null && !(await waitIdle(kernel, options.busyWaitMs ?? BUSY_WAIT_MS))) {
      return miss("busy", MESSAGES.busy);
    }
    // The introspection module is Python; say so plainly instead of a syntax error.
    const info = await within(kernel.info.catch(() => null), 2000, null);
    const language = info?.language_info?.name;
    if (language && language.toLowerCase() !== "python") {
      return miss(
        "unavailable",
        `The notebook's kernel runs ${language}; variables can only be read from Python kernels.`,
      );
    }

    try {
      const send = () =>
        executeOn(kernel, subshell, {
          code: "",
          silent: true,
          store_history: false,
          allow_stdin: false,
          stop_on_error: false,
          user_expressions: { result: expression },
        });
      future = check ? ownRequest(kernel, send) : send();
    } catch (e) {
      return miss("failed", `Could not reach the kernel: ${(e as Error).message ?? e}`);
    }
    let reply: KernelMessage.IExecuteReplyMsg | null;
    try {
      const answer = atReply ? replyOf(future) : future.done;
      reply =
        subshell === null
          ? await within(answer, options.replyTimeoutMs ?? REPLY_TIMEOUT_MS, null)
          : await withinOnceStarted(future, answer, subshellWait, 2 * subshellWait);
    } catch (e) {
      return miss("failed", requestFailed(e));
    }
    return reply ?? miss("busy", subshell === null ? MESSAGES.timeout : MESSAGES.slow);
  } finally {
    // Held until its request is over (the reply, however late; or none went): a subshell
    // let go meanwhile is deleted after it, never under it (subshell.ts).
    if (lease) (future?.done ?? Promise.resolve()).then(lease.end, lease.end);
  }
}

/** Run client tool `name` in the kernel of `session`; always resolves to a JSON value. */
export async function runKernelTool(
  session: ISessionContext | null | undefined,
  name: string,
  args: unknown,
  options: KernelToolOptions = {},
): Promise<unknown> {
  const reply = await evaluate(session, toolExpression(name, args, options.cells ?? null), options);
  return "reason" in reply ? { error: reply.error } : readReply(reply);
}

/**
 * Tell the kernel of `session` the notebook's live cells (kernel/kept_names.py
 * `remember_live`, for its readers no front end is asked for: livepush.ts): `kept` once
 * it keeps them, `busy` when it could not answer now (try later), `failed` otherwise (no
 * jupyter_chatkit there, or one older than this). Runs no user code.
 */
export async function pushLiveCells(
  session: ISessionContext | null | undefined,
  cells: LiveCells | PushedCells,
): Promise<"kept" | "busy" | "failed"> {
  const expression = `__import__('jupyter_chatkit.kernel.kept_names', fromlist=['x']).remember_live(${pyString(JSON.stringify(cells))})`;
  const reply = await evaluate(session, expression, {}, true, true);
  if ("reason" in reply) return reply.reason === "busy" ? "busy" : "failed";
  return readRawReply(reply, (text) => text) === "kept" ? "kept" : "failed";
}

/** The Python expression that hides, in `json` (JSON text), what the kernel holds under
 * secret names (kernel/known_secrets.py `hide_known_json`). */
export function hideExpression(json: string): string {
  return `__import__('jupyter_chatkit.kernel.known_secrets', fromlist=['x']).hide_known_json(${pyString(json)})`;
}

/** What the model reads instead of a cell's outputs the kernel could not check. */
export const OUTPUTS_WITHHELD =
  "Outputs not shown: the kernel is busy, so they could not be checked for the secrets " +
  "it holds. Ask again when it is idle.";

/** What the model reads instead of a cell's outputs when the kernel's check failed (an
 * older jupyter_chatkit there, values changed under a running cell, the request itself):
 * none of them went unchecked. */
export const OUTPUTS_UNCHECKED =
  "Outputs not shown: the notebook's kernel could not check them for the secrets it " +
  "holds. Ask again; if it keeps happening, the kernel's jupyter-chatkit may be older " +
  "than the server's: upgrade it in the kernel's environment.";

/** `value` with every cell's `outputs` left out, saying why (`note`). */
export function withoutOutputs(value: unknown, note: string = OUTPUTS_WITHHELD): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutOutputs(v, note));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === "outputs" && Array.isArray(v)) {
      if (v.length) out.outputs_withheld = note;
      out.outputs = [];
    } else out[key] = withoutOutputs(v, note);
  }
  return out;
}

/**
 * `value` (what the browser read from the notebook, on its way to the model) with the
 * values the notebook's kernel holds under secret names hidden, as the kernel hides them
 * in its own results. The browser's text rules cannot tell `print([token])` or an
 * exception quoting a password from data; the kernel can. Nothing goes back from the
 * kernel but `value` with placeholders.
 *
 * No kernel to ask (none, dead, another language, no jupyter_chatkit there): `value`
 * as the text rules left it. A kernel that did not answer now (busy running a cell,
 * starting, too slow): `value` without its cells' outputs, which say why.
 */
export async function hideKernelSecrets(
  session: ISessionContext | null | undefined,
  value: unknown,
  options: KernelToolOptions = {},
): Promise<unknown> {
  // The kernel asked (evaluate reads it before its first wait).
  const kernel = session?.session?.kernel;
  // At Enter: the value is in the reply; the idle status comes on another channel, later.
  const reply = await evaluate(session, hideExpression(JSON.stringify(value ?? null)), options, true, true);
  if ("reason" in reply) {
    if (reply.reason === "unavailable") return value;
    return withoutOutputs(value, reply.reason === "busy" ? OUTPUTS_WITHHELD : OUTPUTS_UNCHECKED);
  }
  const read = readRawReply(reply) as { value?: unknown } | null;
  if (read && typeof read === "object" && "value" in read) {
    if (kernel) noteCheckable(kernel, true);
    return read.value;
  }
  // A kernel without jupyter_chatkit cannot be asked; any other failure may hide one
  // (and is no busy kernel: the person is told what to do about it).
  if (expressionError(reply) === "missing") {
    if (kernel) noteCheckable(kernel, false);
    return value;
  }
  // On a subshell the running cell changed what the check read: busy, not old.
  return withoutOutputs(value, fromSubshell(reply) ? OUTPUTS_WITHHELD : OUTPUTS_UNCHECKED);
}

/**
 * `strings` as the kernel's check leaves each (one answer per string, in order), or null
 * when it gave none now: no kernel, a busy one (nothing is waited for), any failure.
 * What the sidebar asks before Enter (checkcache.ts); nothing goes unchecked on a null.
 */
export async function checkStrings(
  session: ISessionContext | null | undefined,
  strings: readonly string[],
): Promise<string[] | null> {
  const kernel = session?.session?.kernel;
  const reply = await evaluate(session, hideExpression(JSON.stringify(strings)), { busyWaitMs: 0 }, true);
  if ("reason" in reply) return null;
  const read = readRawReply(reply) as { value?: unknown } | null;
  const out = read && typeof read === "object" ? read.value : null;
  // No jupyter_chatkit there: not asked again before Enter (checkcache.ts).
  if (kernel && expressionError(reply) === "missing") noteCheckable(kernel, false);
  if (!Array.isArray(out) || out.length !== strings.length || !out.every((s) => typeof s === "string")) return null;
  return out as string[];
}

/** "missing" when the kernel's environment has no jupyter_chatkit. */
function expressionError(reply: KernelMessage.IExecuteReplyMsg): "missing" | "other" {
  const content = reply.content as { user_expressions?: Record<string, { ename?: string }> };
  const ename = content.user_expressions?.result?.ename;
  return ename === "ModuleNotFoundError" || ename === "ImportError" ? "missing" : "other";
}

/** How long a message or a tool result waits for a busy kernel before going without
 * outputs: a cell that ends within it costs nothing. */
export const GUARD_BUSY_WAIT_MS = 1500;

/** An exception text from the kernel, safe to show the model: ANSI-free, redacted. */
function errorText(text: string | undefined): string {
  return redactText(stripAnsi(text ?? "")).text.slice(0, 600);
}

/**
 * The tool result inside an execute reply (exported for tests), passed through the
 * context policy once more: a kernel with an older jupyter_chatkit may not have.
 */
export function readReply(reply: KernelMessage.IExecuteReplyMsg): unknown {
  // Plain numbers for callers; its JSON text writes floats as the kernel did (3.0, not 3: floats.ts).
  let floats: FloatAt[] = [];
  const result = readRawReply(reply, (text) => {
    const read = parseKeepingFloats(text);
    floats = read.floats;
    return read.value;
  });
  return result && typeof result === "object" && "error" in result
    ? result
    : floatsInJson(policyResult(result), floats);
}

function readRawReply(reply: KernelMessage.IExecuteReplyMsg, parse: (text: string) => unknown = JSON.parse): unknown {
  const content = reply.content as {
    status: string;
    user_expressions?: Record<string, unknown>;
    ename?: string;
    evalue?: string;
  };
  if (content.status !== "ok") {
    return { error: `The kernel could not run the request (${errorText(content.ename ?? content.status)}).` };
  }
  const expr = content.user_expressions?.result as
    | { status: string; data?: Record<string, unknown>; ename?: string; evalue?: string }
    | undefined;
  if (!expr) return { error: "The kernel ignored the request (no user_expressions support)." };
  if (expr.status !== "ok") {
    if (expr.ename === "ModuleNotFoundError" || expr.ename === "ImportError") {
      return {
        error:
          "jupyter_chatkit is not installed in this notebook's kernel environment, so its " +
          `variables cannot be listed (${expr.ename}: ${errorText(expr.evalue)}). ` +
          "Install jupyter-chatkit in the kernel's environment.",
      };
    }
    return {
      error: `Introspection failed in the kernel: ${errorText(expr.ename ?? "error")}: ${errorText(expr.evalue)}`,
    };
  }
  const plain = expr.data?.["text/plain"];
  if (typeof plain !== "string") return { error: "The kernel's answer had no text." };
  try {
    return parse(parsePyStringRepr(plain));
  } catch (e) {
    return { error: `Could not read the kernel's answer: ${(e as Error).message ?? e}` };
  }
}
