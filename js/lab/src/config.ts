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
}

/** Fetch the server's model info; null when the server extension does not answer. */
export async function fetchModelInfo(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<ServerModelInfo | null> {
  const url = URLExt.join(settings.baseUrl, "jupyter-chatkit", "config");
  try {
    const res = await ServerConnection.makeRequest(url, { method: "GET" }, settings);
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

/** A short label such as "gpt-4.1-mini" or "offline model" (the provider: {@link modelDescription}). */
export function modelLabel(info: ServerModelInfo | null): string {
  if (!info) return "model unknown";
  if (info.offline) return "offline model";
  return info.model;
}

/** The model with its provider, e.g. "gpt-4.1-mini · openai" (the label's tooltip). */
export function modelDescription(info: ServerModelInfo | null): string {
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
