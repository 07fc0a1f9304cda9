import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Distribution, defaultChunks } from "distarray";

const four = { targets: [0, 1, 2, 3] };

describe("defaultChunks", () => {
  it("uses the block length of regular blocks and whole undistributed axes", () => {
    assert.deepEqual(
      defaultChunks(Distribution.fromShape(four, [1000, 30], { dist: "bn" }), "float64"),
      [250, 30],
    );
    assert.deepEqual(defaultChunks(Distribution.fromShape(four, [7]), "int8"), [2]);
    assert.deepEqual(
      defaultChunks(
        Distribution.fromShape(four, [6, 8], { dist: "bb", gridShape: [2, 2] }),
        "int32",
      ),
      [3, 4],
    );
  });

  it("uses the block size of cyclic axes unless chunks would be tiny", () => {
    assert.deepEqual(
      defaultChunks(Distribution.fromShape(four, [1000, 1000], { dist: "cn" }), "float64"),
      [1, 1000],
    );
    assert.deepEqual(
      defaultChunks(Distribution.fromShape(four, [10], { dist: "c" }), "float64"),
      [10],
    );
    const bc = Distribution.fromShape(four, [1000, 600], {
      dist: [{ dist_type: "c", block_size: 3 }, "n"],
    });
    assert.deepEqual(defaultChunks(bc, "float64"), [3, 600]);
    assert.deepEqual(defaultChunks(bc, "uint8"), [1000, 600]);
    assert.deepEqual(
      defaultChunks(Distribution.fromShape(four, [1 << 16], { dist: "c" }), "float64"),
      [1 << 16],
    );
  });

  it("takes whole axes for irregular blocks and unstructured axes", () => {
    const irregular = Distribution.fromGlobalDimData(four, [
      { dist_type: "b", bounds: [0, 3, 10] },
    ]);
    assert.deepEqual(defaultChunks(irregular, "float64"), [10]);
    const u = Distribution.fromGlobalDimData(four, [
      {
        dist_type: "u",
        indices: [
          [1, 0],
          [2, 3],
        ],
      },
    ]);
    assert.deepEqual(defaultChunks(u, "float64"), [4]);
  });
});
