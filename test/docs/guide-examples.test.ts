// Runs every ```ts block of the user guide (docs/guide/*.md) for real: the blocks are written
// out as modules under build/, type-checked together with the TypeScript compiler (strict),
// compiled, and each is run in its own Node process against a 4-engine cluster this test
// starts (engines on 127.0.0.1, stopped and killed by PID afterwards). A block followed by an
// ```output fence must print exactly that. See guide-blocks.ts for the fence flags.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { startCluster, stopCluster } from "@distarray/kernel/cluster/cluster";
import ts from "typescript";
import { killIfAlive, useTempHome } from "../helpers/engines.js";
import { repoRoot } from "../helpers/paths.js";
import { type GuideBlock, guideBlocks } from "./guide-blocks.js";

const CLUSTER = "docs-guide";
const ENGINES = 4;
/** Prepended to a plain `ts` block: what the guide tells readers to have at the top of a script. */
const PRELUDE = `import * as da from "distarray";\nconst ctx = await da.Context.connect({ cluster: "${CLUSTER}" });\n`;
const EPILOGUE = "\nawait ctx.close();\n";
const BLOCK_TIMEOUT_MS = 120_000;

type ClusterFile = Awaited<ReturnType<typeof startCluster>>;

const blocks = guideBlocks(repoRoot);
const runnable = blocks.filter((b) => b.mode !== "norun");

function blockName(b: GuideBlock): string {
  return `${b.file}:${b.line}`;
}

interface Compiled {
  js: string;
  block: GuideBlock;
}

/**
 * Writes the blocks as .ts modules under `dir` and compiles them; returns the JavaScript files
 * and the type errors (reported by their own test, so one bad block does not stop the others).
 */
function compileBlocks(dir: string): { compiled: Compiled[]; problems: string[] } {
  const files = runnable.map((block, i) => {
    const name = join(dir, `block-${String(i).padStart(3, "0")}.ts`);
    const text = block.mode === "run" ? PRELUDE + block.code + EPILOGUE : block.code;
    writeFileSync(name, text);
    return { name, block, offset: block.mode === "run" ? PRELUDE.split("\n").length - 1 : 0 };
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: ["node"],
    outDir: join(dir, "js"),
    rootDir: dir,
  };
  const program = ts.createProgram(
    files.map((f) => f.name),
    options,
  );
  const emitted = program.emit();
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const f = d.file && files.find((x) => x.name === d.file!.fileName);
    if (!d.file || d.start === undefined || !f) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${f.block.file}:${f.block.line + 1 + line - f.offset}: ${text}`;
  });
  const compiled = files.map((f) => ({
    block: f.block,
    js: join(dir, "js", relative(dir, f.name).replace(/\.ts$/, ".js")),
  }));
  return { compiled, problems };
}

function run(
  js: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", js], {
      cwd,
      env: { ...process.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("user guide examples", () => {
  let cluster: ClusterFile | undefined;
  let dir = "";
  let compiled: Compiled[] = [];
  let problems: string[] = [];
  const workDirs = new Map<string, string>();

  before(async () => {
    assert.ok(runnable.length > 0, "the guide has runnable examples");
    useTempHome();
    mkdirSync(join(repoRoot, "build"), { recursive: true });
    // Under the repository, so `import "distarray"` resolves by package self-reference.
    dir = mkdtempSync(join(repoRoot, "build", "docs-examples-"));
    ({ compiled, problems } = compileBlocks(dir));
    cluster = await startCluster({ name: CLUSTER, engines: ENGINES });
  });

  after(async () => {
    await stopCluster(CLUSTER).catch(() => undefined);
    for (const e of cluster?.engines ?? []) killIfAlive(e.pid);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the guide's examples type-check (strict)", () => {
    assert.deepEqual(problems, []);
  });

  for (const [i, block] of runnable.entries()) {
    test(blockName(block), { timeout: BLOCK_TIMEOUT_MS }, async () => {
      const c = compiled[i];
      assert.ok(c, "compiled");
      // One working folder per guide file: blocks of a chapter see each other's files.
      let cwd = workDirs.get(block.file);
      if (!cwd) {
        cwd = join(dir, `work-${workDirs.size}`);
        mkdirSync(cwd);
        workDirs.set(block.file, cwd);
      }
      const r = await run(c.js, cwd);
      assert.equal(r.code, 0, `${blockName(block)} failed:\n${r.stderr}${r.stdout}`);
      if (block.output !== undefined) {
        assert.equal(r.stdout, block.output, `${blockName(block)}: output differs`);
      }
    });
  }

  test("every ts block is marked: run, standalone or norun", () => {
    assert.ok(blocks.length >= runnable.length);
    for (const b of blocks) assert.ok(["run", "standalone", "norun"].includes(b.mode));
  });
});
