// Integration tests of the DistArray API on real engine processes (2 and 4): creation,
// data movement, element access, astype/copy, subsets of targets, apply, keys. Every
// result is checked against the same computation done locally on NDArrays.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  type Context,
  DistArray,
  DistArrayError,
  Distribution,
  EngineError,
  IndexError,
  NDArray,
  type Scalar,
} from "distarray";
import {
  assertSameArray,
  DTYPES,
  LAYOUTS,
  localPiece,
  SHAPES,
  sample,
  startEngines,
} from "./array-cases.js";

for (const engines of [2, 4]) {
  describe(`DistArray API on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    it("fromArray, toArray, getNdarrays and localShapes for every layout, shape and dtype", async () => {
      for (const layout of LAYOUTS) {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const dtype of DTYPES) {
            const what = `${layout.name} [${shape}] ${dtype}`;
            const x = sample(dtype, shape);
            const a = ctx.fromArray(x, { distribution: dist });
            assert.ok(a instanceof DistArray);
            assert.deepEqual(a.shape, shape);
            assert.equal(a.dtype, dtype);
            assert.equal(a.ndim, shape.length);
            assert.equal(a.size, x.size);
            assert.equal(a.itemsize, x.itemsize);
            assert.equal(a.nbytes, x.size * x.itemsize);
            assert.deepEqual(a.targets, [...dist.targets]);
            assertSameArray(await a.toArray(), x, what);
            const pieces = await a.getNdarrays();
            assert.equal(pieces.length, dist.targets.length);
            for (const [i, p] of pieces.entries()) {
              assertSameArray(p, localPiece(x, dist, i), `${what} piece ${i}`);
            }
            assert.deepEqual(
              await a.localShapes(),
              dist.targets.map((_, i) => dist.localShape(i)),
            );
          }
        }
      }
    });

    it("reports properties and prints as DistArray does", () => {
      const a = ctx.zeros([4, 5]);
      assert.equal(a.toString(), `<DistArray(shape=(4, 5), targets=[${a.targets.join(", ")}])>`);
      assert.deepEqual(a.dist, ["b", "n"]);
      assert.equal(a.dtype, "float64");
      assert.equal(a.distribution.shape.length, 2);
      assert.equal(a.context, ctx);
      assert.match(a.key, /^__distarray__/);
      assert.deepEqual(a.gridShape, [...a.distribution.gridShape]);
      assert.equal(
        ctx.zeros([3]).toString(),
        `<DistArray(shape=(3,), targets=[${ctx.zeros([3]).targets.join(", ")}])>`,
      );
    });

    it("creates zeros, ones and empty arrays with shapes or distributions", async () => {
      for (const layout of LAYOUTS) {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const dtype of DTYPES) {
            const what = `${layout.name} [${shape}] ${dtype}`;
            assertSameArray(
              await ctx.zeros(dist, { dtype }).toArray(),
              NDArray.zeros(shape, { dtype }),
              what,
            );
            assertSameArray(
              await ctx.ones(dist, { dtype }).toArray(),
              NDArray.ones(shape, { dtype }),
              what,
            );
            const e = ctx.empty(dist, { dtype });
            assert.deepEqual((await e.toArray()).shape, shape);
          }
        }
      }
      // A plain shape: block on axis 0 (features notebook: zeros((5, 3)) on 4 engines uses
      // targets [0, 1, 2], blocks of ceil(5 / 4) = 2 rows).
      const z = ctx.zeros([5, 3]);
      assert.deepEqual(z.targets, engines === 4 ? [0, 1, 2] : [0, 1]);
      assertSameArray(await z.toArray(), NDArray.zeros([5, 3]), "zeros([5, 3])");
      assertSameArray(
        await ctx.ones(4, { dtype: "int32" }).toArray(),
        NDArray.ones([4], { dtype: "int32" }),
        "ones(4)",
      );
    });

    it("fromFunction evaluates the function per element on the engines", async () => {
      const fn = (...idx: number[]) => idx.reduce((s, v) => s * 10 + v, 0) - 7;
      for (const layout of LAYOUTS) {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const dtype of [
            "float64",
            "int64",
            "int32",
            "bool",
            "complex128",
            "float32",
          ] as const) {
            const what = `${layout.name} [${shape}] ${dtype}`;
            const a = ctx.fromFunction(fn, dist, { dtype });
            const expected = NDArray.zeros(shape, { dtype });
            const size = x(shape);
            for (let flat = 0; flat < size; flat++) {
              const idx = unravel(flat, shape);
              const v = fn(...idx);
              expected.set(idx, dtype === "int64" ? BigInt(v) : dtype === "bool" ? v !== 0 : v);
            }
            assertSameArray(await a.toArray(), expected, what);
          }
        }
      }
    });

    it("gets and sets elements with negative indices, and throws IndexError out of range", async () => {
      for (const layout of LAYOUTS) {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const dtype of ["float64", "int64", "bool", "complex128", "uint8"] as const) {
            const what = `${layout.name} [${shape}] ${dtype}`;
            const x = sample(dtype, shape);
            const a = ctx.fromArray(x, { distribution: dist });
            const last = shape.map((n) => n - 1);
            const neg = shape.map(() => -1);
            const mid = shape.map((n) => Math.floor(n / 2));
            assert.deepEqual(await a.get(last), x.get(last), what);
            assert.deepEqual(await a.get(neg), x.get(last), what);
            assert.deepEqual(await a.get(mid), x.get(mid), what);
            const value: Scalar =
              dtype === "int64"
                ? 42n
                : dtype === "bool"
                  ? true
                  : dtype === "complex128"
                    ? { re: 1.5, im: -2 }
                    : 7;
            await a.set(neg, value);
            await a.set(
              mid.map((i, d) => i - shape[d]!),
              value,
            );
            x.set(last, value);
            x.set(mid, value);
            assertSameArray(await a.toArray(), x, what);
            assert.throws(() => a.get(shape), IndexError);
            assert.throws(() => a.get(shape.map((n) => -n - 1)), IndexError);
            assert.throws(() => a.set(shape, value), IndexError);
            assert.throws(() => a.get(shape.map(() => 0.5)), TypeError);
          }
        }
      }
      const one = ctx.zeros([10]);
      for (let i = 1; i <= 10; i++) await one.set(-i, i);
      for (let i = 1; i <= 10; i++) assert.equal(await one.get(-i), i);
      assert.throws(() => one.get(10), IndexError);
      assert.throws(() => one.get(-11), IndexError);
    });

    it("fills, reads item() of size-1 arrays, and refuses item() otherwise", async () => {
      for (const layout of LAYOUTS) {
        const dist = layout.make(ctx, [5, 7]);
        for (const dtype of DTYPES) {
          const a = ctx.empty(dist, { dtype });
          const v: Scalar =
            dtype === "int64"
              ? -3n
              : dtype === "bool"
                ? true
                : dtype === "complex128"
                  ? { re: 2, im: 1 }
                  : 3;
          await a.fill(v);
          assertSameArray(
            await a.toArray(),
            NDArray.full([5, 7], v, { dtype }),
            `${layout.name} ${dtype}`,
          );
        }
      }
      const s = ctx.fromArray(NDArray.full([1, 1], 2.5));
      assert.equal(await s.item(), 2.5);
      assert.throws(() => ctx.zeros([2]).item(), DistArrayError);
    });

    it("astype and copy make new arrays with NumPy's cast", async () => {
      for (const layout of LAYOUTS) {
        for (const shape of SHAPES) {
          const dist = layout.make(ctx, shape);
          for (const from of DTYPES) {
            const x = sample(from, shape);
            const a = ctx.fromArray(x, { distribution: dist });
            for (const to of DTYPES) {
              const b = a.astype(to);
              assert.equal(b.dtype, to);
              assertSameArray(
                await b.toArray(),
                x.astype(to),
                `${layout.name} [${shape}] ${from} -> ${to}`,
              );
            }
            const c = a.copy();
            assert.notEqual(c.key, a.key);
            await c.fill(1);
            assertSameArray(await a.toArray(), x, "copy is independent");
          }
        }
      }
    });

    it("works on a subset of the targets", async () => {
      const targets = ctx.targets.slice(1);
      const dist = Distribution.fromShape(ctx, [6, 4], { dist: "bn", targets });
      const x = sample("float64", [6, 4]);
      const a = ctx.fromArray(x, { distribution: dist });
      assert.deepEqual(a.targets, targets);
      assertSameArray(await a.toArray(), x, "subset");
      assertSameArray(
        await a.add(a).toArray(),
        await ctx.fromArray(x).add(ctx.fromArray(x)).toArray(),
        "subset add",
      );
      const z = ctx.zeros([6, 4], { targets });
      assert.deepEqual(z.targets, targets);
      assert.equal(await z.sum().item(), 0);
    });

    it("apply returns LocalArrays as a DistArray and fromLocalArrays wraps keys", async () => {
      const x = sample("int32", [6, 5]);
      const a = ctx.fromArray(x, { dist: "bn" });
      const back = (await ctx.apply((la: { data: Int32Array }) => la, [a], {
        targets: a.targets,
      })) as DistArray;
      assert.ok(back instanceof DistArray);
      assertSameArray(await back.toArray(), x, "apply identity");
      const again = await DistArray.fromLocalArrays(a.key, { context: ctx, targets: a.targets });
      assertSameArray(await again.toArray(), x, "fromLocalArrays(context)");
      const withDist = await DistArray.fromLocalArrays(a.key, { distribution: a.distribution });
      assert.equal(withDist.dtype, "int32");
      assertSameArray(await withDist.toArray(), x, "fromLocalArrays(distribution)");
      await assert.rejects(() => DistArray.fromLocalArrays(a.key, {}), DistArrayError);
    });

    it("gives LocalArrays in apply a comm for engine-to-engine collectives", async () => {
      const x = sample("float64", [12]);
      const a = ctx.fromArray(x, { dist: "c" });
      const sums = (await ctx.apply(
        async (la: {
          data: Float64Array;
          comm: { rank: number; size: number; allreduce(v: number, op: string): Promise<number> };
        }) => {
          let s = 0;
          for (const v of la.data) s += v;
          return [la.comm.rank, la.comm.size, await la.comm.allreduce(s, "sum")];
        },
        [a],
        { targets: a.targets },
      )) as number[][];
      const total = (x.data as Float64Array).reduce((s, v) => s + v, 0);
      assert.deepEqual(
        sums,
        a.targets.map((_, i) => [i, a.targets.length, total]),
      );
    });

    it("frees the temporaries the client drops, so engine memory stays flat", async () => {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      const settle = async () => {
        for (let k = 0; k < 5; k++) {
          gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
        await ctx.sync();
      };
      await settle();
      const before = await ctx.status();
      let a = ctx.ones([4096]);
      for (let i = 0; i < 60; i++) a = a.add(1).multiply(1);
      assert.equal(await a.sum().item(), 61 * 4096);
      // A wrapper made by fromLocalArrays does not own the key: dropping it frees nothing.
      assert.equal(
        (await DistArray.fromLocalArrays(a.key, { context: ctx, targets: a.targets })).key,
        a.key,
      );
      await settle();
      assert.equal(await a.sum().item(), 61 * 4096);
      const after = await ctx.status();
      after.forEach((row, i) => {
        // `a` is still referenced; the 120 temporaries and the sum are gone.
        assert.ok(
          row.arrays <= before[i]!.arrays + 2,
          `engine ${row.rank}: ${before[i]!.arrays} -> ${row.arrays} arrays`,
        );
        assert.ok(
          row.memoryBytes <= before[i]!.memoryBytes + 2 * 4096 * 8,
          `engine ${row.rank}: ${before[i]!.memoryBytes} -> ${row.memoryBytes} bytes in use`,
        );
      });
    });

    it("deleteKey frees an array on the engines; later use rejects", async () => {
      const a = ctx.ones([8]);
      assert.equal(await a.sum().item(), 8);
      ctx.deleteKey(a.key);
      await assert.rejects(
        () => a.toArray(),
        (e: unknown) => e instanceof DistArrayError,
      );
      const b = ctx.ones([8]);
      await ctx.cleanup();
      await assert.rejects(
        () => b.toArray(),
        (e: unknown) => e instanceof DistArrayError,
      );
    });

    it("never loses an engine-side error of a pipelined op", async () => {
      const a = ctx.fromArray(sample("int32", [6]));
      const bad = a.power(-1); // integer power with a negative exponent fails on the engines
      const worse = bad.add(1); // depends on the failed array
      // The root cause reaches the client through the dependent array.
      await assert.rejects(
        () => worse.toArray(),
        (e: unknown) =>
          e instanceof EngineError && typeof e.rank === "number" && e.remoteCode === "DA_ERR_VALUE",
      );
      // Each engine's report of the failure surfaces at a later await on the context (API.md,
      // Asynchrony): drain them (at most one per engine and failed op), then it works again.
      let reported = 0;
      for (let i = 0; i < 4 * engines; i++) {
        try {
          await ctx.sync();
          break;
        } catch (e) {
          assert.ok(e instanceof EngineError);
          reported++;
        }
      }
      assert.ok(reported <= 4 * engines);
      // The operand is intact and the context keeps working.
      assertSameArray(await a.toArray(), sample("int32", [6]), "operand");
      assert.equal(await ctx.ones([3]).sum().item(), 3);
    });
  });
}

function x(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unravel(flat: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
