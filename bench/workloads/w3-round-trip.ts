/**
 * W3: the no-op round trip, `await ctx.apply(() => {})` on every engine, for each engine count
 * (a fresh cluster per count, except the shared one). Each call is one sample. The median of
 * `ctx.sync()` (a bare ping op) is reported beside it, to separate transport from apply.
 */
import { type BenchCluster, startCluster } from "../engines.js";
import { quantile, repeat } from "../measure.js";
import type { Figure } from "../results.js";
import type { Workload } from "../workload.js";

/** Untimed calls before timing, per engine count. */
export const ROUND_TRIP_WARMUP = 10;

export const w3RoundTrip: Workload = async (env) => {
  const figures: Figure[] = [];
  const { warmupMs } = env.options;
  for (const engines of env.options.roundTripEngines) {
    const name = `noop.${engines}`;
    const title = `no-op apply round trip, ${engines} engines`;
    let cluster: BenchCluster | undefined;
    const shared = engines === env.options.engines;
    try {
      cluster = shared ? await env.shared() : await startCluster(engines);
      const ctx = cluster.ctx;
      const noop = () => {};
      const time = await repeat(
        { warmup: ROUND_TRIP_WARMUP, warmupMs, repeats: env.options.roundTripCalls },
        { run: () => ctx.apply(noop) },
      );
      // The bare transport round trip (ping op, no function call), to split the cost.
      const ping = await repeat(
        { warmup: ROUND_TRIP_WARMUP, warmupMs, repeats: env.options.roundTripCalls },
        { run: () => ctx.sync() },
      );
      figures.push({
        workload: "W3",
        name,
        title,
        engines,
        time,
        extra: {
          p90Ms: quantile(time.samples, 0.9),
          pingMedianMs: ping.median,
          calls: time.samples.length,
          clusterStartMs: cluster.startMs,
        },
        ratios: [
          ...env.baselines.rttRatio(time.median),
          ...env.baselines.broadcastRatio(engines, time.median),
        ],
      });
      env.log(`W3 ${engines} engines: ${(time.median * 1000).toFixed(0)} µs`);
    } catch (e) {
      figures.push({ workload: "W3", name, title, engines, ratios: [], error: String(e) });
    } finally {
      if (!shared) await cluster?.stop();
    }
  }
  return { figures };
};
