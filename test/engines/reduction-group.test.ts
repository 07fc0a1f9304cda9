// The engines' reduction groups (ops/array-reduce.ts): the group remembered per local layout
// is the one worked out from the grid, for every engine of a grid and every axis subset.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Distribution } from "@distarray/engines/core";
import { reductionGroup, reductionGroupOf } from "@distarray/engines/engine/ops/array-reduce";

/** Every non-empty subset of 0..n-1, sorted. */
function axisSubsets(n: number): number[][] {
  const out: number[][] = [];
  for (let m = 1; m < 1 << n; m++) out.push([...Array(n).keys()].filter((a) => m & (1 << a)));
  return out;
}

describe("reductionGroupOf", () => {
  const cases = [
    { shape: [8, 6], dist: "bb", targets: [3, 5, 7, 9] },
    { shape: [8, 6, 4], dist: "bnc", targets: [0, 1, 2, 3] },
    { shape: [12], dist: "b", targets: [2, 0, 1] },
  ];
  for (const c of cases) {
    it(`matches reductionGroup on every rank of ${c.dist} [${c.shape}] over [${c.targets}]`, () => {
      const d = Distribution.fromShape({ targets: c.targets }, c.shape, { dist: c.dist });
      for (let r = 0; r < d.targets.length; r++) {
        const local = d.forRank(r);
        for (const axes of axisSubsets(c.shape.length)) {
          const want = reductionGroup(local.gridShape, local.coords, axes, d.targets);
          const got = reductionGroupOf(local, axes, d.targets);
          assert.deepEqual(got, want, `rank ${r}, axes [${axes}]`);
          assert.ok(got.members.includes(d.targets[r]!));
          assert.equal(reductionGroupOf(local, axes, d.targets), got, "remembered");
        }
      }
    });
  }

  it("keeps groups of different targets apart", () => {
    const d = Distribution.fromShape({ targets: [0, 1] }, [4, 4], { dist: "bn" });
    const local = d.forRank(1);
    assert.deepEqual(reductionGroupOf(local, [0], [0, 1]), { members: [0, 1], root: 0 });
    assert.deepEqual(reductionGroupOf(local, [0], [4, 6]), { members: [4, 6], root: 4 });
  });
});
