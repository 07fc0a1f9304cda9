/**
 * Cluster management: start, stop, restart, clear and status of named clusters of engine
 * processes. Used by the `dacluster` CLI, the `%dacluster` magics and `Context.start`.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { availableParallelism, hostname, totalmem } from "node:os";
import { join } from "node:path";
import { DistArrayError } from "@distarray/engines/core";
import {
  CLUSTER_FILE_VERSION,
  type ClusterEngine,
  type ClusterFile,
  clusterFilePath,
  clusterLogDir,
  clustersDir,
  ensureClusterDirs,
  readClusterFile,
  removeClusterFile,
  writeClusterFile,
} from "./cluster-file.js";
import { LAUNCHERS, type LauncherName, startRemote, stopRemote } from "./launchers/index.js";
import { isEngineAlive, launchLocalEngine } from "./local-launcher.js";

/** The default cluster name. */
export const DEFAULT_CLUSTER = "default";

/** Share of physical memory the engines of one host may use together (the rest is headroom). */
export const MEMORY_SHARE = 0.8;

/** Time to wait for an engine to exit after SIGTERM before SIGKILL (ms). */
export const STOP_GRACE_MS = 5_000;

/** The default engine count: one per core, at least 2. */
export function defaultEngineCount(): number {
  return Math.max(2, availableParallelism());
}

/** The default per-engine memory limit: MEMORY_SHARE of physical memory over the engines. */
export function defaultMemoryLimit(engines: number): number {
  return Math.floor((totalmem() * MEMORY_SHARE) / engines);
}

/** Options of `startCluster` (and `dacluster start`). */
export interface StartClusterOptions {
  /** Number of engines (default one per core, at least 2). */
  engines?: number;
  /** Cluster name (default "default"). */
  name?: string;
  /**
   * How engines start: 'local' (default; processes of this host), 'mpiexec', 'slurm'
   * (sbatch, or srun inside an allocation) or 'ssh' (with `hosts`).
   */
  launcher?: LauncherName;
  /**
   * Interface the engines listen on (default 127.0.0.1 for local, else 0.0.0.0: every
   * interface, each engine reporting the address that reached this process).
   */
  ip?: string;
  /** Same as `ip` (kept for older callers). */
  host?: string;
  /** ssh: the hosts to start engines on, ranks in contiguous blocks; mpiexec: its host list. */
  hosts?: string[];
  /** Address this process listens on for engine registrations (default: `ip`, or this host's first non-loopback IPv4). */
  clientIp?: string;
  /** Extra arguments for mpiexec, sbatch/srun or ssh (e.g. `["-p", "debug"]` for sbatch). */
  launcherArgs?: string[];
  /** mpiexec, slurm, ssh: time each rank has to register, ms (default 60 000). */
  startTimeoutMs?: number;
  /** Per-engine memory limit in bytes (default defaultMemoryLimit(engines)). */
  memoryLimit?: number;
  /** A private cluster's engines exit with this process (used by Context.start). */
  private?: boolean;
}

/** One row of `clusterStatus`. */
export interface ClusterStatusRow {
  /** The engine's rank. */
  rank: number;
  /** The engine's process id. */
  pid: number;
  /** The address the engine listens on (`host:port`). */
  address: string;
  /** Bytes the engine's pool has handed out (NaN if the engine is not running). */
  memoryBytes: number;
  /** Objects held in the engine's registry (NaN if not running). */
  arrays: number;
  /** Resident memory of the engine process (NaN if not running). */
  rssBytes: number;
  /** `running` if the engine answered, `dead` if its process is gone. */
  state: "running" | "dead";
}

const children = new Map<string, ChildProcess[]>();

