// normalizeDist, makeGridShape, normalizeGridShape and the grid helpers
// (REFERENCE 1.2-1.4; DistArray metadata_utils.py and utils.py).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as da from "distarray";

function isCode(code: string) {
  return (e: unknown) => e instanceof da.DistArrayError && e.code === code;
}

describe("normalizeDist (REFERENCE 1.2)", () => {
  test("a string is split into characters and padded with 'n'", () => {
    assert.deepEqual(da.normalizeDist("bnc", 3), ["b", "n", "c"]);
    assert.deepEqual(da.normalizeDist("b", 2), ["b", "n"]);
    assert.deepEqual(da.normalizeDist("bb", 2), ["b", "b"]);
  });

  test("an array is padded; a longer one is returned whole", () => {
    assert.deepEqual(da.normalizeDist(["b"], 3), ["b", "n", "n"]);
    assert.deepEqual(da.normalizeDist(["b", "b", "b"], 2), ["b", "b", "b"]);
  });

  test("a per-axis object gives 'n' for missing axes and ignores keys >= ndim", () => {
    assert.deepEqual(da.normalizeDist({ 0: "b", 3: "c" }, 4), ["b", "n", "n", "c"]);
    assert.deepEqual(da.normalizeDist({ 0: "b", 5: "c" }, 2), ["b", "n"]);
    assert.deepEqual(da.normalizeDist({}, 2), ["n", "n"]);
  });

  test("axis objects give their dist_type; a lone axis object is a 1-entry dist", () => {
    assert.deepEqual(da.normalizeDist([{ dist_type: "c", block_size: 4 }, "b"], 2), ["c", "b"]);
    assert.deepEqual(da.normalizeDist({ 1: { dist_type: "c", block_size: 2 } }, 2), ["n", "c"]);
    assert.deepEqual(da.normalizeDist({ dist_type: "c", block_size: 2 }, 2), ["c", "n"]);
  });

  test("unknown characters pass through; building a distribution rejects them", () => {
    assert.deepEqual(da.normalizeDist("bx", 2), ["b", "x"]);
    assert.throws(
      () => da.Distribution.fromShape({ targets: [0, 1] }, [4, 4], { dist: "bx" }),
      isCode("DA_ERR_DIST_TYPE"),
    );
    assert.throws(() => da.makeGridShape([4, 4], "bx", 2), isCode("DA_ERR_DIST_TYPE"));
  });

  test("anything else is a TypeError", () => {
    assert.throws(() => da.normalizeDist(3, 2), TypeError);
    assert.throws(() => da.normalizeDist(null, 2), TypeError);
    assert.throws(() => da.normalizeDist(undefined, 2), TypeError);
    assert.throws(() => da.normalizeDist([1, 2], 2), TypeError);
  });
});

describe("multPartitions and mirrorSort (DistArray utils)", () => {
  test("partitions include factors of 1, in DistArray's order", () => {
    assert.deepEqual(da.multPartitions(16, 4), [
      [1, 1, 1, 16],
      [1, 1, 2, 8],
      [1, 1, 4, 4],
      [1, 2, 2, 4],
      [2, 2, 2, 2],
    ]);
    assert.deepEqual(da.multPartitions(12, 2), [
      [1, 12],
      [2, 6],
      [3, 4],
    ]);
    assert.deepEqual(da.multPartitions(52, 3), [
      [1, 1, 52],
      [1, 2, 26],
      [1, 4, 13],
      [2, 2, 13],
    ]);
    assert.deepEqual(da.multPartitions(0, 2), []);
    assert.deepEqual(da.multPartitions(7, 1), [[7]]);
  });

  test("every partition multiplies out and does not decrease", () => {
    for (let n = 1; n <= 64; n++) {
      for (let s = 1; s <= 4; s++) {
        for (const p of da.multPartitions(n, s)) {
          assert.equal(p.length, s);
          assert.equal(
            p.reduce((a, b) => a * b, 1),
            n,
          );
          for (let i = 1; i < p.length; i++) assert.ok(p[i - 1]! <= p[i]!);
        }
      }
    }
  });

  test("mirrorSort puts the k-th smallest factor on the k-th smallest axis, stably", () => {
    assert.deepEqual(da.mirrorSort([3, 4], [20, 20]), [3, 4]);
    assert.deepEqual(da.mirrorSort([1, 4], [9, 5]), [4, 1]);
    assert.deepEqual(da.mirrorSort([0, 1, 2, 3, 4], [1, 5, 2, 4, 3]), [0, 4, 1, 3, 2]);
    assert.throws(() => da.mirrorSort([1], [1, 2]), isCode("DA_ERR_VALUE"));
  });
});

