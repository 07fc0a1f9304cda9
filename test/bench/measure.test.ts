// Unit tests of the benchmark's statistics (bench/measure.ts) and command-line parsing
// (bench/cli-options.ts): no engines, no network.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseCount,
  parseCountList,
  parseMilliseconds,
  parseScalingSizes,
  parseWorkloads,
  toBenchOptions,
} from "../../bench/cli-options.js";
import {
  gibPerSecond,
  linearFit,
  MAX_TIMED_RUNS,
  median,
  quantile,
  repeat,
  repeatInterleaved,
  summarize,
  timedRuns,
} from "../../bench/measure.js";
import { FULL_DEFAULTS, QUICK_DEFAULTS, sizeLabel } from "../../bench/options.js";

/** Busy-waits `ms` milliseconds (a run of known length). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("statistics", () => {
  test("median of odd and even counts, unsorted input left alone", () => {
    const xs = [5, 1, 3];
    assert.equal(median(xs), 3);
    assert.deepEqual(xs, [5, 1, 3]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), RangeError);
  });

  test("quantile is nearest-rank", () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    assert.equal(quantile(xs, 0.9), 90);
    assert.equal(quantile(xs, 0.5), 50);
    assert.equal(quantile(xs, 1), 100);
    assert.equal(quantile(xs, 0), 10);
  });

  test("summarize keeps the samples and their median, min and max", () => {
    assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, samples: [3, 1, 2] });
  });

  test("linearFit recovers an exact line and scores a curve below 1", () => {
    const xs = [1, 2, 4, 8, 16];
    const exact = linearFit(
      xs,
      xs.map((x) => 0.5 + 3 * x),
    );
    assert.ok(Math.abs(exact.slope - 3) < 1e-12);
    assert.ok(Math.abs(exact.intercept - 0.5) < 1e-12);
    assert.ok(Math.abs(exact.r2 - 1) < 1e-12);
    const bent = linearFit(
      xs,
      xs.map((x) => x * x),
    );
    assert.ok(bent.r2 < 1 && bent.r2 > 0.8);
    assert.throws(() => linearFit([1, 1], [2, 3]), RangeError);
    assert.throws(() => linearFit([1], [2]), RangeError);
  });

  test("gibPerSecond", () => {
    assert.equal(gibPerSecond(2 ** 30, 1000), 1);
    assert.equal(gibPerSecond(2 ** 29, 250), 2);
  });

  test("repeat runs warm-up plus repeats, times only the repeats, tears every run down", async () => {
    const calls: string[] = [];
    let n = 0;
    const stats = await repeat(
      { warmup: 2, repeats: 3 },
      {
        setup: () => {
          calls.push("setup");
          return ++n;
        },
        run: (i) => {
          calls.push(`run${i}`);
          return i * 10;
        },
        teardown: (r, i) => {
          calls.push(`down${r}/${i}`);
        },
      },
    );
    assert.equal(stats.samples.length, 3);
    assert.deepEqual(calls.slice(0, 3), ["setup", "run1", "down10/1"]);
    assert.equal(calls.length, 15);
    for (const s of stats.samples) assert.ok(s >= 0);
  });

  test("repeat keeps warming up until the warm-up budget is used, then times the repeats", async () => {
    // Each run busy-waits 2 ms, so a 20 ms budget takes about 10 warm-up runs.
    let runs = 0;
    const stats = await repeat(
      { warmup: 1, warmupMs: 20, repeats: 3 },
      {
        run: () => {
          runs++;
          busy(2);
        },
      },
    );
    assert.equal(stats.samples.length, 3);
    assert.ok(stats.warmupRuns !== undefined && stats.warmupRuns >= 1 && stats.warmupRuns <= 11);
    assert.equal(runs, stats.warmupRuns + 3);
    assert.ok(stats.firstMs !== undefined && stats.firstMs >= 2);
  });

  test("repeat without a warm-up reports the first timed run as the cold one", async () => {
    const stats = await repeat({ warmup: 0, repeats: 2 }, { run: () => {} });
    assert.equal(stats.warmupRuns, 0);
    assert.equal(stats.firstMs, stats.samples[0]);
  });

  test("timedRuns: at least repeats, more within measureMs, at most MAX_TIMED_RUNS", () => {
    const o = { warmup: 0, repeats: 3, measureMs: 10 };
    assert.equal(timedRuns(o, 0, 0), 3);
    assert.equal(timedRuns(o, 2, 50), 3);
    assert.equal(timedRuns(o, 3, 9), 4);
    assert.equal(timedRuns(o, 7, 10), 7);
    assert.equal(timedRuns(o, MAX_TIMED_RUNS, 0), MAX_TIMED_RUNS);
    assert.equal(timedRuns({ warmup: 0, repeats: 0 }, 0, 0), 1);
    assert.equal(timedRuns({ warmup: 0, repeats: 2 }, 2, 0), 2);
  });

  test("repeat keeps timing past repeats until measureMs is used up", async () => {
    const stats = await repeat(
      { warmup: 0, repeats: 2, measureMs: 20 },
      {
        run: () => {
          busy(2);
        },
      },
    );
    assert.ok(stats.samples.length > 2 && stats.samples.length <= 11, `${stats.samples.length}`);
    const total = stats.samples.reduce((a, b) => a + b, 0);
    assert.ok(total >= 20);
    assert.ok(total - stats.samples[stats.samples.length - 1]! < 20);
  });

  test("repeatInterleaved warms each case up, then times the cases in alternating rounds", async () => {
    const calls: string[] = [];
    const cases = ["a", "b", "c"].map((name) => ({
      run: () => {
        calls.push(name);
        return name;
      },
      teardown: (made: string) => {
        calls.push(`free ${made}`);
      },
    }));
    const stats = await repeatInterleaved({ warmup: 1, repeats: 3 }, cases);
    const runs = calls.filter((c) => !c.startsWith("free"));
    // One warm-up per case in order, then rounds a b c, c b a, a b c.
    assert.deepEqual(runs, ["a", "b", "c", "a", "b", "c", "c", "b", "a", "a", "b", "c"]);
    // Every run is torn down right after it.
    for (let i = 0; i < calls.length; i += 2) assert.equal(calls[i + 1], `free ${calls[i]}`);
    assert.equal(stats.length, 3);
    for (const s of stats) {
      assert.equal(s.samples.length, 3);
      assert.equal(s.warmupRuns, 1);
      assert.ok(s.firstMs !== undefined && s.firstMs >= 0);
    }
  });
});

describe("command line", () => {
  test("counts take integers or powers of two", () => {
    assert.equal(parseCount("2^25"), 2 ** 25);
    assert.equal(parseCount("4096"), 4096);
    assert.deepEqual(parseCountList("2,4,2^3"), [2, 4, 8]);
    for (const bad of ["0", "-1", "1.5", "2^", "x"]) assert.throws(() => parseCount(bad));
    assert.deepEqual(parseScalingSizes("2^16,2^17"), [2 ** 16, 2 ** 17]);
    for (const bad of ["2^16", "8,8"]) assert.throws(() => parseScalingSizes(bad), /two different/);
  });

  test("workloads are checked and upper-cased", () => {
    assert.deepEqual(parseWorkloads("w1,W8"), ["W1", "W8"]);
    assert.throws(() => parseWorkloads("W9"), /unknown workload 'W9'/);
  });

  test("--quick starts from the quick preset; explicit options win", () => {
    const q = toBenchOptions({ quick: true, out: "o", python: "py", repeats: 5 });
    assert.equal(q.quick, true);
    assert.equal(q.repeats, 5);
    assert.deepEqual(q.computeSizes, QUICK_DEFAULTS.computeSizes);
    const f = toBenchOptions({ out: "o", python: "py", transferBytes: 1001 });
    assert.equal(f.quick, false);
    assert.equal(f.transferBytes, 1008);
    assert.equal(f.repeats, FULL_DEFAULTS.repeats);
    assert.equal(q.warmupMs, 0);
    assert.ok(f.warmupMs > 0);
    assert.equal(toBenchOptions({ out: "o", python: "py", warmupMs: 250 }).warmupMs, 250);
    assert.equal(parseMilliseconds("0"), 0);
    for (const bad of ["-1", "x", "Infinity"]) assert.throws(() => parseMilliseconds(bad));
  });

  test("full defaults are the issue's sizes", () => {
    assert.deepEqual(FULL_DEFAULTS.computeSizes, [2 ** 20, 2 ** 25]);
    assert.equal(FULL_DEFAULTS.matrixSide, 4096);
    assert.deepEqual(FULL_DEFAULTS.roundTripEngines, [2, 4, 8, 16, 32]);
    assert.equal(FULL_DEFAULTS.transferBytes, 256 * 2 ** 20);
    assert.equal(FULL_DEFAULTS.temporaries, 1000);
    assert.equal(FULL_DEFAULTS.scalingSizes[0], 2 ** 16);
    assert.equal(FULL_DEFAULTS.scalingSizes.at(-1), 2 ** 26);
    assert.ok(FULL_DEFAULTS.repeats >= 7);
    assert.equal(sizeLabel(2 ** 25), "2^25");
    assert.equal(sizeLabel(1000), "1000");
  });
});
