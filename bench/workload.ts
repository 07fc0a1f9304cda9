/** What every workload gets: the options, the baselines measured so far, a shared cluster. */
import type { Context } from "distarray";
import { type BenchCluster, startCluster } from "./engines.js";
import type { RepeatOptions } from "./measure.js";
import type { BenchOptions } from "./options.js";
import type {
  BaselineFigure,
  BaselineId,
  BaselineResult,
  Figure,
  Ratio,
  ScalingResult,
} from "./results.js";

export interface WorkloadOutput {
  figures: Figure[];
  scaling?: ScalingResult;
}

export type Workload = (env: WorkloadEnv) => Promise<WorkloadOutput>;

const SPEED_MEANING: Record<string, string> = {
  numpy: "NumPy time / this time (above 1: faster than NumPy)",
  "f64-loop": "Float64Array loop time / this time (above 1: faster than the loop)",
  memory:
    "the SIMD kernels' time alone on as many processes at once / this time (1: at the memory bound)",
};

/** Read access to the baselines, and the ratios workloads attach to their figures. */
export class Baselines {
  readonly results: BaselineResult[];

  constructor(results: BaselineResult[]) {
    this.results = results;
  }

  get(id: BaselineId): BaselineResult | undefined {
    return this.results.find((b) => b.id === id);
  }

  figure(id: BaselineId, name: string): BaselineFigure | undefined {
    return this.get(id)?.figures.find((f) => f.name === name);
  }

  /**
   * Speed ratios (baseline median / `ms`) against NumPy, the loop and the memory bound for
   * task `name`.
   */
  speedRatios(name: string, ms: number): Ratio[] {
    const out: Ratio[] = [];
    for (const id of ["numpy", "f64-loop", "memory"] as const) {
      const f = this.figure(id, name);
      if (f)
        out.push({
          baseline: `${id}:${name}`,
          value: f.time.median / ms,
          meaning: SPEED_MEANING[id]!,
        });
    }
    return out;
  }

  /** `ms` as a multiple of the raw ws round trip. */
  rttRatio(ms: number): Ratio[] {
    const f = this.figure("ws", "rtt");
    if (!f) return [];
    return [
      { baseline: "ws:rtt", value: ms / f.time.median, meaning: "this time / raw ws round trip" },
    ];
  }

  /** `ms` as a multiple of the raw ws broadcast round trip to `peers` echo processes. */
  broadcastRatio(peers: number, ms: number): Ratio[] {
    const f = this.figure("ws", `broadcast.${peers}`);
    if (!f) return [];
    return [
      {
        baseline: `ws:broadcast.${peers}`,
        value: ms / f.time.median,
        meaning: `this time / raw ws broadcast round trip to ${peers} echo processes`,
      },
    ];
  }

  /** `gibs` as a fraction of raw TCP loopback throughput. */
  tcpRatio(gibs: number): Ratio[] {
    const f = this.figure("tcp", "throughput");
    if (!f?.gibPerSecond) return [];
    return [
      {
        baseline: "tcp:throughput",
        value: gibs / f.gibPerSecond,
        meaning: "this GiB/s / raw TCP loopback GiB/s",
      },
    ];
  }
}

export class WorkloadEnv {
  readonly options: BenchOptions;
  readonly baselines: Baselines;
  readonly log: (message: string) => void;
  #shared: Promise<BenchCluster> | undefined;

  constructor(options: BenchOptions, baselines: Baselines, log: (message: string) => void) {
    this.options = options;
    this.baselines = baselines;
    this.log = log;
  }

  /** The shared cluster of `options.engines` engines, started on first use. */
  shared(): Promise<BenchCluster> {
    this.#shared ??= startCluster(this.options.engines);
    return this.#shared;
  }

  async context(): Promise<Context> {
    return (await this.shared()).ctx;
  }

  /** Stops the shared cluster if it was started. */
  async close(): Promise<void> {
    const s = this.#shared;
    this.#shared = undefined;
    // A cluster that failed to start has nothing to stop (the workloads reported the error).
    if (s) await s.then((c) => c.stop()).catch(() => undefined);
  }

  /** Warm-up and repeat counts for the workloads. */
  get repeatOptions(): RepeatOptions {
    const { warmup, warmupMs, repeats, measureMs } = this.options;
    return { warmup, warmupMs, repeats, measureMs };
  }
}
