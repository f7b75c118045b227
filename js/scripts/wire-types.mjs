// Compile ChatKit's wire types to TypeScript from the JSON schema that
// `python -m jupyter_chatkit.assistant.wire_schema` prints (read on stdin).
//   --write: write src/client/chatkit.generated.ts; --check: exit 1 when it differs.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "client", "chatkit.generated.ts");
const BANNER = [
  "// Generated from chatkit.types (openai-chatkit's pydantic models): do not edit.",
  "// Regenerate: npm --prefix js run gen:wire",
  'import type { WidgetComponent, WidgetRoot } from "./widget-types";',
].join("\n");

const schema = JSON.parse(readFileSync(0, "utf8"));
const text = await compile(schema, "ChatKitWire", {
  bannerComment: BANNER,
  additionalProperties: false,
  strictIndexSignatures: true,
  format: true,
  unreachableDefinitions: false,
});
if (process.argv.includes("--write")) writeFileSync(OUT, text);
else if (process.argv.includes("--check")) {
  const same = readFileSync(OUT, "utf8") === text;
  if (!same) console.error(`${OUT} is out of date: npm --prefix js run gen:wire`);
  process.exit(same ? 0 : 1);
} else process.stdout.write(text);
