// Unit tests of NumPy basic-index parsing and normalisation (engines/src/core/index-parse.ts)
// and of the view distributions (engines/src/core/view.ts), against CPython/NumPy results in
// test/fixtures/index/basic.json (scripts/gen-index-fixtures.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DistArrayError,
  Distribution,
  ellipsis,
  IndexError,
  indexItems,
  newaxis,
  normalizeBasicIndex,
  parseIndexString,
  Slice,
  selectionShape,
  slice,
  sliceIndices,
  viewDistribution,
} from "@distarray/engines/core";
import { repoRoot } from "../helpers/paths.js";

const fixtures = JSON.parse(
  readFileSync(join(repoRoot, "test", "fixtures", "index", "basic.json"), "utf8"),
) as {
  slices: {
    length: number;
    start: number | null;
    stop: number | null;
    step: number | null;
    indices: number[];
    count: number;
  }[];
  basic: { shape: number[]; index: string; resultShape: number[]; values: number[] }[];
};

describe("slice.indices", () => {
  it("matches CPython on every fixture case", () => {
    for (const c of fixtures.slices) {
      const r = sliceIndices(new Slice(c.start, c.stop, c.step), c.length);
      const what = `slice(${c.start}, ${c.stop}, ${c.step}).indices(${c.length})`;
      assert.deepEqual([r.start, r.stop, r.step], c.indices, what);
      assert.equal(r.length, c.count, what);
    }
  });

  it("rejects a zero step with DA_ERR_VALUE", () => {
    assert.throws(
      () => sliceIndices(slice(0, 3, 0), 5),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
    );
  });
});

describe("index strings and items", () => {
  it("parses NumPy-style strings", () => {
    assert.deepEqual(parseIndexString(":-1, 2::2"), [slice(null, -1), slice(2, null, 2)]);
    assert.deepEqual(parseIndexString("..., 1"), [ellipsis, 1]);
    assert.deepEqual(parseIndexString(":, None"), [slice(null, null), newaxis]);
    assert.deepEqual(parseIndexString(" [ 3 , -2:  ] "), [3, slice(-2, null)]);
    assert.deepEqual(parseIndexString("1,"), [1]);
    assert.deepEqual(parseIndexString(""), []);
    assert.deepEqual(parseIndexString("::-1"), [new Slice(null, null, -1)]);
  });

  it("rejects bad text with DA_ERR_VALUE and bad items with TypeError", () => {
    for (const t of ["1:2:3:4", "a", "1.5", "1,,2", ":x"]) {
      assert.throws(
        () => parseIndexString(t),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
        t,
      );
    }
    assert.throws(() => indexItems([1.5]), TypeError);
    assert.throws(() => indexItems([{ start: 1 } as unknown as Slice]), TypeError);
    assert.throws(() => slice(0.5), TypeError);
  });

  it("slice(stop) is Python's one-argument slice", () => {
    assert.deepEqual(slice(3), new Slice(null, 3, null));
    assert.equal(String(slice(1, null, -2)), "1::-2");
  });

  it("normalises against a shape (ellipsis, newaxis, negatives, errors)", () => {
    assert.deepEqual(normalizeBasicIndex("..., 1", [4, 5]), [
      { kind: "slice", axis: 0, start: 0, step: 1, length: 4 },
      { kind: "int", axis: 1, index: 1 },
    ]);
    assert.deepEqual(normalizeBasicIndex([null, -1], [4]), [
      { kind: "newaxis" },
      { kind: "int", axis: 0, index: 3 },
    ]);
    assert.throws(() => normalizeBasicIndex("1, 2", [4]), IndexError);
    assert.throws(() => normalizeBasicIndex("4", [4]), IndexError);
    assert.throws(() => normalizeBasicIndex("..., ...", [4]), IndexError);
    for (const c of fixtures.basic) {
      assert.deepEqual(
        selectionShape(normalizeBasicIndex(c.index, c.shape)),
        c.resultShape,
        `[${c.shape}][${c.index}]`,
      );
    }
  });
});

describe("view distributions", () => {
  const ctx = { targets: [0, 1, 2, 3] };
  it("a positive-step slice of a block axis stays block; a negative one becomes 'u'", () => {
    const d = Distribution.fromShape(ctx, [12], { dist: "b" });
    const v = viewDistribution(d, normalizeBasicIndex("2:11:2", [12]));
    assert.deepEqual(v.dist, ["b"]);
    assert.deepEqual(v.shape, [5]);
    assert.deepEqual(
      v.targets.map((_, r) => Array.from(v.forRank(r).globalIndices(0))),
      [[0], [1], [2, 3], [4]],
    );
    const w = viewDistribution(d, normalizeBasicIndex("::-1", [12]));
    assert.deepEqual(w.dist, ["u"]);
    assert.deepEqual(Array.from(w.forRank(0).globalIndices(0)), [9, 10, 11]);
  });

  it("an integer index keeps the ranks owning it; newaxis adds an 'n' axis", () => {
    const d = Distribution.fromShape(ctx, [4, 6], { dist: "bb", gridShape: [2, 2] });
    const v = viewDistribution(d, normalizeBasicIndex("3, None, 1:", [4, 6]));
    assert.deepEqual(v.shape, [1, 5]);
    assert.deepEqual(v.dist, ["n", "b"]);
    assert.deepEqual(v.targets, [2, 3]);
    const e = viewDistribution(d, normalizeBasicIndex("0, 5", [4, 6]));
    assert.deepEqual(e.shape, []);
    assert.deepEqual(e.targets, [1]);
  });

  it("a slice of a cyclic axis is unstructured over the same ranks", () => {
    const d = Distribution.fromShape(ctx, [10], { dist: "c" });
    const v = viewDistribution(d, normalizeBasicIndex("1:9:3", [10]));
    assert.deepEqual(v.dist, ["u"]);
    assert.deepEqual(
      v.targets.map((_, r) => Array.from(v.forRank(r).globalIndices(0))),
      [[1], [0], [], [2]],
    );
  });
});
