/**
 * The chat UI in real headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): streams replayed from recorded server output, light and dark
 * themes, sidebar and notebook widths, hostile markdown, actions and history.
 * Screenshots go to js/test-output/ for a person to look at.
 *
 * The tests live in test/browser/, one module per subject; this file runs them all in
 * one process, so they share one Chromium launch and one page, loaded once, each test
 * mounting its chat into it and the page reset after it (browser/harness.ts):
 * scripts/nodetests.mjs runs it in a process of its own (its harness has top-level hooks).
 */
import "./browser/streaming";
import "./browser/composer";
import "./browser/codecards";
import "./browser/hostile";
import "./browser/layout";
import "./browser/history";
import "./browser/context";
import "./browser/attachments";
