import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  groupRuns,
  type PartLayout,
  planPart,
  rangeIndices,
} from "@distarray/engines/io/part-plan";

function runs(layout: PartLayout) {
  const out: number[][] = [];
  for (const r of planPart(layout).runs()) out.push([r.fileStart, r.localStart, r.length]);
  return out;
}

/** Brute force: the file element of every local element, in local C order. */
function elementOffsets(layout: PartLayout): number[] {
  const out: number[] = [];
  const n = layout.globalShape.length;
  const rec = (a: number, base: number) => {
    if (a === n) {
      out.push(base);
      return;
    }
    const stride = layout.globalShape.slice(a + 1).reduce((p, x) => p * x, 1);
    for (const g of Array.from(layout.indices[a]!)) rec(a + 1, base + g * stride);
  };
  rec(0, 0);
  return out;
}

function expand(layout: PartLayout): number[] {
  const out = new Array<number>(planPart(layout).localSize);
  for (const r of planPart(layout).runs()) {
    for (let i = 0; i < r.length; i++) out[r.localStart + i] = r.fileStart + i;
  }
  return out;
}

describe("planPart", () => {
  it("gives one run for a block of whole rows", () => {
    const layout = { globalShape: [8, 5], indices: [rangeIndices(2, 4), rangeIndices(0, 5)] };
    assert.deepEqual(runs(layout), [[10, 0, 10]]);
  });

  it("gives strided single elements for a cyclic axis", () => {
    const layout = { globalShape: [10], indices: [Int32Array.of(1, 5, 9)] };
    assert.deepEqual(runs(layout), [
      [1, 0, 1],
      [5, 1, 1],
      [9, 2, 1],
    ]);
  });

  it("gives row runs for a block on the last axis (REFERENCE 7.2 'nc' and 'bn' cases)", () => {
    // arange(20).reshape(2, 10), 'nc' on 2 ranks: rank 1 gets columns 1::2
    const nc = {
      globalShape: [2, 10],
      indices: [rangeIndices(0, 2), Int32Array.of(1, 3, 5, 7, 9)],
    };
    assert.deepEqual(expand(nc), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    const bn = { globalShape: [2, 10], indices: [rangeIndices(1, 2), rangeIndices(0, 10)] };
    assert.deepEqual(runs(bn), [[10, 0, 10]]);
    const nu = {
      globalShape: [2, 10],
      indices: [rangeIndices(0, 2), Int32Array.of(0, 3, 4, 6, 8)],
    };
    assert.deepEqual(expand(nu), [0, 3, 4, 6, 8, 10, 13, 14, 16, 18]);
  });

  it("matches a brute-force layout for mixed 3-d parts", () => {
    const cases: PartLayout[] = [
      {
        globalShape: [4, 5, 6],
        indices: [Int32Array.of(1, 3), rangeIndices(2, 4), rangeIndices(0, 6)],
      },
      {
        globalShape: [4, 5, 6],
        indices: [rangeIndices(0, 4), Int32Array.of(0, 1, 4), Int32Array.of(2, 3)],
      },
      {
        globalShape: [3, 4, 5],
        indices: [Int32Array.of(2, 0), Int32Array.of(3, 1), Int32Array.of(4, 0, 1)],
      },
      {
        globalShape: [3, 4, 5],
        indices: [rangeIndices(0, 3), rangeIndices(0, 4), rangeIndices(0, 5)],
      },
      { globalShape: [], indices: [] },
      { globalShape: [5, 0], indices: [rangeIndices(0, 5), rangeIndices(0, 0)] },
    ];
    for (const c of cases) assert.deepEqual(expand(c), elementOffsets(c));
    assert.equal(planPart(cases[3]!).runCount, 1);
    assert.equal(planPart(cases[4]!).localSize, 1);
  });

  it("rejects indices outside the global shape", () => {
    assert.throws(
      () => planPart({ globalShape: [3], indices: [Int32Array.of(3)] }),
      /out of range/,
    );
  });
});

describe("groupRuns", () => {
  it("merges only touching runs with a zero gap and spans small gaps otherwise", () => {
    const plan = planPart({ globalShape: [12], indices: [Int32Array.of(0, 1, 4, 5, 8, 9)] });
    assert.equal([...groupRuns(plan, { maxGapElements: 0, maxSpanElements: 100 })].length, 3);
    const merged = [...groupRuns(plan, { maxGapElements: 2, maxSpanElements: 100 })];
    assert.equal(merged.length, 1);
    assert.deepEqual([merged[0]!.fileStart, merged[0]!.fileEnd], [0, 10]);
    assert.equal([...groupRuns(plan, { maxGapElements: 2, maxSpanElements: 6 })].length, 2);
  });
});

describe("bytes a rank reads", () => {
  const itemsize = 8;
  const readBytes = (layout: PartLayout) => {
    let n = 0;
    for (const g of groupRuns(planPart(layout), {
      maxGapElements: 4096 / itemsize,
      maxSpanElements: 1 << 19,
    })) {
      n += (g.fileEnd - g.fileStart) * itemsize;
    }
    return n;
  };

  it("is exactly the part for block layouts", () => {
    const layout = {
      globalShape: [1000, 1000],
      indices: [rangeIndices(250, 500), rangeIndices(0, 1000)],
    };
    assert.equal(readBytes(layout), 250 * 1000 * itemsize);
  });

  it("is only the rank's own rows for a cyclic axis of wide rows", () => {
    const rows = Int32Array.from({ length: 250 }, (_, i) => 1 + 4 * i);
    const layout = { globalShape: [1000, 1000], indices: [rows, rangeIndices(0, 1000)] };
    assert.equal(readBytes(layout), 250 * 1000 * itemsize);
  });
});
