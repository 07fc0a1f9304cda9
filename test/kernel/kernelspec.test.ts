import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { restoreUserGlibcTunables } from "@distarray/kernel/huge-pages";
import {
  hugePagesScript,
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
  const [node, entry, connection] = spec.argv.slice(-3);
  assert.equal(node, process.execPath);
  assert.equal(entry, join(repoRoot, "kernel", "dist", "jupyter", "main.js"));
  assert.ok(existsSync(entry!));
  assert.equal(connection, "{connection_file}");
  if (process.platform === "linux") {
    assert.deepEqual(spec.argv.slice(0, -3), ["/bin/sh", hugePagesScript(repoRoot)]);
    assert.ok(existsSync(hugePagesScript(repoRoot)));
  } else assert.equal(spec.argv.length, 3);
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

/** What a node started through scripts/huge-pages.sh sees, before and after restoring. */
function throughHugePages(env: NodeJS.ProcessEnv) {
  const probe = `
    const { restoreUserGlibcTunables } = await import(${JSON.stringify(join(repoRoot, "kernel", "dist", "huge-pages.js"))});
    const given = process.env.GLIBC_TUNABLES;
    restoreUserGlibcTunables();
    const a = new Float64Array(4 * 1024 * 1024).fill(1);
    const huge = (await import("node:fs")).readFileSync("/proc/self/smaps_rollup", "utf8");
    console.log(JSON.stringify({ given, restored: process.env.GLIBC_TUNABLES ?? null,
      kept: process.env.DISTARRAY_USER_GLIBC_TUNABLES ?? null, a: a[0],
      hugeKiB: Number(/AnonHugePages:\\s+(\\d+)/.exec(huge)[1]) }));`;
  const r = spawnSync(
    "/bin/sh",
    [hugePagesScript(repoRoot), process.execPath, "--input-type=module", "-e", probe],
    { encoding: "utf8", env },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    given: string;
    restored: string | null;
    kept: string | null;
    hugeKiB: number;
  };
}

test("scripts/huge-pages.sh adds the huge-page tunable for the process it starts only", {
  skip: process.platform !== "linux" && "Linux only (glibc)",
}, () => {
  const { GLIBC_TUNABLES: _, ...base } = process.env;
  const plain = throughHugePages(base);
  assert.equal(plain.given, "glibc.malloc.hugetlb=1");
  assert.equal(plain.restored, null, "its children get no GLIBC_TUNABLES, as before");
  assert.equal(plain.kept, null);
  // A value the user set stays, after the tunable (glibc applies the entries in order).
  const set = throughHugePages({ ...base, GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" });
  assert.equal(set.given, "glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0");
  assert.equal(set.restored, "glibc.malloc.hugetlb=0");
  // Where Linux gives huge pages on request only, the 32 MiB array is on them, unless the
  // user's glibc.malloc.hugetlb=0 said no.
  const thp = readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8");
  if (thp.includes("[madvise]")) {
    assert.ok(plain.hugeKiB >= 2048, `${plain.hugeKiB} KiB on huge pages`);
    assert.equal(set.hugeKiB, 0);
  }
});

test("restoreUserGlibcTunables puts back the value the script was given", () => {
  const env: NodeJS.ProcessEnv = {
    GLIBC_TUNABLES: "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2",
    DISTARRAY_USER_GLIBC_TUNABLES: "glibc.malloc.arena_max=2",
  };
  restoreUserGlibcTunables(env);
  assert.deepEqual(env, { GLIBC_TUNABLES: "glibc.malloc.arena_max=2" });
  const none: NodeJS.ProcessEnv = { GLIBC_TUNABLES: "x=1", DISTARRAY_USER_GLIBC_TUNABLES: "" };
  restoreUserGlibcTunables(none);
  assert.deepEqual(none, {});
  const untouched: NodeJS.ProcessEnv = { GLIBC_TUNABLES: "x=1" };
  restoreUserGlibcTunables(untouched);
  assert.deepEqual(untouched, { GLIBC_TUNABLES: "x=1" });
});
