/**
 * Launchers past one machine: mpiexec, Slurm and ssh. `startRemote` opens the registrar,
 * runs the launcher and waits until every rank registered (or explains which did not);
 * `stopRemote` stops what a launcher started, from the record in the cluster file.
 */
import { hostname, networkInterfaces } from "node:os";
import { DistArrayError } from "@distarray/engines/core";
import type { ClusterEngine, ClusterFile } from "../cluster-file.js";
import { engineMainPath, isEngineAlive } from "../local-launcher.js";
import {
  engineCommand,
  type LaunchContext,
  type LaunchRecord,
  type Started,
  signalAndWait,
} from "./common.js";
import { launchMpiexec } from "./mpiexec.js";
import { Registrar } from "./registrar.js";
import { cancelJob, launchSlurm } from "./slurm.js";
import { launchSsh, stopOverSsh } from "./ssh.js";

export { LAUNCHERS, type LauncherName, type LaunchRecord } from "./common.js";
export { Registrar } from "./registrar.js";
export { rankHosts } from "./ssh.js";

/** Default time each rank has to register (ms). */
export const REGISTER_TIMEOUT_MS = 60_000;

/** Wildcard bind addresses: engines listen everywhere and report the address that reached the client. */
export function isWildcard(ip: string): boolean {
  return ip === "0.0.0.0" || ip === "::" || ip === "*";
}

/**
 * The address engines register with: `ip` if it names one interface, else the first
 * non-internal IPv4 address of this host (127.0.0.1 if there is none).
 */
export function defaultClientIp(ip: string): string {
  if (!isWildcard(ip)) return ip;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

export interface RemoteStartOptions {
  launcher: "mpiexec" | "slurm" | "ssh";
  name: string;
  engines: number;
  key: Uint8Array;
  /** Interface the engines listen on. */
  ip: string;
  /** Interface this process listens on for registrations (default from `ip`). */
  clientIp?: string;
  hosts?: string[];
  /** Extra arguments for mpiexec, sbatch (or srun) or ssh. */
  launcherArgs?: string[];
  memoryLimit?: number;
  /** Time each rank has to register (ms). */
  timeoutMs?: number;
  logDir: string;
}

export interface RemoteStarted {
  engines: ClusterEngine[];
  launch: LaunchRecord;
  /** The smallest memory limit the engines reported. */
  memoryLimit: number;
}

const LAUNCH = { mpiexec: launchMpiexec, slurm: launchSlurm, ssh: launchSsh } as const;

/**
 * Starts the engines with the launcher and waits for every rank to register. Rejects with
 * DistArrayError (DA_ERR_CLUSTER) naming the missing ranks and why; whatever started is
 * stopped again.
 */
export async function startRemote(o: RemoteStartOptions): Promise<RemoteStarted> {
  const clientIp = o.clientIp ?? defaultClientIp(o.ip);
  const registrar = await Registrar.open({
    key: o.key,
    size: o.engines,
    host: clientIp,
    timeoutMs: o.timeoutMs ?? REGISTER_TIMEOUT_MS,
  });
  const engineArgs = [
    engineMainPath(),
    "--register",
    registrar.address,
    "--host",
    o.ip,
    "--log-dir",
    o.logDir,
  ];
  if (o.memoryLimit !== undefined) engineArgs.push("--memory-limit", String(o.memoryLimit));
  const c: LaunchContext = {
    name: o.name,
    engines: o.engines,
    key: o.key,
    registrar: registrar.address,
    ip: o.ip,
    hosts: o.hosts ?? [],
    args: o.launcherArgs ?? [],
    logDir: o.logDir,
    engineArgs,
    engineCommand: engineCommand(),
    evidence: (t) => registrar.addEvidence(t),
    fail: (r, why) => registrar.fail(r, why),
    failPending: (why) => registrar.failPending(why),
  };
  let started: Started | undefined;
  try {
    started = await LAUNCH[o.launcher](c);
    registrar.start(started.explain);
    const regs = await registrar.wait();
    started.settle();
    const hostsByRank =
      o.launcher === "ssh" ? (await import("./ssh.js")).rankHosts(o.engines, c.hosts) : [];
    return {
      engines: regs.map((m) => ({
        rank: m.rank,
        pid: m.pid,
        address: m.address,
        host: hostsByRank[m.rank] ?? m.host,
      })),
      launch: { ip: o.ip, clientIp, ...started.record, ...(c.args.length ? { args: c.args } : {}) },
      memoryLimit: Math.min(...regs.map((m) => m.memoryLimit)),
    };
  } catch (e) {
    if (started) {
      await started.abort();
      // ssh engines that did register run detached: stop them over ssh.
      if (o.launcher === "ssh") {
        const hosts = (await import("./ssh.js")).rankHosts(o.engines, c.hosts);
        await stopOverSsh(
          c.args,
          pidsByHost(
            [...registrar.registered.values()].map((m) => ({
              rank: m.rank,
              pid: m.pid,
              address: m.address,
              host: hosts[m.rank]!,
            })),
          ),
        );
      }
    }
    throw e;
  } finally {
    await registrar.close();
  }
}

function pidsByHost(engines: readonly ClusterEngine[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const e of engines) {
    const h = e.host ?? "localhost";
    m.set(h, [...(m.get(h) ?? []), e.pid]);
  }
  return m;
}

/** Stops the engines of a cluster started by mpiexec, Slurm or ssh. */
export async function stopRemote(file: ClusterFile, grace = 5_000): Promise<void> {
  const launch = file.launch;
  if (!launch) {
    throw new DistArrayError(`cluster '${file.name}' has no launch record`, {
      code: "DA_ERR_CLUSTER",
    });
  }
  if (file.launcher === "ssh") {
    await stopOverSsh(launch.args ?? [], pidsByHost(file.engines));
    return;
  }
  if (launch.jobId) await cancelJob(launch.jobId);
  if (launch.pid !== undefined && !(await signalAndWait(launch.pid, "SIGTERM", grace))) {
    await signalAndWait(launch.pid, "SIGKILL", 2_000);
  }
  // Engines on this host (single-node runs): make sure they are gone too.
  for (const e of file.engines) {
    if (
      e.host === hostname() &&
      isEngineAlive(e.pid) &&
      !(await signalAndWait(e.pid, "SIGTERM", grace))
    ) {
      await signalAndWait(e.pid, "SIGKILL", 2_000);
    }
  }
}
