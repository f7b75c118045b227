/**
 * `GET {base_url}jupyter-chatkit/config`: the model the server uses, for display; and
 * `GET {base_url}jupyter-chatkit/models`: the models people may pick per conversation.
 */

import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";

/** What the server tells the browser about its model (never secrets). */
export interface ServerModelInfo {
  model: string;
  provider: string;
  api: string | null;
  offline: boolean;
  /** Why the assistant is off (a 503 with the server's message: a refused setting). */
  unavailable?: string;
}

/** Fetch the server's model info; null when the server extension does not answer. */
export async function fetchModelInfo(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<ServerModelInfo | null> {
  const url = URLExt.join(settings.baseUrl, "jupyter-chatkit", "config");
  try {
    const res = await ServerConnection.makeRequest(url, { method: "GET" }, settings);
    if (res.status === 503) {
      // The assistant is off (a refused setting): the server says why, naming the
      // setting, never its value. Shown before the person types, not only on sending.
      const body = (await res.json().catch(() => null)) as { message?: unknown } | null;
      const message = typeof body?.message === "string" ? body.message : "The assistant is not available.";
      return { model: "", provider: "", api: null, offline: false, unavailable: message };
    }
    if (!res.ok) return null;
    const data = (await res.json()) as Partial<ServerModelInfo>;
    if (typeof data.model !== "string") return null;
    return {
      model: data.model,
      provider: typeof data.provider === "string" ? data.provider : "",
      api: typeof data.api === "string" ? data.api : null,
      offline: !!data.offline,
    };
  } catch {
    return null;
  }
}

/** A short label such as "gpt-4.1-mini", "offline model" or "assistant off" (the provider, or
 * why the assistant is off: {@link modelDescription}). */
export function modelLabel(info: ServerModelInfo | null): string {
  if (!info) return "model unknown";
  if (info.unavailable) return "assistant off";
  if (info.offline) return "offline model";
  return info.model;
}

/** The model with its provider, e.g. "gpt-4.1-mini · openai", or why the assistant is off
 * (the label's tooltip). */
export function modelDescription(info: ServerModelInfo | null): string {
  if (info?.unavailable) return info.unavailable;
  if (!info || info.offline || !info.provider) return modelLabel(info);
  return `${info.model} · ${info.provider}`;
}

/** The models on offer (`GET jupyter-chatkit/models`); null when the server cannot tell. */
export async function fetchModelChoice(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<{ default: string; allowed: string[] } | null> {
  const url = URLExt.join(settings.baseUrl, "jupyter-chatkit", "models");
  try {
    const res = await ServerConnection.makeRequest(url, { method: "GET" }, settings);
    if (!res.ok) return null;
    const data = (await res.json()) as { default?: unknown; models?: unknown };
    if (typeof data.default !== "string" || !Array.isArray(data.models)) return null;
    return { default: data.default, allowed: data.models.filter((m): m is string => typeof m === "string") };
  } catch {
    return null;
  }
}
