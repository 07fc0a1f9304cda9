/**
 * W4: `ctx.fromArray` (client to engines; ends when every engine holds its piece) and
 * `a.toArray()` (engines to client) of a float64 array of `transferBytes`.
 */
import { array } from "distarray";
import { dispose, randomFloat64 } from "../engines.js";
import { gibPerSecond, repeat } from "../measure.js";
import { formatBytes } from "../options.js";
import type { Figure } from "../results.js";
import type { Workload } from "../workload.js";

export const w4Transfer: Workload = async (env) => {
  const ctx = await env.context();
  const bytes = env.options.transferBytes;
  const nd = array(randomFloat64(bytes / 8));
  const figures: Figure[] = [];
  const push = (name: string, title: string, time: Figure["time"] & object) => {
    const gibs = gibPerSecond(bytes, time.median);
    figures.push({
      workload: "W4",
      name,
      title,
      engines: ctx.targets.length,
      time,
      value: { amount: gibs, unit: "GiB/s" },
      extra: { bytes },
      ratios: env.baselines.tcpRatio(gibs),
    });
    env.log(`W4 ${name}: ${gibs.toFixed(3)} GiB/s`);
  };
  const scatter = await repeat(env.repeatOptions, {
    run: async () => {
      const a = ctx.fromArray(nd);
      await ctx.sync();
      return [a];
    },
    teardown: (made) => dispose(ctx, made),
  });
  push("fromArray", `ctx.fromArray, ${formatBytes(bytes)} float64`, scatter);
  const a = ctx.fromArray(nd);
  await ctx.sync();
  const gather = await repeat(env.repeatOptions, { run: () => a.toArray() });
  push("toArray", `a.toArray(), ${formatBytes(bytes)} float64`, gather);
  dispose(ctx, [a]);
  return { figures };
};
