import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import {
  arange,
  array,
  DistArrayError,
  DTypeError,
  IndexError,
  NDArray,
} from "@distarray/engines/core";

function code(c: string): (e: unknown) => boolean {
  return (e) => e instanceof DistArrayError && e.code === c;
}

describe("da.array: dtype inference as numpy.array", () => {
  it("infers bool, int64, float64 and complex128", () => {
    assert.equal(array([true, false]).dtype, "bool");
    assert.equal(array([1, 2, 3]).dtype, "int64");
    assert.equal(array([true, 2]).dtype, "int64");
    assert.equal(array([1, 2.5]).dtype, "float64");
    assert.equal(array([1, Number.NaN]).dtype, "float64");
    assert.equal(array([1n, 2n]).dtype, "int64");
    assert.equal(array([1, { re: 0, im: 1 }]).dtype, "complex128");
    assert.equal(array([2n ** 63n]).dtype, "uint64");
    assert.equal(array([2 ** 63]).dtype, "uint64");
    assert.equal(array([1e20, 1]).dtype, "float64");
    assert.equal(array([-1e19]).dtype, "float64");
    assert.equal(array([]).dtype, "float64");
  });

  it("reads the shape from the nesting", () => {
    const a = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.ndim, 2);
    assert.equal(a.size, 6);
    assert.deepEqual(array([]).shape, [0]);
    assert.deepEqual(array([[], []]).shape, [2, 0]);
    const z = array(4.5);
    assert.deepEqual(z.shape, []);
    assert.equal(z.size, 1);
    assert.equal(z.get(), 4.5);
  });

  it("rejects ragged input with DA_ERR_SHAPE", () => {
    assert.throws(() => array([[1, 2], [3]]), code("DA_ERR_SHAPE"));
    assert.throws(() => array([[1, 2], 3]), code("DA_ERR_SHAPE"));
  });

  it("rejects non-numeric elements with TypeError", () => {
    assert.throws(() => array(["a" as unknown as number]), TypeError);
  });

  it("throws DA_ERR_OVERFLOW for an integer that does not fit the dtype (NumPy 2)", () => {
    assert.throws(
      () => array([300], { dtype: "int8" }),
      (e) => e instanceof DTypeError && e.code === "DA_ERR_OVERFLOW",
    );
    assert.throws(() => array([-1], { dtype: "uint32" }), code("DA_ERR_OVERFLOW"));
    assert.deepEqual([...array([1.9, -1.9], { dtype: "int16" }).data], [1, -1]);
  });

  it("reshapes flat input to the shape option", () => {
    const a = array([1, 2, 3, 4, 5, 6], { shape: [3, 2], dtype: "int32" });
    assert.deepEqual(a.shape, [3, 2]);
    assert.equal(a.get([2, 1]), 6);
    assert.throws(() => array([1, 2, 3], { shape: [2, 2] }), code("DA_ERR_SHAPE"));
  });
});

describe("da.array: complex input", () => {
  it("reads nested [re, im] pairs for a complex dtype", () => {
    const a = array(
      [
        [1, 2],
        [3, -4],
      ],
      { dtype: "complex128" },
    );
    assert.deepEqual(a.shape, [2]);
    assert.deepEqual(a.get(1), { re: 3, im: -4 });
    assert.deepEqual([...a.data], [1, 2, 3, -4]);
    assert.equal(a.data.length, 2 * a.size);
  });

  it("reads real numbers when the shape option says so", () => {
    const a = array(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "complex64", shape: [2, 2] },
    );
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual(a.get([1, 0]), { re: 3, im: 0 });
    assert.ok(a.data instanceof Float32Array);
  });

  it("takes {re, im} objects and interleaved typed arrays", () => {
    const a = array([{ re: 1, im: 2 }, 3]);
    assert.deepEqual(a.get(0), { re: 1, im: 2 });
    assert.deepEqual(a.get(1), { re: 3, im: 0 });
    const b = array(new Float64Array([1, 2, 3, 4, 5, 6]), { dtype: "complex128" });
    assert.deepEqual(b.shape, [3]);
    assert.deepEqual(b.get(-1), { re: 5, im: 6 });
  });

  it("refuses a complex value in a real array", () => {
    assert.throws(() => array([{ re: 1, im: 1 }], { dtype: "float64" }), TypeError);
    assert.throws(() => NDArray.zeros([1]).set(0, { re: 1, im: 2 }), TypeError);
  });
});

