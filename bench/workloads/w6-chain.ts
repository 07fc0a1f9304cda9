/**
 * W6: a chain of `chainLength` ufuncs (sin, add 1, multiply 0.5, sqrt, repeated) on a small
 * float64 array; a run ends with the result on the client (`toArray()`).
 */
import { array, countRoundTrips, type DistArray } from "distarray";
import { dispose, randomFloat64 } from "../engines.js";
import { repeat } from "../measure.js";
import type { Figure } from "../results.js";
import { taskName } from "../tasks.js";
import type { Workload } from "../workload.js";

const STEPS: ((x: DistArray) => DistArray)[] = [
  (x) => x.sin(),
  (x) => x.add(1),
  (x) => x.multiply(0.5),
  (x) => x.sqrt(),
];

export const w6Chain: Workload = async (env) => {
  const ctx = await env.context();
  const { chainLength, chainElements } = env.options;
  const x = ctx.fromArray(array(randomFloat64(chainElements)));
  await ctx.sync();
  const runChain = async () => {
    const made: DistArray[] = [];
    let y = x;
    for (let i = 0; i < chainLength; i++) {
      y = STEPS[i % STEPS.length]!(y);
      made.push(y);
    }
    await y.toArray();
    return made;
  };
  const time = await repeat(env.repeatOptions, {
    run: runChain,
    teardown: (made) => dispose(ctx, made),
  });
  let made: DistArray[] = [];
  const roundTrips = await countRoundTrips(ctx, async () => {
    made = await runChain();
  });
  dispose(ctx, [...made, x]);
  const name = taskName.chain(chainLength, chainElements);
  env.log(`W6 chain of ${chainLength}: ${time.median.toFixed(2)} ms, ${roundTrips} round trips`);
  const figure: Figure = {
    workload: "W6",
    name,
    title: `chain of ${chainLength} ufuncs on ${chainElements} float64, then toArray()`,
    engines: ctx.targets.length,
    time,
    extra: { roundTrips, msPerUfunc: time.median / chainLength },
    ratios: [
      ...env.baselines.speedRatios(name, time.median),
      ...env.baselines.rttRatio(time.median),
    ],
  };
  return { figures: [figure] };
};
