/**
 * The kernelspec of the DistArray (TypeScript) kernel and where it is written: the repo-local
 * Jupyter folders under build/jupyter/ (what `npm run setup`/`npm run build` writes, what the
 * tests and `npm start` use) or a user's own Jupyter data folder (opt-in script).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The kernel name (the folder under kernels/, what nbconvert's `--ExecutePreprocessor.kernel_name` takes). */
export const KERNEL_NAME = "distarray";
export const KERNEL_DISPLAY_NAME = "DistArray (TypeScript)";

/** kernel.json contents (Jupyter's kernelspec format). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

/** The built kernel entry point (this file's sibling main.js). */
export function kernelEntry(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "main.js");
}

/** The repository root (kernel/dist/jupyter -> three levels up). */
export function repoRootFromKernel(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

/** scripts/huge-pages.sh of this checkout (see huge-pages.ts). */
export function hugePagesScript(repoRoot = repoRootFromKernel()): string {
  return join(repoRoot, "scripts", "huge-pages.sh");
}

/**
 * The kernel's command: node with the kernel entry. On Linux it starts through
 * scripts/huge-pages.sh, so the client's large buffers get transparent huge pages; a
 * kernelspec's `env` could only replace a GLIBC_TUNABLES the user has set, not extend it.
 */
export function kernelSpec(options: { node?: string; entry?: string } = {}): KernelSpec {
  const command = [options.node ?? process.execPath, options.entry ?? kernelEntry()];
  const wrapper = process.platform === "linux" ? ["/bin/sh", hugePagesScript()] : [];
  return {
    argv: [...wrapper, ...command, "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

/** Repo-local Jupyter folders: JUPYTER_PATH holds kernels/distarray/kernel.json. */
export interface JupyterDirs {
  JUPYTER_PATH: string;
  JUPYTER_DATA_DIR: string;
  JUPYTER_CONFIG_DIR: string;
  JUPYTER_RUNTIME_DIR: string;
}

/** The repo-local Jupyter folders under `<repoRoot>/build/jupyter/`. */
export function repoJupyterDirs(repoRoot = repoRootFromKernel()): JupyterDirs {
  const base = join(repoRoot, "build", "jupyter");
  return {
    JUPYTER_PATH: join(base, "path"),
    JUPYTER_DATA_DIR: join(base, "data"),
    JUPYTER_CONFIG_DIR: join(base, "config"),
    JUPYTER_RUNTIME_DIR: join(base, "runtime"),
  };
}

/** Writes `<dataDir>/kernels/<name>/kernel.json`; returns the kernel folder. */
export function writeKernelSpec(
  dataDir: string,
  options: { name?: string; spec?: KernelSpec } = {},
): string {
  const dir = join(dataDir, "kernels", options.name ?? KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "kernel.json"),
    `${JSON.stringify(options.spec ?? kernelSpec(), null, 2)}\n`,
  );
  return dir;
}

/** Writes the repo-local kernelspec and creates the other repo-local Jupyter folders. */
export function writeRepoKernelSpec(repoRoot = repoRootFromKernel()): string {
  const dirs = repoJupyterDirs(repoRoot);
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return writeKernelSpec(dirs.JUPYTER_PATH);
}

/** The per-user Jupyter data folder (JUPYTER_DATA_DIR, else the platform default). */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(env.APPDATA ?? homedir(), "jupyter");
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}
