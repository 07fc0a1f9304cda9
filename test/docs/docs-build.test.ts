// The documentation builds cleanly: the TypeDoc API reference has no warnings (every exported
// name documented, no broken links), the committed process-map pictures are what
// scripts/docs-images.mjs draws today, and every relative link in docs/ points at a file.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/paths.js";

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

test("npm run docs:api builds the API reference without warnings", {
  timeout: 300_000,
}, async () => {
  const out = mkdtempSync(join(tmpdir(), "distarray-api-docs-"));
  try {
    const r = await run("npm", ["run", "docs:api", "--", "--out", out]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /\[warning\]|\[error\]/, r.output);
    assert.ok(existsSync(join(out, "index.html")), "index.html written");
    assert.ok(existsSync(join(out, "classes", "DistArray.html")), "DistArray page written");
    assert.ok(existsSync(join(out, "classes", "Context.html")), "Context page written");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("docs/images holds exactly what npm run docs:images draws", { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), "distarray-doc-images-"));
  try {
    const r = await run(process.execPath, [join("scripts", "docs-images.mjs"), "--out", out]);
    assert.equal(r.code, 0, r.output);
    const committed = join(repoRoot, "docs", "images");
    const drawn = readdirSync(out).sort();
    assert.deepEqual(readdirSync(committed).sort(), drawn);
    for (const f of drawn) {
      const svg = readFileSync(join(out, f), "utf8");
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal(
        readFileSync(join(committed, f), "utf8"),
        svg,
        `${f} is stale: npm run docs:images`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdownFiles(join(dir, e.name))
      : e.name.endsWith(".md")
        ? [join(dir, e.name)]
        : [],
  );
}

test("relative links in docs/ point at files that exist", () => {
  const broken: string[] = [];
  const files = markdownFiles(join(repoRoot, "docs"));
  assert.ok(files.length > 3);
  for (const file of files) {
    const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
      const path = join(dirname(file), target.split("#")[0]!);
      if (!existsSync(path)) broken.push(`${file}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
