/**
 * The targets, evaluated against the figures and baselines of the same run. A target
 * whose figure or baseline is missing is reported with `met: null` and the reason.
 */
import { type BenchOptions, formatBytes, sizeLabel } from "./options.js";
import type { BenchReport, Figure, TargetResult, WorkloadId } from "./results.js";
import { taskName } from "./tasks.js";
import type { Baselines } from "./workload.js";

export const TARGETS = {
  w1AddSpeedup: 1.6,
  w1Sin2bSpeedup: 1.3,
  /** At the small size: at most this multiple of NumPy's time. */
  w1SmallTimeMultiple: 2,
  w2Speedup: 1.5,
  w3RttMultipleAt4: 3,
  w3MsAt32: 2,
  w4GiBs: 1.5,
  w4TcpFraction: 0.5,
  w5GiBs: 1.5,
  w5ExtraBlocks: 1,
  w6Ms: 5,
  w7RssFactor: 1.1,
  w7RssAllowanceBytes: 64 * 2 ** 20,
} as const;

const f2 = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

type Find = (w: WorkloadId, name: string) => Figure | undefined;

function missing(workload: WorkloadId, target: string, why: string): TargetResult {
  return { workload, target, met: null, detail: why };
}

function figureProblem(f: Figure | undefined): string | undefined {
  if (!f) return "not measured in this run";
  if (f.error) return `failed: ${f.error}`;
  if (f.absent) return `absent: ${f.absent}`;
  return undefined;
}

function speedTarget(
  find: Find,
  baselines: Baselines,
  workload: WorkloadId,
  name: string,
  label: string,
  need: number,
): TargetResult {
  const target = `${label} >= ${need}x NumPy's speed`;
  const f = find(workload, name);
  const problem = figureProblem(f);
  if (problem || !f?.time) return missing(workload, target, problem ?? "no time");
  const np = baselines.figure("numpy", name);
  if (!np) return missing(workload, target, "NumPy baseline absent");
  const speed = np.time.median / f.time.median;
  // The kernels alone on as many processes at once (their fastest run): no run of the
  // workload can beat that time.
  const floor = baselines.figure("memory", name);
  const bound = floor
    ? `; the SIMD kernels alone on as many processes take ${f2(floor.time.min)} ms at best, so at most ${f2(np.time.median / floor.time.min)}x`
    : "";
  return {
    workload,
    target,
    met: speed >= need,
    score: speed / need,
    detail: `${f2(f.time.median)} ms vs NumPy ${f2(np.time.median)} ms: ${f2(speed)}x${bound}`,
  };
}

