// Runs the compiled test files (build/test/**/*.test.js) with node's test runner.
// Usage: node scripts/run-tests.mjs [group ...] where a group is a folder under test/
// (core, engines, kernel, ...); no group means all of them.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = join(import.meta.dirname, "..");
const testRoot = join(root, "build", "test");
const groups = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("-"));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = walk(testRoot)
  .filter((f) => groups.length === 0 || groups.includes(relative(testRoot, f).split(sep)[0]))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${testRoot} for groups ${groups.join(", ") || "(all)"}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--enable-source-maps", "--test", ...passThrough, ...files],
  { stdio: "inherit", cwd: root },
);
process.exit(result.status ?? 1);
