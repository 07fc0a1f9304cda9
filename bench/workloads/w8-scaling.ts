/**
 * W8: time of `a.add(b)` (until every engine is done) for each size of `scalingSizes`, the
 * sizes timed in interleaved rounds, then a least-squares line through (size, fastest time) and the
 * slope of log(time) against log(size) over the upper half of the sizes. The growth counts as linear
 * when the line explains the times (R² >= LINEAR_MIN_R2) and the log-log slope is close to 1.
 */
import { array, type DistArray } from "distarray";
import { dispose, randomFloat64 } from "../engines.js";
import { linearFit, repeatInterleaved } from "../measure.js";
import { sizeLabel } from "../options.js";
import type { Figure, ScalingResult } from "../results.js";
import { taskName } from "../tasks.js";
import type { Workload } from "../workload.js";

/** Least R² of the line through (size, time) for linear growth. */
export const LINEAR_MIN_R2 = 0.98;
/** Allowed range of the log-log slope over the upper half of the sizes for linear growth. */
export const LINEAR_SLOPE_RANGE = [0.8, 1.2] as const;

export const w8Scaling: Workload = async (env) => {
  const ctx = await env.context();
  const figures: Figure[] = [];
  const points: ScalingResult["points"] = [];
  const sizes = env.options.scalingSizes;
  // Every size's operands are made first and the sizes are timed in interleaved rounds
  // (see repeatInterleaved): measured one after another, each size sees a different spell
  // of this shared machine, and that bends the curve more than any growth in it.
  const operands = [];
  for (const n of sizes) {
    operands.push([ctx.fromArray(array(randomFloat64(n))), ctx.fromArray(array(randomFloat64(n)))]);
    await ctx.sync();
  }
  const times = await repeatInterleaved<DistArray[]>(
    env.repeatOptions,
    operands.map(([a, b]) => ({
      run: async () => {
        const c = a!.add(b!);
        await ctx.sync();
        return [c];
      },
      teardown: (made) => dispose(ctx, made),
    })),
  );
  dispose(ctx, operands.flat());
  await ctx.sync();
  sizes.forEach((n, i) => {
    const time = times[i]!;
    const name = taskName.add(n);
    const numpyMs = env.baselines.figure("numpy", name)?.time.median;
    const f64LoopMs = env.baselines.figure("f64-loop", name)?.time.median;
    points.push({ elements: n, time, numpyMs, f64LoopMs });
    figures.push({
      workload: "W8",
      name,
      title: `a.add(b), ${sizeLabel(n)} float64`,
      engines: ctx.targets.length,
      time,
      extra: { nsPerElement: (time.median * 1e6) / n },
      ratios: env.baselines.speedRatios(name, time.median),
    });
    env.log(`W8 add ${sizeLabel(n)}: ${time.median.toFixed(2)} ms`);
  });
  // The fit uses each size's fastest run: on a shared machine the slower runs carry other
  // processes' load, which is noise here, not growth. The medians' R² is reported beside it.
  const xs = points.map((p) => p.elements);
  const fit = linearFit(
    xs,
    points.map((p) => p.time.min),
  );
  const medianFit = linearFit(
    xs,
    points.map((p) => p.time.median),
  );
  // The upper half of the sizes, and at least the two largest.
  const upper = points.slice(Math.min(Math.floor(points.length / 2), points.length - 2));
  const logFit = linearFit(
    upper.map((p) => Math.log(p.elements)),
    upper.map((p) => Math.log(p.time.min)),
  );
  const slope = logFit.slope;
  const linear =
    fit.r2 >= LINEAR_MIN_R2 && slope >= LINEAR_SLOPE_RANGE[0] && slope <= LINEAR_SLOPE_RANGE[1];
  const explanation =
    `fastest run per size: time ≈ ${fit.intercept.toFixed(2)} ms + ${(fit.slope * 1e6).toFixed(3)} ns per element` +
    ` (R² ${fit.r2.toFixed(4)}, need >= ${LINEAR_MIN_R2}); log-log slope over ${sizeLabel(upper[0]!.elements)}..` +
    `${sizeLabel(upper[upper.length - 1]!.elements)} ${slope.toFixed(3)} (need ${LINEAR_SLOPE_RANGE[0]}..${LINEAR_SLOPE_RANGE[1]}); the medians' line has R² ${medianFit.r2.toFixed(4)}`;
  const scaling: ScalingResult = {
    engines: ctx.targets.length,
    op: "a.add(b)",
    points,
    fit,
    logLogSlope: slope,
    linear,
    explanation,
  };
  return { figures, scaling };
};
