/**
 * W5: redistribution of an n x n float64 matrix from row blocks to column blocks, and from
 * block to cyclic rows, with `a.redistribute(distribution)` (a run ends when every engine
 * holds its new piece). Reported as absent while DistArray has no `redistribute`.
 *
 * Memory: before any timed run, each engine's peak-RSS counter is reset and one
 * redistribution runs; the peak growth over the RSS just before it, minus the result's own
 * local block, is the extra memory the redistribution needed.
 */
import { array, type DistArray, Distribution, type DistSpec } from "distarray";
import { dispose, processMemory, randomFloat64, resetPeakRss } from "../engines.js";
import { gibPerSecond, repeat } from "../measure.js";
import type { Figure } from "../results.js";
import type { Workload } from "../workload.js";

type Redistribute = (this: DistArray, target: Distribution) => DistArray;

/** The redistribution method, if DistArray has one yet. */
function redistributeOf(a: DistArray): Redistribute | undefined {
  const fn = (a as unknown as { redistribute?: unknown }).redistribute;
  return typeof fn === "function" ? (fn as Redistribute) : undefined;
}

const CASES: { name: string; title: string; from: DistSpec; to: DistSpec }[] = [
  {
    name: "rows-to-columns",
    title: "row blocks -> column blocks",
    from: ["b", "n"],
    to: ["n", "b"],
  },
  { name: "block-to-cyclic", title: "block rows -> cyclic rows", from: ["b", "n"], to: ["c", "n"] },
];

export const w5Redistribute: Workload = async (env) => {
  const ctx = await env.context();
  const side = env.options.matrixSide;
  const bytes = side * side * 8;
  const values = array(randomFloat64(side * side), { shape: [side, side] });
  const figures: Figure[] = [];
  for (const c of CASES) {
    const title = `${c.title}, ${side}x${side} float64`;
    const a = ctx.fromArray(values, { dist: c.from });
    const redistribute = redistributeOf(a);
    if (!redistribute) {
      dispose(ctx, [a]);
      figures.push({
        workload: "W5",
        name: c.name,
        title,
        engines: ctx.targets.length,
        ratios: [],
        absent: "DistArray has no redistribute() yet",
      });
      continue;
    }
    const target = Distribution.fromShape(ctx, [side, side], { dist: c.to });
    await ctx.sync();
    const pids = ctx.enginePids;
    const peakResettable = pids.every(resetPeakRss);
    const before = pids.map((p) => processMemory(p).rss);
    const first = redistribute.call(a, target);
    await ctx.sync();
    const peakGrowth = Math.max(...pids.map((p, i) => processMemory(p).peakRss - before[i]!));
    dispose(ctx, [first]);
    const localBlock = bytes / ctx.targets.length;
    const time = await repeat(env.repeatOptions, {
      run: async () => {
        const r = redistribute.call(a, target);
        await ctx.sync();
        return [r];
      },
      teardown: (made) => dispose(ctx, made),
    });
    dispose(ctx, [a]);
    const gibs = gibPerSecond(bytes, time.median);
    env.log(`W5 ${c.name}: ${gibs.toFixed(3)} GiB/s`);
    figures.push({
      workload: "W5",
      name: c.name,
      title,
      engines: ctx.targets.length,
      time,
      value: { amount: gibs, unit: "GiB/s" },
      extra: {
        bytes,
        localBlockBytes: localBlock,
        ...(peakResettable
          ? { peakGrowthBytes: peakGrowth, extraBlocks: (peakGrowth - localBlock) / localBlock }
          : { peakGrowthBytes: "not measurable (clear_refs refused)" }),
      },
      ratios: env.baselines.tcpRatio(gibs),
    });
  }
  return { figures };
};
