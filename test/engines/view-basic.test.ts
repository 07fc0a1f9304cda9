// Views (a.at), setAt and views of views on real engines (2 and 4), for every layout of
// array-cases.ts (b, c, block-cyclic, n, u), 1-d to 3-d, against NumPy's results
// (test/fixtures/index/basic.json from scripts/gen-index-fixtures.py).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Context,
  DistArray,
  DistArrayError,
  Distribution,
  DTYPE_INFO,
  IndexError,
  NDArray,
  normalizeBasicIndex,
  slice,
  type TypedArray,
} from "distarray";
import { repoRoot } from "../helpers/paths.js";
import { assertSameArray, DTYPES, LAYOUTS, sample, startEngines } from "./array-cases.js";

interface Basic {
  shape: number[];
  index: string;
  resultShape: number[];
  values: number[];
}
interface Nested extends Basic {
  index2: string;
}
interface Assign {
  shape: number[];
  index: string;
  valueShape: number[];
  value: number[];
  after: number[];
}
const fixtures = JSON.parse(
  readFileSync(join(repoRoot, "test", "fixtures", "index", "basic.json"), "utf8"),
) as { basic: Basic[]; nested: Nested[]; assign: Assign[] };

function arange(shape: number[]): NDArray {
  let n = 1;
  for (const s of shape) n *= s;
  return new NDArray({
    dtype: "float64",
    shape,
    data: Float64Array.from({ length: n }, (_, i) => i),
  });
}

/** NumPy's basic indexing of a local NDArray (copy), from the normalised selection. */
function localIndex(x: NDArray, index: string): NDArray {
  const sel = normalizeBasicIndex(index, x.shape);
  const shape = sel.flatMap((s) => (s.kind === "int" ? [] : [s.kind === "slice" ? s.length : 1]));
  const { lanes, storage } = DTYPE_INFO[x.dtype];
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new storage(size * lanes) as TypedArray;
  const strides = x.shape.map((_, k) => x.shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const pos = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let e = 0;
    let o = 0;
    for (const s of sel) {
      if (s.kind === "int") e += s.index * strides[s.axis]!;
      else if (s.kind === "slice") e += (s.start + s.step * pos[o++]!) * strides[s.axis]!;
      else o++;
    }
    for (let l = 0; l < lanes; l++)
      (out as Float64Array)[i * lanes + l] = (x.data as Float64Array)[e * lanes + l]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++pos[k]! < shape[k]!) break;
      pos[k] = 0;
    }
  }
  return new NDArray({ dtype: x.dtype, shape, data: out });
}

async function values(a: DistArray): Promise<{ shape: number[]; values: number[] }> {
  const x = await a.toArray();
  return { shape: x.shape, values: Array.from(x.data as Float64Array) };
}