describe("makeGridShape (REFERENCE 1.3)", () => {
  // The 1.3 table, with the v0.4+ rule for a single distributed axis.
  const table: [number[], string, number, number[]][] = [
    [[20, 20], "bb", 4, [2, 2]],
    [[20, 20], "bb", 12, [3, 4]],
    [[20, 20], "bn", 12, [12, 1]],
    [[20, 60], "bb", 12, [2, 6]],
    [[60, 20], "bb", 12, [6, 2]],
    [[100, 10, 300], "bnc", 12, [2, 1, 6]],
    [[100, 50, 300], "bbb", 12, [2, 1, 6]],
    [[100, 100, 150], "bbb", 12, [2, 2, 3]],
    [[5, 9], "bb", 4, [1, 4]],
    [[5, 9], "bc", 4, [1, 4]],
    [[5, 9], "cc", 4, [1, 4]],
    [[9, 5], "bb", 4, [2, 2]],
    [[5, 9], "bb", 6, [2, 3]],
    [[16, 16, 2], "cbn", 4, [2, 2, 1]],
    [[10, 100, 20], "bcn", 4, [1, 4, 1]],
    [[10, 20, 30, 40], "cccc", 4, [1, 1, 2, 2]],
    [[10, 20, 30, 40], "cccc", 16, [1, 2, 2, 4]],
    [[30, 20, 10], "bbb", 8, [4, 2, 1]],
    [[10, 20, 30], "bbb", 8, [1, 2, 4]],
    [[7, 7], "bb", 7, [1, 7]],
    [[3], "b", 4, [3]],
  ];
  for (const [shape, dist, comm, grid] of table) {
    test(`${JSON.stringify(shape)} ${dist} over ${comm} -> ${JSON.stringify(grid)}`, () => {
      assert.deepEqual(da.makeGridShape(shape, dist, comm), grid);
      assert.deepEqual(da.makeGridShape(shape, [...dist], comm), grid);
    });
  }

  test("a short dist is padded with 'n' (dist 'b' on a 2-d shape)", () => {
    assert.deepEqual(da.makeGridShape([20, 20], "b", 12), [12, 1]);
    assert.deepEqual(da.makeGridShape([20, 20], ["b"], 12), [12, 1]);
  });

  test("no distributed axis or one process gives all 1s", () => {
    assert.deepEqual(da.makeGridShape([4, 5], "nn", 4), [1, 1]);
    assert.deepEqual(da.makeGridShape([4, 5], "bb", 1), [1, 1]);
    assert.deepEqual(da.makeGridShape([], "", 4), []);
  });

  test("a single distributed axis gets min(commSize, length), at least 1", () => {
    assert.deepEqual(da.makeGridShape([3], "b", 4), [3]);
    assert.deepEqual(da.makeGridShape([10, 3], "nc", 8), [1, 3]);
    assert.deepEqual(da.makeGridShape([0], "b", 4), [1]);
  });

  test("no axis gets more processes than elements; fewer processes are used if needed", () => {
    // DistArray v0.4+ rejected such grids; here the next smaller process count that fits is used.
    assert.deepEqual(da.makeGridShape([2, 3], "bb", 16), [2, 3]);
    assert.deepEqual(da.makeGridShape([1, 1], "bb", 4), [1, 1]);
    assert.deepEqual(da.makeGridShape([2, 2], "bb", 4), [2, 2]);
    for (const [shape, comm] of [
      [[3, 7], 12],
      [[2, 50, 3], 16],
      [[5, 1, 5], 9],
    ] as const) {
      const grid = da.makeGridShape(shape, "b".repeat(shape.length), comm);
      grid.forEach((g, i) => {
        assert.ok(g >= 1 && g <= shape[i]!);
      });
      assert.ok(grid.reduce((a, b) => a * b, 1) <= comm);
    }
  });

  test("commSize 0 is a GridShapeError; a dict dist is a TypeError", () => {
    assert.throws(() => da.makeGridShape([8, 8], "bb", 0), da.GridShapeError);
    assert.throws(() => da.makeGridShape([8, 8], { 0: "b" }, 4), TypeError);
    assert.throws(() => da.makeGridShape([8, 8], 5, 4), TypeError);
  });

  test("a dist longer than the shape, or a negative length, is a DA_ERR_VALUE", () => {
    assert.throws(() => da.makeGridShape([8, 8], "bbb", 4), isCode("DA_ERR_VALUE"));
    assert.throws(() => da.makeGridShape([-1, 8], "bb", 4), isCode("DA_ERR_VALUE"));
  });
});

