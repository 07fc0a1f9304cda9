/**
 * W2: `sum()`, `sum({axis: 0})` and `std()` of an n x n float64 matrix (row blocks). A full
 * reduction's run ends with its value on the client (`item()`, as NumPy returns a scalar);
 * the axis-0 sum ends when its DistArray exists on the engines (ctx.sync()).
 */
import { array, type DistArray } from "distarray";
import { dispose, randomFloat64 } from "../engines.js";
import { repeat } from "../measure.js";
import type { Figure } from "../results.js";
import { taskName } from "../tasks.js";
import type { Workload } from "../workload.js";

export const w2Reductions: Workload = async (env) => {
  const ctx = await env.context();
  const side = env.options.matrixSide;
  const m = ctx.fromArray(array(randomFloat64(side * side), { shape: [side, side] }));
  await ctx.sync();
  const figures: Figure[] = [];
  const cases: { op: "sum" | "sum0" | "std"; title: string; run: () => Promise<DistArray> }[] = [
    {
      op: "sum",
      title: "m.sum()",
      run: async () => {
        const r = m.sum();
        await r.item();
        return r;
      },
    },
    {
      op: "sum0",
      title: "m.sum({axis: 0})",
      run: async () => {
        const r = m.sum({ axis: 0 });
        await ctx.sync();
        return r;
      },
    },
    {
      op: "std",
      title: "m.std()",
      run: async () => {
        const r = m.std();
        await r.item();
        return r;
      },
    },
  ];
  for (const c of cases) {
    const time = await repeat(env.repeatOptions, {
      run: c.run,
      teardown: (r) => dispose(ctx, [r]),
    });
    const name = taskName.matrix(c.op, side);
    figures.push({
      workload: "W2",
      name,
      title: `${c.title}, ${side}x${side} float64`,
      engines: ctx.targets.length,
      time,
      extra: { gbPerSecond: (side * side * 8) / (time.median / 1000) / 1e9 },
      ratios: env.baselines.speedRatios(name, time.median),
    });
    env.log(`W2 ${c.title}: ${time.median.toFixed(2)} ms`);
  }
  dispose(ctx, [m]);
  return { figures };
};
