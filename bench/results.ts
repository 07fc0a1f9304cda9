/**
 * The report's data model: baselines, workload figures (each with ratios to its baselines)
 * and target verdicts. This is what results.json holds; the Markdown and SVG are drawn from it.
 */
import type { LinearFit, Stats } from "./measure.js";

export const WORKLOAD_IDS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export const BASELINE_IDS = ["numpy", "f64-loop", "tcp", "ws", "memory"] as const;
export type BaselineId = (typeof BASELINE_IDS)[number];

/** One baseline measurement (a named figure inside a baseline, e.g. NumPy's add of 2^25). */
export interface BaselineFigure {
  /** Stable name, e.g. "add.2^25", "sum.4096x4096", "throughput", "rtt". */
  name: string;
  title: string;
  /** Time per run in ms (for throughput figures: per transfer). */
  time: Stats;
  /** For transfers: GiB/s at the median time. */
  gibPerSecond?: number;
}

export interface BaselineResult {
  id: BaselineId;
  title: string;
  /** Why the baseline could not be measured (then figures is empty). */
  absent?: string;
  /** What exactly ran (versions, sizes). */
  detail: string;
  figures: BaselineFigure[];
}

/** This figure against a baseline figure. */
export interface Ratio {
  /** "numpy:add.2^25" style reference to a baseline figure, or a plain description. */
  baseline: string;
  value: number;
  /** How to read it, e.g. "NumPy time / this time (above 1: faster than NumPy)". */
  meaning: string;
}

/** One measured quantity of a workload. */
export interface Figure {
  workload: WorkloadId;
  /** Stable name within the workload, e.g. "add.2^25". */
  name: string;
  title: string;
  engines: number;
  /** Time per run in ms, when the figure is a time. */
  time?: Stats;
  /** A non-time value (e.g. RSS bytes, GiB/s), with its unit. */
  value?: { amount: number; unit: string };
  /** Extra numbers (throughput, memory, counts). */
  extra?: Record<string, number | string>;
  ratios: Ratio[];
  /** Why this figure was not measured (then time/value are missing). */
  absent?: string;
  /** The error that stopped this workload (the run then exits non-zero). */
  error?: string;
}

export interface TargetResult {
  workload: WorkloadId;
  /** The target as the issue states it. */
  target: string;
  /** null when it could not be evaluated (a workload or baseline absent). */
  met: boolean | null;
  /** The numbers behind the verdict. */
  detail: string;
  /** Achieved / required, oriented so that >= 1 means met (for the chart). */
  score?: number;
}

export interface ScalingResult {
  engines: number;
  op: string;
  points: { elements: number; time: Stats; f64LoopMs?: number; numpyMs?: number }[];
  fit: LinearFit;
  /** Slope of log(time) against log(size) over the upper half of the sizes. */
  logLogSlope: number;
  linear: boolean;
  explanation: string;
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string; load: number[] };
  options: Record<string, unknown>;
  baselines: BaselineResult[];
  figures: Figure[];
  scaling?: ScalingResult;
  targets: TargetResult[];
}