describe("normalizeGridShape (REFERENCE 1.4, v0.4+ rule)", () => {
  test("pads with 1s", () => {
    assert.deepEqual(da.normalizeGridShape([4], 2, ["b", "n"], 4), [4, 1]);
    assert.deepEqual(da.normalizeGridShape([4], [8, 8], ["b", "n"], 4), [4, 1], "a shape for ndim");
    assert.deepEqual(da.normalizeGridShape([], 2, ["b", "n"], 1), [1, 1]);
  });

  test("fewer processes than the comm are allowed (v0.3 rejected these two)", () => {
    assert.deepEqual(da.normalizeGridShape([], 2, ["b", "n"], 4), [1, 1]);
    assert.deepEqual(da.normalizeGridShape([2], 2, ["b", "b"], 4), [2, 1]);
  });

  test("more processes than the comm is an InvalidGridShapeError stating the rule and values", () => {
    assert.throws(
      () => da.normalizeGridShape([3, 2], 2, "bb", 4),
      (e: unknown) =>
        e instanceof da.InvalidGridShapeError &&
        e.code === "DA_ERR_INVALID_GRID_SHAPE" &&
        e.message === "grid shape [3, 2] needs 6 engines; context has 4",
    );
  });

  test("a grid longer than ndim is an InvalidGridShapeError", () => {
    assert.throws(() => da.normalizeGridShape([1, 1, 1], 2, "bb", 4), da.InvalidGridShapeError);
  });

  test("an all-'n' dist needs an all-1 grid; so does every 'n' axis", () => {
    assert.deepEqual(da.normalizeGridShape([1, 1], 2, "nn", 4), [1, 1]);
    assert.throws(() => da.normalizeGridShape([2, 1], 2, "nn", 4), da.InvalidGridShapeError);
    assert.throws(() => da.normalizeGridShape([2, 2], 2, "bn", 4), da.InvalidGridShapeError);
  });

  test("entries must be integers >= 1; the grid must be an array of numbers", () => {
    assert.throws(() => da.normalizeGridShape([0, 1], 2, "bb", 4), da.InvalidGridShapeError);
    assert.throws(() => da.normalizeGridShape([1.5], 1, "b", 4), da.InvalidGridShapeError);
    assert.throws(() => da.normalizeGridShape("22" as unknown as number[], 2, "bb", 4), TypeError);
  });
});

describe("C-order ranks and grid coordinates", () => {
  test("rank = row-major index of the coordinates", () => {
    assert.equal(da.rankFromGridCoords([1, 2], [2, 3]), 5);
    assert.deepEqual(da.gridCoordsFromRank(5, [2, 3]), [1, 2]);
    assert.equal(da.rankFromGridCoords([], []), 0);
    assert.deepEqual(da.gridCoordsFromRank(0, []), []);
    for (let r = 0; r < 24; r++) {
      assert.equal(da.rankFromGridCoords(da.gridCoordsFromRank(r, [2, 3, 4]), [2, 3, 4]), r);
    }
  });

  test("out of the grid is an IndexError", () => {
    assert.throws(() => da.rankFromGridCoords([2, 0], [2, 3]), da.IndexError);
    assert.throws(() => da.rankFromGridCoords([0], [2, 3]), da.IndexError);
    assert.throws(() => da.gridCoordsFromRank(6, [2, 3]), da.IndexError);
    assert.throws(() => da.gridCoordsFromRank(-1, [2, 3]), da.IndexError);
  });
});
