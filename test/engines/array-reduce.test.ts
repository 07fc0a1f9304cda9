// Reductions on real engines (2 and 4): sum, mean, min, max, var, std with every axis
// form, laid out as distribution.reduce(axes), for every dist type, 1-d to 4-d and
// several dtypes, against the same reduction of the whole array done locally; plus the
// reference values of DistArray's test suite and arrays with empty local pieces.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  arange,
  type Context,
  contiguousOperand,
  Distribution,
  type DType,
  finalizePartial,
  IndexError,
  NDArray,
  reduceLocal,
} from "distarray";
import { assertCloseArray, LAYOUTS, SHAPES, sample, startEngines } from "./array-cases.js";

const OPS = ["sum", "mean", "min", "max", "var", "std"] as const;
type Op = (typeof OPS)[number];

function localReduce(op: Op, x: NDArray, axes: number[], dtype?: DType): NDArray {
  const opts = dtype === undefined ? {} : { dtype };
  const part = reduceLocal(op, contiguousOperand(x.dtype, x.data, x.shape), axes, opts);
  const res = finalizePartial(op, part, opts);
  const shape = x.shape.filter((_, d) => !axes.includes(d));
  return new NDArray({ dtype: res.dtype, shape, data: res.data });
}

/** Axis forms to try for an n-d array: none, 0, -1, a list, every axis. */
function axisForms(ndim: number): { axis: number | number[] | undefined; axes: number[] }[] {
  const forms: { axis: number | number[] | undefined; axes: number[] }[] = [
    { axis: undefined, axes: Array.from({ length: ndim }, (_, i) => i) },
    { axis: 0, axes: [0] },
    { axis: -1, axes: [ndim - 1] },
  ];
  if (ndim >= 2) forms.push({ axis: [0, ndim - 1], axes: [0, ndim - 1] });
  if (ndim >= 3) forms.push({ axis: [1], axes: [1] }, { axis: [-1, 1, 0], axes: [0, 1, ndim - 1] });
  return forms;
}

