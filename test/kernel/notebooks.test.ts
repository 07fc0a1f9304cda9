import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "../helpers/paths.js";
import {
  INTEGRATION_TIMEOUT_MS,
  jupyterTestEnv,
  killLeftovers,
  notebooksDir,
  SYSTEM_PYTHON,
} from "./jupyter-env.js";

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string | string[];
}
interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[];
}

function notebooks(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return notebooks(p);
      return n.endsWith(".ipynb") ? [p] : [];
    })
    .sort();
}

const env = jupyterTestEnv();
const outDir = mkdtempSync(join(tmpdir(), "distarray-notebooks-"));
after(() => killLeftovers(env));

async function execute(path: string): Promise<{ code: number | null; log: string; out: string }> {
  const out = join(outDir, basename(path));
  const script = join(repoRoot, "test", "kernel", "run-notebook.py");
  const child = spawn(SYSTEM_PYTHON, [script, path, out], { cwd: notebooksDir, env });
  let log = "";
  child.stdout.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, log, out };
}

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));

for (const path of notebooks(notebooksDir)) {
  test(`notebook ${relative(repoRoot, path)} runs headless without error output`, {
    timeout: INTEGRATION_TIMEOUT_MS,
  }, async () => {
    const r = await execute(path);
    assert.equal(r.code, 0, r.log);
    if (basename(path) !== "smoke.ipynb") return;
    const nb = JSON.parse(readFileSync(r.out, "utf8")) as Notebook;
    const code = nb.cells.filter((c) => c.cell_type === "code");
    const resultOf = (i: number) =>
      code[i]!.outputs!.find((o) => o.output_type === "execute_result")?.data ?? {};
    assert.match(
      text(code[0]!.outputs!.map((o) => text(o.text)).join("")),
      /started cluster default: 4 engines/,
    );
    const repr = resultOf(2);
    assert.equal(text(repr["text/plain"]), "<DistArray(shape=(6, 6), targets=[0, 1, 2, 3])>");
    assert.match(text(repr["text/html"]), /<th>dtype<\/th><td>float64<\/td>/);
    assert.match(text(repr["text/html"]), /0: c \(cyclic\).*1: c \(cyclic\)/);
    assert.equal(text(resultOf(3)["text/plain"]), "36");
  });
}
