// The distribution explorer's computation (no kernel, no engines).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as da from "distarray";

const { explorerLayout, explorerStatsHtml, axisDist } = da.widgets;

describe("explorerLayout", () => {
  it("counts each engine's elements as the Distribution lays them out", () => {
    const layout = explorerLayout({
      shape: [10, 6],
      engines: 4,
      axes: [
        { dist: "b", blockSize: 2 },
        { dist: "n", blockSize: 2 },
      ],
      gridShape: null,
    });
    const d = da.Distribution.fromShape({ targets: [0, 1, 2, 3] }, [10, 6], { dist: "bn" });
    assert.deepEqual(
      layout.counts.map((c) => c.elements),
      d.targets.map((_, r) => d.localShape(r).reduce((a, b) => a * b, 1)),
    );
    const max = Math.max(...layout.counts.map((c) => c.elements));
    assert.equal(layout.imbalance, max / (60 / 4));
    assert.equal(layout.payload.locals.length, 0);
    assert.ok(explorerStatsHtml(layout).includes(`<td class="da-count">${max}</td>`));
  });

  it("gives unused engines a count of 0 and block-cyclic axes their block size", () => {
    const layout = explorerLayout({
      shape: [3, 8],
      engines: 4,
      axes: [
        { dist: "block-cyclic", blockSize: 2 },
        { dist: "n", blockSize: 2 },
      ],
      gridShape: null,
    });
    assert.deepEqual(axisDist({ dist: "block-cyclic", blockSize: 2 }), {
      dist_type: "c",
      block_size: 2,
    });
    assert.equal(layout.counts.length, 4);
    assert.equal(
      layout.counts.reduce((a, c) => a + c.elements, 0),
      24,
    );
    assert.ok(layout.counts.some((c) => c.elements === 0));
  });

  it("throws the Distribution's error for an impossible grid", () => {
    assert.throws(
      () =>
        explorerLayout({
          shape: [4, 4],
          engines: 4,
          axes: [
            { dist: "b", blockSize: 1 },
            { dist: "b", blockSize: 1 },
          ],
          gridShape: [3, 3],
        }),
      da.DistArrayError,
    );
  });
});
