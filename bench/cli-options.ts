/** Parsing the command line into BenchOptions (quick preset first, explicit options over it). */
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { type BenchOptions, FULL_DEFAULTS, QUICK_DEFAULTS } from "./options.js";
import { WORKLOAD_IDS, type WorkloadId } from "./results.js";

/** "2^20" or "1048576" as a positive integer. */
export function parseCount(value: string): number {
  const m = /^\s*2\^(\d+)\s*$/.exec(value);
  const n = m ? 2 ** Number(m[1]) : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive integer or 2^k, got '${value}'`);
  }
  return n;
}

/** "2,4,2^20" as a list of positive integers. */
export function parseCountList(value: string): number[] {
  return value.split(",").map(parseCount);
}

/** "W1,w3" as workload ids. */
export function parseWorkloads(value: string): WorkloadId[] {
  return value.split(",").map((v) => {
    const id = v.trim().toUpperCase();
    if (!(WORKLOAD_IDS as readonly string[]).includes(id)) {
      throw new InvalidArgumentError(`unknown workload '${v}' (known: ${WORKLOAD_IDS.join(", ")})`);
    }
    return id as WorkloadId;
  });
}

export function benchCommand(): Command {
  return new Command("bench")
    .description(
      "DistArray benchmark: workloads W1-W8 against NumPy, a Float64Array loop, raw TCP and raw ws, with the issue's targets",
    )
    .option(
      "--quick",
      "seconds-long smoke run: every workload and baseline at small sizes, 3 repeats",
    )
    .option(
      "-o, --out <dir>",
      "output folder for results.json, results.md, chart.svg",
      FULL_DEFAULTS.out,
    )
    .option("-w, --workloads <list>", "workloads to run, e.g. W1,W3 (default: all)", parseWorkloads)
    .option("-e, --engines <n>", "engines for every workload except W3 (default 2)", parseCount)
    .option(
      "--round-trip-engines <list>",
      "engine counts for W3 (default 2,4,8,16,32)",
      parseCountList,
    )
    .option("--warmup <n>", "untimed runs before the timed ones (default 1)", parseCount)
    .option(
      "--warmup-ms <ms>",
      "keep warming up until the warm-up runs took this long (default 1000; quick 0)",
      parseMilliseconds,
    )
    .option("--repeats <n>", "least timed runs per figure (default 7; quick 3)", parseCount)
    .option(
      "--measure-ms <ms>",
      "keep timing past --repeats until the timed runs took this long (default 1000; quick 0)",
      parseMilliseconds,
    )
    .option("--sizes <list>", "W1 element counts (default 2^20,2^25)", parseCountList)
    .option("--matrix <n>", "W2/W5 matrix side (default 4096)", parseCount)
    .option("--transfer-bytes <n>", "W4 bytes each way (default 2^28 = 256 MiB)", parseCount)
    .option("--temporaries <n>", "W7 temporaries (default 1000)", parseCount)
    .option(
      "--scaling-sizes <list>",
      "W8 element counts, at least two different (default 2^16..2^26)",
      parseScalingSizes,
    )
    .option("--python <cmd>", "Python with numpy for the NumPy baseline", FULL_DEFAULTS.python)
    .option(
      "--cpu-prof <dir>",
      "profile the engines (V8 sampling profiler), .cpuprofile files into <dir> (summarise: node build/bench/profile-summary.js <dir>)",
    );
}

interface Parsed {
  quick?: boolean;
  out: string;
  workloads?: WorkloadId[];
  engines?: number;
  roundTripEngines?: number[];
  warmup?: number;
  warmupMs?: number;
  measureMs?: number;
  repeats?: number;
  sizes?: number[];
  matrix?: number;
  transferBytes?: number;
  temporaries?: number;
  scalingSizes?: number[];
  python: string;
  cpuProf?: string;
}

/** BenchOptions from parsed command-line values. */
export function toBenchOptions(p: Parsed): BenchOptions {
  const base = p.quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  const o: BenchOptions = { ...base, out: p.out, python: p.python };
  if (p.workloads) o.workloads = p.workloads;
  if (p.engines) o.engines = p.engines;
  if (p.roundTripEngines) o.roundTripEngines = p.roundTripEngines;
  if (p.warmup !== undefined) o.warmup = p.warmup;
  if (p.warmupMs !== undefined) o.warmupMs = p.warmupMs;
  if (p.repeats) o.repeats = p.repeats;
  if (p.measureMs !== undefined) o.measureMs = p.measureMs;
  if (p.sizes) o.computeSizes = p.sizes;
  if (p.matrix) o.matrixSide = p.matrix;
  if (p.transferBytes) o.transferBytes = Math.ceil(p.transferBytes / 8) * 8;
  if (p.temporaries) o.temporaries = p.temporaries;
  if (p.scalingSizes) o.scalingSizes = p.scalingSizes;
  if (p.cpuProf) o.cpuProfileDir = resolve(p.cpuProf);
  return o;
}

/** W8's sizes: a count list with at least two different sizes (a line needs two points). */
export function parseScalingSizes(value: string): number[] {
  const sizes = parseCountList(value);
  if (new Set(sizes).size < 2) {
    throw new InvalidArgumentError(`W8 needs at least two different sizes, got "${value}"`);
  }
  return sizes;
}

/** A time budget in milliseconds (--warmup-ms, --measure-ms): a finite number >= 0. */
export function parseMilliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected milliseconds >= 0, got "${value}"`);
  }
  return n;
}
