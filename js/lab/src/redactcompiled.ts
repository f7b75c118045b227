/**
 * The expressions more than one redact*.ts module matches with, made once. Mirrors
 * Python's context_policy/compiled_rules.py (KEEP_VALUE, PROSE_VALUE and
 * PLACEHOLDER_VALUE are redactnames.ts's own exports).
 *
 * The "g" expressions are used only through `replace` and `matchAll`, which leave their
 * `lastIndex` at 0 (`replace` finds every match before it calls a replacer; `matchAll`
 * scans with a copy), so sharing them between modules carries no state. Do not call
 * `exec` or `test` on them.
 */

import { RULES } from "./redaction-rules.generated";

/** A value shaped like a password or a key (long, mixed letters and digits or symbols). */
export const CREDENTIAL_VALUE = new RegExp(RULES.credentialValue);
/** A quoted string literal: its quote in group 1, its text in group 2. */
export const STRING_LITERAL = new RegExp(RULES.stringLiteral, "g");
/** A call and its arguments. */
export const CALL_ARGUMENTS = new RegExp(RULES.callArguments, "g");
/** One argument of a call's argument list (a literal, a run of code, or a comma). */
export const CALL_ARGUMENT = new RegExp(RULES.callArgument, "g");
/** `name=` at an argument's start (a keyword argument, not `==`). */
export const KEYWORD_ARGUMENT = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)/;