export function evaluateTargets(
  report: Pick<BenchReport, "figures" | "scaling">,
  baselines: Baselines,
  options: BenchOptions,
): TargetResult[] {
  const T = TARGETS;
  // A workload that threw has one error figure instead of its named ones: report that.
  const find: Find = (w, name) =>
    report.figures.find((f) => f.workload === w && f.name === name) ??
    report.figures.find((f) => f.workload === w && f.error !== undefined);
  const out: TargetResult[] = [];
  const want = (w: WorkloadId) => options.workloads.includes(w);

  if (want("W1") && options.computeSizes.length > 0) {
    const big = Math.max(...options.computeSizes);
    const small = Math.min(...options.computeSizes);
    out.push(
      speedTarget(
        find,
        baselines,
        "W1",
        taskName.add(big),
        `add ${sizeLabel(big)}`,
        T.w1AddSpeedup,
      ),
      speedTarget(
        find,
        baselines,
        "W1",
        taskName.sin2b(big),
        `sin·2+b ${sizeLabel(big)}`,
        T.w1Sin2bSpeedup,
      ),
    );
    for (const [name, label] of [
      [taskName.add(small), "add"],
      [taskName.sin2b(small), "sin·2+b"],
    ] as const) {
      const target = `${label} ${sizeLabel(small)} within ${T.w1SmallTimeMultiple}x of NumPy's time`;
      const f = find("W1", name);
      const np = baselines.figure("numpy", name);
      const problem = figureProblem(f) ?? (np ? undefined : "NumPy baseline absent");
      if (problem || !f?.time || !np) {
        out.push(missing("W1", target, problem ?? "no time"));
        continue;
      }
      const multiple = f.time.median / np.time.median;
      out.push({
        workload: "W1",
        target,
        met: multiple <= T.w1SmallTimeMultiple,
        score: T.w1SmallTimeMultiple / multiple,
        detail: `${f2(f.time.median)} ms vs NumPy ${f2(np.time.median)} ms: ${f2(multiple)}x NumPy's time`,
      });
    }
  }

  if (want("W2")) {
    const s = options.matrixSide;
    for (const [op, label] of [
      ["sum", "sum()"],
      ["sum0", "sum({axis: 0})"],
      ["std", "std()"],
    ] as const) {
      out.push(
        speedTarget(
          find,
          baselines,
          "W2",
          taskName.matrix(op, s),
          `${label} ${s}x${s}`,
          T.w2Speedup,
        ),
      );
    }
  }

  if (want("W3")) {
    const rtt = baselines.figure("ws", "rtt");
    const t4 = `no-op round trip, 4 engines <= ${T.w3RttMultipleAt4}x the raw ws round trip`;
    const f4 = find("W3", "noop.4");
    const p4 = figureProblem(f4) ?? (rtt ? undefined : "ws baseline absent");
    if (p4 || !f4?.time || !rtt) out.push(missing("W3", t4, p4 ?? "no time"));
    else {
      const m = f4.time.median / rtt.time.median;
      out.push({
        workload: "W3",
        target: t4,
        met: m <= T.w3RttMultipleAt4,
        score: T.w3RttMultipleAt4 / m,
        detail: `${f2(f4.time.median * 1000)} µs vs ws ${f2(rtt.time.median * 1000)} µs: ${f2(m)}x${broadcastNote(baselines, 4, rtt.time.median)}`,
      });
    }
    const t32 = `no-op round trip, 32 engines <= ${T.w3MsAt32} ms`;
    const f32 = find("W3", "noop.32");
    const p32 = figureProblem(f32);
    if (p32 || !f32?.time) out.push(missing("W3", t32, p32 ?? "no time"));
    else
      out.push({
        workload: "W3",
        target: t32,
        met: f32.time.median <= T.w3MsAt32,
        score: T.w3MsAt32 / f32.time.median,
        detail: `${f2(f32.time.median)} ms${broadcastNote(baselines, 32, rtt?.time.median)}`,
      });
  }

  if (want("W4")) {
    const tcp = baselines.figure("tcp", "throughput")?.gibPerSecond;
    for (const name of ["fromArray", "toArray"]) {
      const target = `${name} ${formatBytes(options.transferBytes)} >= ${T.w4GiBs} GiB/s and >= ${T.w4TcpFraction * 100}% of raw TCP`;
      const f = find("W4", name);
      const problem = figureProblem(f);
      if (problem || !f?.value) {
        out.push(missing("W4", target, problem ?? "no value"));
        continue;
      }
      const gibs = f.value.amount;
      const frac = tcp ? gibs / tcp : undefined;
      out.push({
        workload: "W4",
        target,
        met: gibs >= T.w4GiBs && (frac === undefined || frac >= T.w4TcpFraction),
        score: Math.min(gibs / T.w4GiBs, frac === undefined ? Infinity : frac / T.w4TcpFraction),
        detail:
          `${f2(gibs)} GiB/s` +
          (frac === undefined
            ? " (TCP baseline absent)"
            : `, ${f2(frac * 100)}% of TCP ${f2(tcp!)} GiB/s`),
      });
    }
  }

  if (want("W5")) {
    for (const name of ["rows-to-columns", "block-to-cyclic"]) {
      const target = `redistribution ${name} >= ${T.w5GiBs} GiB/s with <= ${T.w5ExtraBlocks} extra local block per engine`;
      const f = find("W5", name);
      const problem = figureProblem(f);
      if (problem || !f?.value) {
        out.push(missing("W5", target, problem ?? "no value"));
        continue;
      }
      const gibs = f.value.amount;
      const extra = f.extra?.extraBlocks;
      const extraOk = typeof extra === "number" ? extra <= T.w5ExtraBlocks : true;
      out.push({
        workload: "W5",
        target,
        met: gibs >= T.w5GiBs && extraOk,
        score: gibs / T.w5GiBs,
        detail:
          `${f2(gibs)} GiB/s; ` +
          (typeof extra === "number"
            ? `peak memory growth ${f2(extra)} local blocks beyond the result`
            : "extra memory not measurable"),
      });
    }
  }

  if (want("W6")) {
    const name = taskName.chain(options.chainLength, options.chainElements);
    const target = `chain of ${options.chainLength} ufuncs on ${options.chainElements} elements <= ${T.w6Ms} ms`;
    const f = find("W6", name);
    const problem = figureProblem(f);
    if (problem || !f?.time) out.push(missing("W6", target, problem ?? "no time"));
    else
      out.push({
        workload: "W6",
        target,
        met: f.time.median <= T.w6Ms,
        score: T.w6Ms / f.time.median,
        detail: `${f2(f.time.median)} ms, ${f.extra?.roundTrips} round trip(s)`,
      });
  }

  if (want("W7")) {
    const target = `engine RSS <= ${T.w7RssFactor}x local data + ${formatBytes(T.w7RssAllowanceBytes)} after ${options.temporaries} temporaries`;
    const f = report.figures.find((g) => g.workload === "W7");
    const problem = figureProblem(f);
    if (problem || !f?.value) out.push(missing("W7", target, problem ?? "no value"));
    else {
      const local = Number(f.extra?.localDataBytes);
      const allowed = T.w7RssFactor * local + T.w7RssAllowanceBytes;
      out.push({
        workload: "W7",
        target,
        met: f.value.amount <= allowed,
        score: allowed / f.value.amount,
        detail: `RSS ${formatBytes(f.value.amount)} vs allowed ${formatBytes(allowed)} (${formatBytes(local)} live data, ${f.extra?.liveArrays} arrays held, pool ${formatBytes(Number(f.extra?.poolInUseBytes))} in use)`,
      });
    }
  }

  if (want("W8")) {
    const s = report.scaling;
    const target = `time grows linearly with size (${options.scalingSizes.map(sizeLabel).join(", ")})`;
    if (!s) out.push(missing("W8", target, "not measured"));
    else out.push({ workload: "W8", target, met: s.linear, detail: s.explanation });
  }
  return out;
}

/** "; a plain ws broadcast to n echo processes takes ..." when the run measured it. */
function broadcastNote(baselines: Baselines, n: number, rttMs: number | undefined): string {
  const b = baselines.figure("ws", `broadcast.${n}`);
  if (!b) return "";
  const vsRtt = rttMs ? ` (${f2(b.time.median / rttMs)}x the round trip)` : "";
  return `; a plain ws broadcast to ${n} echo processes, no DistArray code, takes ${f2(b.time.median * 1000)} µs in this run${vsRtt}`;
}
