import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  broadcastShapes,
  cStrides,
  DistArrayError,
  IndexError,
  normalizeAxes,
  normalizeAxis,
  normalizeIndex,
  product,
  ravelIndex,
  sameShape,
  unravelIndex,
} from "@distarray/engines/core";
import fc from "fast-check";

function code(c: string): (e: unknown) => boolean {
  return (e) => e instanceof DistArrayError && e.code === c;
}

describe("shape helpers", () => {
  it("product and cStrides", () => {
    assert.equal(product([]), 1);
    assert.equal(product([2, 3, 4]), 24);
    assert.equal(product([2, 0, 4]), 0);
    assert.deepEqual(cStrides([2, 3, 4]), [12, 4, 1]);
    assert.deepEqual(cStrides([]), []);
  });

  it("ravelIndex and unravelIndex round-trip in C order", () => {
    assert.equal(ravelIndex([1, 2], [3, 4]), 6);
    assert.deepEqual(unravelIndex(6, [3, 4]), [1, 2]);
    assert.deepEqual(unravelIndex(0, []), []);
    assert.throws(() => unravelIndex(12, [3, 4]), IndexError);
    assert.throws(() => unravelIndex(-1, [3, 4]), IndexError);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 }),
        fc.nat(),
        (shape, seed) => {
          const size = product(shape);
          const flat = seed % size;
          const idx = unravelIndex(flat, shape);
          assert.equal(ravelIndex(idx, shape), flat);
          for (const [axis, i] of idx.entries()) assert.ok(i >= 0 && i < shape[axis]!);
        },
      ),
    );
  });

  it("normalizeIndex wraps negatives and checks bounds", () => {
    assert.deepEqual(normalizeIndex([-1, 0], [3, 4]), [2, 0]);
    assert.throws(() => normalizeIndex([3, 0], [3, 4]), IndexError);
    assert.throws(() => normalizeIndex([0], [3, 4]), IndexError);
  });

  it("normalizeAxis wraps negatives; out of range is DA_ERR_INVALID_DIMENSION", () => {
    assert.equal(normalizeAxis(-1, 3), 2);
    assert.equal(normalizeAxis(0, 1), 0);
    assert.throws(
      () => normalizeAxis(3, 3),
      (e) => e instanceof IndexError && e.code === "DA_ERR_INVALID_DIMENSION",
    );
    assert.throws(() => normalizeAxis(-4, 3), code("DA_ERR_INVALID_DIMENSION"));
    assert.throws(() => normalizeAxis(0, 0), code("DA_ERR_INVALID_DIMENSION"));
    assert.throws(() => normalizeAxis(1.5, 3), TypeError);
  });

  it("normalizeAxes as DistArray's normalize_reduction_axes (REFERENCE 5.6)", () => {
    assert.deepEqual(normalizeAxes(undefined, 3), [0, 1, 2]);
    assert.deepEqual(normalizeAxes(-1, 2), [1]);
    assert.deepEqual(normalizeAxes([1], 2), [1]);
    assert.deepEqual(normalizeAxes([0, -1], 3), [0, 2]);
    assert.deepEqual(normalizeAxes(undefined, 0), []);
    assert.throws(() => normalizeAxes([0, 5], 3), code("DA_ERR_INVALID_DIMENSION"));
    assert.throws(() => normalizeAxes([1, -2], 3), code("DA_ERR_VALUE"));
  });

  it("broadcastShapes follows NumPy's rules", () => {
    assert.deepEqual(broadcastShapes([3, 1], [4]), [3, 4]);
    assert.deepEqual(broadcastShapes([2, 1, 5], [7, 1], []), [2, 7, 5]);
    assert.deepEqual(broadcastShapes([0], [1]), [0]);
    assert.deepEqual(broadcastShapes(), []);
    assert.throws(() => broadcastShapes([3], [4]), code("DA_ERR_SHAPE"));
    assert.throws(() => broadcastShapes([2, 3], [3, 3]), /\(2,3\) \(3,3\)/);
  });

  it("sameShape", () => {
    assert.ok(sameShape([1, 2], [1, 2]));
    assert.ok(!sameShape([1, 2], [2, 1]));
    assert.ok(!sameShape([1], [1, 1]));
    assert.ok(sameShape([], []));
  });
});
