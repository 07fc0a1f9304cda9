// What the launcher tests need from the machine. They run as root (CI does): Open MPI refuses
// root without its flags, and Slurm, munge, sshd and network namespaces need root. Without
// root or the Debian packages (scripts/apt-packages.txt) a test is skipped and says why.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const IS_ROOT = process.getuid?.() === 0;

/** Whether `cmd` is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** false if everything is there, else the reason to skip. */
export function needs(commands: readonly string[], root = true): string | false {
  if (root && !IS_ROOT) return "needs root (CI runs the suite as root)";
  const missing = commands.filter((c) => !hasCommand(c));
  return missing.length ? `needs ${missing.join(", ")} (scripts/apt-packages.txt)` : false;
}

/** True if `pid` exited (gone, or a zombie not yet reaped by its new parent). */
export function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** The environment of process `pid` (from /proc). */
export function processEnv(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
