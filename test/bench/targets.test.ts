// Unit tests of the target verdicts (bench/targets.ts) on hand-made figures and baselines.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { summarize } from "../../bench/measure.js";
import { FULL_DEFAULTS } from "../../bench/options.js";
import type { BaselineResult, Figure } from "../../bench/results.js";
import { evaluateTargets } from "../../bench/targets.js";
import { Baselines } from "../../bench/workload.js";

const ms = (x: number) => summarize([x]);

function baselines(numpy: Record<string, number>, rttMs: number, tcpGiBs: number): Baselines {
  const results: BaselineResult[] = [
    {
      id: "numpy",
      title: "NumPy",
      detail: "",
      figures: Object.entries(numpy).map(([name, t]) => ({ name, title: name, time: ms(t) })),
    },
    {
      id: "ws",
      title: "ws",
      detail: "",
      figures: [{ name: "rtt", title: "rtt", time: ms(rttMs) }],
    },
    {
      id: "tcp",
      title: "tcp",
      detail: "",
      figures: [{ name: "throughput", title: "tcp", time: ms(100), gibPerSecond: tcpGiBs }],
    },
  ];
  return new Baselines(results);
}

const fig = (workload: Figure["workload"], name: string, rest: Partial<Figure>): Figure => ({
  workload,
  name,
  title: name,
  engines: 2,
  ratios: [],
  ...rest,
});

describe("evaluateTargets", () => {
  const b = baselines({ "add.2^25": 50, "add.2^20": 1, "sin2b.2^25": 80 }, 0.05, 3);

  test("speed targets compare with NumPy's time of the same run", () => {
    const figures = [
      fig("W1", "add.2^25", { time: ms(25) }),
      fig("W1", "sin2b.2^25", { time: ms(100) }),
      fig("W1", "add.2^20", { time: ms(2.5) }),
    ];
    const targets = evaluateTargets({ figures }, b, { ...FULL_DEFAULTS, workloads: ["W1"] });
    const byTarget = new Map(targets.map((t) => [t.target, t]));
    assert.equal(byTarget.get("add 2^25 >= 1.6x NumPy's speed")?.met, true);
    assert.equal(byTarget.get("add 2^25 >= 1.6x NumPy's speed")?.score, 2 / 1.6);
    assert.equal(byTarget.get("sin·2+b 2^25 >= 1.3x NumPy's speed")?.met, false);
    assert.equal(byTarget.get("add 2^20 within 2x of NumPy's time")?.met, false);
    // No NumPy figure for sin·2+b at 2^20 and no DistArray figure either: not evaluated.
    assert.equal(byTarget.get("sin·2+b 2^20 within 2x of NumPy's time")?.met, null);
  });

  test("round trip, transfer, chain and memory targets", () => {
    const figures = [
      fig("W3", "noop.4", { time: ms(0.1) }),
      fig("W4", "fromArray", { value: { amount: 1.6, unit: "GiB/s" } }),
      fig("W4", "toArray", { value: { amount: 2, unit: "GiB/s" } }),
      fig("W6", "chain100.1000", { time: ms(6), extra: { roundTrips: 1 } }),
      fig("W7", "rss", {
        value: { amount: 100 * 2 ** 20, unit: "bytes" },
        extra: { localDataBytes: 40 * 2 ** 20, liveArrays: 2, poolInUseBytes: 40 * 2 ** 20 },
      }),
      fig("W5", "rows-to-columns", { absent: "no redistribute" }),
    ];
    const targets = evaluateTargets({ figures }, b, {
      ...FULL_DEFAULTS,
      workloads: ["W3", "W4", "W5", "W6", "W7"],
    });
    const met = (w: string) => targets.filter((t) => t.workload === w).map((t) => t.met);
    assert.deepEqual(met("W3"), [true, null]);
    // 1.6 GiB/s is above 1.5 but only 53% of TCP's 3 GiB/s: met; 2 GiB/s also met.
    assert.deepEqual(met("W4"), [true, true]);
    assert.deepEqual(met("W5"), [null, null]);
    assert.deepEqual(met("W6"), [false]);
    // allowed = 1.1 * 40 MiB + 64 MiB = 108 MiB >= 100 MiB
    assert.deepEqual(met("W7"), [true]);
  });

  test("a failed workload is reported, not judged", () => {
    const figures = [fig("W6", "run", { error: "engine died" })];
    const [t] = evaluateTargets({ figures }, b, { ...FULL_DEFAULTS, workloads: ["W6"] });
    assert.equal(t?.met, null);
    assert.equal(t?.detail, "failed: engine died");
  });
});
