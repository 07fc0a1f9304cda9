import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  KERNEL_NAME,
  kernelSpec,
  repoJupyterDirs,
  userJupyterDataDir,
  writeKernelSpec,
  writeRepoKernelSpec,
} from "@distarray/kernel/jupyter/kernelspec";
import { repoRoot } from "../helpers/paths.js";

test("the kernelspec runs the built kernel entry with this node, signal interrupts, TypeScript", () => {
  const spec = kernelSpec();
  assert.equal(spec.argv[0], process.execPath);
  assert.equal(spec.argv[1], join(repoRoot, "kernel", "dist", "jupyter", "main.js"));
  assert.ok(existsSync(spec.argv[1]!));
  assert.equal(spec.argv[2], "{connection_file}");
  assert.equal(spec.display_name, "DistArray (TypeScript)");
  assert.equal(spec.language, "typescript");
  assert.equal(spec.interrupt_mode, "signal");
});

test("the repo-local kernelspec lives under build/jupyter/path/kernels/distarray", () => {
  const dir = writeRepoKernelSpec(repoRoot);
  assert.equal(dir, join(repoRoot, "build", "jupyter", "path", "kernels", KERNEL_NAME));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")), kernelSpec());
  const dirs = repoJupyterDirs(repoRoot);
  for (const d of Object.values(dirs)) assert.ok(existsSync(d), d);
});

test("writeKernelSpec and the opt-in install script write kernel.json where Jupyter looks", () => {
  const data = mkdtempSync(join(tmpdir(), "distarray-kernelspec-"));
  const dir = writeKernelSpec(data, { name: "da-test" });
  assert.equal(dir, join(data, "kernels", "da-test"));
  const prefix = mkdtempSync(join(tmpdir(), "distarray-prefix-"));
  const script = join(repoRoot, "kernel", "dist", "cli", "install-kernelspec.js");
  const r = spawnSync(process.execPath, [script, "--prefix", prefix], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const installed = join(prefix, "share", "jupyter", "kernels", KERNEL_NAME, "kernel.json");
  assert.deepEqual(JSON.parse(readFileSync(installed, "utf8")), kernelSpec());
  assert.match(r.stdout, /installed kernelspec distarray/);
  assert.equal(userJupyterDataDir({ JUPYTER_DATA_DIR: "/x/y" }), "/x/y");
});
