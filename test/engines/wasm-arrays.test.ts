// Arrays large enough for the engines' WebAssembly heap (pool.ts: wasmMinBytes) on real
// engines: elementwise ops and reductions run the SIMD kernels there and must equal the
// same computation done locally on ordinary typed arrays (the JS loops, which the NumPy
// fixture tests pin) bit for bit; heap memory also crosses the wire both ways (fromArray,
// toArray) and goes back to the pool when the client deletes the arrays.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_WASM_MIN_BYTES } from "@distarray/engines/engine/pool";
import {
  type Context,
  combinePartials,
  contiguousOperand,
  type DType,
  finalizePartial,
  NDArray,
  reduceLocal,
} from "distarray";
import { assertSameArray, startEngines } from "./array-cases.js";

/** Rows (even) so that each engine's piece (of 2) is at least twice the heap threshold. */
const COLS = 1024;
const ROWS = 2 * Math.ceil((2 * DEFAULT_WASM_MIN_BYTES) / (4 * COLS));

function sampleFloat(dtype: DType, shape: number[], salt: number): NDArray {
  const n = shape.reduce((p, q) => p * q, 1);
  const data = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37 + salt) * 10 ** ((i % 7) - 3);
  return new NDArray({ dtype, shape, data });
}

function localBinary(
  name: "add" | "subtract" | "multiply" | "divide",
  x: NDArray,
  y: NDArray | number,
) {
  const out = new Float64Array(x.size);
  const a = x.data as Float64Array;
  for (let i = 0; i < out.length; i++) {
    const b = typeof y === "number" ? y : (y.data as Float64Array)[i]!;
    const v = a[i]!;
    out[i] =
      name === "add" ? v + b : name === "subtract" ? v - b : name === "multiply" ? v * b : v / b;
  }
  return new NDArray({ dtype: "float64", shape: [...x.shape], data: out });
}

describe("heap-resident arrays on 2 engines", () => {
  let ctx: Context;
  let stop: () => Promise<void>;
  before(async () => {
    ({ ctx, stop } = await startEngines(2));
  });
  after(async () => {
    await stop?.();
  });

  it("add, subtract, multiply, divide (arrays and scalars) equal the local loops and round-trip", async () => {
    const x = sampleFloat("float64", [ROWS, COLS], 1);
    const y = sampleFloat("float64", [ROWS, COLS], 2);
    const a = ctx.fromArray(x);
    const b = ctx.fromArray(y);
    assertSameArray(await a.toArray(), x, "round trip");
    for (const name of ["add", "subtract", "multiply", "divide"] as const) {
      assertSameArray(await a[name](b).toArray(), localBinary(name, x, y), name);
      assertSameArray(await a[name](0.7).toArray(), localBinary(name, x, 0.7), `${name} scalar`);
    }
  });

  it("sum, mean, var and std over every axis form equal the local reductions", async () => {
    for (const dtype of ["float64", "float32"] as const) {
      const x = sampleFloat(dtype, [ROWS, COLS], 3);
      const a = ctx.fromArray(x);
      for (const op of ["sum", "mean", "var", "std"] as const) {
        for (const axes of [[0, 1], [0], [1]]) {
          // The engines reduce their row blocks and combine the two partials: so here.
          const half = ROWS / 2;
          const piece = (lo: number) =>
            reduceLocal(
              op,
              contiguousOperand(dtype, x.data.subarray(lo * COLS, (lo + half) * COLS), [
                half,
                COLS,
              ]),
              axes,
            );
          const want =
            axes.length === 1 && axes[0] === 1
              ? finalizePartial(
                  op,
                  reduceLocal(op, contiguousOperand(dtype, x.data, x.shape), axes),
                )
              : finalizePartial(op, combinePartials(op, [piece(0), piece(half)]));
          const opts = axes.length === 2 ? {} : { axis: axes[0]! };
          const { data } = await a[op](opts).toArray();
          assert.deepEqual([...data], [...want.data], `${op} ${dtype} axes ${axes}`);
        }
      }
    }
  });
});
