/**
 * Types and lookups over the generated protocol (protocol.ts, data only): a client
 * tool's spec by name and its labels with their `{subject}` filled in.
 */
import { CLIENT_TOOLS, type COMM, type ERROR_CODE } from "./protocol";

/** One client tool as declared in Python (`ClientToolSpec` in protocol.py). */
export type ClientToolSpec = (typeof CLIENT_TOOLS)[number];
/** The name of a client tool. */
export type ClientToolName = ClientToolSpec["name"];
/** Comm message types of the %chat widget. */
export type CommType = (typeof COMM)[keyof typeof COMM];
/** Error codes of our JSON error bodies. */
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** The spec of client tool `name`, if it is one. */
export function toolSpec(name: string): ClientToolSpec | undefined {
  return CLIENT_TOOLS.find((t) => t.name === name);
}

/** A tool's label template with `{subject}` filled from the call's arguments. */
export function toolLabel(
  spec: ClientToolSpec,
  template: string,
  args: Record<string, unknown> | null | undefined,
): string {
  if (!template) return `Running ${spec.name}…`;
  const value = spec.subject_arg ? args?.[spec.subject_arg] : undefined;
  const subject = typeof value === "string" && value ? value : spec.subject_default;
  return template.split("{subject}").join(subject);
}