for (const engines of [2, 4]) {
  describe(`reductions on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    for (const layout of LAYOUTS) {
      it(`match the local reductions on the ${layout.name} layout, 1-d to 4-d`, async () => {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const dtype of [
            "float64",
            "int64",
            "float32",
            "bool",
            "complex128",
            "uint8",
          ] as const) {
            const x = sample(dtype, shape);
            const a = ctx.fromArray(x, { distribution: dist });
            for (const { axis, axes } of axisForms(shape.length)) {
              for (const op of OPS) {
                const what = `${op}(${dtype} [${shape}], axis=${JSON.stringify(axis)}) on ${layout.name}`;
                const r = a[op](axis === undefined ? {} : { axis });
                const want = dist.reduce(axes);
                assert.deepEqual(
                  [...r.distribution.targets],
                  [...want.targets],
                  `${what}: targets`,
                );
                assert.deepEqual(r.shape, [...want.shape], `${what}: shape`);
                const expected = localReduce(op, x, axes);
                assert.equal(r.dtype, expected.dtype, `${what}: dtype`);
                const tol = dtype === "float32" || dtype === "complex128" ? 1e-5 : 1e-12;
                assertCloseArray(await r.toArray(), expected, tol, what);
              }
            }
          }
        }
      });
    }

    it("gives DistArray's reference values for arange(16) as 4x4 over a 2x2 grid", async (t) => {
      const targets = ctx.targets.slice(0, 4);
      if (targets.length < 4) {
        t.skip("the reference case is a 2x2 grid: it needs 4 engines (the 4-engine run checks it)");
        return;
      }
      const dist = Distribution.fromShape(ctx, [4, 4], { dist: "bb", targets });
      const a = ctx.fromArray(arange(16, { dtype: "int64" }).reshape([4, 4]), {
        distribution: dist,
      });
      const arr = async (r: { toArray(): Promise<NDArray> }) => (await r.toArray()).toNested();
      assert.equal(await a.sum().item(), 120n);
      assert.deepEqual(await arr(a.sum({ axis: 0 })), [24n, 28n, 32n, 36n]);
      assert.deepEqual(await arr(a.sum({ axis: 1 })), [6n, 22n, 38n, 54n]);
      assert.deepEqual(await arr(a.sum({ axis: -1 })), [6n, 22n, 38n, 54n]);
      assert.deepEqual(await arr(a.sum({ axis: [1] })), [6n, 22n, 38n, 54n]);
      assert.equal(await a.sum({ axis: [0, 1] }).item(), 120n);
      assert.equal(await a.mean().item(), 7.5);
      assert.deepEqual(await arr(a.mean({ axis: 0 })), [6, 7, 8, 9]);
      assert.deepEqual(await arr(a.mean({ axis: 1 })), [1.5, 5.5, 9.5, 13.5]);
      assert.equal(await a.min().item(), 0n);
      assert.deepEqual(await arr(a.min({ axis: 1 })), [0n, 4n, 8n, 12n]);
      assert.equal(await a.max().item(), 15n);
      assert.deepEqual(await arr(a.max({ axis: 1 })), [3n, 7n, 11n, 15n]);
      assert.equal(await a.var().item(), 21.25);
      assert.deepEqual(await arr(a.var({ axis: 0 })), [20, 20, 20, 20]);
      assert.deepEqual(await arr(a.var({ axis: 1 })), [1.25, 1.25, 1.25, 1.25]);
      assert.equal(await a.std().item(), 4.6097722286464435);
      assert.deepEqual(await arr(a.std({ axis: 0 })), Array(4).fill(4.47213595499958));
      assert.deepEqual(await arr(a.std({ axis: 1 })), Array(4).fill(1.118033988749895));
      assert.equal(await a.sum({ axis: 0 }).sum({ axis: 0 }).item(), 120n);
      assert.equal(await a.mean({ axis: 0 }).mean({ axis: 0 }).item(), 7.5);
      assert.deepEqual(a.sum({ axis: 0 }).targets, [targets[0], targets[1]]);
      assert.deepEqual(a.sum({ axis: 1 }).targets, [targets[0], targets[2]]);
      const full = a.sum();
      assert.deepEqual(full.shape, []);
      assert.equal(full.toString(), `<DistArray(shape=(), targets=[${targets[0]}])>`);
    });

    it("reduces arrays with empty local pieces (9 over 4: 3, 3, 3, 0) and all-empty arrays", async () => {
      const x = sample("float64", [9]);
      const a = ctx.fromArray(x, { dist: "b", gridShape: [engines] });
      assert.deepEqual(await a.localShapes(), engines === 4 ? [[3], [3], [3], [0]] : [[5], [4]]);
      for (const op of OPS) {
        assertCloseArray(await a[op]().toArray(), localReduce(op, x, [0]), 1e-12, op);
      }
      const one = ctx.fromArray(NDArray.full([1], 4));
      assert.equal(await one.sum().item(), 4n);
      const empty = ctx.zeros([0, 3]);
      assert.equal(await empty.sum().item(), 0);
      assert.deepEqual((await empty.sum({ axis: 0 }).toArray()).toNested(), [0, 0, 0]);
      assert.ok(Number.isNaN((await empty.mean().item()) as number));
    });

    it("accepts a dtype and checks axes", async () => {
      const x = sample("int32", [5, 7]);
      const a = ctx.fromArray(x);
      const s = a.sum({ dtype: "float32" });
      assert.equal(s.dtype, "float32");
      assertCloseArray(await s.toArray(), localReduce("sum", x, [0, 1], "float32"), 0, "sum dtype");
      assert.equal(a.sum().dtype, "int64");
      assert.equal(a.mean().dtype, "float64");
      assert.throws(() => a.sum({ axis: 2 }), IndexError);
      assert.throws(
        () => a.sum({ axis: [0, 0] }),
        (e: unknown) => e instanceof Error,
      );
      assert.throws(() => a.sum({ axis: 0.5 }), TypeError);
    });

    it("computes the issue's example: sum of fromFunction(i + j) over an 8x8 'bc' array", async () => {
      const a = ctx.fromFunction((i: number, j: number) => i + j, [8, 8], { dist: "bc" });
      assert.equal(await a.sum().item(), 448);
      const s = await a.sum({ axis: 0 }).toArray();
      assert.deepEqual(s.toNested(), [28, 36, 44, 52, 60, 68, 76, 84]);
      assert.equal(s.toString(), "[28. 36. 44. 52. 60. 68. 76. 84.]");
    });
  });
}
