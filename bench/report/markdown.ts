/** The Markdown report: targets, workloads, baselines and the W8 scaling table. */
import { sizeLabel } from "../options.js";
import type { BenchReport, Figure } from "../results.js";
import { formatMs, formatRatio, formatValue } from "./format.js";

function cell(s: string): string {
  return s.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)];
}

function verdict(met: boolean | null): string {
  return met === null ? "n/a" : met ? "**met**" : "not met";
}

function figureValue(f: Figure): string {
  if (f.error) return `failed: ${f.error}`;
  if (f.absent) return `absent: ${f.absent}`;
  return f.value ? formatValue(f.value.amount, f.value.unit) : "";
}

/** The targets table alone (used in the README's Performance section too). */
export function targetsTable(report: BenchReport): string[] {
  return table(
    ["workload", "target", "result", "numbers"],
    report.targets.map((t) => [t.workload, t.target, verdict(t.met), t.detail]),
  );
}

/** The workloads table alone. */
export function figuresTable(report: BenchReport): string[] {
  return table(
    ["workload", "figure", "engines", "median", "min", "max", "first run", "value", "ratios"],
    report.figures.map((f) => [
      f.workload,
      f.title,
      String(f.engines),
      f.time ? formatMs(f.time.median) : "",
      f.time ? formatMs(f.time.min) : "",
      f.time ? formatMs(f.time.max) : "",
      f.time?.firstMs !== undefined
        ? `${formatMs(f.time.firstMs)} (${f.time.warmupRuns ?? 0} warm-up)`
        : "",
      figureValue(f),
      f.ratios.map((r) => `${formatRatio(r.value)} ${ratioLabel(r.baseline)}`).join(", "),
    ]),
  );
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [
    `# DistArray benchmark${report.quick ? " (quick smoke run)" : ""}`,
    "",
    `Run ${report.startedAt}, ${report.durationSeconds.toFixed(0)} s; ${m.cpus} × ${m.cpuModel}, ` +
      `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, load average ${m.load.map((x) => x.toFixed(1)).join(" ")} at start.`,
    "",
    "## Targets",
    "",
    ...targetsTable(report),
    "",
    "## Workloads",
    "",
    "Times are median, min and max of the timed runs, made after a warm-up of at least the given",
    "runs that lasts the warm-up budget (`--warmup-ms`), so cheap workloads are timed once V8 has",
    'optimised the code; "first run" is the cold first run and the number of warm-up runs. Ratios: against NumPy and',
    "the Float64Array loop, baseline time / this time (above 1 = faster); against ws, this time /",
    "round trip; against TCP, this throughput / TCP throughput; W7, RSS / live local data.",
    "",
    ...figuresTable(report),
    "",
    "## Baselines",
    "",
    ...table(
      ["baseline", "figure", "median", "min", "max", "throughput", "detail"],
      report.baselines.flatMap((b) =>
        b.absent
          ? [[b.title, "", "", "", "", "", `absent: ${b.absent}`]]
          : b.figures.map((f, i) => [
              i === 0 ? b.title : "",
              f.title,
              formatMs(f.time.median),
              formatMs(f.time.min),
              formatMs(f.time.max),
              f.gibPerSecond === undefined ? "" : `${f.gibPerSecond.toPrecision(3)} GiB/s`,
              i === 0 ? b.detail : "",
            ]),
      ),
    ),
  ];
  const s = report.scaling;
  if (s) {
    lines.push(
      "",
      `## W8: time against size (${s.op}, ${s.engines} engines)`,
      "",
      ...table(
        ["elements", "median", "min", "ns/element (median)", "NumPy", "Float64Array loop"],
        s.points.map((p) => [
          sizeLabel(p.elements),
          formatMs(p.time.median),
          formatMs(p.time.min),
          ((p.time.median * 1e6) / p.elements).toPrecision(3),
          p.numpyMs === undefined ? "absent" : formatMs(p.numpyMs),
          p.f64LoopMs === undefined ? "" : formatMs(p.f64LoopMs),
        ]),
      ),
      "",
      `Linear: ${s.linear ? "yes" : "no"}. ${s.explanation}.`,
    );
  }
  lines.push("");
  return lines.join("\n");
}

/** "numpy" for "numpy:add.2^25"; "ws broadcast" for the broadcast figures of the ws baseline. */
function ratioLabel(baseline: string): string {
  const [id, name] = baseline.split(":");
  return name?.startsWith("broadcast.") ? "ws broadcast" : id!;
}
