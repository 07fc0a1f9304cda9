/**
 * W1: `a.add(b)` and `a.sin().multiply(2).add(b)` on float64 arrays already on the engines.
 * A run issues the ops (pipelined) and ends when every engine has finished them (ctx.sync()).
 */
import { array } from "distarray";
import { dispose, randomFloat64 } from "../engines.js";
import { repeat } from "../measure.js";
import { sizeLabel } from "../options.js";
import type { Figure } from "../results.js";
import { taskName } from "../tasks.js";
import type { Workload } from "../workload.js";

export const w1Elementwise: Workload = async (env) => {
  const ctx = await env.context();
  const figures: Figure[] = [];
  for (const n of env.options.computeSizes) {
    const a = ctx.fromArray(array(randomFloat64(n)));
    const b = ctx.fromArray(array(randomFloat64(n)));
    await ctx.sync();
    const add = await repeat(env.repeatOptions, {
      run: async () => {
        const c = a.add(b);
        await ctx.sync();
        return [c];
      },
      teardown: (made) => dispose(ctx, made),
    });
    figures.push({
      workload: "W1",
      name: taskName.add(n),
      title: `a.add(b), ${sizeLabel(n)} float64`,
      engines: ctx.targets.length,
      time: add,
      extra: { gelemPerSecond: n / (add.median / 1000) / 1e9 },
      ratios: env.baselines.speedRatios(taskName.add(n), add.median),
    });
    env.log(`W1 add ${sizeLabel(n)}: ${add.median.toFixed(2)} ms`);
    const sin2b = await repeat(env.repeatOptions, {
      run: async () => {
        const s = a.sin();
        const m = s.multiply(2);
        const c = m.add(b);
        await ctx.sync();
        return [s, m, c];
      },
      teardown: (made) => dispose(ctx, made),
    });
    figures.push({
      workload: "W1",
      name: taskName.sin2b(n),
      title: `a.sin().multiply(2).add(b), ${sizeLabel(n)} float64`,
      engines: ctx.targets.length,
      time: sin2b,
      ratios: env.baselines.speedRatios(taskName.sin2b(n), sin2b.median),
    });
    env.log(`W1 sin*2+b ${sizeLabel(n)}: ${sin2b.median.toFixed(2)} ms`);
    dispose(ctx, [a, b]);
  }
  return { figures };
};
