import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "../helpers/paths.js";
import {
  INTEGRATION_TIMEOUT_MS,
  jupyterTestEnv,
  killLeftovers,
  SYSTEM_PYTHON,
} from "./jupyter-env.js";

const env = jupyterTestEnv();
after(() => killLeftovers(env));

test("a notebook outside the repository gets da, display and Node types too", {
  timeout: INTEGRATION_TIMEOUT_MS,
}, async () => {
  const folder = mkdtempSync(join(tmpdir(), "distarray-outside-"));
  const script = join(repoRoot, "test", "kernel", "outside-repo.py");
  const child = spawn(SYSTEM_PYTHON, [script, folder], { cwd: folder, env });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, err);
  const results = JSON.parse(out.trim().split("\n").at(-1)!) as string[];
  assert.deepEqual(results, ["'function function'", "[ 2, 4, 6 ]", "'string'"]);
});
