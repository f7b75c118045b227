#!/usr/bin/env node
/**
 * `tsc --noEmit -p .` for the package in the current folder (js or js/lab), incremental,
 * its build info kept outside the clone so that a fresh clone on a machine that checked
 * before checks only what changed since (a new machine, as CI's may be, checks all).
 *
 * A full check took 14-27 s of CPU a package, most of it checking types; with the build
 * info of an unchanged tree, ~5 s (the files are still read and parsed, their hashes
 * compared). tsc reuses a file's diagnostics only where its text (a hash of it), the text
 * of everything it depends on, the options and tsc's version are as recorded, so a check
 * from the cache reports what a full one does; errors recorded are reported again.
 *
 * The build info names files by paths relative to itself, so it is used inside the
 * package (node_modules/.cache, git-ignored: paths relative to the clone) and copied from
 * and back to $XDG_CACHE_HOME/jupyter-chatkit/tsc (~/.cache by default), one file a
 * package; a clone in another folder reads the same entry. Without the cache (a new
 * machine) the check is a full one that writes it (~2 s more than a plain one).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const pkg = JSON.parse(readFileSync("package.json", "utf8")).name;
const local = resolve("node_modules/.cache/jupyter-chatkit/typecheck.tsbuildinfo");
const shared = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "jupyter-chatkit", "tsc");
const cached = join(shared, `${pkg}.tsbuildinfo`);

/** Copies a file by way of a temporary beside the target (a reader never sees half of it). */
function copy(from, to) {
  try {
    const tmp = `${to}.${process.pid}.tmp`;
    copyFileSync(from, tmp);
    renameSync(tmp, to);
  } catch {
    // No cache (unwritable, missing): the check itself is unchanged, only slower.
  }
}

mkdirSync(join(local, ".."), { recursive: true });
if (!existsSync(local) && existsSync(cached)) copy(cached, local);
const tsc = createRequire(resolve("package.json")).resolve("typescript/bin/tsc");
const args = [tsc, "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", local, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { stdio: "inherit" });
if (existsSync(local)) {
  try {
    mkdirSync(shared, { recursive: true });
  } catch {}
  copy(local, cached);
}
process.exit(run.status ?? 1);
