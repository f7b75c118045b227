import assert from "node:assert/strict";
import { test } from "node:test";
import { missedItems } from "../src/client/catchup";
import type { ThreadItem } from "../src/client/types";

const item = (id: string, type = "assistant_message") => ({ id, type }) as unknown as ThreadItem;

test("a turn from elsewhere before this one's items is missed; hidden items and this turn's own are not", () => {
  const ours = new Set(["u3", "a3"]);
  // Newest first: this turn's answer and message, then what came before it.
  assert.equal(missedItems([item("a3"), item("u3"), item("a2")], ours, "a2"), false);
  assert.equal(missedItems([item("a3"), item("h", "hidden_context_item"), item("u3"), item("a2")], ours, "a2"), false);
  assert.equal(missedItems([item("a3"), item("u3"), item("b2"), item("ub2"), item("a2")], ours, "a2"), true);
  // Another browser's item in the middle of this turn's.
  assert.equal(missedItems([item("a3"), item("b2"), item("u3"), item("a2")], ours, "a2"), true);
  // The page ends before reaching past this turn: it cannot tell, so no reload.
  assert.equal(missedItems([item("a3"), item("u3")], ours, "a2"), false);
  assert.equal(missedItems([item("a3"), item("u3"), item("x")], ours, null), false);
});