for (const engines of [2, 4]) {
  describe(`views on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    it("at(index) gives NumPy's values for every layout", async () => {
      for (const layout of LAYOUTS) {
        for (const c of fixtures.basic) {
          const what = `${layout.name} [${c.shape}] [${c.index}]`;
          const a = ctx.fromArray(arange(c.shape), { distribution: layout.make(ctx, c.shape) });
          const v = a.at(c.index);
          assert.ok(v instanceof DistArray, what);
          assert.deepEqual(v.shape, c.resultShape, what);
          assert.deepEqual(await values(v), { shape: c.resultShape, values: c.values }, what);
          // Element access and local pieces agree with the gathered view.
          if (v.size > 0) {
            const last = v.shape.map((n) => n - 1);
            assert.equal(await v.get(last), c.values[c.values.length - 1], what);
          }
          const shapes = await v.localShapes();
          assert.equal(shapes.length, v.targets.length, what);
          assert.equal(
            shapes.reduce((n, s) => n + s.reduce((m, k) => m * k, 1), 0),
            v.size,
            what,
          );
        }
      }
    });

    it("views of views compose", async () => {
      for (const layout of LAYOUTS) {
        for (const c of fixtures.nested) {
          const what = `${layout.name} [${c.shape}] [${c.index}][${c.index2}]`;
          const a = ctx.fromArray(arange(c.shape), { distribution: layout.make(ctx, c.shape) });
          const v = a.at(c.index).at(c.index2);
          assert.deepEqual(await values(v), { shape: c.resultShape, values: c.values }, what);
        }
      }
    });

    it("setAt with NDArrays and scalars writes through to the base", async () => {
      for (const layout of LAYOUTS) {
        for (const c of fixtures.assign) {
          const what = `${layout.name} [${c.shape}] [${c.index}] = (${c.valueShape})`;
          const a = ctx.fromArray(arange(c.shape), { distribution: layout.make(ctx, c.shape) });
          const value =
            c.valueShape.length === 0
              ? c.value[0]!
              : new NDArray({
                  dtype: "float64",
                  shape: c.valueShape,
                  data: Float64Array.from(c.value),
                });
          await a.setAt(c.index, value);
          assert.deepEqual((await values(a)).values, c.after, what);
        }
      }
    });

    it("writes through a view show in the base and the reverse; ops run on views", async () => {
      for (const layout of LAYOUTS) {
        const shape = [5, 7];
        const a = ctx.fromArray(arange(shape), { distribution: layout.make(ctx, shape) });
        const v = a.at([slice(null, null, -2), slice(1, 6)]);
        await v.fill(-1);
        const base = (await values(a)).values;
        for (let i = 0; i < 5; i++) {
          for (let j = 0; j < 7; j++) {
            const inView = i % 2 === 0 && j >= 1 && j < 6;
            assert.equal(base[i * 7 + j], inView ? -1 : i * 7 + j, `${layout.name} ${i},${j}`);
          }
        }
        await a.set([4, 1], 100);
        assert.equal(await v.get([0, 0]), 100);
        await v.set([2, 4], 200);
        assert.equal(await a.get([0, 5]), 200);
        // ufuncs, reductions, astype and copy of a view.
        const w = a.at("1:4, ::3");
        const x = (await w.toArray()).data as Float64Array;
        assert.deepEqual(
          Array.from((await w.multiply(2).toArray()).data as Float64Array),
          Array.from(x, (e) => e * 2),
        );
        assert.equal(
          await w.sum().item(),
          x.reduce((s, e) => s + e, 0),
        );
        assert.deepEqual(
          Array.from((await w.astype("int32").toArray()).data as Int32Array),
          Array.from(x),
        );
        const cp = w.copy();
        await a.fill(0);
        assert.deepEqual(Array.from((await cp.toArray()).data as Float64Array), Array.from(x));
        assert.deepEqual(
          Array.from((await w.toArray()).data as Float64Array),
          Array.from(x, () => 0),
        );
        // setAt with a DistArray of the same distribution (engine to engine).
        const src = w.add(5);
        await w.setAt("...", src);
        assert.deepEqual(
          Array.from((await w.toArray()).data as Float64Array),
          Array.from(x, () => 5),
        );
      }
    });

    it("views of every dtype, with ufuncs, casts and reductions over an axis", async () => {
      const shape = [4, 3, 5];
      for (const layout of LAYOUTS) {
        for (const dtype of DTYPES) {
          const x = sample(dtype, shape);
          const a = ctx.fromArray(x, { distribution: layout.make(ctx, shape) });
          for (const index of ["::-1, 1:, ::2", "1:3, 2", "..., -2:0:-1", "2:2"]) {
            const what = `${layout.name} ${dtype} [${index}]`;
            const want = localIndex(x, index);
            const v = a.at(index);
            assertSameArray(await v.toArray(), want, what);
            assertSameArray(await v.copy().toArray(), want, `${what} copy`);
            assertSameArray(
              await v.astype("float64").toArray(),
              want.astype("float64"),
              `${what} astype`,
            );
            if (dtype === "float64" && want.size > 0) {
              const doubled = await v.add(v).toArray();
              assert.deepEqual(
                Array.from(doubled.data as Float64Array),
                Array.from(want.data as Float64Array, (e) => 2 * e),
                `${what} add`,
              );
              const sum0 = await v.sum({ axis: 0 }).toArray();
              const w = await v.toArray();
              const cols = w.shape.slice(1).reduce((p, q) => p * q, 1);
              const expect = Array.from({ length: cols }, (_, j) => {
                let t = 0;
                for (let i = 0; i < w.shape[0]!; i++) t += (w.data as Float64Array)[i * cols + j]!;
                return t;
              });
              assert.deepEqual(Array.from(sum0.data as Float64Array), expect, `${what} sum`);
            }
          }
        }
      }
    });

    it("views save to .npy, .dnpy and Zarr and load back as NumPy's selection", async () => {
      const dir = mkdtempSync(join(tmpdir(), "distarray-view-io-"));
      try {
        for (const layout of LAYOUTS) {
          const shape = [5, 7];
          const x = arange(shape);
          const a = ctx.fromArray(x, { distribution: layout.make(ctx, shape) });
          const v = a.at("::-2, 1:6");
          const want = await values(v);
          const npy = join(dir, `${layout.name}.npy`);
          await ctx.saveNpy(npy, v);
          const d = Distribution.fromShape(ctx, want.shape);
          assert.deepEqual(await values(await ctx.loadNpy(npy, d)), want, `${layout.name} npy`);
          const parts = join(dir, `${layout.name}-parts`);
          await ctx.saveDnpy(parts, v);
          assert.deepEqual(await values(await ctx.loadDnpy(parts)), want, `${layout.name} dnpy`);
          const zarr = join(dir, `${layout.name}.zarr`);
          await ctx.saveZarr(zarr, v);
          assert.deepEqual(await values(await ctx.loadZarr(zarr)), want, `${layout.name} zarr`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("apply sees a view's local elements as a LocalArray", async () => {
      const a = ctx.fromArray(arange([6, 4]), { distribution: LAYOUTS[0]!.make(ctx, [6, 4]) });
      const v = a.at("::-1, 1::2");
      const sums = (await ctx.apply(
        (la: { data: Float64Array; localShape: number[] }) => [
          la.localShape,
          la.data.reduce((t, e) => t + e, 0),
        ],
        [v],
        { targets: v.targets },
      )) as [number[], number][];
      assert.deepEqual(
        sums.map((r) => r[0]),
        await v.localShapes(),
      );
      const pieces = await v.getNdarrays();
      assert.deepEqual(
        sums.map((r) => r[1]),
        pieces.map((p) => (p.data as Float64Array).reduce((t, e) => t + e, 0)),
      );
      assert.equal(
        sums.reduce((t, r) => t + r[1], 0),
        (await values(v)).values.reduce((t, e) => t + e, 0),
      );
    });

    it("bad indices throw at once: IndexError, DA_ERR_VALUE, TypeError", () => {
      const a = ctx.zeros([4, 5]);
      assert.throws(() => a.at("1, 2, 3"), IndexError);
      assert.throws(() => a.at([4]), IndexError);
      assert.throws(() => a.at("..., ..."), IndexError);
      assert.throws(
        () => a.at("::0"),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
      );
      assert.throws(
        () => a.at("1:x"),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
      );
      assert.throws(() => a.at([1.5]), TypeError);
      assert.throws(() => a.at({} as unknown as number), TypeError);
    });

    it("an integer index keeps only the owning targets", async () => {
      const a = ctx.fromArray(arange([8, 3]), { distribution: LAYOUTS[0]!.make(ctx, [8, 3]) });
      const row = a.at(7);
      assert.equal(row.targets.length, 1);
      assert.equal(row.targets[0], a.distribution.owningTargets([7, 0])[0]);
      assert.deepEqual((await values(row)).values, [21, 22, 23]);
      const el = a.at("7, 2");
      assert.deepEqual(el.shape, []);
      assert.equal(await el.item(), 23);
    });
  });
}
