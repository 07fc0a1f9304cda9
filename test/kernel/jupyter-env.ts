/** Shared set-up for the kernel tests: repo-local Jupyter folders and the kernelspec. */
import { mkdtempSync } from "node:fs";
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
