/** Shared set-up for the kernel tests: repo-local Jupyter folders and the kernelspec. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoJupyterDirs, writeRepoKernelSpec } from "@distarray/kernel/jupyter/kernelspec";
import { repoRoot } from "../helpers/paths.js";

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
  return {
    ...process.env,
    ...repoJupyterDirs(repoRoot),
    DISTARRAY_HOME: mkdtempSync(join(tmpdir(), "distarray-kernel-test-")),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
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
