// The core integration cases every launcher test runs on a connected context: creation, a
// reduction, a redistribution (engine to engine, so the mesh must work) and a gather.
import assert from "node:assert/strict";
import { type Context, Distribution } from "distarray";

export interface CaseResults {
  targets: number[];
  sum: number;
  gathered: number[];
  redistributed: number[];
  zerosShapes: number[][];
}

/** Runs the cases with assertions; returns what it saw (for a parent process to check too). */
export async function runCoreCases(ctx: Context): Promise<CaseResults> {
  const n = 4 * ctx.targets.length + 3;
  const values = Array.from({ length: n }, (_, i) => ((i * 7) % 11) - 3.5);
  const expectedSum = values.reduce((s, v) => s + v, 0);

  // creation
  const z = ctx.zeros([ctx.targets.length, 5]);
  const zerosShapes = (await z.localShapes()).map((s) => [...s]);
  assert.equal(zerosShapes.length, ctx.targets.length);
  assert.ok(zerosShapes.every((s) => s[0] === 1 && s[1] === 5));
  const a = ctx.fromArray(values, { dtype: "float64" });
  assert.deepEqual(a.targets, ctx.targets);

  // a reduction (a collective over the mesh)
  const sum = await a.sum().item();
  assert.equal(sum, expectedSum);

  // a redistribution: block to cyclic moves pieces engine to engine
  const cyclic = a.redistribute(Distribution.fromShape(ctx, [n], { dist: "c" }));
  const local = await cyclic.getNdarrays();
  assert.deepEqual(
    Array.from(local[1]!.data as Float64Array),
    values.filter((_, i) => i % ctx.targets.length === 1),
  );
  const redistributed = Array.from((await cyclic.toArray()).data as Float64Array);

  // a gather
  const gathered = Array.from((await a.multiply(2).toArray()).data as Float64Array);
  assert.deepEqual(
    gathered,
    values.map((v) => v * 2),
  );
  assert.deepEqual(redistributed, values);
  return { targets: [...ctx.targets], sum, gathered, redistributed, zerosShapes };
}

/** The values runCoreCases works on, for `engines` engines. */
export function caseValues(engines: number): number[] {
  const n = 4 * engines + 3;
  return Array.from({ length: n }, (_, i) => ((i * 7) % 11) - 3.5);
}