/** Whether an engine may be running: its pid is checked where it is on this host. */
function engineMaybeAlive(file: ClusterFile, e: ClusterEngine): boolean {
  if (file.launcher !== "local" && e.host !== undefined && e.host !== hostname()) return true;
  return isEngineAlive(e.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the files of private clusters (named `private-<client pid>-<hex>` by
 * Context.start) whose client process is gone; their engines exited with it.
 */
export async function removeStalePrivateClusters(): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(clustersDir());
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const f of names) {
    const m = /^(private-(\d+)-[0-9a-f]+)\.json$/.exec(f);
    if (!m || processAlive(Number(m[2]))) continue;
    const file = await readClusterFile(m[1]!).catch(() => undefined);
    if (file?.engines.some((e) => isEngineAlive(e.pid))) continue;
    await removeClusterFile(m[1]!);
    removed.push(m[1]!);
  }
  return removed;
}

/**
 * Starts `engines` engine processes and writes the cluster file (mode 0600) with a fresh
 * key. Rejects with DistArrayError (DA_ERR_CLUSTER) if a cluster of that name is running or
 * an engine fails to start (the others are stopped again).
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<ClusterFile> {
  const name = options.name ?? DEFAULT_CLUSTER;
  const n = options.engines ?? defaultEngineCount();
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new DistArrayError(`a cluster needs a positive whole number of engines; got ${n}`, {
      code: "DA_ERR_VALUE",
    });
  }
  const launcher = options.launcher ?? "local";
  if (!(LAUNCHERS as readonly string[]).includes(launcher)) {
    throw new DistArrayError(
      `unknown launcher '${launcher}'; the launchers are: ${LAUNCHERS.join(", ")}`,
      { code: "DA_ERR_VALUE" },
    );
  }
  if (launcher !== "local" && options.private) {
    throw new DistArrayError("a private cluster uses the local launcher", { code: "DA_ERR_VALUE" });
  }
  if (existsSync(clusterFilePath(name))) {
    const old = await readClusterFile(name).catch(() => undefined);
    if (old?.engines.some((e) => engineMaybeAlive(old, e))) {
      throw new DistArrayError(
        `cluster '${name}' is already running; stop it first ('dacluster stop --cluster ${name}')`,
        {
          code: "DA_ERR_CLUSTER",
        },
      );
    }
  }
  if (options.private) await removeStalePrivateClusters();
  await ensureClusterDirs(name);
  const key = new Uint8Array(randomBytes(32));
  const memoryLimit = options.memoryLimit ?? defaultMemoryLimit(n);
  const host = options.ip ?? options.host ?? (launcher === "local" ? "127.0.0.1" : "0.0.0.0");
  const file: ClusterFile = {
    version: CLUSTER_FILE_VERSION,
    name,
    key: Buffer.from(key).toString("base64"),
    launcher,
    memoryLimit,
    host,
    private: options.private ?? false,
    created: new Date().toISOString(),
    engines: [],
  };
  await writeClusterFile(file);
  if (launcher !== "local") {
    try {
      const remote: Parameters<typeof startRemote>[0] = {
        launcher,
        name,
        engines: n,
        key,
        ip: host,
        logDir: clusterLogDir(name),
      };
      if (options.memoryLimit !== undefined) remote.memoryLimit = options.memoryLimit;
      if (options.hosts !== undefined) remote.hosts = options.hosts;
      if (options.clientIp !== undefined) remote.clientIp = options.clientIp;
      if (options.launcherArgs !== undefined) remote.launcherArgs = options.launcherArgs;
      if (options.startTimeoutMs !== undefined) remote.timeoutMs = options.startTimeoutMs;
      const r = await startRemote(remote);
      file.engines = r.engines;
      file.launch = r.launch;
      file.memoryLimit = r.memoryLimit;
    } catch (e) {
      // The engine logs stay in the cluster's log folder for a look.
      await rm(clusterFilePath(name), { force: true });
      throw e;
    }
    await writeClusterFile(file);
    return file;
  }
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, rank) =>
      launchLocalEngine({
        name,
        rank,
        key,
        host,
        memoryLimit,
        logFile: join(clusterLogDir(name), `engine-${rank}.log`),
        private: file.private,
      }),
    ),
  );
  const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    for (const l of ok) l.child.kill("SIGKILL");
    await removeClusterFile(name);
    throw failed.reason;
  }
  file.engines = ok.map((l) => l.engine).sort((a, b) => a.rank - b.rank);
  children.set(
    name,
    ok.map((l) => l.child),
  );
  await writeClusterFile(file);
  return file;
}

function waitExit(e: ClusterEngine, child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const t = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.kill("SIGTERM");
      return;
    }
    if (!isEngineAlive(e.pid)) {
      resolve();
      return;
    }
    try {
      process.kill(e.pid, "SIGTERM");
    } catch {
      resolve();
      return;
    }
    // Not our child: no exit event to wait on, so check the pid until it is gone.
    const start = Date.now();
    const poll = setInterval(() => {
      if (!isEngineAlive(e.pid)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - start > STOP_GRACE_MS) {
        try {
          process.kill(e.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
        clearInterval(poll);
        resolve();
      }
    }, 25);
  });
}

/**
 * Stops every engine of the cluster (SIGTERM, then SIGKILL after STOP_GRACE_MS) and removes
 * its cluster file. Rejects with DA_ERR_CLUSTER if there is no such cluster.
 */
