/**
 * The memory-bandwidth baseline: what the engines' WebAssembly SIMD kernels reach on this
 * machine with nothing around them (no messages, no allocation, operands already paged
 * in), in one process alone and in `processes` processes at once (one per engine, each on
 * its engine's share of a workload). The processes-at-once figures are named after the
 * workload tasks (`add.2^25`, `sum.4096x4096`, `sum0.4096x4096`): they are the floor of that
 * workload's time on this many engines, so a workload's ratio to them says how close it is
 * to what the cores can move.
 *
 * Kernels: "read" is sum_f64 (W2 sum), "add" is add_f64 (W1 add: two streams read, one
 * written, which the CPU also reads before writing), "rows" is accrows_f64 (W2 sum over
 * axis 0: rows added into one output row).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type RepeatOptions, type Stats, summarize, timedRuns } from "../measure.js";
import { formatBytes, sizeLabel } from "../options.js";
import type { MemoryKernel, MemorySetup } from "../peers/memory-peer.js";
import type { BaselineFigure, BaselineResult } from "../results.js";
import { taskName } from "../tasks.js";

/** One measured case: the kernel on `elements` float64 per process. */
export interface MemoryCase {
  /** Figure name of the processes-at-once measurement (a workload task name). */
  name: string;
  label: string;
  setup: MemorySetup;
  /** Bytes one kernel call reads and writes as the program states them. */
  bytes: number;
}

const KERNEL_TEXT: Record<MemoryKernel, string> = {
  read: "sum_f64 (read)",
  add: "add_f64 (read, read, write)",
  rows: "accrows_f64 (rows into one row)",
};

/** The cases for W1's add sizes and W2's matrix, split over `processes`. */
export function memoryCases(o: {
  addSizes: readonly number[];
  matrixSide?: number;
  processes: number;
}): MemoryCase[] {
  const p = o.processes;
  const cases: MemoryCase[] = [];
  for (const n of o.addSizes) {
    const each = Math.ceil(n / p);
    cases.push({
      name: taskName.add(n),
      label: `add ${sizeLabel(n)}`,
      setup: { kernel: "add", elements: each },
      bytes: 3 * 8 * each,
    });
  }
  if (o.matrixSide !== undefined) {
    const side = o.matrixSide;
    const rows = Math.ceil(side / p);
    cases.push({
      name: taskName.matrix("sum", side),
      label: `sum ${side}x${side}`,
      setup: { kernel: "read", elements: rows * side },
      bytes: 8 * rows * side,
    });
    cases.push({
      name: taskName.matrix("sum0", side),
      label: `sum(axis 0) ${side}x${side}`,
      setup: { kernel: "rows", elements: rows * side, rowLength: side },
      bytes: 8 * rows * side,
    });
  }
  return cases;
}

interface Reply {
  ready?: boolean;
  ms?: number;
  absent?: string;
  error?: string;
}

/** A kernel process and a way to ask it one thing at a time. */
class Peer {
  readonly child: ChildProcess;
  #waiting: ((r: Reply) => void) | undefined;

  constructor() {
    const file = fileURLToPath(new URL("../peers/memory-peer.js", import.meta.url));
    this.child = fork(file, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    this.child.on("message", (r: Reply) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.(r);
    });
    this.child.on("exit", (code, signal) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.({ error: `memory peer exited (${code ?? signal})` });
    });
  }

  ask(message: object): Promise<Reply> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.child.send(message);
    });
  }

  stop(): void {
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

function check(r: Reply): Reply {
  if (r.error) throw new Error(r.error);
  return r;
}

/** One timed call on each of `peers` at once; the slowest one's time (ms). */
async function runTogether(peers: readonly Peer[]): Promise<number> {
  const replies = await Promise.all(peers.map((p) => p.ask({ run: true })));
  return Math.max(...replies.map((r) => check(r).ms ?? Number.NaN));
}

export async function memoryBaseline(
  cases: readonly MemoryCase[],
  options: { processes: number } & RepeatOptions,
): Promise<BaselineResult> {
  const base = {
    id: "memory" as const,
    title: `memory bandwidth, the engines' SIMD kernels alone (1 and ${options.processes} processes)`,
  };
  const p = Math.max(1, options.processes);
  const peers = Array.from({ length: p }, () => new Peer());
  try {
    const figures: BaselineFigure[] = [];
    for (const c of cases) {
      const ready = await Promise.all(peers.map((q) => q.ask({ setup: c.setup })));
      const absent = ready.find((r) => r.absent)?.absent;
      if (absent) return { ...base, absent, detail: "", figures: [] };
      for (const r of ready) check(r);
      const what = `${KERNEL_TEXT[c.setup.kernel]}, ${formatBytes(c.bytes)}`;
      // Each process times its own kernel call (the IPC around it is not counted).
      const aloneKernel = await kernelTimes(peers.slice(0, 1), options);
      figures.push({
        name: `${c.name}.1p`,
        title: `${c.label}: one process alone, ${what}`,
        time: aloneKernel,
        gibPerSecond: c.bytes / 2 ** 30 / (aloneKernel.median / 1000),
      });
      const together = await kernelTimes(peers, options);
      figures.push({
        name: c.name,
        title: `${c.label}: ${p} processes at once, ${what} each`,
        time: together,
        gibPerSecond: (p * c.bytes) / 2 ** 30 / (together.median / 1000),
      });
    }
    return {
      ...base,
      detail: `node ${process.version}; ${p} processes at once vs one alone, operands paged in; GiB/s count the bytes the kernel reads and writes`,
      figures,
    };
  } finally {
    for (const q of peers) q.stop();
  }
}

/**
 * Kernel times (the slowest of `peers` per call): `warmup` untimed calls, then as many timed
 * calls as `timedRuns` asks for (at least `repeats`, more within `measureMs`).
 */
async function kernelTimes(peers: readonly Peer[], options: RepeatOptions): Promise<Stats> {
  for (let i = 0; i < options.warmup; i++) await runTogether(peers);
  const samples: number[] = [];
  let timed = 0;
  while (samples.length < timedRuns(options, samples.length, timed)) {
    const ms = await runTogether(peers);
    samples.push(ms);
    timed += ms;
  }
  return summarize(samples);
}
