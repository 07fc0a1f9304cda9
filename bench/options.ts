/** The benchmark's settings: full-run defaults and the `--quick` smoke preset. */
import { WORKLOAD_IDS, type WorkloadId } from "./results.js";

export interface BenchOptions {
  quick: boolean;
  /** Output folder for results.json, results.md and chart.svg. */
  out: string;
  workloads: WorkloadId[];
  /** Engines for every workload except W3. */
  engines: number;
  /** Engine counts for the W3 round trip. */
  roundTripEngines: number[];
  warmup: number;
  /** Warm-up time budget per figure in ms (see RepeatOptions.warmupMs). */
  warmupMs: number;
  repeats: number;
  /** Timing budget per figure in ms (see RepeatOptions.measureMs). */
  measureMs: number;
  /** W1 element counts. */
  computeSizes: number[];
  /** W2 and W5 matrix side (n x n float64). */
  matrixSide: number;
  /** W3 calls timed per engine count (each call is one sample). */
  roundTripCalls: number;
  /** W4 bytes moved each way. */
  transferBytes: number;
  /** W6 chain length and array size. */
  chainLength: number;
  chainElements: number;
  /** W7 temporaries and the array size they are made from. */
  temporaries: number;
  temporaryElements: number;
  /** W8 sizes (element counts). */
  scalingSizes: number[];
  /** Baseline settings: TCP bytes per timed transfer, ws round trips timed. */
  tcpBytes: number;
  wsRoundTrips: number;
  /** Python used for the NumPy baseline. */
  python: string;
  /** When set, engines run with `node --cpu-prof` and write their profiles here. */
  cpuProfileDir?: string;
}

const MiB = 2 ** 20;

function powersOfTwo(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p += step) out.push(2 ** p);
  return out;
}

/** Full-run defaults: the sizes the issue names. */
export const FULL_DEFAULTS: BenchOptions = {
  quick: false,
  out: ".bench",
  workloads: [...WORKLOAD_IDS],
  engines: 2,
  roundTripEngines: [2, 4, 8, 16, 32],
  warmup: 1,
  warmupMs: 1000,
  repeats: 7,
  measureMs: 1000,
  computeSizes: [2 ** 20, 2 ** 25],
  matrixSide: 4096,
  roundTripCalls: 200,
  transferBytes: 256 * MiB,
  chainLength: 100,
  chainElements: 1000,
  temporaries: 1000,
  temporaryElements: 2 ** 19,
  scalingSizes: powersOfTwo(16, 26),
  tcpBytes: 256 * MiB,
  wsRoundTrips: 2000,
  python: "python3",
};

/** `--quick`: every workload and baseline, small sizes, 3 repeats; seconds long. */
export const QUICK_DEFAULTS: BenchOptions = {
  ...FULL_DEFAULTS,
  quick: true,
  roundTripEngines: [2, 4],
  warmupMs: 0,
  repeats: 3,
  measureMs: 0,
  computeSizes: [2 ** 16, 2 ** 18],
  matrixSide: 256,
  roundTripCalls: 30,
  transferBytes: 8 * MiB,
  chainLength: 100,
  temporaries: 100,
  temporaryElements: 2 ** 14,
  scalingSizes: powersOfTwo(16, 20, 2),
  tcpBytes: 64 * MiB,
  wsRoundTrips: 200,
};

/** "2^25" for exact powers of two, else the plain number. */
export function sizeLabel(n: number): string {
  const p = Math.log2(n);
  return Number.isInteger(p) && p >= 10 ? `2^${p}` : String(n);
}

/** "256 MiB" style byte counts. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