export async function stopCluster(name: string = DEFAULT_CLUSTER): Promise<void> {
  const file = await readClusterFile(name);
  if (file.launcher !== "local") {
    await stopRemote(file, STOP_GRACE_MS);
    await removeClusterFile(name);
    return;
  }
  const kids = children.get(name) ?? [];
  await Promise.all(
    file.engines.map((e) =>
      waitExit(
        e,
        kids.find((c) => c.pid === e.pid),
      ),
    ),
  );
  children.delete(name);
  await removeClusterFile(name);
}

/**
 * Stops the cluster and starts it again with the same name, engine count, host and memory
 * limit, and a new key. All arrays are lost; connected contexts must connect again.
 */
export async function restartCluster(name: string = DEFAULT_CLUSTER): Promise<ClusterFile> {
  const file = await readClusterFile(name);
  const n = Math.max(1, file.engines.length);
  await stopCluster(name);
  const again: StartClusterOptions = {
    name,
    engines: n,
    host: file.host,
    memoryLimit: file.memoryLimit,
    private: file.private,
    launcher: file.launcher,
  };
  if (file.launch?.hosts) again.hosts = file.launch.hosts;
  if (file.launch?.args) again.launcherArgs = file.launch.args;
  if (file.launch?.clientIp) again.clientIp = file.launch.clientIp;
  return startCluster(again);
}

/** Drops every array held by the cluster's running engines. */
export async function clearCluster(name: string = DEFAULT_CLUSTER): Promise<void> {
  const { Context } = await import("../context.js");
  const file = await readClusterFile(name);
  const live = file.engines.filter((e) => engineMaybeAlive(file, e)).map((e) => e.rank);
  if (live.length === 0) return;
  const ctx = await Context.connect({ cluster: name, targets: live });
  try {
    await ctx.requestOp("clear", {});
  } finally {
    await ctx.close();
  }
}

/** One row per engine: rank, pid, address, memory in use, arrays held, running or dead. */
export async function clusterStatus(name: string = DEFAULT_CLUSTER): Promise<ClusterStatusRow[]> {
  const { Context } = await import("../context.js");
  const file = await readClusterFile(name);
  const live = file.engines.filter((e) => engineMaybeAlive(file, e)).map((e) => e.rank);
  const byRank = new Map<number, { memoryBytes: number; arrays: number; rssBytes: number }>();
  if (live.length > 0) {
    const ctx = await Context.connect({ cluster: name, targets: live });
    try {
      for (const s of await ctx.status()) byRank.set(s.rank, s);
    } finally {
      await ctx.close();
    }
  }
  return file.engines.map((e) => {
    const s = byRank.get(e.rank);
    return {
      rank: e.rank,
      pid: e.pid,
      address: e.address,
      memoryBytes: s?.memoryBytes ?? Number.NaN,
      arrays: s?.arrays ?? Number.NaN,
      rssBytes: s?.rssBytes ?? Number.NaN,
      state: s ? "running" : "dead",
    };
  });
}
