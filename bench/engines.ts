/**
 * Engines for the benchmark: private clusters under a temporary DISTARRAY_HOME, stopped by
 * closing the context and then killing leftover engine PIDs; engine memory read from
 * /proc/<pid>/status.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, type DistArray } from "distarray";

export interface BenchCluster {
  ctx: Context;
  pids: number[];
  /** Milliseconds Context.start took. */
  startMs: number;
  stop: () => Promise<void>;
}

let home: string | undefined;
/** Engines started by this process and not yet stopped. */
const running = new Set<number>();

/** Points DISTARRAY_HOME at a fresh temporary folder for this run (once). */
export function useBenchHome(): string {
  if (home === undefined) {
    home = mkdtempSync(join(tmpdir(), "distarray-bench-"));
    process.env.DISTARRAY_HOME = home;
  }
  return home;
}

/** Removes the temporary DISTARRAY_HOME. */
export function removeBenchHome(): void {
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Starts a private cluster of `engines` engines and connects to it. */
export async function startCluster(engines: number): Promise<BenchCluster> {
  useBenchHome();
  const t0 = performance.now();
  const ctx = await Context.start({ engines });
  const startMs = performance.now() - t0;
  const pids = ctx.enginePids;
  for (const pid of pids) running.add(pid);
  return {
    ctx,
    pids,
    startMs,
    stop: async () => {
      await ctx.close().catch(() => undefined);
      for (const pid of pids) {
        killIfAlive(pid);
        running.delete(pid);
      }
    },
  };
}

/** Kills every engine this process started and has not stopped (on an interrupt). */
export function killStartedEngines(): void {
  for (const pid of running) killIfAlive(pid);
  running.clear();
}

/** Frees `arrays` on the engines now (pipelined), instead of waiting for client GC. */
export function dispose(ctx: Context, arrays: readonly DistArray[]): void {
  for (const a of arrays) ctx.deleteKey(a.key, { targets: a.targets });
}

/** Resident and peak resident memory of a process, in bytes, from /proc/<pid>/status. */
export interface ProcessMemory {
  rss: number;
  peakRss: number;
}

export function processMemory(pid: number): ProcessMemory {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kib("VmRSS"), peakRss: kib("VmHWM") };
}

/**
 * Resets the peak-RSS counter (VmHWM) of `pid` to its current RSS (Linux: writing 5 to
 * /proc/<pid>/clear_refs). Returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Uniform [0, 1) float64 values (client side, before timing). */
export function randomFloat64(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random();
  return a;
}

/** Bytes of each engine's local piece of `a`, in target order. */
export async function localBytes(a: DistArray): Promise<number[]> {
  const shapes = await a.localShapes();
  return shapes.map((s) => s.reduce((p, n) => p * n, 1) * a.itemsize);
}
