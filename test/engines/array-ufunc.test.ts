// The 49 ufuncs on real engines (2 and 4), as functions (`da.add(a, b)`) and methods
// (`a.add(b)`), with JS scalars on either side, for every dist type and several dtypes,
// against the same loops run locally on whole NDArrays.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as da from "distarray";
import {
  BINARY_UFUNCS,
  type BinaryUfunc,
  binaryLoop,
  type Context,
  contiguousOperand,
  type DistArray,
  DistArrayError,
  NDArray,
  type Scalar,
  UNARY_UFUNCS,
  type UnaryUfunc,
  ufuncResultType,
  unaryLoop,
} from "distarray";
import { assertSameArray, DTYPES, LAYOUTS, sample, startEngines } from "./array-cases.js";

const SHAPE = [5, 7];

/** The local answer: the array, or the error NumPy's rules give. */
function localUnary(name: UnaryUfunc, x: NDArray): NDArray | Error {
  try {
    const dtype = ufuncResultType(name, x.dtype);
    const out = NDArray.zeros(x.shape, { dtype });
    unaryLoop(
      name,
      contiguousOperand(x.dtype, x.data, x.shape),
      contiguousOperand(dtype, out.data, out.shape),
    );
    return out;
  } catch (e) {
    return e as Error;
  }
}

function localBinary(name: BinaryUfunc, a: NDArray | Scalar, b: NDArray | Scalar): NDArray | Error {
  try {
    const opd = (v: NDArray | Scalar) => (v instanceof NDArray ? v.dtype : v);
    const dtype = ufuncResultType(name, opd(a), opd(b));
    const shape = a instanceof NDArray ? a.shape : (b as NDArray).shape;
    const out = NDArray.zeros(shape, { dtype });
    const wrap = (v: NDArray | Scalar) =>
      v instanceof NDArray ? contiguousOperand(v.dtype, v.data, v.shape) : v;
    binaryLoop(name, wrap(a), wrap(b), contiguousOperand(dtype, out.data, out.shape));
    return out;
  } catch (e) {
    return e as Error;
  }
}

/** Runs `make` (client side) and compares with the local answer, errors included. */
async function check(
  expected: NDArray | Error,
  make: () => DistArray,
  what: string,
): Promise<void> {
  if (expected instanceof Error) {
    let result: DistArray;
    try {
      result = make();
    } catch (e) {
      // Caught on the client (no loop for these dtypes): same class as locally.
      assert.equal((e as Error).name, expected.name, `${what}: ${(e as Error).message}`);
      return;
    }
    // Caught on the engines (e.g. a negative integer power): never lost.
    await assert.rejects(
      () => result.toArray(),
      (e: unknown) => e instanceof DistArrayError,
      what,
    );
    return;
  }
  const r = make();
  assert.equal(r.dtype, expected.dtype, `${what}: dtype`);
  assertSameArray(await r.toArray(), expected, what);
}

function scalarFor(dtype: string): Scalar[] {
  return dtype === "complex128"
    ? [2, { re: 0.5, im: -1 }]
    : dtype === "bool"
      ? [true, 3]
      : [3, 2.5];
}

for (const engines of [2, 4]) {
  describe(`ufuncs on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    for (const layout of LAYOUTS) {
      it(`all 49 ufuncs match the local loops on the ${layout.name} layout`, async () => {
        const dist = layout.make(ctx, SHAPE);
        for (const dtype of DTYPES) {
          const x = sample(dtype, SHAPE);
          const y = sample(dtype, SHAPE, 3);
          const a = ctx.fromArray(x, { distribution: dist });
          const b = ctx.fromArray(y, { distribution: dist });
          for (const name of UNARY_UFUNCS) {
            const expected = localUnary(name, x);
            const what = `${name}(${dtype}) on ${layout.name}`;
            await check(
              expected,
              () => (da as unknown as Record<string, (a: DistArray) => DistArray>)[name]!(a),
              what,
            );
            await check(expected, () => a[name](), `${what} as a method`);
          }
          for (const name of BINARY_UFUNCS) {
            const what = `${name}(${dtype}, ${dtype}) on ${layout.name}`;
            const fn = (da as unknown as Record<string, (p: unknown, q: unknown) => DistArray>)[
              name
            ]!;
            await check(localBinary(name, x, y), () => fn(a, b), what);
            await check(localBinary(name, x, y), () => a[name](b), `${what} as a method`);
            for (const s of scalarFor(dtype)) {
              await check(
                localBinary(name, x, s),
                () => fn(a, s),
                `${name}(${dtype}, ${JSON.stringify(s)})`,
              );
              await check(
                localBinary(name, s, x),
                () => fn(s, a),
                `${name}(${JSON.stringify(s)}, ${dtype})`,
              );
            }
          }
        }
      });
    }

    it("mixes dtypes with NumPy's promotion", async () => {
      const dist = LAYOUTS[1]!.make(ctx, SHAPE);
      for (const [p, q] of [
        ["int32", "float32"],
        ["uint8", "int64"],
        ["bool", "float64"],
        ["float32", "complex128"],
        ["int64", "float64"],
      ] as const) {
        const x = sample(p, SHAPE);
        const y = sample(q, SHAPE, 1);
        const a = ctx.fromArray(x, { distribution: dist });
        const b = ctx.fromArray(y, { distribution: dist });
        for (const name of ["add", "multiply", "less", "trueDivide", "power"] as const) {
          await check(localBinary(name, x, y), () => da.ufunc(name, [a, b]), `${name}(${p}, ${q})`);
        }
      }
    });

    it("works with empty local pieces (9 elements block-distributed: 3, 3, 3, 0 on 4 engines)", async () => {
      const x = sample("float64", [9]);
      const a = ctx.fromArray(x, { dist: "b", gridShape: [engines] });
      assert.deepEqual(await a.localShapes(), engines === 4 ? [[3], [3], [3], [0]] : [[5], [4]]);
      const expected = localBinary("add", localUnary("sin", x) as NDArray, x) as NDArray;
      assertSameArray(await a.sin().add(a).toArray(), expected, "sin(a) + a");
      const doubled = (localBinary("multiply", 2, x) as NDArray).astype("int32");
      assertSameArray(await da.multiply(2, a).astype("int32").toArray(), doubled, "2 * a as int32");
    });

    it("rejects calls without a DistArray and operands that are not arrays or scalars", () => {
      const a = ctx.zeros([6, 4], { dist: "bn" });
      assert.throws(() => da.add(1 as unknown as DistArray, 2), TypeError);
      assert.throws(() => da.add(a, "x" as unknown as number), TypeError);
      assert.throws(() => da.sin(3 as unknown as DistArray), TypeError);
    });

    it("pipelines a chain of ufuncs without waiting", async () => {
      const a = ctx.fromArray(sample("float64", SHAPE));
      let r: DistArray | undefined;
      const trips = await da.countRoundTrips(ctx, () => {
        r = a.sin().multiply(2).add(a).sqrt().negative();
      });
      assert.equal(trips, 0);
      const x = sample("float64", SHAPE);
      const step = (v: NDArray | Error) => v as NDArray;
      const expected = step(
        localUnary(
          "negative",
          step(
            localUnary(
              "sqrt",
              step(
                localBinary("add", step(localBinary("multiply", step(localUnary("sin", x)), 2)), x),
              ),
            ),
          ),
        ),
      );
      assertSameArray(await r!.toArray(), expected, "chain");
      assert.equal(await da.countRoundTrips(ctx, () => r!.toArray()), 1);
    });
  });
}
