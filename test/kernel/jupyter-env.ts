/** Shared set-up for the kernel tests: repo-local Jupyter folders and the kernelspec. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoJupyterDirs, writeRepoKernelSpec } from "@distarray/kernel/jupyter/kernelspec";
import { repoRoot } from "../helpers/paths.js";

/** Upper bound for one integration test (a hang fails the test instead of stalling the run). */
export const INTEGRATION_TIMEOUT_MS = 180_000;

/** Debian's Python (the one with Jupyter); the first python3 on PATH has no Jupyter modules. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** Where notebooks run (cells resolve imports from inside the repository). */
export const notebooksDir = join(repoRoot, "notebooks");

/**
 * Environment for Jupyter processes: repo-local Jupyter folders (kernelspec written fresh) and a
 * private DISTARRAY_HOME so cluster files of the test never touch the user's.
 */
export function jupyterTestEnv(): NodeJS.ProcessEnv {
  writeRepoKernelSpec(repoRoot);
  const home = mkdtempSync(join(tmpdir(), "distarray-kernel-test-"));
  return {
    ...process.env,
    ...repoJupyterDirs(repoRoot),
    JUPYTER_RUNTIME_DIR: join(home, "jupyter-runtime"),
    DISTARRAY_HOME: home,
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
}

/**
 * Kills (SIGKILL, by PID) every process whose command line names a file in `runtimeDir`: the
 * kernels a test's Jupyter processes started, in case one outlived its server.
 */
export function killKernelsIn(runtimeDir: string | undefined): number[] {
  if (!runtimeDir || !existsSync("/proc")) return [];
  const killed: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(join("/proc", entry, "cmdline"), "utf8");
    } catch {
      continue;
    }
    if (!cmdline.includes(runtimeDir)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}

/** The clean-up every kernel test runs in after(): leftover kernels, then leftover engines. */
export function killLeftovers(env: NodeJS.ProcessEnv): void {
  killKernelsIn(env.JUPYTER_RUNTIME_DIR);
  killClusterEngines(env.DISTARRAY_HOME);
}

/**
 * Kills (SIGKILL, by PID) every engine still listed in a cluster file under `home`: the clean-up
 * for a test whose kernel did not get to stop its cluster.
 */
export function killClusterEngines(home: string | undefined): number[] {
  if (!home) return [];
  const dir = join(home, "clusters");
  if (!existsSync(dir)) return [];
  const killed: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    let file: { engines?: { pid?: unknown }[] };
    try {
      file = JSON.parse(readFileSync(join(dir, f), "utf8")) as typeof file;
    } catch {
      continue;
    }
    for (const e of file.engines ?? []) {
      if (typeof e.pid !== "number") continue;
      try {
        process.kill(e.pid, "SIGKILL");
        killed.push(e.pid);
      } catch {
        // already gone
      }
    }
  }
  return killed;
}