describe("da.array: typed arrays and NDArrays", () => {
  it("copies a typed array and keeps its dtype", () => {
    const src = new Int32Array([1, 2, 3, 4]);
    const a = array(src, { shape: [2, 2] });
    assert.equal(a.dtype, "int32");
    src[0] = 99;
    assert.equal(a.get([0, 0]), 1);
  });

  it("casts a typed array to a requested dtype", () => {
    const a = array(new Float64Array([1.5, 0, -2]), { dtype: "bool" });
    assert.deepEqual(a.toNested(), [true, false, true]);
    const b = array(new Uint8Array([1, 0]), { dtype: "bool" });
    assert.ok(b.data instanceof Uint8Array);
    assert.equal(b.dtype, "bool");
  });

  it("copies an NDArray", () => {
    const a = arange(4);
    const b = array(a, { dtype: "float32" });
    assert.equal(b.dtype, "float32");
    const c = array(a);
    c.set(0, 7);
    assert.equal(a.get(0), 0n);
  });
});

describe("NDArray members", () => {
  it("has shape, size, ndim, itemsize, nbytes and C strides", () => {
    const a = NDArray.zeros([2, 3], { dtype: "complex128" });
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual(a.strides, [3, 1]);
    assert.equal(a.itemsize, 16);
    assert.equal(a.nbytes, 96);
    assert.equal(a.data.length, 12);
    assert.ok(Object.isFrozen(a.shape));
    assert.equal(NDArray.zeros([2, 2]).dtype, "float64");
  });

  it("get: negative indices wrap; out of range and wrong rank throw IndexError", () => {
    const a = arange(12, { dtype: "int32" }).reshape([3, 4]);
    assert.equal(a.get([0, 0]), 0);
    assert.equal(a.get([-1, -1]), 11);
    assert.equal(a.get([1, -4]), 4);
    assert.throws(() => a.get([3, 0]), IndexError);
    assert.throws(() => a.get([0, -5]), IndexError);
    assert.throws(() => a.get([0]), IndexError);
    assert.throws(() => a.get([0.5, 0]), TypeError);
  });

  it("reads int64 as bigint and bool as boolean", () => {
    assert.equal(array([5]).get(0), 5n);
    assert.equal(array([2n ** 64n - 1n]).get(0), 2n ** 64n - 1n);
    assert.equal(array([true]).get(0), true);
  });

  it("set converts values as NumPy assignment does", () => {
    const a = NDArray.zeros([3], { dtype: "int32" });
    a.set(0, 2.9);
    a.set(1, -2.9);
    a.set(-1, true);
    assert.deepEqual([...a.data], [2, -2, 1]);
    assert.throws(() => a.set(0, 2 ** 31), code("DA_ERR_OVERFLOW"));
    const b = NDArray.zeros([2], { dtype: "int64" });
    b.set(0, 7);
    b.set(1, -(2n ** 63n));
    assert.deepEqual([...b.data], [7n, -(2n ** 63n)]);
    const c = NDArray.zeros([2], { dtype: "bool" });
    c.set(0, Number.NaN);
    assert.equal(c.get(0), true);
  });

  it("full, ones and fill", () => {
    const f = NDArray.full([2], 7);
    assert.equal(f.dtype, "int64");
    assert.deepEqual(f.toNested(), [7n, 7n]);
    assert.equal(NDArray.full([1], 1.5).dtype, "float64");
    assert.equal(NDArray.full([1], true).dtype, "bool");
    assert.deepEqual(NDArray.ones([2], { dtype: "complex64" }).toNested(), [
      { re: 1, im: 0 },
      { re: 1, im: 0 },
    ]);
    const z = NDArray.zeros([2, 2], { dtype: "complex128" });
    z.fill({ re: 1, im: -1 });
    assert.deepEqual([...z.data], [1, -1, 1, -1, 1, -1, 1, -1]);
  });

  it("toNested mirrors the shape", () => {
    assert.deepEqual(arange(6, { dtype: "float64" }).reshape([2, 3]).toNested(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.equal(array(3).toNested(), 3n);
    assert.deepEqual(NDArray.zeros([2, 0]).toNested(), [[], []]);
  });

  it("reshape is a view; -1 is inferred; a wrong size throws", () => {
    const a = arange(6, { dtype: "int16" });
    const b = a.reshape([-1, 2]);
    assert.deepEqual(b.shape, [3, 2]);
    b.set([0, 1], 42);
    assert.equal(a.get(1), 42);
    assert.throws(() => a.reshape([4, 2]), code("DA_ERR_SHAPE"));
    assert.throws(() => a.reshape([-1, 4]), code("DA_ERR_SHAPE"));
  });

  it("copy has its own storage", () => {
    const a = arange(3, { dtype: "float64" });
    const b = a.copy();
    b.set(0, 9);
    assert.equal(a.get(0), 0);
    assert.ok(a.equals(arange(3, { dtype: "float64" })));
  });

  it("astype follows ndarray.astype (unsafe casting)", () => {
    // NumPy on x86-64: int32(nan) is INT32_MIN; float -> int truncates toward zero.
    const a = array([1.7, -1.7, Number.NaN]).astype("int32");
    assert.deepEqual([...a.data], [1, -1, -(2 ** 31)]);
    assert.deepEqual(array([0, 0.5, -2]).astype("bool").toNested(), [false, true, true]);
    assert.deepEqual(
      array([{ re: 1.5, im: 2 }])
        .astype("float64")
        .toNested(),
      [1.5],
    );
    assert.deepEqual(array([300]).astype("uint8").toNested(), [44]);
    assert.deepEqual(
      array([2n ** 53n + 1n])
        .astype("float64")
        .toNested(),
      [2 ** 53],
    );
    assert.deepEqual(array([3]).astype("complex64").toNested(), [{ re: 3, im: 0 }]);
  });

  it("equals compares shape, dtype and contents (NaN equals NaN)", () => {
    const a = array([1, Number.NaN]);
    assert.ok(a.equals(array([1, Number.NaN])));
    assert.ok(!a.equals(array([1, 2])));
    assert.ok(!arange(2).equals(arange(2, { dtype: "int32" })));
    assert.ok(!arange(4).equals(arange(4).reshape([2, 2])));
    assert.ok(!arange(2).equals([0, 1]));
  });

  it("the constructor checks the storage", () => {
    assert.throws(
      () => new NDArray({ dtype: "int64", shape: [2], data: new Int32Array(2) }),
      TypeError,
    );
    assert.throws(
      () => new NDArray({ dtype: "complex128", shape: [2], data: new Float64Array(2) }),
      code("DA_ERR_SHAPE"),
    );
    assert.throws(() => NDArray.zeros([-1]), code("DA_ERR_SHAPE"));
  });

  it("console.log shows the NumPy str()", () => {
    const a = arange(3);
    assert.equal(inspect(a), "[0 1 2]");
    assert.equal(String(a), "[0 1 2]");
    assert.equal(a.repr(), "array([0, 1, 2])");
  });
});

describe("da.arange as numpy.arange", () => {
  it("arange(n) gives int64 0..n-1", () => {
    const a = arange(5);
    assert.equal(a.dtype, "int64");
    assert.deepEqual(a.toNested(), [0n, 1n, 2n, 3n, 4n]);
    assert.equal(arange(0).size, 0);
    assert.equal(arange(-3).size, 0);
  });

  it("start, stop and step, with float steps filled as NumPy does", () => {
    assert.deepEqual(arange(5, 0, -2, { dtype: "int32" }).toNested(), [5, 3, 1]);
    const f = arange(0, 1, 0.1);
    assert.equal(f.dtype, "float64");
    assert.equal(f.size, 10);
    // numpy.arange(0, 1, 0.1)[3] == 0.30000000000000004
    assert.equal(f.get(3), 0.30000000000000004);
    assert.deepEqual(arange(1, 2, 0.25).toNested(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(arange(2, 5).toNested(), [2n, 3n, 4n]);
  });

  it("honours dtype and rejects a zero step", () => {
    assert.equal(arange(3, { dtype: "float32" }).dtype, "float32");
    assert.deepEqual(arange(3, { dtype: "complex128" }).get(2), { re: 2, im: 0 });
    assert.throws(() => arange(0, 5, 0), code("DA_ERR_VALUE"));
  });
});
