// The memory-bandwidth baseline (bench/baselines/memory.ts): real kernel processes on small
// arrays; the cases follow the workloads' per-engine shares, and the floor of a workload
// appears in its target verdict.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { memoryBaseline, memoryCases } from "../../bench/baselines/memory.js";
import { summarize } from "../../bench/measure.js";
import { FULL_DEFAULTS } from "../../bench/options.js";
import type { BaselineResult, Figure } from "../../bench/results.js";
import { evaluateTargets } from "../../bench/targets.js";
import { Baselines } from "../../bench/workload.js";

describe("memory baseline", () => {
  test("cases split each workload over the processes", () => {
    const cases = memoryCases({ addSizes: [2 ** 25], matrixSide: 4096, processes: 2 });
    assert.deepEqual(
      cases.map((c) => [c.name, c.setup.kernel, c.setup.elements, c.bytes]),
      [
        ["add.2^25", "add", 2 ** 24, 3 * 8 * 2 ** 24],
        ["sum.4096x4096", "read", 2048 * 4096, 8 * 2048 * 4096],
        ["sum0.4096x4096", "rows", 2048 * 4096, 8 * 2048 * 4096],
      ],
    );
    assert.equal(cases[2]!.setup.rowLength, 4096);
  });

  test("measures one process alone and two at once", async () => {
    const cases = memoryCases({ addSizes: [2 ** 14], matrixSide: 64, processes: 2 });
    const r = await memoryBaseline(cases, { processes: 2, warmup: 1, repeats: 3 });
    assert.equal(r.absent, undefined, r.absent);
    assert.deepEqual(
      r.figures.map((f) => f.name),
      ["add.2^14.1p", "add.2^14", "sum.64x64.1p", "sum.64x64", "sum0.64x64.1p", "sum0.64x64"],
    );
    for (const f of r.figures) {
      assert.equal(f.time.samples.length, 3);
      assert.ok(f.time.median > 0 && Number.isFinite(f.time.median), f.name);
      assert.ok(f.gibPerSecond !== undefined && f.gibPerSecond > 0, f.name);
    }
  });

  test("a speed target names the floor the kernels set", () => {
    const ms = (x: number) => summarize([x]);
    const results: BaselineResult[] = [
      {
        id: "numpy",
        title: "NumPy",
        detail: "",
        figures: [{ name: "sum.4096x4096", title: "sum", time: ms(4) }],
      },
      {
        id: "memory",
        title: "memory",
        detail: "",
        figures: [{ name: "sum.4096x4096", title: "sum", time: ms(3.2) }],
      },
    ];
    const figures: Figure[] = [
      { workload: "W2", name: "sum.4096x4096", title: "", engines: 2, ratios: [], time: ms(4) },
    ];
    const [sum] = evaluateTargets({ figures }, new Baselines(results), {
      ...FULL_DEFAULTS,
      workloads: ["W2"],
    });
    assert.equal(sum?.met, false);
    assert.match(
      sum?.detail ?? "",
      /kernels alone on as many processes take 3\.20 ms at best, so at most 1\.25x/,
    );
    const ratio = new Baselines(results).speedRatios("sum.4096x4096", 4);
    assert.deepEqual(
      ratio.map((x) => [x.baseline, x.value]),
      [
        ["numpy:sum.4096x4096", 1],
        ["memory:sum.4096x4096", 0.8],
      ],
    );
  });
});
