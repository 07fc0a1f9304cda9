/**
 * The mpiexec launcher: one `mpiexec -n N node engine-main ...` (Open MPI or MPICH's Hydra).
 * Each engine takes its rank and size from the MPI environment, reads the key from the 0600
 * cluster file under $DISTARRAY_HOME (a shared home on a cluster) and registers. mpiexec runs
 * in the background for as long as the engines; stopping the cluster signals it.
 */
import { spawnSync } from "node:child_process";
import {
  engineLogTail,
  type LaunchContext,
  type Started,
  startToolInBackground,
} from "./common.js";

/** Which mpiexec is on PATH: "openmpi", "mpich" or "unknown" (treated like MPICH). */
export function mpiexecFlavour(): "openmpi" | "mpich" | "unknown" {
  const r = spawnSync("mpiexec", ["--version"], { encoding: "utf8" });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (/Open MPI|OpenRTE/i.test(text)) return "openmpi";
  if (/HYDRA|MPICH/i.test(text)) return "mpich";
  return "unknown";
}

/** The mpiexec arguments before the engine command. */
export function mpiexecArgs(c: Pick<LaunchContext, "engines" | "hosts" | "args">): string[] {
  const flavour = mpiexecFlavour();
  const args = ["-n", String(c.engines)];
  if (flavour === "openmpi") {
    // More engines than cores is fine for engines (they mostly wait on the network).
    args.push("--oversubscribe");
    if (process.getuid?.() === 0) args.push("--allow-run-as-root");
    if (process.env.DISTARRAY_HOME) args.push("-x", "DISTARRAY_HOME");
    if (c.hosts.length) args.push("--host", c.hosts.join(","));
  } else {
    if (process.env.DISTARRAY_HOME) args.push("-genvlist", "DISTARRAY_HOME");
    if (c.hosts.length) args.push("-hosts", c.hosts.join(","));
  }
  return [...args, ...c.args];
}

export async function launchMpiexec(c: LaunchContext): Promise<Started> {
  const args = [...mpiexecArgs(c), ...c.engineCommand, ...c.engineArgs, "--cluster", c.name];
  return startToolInBackground(c, "mpiexec", args, (rank) =>
    engineLogTail(c, rank, `: the process did not start (or its host does not share ${c.logDir})`),
  );
}
