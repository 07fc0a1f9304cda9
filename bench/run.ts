/**
 * The benchmark run: baselines first (NumPy, the Float64Array loop, raw TCP, raw ws, memory
 * bandwidth), then the selected workloads, then the target verdicts; the report is written
 * to `options.out`.
 * A workload that throws is recorded as a failed figure and the run carries on.
 */
import { mkdirSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { f64LoopBaseline } from "./baselines/f64-loop.js";
import { memoryBaseline, memoryCases } from "./baselines/memory.js";
import { numpyBaseline } from "./baselines/numpy.js";
import { tcpBaseline } from "./baselines/tcp.js";
import { wsBaseline } from "./baselines/ws.js";
import { removeBenchHome } from "./engines.js";
import type { BenchOptions } from "./options.js";
import { type WrittenReport, writeReport } from "./report/write.js";
import type { BaselineResult, BenchReport, Figure, ScalingResult, WorkloadId } from "./results.js";
import { evaluateTargets } from "./targets.js";
import { computeTasks } from "./tasks.js";
import { Baselines, type Workload, WorkloadEnv } from "./workload.js";
import { w1Elementwise } from "./workloads/w1-elementwise.js";
import { w2Reductions } from "./workloads/w2-reductions.js";
import { w3RoundTrip } from "./workloads/w3-round-trip.js";
import { w4Transfer } from "./workloads/w4-transfer.js";
import { w5Redistribute } from "./workloads/w5-redistribute.js";
import { w6Chain } from "./workloads/w6-chain.js";
import { w7Memory } from "./workloads/w7-memory.js";
import { w8Scaling } from "./workloads/w8-scaling.js";

export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: w1Elementwise,
  W2: w2Reductions,
  W3: w3RoundTrip,
  W4: w4Transfer,
  W5: w5Redistribute,
  W6: w6Chain,
  W7: w7Memory,
  W8: w8Scaling,
};

export interface BenchOutcome {
  report: BenchReport;
  files: WrittenReport;
  /** True when a workload or baseline failed (absent ones do not count). */
  failed: boolean;
}

async function guarded(
  id: BaselineResult["id"],
  title: string,
  run: () => Promise<BaselineResult>,
): Promise<BaselineResult & { failed?: boolean }> {
  try {
    return await run();
  } catch (e) {
    return {
      id,
      title,
      absent: `failed: ${(e as Error).message}`,
      detail: "",
      figures: [],
      failed: true,
    };
  }
}

export async function runBench(
  options: BenchOptions,
  log: (message: string) => void = () => {},
): Promise<BenchOutcome> {
  const started = new Date();
  const t0 = performance.now();
  const load = loadavg();
  const repeatOptions = {
    warmup: options.warmup,
    warmupMs: options.warmupMs,
    repeats: options.repeats,
    measureMs: options.measureMs,
  };
  const tasks = computeTasks(options);
  let failed = false;

  log("baseline: NumPy");
  const numpy = await guarded("numpy", "NumPy, one process", () =>
    numpyBaseline(tasks, { python: options.python, ...repeatOptions }),
  );
  log(numpy.absent ? `  NumPy absent: ${numpy.absent}` : `  ${numpy.detail}`);
  log("baseline: Float64Array loop");
  const loop = await guarded("f64-loop", "Float64Array loop, one Node process", () =>
    f64LoopBaseline(tasks, repeatOptions),
  );
  log("baseline: raw TCP");
  const tcp = await guarded("tcp", "raw TCP loopback, two Node processes", () =>
    tcpBaseline({ bytes: options.tcpBytes, ...repeatOptions }),
  );
  log("baseline: raw ws round trip");
  const ws = await guarded("ws", "raw ws round trip, two Node processes", () =>
    wsBaseline({
      roundTrips: options.wsRoundTrips,
      broadcastPeers: options.workloads.includes("W3") ? options.roundTripEngines : [],
    }),
  );
  log("baseline: memory bandwidth (the SIMD kernels alone)");
  const cases = memoryCases({
    addSizes: options.workloads.includes("W1") ? options.computeSizes : [],
    ...(options.workloads.includes("W2") ? { matrixSide: options.matrixSide } : {}),
    processes: options.engines,
  });
  const memory = await guarded("memory", "memory bandwidth", () =>
    memoryBaseline(cases, { processes: options.engines, ...repeatOptions }),
  );
  for (const f of memory.figures) {
    log(`  ${f.title}: ${f.time.median.toFixed(2)} ms, ${f.gibPerSecond?.toFixed(1)} GiB/s`);
  }
  const baselineResults = [numpy, loop, tcp, ws, memory];
  failed ||= baselineResults.some((b) => b.failed);
  const baselines = new Baselines(baselineResults.map(({ failed: _, ...b }) => b));

  if (options.cpuProfileDir) {
    // Engines inherit the environment: from here on every engine writes a CPU profile on exit.
    mkdirSync(options.cpuProfileDir, { recursive: true });
    const hook = fileURLToPath(new URL("./peers/cpu-profile-hook.js", import.meta.url));
    process.env.DISTARRAY_BENCH_CPU_PROF_DIR = options.cpuProfileDir;
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import=${hook}`.trim();
    log(`engines write CPU profiles to ${options.cpuProfileDir}`);
  }
  const env = new WorkloadEnv(options, baselines, log);
  const figures: Figure[] = [];
  let scaling: ScalingResult | undefined;
  try {
    for (const id of options.workloads) {
      log(`workload ${id}`);
      try {
        const out = await WORKLOADS[id](env);
        figures.push(...out.figures);
        scaling ??= out.scaling;
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        log(`  ${id} failed: ${message}`);
        figures.push({
          workload: id,
          name: "run",
          title: `${id} run`,
          engines: options.engines,
          ratios: [],
          error: String(e),
        });
      }
    }
  } finally {
    await env.close();
    removeBenchHome();
  }
  failed ||= figures.some((f) => f.error !== undefined);

  const cpuList = cpus();
  const partial = { figures, scaling };
  const report: BenchReport = {
    version: 1,
    startedAt: started.toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    quick: options.quick,
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model.trim() ?? "unknown",
      memoryBytes: totalmem(),
      node: process.version,
      load: load,
    },
    options: { ...options, freeMemoryAtEndBytes: freemem() },
    baselines: baselines.results,
    figures,
    ...(scaling ? { scaling } : {}),
    targets: evaluateTargets(partial, baselines, options),
  };
  const files = writeReport(report, options.out);
  return { report, files, failed };
}
