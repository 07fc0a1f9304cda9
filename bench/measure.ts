/**
 * Timing and statistics: a warm-up, then repeated runs summarised as median, min and max,
 * and the least-squares line used by the W8 linearity check.
 */

/** Summary of repeated timings, in milliseconds. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** Every timed run, in the order they ran. */
  samples: number[];
  /** Untimed warm-up runs made before the timed ones. */
  warmupRuns?: number;
  /** The first (cold) run's time: the first warm-up run, or the first timed run without one. */
  firstMs?: number;
}

export interface RepeatOptions {
  /** Untimed runs before the timed ones (default 1). */
  warmup: number;
  /** Timed runs (at least 1). */
  repeats: number;
  /**
   * Keep warming up until the warm-up runs have taken this long in all (after at least
   * `warmup` runs, at most MAX_WARMUP_RUNS), so that cheap workloads are timed once V8 has
   * optimised the code on both sides, as NumPy's compiled loops are from the start. Default 0.
   */
  warmupMs?: number;
  /**
   * Keep timing past `repeats` until the timed runs have taken this long in all (at most
   * MAX_TIMED_RUNS), so that a cheap figure's median rests on many runs rather than on the
   * few a momentary stall of this shared machine can move. Default 0.
   */
  measureMs?: number;
}

/** Upper bound on warm-up runs when `warmupMs` asks for more. */
export const MAX_WARMUP_RUNS = 2000;

/** Upper bound on timed runs when `measureMs` asks for more than `repeats`. */
export const MAX_TIMED_RUNS = 1000;

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The `q`-quantile (0..1) of a non-empty list, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("quantile of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

/** Median, min and max of `samples` (milliseconds). */
export function summarize(samples: readonly number[]): Stats {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: [...samples],
  };
}

/**
 * Runs `run` untimed for the warm-up (`warmup` runs, more while `warmupMs` is not used up),
 * then `repeats` times timed; `setup` (untimed, before each
 * run) prepares inputs and `teardown` (untimed, after each run) frees what the run made.
 * The time of one run is from just before `run` starts until its Promise resolves.
 */
export async function repeat<S, R>(
  options: RepeatOptions,
  parts: {
    setup?: () => S | Promise<S>;
    run: (state: S) => R | Promise<R>;
    teardown?: (result: R, state: S) => void | Promise<void>;
  },
): Promise<Stats> {
  const samples: number[] = [];
  const runOnce = async (): Promise<number> => {
    const state = (await parts.setup?.()) as S;
    const t0 = performance.now();
    const result = await parts.run(state);
    const ms = performance.now() - t0;
    await parts.teardown?.(result, state);
    return ms;
  };
  const { runs: warmupRuns, firstMs } = await warmUp(options, runOnce);
  let timed = 0;
  while (samples.length < timedRuns(options, samples.length, timed)) {
    const ms = await runOnce();
    samples.push(ms);
    timed += ms;
  }
  return { ...summarize(samples), warmupRuns, firstMs: firstMs ?? samples[0]! };
}

/**
 * How many timed runs to make, given `done` runs so far that took `timedMs`: at least
 * `repeats` (and 1), more while `measureMs` is not used up, at most MAX_TIMED_RUNS.
 */
export function timedRuns(options: RepeatOptions, done: number, timedMs: number): number {
  const least = Math.max(1, options.repeats);
  if (done < least) return least;
  return timedMs < (options.measureMs ?? 0) && done < MAX_TIMED_RUNS ? done + 1 : done;
}

/** The untimed warm-up runs of `repeat`: their count and the first (cold) run's time. */
async function warmUp(
  options: RepeatOptions,
  runOnce: () => Promise<number>,
): Promise<{ runs: number; firstMs: number | undefined }> {
  let runs = 0;
  let total = 0;
  let firstMs: number | undefined;
  const warmupMs = options.warmupMs ?? 0;
  while (runs < options.warmup || (total < warmupMs && runs < MAX_WARMUP_RUNS)) {
    const ms = await runOnce();
    firstMs ??= ms;
    total += ms;
    runs++;
  }
  return { runs, firstMs };
}

/** One case of repeatInterleaved: a run and the teardown of what it made. */
export interface InterleavedCase<R> {
  run: () => R | Promise<R>;
  teardown?: (result: R) => void | Promise<void>;
}

/**
 * Like `repeat` for several cases measured against each other (W8's sizes): each case is
 * warmed up as `repeat` does, then the timed runs go in rounds, one run of every case per
 * round, alternating ascending and descending order (at least `repeats` rounds, more until
 * the rounds have taken `measureMs` in all). A slow spell of the machine (other
 * processes, the host) then falls on every case alike instead of on whichever case was
 * being measured at the time, which would bend the curve the cases are compared on.
 */
export async function repeatInterleaved<R>(
  options: RepeatOptions,
  cases: readonly InterleavedCase<R>[],
): Promise<Stats[]> {
  const runOnce = async (c: InterleavedCase<R>): Promise<number> => {
    const t0 = performance.now();
    const result = await c.run();
    const ms = performance.now() - t0;
    await c.teardown?.(result);
    return ms;
  };
  const warmups: { runs: number; firstMs: number | undefined }[] = [];
  for (const c of cases) warmups.push(await warmUp(options, () => runOnce(c)));
  const samples: number[][] = cases.map(() => []);
  const order = cases.map((_, i) => i);
  // Rounds go on until the rounds together have taken `measureMs` (see timedRuns).
  let timed = 0;
  for (let round = 0; round < timedRuns(options, round, timed); round++) {
    for (const i of round % 2 === 0 ? order : [...order].reverse()) {
      const ms = await runOnce(cases[i]!);
      samples[i]!.push(ms);
      timed += ms;
    }
  }
  return samples.map((s, i) => ({
    ...summarize(s),
    warmupRuns: warmups[i]!.runs,
    firstMs: warmups[i]!.firstMs ?? s[0]!,
  }));
}

/** A least-squares line y = intercept + slope * x with its coefficient of determination. */
export interface LinearFit {
  intercept: number;
  slope: number;
  /** R², 1 for a perfect fit. */
  r2: number;
}

/** Fits y = intercept + slope * x by ordinary least squares (needs two distinct x values). */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError("a line needs at least two points");
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError("a line needs two distinct x values");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { intercept, slope, r2 };
}

/** GiB per second for `bytes` moved in `ms` milliseconds. */
export function gibPerSecond(bytes: number, ms: number): number {
  return bytes / 2 ** 30 / (ms / 1000);
}
